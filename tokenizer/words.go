package tokenizer

import (
	"fmt"

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
// only as much of a long text as the model's max length keeps
// (*analysis.Analyzer implements it).
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
// tokenizer_config.json: "unidic_lite" (unidic-lite 1.0.8, analysis.Uni)
// or "ipadic" (IPADIC 2.7.0), both through package analysis. It may be
// replaced to plug another segmenter; the result must be safe for
// concurrent use.
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
	return a, nil
}
