package tokenizer

import (
	"os"
	"path/filepath"
	"testing"
)

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{"", " ", "東京都に住んでいます。", "ｶﾀｶﾅ１２３", "[CLS]a[SEP]b<s></s><pad>", "\xff\xfe\x00", "e\u0301ﬁ①㈱", "1,000円", "  a  b  ", "\u3000\u200b\ufeff", "▁▁x", "𠮷野家"} {
		f.Add(s, s+"文書", 7)
	}
}

// checkEncoding verifies the invariants every tokenizer must keep.
func checkEncoding(t *testing.T, tk Tokenizer, e Encoding, maxLen int) {
	t.Helper()
	if maxLen > 0 && e.Len() > maxLen {
		t.Fatalf("len %d > maxLen %d", e.Len(), maxLen)
	}
	if len(e.TypeIDs) != e.Len() || len(e.AttentionMask) != e.Len() || len(e.Tokens) != e.Len() || len(e.Offsets) != e.Len() {
		t.Fatalf("ragged encoding %+v", e)
	}
	for _, id := range e.IDs {
		if id < 0 || int(id) >= tk.VocabSize() {
			t.Fatalf("id %d outside vocabulary of %d", id, tk.VocabSize())
		}
	}
}

func fuzzTokenizer(f *testing.F, tk Tokenizer) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, a, b string, maxLen int) {
		maxLen = maxLen%600 + 1
		if maxLen < 1 {
			maxLen = -maxLen + 1
		}
		checkEncoding(t, tk, tk.Encode(a, maxLen), maxLen)
		checkEncoding(t, tk, tk.EncodePair(a, b, maxLen), maxLen)
	})
}

func FuzzBertJapanese(f *testing.F) {
	dir := filepath.Join("..", "..", "shared", "reference", "tokenizers", "bert-base-japanese-v3")
	if _, err := os.Stat(dir); err != nil {
		f.Skip("reference vocabulary absent")
	}
	tk, err := LoadWith(dir, Options{Words: spaceWords})
	if err != nil {
		f.Fatal(err)
	}
	fuzzTokenizer(f, tk)
}

func FuzzLINE(f *testing.F) {
	tk, err := LoadWith("testdata/line-like", Options{Words: spaceWords})
	if err != nil {
		f.Fatal(err)
	}
	fuzzTokenizer(f, tk)
}

func FuzzTokenizerJSONUnigram(f *testing.F) {
	co, err := parseTokenizerJSON(spmToTokenizerJSON(f, filepath.Join("spm", "testdata", "unigram_bf.model")), nil)
	if err != nil {
		f.Fatal(err)
	}
	fuzzTokenizer(f, co)
}

func FuzzTokenizerJSONTiny(f *testing.F) {
	var tks []Tokenizer
	for _, n := range []string{"bpe-tiny", "wordpiece-tiny", "unigram-tiny"} {
		tk, err := Load("testdata/" + n)
		if err != nil {
			f.Fatal(err)
		}
		tks = append(tks, tk)
	}
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, a, b string, maxLen int) {
		maxLen = maxLen%600 + 1
		if maxLen < 1 {
			maxLen = -maxLen + 1
		}
		for _, tk := range tks {
			checkEncoding(t, tk, tk.Encode(a, maxLen), maxLen)
			checkEncoding(t, tk, tk.EncodePair(a, b, maxLen), maxLen)
		}
	})
}

func FuzzFairseqBPE(f *testing.F) {
	dir := f.TempDir()
	b, err := os.ReadFile(filepath.Join("spm", "testdata", "bpe_id.model"))
	if err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sentencepiece.bpe.model"), b, 0o644); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"tokenizer_class":"MLukeTokenizer"}`), 0o644); err != nil {
		f.Fatal(err)
	}
	tk, err := Load(dir)
	if err != nil {
		f.Fatal(err)
	}
	fuzzTokenizer(f, tk)
}

// FuzzBertJapaneseMeCab runs the real word splitter (package analysis).
func FuzzBertJapaneseMeCab(f *testing.F) {
	dir := filepath.Join("..", "..", "shared", "reference", "tokenizers", "bert-base-japanese-v3")
	if _, err := os.Stat(dir); err != nil {
		f.Skip("reference vocabulary absent")
	}
	tk, err := Load(dir)
	if err != nil {
		f.Fatal(err)
	}
	fuzzTokenizer(f, tk)
}

// FuzzParseTokenizerJSON: malformed tokenizer.json files are errors, not
// panics, and whatever parses can encode text.
func FuzzParseTokenizerJSON(f *testing.F) {
	for _, n := range []string{"bpe-tiny", "wordpiece-tiny", "unigram-tiny", "llama-tiny", "bytelevel-tiny"} {
		b, err := os.ReadFile(filepath.Join("testdata", n, "tokenizer.json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		co, err := parseTokenizerJSON(b, nil)
		if err != nil {
			return
		}
		for _, s := range []string{"", "abc あ", " <s> hello, world ", "ｶﾀｶﾅ\u0301"} {
			co.Encode(s, 16)
			co.EncodePair(s, s, 9)
		}
	})
}
