package analysis

import (
	"testing"
	"unicode/utf8"
)

// FuzzAnalyze checks, for any input, that segmentation never panics and
// that the tokens tile the text: non-empty, in order, separated only by
// characters of char.def category SPACE; and that the bounded-memory
// Viterbi, compacting as often as it can, gives the same tokens.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"すもももももももものうち。", "  Hello World 123  ", "ＡＢＣ①②𠮷野家", "ab\xffc", "", "\u3000\r\n", "一二三漢字ｶﾀｶﾅ"} {
		f.Add(s)
	}
	as := []*Analyzer{mustNew(f, Options{Dict: IPA}), mustNew(f, Options{Dict: Uni, NFKC: true})}
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range as {
			toks, err := a.Analyze(s)
			if !utf8.ValidString(s) {
				if err == nil || a.Wakati(s) != nil {
					t.Fatalf("invalid UTF-8 accepted: %q", s)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			text, _ := a.prepare(s)
			prev := 0
			for _, tk := range toks {
				if tk.Start < prev || tk.End <= tk.Start || text[tk.Start:tk.End] != tk.Surface {
					t.Fatalf("%q: bad token %+v after %d", text, tk, prev)
				}
				for _, r := range text[prev:tk.Start] {
					if !a.d.chars.at(r).isKindOf(a.d.space) {
						t.Fatalf("%q: non-space %q skipped before %+v", text, r, tk)
					}
				}
				prev = tk.End
			}
			for _, r := range text[prev:] {
				if !a.d.chars.at(r).isKindOf(a.d.space) {
					t.Fatalf("%q: trailing non-space %q dropped", text, r)
				}
			}
			if w := a.Wakati(s); len(w) != len(toks) {
				t.Fatalf("Wakati has %d tokens, Analyze %d", len(w), len(toks))
			}
			// Compacting at every opportunity changes nothing.
			var c []Token
			withCompact(1, func() {
				_ = a.AnalyzeFunc(s, func(tk Token) bool { c = append(c, tk); return true })
			})
			if len(c) != len(toks) {
				t.Fatalf("%q: compacted %d tokens, whole lattice %d", s, len(c), len(toks))
			}
			for i := range c {
				if c[i].Start != toks[i].Start || c[i].End != toks[i].End || c[i].id != toks[i].id {
					t.Fatalf("%q: token %d compacted %+v, whole lattice %+v", s, i, c[i], toks[i])
				}
			}
		}
	})
}
