package embed_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

// TestRealModels checks exported real models against reference vectors
// saved next to them: JRETRIEVE_REAL_MODELS=DIR, where every DIR/<model>/
// holding a reference.json with "kind"/"text"/"normalized" items (written by
// scripts/make-real-reference.py with sentence-transformers) is embedded with
// its own prompts and compared (max abs diff <= 1e-4, cosine >= 0.99999).
// JRETRIEVE_REAL_BACKEND selects the backend (default ort).
func TestRealModels(t *testing.T) {
	root := os.Getenv("JRETRIEVE_REAL_MODELS")
	if root == "" {
		t.Skip("set JRETRIEVE_REAL_MODELS=DIR to check real exported models against their reference.json")
	}
	backend := os.Getenv("JRETRIEVE_REAL_BACKEND")
	if backend == "" {
		backend = "ort"
	}
	refs, _ := filepath.Glob(filepath.Join(root, "*", "reference.json"))
	if len(refs) == 0 {
		t.Fatalf("no */reference.json under %s", root)
	}
	ctx := context.Background()
	for _, p := range refs {
		dir := filepath.Dir(p)
		ref, err := onnxtest.LoadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(ref.Items) == 0 || ref.Items[0].Normalized == nil {
			continue // a cross-encoder reference: see package rerank
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			opts := []embed.Option{embed.WithBackend(backend)}
			if ref.MaxSeqLength > 0 {
				opts = append(opts, embed.WithMaxLength(ref.MaxSeqLength))
			}
			m, err := embed.Open(ctx, dir, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			for _, it := range ref.Items {
				var v []float32
				if it.Kind == "query" {
					v, err = m.EmbedQueries(ctx, []string{it.Text})
				} else {
					v, err = m.EmbedDocuments(ctx, []string{it.Text})
				}
				if err != nil {
					t.Fatal(err)
				}
				d, err := onnxtest.MaxAbsDiff(v, it.Normalized)
				if err != nil {
					t.Fatal(err)
				}
				if c := onnxtest.Cosine(v, it.Normalized); d > onnxtest.Tolerance || c < 0.99999 {
					t.Errorf("%s %q: max abs diff %.3g, cosine %.7f", it.Kind, it.Text, d, c)
				}
			}
		})
	}
}
