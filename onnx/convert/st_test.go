package convert_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/convert"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
)

// TestSentenceTransformersPath runs the full jretrieve path on checkpoints
// without ONNX (st-modernbert: tokenizer.json, prompts, mean pooling,
// Normalize; st-llama: the Llama decoder, last-token pooling of a
// right-padded batch, Normalize): embed.Open converts them on first use,
// and the embeddings must match SentenceTransformer.encode (cosine >=
// 0.99999, |diff| <= 1e-4).
func TestSentenceTransformersPath(t *testing.T) {
	for _, name := range []string{"st-modernbert", "st-llama"} {
		t.Run(name, func(t *testing.T) { testSentenceTransformersPath(t, name) })
	}
}

func testSentenceTransformersPath(t *testing.T, name string) {
	backends := []string{"go"}
	if hasORT() { // before JRETRIEVE_CACHE moves the library's default location
		// ort-fused: the fused graph form (GroupQueryAttention for
		// st-llama's right-padded batches), converted beforehand.
		backends = append(backends, "ort", "ort-fused")
	}
	t.Setenv("JRETRIEVE_CACHE", t.TempDir())
	b, err := os.ReadFile(filepath.Join("testdata", name, "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Items []struct {
			Kind      string    `json:"kind"`
			Text      string    `json:"text"`
			Embedding []float64 `json:"embedding"`
		} `json:"items"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			dir := filepath.Join("testdata", name)
			if backend == "ort-fused" {
				dir = t.TempDir()
				if _, err := modeldir.ConvertInto(ctx, filepath.Join("testdata", name), dir, convert.Options{Graph: convert.GraphFused}); err != nil {
					t.Fatal(err)
				}
				backend = "ort"
			}
			m, err := embed.Open(ctx, dir, embed.WithBackend(backend))
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			for _, kind := range []string{"query", "document"} {
				var texts []string
				var want [][]float64
				for _, it := range ref.Items {
					if it.Kind == kind {
						texts = append(texts, it.Text)
						want = append(want, it.Embedding)
					}
				}
				var got []float32
				if kind == "query" {
					got, err = m.EmbedQueries(ctx, texts)
				} else {
					got, err = m.EmbedDocuments(ctx, texts)
				}
				if err != nil {
					t.Fatal(err)
				}
				d := m.Dim()
				for i, w := range want {
					g := got[i*d : (i+1)*d]
					var maxd, dot, ng, nw float64
					for j := range g {
						maxd = max(maxd, math.Abs(float64(g[j])-w[j]))
						dot += float64(g[j]) * w[j]
						ng += float64(g[j]) * float64(g[j])
						nw += w[j] * w[j]
					}
					if cos := dot / math.Sqrt(ng*nw); maxd > 1e-4 || !(cos >= 0.99999) {
						t.Errorf("%s %q: max |diff| %.3g, cosine %.7f", kind, texts[i], maxd, cos)
					}
				}
			}
		})
	}
}
