package onnxtest

import (
	"fmt"

	"github.com/jretrieve/jretrieve/tokenizer"
)

// LookupTokenizer is a tokenizer.Tokenizer that returns the reference ids of
// the fixture's texts (prompt included), so that model-layer tests do not
// depend on tokenizer support for a given file format. Unknown texts panic:
// a test that asks for one has built the wrong input (e.g. the wrong prefix).
type LookupTokenizer struct {
	single map[string]Item
	pair   map[[2]string]Item
	pad    int
}

// NewLookupTokenizer indexes ref's items; pad is the model's pad id.
func NewLookupTokenizer(ref *Reference, pad int) *LookupTokenizer {
	t := &LookupTokenizer{single: map[string]Item{}, pair: map[[2]string]Item{}, pad: pad}
	for _, it := range ref.Items {
		if it.Kind == "pair" {
			t.pair[[2]string{it.Query, it.Document}] = it
		} else {
			t.single[it.Prompt+it.Text] = it
		}
	}
	return t
}

// Encode implements tokenizer.Tokenizer.
func (t *LookupTokenizer) Encode(text string, maxLen int) tokenizer.Encoding {
	it, ok := t.single[text]
	if !ok {
		panic(fmt.Sprintf("onnxtest: no reference tokenization for %q", text))
	}
	return enc(it)
}

// EncodePair implements tokenizer.Tokenizer.
func (t *LookupTokenizer) EncodePair(a, b string, maxLen int) tokenizer.Encoding {
	it, ok := t.pair[[2]string{a, b}]
	if !ok {
		panic(fmt.Sprintf("onnxtest: no reference tokenization for pair %q %q", a, b))
	}
	return enc(it)
}

func enc(it Item) tokenizer.Encoding {
	m := make([]int64, len(it.InputIDs))
	for i := range m {
		m[i] = 1
	}
	return tokenizer.Encoding{IDs: it.InputIDs, TypeIDs: it.TokenTypeIDs, AttentionMask: m, Truncated: it.Truncated}
}

// Tokens implements tokenizer.Tokenizer (unused).
func (t *LookupTokenizer) Tokens(string) []string { return nil }

// VocabSize implements tokenizer.Tokenizer (unused).
func (t *LookupTokenizer) VocabSize() int { return 0 }

// PadID implements tokenizer.Tokenizer.
func (t *LookupTokenizer) PadID() int { return t.pad }

// ModelMaxLength implements tokenizer.Tokenizer.
func (t *LookupTokenizer) ModelMaxLength() int { return 0 }

// TokenID implements tokenizer.Tokenizer (unused).
func (t *LookupTokenizer) TokenID(string) (int, bool) { return 0, false }

// IDToken implements tokenizer.Tokenizer (unused).
func (t *LookupTokenizer) IDToken(int) string { return "" }

// Family implements tokenizer.Tokenizer.
func (t *LookupTokenizer) Family() string { return "fixture-lookup" }
