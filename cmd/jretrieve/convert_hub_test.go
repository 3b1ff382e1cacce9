package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeModelHub serves model repositories (files by repo id) the way the Hub
// does; see fakeRepoHub.
func fakeModelHub(t *testing.T, repos map[string]map[string][]byte) (*httptest.Server, func() int) {
	return fakeRepoHub(t, "models", repos)
}

// fakeRepoHub serves repositories of one kind ("models" or "datasets")
// the way the Hub does: revision -> commit, recursive tree listing,
// resolve with X-Repo-Commit and ETag. A 40-hex revision (a catalog pin) is
// its own commit; any other name resolves to one fixed commit. The func
// counts file downloads (GETs).
func fakeRepoHub(t *testing.T, kind string, repos map[string]map[string][]byte) (*httptest.Server, func() int) {
	api, files := "/api/"+kind+"/", "/"
	if kind == "datasets" {
		files = "/datasets/"
	}
	const fallback = "c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ff"
	hexRev := regexp.MustCompile(`^[0-9a-f]{40}$`)
	commitOf := func(rev string) string {
		if hexRev.MatchString(rev) {
			return rev
		}
		return fallback
	}
	oid := func(b []byte) string {
		h := sha1.New()
		fmt.Fprintf(h, "blob %d\x00", len(b))
		h.Write(b)
		return hex.EncodeToString(h.Sum(nil))
	}
	var mu sync.Mutex
	gets := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		for id, repo := range repos {
			if rest, ok := strings.CutPrefix(p, api+id+"/revision/"); ok {
				json.NewEncoder(w).Encode(map[string]string{"sha": commitOf(rest)})
				return
			}
			if strings.HasPrefix(p, api+id+"/tree/") {
				var entries []map[string]any
				for n, b := range repo {
					entries = append(entries, map[string]any{"type": "file", "path": n, "oid": oid(b), "size": len(b)})
				}
				json.NewEncoder(w).Encode(entries)
				return
			}
			if rest, ok := strings.CutPrefix(p, files+id+"/resolve/"); ok {
				rev, name, _ := strings.Cut(rest, "/")
				if rev == "refs" { // refs/convert/parquet and the like
					parts := strings.SplitN(rest, "/", 4)
					if len(parts) == 4 {
						rev, name = strings.Join(parts[:3], "/"), parts[3]
					}
				}
				b, found := repo[name]
				if !found {
					http.NotFound(w, r)
					return
				}
				if r.Method == http.MethodGet {
					mu.Lock()
					gets++
					mu.Unlock()
				}
				w.Header().Set("X-Repo-Commit", commitOf(rev))
				w.Header().Set("ETag", `"`+oid(b)+`"`)
				http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
				return
			}
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return gets }
}

// readRepo reads the files of a fixture directory (recursively) as a repo.
func readRepo(t *testing.T, dirs ...string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == "reference.json" {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			b, err := os.ReadFile(p)
			files[filepath.ToSlash(rel)] = b
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// The end-to-end case, on a fake Hub: catalog names whose
// repositories hold only checkpoints (config.json + model.safetensors, no
// ONNX) are downloaded, converted in Go, embedded and reranked; a second run
// downloads nothing and reuses the conversions. The checkpoints are the
// converter's tiny ModernBERT fixtures (transformers classes, random
// weights) standing in for ruri-v3-30m and ruri-v3-reranker-310m.
func TestEvalConvertsCatalogModelsFromHub(t *testing.T) {
	fx := filepath.Join("..", "..", "onnx", "convert", "testdata")
	emb := readRepo(t, filepath.Join(fx, "st-modernbert"))
	rr := readRepo(t, filepath.Join(fx, "modernbert-cls"))
	for _, n := range []string{"tokenizer.json", "tokenizer_config.json", "vocab.txt"} {
		rr[n] = emb[n]
	}
	srv, gets := fakeModelHub(t, map[string]map[string][]byte{
		"cl-nagoya/ruri-v3-30m":           emb,
		"cl-nagoya/ruri-v3-reranker-310m": rr,
	})
	dir := t.TempDir()
	t.Setenv("HF_ENDPOINT", srv.URL)
	t.Setenv("HF_HOME", filepath.Join(dir, "hf"))
	t.Setenv("HF_HUB_CACHE", "")
	t.Setenv("HUGGINGFACE_HUB_CACHE", "")
	t.Setenv("HF_HUB_OFFLINE", "")
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HUGGING_FACE_HUB_TOKEN", "")
	t.Setenv("JRETRIEVE_CACHE", filepath.Join(dir, "cache"))
	t.Setenv("JRETRIEVE_MODELS", "")
	args := []string{"eval", "-q", "--no-plots", "--backend", "go", "--dataset", "sample", "--cache", "", "--force",
		"--model", "cl-nagoya/ruri-v3-30m", "--model", "cl-nagoya/ruri-v3-30m>cl-nagoya/ruri-v3-reranker-310m@10"}
	out1, stderr, code := runCLI(t, append(args, "--out", filepath.Join(dir, "out1"))...)
	if code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	for _, name := range []string{"cl-nagoya/ruri-v3-30m", "cl-nagoya/ruri-v3-30m>cl-nagoya/ruri-v3-reranker-310m@10"} {
		if !strings.Contains(out1, name) {
			t.Errorf("table lacks run %s:\n%s", name, out1)
		}
	}
	converted, err := filepath.Glob(filepath.Join(dir, "cache", "converted", "*", "*", "model.onnx"))
	if err != nil || len(converted) == 0 {
		converted, _ = filepath.Glob(filepath.Join(dir, "cache", "converted", "*", "model.onnx"))
	}
	if len(converted) != 2 {
		t.Fatalf("converted graphs in the cache: %v, want 2 (embedder and reranker)", converted)
	}
	t.Logf("converted: %v\n%s", converted, out1)
	stat := func() map[string]time.Time {
		m := map[string]time.Time{}
		for _, p := range converted {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			m[p] = st.ModTime()
		}
		return m
	}
	before, n := stat(), gets()
	out2, stderr, code := runCLI(t, append(args, "--out", filepath.Join(dir, "out2"))...)
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if gets() != n {
		t.Errorf("second run downloaded %d files again", gets()-n)
	}
	for p, mt := range stat() {
		if !mt.Equal(before[p]) {
			t.Errorf("%s was converted again", p)
		}
	}
	if out1 != out2 {
		t.Errorf("second run's table differs:\n%s\nthen\n%s", out1, out2)
	}
}
