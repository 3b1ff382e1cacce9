package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/rag"
)

func writeNotes(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"yama.txt":     "富士山は静岡県と山梨県にまたがる日本一高い山で、標高は3776メートルです。\n\n北岳は南アルプスにある日本で二番目に高い山です。\n",
		"mizu/biwa.md": "琵琶湖は滋賀県にある日本最大の湖です。\n\n信濃川は日本で最も長い川です。\n",
		"skip.csv":     "富士山,3776\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestIndexSearchBM25(t *testing.T) {
	notes := writeNotes(t)
	idx := filepath.Join(t.TempDir(), "idx")
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), []string{"index", "--out", idx, notes}, &out, &errb); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "indexed 4 passages") {
		t.Errorf("index output: %s", out.String())
	}
	out.Reset()
	if code := runMain(context.Background(), []string{"search", "--index", idx, "-k", "2", "--json", "琵琶湖はどこにありますか"}, &out, &errb); code != 0 {
		t.Fatalf("search: exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var first struct {
		Rank  int
		ID    string
		Score float64
		Meta  map[string]string
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if first.Rank != 1 || first.ID != "mizu/biwa.md#1" || first.Score <= 0 || first.Meta["file"] != "mizu/biwa.md" {
		t.Errorf("top hit %+v, want mizu/biwa.md#1", first)
	}
	// the index has no embeddings: dense search is a usage error
	if code := runMain(context.Background(), []string{"search", "--index", idx, "--mode", "dense", "湖"}, &out, &errb); code != 2 {
		t.Errorf("dense over a BM25 index: exit %d", code)
	}
	if code := runMain(context.Background(), []string{"search", "湖"}, &out, &errb); code != 2 {
		t.Errorf("missing --index: exit %d", code)
	}
}

func TestIndexSearchModelMismatch(t *testing.T) {
	notes := writeNotes(t)
	idx := filepath.Join(t.TempDir(), "idx")
	var out, errb bytes.Buffer
	args := []string{"index", "--model", onnxtest.Dir("bert-tiny"), "--backend", "go", "-q", "--out", idx, notes}
	if code := runMain(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := runMain(context.Background(), []string{"search", "--index", idx, "--backend", "go", "-k", "3", "日本一高い山"}, &out, &errb); code != 0 {
		t.Fatalf("search: exit %d: %s", code, errb.String())
	}
	if n := strings.Count(out.String(), "\n"); n != 6 {
		t.Errorf("want 3 hits (2 lines each), got:\n%s", out.String())
	}
	errb.Reset()
	code := runMain(context.Background(), []string{"search", "--index", idx, "--backend", "go", "--model", onnxtest.Dir("bert-lasttoken-tiny"), "山"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "settings differ from the stored index") {
		t.Errorf("other model: exit %d: %s", code, errb.String())
	}
}

// A second `jretrieve index` into the same directory fails at once (before
// reading or embedding anything) while the first holds the writer lock.
func TestIndexLocked(t *testing.T) {
	notes := writeNotes(t)
	idx := filepath.Join(t.TempDir(), "idx")
	l, err := rag.LockDir(idx)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), []string{"index", "--out", idx, notes}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "being written by another process") {
		t.Errorf("index under a lock: exit %d, %q", code, errb.String())
	}
	l.Unlock()
	errb.Reset()
	if code := runMain(context.Background(), []string{"index", "--out", idx, notes}, &out, &errb); code != 0 {
		t.Errorf("index after unlock: exit %d, %q", code, errb.String())
	}
}

// TestSearchRecordedModelMoved checks the error when the model directory an
// index recorded has moved: it names the directory, not a Hub repo id.
func TestSearchRecordedModelMoved(t *testing.T) {
	notes := writeNotes(t)
	tmp := t.TempDir()
	model := filepath.Join(tmp, "bert-tiny")
	if err := os.CopyFS(model, os.DirFS(onnxtest.Dir("bert-tiny"))); err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(tmp, "idx")
	var out, errb bytes.Buffer
	args := []string{"index", "--model", model, "--backend", "go", "-q", "--out", idx, notes}
	if code := runMain(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errb.String())
	}
	if err := os.Rename(model, model+"-moved"); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	code := runMain(context.Background(), []string{"search", "--index", idx, "--backend", "go", "--mode", "dense", "山"}, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), model+", which does not exist") || !strings.Contains(errb.String(), "--model") || strings.Contains(errb.String(), "repo id") {
		t.Errorf("moved model: exit %d: %s", code, errb.String())
	}
	// A --model path that does not exist says so too.
	errb.Reset()
	code = runMain(context.Background(), []string{"search", "--index", idx, "--backend", "go", "--model", "./nonexistent-dir", "山"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "./nonexistent-dir: model directory does not exist") {
		t.Errorf("missing --model: exit %d: %s", code, errb.String())
	}
}

func TestSearchRejectsInvalidUTF8(t *testing.T) {
	notes := writeNotes(t)
	idx := filepath.Join(t.TempDir(), "idx")
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), []string{"index", "-q", "--out", idx, notes}, &out, &errb); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errb.String())
	}
	errb.Reset()
	for _, mode := range []string{"bm25", "hybrid"} {
		code := runMain(context.Background(), []string{"search", "--index", idx, "--mode", mode, "湖\xff"}, &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), "argument 1: text is not valid UTF-8") {
			t.Errorf("%s: exit %d, %q", mode, code, errb.String())
		}
		errb.Reset()
	}
}
