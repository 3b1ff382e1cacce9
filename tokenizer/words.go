package tokenizer

import (
	"fmt"
	"strings"

	"github.com/jretrieve/jretrieve/analysis"
)

// WordSplitter segments text into words the way `mecab -Owakati` does:
// surface forms in order, whitespace dropped.
type WordSplitter interface {
	Wakati(text string) []string
}

// WordStreamer is optionally implemented by a WordSplitter that can hand
// its words over one at a time: WakatiFunc calls yield with the words of
// Wakati(text) in order and stops when yield returns false, without
// segmenting the rest of the text where it can. Encode uses it to segment
// only as much of a long text as the model's max length keeps.
type WordStreamer interface {
	WakatiFunc(text string, yield func(string) bool) error
}

// PrefixWordStreamer is optionally implemented by a WordStreamer:
// WakatiPrefixFunc calls yield with the words that Wakati gives for every
// text starting with prefix, in order (see
// analysis.Analyzer.WakatiPrefixFunc), so that a long text need not be
// read, normalised or segmented beyond what is kept.
type PrefixWordStreamer interface {
	WakatiPrefixFunc(prefix string, yield func(string) bool) error
}

// WordSplitterFunc adapts a function to WordSplitter.
type WordSplitterFunc func(string) []string

// Wakati implements WordSplitter.
func (f WordSplitterFunc) Wakati(s string) []string { return f(s) }

// NewWordSplitter returns the MeCab word splitter for a mecab_dic value of
// tokenizer_config.json: "unidic_lite" (UniDic 2.1.2) or "ipadic" (IPADIC
// 2.7.0), both through package analysis. It may be replaced to plug
// another segmenter; the result must be safe for concurrent use.
var NewWordSplitter = defaultWordSplitter

func defaultWordSplitter(dic string) (WordSplitter, error) {
	var d analysis.Dict
	switch dic {
	case "unidic_lite":
		d = analysis.Uni
	case "ipadic":
		d = analysis.IPA
	default:
		return nil, fmt.Errorf("mecab_kwargs.mecab_dic %q unsupported (supported: unidic_lite, ipadic)", dic)
	}
	a, err := analysis.New(analysis.Options{Dict: d})
	if err != nil {
		return nil, err
	}
	if dic == "unidic_lite" {
		return liteSplitter{a}, nil
	}
	return a, nil
}

// liteSplitter is the unidic_lite word splitter (see mergeLiteRuns).
type liteSplitter struct{ a *analysis.Analyzer }

func (l liteSplitter) Wakati(s string) []string { return mergeLiteRuns(s, l.a.Wakati(s)) }

// WakatiFunc streams the words of Wakati: a word is passed on once the
// next word shows that it is not merged with it.
func (l liteSplitter) WakatiFunc(s string, yield func(string) bool) error {
	m := liteMerger{text: s, prevEnd: -1}
	stopped := false
	err := l.a.WakatiFunc(s, func(w string) bool {
		out, ok := m.add(w)
		if !ok {
			return false // not substrings: cannot happen with the analyzer
		}
		if out != "" && !yield(out) {
			stopped = true
			return false
		}
		return true
	})
	if err != nil || stopped {
		return err
	}
	if m.pending != "" {
		yield(m.pending)
	}
	return nil
}

// WakatiPrefixFunc streams the words of Wakati shared by every text
// starting with prefix: the merged words before the last settled one (the
// last may still absorb the words that follow).
func (l liteSplitter) WakatiPrefixFunc(prefix string, yield func(string) bool) error {
	m := liteMerger{text: prefix, prevEnd: -1}
	return l.a.WakatiPrefixFunc(prefix, func(w string) bool {
		out, ok := m.add(w)
		if !ok {
			return false
		}
		return out == "" || yield(out)
	})
}

// liteMerger is mergeLiteRuns one word at a time.
type liteMerger struct {
	text                   string
	pos, prevEnd, runStart int
	runClass               int
	merging                bool
	pending                string
}

// add takes the next word and returns the previous one once it is final
// ("" when nothing is final yet); false when w is not found in the text.
func (m *liteMerger) add(w string) (string, bool) {
	i := strings.Index(m.text[m.pos:], w)
	if i < 0 {
		return "", false
	}
	b, e := m.pos+i, m.pos+i+len(w)
	m.pos = e
	c := liteClass(w)
	if m.merging && c != 0 && c == m.runClass && b == m.prevEnd {
		m.pending = m.text[m.runStart:e]
		m.prevEnd = e
		return "", true
	}
	out := m.pending
	m.pending = w
	m.runStart, m.runClass, m.prevEnd, m.merging = b, c, e, c != 0 && len(w) == 1
	return out, true
}

// liteClass is 1 for ASCII digits only, 2 for ASCII letters only, else 0.
func liteClass(w string) int {
	c := 0
	for i := 0; i < len(w); i++ {
		var k int
		switch b := w[i]; {
		case b >= '0' && b <= '9':
			k = 1
		case b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z':
			k = 2
		default:
			return 0
		}
		if c != 0 && k != c {
			return 0
		}
		c = k
	}
	return c
}

// mergeLiteRuns emulates unidic-lite's deletion of the single-character
// numeral and alphabet entries of UniDic 2.1.2. Without them MeCab can
// only cover such a character with char.def's grouped unknown word, which
// spans the rest of the run of ASCII digits (or ASCII letters) from there:
// where the full dictionary gives "2 0 2 4" or "A I", unidic-lite gives
// "2024" and "AI". So a single-character digit or letter word absorbs the
// following adjacent (no gap in the text) words of the same class.
func mergeLiteRuns(text string, words []string) []string {
	if len(words) < 2 {
		return words
	}
	class := func(w string) int {
		c := 0
		for i := 0; i < len(w); i++ {
			var k int
			switch b := w[i]; {
			case b >= '0' && b <= '9':
				k = 1
			case b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z':
				k = 2
			default:
				return 0
			}
			if c != 0 && k != c {
				return 0
			}
			c = k
		}
		return c
	}
	out := make([]string, 0, len(words))
	pos, prevEnd, runStart, runClass, merging := 0, -1, 0, 0, false
	for _, w := range words {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			return words // not substrings of text: leave untouched
		}
		b, e := pos+i, pos+i+len(w)
		pos = e
		c := class(w)
		if merging && c != 0 && c == runClass && b == prevEnd {
			out[len(out)-1] = text[runStart:e]
			prevEnd = e
			continue
		}
		out = append(out, w)
		runStart, runClass, prevEnd, merging = b, c, e, c != 0 && len(w) == 1
	}
	return out
}
