package analysis

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func mustNew(t testing.TB, opt Options) *Analyzer {
	t.Helper()
	a, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Expected segmentations were produced by mecab 0.996 with
// -d /var/lib/mecab/dic/ipadic-utf8 (Debian mecab-ipadic-utf8) and
// unidic-mecab, and agree with the published examples of both dictionaries.
func TestWakatiIPA(t *testing.T) {
	a := mustNew(t, Options{Dict: IPA})
	cases := []struct{ in, want string }{
		{"すもももももももものうち。", "すもも も もも も もも の うち 。"},
		{"東京都に住んでいる", "東京 都 に 住ん で いる"},
		{"  Hello World 123  ", "Hello World 123"},
		{"ＡＢＣ", "ＡＢＣ"},
		{"一二三漢字", "一 二 三 漢字"},
		{"ｶﾀｶﾅ　全角スペース", "ｶﾀｶﾅ 　 全角 スペース"},
		{"", ""},
		{" \t\n ", ""},
	}
	for _, c := range cases {
		got := strings.Join(a.Wakati(c.in), " ")
		if got != c.want {
			t.Errorf("Wakati(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWakatiUni(t *testing.T) {
	a := mustNew(t, Options{Dict: Uni})
	cases := []struct{ in, want string }{
		{"すもももももももものうち。", "すもも も もも も もも の うち 。"},
		{"Hello World 123", "Hello World 123"}, // fugashi + unidic-lite
		{"ＡＢＣ①②", "ＡＢＣ ① ②"},
	}
	for _, c := range cases {
		got := strings.Join(a.Wakati(c.in), " ")
		if got != c.want {
			t.Errorf("Wakati(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	a := mustNew(t, Options{Dict: IPA})
	if got := a.Wakati("ab\xffc"); got != nil {
		t.Errorf("Wakati(invalid) = %q, want nil", got)
	}
	if _, err := a.Analyze("\xe3\x81"); err != ErrInvalidUTF8 {
		t.Errorf("Analyze(invalid) err = %v", err)
	}
}

func TestBatch(t *testing.T) {
	a := mustNew(t, Options{Dict: IPA})
	texts := []string{"東京都に住んでいる", "すもももももももものうち。", "", "Hello"}
	for len(texts) < 100 {
		texts = append(texts, texts[len(texts)%4])
	}
	got, err := a.WakatiBatch(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, tx := range texts {
		if !reflect.DeepEqual(got[i], a.Wakati(tx)) {
			t.Fatalf("batch[%d] = %q, want %q", i, got[i], a.Wakati(tx))
		}
	}
}

// The fugashi README example (fugashi + unidic-lite)
// and NFKC normalisation of half-width katakana, full-width digits and
// ideographic spaces, as recommended for unidic-lite input.
func TestUniDicLiteExamples(t *testing.T) {
	raw := mustNew(t, Options{Dict: Uni})
	nfkc := mustNew(t, Options{Dict: Uni, NFKC: true})
	cases := []struct {
		a        *Analyzer
		in, want string
	}{
		{raw, "麩菓子は、麩を主材料とした日本の菓子。", "麩 菓子 は 、 麩 を 主材 料 と し た 日本 の 菓子 。"},
		{raw, "ﾃｽﾄのﾃﾞｰﾀ", "ﾃｽﾄ の ﾃﾞｰﾀ"},
		{nfkc, "ﾃｽﾄのﾃﾞｰﾀ", "テスト の データ"},
		{raw, "１２３個", "１２３ 個"}, // no single-digit words in unidic-lite
		{nfkc, "１２３個", "123 個"},
		{raw, "全角　スペース", "全角 　 スペース"}, // U+3000 is SYMBOL in char.def
		{nfkc, "全角　スペース", "全角 スペース"},  // NFKC: U+3000 -> U+0020, SPACE
	}
	for _, c := range cases {
		got := strings.Join(c.a.Wakati(c.in), " ")
		if got != c.want {
			t.Errorf("NFKC=%v Wakati(%q) = %q, want %q", c.a.opt.NFKC, c.in, got, c.want)
		}
	}
}

// Expected features from mecab (mecab-ipadic-utf8 / unidic-mecab) output
// for 東京都に住んでいるHELLOです。
func TestTokensOptions(t *testing.T) {
	const in = "東京都に住んでいるHELLOです。"
	cases := []struct {
		opt  Options
		want string
	}{
		{Options{Dict: IPA}, "東京 都 に 住ん で いる HELLO です 。"},
		{Options{Dict: IPA, BaseForm: true}, "東京 都 に 住む で いる HELLO です 。"},
		{Options{Dict: IPA, DropPOS: []string{"助詞", "助動詞", "記号"}}, "東京 都 住ん いる HELLO"},
		{Options{Dict: IPA, DropPOS: []string{"助詞,格助詞"}}, "東京 都 住ん で いる HELLO です 。"},
		{Options{Dict: IPA, Lower: true, StopWords: []string{"hello", "都"}}, "東京 に 住ん で いる です 。"},
		{Options{Dict: Uni, BaseForm: true, DropPOS: []string{"補助記号"}}, "東京 都 に 住む で いる HELLO です"},
		{Options{Dict: Uni, DropPOS: []string{"名詞,固有名詞"}, Lower: true}, "都 に 住ん で いる"},
	}
	for _, c := range cases {
		a := mustNew(t, c.opt)
		text := in
		if len(c.opt.DropPOS) == 1 && c.opt.DropPOS[0] == "名詞,固有名詞" {
			text = "東京都に住んでいる" // no unknown word: 3.1.1 features apply
		}
		got := strings.Join(a.Tokens(text), " ")
		if got != c.want {
			t.Errorf("%+v: Tokens = %q, want %q", c.opt, got, c.want)
		}
	}
	a := mustNew(t, Options{Dict: IPA})
	toks, err := a.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(toks[6].POS, ","); toks[6].Surface != "HELLO" || got != "名詞,一般,*,*" || toks[6].Known {
		t.Errorf("token 6 = %+v, want unknown HELLO 名詞,一般", toks[6])
	}
	if toks[3].Start != len("東京都に") || toks[3].End != len("東京都に住ん") {
		t.Errorf("token 3 offsets = %d,%d", toks[3].Start, toks[3].End)
	}
}

// The embedded UniDic char.def (from unidic-mecab 3.1.1) must describe the
// UniDic 2.1.2 character classes kagome ships, for every code point.
func TestUniCharDefMatchesKagome(t *testing.T) {
	for _, name := range []Dict{Uni, IPA} {
		d, err := loadDict(name, false)
		if err != nil {
			t.Fatal(err)
		}
		kd := kagomeDict(name, false)
		for r := 0; r < 0xFFFF; r++ {
			got := d.chars.names[d.chars.info[r].def]
			want := kd.CharClass[kd.CharacterCategory(rune(r))]
			if got != want {
				t.Fatalf("%s: U+%04X category %s, kagome %s", name, r, got, want)
			}
		}
		for i, n := range d.chars.names {
			var ci charInfo
			for _, c := range d.chars.info {
				if int(c.def) == i {
					ci = c
					break
				}
			}
			for k, kn := range kd.CharClass {
				if kn == n && (kd.InvokeList[k] != ci.invoke || kd.GroupList[k] != ci.group) {
					t.Errorf("%s: %s invoke/group %v/%v, kagome %v/%v", name, n, ci.invoke, ci.group, kd.InvokeList[k], kd.GroupList[k])
				}
			}
		}
	}
}

// TestLongRunLinear: a long run of one character category must not make
// segmentation quadratic (each position used to rescan the whole run for
// the grouped unknown word: 400 KB of letters took about 10 minutes, about
// 1 s now). No clock is read here; a quadratic regression shows as this
// test running into go test's timeout.
func TestLongRunLinear(t *testing.T) {
	a := mustNew(t, Options{Dict: IPA})
	const n = 400000
	w := a.Wakati(strings.Repeat("a", n))
	// MeCab: one-character unknown words, then the grouped word once
	// at most 24 characters follow its first.
	if len(w) != n-24 || w[0] != "a" || w[len(w)-1] != strings.Repeat("a", 25) {
		t.Errorf("%d tokens, last %q", len(w), w[len(w)-1])
	}
}
