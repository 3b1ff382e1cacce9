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
		{"Hello World 123", "Hello World 1 2 3"},
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
