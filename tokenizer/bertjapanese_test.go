package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// refDir returns ../shared/reference/tokenizers/NAME or skips.
func refDir(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "reference", "tokenizers", name)
	if _, err := os.Stat(filepath.Join(dir, "vocab.txt")); err != nil {
		t.Skipf("reference vocabulary %s absent (../shared not mounted): %v", dir, err)
	}
	return dir
}

// spaceWords splits on whitespace: it stands in for MeCab so that these
// cases test NFKC, special tokens and WordPiece alone.
var spaceWords = WordSplitterFunc(strings.Fields)

// TestBertJapaneseWordPieceRealVocab checks transformers' WordpieceTokenizer
// over the real bert-base-japanese-v3 vocabulary. Expected ids were checked
// against vocab.txt line numbers (id = line - 1), e.g. 吾 = line 1242,
// ##輩 = line 8884 (吾輩 itself is absent), カタカナ = line 30090.
func TestBertJapaneseWordPieceRealVocab(t *testing.T) {
	dir := refDir(t, "bert-base-japanese-v3")
	tk, err := LoadWith(dir, Options{Words: spaceWords})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("あ", 100)
	longIDs := []int64{420}
	for range 99 {
		longIDs = append(longIDs, 7364) // ##あ
	}
	cases := []struct {
		name, text string
		want       []int64
	}{
		{"known words", "東京 都 に 住ん で い ます 。", []int64{12569, 6109, 461, 15546, 457, 422, 12995, 385}},
		{"## split", "吾輩 は 猫 で ある", []int64{1241, 8883, 465, 3767, 457, 12485}},
		{"unknown char", "𠮷 野家", []int64{1, 6174, 7715}},
		{"half-width katakana", "ｶﾀｶﾅ", []int64{30089}},
		{"full-width digits", "２０２４ 年", []int64{32664, 2002}},
		{"mixed latin/katakana", "Transformersライブラリ", []int64{25097, 23784, 14009, 12602, 15282, 7065}},
		{"punctuation", "！ ？ 、 。 「 」", []int64{16, 46, 384, 385, 395, 396}},
		{"full-width latin", "Ｗｉｋｉｐｅｄｉａ", []int64{32259, 14698, 20000}},
		{"NFKC compatibility", "㈱ ㌔ ①", []int64{23, 8826, 7339, 14505, 32}},
		{"100 chars", long, longIDs},
		{"101 chars -> [UNK]", long + "あ", []int64{1}},
		{"case kept (do_lower_case false)", "ChatGPT", []int64{13794, 12648, 22854, 7038}},
		{"special tokens kept", "[CLS]東京[MASK]", []int64{2, 12569, 4}},
	}
	for _, c := range cases {
		e := tk.Encode(c.text, 0)
		want := append(append([]int64{2}, c.want...), 3)
		if !slices.Equal(e.IDs, want) {
			t.Errorf("%s: Encode(%q) = %v %q, want %v", c.name, c.text, e.IDs, e.Tokens, want)
		}
		if slices.Contains(e.IDs, int64(-1)) || len(e.TypeIDs) != len(e.IDs) {
			t.Errorf("%s: bad encoding %+v", c.name, e)
		}
	}
	if tk.VocabSize() != 32768 || tk.PadID() != 0 || tk.ModelMaxLength() != 512 {
		t.Errorf("vocab %d pad %d max %d", tk.VocabSize(), tk.PadID(), tk.ModelMaxLength())
	}
	// Offsets point back into the original (pre-NFKC) text.
	text := "ｶﾀｶﾅ と 東京"
	e := tk.Encode(text, 0)
	var got []string
	for i, o := range e.Offsets {
		if e.SequenceIDs[i] == 0 {
			got = append(got, text[o[0]:o[1]])
		}
	}
	if want := []string{"ｶﾀｶﾅ", "と", "東京"}; !slices.Equal(got, want) {
		t.Errorf("offset surfaces %q, want %q", got, want)
	}
}

// TestBertJapanesePairTruncation checks token_type_ids and the
// transformers (slow) longest_first rule: one token at a time from the
// longer sequence, from the second one on ties.
func TestBertJapanesePairTruncation(t *testing.T) {
	dir := refDir(t, "bert-base-japanese-v3")
	tk, err := LoadWith(dir, Options{Words: spaceWords})
	if err != nil {
		t.Fatal(err)
	}
	// 4 + 4 tokens, max 9 -> 6 for content, remove 2: one from each
	// (tie -> second first, then first).
	e := tk.EncodePair("東京 都 に 住ん", "で い ます 。", 9)
	want := []int64{2, 12569, 6109, 461, 3, 457, 422, 12995, 3}
	if !slices.Equal(e.IDs, want) || !e.Truncated {
		t.Errorf("ids %v (truncated %v), want %v", e.IDs, e.Truncated, want)
	}
	if wt := []int64{0, 0, 0, 0, 0, 1, 1, 1, 1}; !slices.Equal(e.TypeIDs, wt) {
		t.Errorf("type ids %v, want %v", e.TypeIDs, wt)
	}
	// 4 + 3 tokens, max 8 -> 5 for content, remove 2: first 4>3 -> 3,
	// then tie -> second: 3 + 2.
	e = tk.EncodePair("東京 都 に 住ん", "で い ます", 8)
	want = []int64{2, 12569, 6109, 461, 3, 457, 422, 3}
	if !slices.Equal(e.IDs, want) {
		t.Errorf("ids %v, want %v", e.IDs, want)
	}
	for _, c := range []struct{ n1, n2, target, w1, w2 int }{
		{5, 5, 7, 4, 3}, {10, 2, 6, 4, 2}, {3, 9, 4, 2, 2}, {0, 9, 4, 0, 4}, {4, 4, 8, 4, 4},
	} {
		if a, b := truncLongestFirst(c.n1, c.n2, c.target, false); a != c.w1 || b != c.w2 {
			t.Errorf("slow truncate(%d,%d,%d) = %d,%d want %d,%d", c.n1, c.n2, c.target, a, b, c.w1, c.w2)
		}
	}
	// tokenizers (Rust): equal lengths -> the second keeps the odd token.
	for _, c := range []struct{ n1, n2, target, w1, w2 int }{
		{5, 5, 7, 3, 4}, {10, 2, 6, 4, 2}, {3, 9, 4, 2, 2}, {2, 9, 7, 2, 5},
	} {
		if a, b := truncLongestFirst(c.n1, c.n2, c.target, true); a != c.w1 || b != c.w2 {
			t.Errorf("fast truncate(%d,%d,%d) = %d,%d want %d,%d", c.n1, c.n2, c.target, a, b, c.w1, c.w2)
		}
	}
}

// TestBertJapaneseMeCab runs the real word splitter on sentences whose
// MeCab/UniDic segmentation is unambiguous.
func TestBertJapaneseMeCab(t *testing.T) {
	dir := refDir(t, "bert-base-japanese-v3")
	tk, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string][]string{
		"東京都に住んでいます。": {"東京", "都", "に", "住ん", "で", "い", "ます", "。"},
		// unidic-lite has no single-character numeral/alphabet words: digit
		// and letter runs of up to 25 characters stay whole (the vocabulary
		// has 2024, AI and 10); longer ones split as TestBertJapaneseReference
		// checks.
		"２０２４年にＡＩを１０個": {"2024", "年", "に", "AI", "を", "10", "個"},
	} {
		if got := tk.Tokens(text); !slices.Equal(got, want) {
			t.Errorf("%q: tokens %q, want %q", text, got, want)
		}
	}
}

// TestEncodeBatchConcurrent: the parallel batch equals sequential encoding
// (run with -race to check the MeCab path for data races).
func TestEncodeBatchConcurrent(t *testing.T) {
	dir := refDir(t, "bert-base-japanese-v3")
	tk, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/passages.txt")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for range 20 {
		texts = append(texts, strings.Split(strings.TrimSpace(string(data)), "\n")...)
	}
	b := EncodeBatch(tk, texts, 128, Padding{})
	if b.Rows != len(texts) || b.Cols != 128 {
		t.Fatalf("batch %dx%d", b.Rows, b.Cols)
	}
	for i, s := range texts {
		if e := tk.Encode(s, 128); !slices.Equal(e.IDs, b.Encodings[i].IDs) || !slices.Equal(e.IDs, b.IDs[i*b.Cols:i*b.Cols+e.Len()]) {
			t.Fatalf("row %d differs", i)
		}
	}
}

// TestBertJapaneseAddedTokens: tokens of added_tokens_decoder (JaColBERT's
// [unused0]/[unused1] markers) are split out of the text like specials.
func TestBertJapaneseAddedTokens(t *testing.T) {
	ref := refDir(t, "bert-base-japanese-v3")
	dir := t.TempDir()
	abs, err := filepath.Abs(filepath.Join(ref, "vocab.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(abs, filepath.Join(dir, "vocab.txt")); err != nil {
		t.Fatal(err)
	}
	cfg := `{"tokenizer_class": "BertJapaneseTokenizer", "word_tokenizer_type": "mecab", "mecab_kwargs": {"mecab_dic": "unidic_lite"},
	"added_tokens_decoder": {"5": {"content": "[unused0]", "special": true}, "6": {"content": "[unused1]", "special": true}}}`
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	tk, err := LoadWith(dir, Options{Words: spaceWords})
	if err != nil {
		t.Fatal(err)
	}
	// [unused0] is line 6 of vocab.txt (id 5); without the added token it
	// would be cut by the word splitter into [ unused0 ] pieces.
	if e := tk.Encode("[unused0]東京 [unused1]", 0); !slices.Equal(e.IDs, []int64{2, 5, 12569, 6, 3}) {
		t.Errorf("got %v %q", e.IDs, e.Tokens)
	}
}
