package analysis

import (
	"slices"
	"testing"
)

// TestAnalyzeOptionsMatchesTokens checks that AnalyzeOptions keeps and
// rewrites exactly the tokens Tokens returns, for every token option.
func TestAnalyzeOptionsMatchesTokens(t *testing.T) {
	texts := []string{"東京都に住んでいる", "ＡＢＣの本を読みました。", "", "走った犬はPythonを書く"}
	for _, opt := range []Options{
		{Dict: IPA, BaseForm: true},
		{Dict: IPA, BaseForm: true, Lower: true, NFKC: true, DropPOS: []string{"助詞"}, StopWords: []string{"本"}},
		{Dict: Uni, BaseForm: true, DropPOS: []string{"助動詞"}},
	} {
		a, err := New(opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range texts {
			toks, err := a.AnalyzeOptions(text)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tk := range toks {
				got = append(got, tk.Surface)
			}
			if want := a.Tokens(text); !slices.Equal(got, want) {
				t.Errorf("%+v %q: AnalyzeOptions %q, Tokens %q", opt, text, got, want)
			}
		}
	}
	a, _ := New(Options{Dict: IPA})
	if _, err := a.AnalyzeOptions("bad\xff"); err != ErrInvalidUTF8 {
		t.Errorf("invalid UTF-8: err %v", err)
	}
}
