package tokenizer

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/ikawaha/kagome-dict/uni"
	kagome "github.com/ikawaha/kagome/v2/tokenizer"
)

// WordSplitter segments text into words the way `mecab -Owakati` does:
// surface forms in order, whitespace dropped.
type WordSplitter interface {
	Wakati(text string) []string
}

// WordSplitterFunc adapts a function to WordSplitter.
type WordSplitterFunc func(string) []string

// Wakati implements WordSplitter.
func (f WordSplitterFunc) Wakati(s string) []string { return f(s) }

// NewWordSplitter returns the MeCab word splitter for a mecab_dic name of
// tokenizer_config.json ("unidic_lite", "ipadic"). It can be replaced to
// plug another segmenter; it must be safe for concurrent use.
var NewWordSplitter = defaultWordSplitter

var (
	kagomeOnce sync.Once
	kagomeUni  *kagome.Tokenizer
	kagomeErr  error
)

func defaultWordSplitter(dic string) (WordSplitter, error) {
	switch dic {
	case "unidic_lite":
	default:
		return nil, fmt.Errorf("mecab_kwargs.mecab_dic %q unsupported (supported: unidic_lite)", dic)
	}
	kagomeOnce.Do(func() {
		kagomeUni, kagomeErr = kagome.New(uni.Dict(), kagome.OmitBosEos())
	})
	if kagomeErr != nil {
		return nil, kagomeErr
	}
	return WordSplitterFunc(func(s string) []string {
		ws := kagomeUni.Wakati(s)
		out := ws[:0]
		for _, w := range ws {
			if strings.TrimFunc(w, unicode.IsSpace) != "" {
				out = append(out, w)
			}
		}
		return out
	}), nil
}
