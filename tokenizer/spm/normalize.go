package spm

import (
	"strings"
	"unicode/utf8"
)

// SpaceSymbol is U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's whitespace.
const SpaceSymbol = "\u2581"

// Normalizer reproduces sentencepiece::normalizer::Normalizer.
type Normalizer struct {
	Charsmap               *Charsmap
	AddDummyPrefix         bool
	RemoveExtraWhitespaces bool
	EscapeWhitespaces      bool
	TreatWhitespaceSuffix  bool
	// UserDefined are matched (longest first) before the charsmap and kept verbatim.
	userDefined *prefixTrie
}

func (n *Normalizer) prefix(in string) (string, int) {
	if in == "" {
		return "", 0
	}
	if n.userDefined != nil {
		if l := n.userDefined.longest(in); l > 0 {
			return in[:l], l
		}
	}
	if n.Charsmap != nil {
		if s, l := n.Charsmap.Longest(in); l > 0 {
			return s, l
		}
	}
	r, l := utf8.DecodeRuneInString(in)
	if r == utf8.RuneError && l <= 1 {
		return "\uFFFD", 1
	}
	return in[:l], l
}

// Normalize returns the normalized text and, for each byte of it, the byte
// offset in the input it came from (len(normalized)+1 entries; the last is
// the end of the consumed input).
func (n *Normalizer) Normalize(in string) (string, []int) {
	var out strings.Builder
	out.Grow(len(in) + 8)
	orig := make([]int, 0, len(in)+8)
	consumed := 0
	if n.RemoveExtraWhitespaces {
		for in != "" {
			s, l := n.prefix(in)
			if s != " " {
				break
			}
			in = in[l:]
			consumed += l
		}
	}
	if in == "" {
		return "", []int{consumed}
	}
	space := " "
	if n.EscapeWhitespaces {
		space = SpaceSymbol
	}
	addWS := func() {
		out.WriteString(space)
		for range len(space) {
			orig = append(orig, consumed)
		}
	}
	if !n.TreatWhitespaceSuffix && n.AddDummyPrefix {
		addWS()
	}
	isPrevSpace := n.RemoveExtraWhitespaces
	for in != "" {
		s, l := n.prefix(in)
		if isPrevSpace {
			s = strings.TrimLeft(s, " ")
		}
		if s != "" {
			for i := 0; i < len(s); i++ {
				if n.EscapeWhitespaces && s[i] == ' ' {
					out.WriteString(SpaceSymbol)
					orig = append(orig, consumed, consumed, consumed)
				} else {
					out.WriteByte(s[i])
					orig = append(orig, consumed)
				}
			}
			isPrevSpace = s[len(s)-1] == ' '
		}
		consumed += l
		in = in[l:]
		if !n.RemoveExtraWhitespaces {
			isPrevSpace = false
		}
	}
	res := out.String()
	if n.RemoveExtraWhitespaces {
		for strings.HasSuffix(res, space) {
			k := len(res) - len(space)
			consumed = orig[k]
			res = res[:k]
			orig = orig[:k]
		}
	}
	if n.TreatWhitespaceSuffix && n.AddDummyPrefix {
		res += space
		for range len(space) {
			orig = append(orig, consumed)
		}
	}
	orig = append(orig, consumed)
	return res, orig
}

// prefixTrie is a byte trie for longest-prefix matching of a small set of strings.
type prefixTrie struct {
	next map[byte]*prefixTrie
	end  bool
}

func newPrefixTrie(keys []string) *prefixTrie {
	if len(keys) == 0 {
		return nil
	}
	root := &prefixTrie{}
	for _, k := range keys {
		t := root
		for i := 0; i < len(k); i++ {
			if t.next == nil {
				t.next = map[byte]*prefixTrie{}
			}
			c := t.next[k[i]]
			if c == nil {
				c = &prefixTrie{}
				t.next[k[i]] = c
			}
			t = c
		}
		t.end = true
	}
	return root
}

func (t *prefixTrie) longest(s string) int {
	best := 0
	for i := 0; i < len(s) && t != nil; i++ {
		t = t.next[s[i]]
		if t != nil && t.end {
			best = i + 1
		}
	}
	return best
}
