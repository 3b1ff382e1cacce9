package jretrieve_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/onnx/convert"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
	"github.com/jretrieve/jretrieve/vecsim"
)

// convertedForms are the graph forms BenchmarkConverted compares.
var convertedForms = []struct {
	name string
	opts convert.Options
}{
	{"plain", convert.Options{}},
	{"fused", convert.Options{Graph: convert.GraphFused}},
	{"int8", convert.Options{Quantize: convert.QuantInt8}},
	{"fused-int8", convert.Options{Graph: convert.GraphFused, Quantize: convert.QuantInt8}},
	{"int4", convert.Options{Quantize: convert.QuantInt4}},
	{"fused-int4", convert.Options{Graph: convert.GraphFused, Quantize: convert.QuantInt4}},
	{"fused-int8-block", convert.Options{Graph: convert.GraphFused, Quantize: convert.QuantInt8Block}},
}

// BenchmarkConverted embeds the sample's questions and candidates with
// each graph form jretrieve's converter writes (issue 13) for the
// committed sentence-transformers checkpoint fixtures (ModernBERT, and the
// Llama decoder with last-token pooling) and every checkpoint
// directory in $JRETRIEVE_CHECKPOINTS (colon-separated), on ONNX Runtime.
// Beside docs/s and nDCG@10/MRR@10 it reports min-cos and mean-cos: the
// cosine of each candidate's vector to the plain fp32 graph's.
func BenchmarkConverted(b *testing.B) {
	if be, err := backend(); err != nil {
		b.Fatal(err)
	} else if be != "ort" {
		b.Skip("the fused and quantized graphs need ONNX Runtime")
	}
	dirs := []string{filepath.Join("onnx", "convert", "testdata", "st-modernbert"), filepath.Join("onnx", "convert", "testdata", "st-llama")}
	for _, d := range strings.Split(os.Getenv("JRETRIEVE_CHECKPOINTS"), ":") {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	s := loadSample()
	ctx := context.Background()
	for _, dir := range dirs {
		var plain []float32
		for _, f := range convertedForms {
			b.Run("model="+filepath.Base(dir)+"/graph="+f.name, func(b *testing.B) {
				out := b.TempDir()
				if _, err := modeldir.ConvertInto(ctx, dir, out, f.opts); err != nil {
					b.Fatal(err)
				}
				e := openEmbedder(b, benchModel{name: filepath.Base(dir), dir: out})
				var texts []string
				for _, d := range s.ds.Docs {
					texts = append(texts, d.Text)
				}
				var r *eval.Run
				iters := 0
				for b.Loop() {
					var err error
					if r, err = embedSample(ctx, s, e); err != nil {
						b.Fatal(err)
					}
					iters++
				}
				report(b, iters, float64(s.pairs), r, s.qrels)
				vecs, err := e.EmbedDocuments(ctx, texts)
				if err != nil {
					b.Fatal(err)
				}
				if f.name == "plain" {
					plain = vecs
					return
				}
				if len(plain) != len(vecs) {
					b.Fatal("run the plain form first (no -bench filter between forms)")
				}
				dim := len(vecs) / len(texts)
				minc, sum := 1.0, 0.0
				for i := range texts {
					c := float64(vecsim.Cosine(plain[i*dim:(i+1)*dim], vecs[i*dim:(i+1)*dim]))
					minc, sum = math.Min(minc, c), sum+c
				}
				b.ReportMetric(minc, "min-cos")
				b.ReportMetric(sum/float64(len(texts)), "mean-cos")
			})
		}
	}
}
