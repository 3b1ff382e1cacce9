package analysis

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Options selects the dictionary and the normalisation applied by Tokens.
// It is plain data (JSON-serialisable) so that an index can record exactly
// how its text was analysed.
type Options struct {
	// Dict is the system dictionary, Uni (default when empty) or IPA.
	Dict Dict `json:"dict"`
	// NFKC normalises the text (Unicode NFKC) before segmentation.
	NFKC bool `json:"nfkc,omitempty"`
	// Lower lower-cases every token (after segmentation).
	Lower bool `json:"lower,omitempty"`
	// BaseForm replaces each token by its dictionary base form when the
	// dictionary has one (IPADIC 基本形; UniDic 書字形基本形 orthBase).
	// Unknown words and "*" base forms keep the surface.
	BaseForm bool `json:"base_form,omitempty"`
	// DropPOS removes tokens whose part of speech starts with one of these
	// comma-separated prefixes, compared level by level: "助詞" drops every
	// particle, "名詞,数" only IPADIC numerals. Typical: 助詞, 助動詞,
	// 記号 (IPADIC) or 補助記号 (UniDic).
	DropPOS []string `json:"drop_pos,omitempty"`
	// StopWords removes tokens equal to one of these strings, compared
	// after Lower and BaseForm have been applied.
	StopWords []string `json:"stop_words,omitempty"`
}

// Token is one morpheme of the best MeCab path.
type Token struct {
	// Surface is the text of the token (no surrounding whitespace).
	Surface string
	// Start and End are byte offsets of Surface in the analysed text (the
	// NFKC-normalised text when Options.NFKC is set).
	Start, End int
	// POS is the part-of-speech hierarchy, e.g. [名詞 一般 * *].
	POS []string
	// Known is false for unknown words (built from char.def/unk.def).
	Known bool

	id int32
}

// ErrInvalidUTF8 is returned for text that is not valid UTF-8.
var ErrInvalidUTF8 = errors.New("analysis: text is not valid UTF-8")

// Analyzer segments Japanese text. It is safe for concurrent use.
type Analyzer struct {
	opt  Options
	d    *dictionary
	drop [][]string
	stop map[string]struct{}
}

// New returns an analyzer for opt. The dictionary is loaded on first use
// of a dictionary name and shared by all analyzers.
func New(opt Options) (*Analyzer, error) {
	if opt.Dict == "" {
		opt.Dict = Uni
	}
	d, err := loadDict(opt.Dict, opt.BaseForm)
	if err != nil {
		return nil, err
	}
	a := &Analyzer{opt: opt, d: d}
	if opt.BaseForm && d.base.len() != len(d.morphs) {
		return nil, fmt.Errorf("analysis: dictionary %s has no base form feature", opt.Dict)
	}
	for _, p := range opt.DropPOS {
		if p == "" {
			return nil, errors.New("analysis: empty DropPOS entry")
		}
		a.drop = append(a.drop, strings.Split(p, ","))
	}
	if len(opt.StopWords) > 0 {
		a.stop = make(map[string]struct{}, len(opt.StopWords))
		for _, w := range opt.StopWords {
			a.stop[w] = struct{}{}
		}
	}
	return a, nil
}

// uniOrthBase is the index of 書字形基本形 (orthBase) in UniDic's
// feature list (uni.OrthBase), POS levels included.
const uniOrthBase = 10

// Options returns the options the analyzer was built with (Dict filled in).
func (a *Analyzer) Options() Options { return a.opt }

// Analyze returns the MeCab best path of text with part of speech. Only
// Options.NFKC is applied; invalid UTF-8 gives ErrInvalidUTF8.
func (a *Analyzer) Analyze(text string) ([]Token, error) {
	text, err := a.prepare(text)
	if err != nil {
		return nil, err
	}
	la := latticePool.Get().(*lattice)
	defer putLattice(la)
	a.d.viterbi(la, text, nil)
	out := make([]Token, len(la.out))
	for i := range la.out {
		out[i] = a.token(text, &la.out[i])
	}
	return out, nil
}

func (a *Analyzer) token(text string, nd *node) Token {
	return Token{Surface: text[nd.surf:nd.end], Start: int(nd.surf), End: int(nd.end),
		POS: a.d.pos(nd), Known: nd.class == classKnown, id: nd.id}
}

// AnalyzeFunc calls yield with each token of Analyze(text) in order, as
// soon as it is decided, and stops when yield returns false: the text
// after the point where the best path is settled is not analysed (exact:
// the tokens are those of Analyze, see Wakati on long texts). Invalid
// UTF-8 gives ErrInvalidUTF8 before any call.
func (a *Analyzer) AnalyzeFunc(text string, yield func(Token) bool) error {
	text, err := a.prepare(text)
	if err != nil {
		return err
	}
	la := latticePool.Get().(*lattice)
	defer putLattice(la)
	a.d.viterbi(la, text, func(nodes []node) bool {
		for i := range nodes {
			if !yield(a.token(text, &nodes[i])) {
				return false
			}
		}
		return true
	})
	return nil
}

func (a *Analyzer) prepare(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", ErrInvalidUTF8
	}
	if a.opt.NFKC {
		text = norm.NFKC.String(text)
	}
	return text, nil
}

// Wakati returns the surface tokens of the best path, exactly what
// `mecab -Owakati` prints for text given as one line (whitespace is never
// a token). Only Options.NFKC is applied. Invalid UTF-8 yields nil.
//
// Long texts are segmented in bounded memory with the same result: the
// part of the best path that every continuation shares is settled and
// the lattice behind it dropped as the analysis proceeds (no chunking
// that could change a token).
func (a *Analyzer) Wakati(text string) []string {
	text, err := a.prepare(text)
	if err != nil {
		return nil
	}
	la := latticePool.Get().(*lattice)
	defer putLattice(la)
	var out []string
	a.d.viterbi(la, text, func(nodes []node) bool {
		if out == nil {
			out = make([]string, 0, len(nodes))
		}
		for i := range nodes {
			out = append(out, text[nodes[i].surf:nodes[i].end])
		}
		return true
	})
	if out == nil {
		out = []string{}
	}
	return out
}

// WakatiFunc calls yield with each token of Wakati(text) in order, as
// soon as it is settled, and stops when yield returns false (the rest of
// the text is then not analysed). Invalid UTF-8 gives ErrInvalidUTF8
// before any call.
func (a *Analyzer) WakatiFunc(text string, yield func(string) bool) error {
	text, err := a.prepare(text)
	if err != nil {
		return err
	}
	la := latticePool.Get().(*lattice)
	defer putLattice(la)
	a.d.viterbi(la, text, surfaces(text, yield))
	return nil
}

// WakatiPrefixFunc is WakatiFunc for a text known only up to here: it
// calls yield with the words that Wakati gives for every text starting
// with prefix (the words of a longer text, never of prefix cut short),
// in order, and stops when yield returns false. The words near the end of
// prefix, whose segmentation depends on what follows, are not given. With
// Options.NFKC the guarantee holds for texts whose NFKC form starts with
// that of prefix (cut prefix at a normalisation boundary, see
// golang.org/x/text/unicode/norm). Invalid UTF-8 gives ErrInvalidUTF8.
func (a *Analyzer) WakatiPrefixFunc(prefix string, yield func(string) bool) error {
	text, err := a.prepare(prefix)
	if err != nil {
		return err
	}
	la := latticePool.Get().(*lattice)
	defer putLattice(la)
	a.d.viterbiPrefix(la, text, surfaces(text, yield))
	return nil
}

// surfaces adapts yield (one word at a time) to the lattice's callback
// (the nodes settled so far).
func surfaces(text string, yield func(string) bool) func([]node) bool {
	return func(nodes []node) bool {
		for i := range nodes {
			if !yield(text[nodes[i].surf:nodes[i].end]) {
				return false
			}
		}
		return true
	}
}

// Tokens returns the tokens of text with every option applied (NFKC,
// part-of-speech filter, base form, lower-casing, stop words). Invalid
// UTF-8 yields nil.
func (a *Analyzer) Tokens(text string) []string {
	if !a.opt.BaseForm && len(a.drop) == 0 && !a.opt.Lower && a.stop == nil {
		return a.Wakati(text)
	}
	out := []string{}
	if a.TokensFunc(text, func(t string) bool { out = append(out, t); return true }) != nil {
		return nil
	}
	return out
}

// TokensFunc calls yield with each token of Tokens(text) in order, as
// soon as it is decided, and stops when yield returns false (the rest of
// the text is then not analysed). Invalid UTF-8 gives ErrInvalidUTF8
// before any call.
func (a *Analyzer) TokensFunc(text string, yield func(string) bool) error {
	text, err := a.prepare(text)
	if err != nil {
		return err
	}
	la := latticePool.Get().(*lattice)
	defer putLattice(la)
	a.d.viterbi(la, text, func(nodes []node) bool {
		for i := range nodes {
			if t, ok := a.filter(text, &nodes[i]); ok && !yield(t) {
				return false
			}
		}
		return true
	})
	return nil
}

// filter applies the options of Tokens to one node.
func (a *Analyzer) filter(text string, nd *node) (string, bool) {
	if len(a.drop) > 0 && a.dropped(a.d.pos(nd)) {
		return "", false
	}
	t := text[nd.surf:nd.end]
	if a.opt.BaseForm {
		if b := a.d.baseForm(nd); b != "" && b != "*" {
			t = b
		}
	}
	if a.opt.Lower {
		t = strings.ToLower(t)
	}
	if _, stop := a.stop[t]; stop {
		return "", false
	}
	return t, true
}

func (a *Analyzer) dropped(pos []string) bool {
outer:
	for _, pre := range a.drop {
		if len(pre) > len(pos) {
			continue
		}
		for i, p := range pre {
			if pos[i] != p {
				continue outer
			}
		}
		return true
	}
	return false
}

// pos returns the part-of-speech levels of a node.
func (d *dictionary) pos(nd *node) []string {
	switch nd.class {
	case classKnown:
		ids := d.posIDs[d.posOff[nd.id]:d.posOff[nd.id+1]]
		if f, ok := d.features[nd.id]; ok {
			return append([]string(nil), f[:len(ids)]...)
		}
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = d.posNames.at(int(id))
		}
		return out
	case classUnknown:
		return append([]string(nil), d.unkMorphs[nd.id].pos...)
	}
	return nil
}

// baseForm returns the base form of a known node ("" when the dictionary
// has none or was loaded without base forms).
func (d *dictionary) baseForm(nd *node) string {
	if nd.class != classKnown || d.base.len() == 0 {
		return ""
	}
	return d.base.at(int(nd.id))
}

// WakatiBatch runs Wakati over texts on all CPUs; out[i] belongs to
// texts[i]. It stops early when ctx is cancelled.
func (a *Analyzer) WakatiBatch(ctx context.Context, texts []string) ([][]string, error) {
	return a.batch(ctx, texts, a.Wakati)
}

// TokensBatch runs Tokens over texts on all CPUs; out[i] belongs to
// texts[i]. It stops early when ctx is cancelled.
func (a *Analyzer) TokensBatch(ctx context.Context, texts []string) ([][]string, error) {
	return a.batch(ctx, texts, a.Tokens)
}

func (a *Analyzer) batch(ctx context.Context, texts []string, f func(string) []string) ([][]string, error) {
	out := make([][]string, len(texts))
	workers := runtime.GOMAXPROCS(0)
	if workers > len(texts) {
		workers = len(texts)
	}
	var next int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	const chunk = 16
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				i := int(next)
				next += chunk
				mu.Unlock()
				if i >= len(texts) {
					return
				}
				for j := i; j < i+chunk && j < len(texts); j++ {
					out[j] = f(texts[j])
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
