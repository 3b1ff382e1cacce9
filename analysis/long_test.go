package analysis

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// withCompact runs f with viterbi compacting from n nodes.
func withCompact(n int, f func()) {
	old := compactNodes
	compactNodes = n
	defer func() { compactNodes = old }()
	f()
}

// TestCompactedEqualsWhole: the bounded-memory Viterbi (settling the
// shared part of the path and dropping the lattice behind it) gives the
// same segmentation as the whole lattice, on the manpages-ja prose joined
// into texts of 200 lines (by newlines, and with no separator at all so
// that words and unknown-word runs cross the joins), compacting as often
// as possible. To keep go test fast, one block in 5 (one in 20 without
// separator) of the corpus is compared; testdata/prose.txt always is.
func TestCompactedEqualsWhole(t *testing.T) {
	lines := referenceCorpus(t)
	for _, name := range []Dict{IPA, Uni} {
		d, err := loadDict(name, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, sep := range []string{"\n", ""} {
			compactions, texts := 0, 0
			step := 200 * 5
			if sep == "" {
				step = 200 * 20
			}
			for i := 0; i < len(lines); i += step {
				text := strings.Join(lines[i:min(i+200, len(lines))], sep)
				var want, got []string
				var la lattice
				withCompact(1<<62, func() { want = wakati(d, text) })
				withCompact(64, func() {
					d.viterbi(&la, text, func(nodes []node) bool {
						compactions++
						for _, nd := range nodes {
							got = append(got, text[nd.surf:nd.end])
						}
						return true
					})
				})
				texts++
				if !slices.Equal(got, want) {
					for j := range min(len(got), len(want)) {
						if got[j] != want[j] {
							t.Fatalf("%s, lines %d..: token %d: %q, whole lattice %q", name, i, j, got[j:min(j+5, len(got))], want[j:min(j+5, len(want))])
						}
					}
					t.Fatalf("%s, lines %d..: %d tokens, whole lattice %d", name, i, len(got), len(want))
				}
			}
			if compactions < 10*texts {
				t.Fatalf("%s: only %d compactions over %d texts: the test did not exercise them", name, compactions, texts)
			}
			t.Logf("%s, separator %q: %d texts identical (%d batches emitted)", name, sep, texts, compactions)
		}
	}
}

// TestLongTextBoundedLattice: 2 MB of the corpus as one text never
// holds more than a few compaction thresholds of nodes (the whole lattice
// would hold about 8 million).
func TestLongTextBoundedLattice(t *testing.T) {
	lines := referenceCorpus(t)
	text := strings.Join(lines, "\n")
	if len(text) > 2<<20 {
		text = strings.ToValidUTF8(text[:2<<20], "")
	}
	for _, name := range []Dict{IPA, Uni} {
		d, err := loadDict(name, false)
		if err != nil {
			t.Fatal(err)
		}
		var la lattice
		n := 0
		d.viterbi(&la, text, func(nodes []node) bool { n += len(nodes); return true })
		t.Logf("%s: %d bytes, %d tokens, at most %d lattice nodes", name, len(text), n, la.maxNodes)
		if la.maxNodes > 4*compactNodes {
			t.Errorf("%s: lattice grew to %d nodes (compaction from %d)", name, la.maxNodes, compactNodes)
		}
		if n < len(text)/20 {
			t.Errorf("%s: %d tokens for %d bytes", name, n, len(text))
		}
	}
}

// TestEarlyStop: AnalyzeFunc stops at the requested token, and its
// tokens are a prefix of Analyze's.
func TestEarlyStop(t *testing.T) {
	lines := referenceCorpus(t)
	text := strings.Join(lines[:min(len(lines), 3000)], "\n")
	a := mustNew(t, Options{Dict: IPA})
	all, err := a.Analyze(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 7, 1000, len(all) - 1} {
		var got []Token
		withCompact(64, func() {
			err = a.AnalyzeFunc(text, func(tk Token) bool { got = append(got, tk); return len(got) < k })
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != k {
			t.Fatalf("stopped after %d tokens, want %d", len(got), k)
		}
		for i := range got {
			if got[i].Surface != all[i].Surface || got[i].Start != all[i].Start || !slices.Equal(got[i].POS, all[i].POS) {
				t.Fatalf("token %d: %+v, Analyze %+v", i, got[i], all[i])
			}
		}
	}
	if err := a.AnalyzeFunc("\xff", func(Token) bool { return true }); err != ErrInvalidUTF8 {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

// TestWakatiPrefix: for prefixes of corpus texts cut at every few
// characters, WakatiPrefixFunc gives a prefix of the words of the whole
// text (never a word cut by the end of the prefix), and gives most of
// them: all but the last few.
func TestWakatiPrefix(t *testing.T) {
	lines := referenceCorpus(t)
	for _, name := range []Dict{IPA, Uni} {
		a := mustNew(t, Options{Dict: name})
		for i := 0; i < len(lines); i += 997 {
			text := strings.Join(lines[i:min(i+20, len(lines))], "")
			whole := a.Wakati(text)
			for c := 0; c <= len(text); c += 1 + c/7 {
				for c < len(text) && !utf8.RuneStart(text[c]) {
					c++
				}
				var got []string
				if err := a.WakatiPrefixFunc(text[:c], func(w string) bool { got = append(got, w); return true }); err != nil {
					t.Fatal(err)
				}
				if len(got) > len(whole) || !slices.Equal(got, whole[:len(got)]) {
					t.Fatalf("%s: prefix %q: %q, not a prefix of the whole text's %q", name, text[:c], got, whole)
				}
				settled := 0
				for _, w := range got {
					settled += len(w)
				}
				if c > 2000 && settled < c/2 {
					t.Errorf("%s: prefix of %d bytes settled only %d bytes of words", name, c, settled)
				}
			}
		}
	}
}
