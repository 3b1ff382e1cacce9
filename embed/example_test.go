package embed_test

import (
	"context"
	"fmt"
	"log"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

func ExampleOpen() {
	ctx := context.Background()
	// A model directory (here a tiny test model); "go" is the pure-Go
	// backend, the default "ort" needs libonnxruntime.so.
	m, err := embed.Open(ctx, onnxtest.Dir("bert-tiny"), embed.WithBackend("go"))
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	q, err := m.EmbedQueries(ctx, []string{"京都の寺"})
	if err != nil {
		log.Fatal(err)
	}
	docs, err := m.EmbedDocuments(ctx, []string{"京都の寺", "hello world"})
	if err != nil {
		log.Fatal(err)
	}
	dim := m.Dim()
	for i := range 2 {
		var dot float32
		for j := range dim {
			dot += q[j] * docs[i*dim+j]
		}
		fmt.Printf("doc %d: cosine %.2f\n", i, dot)
	}
	fmt.Printf("dim %d, prefixes %q / %q, pooling %s\n", dim, m.Prefixes().Query, m.Prefixes().Document, m.Config().Pooling)
	// Output:
	// doc 0: cosine 0.97
	// doc 1: cosine 0.98
	// dim 32, prefixes "クエリ: " / "文章: ", pooling mean
}
