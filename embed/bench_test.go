package embed_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"github.com/jretrieve/jretrieve/tokenizer"
	ortgo "github.com/yalue/onnxruntime_go"
)

// benchModel returns the base-size BERT (12 layers, hidden 768, random
// weights) used by the benchmarks: $JRETRIEVE_BENCH_MODEL, else
// <jretrieve cache>/bench/bert-base-random. It is generated, never committed:
//
//	/usr/bin/python3 scripts/make-fixtures.py --bench ~/.cache/jretrieve/bench/bert-base-random
func benchModel(b *testing.B) string {
	dir := os.Getenv("JRETRIEVE_BENCH_MODEL")
	if dir == "" {
		dir = filepath.Join(ort.CacheDir(), "bench", "bert-base-random")
	}
	if _, err := os.Stat(filepath.Join(dir, "model.onnx")); err != nil {
		b.Skipf("benchmark model missing (%v): /usr/bin/python3 scripts/make-fixtures.py --bench %s", err, dir)
	}
	return dir
}

// benchTexts returns n texts of exactly seqLen tokens ([CLS] + words + [SEP]).
func benchTexts(n, seqLen int) []string {
	out := make([]string, n)
	for i := range out {
		w := make([]string, seqLen-2)
		for j := range w {
			w[j] = fmt.Sprintf("w%d", (i*131+j*17)%30000)
		}
		out[i] = strings.Join(w, " ")
	}
	return out
}

func requireORTBench(b *testing.B) {
	if err := ort.Init(""); err != nil {
		b.Skipf("ONNX Runtime not installed: %v", err)
	}
}

// newBareORT prepares ONNX Runtime called directly on pre-tokenized,
// pre-padded inputs with preallocated tensors: the anchor the embedder is
// compared with. run performs one inference.
func newBareORT(b *testing.B, dir string, texts []string) (run func() error, done func()) {
	requireORTBench(b)
	tk, err := tokenizer.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	n, seqLen := len(texts), 0
	encs := make([]tokenizer.Encoding, n)
	for i, t := range texts {
		encs[i] = tk.Encode(t, 512)
		seqLen = max(seqLen, encs[i].Len())
	}
	ids := make([]int64, n*seqLen)
	mask := make([]int64, n*seqLen)
	types := make([]int64, n*seqLen)
	for i, e := range encs {
		copy(ids[i*seqLen:], e.IDs)
		for j := range e.IDs {
			mask[i*seqLen+j] = 1
		}
	}
	var vals []ortgo.Value
	shape := ortgo.NewShape(int64(n), int64(seqLen))
	for _, d := range [][]int64{ids, mask, types} {
		t, err := ortgo.NewTensor(shape, d)
		if err != nil {
			b.Fatal(err)
		}
		vals = append(vals, t)
	}
	out, err := ortgo.NewEmptyTensor[float32](ortgo.NewShape(int64(n), int64(seqLen), 768))
	if err != nil {
		b.Fatal(err)
	}
	so, err := ortgo.NewSessionOptions()
	if err != nil {
		b.Fatal(err)
	}
	defer so.Destroy()
	so.SetIntraOpNumThreads(1)
	so.SetInterOpNumThreads(1)
	so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0")
	s, err := ortgo.NewAdvancedSession(filepath.Join(dir, "model.onnx"),
		[]string{"input_ids", "attention_mask", "token_type_ids"}, []string{"last_hidden_state"},
		vals[:3], []ortgo.Value{out}, so)
	if err != nil {
		b.Fatal(err)
	}
	vals = append(vals, out)
	return s.Run, func() {
		s.Destroy()
		for _, v := range vals {
			v.Destroy()
		}
	}
}

func bareORT(b *testing.B, dir string, texts []string) {
	run, done := newBareORT(b, dir, texts)
	defer done()
	if err := run(); err != nil { // warm-up
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if err := run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(texts)*b.N)/b.Elapsed().Seconds(), "seq/s")
}

// embedder runs the full embedder (tokenization, length-sorted batching,
// padding, encoder, mean pooling, L2 normalization) on the same texts.
func embedder(b *testing.B, dir, backend string, texts []string) {
	if backend == "ort" {
		requireORTBench(b)
	}
	ctx := context.Background()
	m, err := embed.Open(ctx, dir, embed.WithBackend(backend), embed.WithPrefixes("", ""), embed.WithBatchSize(32))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	if _, err := m.EmbedDocuments(ctx, texts); err != nil { // warm-up (compiles the Go backend's program)
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := m.EmbedDocuments(ctx, texts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(texts)*b.N)/b.Elapsed().Seconds(), "seq/s")
}

// Batch of 32 sequences of 128 tokens, one intra-op thread.
func BenchmarkBatch32x128(b *testing.B) {
	dir := benchModel(b)
	texts := benchTexts(32, 128)
	b.Run("bare-ort", func(b *testing.B) { bareORT(b, dir, texts) })
	b.Run("embedder-ort", func(b *testing.B) { embedder(b, dir, "ort", texts) })
	b.Run("embedder-go", func(b *testing.B) { embedder(b, dir, "go", texts) })
}

// Single request: one sequence of 128 tokens.
func BenchmarkSingle128(b *testing.B) {
	dir := benchModel(b)
	texts := benchTexts(1, 128)
	b.Run("bare-ort", func(b *testing.B) { bareORT(b, dir, texts) })
	b.Run("embedder-ort", func(b *testing.B) { embedder(b, dir, "ort", texts) })
	b.Run("embedder-go", func(b *testing.B) { embedder(b, dir, "go", texts) })
}

// BenchmarkEmbedderVsBareORT alternates bare ORT and the embedder (ORT
// backend) on the same texts, b.N rounds each (use -benchtime=Nx), and
// reports the median seq/s of both and their ratio (the anchor:
// embedder/bare >= 0.95). Alternating keeps a loaded shared machine from
// favouring one side.
func BenchmarkEmbedderVsBareORT(b *testing.B) {
	dir := benchModel(b)
	for _, shape := range []struct {
		name   string
		n, len int
	}{{"32x128", 32, 128}, {"1x128", 1, 128}} {
		b.Run(shape.name, func(b *testing.B) {
			texts := benchTexts(shape.n, shape.len)
			run, done := newBareORT(b, dir, texts)
			defer done()
			ctx := context.Background()
			m, err := embed.Open(ctx, dir, embed.WithPrefixes("", ""), embed.WithBatchSize(32))
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			if err := run(); err != nil {
				b.Fatal(err)
			}
			if _, err := m.EmbedDocuments(ctx, texts); err != nil {
				b.Fatal(err)
			}
			var bare, emb []float64
			b.ResetTimer()
			for range b.N {
				t0 := time.Now()
				if err := run(); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, err := m.EmbedDocuments(ctx, texts); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				bare = append(bare, t1.Sub(t0).Seconds())
				emb = append(emb, t2.Sub(t1).Seconds())
			}
			mb, me := median(bare), median(emb)
			b.ReportMetric(float64(shape.n)/mb, "bare-seq/s")
			b.ReportMetric(float64(shape.n)/me, "embedder-seq/s")
			b.ReportMetric(me*1000, "embedder-ms/op")
			b.ReportMetric(mb/me, "ratio")
			// The fastest round of each side is the least disturbed by other
			// processes on a shared machine.
			b.ReportMetric(slices.Min(bare)/slices.Min(emb), "min-ratio")
			if os.Getenv("JRETRIEVE_BENCH_GO") == "1" {
				g, err := embed.Open(ctx, dir, embed.WithBackend("go"), embed.WithPrefixes("", ""), embed.WithBatchSize(32))
				if err != nil {
					b.Fatal(err)
				}
				defer g.Close()
				if _, err := g.EmbedDocuments(ctx, texts); err != nil { // compiles the shape
					b.Fatal(err)
				}
				t0 := time.Now()
				if _, err := g.EmbedDocuments(ctx, texts); err != nil {
					b.Fatal(err)
				}
				gs := time.Since(t0).Seconds()
				b.ReportMetric(float64(shape.n)/gs, "go-seq/s")
				b.ReportMetric(mb/gs, "go-ratio")
			}
		})
	}
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
