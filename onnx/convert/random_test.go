package convert

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The dry run names exactly the tensors (and shapes) of the real fixtures
// that the converter reads, and a random checkpoint of that shape
// converts.
func TestShapesMatchFixtures(t *testing.T) {
	for _, name := range []string{"bert", "bert-cls", "distilbert", "distilbert-cls", "xlmr", "xlmr-cls", "luke", "modernbert", "modernbert-cls", "llama"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			shapes, err := Shapes(dir)
			if err != nil {
				t.Fatal(err)
			}
			ckpt, err := ReadCheckpoint(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(shapes) == 0 {
				t.Fatal("no tensors")
			}
			for n, sh := range shapes {
				tt, ok := ckpt.Tensors[n]
				if !ok {
					t.Errorf("%s: not in the fixture checkpoint", n)
					continue
				}
				if !slices.Equal(tt.Shape, sh) {
					t.Errorf("%s: shape %v, fixture %v", n, sh, tt.Shape)
				}
			}
			out := t.TempDir()
			cfg, err := os.ReadFile(filepath.Join(dir, "config.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, "config.json"), cfg, 0o644); err != nil {
				t.Fatal(err)
			}
			n, err := WriteRandomCheckpoint(context.Background(), out, 1)
			if err != nil {
				t.Fatal(err)
			}
			if n != Params(shapes) || n <= 0 {
				t.Errorf("params %d, shapes say %d", n, Params(shapes))
			}
			rc, err := ReadCheckpoint(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(rc.Tensors) != len(shapes) {
				t.Errorf("random checkpoint has %d tensors, want %d", len(rc.Tensors), len(shapes))
			}
			if _, err := Convert(context.Background(), out, filepath.Join(out, "onnx"), Options{}); err != nil {
				t.Fatalf("converting the random checkpoint: %v", err)
			}
		})
	}
}
