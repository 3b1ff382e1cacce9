package tokenizer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func benchPassages(b *testing.B) []string {
	data, err := os.ReadFile("testdata/passages.txt")
	if err != nil {
		b.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

// BenchmarkTokenize measures each family on ~400-character Japanese
// passages (testdata/passages.txt) and reports tokens/s and µs/passage.
func BenchmarkTokenize(b *testing.B) {
	passages := benchPassages(b)
	type fam struct {
		name string
		load func(b *testing.B) Tokenizer
	}
	fams := []fam{
		{"bert-japanese-mecab-wordpiece", func(b *testing.B) Tokenizer {
			dir := filepath.Join("..", "..", "shared", "reference", "tokenizers", "bert-base-japanese-v3")
			if _, err := os.Stat(dir); err != nil {
				b.Skip("../shared absent")
			}
			tk, err := Load(dir)
			if err != nil {
				b.Fatal(err)
			}
			return tk
		}},
		{"line-mecab-sentencepiece", func(b *testing.B) Tokenizer {
			tk, err := Load("testdata/line-like")
			if err != nil {
				b.Fatal(err)
			}
			return tk
		}},
		{"tokenizer.json-unigram-precompiled", func(b *testing.B) Tokenizer {
			co, err := parseTokenizerJSON(spmToTokenizerJSON(b, filepath.Join("spm", "testdata", "unigram_bf.model")), nil)
			if err != nil {
				b.Fatal(err)
			}
			return co
		}},
		{"sentencepiece-fairseq-bpe", func(b *testing.B) Tokenizer {
			dir := b.TempDir()
			m, err := os.ReadFile(filepath.Join("spm", "testdata", "bpe_bf.model"))
			if err != nil {
				b.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "sentencepiece.bpe.model"), m, 0o644)
			os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"tokenizer_class":"XLMRobertaTokenizer"}`), 0o644)
			tk, err := Load(dir)
			if err != nil {
				b.Fatal(err)
			}
			return tk
		}},
	}
	for _, f := range fams {
		b.Run(f.name, func(b *testing.B) {
			tk := f.load(b)
			tk.Encode(passages[0], 512) // warm up lazy dictionaries
			b.ResetTimer()
			start := time.Now()
			tokens := 0
			for i := 0; i < b.N; i++ {
				tokens += tk.Encode(passages[i%len(passages)], 512).Len()
			}
			el := time.Since(start)
			b.ReportMetric(float64(tokens)/el.Seconds(), "tokens/s")
			b.ReportMetric(float64(el.Microseconds())/float64(b.N), "µs/passage")
			b.ReportMetric(float64(tokens)/float64(b.N), "tokens/passage")
		})
	}
}
