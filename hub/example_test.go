package hub_test

import (
	"context"
	"fmt"
	"log"

	"github.com/jretrieve/jretrieve/hub"
)

// Download the test split of JQaRA into the shared Hugging Face cache
// (or find it there when HF_HUB_OFFLINE=1).
func ExampleClient_Download() {
	c := hub.New(hub.FromEnv())
	path, err := c.Download(context.Background(),
		hub.Repo{ID: "hotchpotch/JQaRA", Type: hub.TypeDataset},
		"data/test-00000-of-00001.parquet")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(path)
}

// Fetch the configuration and tokenizer files of a model at a pinned
// commit; dir is snapshots/<commit> in the cache.
func ExampleClient_Snapshot() {
	opts := hub.FromEnv()
	opts.Progress = func(p hub.Progress) {
		if p.Done {
			log.Printf("%s: %d bytes", p.File, p.Downloaded)
		}
	}
	c := hub.New(opts)
	dir, err := c.Snapshot(context.Background(),
		hub.Repo{ID: "cl-nagoya/ruri-v3-30m", Revision: "24899e5de370b56d179604a007c0d727bf144504"},
		[]string{"*.json", "tokenizer.model"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dir)
}
