package tokenizer

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Encoding is the model input for one text or text pair. Ids are int64,
// the element type ONNX BERT-style models take.
type Encoding struct {
	IDs           []int64
	TypeIDs       []int64
	AttentionMask []int64
	// Tokens are the token strings (pieces, special tokens).
	Tokens []string
	// Offsets are byte spans [begin, end) of each token in the text it came
	// from (the first or the second text of a pair; see SequenceIDs).
	// Special tokens have [0, 0].
	Offsets [][2]int
	// SequenceIDs is 0 or 1 for tokens of the first or second text and -1
	// for special tokens.
	SequenceIDs []int
	// Truncated reports that tokens were dropped to fit the max length.
	Truncated bool
}

// Len is the number of tokens.
func (e Encoding) Len() int { return len(e.IDs) }

// Tokenizer turns text into model input ids. Implementations are safe for
// concurrent use.
//
// maxLen is the maximum total number of ids including special tokens;
// maxLen <= 0 means ModelMaxLength() (no limit when that is 0). Pairs are
// truncated with the longest_first strategy of the reference library. The
// returned Encoding always satisfies Len() <= maxLen when maxLen > 0.
type Tokenizer interface {
	Encode(text string, maxLen int) Encoding
	EncodePair(a, b string, maxLen int) Encoding
	// Tokens returns the subword tokens of text, without special tokens.
	Tokens(text string) []string
	VocabSize() int
	PadID() int
	// ModelMaxLength is model_max_length of tokenizer_config.json (0 if unknown).
	ModelMaxLength() int
	// TokenID returns the id of a vocabulary token such as "[MASK]".
	TokenID(token string) (int, bool)
	// IDToken returns the token string of an id ("" if out of range).
	IDToken(id int) string
	// Family names the implementation ("bert-japanese", "sentencepiece", "tokenizer.json", ...).
	Family() string
}

// piece is one subword with its byte span in its source text.
type piece struct {
	tok        string
	id         int
	begin, end int
}

// templateItem is a special token or a sequence placeholder.
type templateItem struct {
	seq    int // 0 = $A, 1 = $B, -1 = special token
	id     int
	tok    string
	typeID int
}

// core implements Tokenizer from a segmentation function and templates.
type core struct {
	family  string
	segment func(text string) []piece
	// segmentN, when set, returns at least the first limit pieces of
	// segment(text) (all of them when there are fewer), doing only the
	// work they need: Encode uses it to leave the part of a long text
	// that truncation drops unsegmented.
	segmentN  func(text string, limit int) []piece
	single    []templateItem
	pair      []templateItem
	vocabSize int
	padID     int
	maxLen    int
	// fastTruncation selects the tokenizers (Rust) longest_first split
	// instead of the transformers slow one-token-at-a-time rule.
	fastTruncation bool
	// truncLeft drops tokens from the start (truncation_side "left").
	truncLeft bool
	// hasPost: tokenizer.json has a post_processor.
	hasPost bool
	tokenID func(string) (int, bool)
	idToken func(int) string
}

func (c *core) Family() string               { return c.family }
func (c *core) VocabSize() int               { return c.vocabSize }
func (c *core) PadID() int                   { return c.padID }
func (c *core) ModelMaxLength() int          { return c.maxLen }
func (c *core) TokenID(t string) (int, bool) { return c.tokenID(t) }
func (c *core) IDToken(id int) string        { return c.idToken(id) }

func (c *core) Tokens(text string) []string {
	ps := c.segment(text)
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.tok
	}
	return out
}

func (c *core) limit(maxLen int) int {
	if maxLen <= 0 {
		return c.maxLen
	}
	return maxLen
}

func specials(t []templateItem) int {
	n := 0
	for _, it := range t {
		if it.seq < 0 {
			n++
		}
	}
	return n
}

// prefix returns the pieces of text, or when only the first n are kept
// (n >= 0, right truncation) at least its first n+1 pieces: enough to
// know whether the text is cut, and the same first n pieces.
func (c *core) prefix(text string, n int) []piece {
	if n < 0 || c.truncLeft || c.segmentN == nil {
		return c.segment(text)
	}
	return c.segmentN(text, n+1)
}

func (c *core) Encode(text string, maxLen int) Encoding {
	maxLen = c.limit(maxLen)
	var a []piece
	if maxLen > 0 {
		a = c.prefix(text, max(maxLen-specials(c.single), 0))
	} else {
		a = c.segment(text)
	}
	truncated := false
	if maxLen > 0 {
		budget := max(maxLen-specials(c.single), 0)
		if len(a) > budget {
			a, truncated = c.cut(a, budget), true
		}
	}
	return c.build(c.single, a, nil, truncated, maxLen)
}

func (c *core) EncodePair(x, y string, maxLen int) Encoding {
	maxLen = c.limit(maxLen)
	var a, b []piece
	if maxLen > 0 {
		a, b = c.pairPrefixes(x, y, max(maxLen-specials(c.pair), 0))
	} else {
		a, b = c.segment(x), c.segment(y)
	}
	truncated := false
	if maxLen > 0 {
		budget := max(maxLen-specials(c.pair), 0)
		if len(a)+len(b) > budget {
			truncated = true
			na, nb := truncLongestFirst(len(a), len(b), budget, c.fastTruncation)
			a, b = c.cut(a, na), c.cut(b, nb)
		}
	}
	return c.build(c.pair, a, b, truncated, maxLen)
}

func (c *core) cut(p []piece, n int) []piece {
	if c.truncLeft {
		return p[len(p)-n:]
	}
	return p[:n]
}

// pairPrefixes returns the pieces of x and y, or, where the pair is cut
// to budget pieces, prefixes long enough for the same result: with n1
// the full length of one sequence, truncLongestFirst depends on the
// other's length n2 only through n2 > max(n1, budget) (checked
// exhaustively by TestPairPrefixBound). So one side is segmented in full
// and the other up to max(n1, budget)+1 pieces; when both are longer
// than budget, both are segmented in full.
func (c *core) pairPrefixes(x, y string, budget int) ([]piece, []piece) {
	a := c.prefix(x, budget)
	if len(a) <= budget {
		return a, c.prefix(y, max(len(a), budget))
	}
	b := c.prefix(y, budget)
	if len(b) <= budget {
		return c.prefix(x, max(len(b), budget)), b
	}
	return c.segment(x), c.segment(y)
}

// truncLongestFirst returns the kept lengths of a pair of sequences of
// lengths n1, n2 so that their sum fits target.
func truncLongestFirst(n1, n2, target int, fast bool) (int, int) {
	if n1+n2 <= target {
		return n1, n2
	}
	if fast {
		// tokenizers/src/utils/truncation.rs, LongestFirst.
		swap := false
		if n1 > n2 {
			swap = true
			n1, n2 = n2, n1
		}
		if n1 > target {
			n2 = n1
		} else {
			n2 = max(n1, target-n1)
		}
		if n1+n2 > target {
			n1 = target / 2
			n2 = n1 + target%2
		}
		if swap {
			n1, n2 = n2, n1
		}
		return n1, n2
	}
	// transformers PreTrainedTokenizerBase.truncate_sequences: remove one
	// token at a time from the longer sequence, the second one on ties.
	remove := n1 + n2 - target
	first := min(abs(n1-n2), remove)
	second := remove - first
	var r1, r2 int
	if n1 > n2 {
		r1, r2 = first+second/2, second-second/2
	} else {
		r1, r2 = second/2, first+second-second/2
	}
	return max(n1-r1, 0), max(n2-r2, 0)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func (c *core) build(t []templateItem, a, b []piece, truncated bool, maxLen int) Encoding {
	n := len(a) + len(b) + specials(t)
	e := Encoding{
		IDs:           make([]int64, 0, n),
		TypeIDs:       make([]int64, 0, n),
		AttentionMask: make([]int64, 0, n),
		Tokens:        make([]string, 0, n),
		Offsets:       make([][2]int, 0, n),
		SequenceIDs:   make([]int, 0, n),
		Truncated:     truncated,
	}
	for _, it := range t {
		switch it.seq {
		case -1:
			e.IDs = append(e.IDs, int64(it.id))
			e.TypeIDs = append(e.TypeIDs, int64(it.typeID))
			e.AttentionMask = append(e.AttentionMask, 1)
			e.Tokens = append(e.Tokens, it.tok)
			e.Offsets = append(e.Offsets, [2]int{0, 0})
			e.SequenceIDs = append(e.SequenceIDs, -1)
		default:
			ps := a
			if it.seq == 1 {
				ps = b
			}
			for _, p := range ps {
				e.IDs = append(e.IDs, int64(p.id))
				e.TypeIDs = append(e.TypeIDs, int64(it.typeID))
				e.AttentionMask = append(e.AttentionMask, 1)
				e.Tokens = append(e.Tokens, p.tok)
				e.Offsets = append(e.Offsets, [2]int{p.begin, p.end})
				e.SequenceIDs = append(e.SequenceIDs, it.seq)
			}
		}
	}
	if maxLen > 0 && len(e.IDs) > maxLen {
		// Only when maxLen is smaller than the special tokens themselves.
		e.IDs, e.TypeIDs, e.AttentionMask = e.IDs[:maxLen], e.TypeIDs[:maxLen], e.AttentionMask[:maxLen]
		e.Tokens, e.Offsets, e.SequenceIDs = e.Tokens[:maxLen], e.Offsets[:maxLen], e.SequenceIDs[:maxLen]
		e.Truncated = true
	}
	return e
}

// Batch is a padded batch in row-major order, ready for [Rows, Cols] tensors.
type Batch struct {
	IDs, TypeIDs, AttentionMask []int64
	Rows, Cols                  int
	Encodings                   []Encoding
}

// Padding selects the padded length of a batch: the longest encoding,
// rounded up to the smallest bucket that holds it when Buckets is set
// (sorted ascending; a batch longer than every bucket is padded to its
// longest), or exactly Fixed when Fixed > 0 (longer rows are not cut).
type Padding struct {
	Buckets []int
	Fixed   int
}

// Pad right-pads encodings with padID (type id 0, attention mask 0).
func Pad(encs []Encoding, padID int, p Padding) Batch {
	cols := 0
	for _, e := range encs {
		cols = max(cols, e.Len())
	}
	if p.Fixed > 0 {
		cols = max(cols, p.Fixed)
	} else if len(p.Buckets) > 0 {
		bs := slices.Clone(p.Buckets)
		slices.Sort(bs)
		for _, b := range bs {
			if b >= cols {
				cols = b
				break
			}
		}
	}
	rows := len(encs)
	bt := Batch{
		IDs:           make([]int64, rows*cols),
		TypeIDs:       make([]int64, rows*cols),
		AttentionMask: make([]int64, rows*cols),
		Rows:          rows,
		Cols:          cols,
		Encodings:     encs,
	}
	for r, e := range encs {
		row := bt.IDs[r*cols : (r+1)*cols]
		copy(row, e.IDs)
		for i := e.Len(); i < cols; i++ {
			row[i] = int64(padID)
		}
		copy(bt.TypeIDs[r*cols:], e.TypeIDs)
		copy(bt.AttentionMask[r*cols:], e.AttentionMask)
	}
	return bt
}

// EncodeBatch encodes texts and pads them (see Pad). Batches of 32 texts
// or more are encoded on GOMAXPROCS goroutines (tokenizers are safe for
// concurrent use); the result does not depend on the schedule.
func EncodeBatch(tok Tokenizer, texts []string, maxLen int, p Padding) Batch {
	encs := make([]Encoding, len(texts))
	parallel(len(texts), func(i int) { encs[i] = tok.Encode(texts[i], maxLen) })
	return Pad(encs, tok.PadID(), p)
}

// EncodePairBatch encodes (a[i], b[i]) pairs and pads them.
func EncodePairBatch(tok Tokenizer, a, b []string, maxLen int, p Padding) (Batch, error) {
	if len(a) != len(b) {
		return Batch{}, fmt.Errorf("tokenizer: %d first texts but %d second texts", len(a), len(b))
	}
	encs := make([]Encoding, len(a))
	parallel(len(a), func(i int) { encs[i] = tok.EncodePair(a[i], b[i], maxLen) })
	return Pad(encs, tok.PadID(), p), nil
}

func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/16)
	if workers < 2 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
