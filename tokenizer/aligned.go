package tokenizer

import (
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// aligned is a normalized string where byte i came from the original byte
// span [b[i], e[i]).
type aligned struct {
	s    string
	b, e []int
}

func newAligned(s string, off int) aligned {
	a := aligned{s: s, b: make([]int, len(s)), e: make([]int, len(s))}
	for i := range s {
		a.b[i], a.e[i] = off+i, off+i+1
	}
	// spans of multi-byte runes cover the whole rune
	for i := 0; i < len(s); {
		_, n := utf8.DecodeRuneInString(s[i:])
		for k := i; k < i+n; k++ {
			a.b[k], a.e[k] = off+i, off+i+n
		}
		i += n
	}
	return a
}

// span maps [i, j) of a.s to original offsets.
func (a aligned) span(i, j int) (int, int) {
	if len(a.s) == 0 {
		return 0, 0
	}
	j = min(j, len(a.s))
	if j <= i {
		if i < len(a.b) {
			return a.b[i], a.b[i]
		}
		return a.e[len(a.e)-1], a.e[len(a.e)-1]
	}
	return a.b[i], a.e[j-1]
}

func (a aligned) sub(i, j int) aligned {
	return aligned{s: a.s[i:j], b: a.b[i:j], e: a.e[i:j]}
}

// builder accumulates an aligned string.
type builder struct {
	sb   strings.Builder
	b, e []int
}

func (w *builder) add(s string, ob, oe int) {
	w.sb.WriteString(s)
	for range len(s) {
		w.b = append(w.b, ob)
		w.e = append(w.e, oe)
	}
}

func (w *builder) result() aligned { return aligned{s: w.sb.String(), b: w.b, e: w.e} }

// mapSegments replaces each segment [i, j) given by next with f(segment).
func (a aligned) mapSegments(next func(s string) int, f func(seg string) string) aligned {
	var w builder
	for i := 0; i < len(a.s); {
		n := next(a.s[i:])
		if n <= 0 {
			n = 1
		}
		ob, oe := a.span(i, i+n)
		w.add(f(a.s[i:i+n]), ob, oe)
		i += n
	}
	return w.result()
}

func runeLen(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	return n
}

func (a aligned) mapRunes(f func(seg string) string) aligned {
	return a.mapSegments(runeLen, f)
}

// normalizeForm applies a Unicode normalization form with alignment.
func (a aligned) normalizeForm(f norm.Form) aligned {
	if f.IsNormalString(a.s) {
		return a
	}
	if f == norm.NFD || f == norm.NFKD {
		// tokenizers (unicode-normalization-alignments) decomposes each
		// character, its first output character replacing it and the
		// others inserted after it: all aligned with that character.
		var w builder
		var full strings.Builder
		for i := 0; i < len(a.s); {
			n := runeLen(a.s[i:])
			d := f.String(a.s[i : i+n])
			ob, oe := a.span(i, i+n)
			w.add(d, ob, oe)
			full.WriteString(d)
			i += n
		}
		if full.String() == f.String(a.s) { // no canonical reordering across characters
			return w.result()
		}
	}
	if f == norm.NFC || f == norm.NFKC {
		if r, ok := a.composeAligned(f); ok {
			return r
		}
	}
	var it norm.Iter
	it.InitString(f, a.s)
	var w builder
	for !it.Done() {
		start := it.Pos()
		seg := it.Next()
		stop := it.Pos()
		ob, oe := a.span(start, stop)
		w.add(string(seg), ob, oe)
	}
	return w.result()
}

func graphemeLen(s string) int {
	c, _, _, _ := uniseg.FirstGraphemeClusterInString(s, -1)
	return len(c)
}

// composeAligned is NFC/NFKC with tokenizers' alignments: each character is
// decomposed (every output character aligned with it), then canonical
// composition merges a combining character into the preceding starter,
// which keeps the starter's alignment. ok is false when the result would
// not be the normalized string (canonical reordering), for the caller to
// fall back to segment spans.
func (a aligned) composeAligned(f norm.Form) (aligned, bool) {
	dec := norm.NFD
	if f == norm.NFKC {
		dec = norm.NFKD
	}
	type ch struct {
		r      rune
		ob, oe int
	}
	var chars []ch
	for i := 0; i < len(a.s); {
		n := runeLen(a.s[i:])
		ob, oe := a.span(i, i+n)
		for _, r := range dec.String(a.s[i : i+n]) {
			chars = append(chars, ch{r, ob, oe})
		}
		i += n
	}
	var out []ch
	starter := -1
	lastCCC := -1
	for _, c := range chars {
		ccc := int(norm.NFC.PropertiesString(string(c.r)).CCC())
		if starter >= 0 && (starter == len(out)-1 || lastCCC != 0 && lastCCC < ccc) {
			pair := string(out[starter].r) + string(c.r)
			if comp := norm.NFC.String(pair); utf8.RuneCountInString(comp) == 1 && comp != pair {
				r, _ := utf8.DecodeRuneInString(comp)
				out[starter].r = r
				continue
			}
		}
		if ccc == 0 {
			starter = len(out)
			lastCCC = 0
		} else {
			lastCCC = ccc
		}
		out = append(out, c)
	}
	var w builder
	for _, c := range out {
		w.add(string(c.r), c.ob, c.oe)
	}
	r := w.result()
	if r.s != f.String(a.s) {
		return aligned{}, false
	}
	return r, true
}
