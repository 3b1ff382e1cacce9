package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Expectations below are derived by hand from the tiny vocabularies in
// testdata/*-tiny/tokenizer.json (see the comments per case).

func loadTiny(t *testing.T, name string) Tokenizer {
	t.Helper()
	tk, err := Load("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Family() != "tokenizer.json" {
		t.Fatalf("family %q", tk.Family())
	}
	return tk
}

func ids64(xs ...int64) []int64 { return xs }

func TestTinyBPE(t *testing.T) {
	tk := loadTiny(t, "bpe-tiny")
	cases := []struct {
		text string
		want []int64
	}{
		{"abc", ids64(0, 8, 2)},            // a+b (rank 0) then ab+c (rank 1)
		{"bcab", ids64(0, 9, 7, 2)},        // a+b first (rank 0), then b+c (rank 2)
		{"あa", ids64(0, 10, 11, 12, 4, 2)}, // あ = E3 81 82 via byte fallback
		{"xxa", ids64(0, 3, 4, 2)},         // unknown x x fused into one <unk>
		{"ab <s> c", ids64(0, 7, 0, 6, 2)}, // added token split out first
		{"ａｂｃ", ids64(0, 8, 2)},            // NFKC full-width
	}
	for _, c := range cases {
		e := tk.Encode(c.text, 0)
		if !slices.Equal(e.IDs, c.want) {
			t.Errorf("Encode(%q) = %v %q, want %v", c.text, e.IDs, e.Tokens, c.want)
		}
	}
	e := tk.EncodePair("abc", "a", 0)
	if !slices.Equal(e.IDs, ids64(0, 8, 2, 2, 4, 2)) || !slices.Equal(e.TypeIDs, ids64(0, 0, 0, 0, 0, 0)) {
		t.Errorf("pair: %v %v", e.IDs, e.TypeIDs)
	}
	// model_max_length 8 from tokenizer_config.json
	if e := tk.Encode("a b c a b c a", 0); !slices.Equal(e.IDs, ids64(0, 4, 5, 6, 4, 5, 6, 2)) || !e.Truncated {
		t.Errorf("truncation: %v %v", e.IDs, e.Truncated)
	}
	// tokenizers LongestFirst: budget 3, lengths 5 and 2 -> 2 and 1.
	if e := tk.EncodePair("a a a a a", "b b", 7); !slices.Equal(e.IDs, ids64(0, 4, 4, 2, 2, 5, 2)) {
		t.Errorf("pair truncation: %v", e.IDs)
	}
	// offsets: "ab c" -> ab [0,2), c [3,4)
	e = tk.Encode("ab c", 0)
	if want := [][2]int{{0, 0}, {0, 2}, {3, 4}, {0, 0}}; !slices.Equal(e.Offsets, want) {
		t.Errorf("offsets %v, want %v", e.Offsets, want)
	}
	if tk.PadID() != 1 || tk.VocabSize() != 13 || tk.ModelMaxLength() != 8 {
		t.Errorf("pad %d vocab %d max %d", tk.PadID(), tk.VocabSize(), tk.ModelMaxLength())
	}
}

func TestTinyWordPiece(t *testing.T) {
	tk := loadTiny(t, "wordpiece-tiny")
	cases := []struct {
		text string
		want []int64
	}{
		{"Unaffable, hello!", ids64(2, 4, 5, 6, 7, 8, 1, 3)}, // ! not in vocab -> [UNK]
		{"Café 東京", ids64(2, 11, 10, 1, 3)},                  // accents stripped, CJK chars isolated
		{"unaffablea", ids64(2, 4, 5, 6, 9, 3)},
		{"unx", ids64(2, 1, 3)}, // cannot be pieced -> whole word [UNK]
	}
	for _, c := range cases {
		e := tk.Encode(c.text, 0)
		if !slices.Equal(e.IDs, c.want) {
			t.Errorf("Encode(%q) = %v %q, want %v", c.text, e.IDs, e.Tokens, c.want)
		}
	}
	e := tk.EncodePair("hello", "una", 0)
	if !slices.Equal(e.IDs, ids64(2, 8, 3, 4, 9, 3)) || !slices.Equal(e.TypeIDs, ids64(0, 0, 0, 1, 1, 1)) {
		t.Errorf("pair: %v %v", e.IDs, e.TypeIDs)
	}
}

func TestTinyUnigram(t *testing.T) {
	tk := loadTiny(t, "unigram-tiny")
	cases := []struct {
		text string
		want []int64
	}{
		{"abc", ids64(2, 6)},     // ▁ab+c = -7 beats ▁+abc = -8, ▁+ab+c = -8.5
		{"ab d", ids64(2, 1, 0)}, // ▁ab | ▁ + unknown d
		{"dd", ids64(1, 0)},      // consecutive unknowns fused
		{"  a", ids64(1, 1, 3)},  // Metaspace: ▁ | ▁a
	}
	for _, c := range cases {
		e := tk.Encode(c.text, 0)
		if !slices.Equal(e.IDs, c.want) {
			t.Errorf("Encode(%q) = %v %q, want %v", c.text, e.IDs, e.Tokens, c.want)
		}
	}
}

// TestTinyLlama: LlamaTokenizerFast rebuilds the post-processor from
// add_bos_token/add_eos_token (here both true, the file's template has
// no </s>); Prepend+Replace normalizer; unigram byte fallback.
func TestTinyLlama(t *testing.T) {
	tk := loadTiny(t, "llama-tiny")
	cases := []struct {
		text string
		want []int64
	}{
		// "▁abc": ▁ab+c (-7) beats ▁+abc (-8)
		{"abc", ids64(1, 4, 8, 2)},
		// "▁ab▁c": no Metaspace split; ▁ab + ▁ + c = -9
		{"ab c", ids64(1, 4, 3, 8, 2)},
		// あ is unknown: bytes E3 81 82
		{"あ", ids64(1, 3, 10, 11, 12, 2)},
	}
	for _, c := range cases {
		e := tk.Encode(c.text, 0)
		if !slices.Equal(e.IDs, c.want) {
			t.Errorf("Encode(%q) = %v %q, want %v", c.text, e.IDs, e.Tokens, c.want)
		}
	}
	e := tk.EncodePair("abc", "c", 0)
	if want := ids64(1, 4, 8, 2, 1, 3, 8, 2); !slices.Equal(e.IDs, want) || !slices.Equal(e.TypeIDs, ids64(0, 0, 0, 0, 1, 1, 1, 1)) {
		t.Errorf("pair %v %v, want %v", e.IDs, e.TypeIDs, want)
	}
}

// TestTinyByteLevel: GPT-2 pre-tokenization and byte-to-unicode mapping
// with BPE merges applied by rank.
func TestTinyByteLevel(t *testing.T) {
	tk := loadTiny(t, "bytelevel-tiny")
	cases := []struct {
		text string
		want []int64
	}{
		// "hi" | " hi" | "!"; in "Ġhi" the rank-0 merge h+i wins over Ġ+h
		// (rank 1), after which Ġ+hi is not a merge.
		{"hi hi!", ids64(4, 2, 4, 6)},
		// "あ" = E3 81 82 -> ã ģ Ĥ (unmerged, no unk token: kept as bytes)
		{"あ", ids64(7, 8, 9)},
		// contraction split: "hi" | "'s"
		{"hi's", ids64(4, 10)},
		// two spaces before a word: " " | " hi"
		{"hi  hi", ids64(4, 2, 2, 4)},
	}
	for _, c := range cases {
		e := tk.Encode(c.text, 0)
		if !slices.Equal(e.IDs, c.want) {
			t.Errorf("Encode(%q) = %v %q, want %v", c.text, e.IDs, e.Tokens, c.want)
		}
	}
}

func TestPyLower(t *testing.T) {
	// Expected values printed by Python 3.11 ''.join(c.lower() for c in s),
	// the per-character lowering of PreTrainedTokenizer.tokenize.
	for in, want := range map[string]string{"ΟΔΟΣ": "οδοσ", "AΣ.": "aσ.", "İstanbul": "i̇stanbul", "ABC": "abc", "ǅ": "ǆ"} {
		if got := pyLower(in); got != want {
			t.Errorf("pyLower(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTruncationSideLeft(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/bpe-tiny/tokenizer.json")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "tokenizer.json"), b, 0o644)
	os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"truncation_side": "left"}`), 0o644)
	tk, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	// a b c, keep the last 2 content tokens
	if e := tk.Encode("a b c", 4); !slices.Equal(e.IDs, ids64(0, 5, 6, 2)) {
		t.Errorf("left truncation: %v", e.IDs)
	}
	os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(`{"truncation_side": "middle"}`), 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "truncation_side") {
		t.Errorf("bad truncation_side: %v", err)
	}
}

// TestMetaspaceFirstNoSplit: prepend_scheme "first" adds ▁ only to the
// text at offset 0 (not after an added token); split false keeps one piece.
func TestMetaspaceFirstNoSplit(t *testing.T) {
	js := `{"added_tokens": [{"id": 9, "content": "<sep>", "special": true}],
	"pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false},
	"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0], ["▁", -2], ["▁ab", -3], ["a", -2], ["b", -2], ["ab", -2.5], ["c", -4], ["abc", -6], ["▁c", -1], ["<sep>", 0]]}}`
	co, err := parseTokenizerJSON([]byte(js), nil)
	if err != nil {
		t.Fatal(err)
	}
	// "▁ab▁c" as one piece: ▁ab + ▁c = -4; then "<sep>"; then "ab" without ▁: ab = -2.5
	e := co.Encode("ab c<sep>ab", 0)
	if want := ids64(2, 8, 9, 5); !slices.Equal(e.IDs, want) {
		t.Errorf("got %v %q, want %v", e.IDs, e.Tokens, want)
	}
}

// TestNormalizedAddedToken: an added token with "normalized": true is
// matched after normalization (here NFKC turns ｘｙ into xy).
func TestNormalizedAddedToken(t *testing.T) {
	js := `{"added_tokens": [{"id": 3, "content": "ｘｙ", "special": false, "normalized": true}],
	"normalizer": {"type": "NFKC"},
	"pre_tokenizer": {"type": "WhitespaceSplit"},
	"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "a": 1, "##a": 2, "xy": 4}}}`
	co, err := parseTokenizerJSON([]byte(js), nil)
	if err != nil {
		t.Fatal(err)
	}
	e := co.Encode("aｘｙa xy", 0)
	// a | <xy added> | a | <xy added>  (the WordPiece "xy"=4 is never used)
	if want := ids64(1, 3, 1, 3); !slices.Equal(e.IDs, want) {
		t.Errorf("got %v %q, want %v", e.IDs, e.Tokens, want)
	}
	if e.Offsets[1] != [2]int{1, 7} {
		t.Errorf("offsets %v", e.Offsets)
	}
}

func TestParseUnigramVocab(t *testing.T) {
	in := `[ ["<unk>", 0.0], ["\u2581a\"b\\c", -1.5e-3] ,["x",-12], ["\ud83d\ude00", 3] ]`
	ps, sc, err := parseUnigramVocab([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"<unk>", "▁a\"b\\c", "x", "😀"}; !slices.Equal(ps, want) {
		t.Errorf("pieces %q, want %q", ps, want)
	}
	if want := []float64{0, -1.5e-3, -12, 3}; !slices.Equal(sc, want) {
		t.Errorf("scores %v, want %v", sc, want)
	}
	for _, bad := range []string{`[["a"]]`, `[["a", "b"]]`, `{"a": 1}`, `[["a", 1]`} {
		if _, _, err := parseUnigramVocab([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
