package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

func TestEmbedCommand(t *testing.T) {
	ref, err := onnxtest.Load("bert-tiny")
	if err != nil {
		t.Fatal(err)
	}
	var want onnxtest.Item
	for _, it := range ref.Items {
		if it.Kind == "document" && it.Text == "  hello world\n" {
			want = it
		}
	}
	var out, errb bytes.Buffer
	code := runMain(context.Background(), []string{"embed", "--model", onnxtest.Dir("bert-tiny"), "--backend", "go", "  hello world\n"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var line struct {
		Text   string
		Tokens int
		Vector []float32
	}
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if line.Text != "  hello world\n" || line.Tokens != len(want.InputIDs) {
		t.Fatalf("got %q with %d tokens, want %d", line.Text, line.Tokens, len(want.InputIDs))
	}
	if d, err := onnxtest.MaxAbsDiff(line.Vector, want.Normalized); err != nil || d > onnxtest.Tolerance {
		t.Fatalf("vector differs from sentence-transformers: %v %v", d, err)
	}
	// it says which prompt each role used
	if w := `query: prompt "query" = "クエリ: "; document: prompt "document" = "文章: "`; !strings.Contains(errb.String(), w) {
		t.Errorf("stderr %q lacks %q", errb.String(), w)
	}
	if code := runMain(context.Background(), []string{"embed", "x"}, &out, &errb); code != 2 {
		t.Fatalf("missing --model: exit %d, want 2", code)
	}
}

// embed with a cross-encoder says what the model is and how to use it.
func TestEmbedCrossEncoder(t *testing.T) {
	dir := onnxtest.Dir("cross-encoder-bert-tiny")
	_, stderr, code := runCLI(t, "embed", "--model", dir, "--backend", "go", "hello world")
	if code != 1 || !strings.Contains(stderr, "is a cross-encoder") || !strings.Contains(stderr, "bm25>"+dir+"@100") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
