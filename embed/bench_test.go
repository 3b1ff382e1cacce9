package embed_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

// bareORT runs ONNX Runtime directly on pre-tokenized, pre-padded inputs with
// preallocated tensors: the anchor the embedder is compared with.
func bareORT(b *testing.B, dir string, texts []string) {
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
	shape := ortgo.NewShape(int64(n), int64(seqLen))
	var ins []ortgo.Value
	for _, d := range [][]int64{ids, mask, types} {
		t, err := ortgo.NewTensor(shape, d)
		if err != nil {
			b.Fatal(err)
		}
		defer t.Destroy()
		ins = append(ins, t)
	}
	out, err := ortgo.NewEmptyTensor[float32](ortgo.NewShape(int64(n), int64(seqLen), 768))
	if err != nil {
		b.Fatal(err)
	}
	defer out.Destroy()
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
		ins, []ortgo.Value{out}, so)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Destroy()
	if err := s.Run(); err != nil { // warm-up
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if err := s.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "seq/s")
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
