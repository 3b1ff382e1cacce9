package hub

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// testdata/hf-cache-python is a cache written by huggingface_hub 2.4.0 itself
// (scripts/reference/hub_interop.py --fixture: snapshot_download and
// hf_hub_download against a fake Hub on loopback): refs/ (a branch and the
// special ref refs/convert/parquet), snapshots/ of relative symlinks,
// blobs/ named by git sha1 and LFS sha256, trees/<commit>.json listings,
// .no_exist/ for a file the Hub said does not exist, CACHEDIR.TAG.
// jretrieve, offline, must find every file in it. The expected bytes are
// the fake Hub's (written out again here, independently of the cache).
func TestPythonMadeCache(t *testing.T) {
	cache := filepath.Join("testdata", "hf-cache-python")
	model := Model("jr-test/tiny-model")
	parquet := Dataset("jr-test/tiny-ds").At("refs/convert/parquet")
	jsonl := Dataset("jr-test/tiny-ds")
	want := map[Repo]map[string][]byte{
		model: {
			"config.json":         []byte(`{"model_type": "bert", "hidden_size": 8}` + "\n"),
			"tokenizer/vocab.txt": []byte("[PAD]\n[UNK]\n[CLS]\n[SEP]\n日本\n語\n"),
			"model.safetensors": bytes.Repeat(func() []byte {
				b := make([]byte, 256)
				for i := range b {
					b[i] = byte(i)
				}
				return b
			}(), 40),
			"README.md": []byte("# tiny\n"),
		},
		jsonl:   {"data/test.jsonl": []byte(`{"q": "山"}` + "\n")},
		parquet: {"default/test/0000.parquet": append(append([]byte("PAR1"), make([]byte, 5000)...), "PAR1"...)},
	}
	c := New(Options{CacheDir: cache, Offline: true, Endpoint: "http://127.0.0.1:9"})
	ctx := context.Background()
	for repo, files := range want {
		for name, b := range files {
			p, err := c.Download(ctx, repo, name)
			if err != nil {
				t.Errorf("%s %s: %v", repo, name, err)
				continue
			}
			got, err := os.ReadFile(p)
			if err != nil || !bytes.Equal(got, b) {
				t.Errorf("%s %s: read %d bytes (%v), want %d", repo, name, len(got), err, len(b))
			}
		}
		dir, err := c.Snapshot(ctx, repo, nil)
		if err != nil {
			t.Errorf("%s snapshot: %v", repo, err)
			continue
		}
		names, err := walkSnapshot(dir)
		if err != nil {
			t.Fatal(err)
		}
		var wantNames []string
		for n := range files {
			wantNames = append(wantNames, n)
		}
		slices.Sort(wantNames)
		slices.Sort(names)
		if !slices.Equal(names, wantNames) {
			t.Errorf("%s snapshot %s lists %v, want %v", repo, dir, names, wantNames)
		}
		list, err := c.List(ctx, repo)
		if err != nil {
			t.Errorf("%s list: %v", repo, err)
			continue
		}
		for _, f := range list {
			if f.Size != int64(len(files[f.Path])) {
				t.Errorf("%s list: %s size %d, want %d", repo, f.Path, f.Size, len(files[f.Path]))
			}
		}
	}
	// A file huggingface_hub recorded as absent (.no_exist) is not cached.
	if _, err := c.Download(ctx, model, "missing.txt"); !errors.Is(err, ErrNotCached) {
		t.Errorf("missing.txt: err = %v, want ErrNotCached", err)
	}
	// A revision Python never resolved is not cached either.
	if _, err := c.Snapshot(ctx, model.At("v2"), nil); !errors.Is(err, ErrNotCached) {
		t.Errorf("model@v2: err = %v, want ErrNotCached", err)
	}
}
