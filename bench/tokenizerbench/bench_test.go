// Package tokenizerbench compares tokenization time with model inference
// time per ~400-character Japanese passage (issue 5): tokenization with the
// real bert-base-japanese-v3 tokenizer (MeCab + WordPiece), inference with
// a base-size BERT (12 layers, hidden 768, random weights, the embed
// benchmark model) on ONNX Runtime, batch 1, one intra-op thread.
//
// Run through bench/tokenizer.sh.
package tokenizerbench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"github.com/jretrieve/jretrieve/tokenizer"
)

func passages(b *testing.B) []string {
	data, err := os.ReadFile("../../tokenizer/testdata/passages.txt")
	if err != nil {
		b.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

func loadTokenizer(b *testing.B) tokenizer.Tokenizer {
	dir := filepath.Join("..", "..", "..", "shared", "reference", "tokenizers", "bert-base-japanese-v3")
	if _, err := os.Stat(dir); err != nil {
		b.Skip("../shared absent")
	}
	tk, err := tokenizer.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	return tk
}

// BenchmarkPassage/tokenize and /inference report µs per passage.
func BenchmarkPassage(b *testing.B) {
	ps := passages(b)
	b.Run("tokenize", func(b *testing.B) {
		tk := loadTokenizer(b)
		tk.Encode(ps[0], 512)
		b.ResetTimer()
		n := 0
		for i := range b.N {
			n += tk.Encode(ps[i%len(ps)], 512).Len()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/passage")
		b.ReportMetric(float64(n)/float64(b.N), "tokens/passage")
	})
	b.Run("inference", func(b *testing.B) {
		tk := loadTokenizer(b)
		model := os.Getenv("JRETRIEVE_BENCH_MODEL")
		if model == "" {
			model = filepath.Join(ort.CacheDir(), "bench", "bert-base-random")
		}
		if _, err := os.Stat(filepath.Join(model, "model.onnx")); err != nil {
			b.Skipf("bench model absent: %v", err)
		}
		if _, err := ort.FindLibrary(""); err != nil {
			b.Skipf("ONNX Runtime absent: %v", err)
		}
		enc, err := onnx.Open("ort", filepath.Join(model, "model.onnx"), onnx.Options{Threads: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer enc.Close()
		batches := make([]*onnx.Batch, len(ps))
		for i, p := range ps {
			e := tk.Encode(p, 512)
			batches[i] = &onnx.Batch{Size: 1, SeqLen: e.Len(), InputIDs: e.IDs, AttentionMask: e.AttentionMask, TokenTypeIDs: e.TypeIDs, PadID: int64(tk.PadID())}
		}
		ctx := context.Background()
		if _, err := enc.Run(ctx, batches[0]); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := range b.N {
			if _, err := enc.Run(ctx, batches[i%len(batches)]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/passage")
	})
}
