package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestSlowBertMatchesFast: transformers guarantees BertTokenizer (vocab.txt,
// BasicTokenizer + WordPiece) and BertTokenizerFast (tokenizer.json) agree;
// testdata/bert-basic and testdata/wordpiece-tiny hold the same vocabulary.
func TestSlowBertMatchesFast(t *testing.T) {
	slow, err := Load("testdata/bert-basic")
	if err != nil {
		t.Fatal(err)
	}
	if slow.Family() != "bert" {
		t.Fatalf("family %q", slow.Family())
	}
	fast, err := Load("testdata/wordpiece-tiny")
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"Unaffable, hello!", "Café 東京", "unaffablea", "unx", "HELLO,hello , ,UNAFF", "[CLS] hello [SEP]", "\tun\u00a0aff\x00able"}
	for _, s := range texts {
		a, b := slow.Encode(s, 0), fast.Encode(s, 0)
		if !slices.Equal(a.IDs, b.IDs) {
			t.Errorf("%q: slow %v %q, fast %v %q", s, a.IDs, a.Tokens, b.IDs, b.Tokens)
		}
	}
	if e := slow.Encode("Unaffable, hello!", 0); !slices.Equal(e.IDs, ids64(2, 4, 5, 6, 7, 8, 1, 3)) {
		t.Errorf("slow: %v", e.IDs)
	}
}

// TestSlowFastOnBenchModel compares both loaders on a real 32k vocabulary
// when the embed benchmark model (which ships both vocab.txt and
// tokenizer.json) is in the cache.
func TestSlowFastOnBenchModel(t *testing.T) {
	home, _ := os.UserHomeDir()
	dir := filepath.Join(home, ".cache", "jretrieve", "bench", "bert-base-random")
	if _, err := os.Stat(filepath.Join(dir, "tokenizer.json")); err != nil {
		t.Skip("benchmark model absent (made by bench/embed.sh)")
	}
	fast, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, f := range []string{"vocab.txt", "tokenizer_config.json", "special_tokens_map.json"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(tmp, f), b, 0o644)
	}
	slow, err := Load(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if slow.Family() != "bert" || fast.Family() != "tokenizer.json" {
		t.Fatalf("families %q %q", slow.Family(), fast.Family())
	}
	bad := 0
	gs := readSPMGolden(t, "unigram_bf")
	n := 0
	for _, g := range gs {
		if strings.ContainsFunc(g.Text, func(r rune) bool {
			return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs)
		}) {
			continue // unassigned (Cn): the slow tokenizer drops it, the fast one keeps it
		}
		n++
		a, b := slow.Encode(g.Text, 0), fast.Encode(g.Text, 0)
		if !slices.Equal(a.IDs, b.IDs) {
			bad++
			if bad < 5 {
				t.Errorf("%q: slow %q, fast %q", g.Text, a.Tokens, b.Tokens)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d/%d differ", bad, n)
	}
}

func TestVocabOnlyDirectory(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/bert-basic/vocab.txt")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "vocab.txt"), b, 0o644)
	os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"do_lower_case": true}`), 0o644)
	tk, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if e := tk.Encode("Unaffable, hello!", 0); tk.Family() != "bert" || !slices.Equal(e.IDs, ids64(2, 4, 5, 6, 7, 8, 1, 3)) {
		t.Errorf("%s: %v", tk.Family(), e.IDs)
	}
	// Errors name the file and field.
	os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"tokenizer_class": "BertJapaneseTokenizer", "word_tokenizer_type": "jumanpp"}`), 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `word_tokenizer_type "jumanpp"`) || !strings.Contains(err.Error(), "tokenizer_config.json") {
		t.Errorf("jumanpp: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"tokenizer_class": "BertJapaneseTokenizer", "word_tokenizer_type": "mecab", "mecab_kwargs": {"mecab_dic": "unidic"}}`), 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `mecab_dic "unidic"`) {
		t.Errorf("unidic: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"tokenizer_class": "GPT2Tokenizer"}`), 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), `"GPT2Tokenizer"`) {
		t.Errorf("gpt2: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"tokenizer_class": `), 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "tokenizer_config.json") {
		t.Errorf("bad json: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing dir: no error")
	}
}

// Python BERT's clean_text (BasicTokenizer._is_control: category "C*")
// drops unassigned code points (Cn); the tokenizers crate's BertNormalizer
// (is_control: Cc, Cf, Co) keeps them, as tokenizers 0.23.3 shows
// (testdata/ref/wordpiece: "\u0378..." gives [UNK]). U+0378 is unassigned.
func TestBertCleanTextDropsUnassigned(t *testing.T) {
	for dir, want := range map[string][]int64{
		"testdata/bert-basic":     ids64(2, 8, 3), // slow: "hello"
		"testdata/wordpiece-tiny": ids64(2, 1, 3), // fast: "hel\u0378lo" is one unknown word
	} {
		tk, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		if e := tk.Encode("hel\u0378lo", 0); !slices.Equal(e.IDs, want) {
			t.Errorf("%s: %v %q, want %v", dir, e.IDs, e.Tokens, want)
		}
	}
}

// transformers' WordpieceTokenizer and SentencepieceTokenizer split words
// with Python's str.split(), whose whitespace includes U+001C..U+001F
// (which MeCab passes through as words of their own).
func TestBertJapaneseWordPiecePythonWhitespace(t *testing.T) {
	dir := t.TempDir()
	cfg := `{"tokenizer_class": "BertJapaneseTokenizer", "word_tokenizer_type": "mecab", "subword_tokenizer_type": "wordpiece", "mecab_kwargs": {"mecab_dic": "unidic_lite"}}`
	vocab := "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n東京\n都\n"
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vocab.txt"), []byte(vocab), 0o644); err != nil {
		t.Fatal(err)
	}
	// MeCab stand-in: words are the space-separated parts.
	words := WordSplitterFunc(func(s string) []string { return strings.Split(s, " ") })
	tk, err := LoadWith(dir, Options{Words: words})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"東京 \x1f 都", "東京\x1c都", "\x1e東京\x1d 都"} {
		if e := tk.Encode(text, 0); !slices.Equal(e.IDs, ids64(2, 5, 6, 3)) {
			t.Errorf("%q: %v %q, want [CLS] 東京 都 [SEP]", text, e.IDs, e.Tokens)
		}
	}
}
