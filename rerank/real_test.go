package rerank_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/rerank"
)

// TestRealCrossEncoders checks exported real cross-encoders against scores
// saved next to them: JRETRIEVE_REAL_MODELS=DIR, every DIR/<model>/ whose
// reference.json has "query"/"document"/"score" items (written by
// scripts/make-real-reference.py with sentence-transformers' CrossEncoder).
func TestRealCrossEncoders(t *testing.T) {
	root := os.Getenv("JRETRIEVE_REAL_MODELS")
	if root == "" {
		t.Skip("set JRETRIEVE_REAL_MODELS=DIR to check real exported models against their reference.json")
	}
	backend := os.Getenv("JRETRIEVE_REAL_BACKEND")
	refs, _ := filepath.Glob(filepath.Join(root, "*", "reference.json"))
	ctx := context.Background()
	for _, p := range refs {
		ref, err := onnxtest.LoadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(ref.Items) == 0 || ref.Items[0].Query == "" {
			continue
		}
		dir := filepath.Dir(p)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ce, err := rerank.OpenCrossEncoder(ctx, dir, rerank.CrossEncoderOptions{Backend: backend, MaxLength: ref.MaxLength})
			if err != nil {
				t.Fatal(err)
			}
			defer ce.Close()
			for _, it := range ref.Items {
				s, err := ce.Score(ctx, it.Query, []string{it.Document})
				if err != nil {
					t.Fatal(err)
				}
				if d := math.Abs(s[0] - it.Score); d > 1e-4 {
					t.Errorf("%q / %q: score %.6f, reference %.6f", it.Query, it.Document, s[0], it.Score)
				}
			}
		})
	}
}
