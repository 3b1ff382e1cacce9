package bm25

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/jretrieve/jretrieve/analysis"
)

// Variant selects the idf of an Index.
type Variant string

const (
	// Lucene is Lucene's always-positive idf, ln(1 + (N - n + 0.5)/(n + 0.5)).
	Lucene Variant = "lucene"
	// OkapiIdf is rank_bm25's BM25Okapi idf over the whole collection:
	// ln(N - n + 0.5) - ln(n + 0.5), negative values replaced by epsilon
	// times the mean idf of the vocabulary.
	OkapiIdf Variant = "okapi"
)

// IndexParams are the scoring parameters of an Index. Zero fields take
// the defaults: K1 1.2, B 0.75, Variant Lucene, Epsilon 0.25 (OkapiIdf).
//
// score(q, d) = sum over distinct query terms t, in order of first
// occurrence in q, of qtf(t) * idf(t) * tf*(K1+1) / (tf + K1*(1-B+B*dl/avgdl)),
// where qtf counts repetitions of t in the query (as rank_bm25 and FTS5
// do). The (K1+1) factor, dropped by Lucene 8, does not change rankings.
type IndexParams struct {
	K1      float64 `json:"k1"`
	B       float64 `json:"b"`
	Variant Variant `json:"variant"`
	Epsilon float64 `json:"epsilon,omitempty"`
}

func (p IndexParams) withDefaults() (IndexParams, error) {
	if p.K1 == 0 {
		p.K1 = 1.2
	}
	if p.B == 0 && p.Variant == "" {
		p.B = 0.75
	}
	if p.Variant == "" {
		p.Variant = Lucene
	}
	if p.Variant == OkapiIdf && p.Epsilon == 0 {
		p.Epsilon = 0.25
	}
	switch {
	case p.Variant != Lucene && p.Variant != OkapiIdf:
		return p, fmt.Errorf("bm25: unknown variant %q (want %q or %q)", p.Variant, Lucene, OkapiIdf)
	case !(p.K1 > 0) || math.IsInf(p.K1, 0):
		return p, fmt.Errorf("bm25: k1 = %v, want > 0", p.K1)
	case !(p.B >= 0 && p.B <= 1):
		return p, fmt.Errorf("bm25: b = %v, want in [0, 1]", p.B)
	}
	return p, nil
}

// Doc is a document to index: Tokens when already tokenised, else Text,
// tokenised by the builder's analyzer.
type Doc struct {
	ID     string
	Text   string
	Tokens []string
}

// BuildOptions configure Build and NewBuilder.
type BuildOptions struct {
	Params IndexParams
	// Analyzer tokenises documents given as Text (and SearchText queries);
	// its Options are stored in the index. Nil: documents must carry
	// Tokens.
	Analyzer *analysis.Analyzer
	// Progress, if set, is called with the number of documents added so
	// far, every 10,000 documents and once at the end.
	Progress func(docs int)
}

// Hit is one search result.
type Hit struct {
	Doc   int     // document number, in insertion order
	ID    string  // document id
	Score float64 // BM25 score
}

// Index is an immutable in-memory inverted index. Search is safe for
// concurrent use.
type Index struct {
	params   IndexParams
	analysis *analysis.Options

	ids     []string
	lens    []uint32
	terms   []string // sorted
	termIDs map[string]uint32
	offs    []uint64 // postings of term t: [offs[t], offs[t+1])
	docs    []uint32
	tfs     []uint32

	// derived
	totalLen uint64
	avgdl    float64
	norm     []float64 // K1*(1-B+B*dl/avgdl)
	idf      []float64
	maxPart  []float64 // max over postings of tf*(K1+1)/(tf+norm)

	anaOnce sync.Once
	ana     *analysis.Analyzer
	anaErr  error
}

// Builder accumulates documents into an Index.
type Builder struct {
	opt     BuildOptions
	params  IndexParams
	ids     []string
	idSeen  map[string]int
	lens    []uint32
	termIDs map[string]uint32
	terms   []string
	pdocs   [][]uint32
	ptfs    [][]uint32
	count   []uint32
	touched []uint32
	pending []Doc
	err     error
}

// NewBuilder returns an empty builder.
func NewBuilder(opt BuildOptions) (*Builder, error) {
	p, err := opt.Params.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Builder{opt: opt, params: p, idSeen: map[string]int{}, termIDs: map[string]uint32{}}, nil
}

const textBatch = 512

// Add adds a document. Documents with Text and no Tokens are tokenised in
// batches on all CPUs.
func (b *Builder) Add(d Doc) error {
	if b.err != nil {
		return b.err
	}
	if d.Tokens == nil && d.Text != "" {
		if b.opt.Analyzer == nil {
			b.err = fmt.Errorf("bm25: document %d (id %q) has text but the builder has no analyzer", len(b.ids)+len(b.pending), d.ID)
			return b.err
		}
		b.pending = append(b.pending, d)
		if len(b.pending) >= textBatch {
			return b.flush(context.Background())
		}
		return nil
	}
	if len(b.pending) > 0 {
		if err := b.flush(context.Background()); err != nil {
			return err
		}
	}
	return b.add(d.ID, d.Tokens)
}

func (b *Builder) flush(ctx context.Context) error {
	texts := make([]string, len(b.pending))
	for i, d := range b.pending {
		if !utf8.ValidString(d.Text) {
			b.err = fmt.Errorf("bm25: document %d (id %q): %w", len(b.ids)+i, d.ID, analysis.ErrInvalidUTF8)
			return b.err
		}
		texts[i] = d.Text
	}
	toks, err := b.opt.Analyzer.TokensBatch(ctx, texts)
	if err != nil {
		b.err = err
		return err
	}
	pend := b.pending
	b.pending = b.pending[:0]
	for i, d := range pend {
		if err := b.add(d.ID, toks[i]); err != nil {
			return err
		}
	}
	return nil
}

func (b *Builder) add(id string, toks []string) error {
	n := len(b.ids)
	if prev, dup := b.idSeen[id]; dup {
		b.err = fmt.Errorf("bm25: duplicate document id %q (documents %d and %d)", id, prev, n)
		return b.err
	}
	if n >= math.MaxUint32-1 {
		b.err = errors.New("bm25: too many documents")
		return b.err
	}
	b.idSeen[id] = n
	b.ids = append(b.ids, id)
	b.lens = append(b.lens, uint32(len(toks)))
	for _, t := range toks {
		tid, ok := b.termIDs[t]
		if !ok {
			tid = uint32(len(b.terms))
			b.termIDs[t] = tid
			b.terms = append(b.terms, t)
			b.pdocs = append(b.pdocs, nil)
			b.ptfs = append(b.ptfs, nil)
			b.count = append(b.count, 0)
		}
		if b.count[tid] == 0 {
			b.touched = append(b.touched, tid)
		}
		b.count[tid]++
	}
	for _, tid := range b.touched {
		b.pdocs[tid] = append(b.pdocs[tid], uint32(n))
		b.ptfs[tid] = append(b.ptfs[tid], b.count[tid])
		b.count[tid] = 0
	}
	b.touched = b.touched[:0]
	if p := b.opt.Progress; p != nil && len(b.ids)%10000 == 0 {
		p(len(b.ids))
	}
	return nil
}

// Finish returns the index. The builder must not be used afterwards.
func (b *Builder) Finish() (*Index, error) {
	if b.err != nil {
		return nil, b.err
	}
	if len(b.pending) > 0 {
		if err := b.flush(context.Background()); err != nil {
			return nil, err
		}
	}
	if p := b.opt.Progress; p != nil {
		p(len(b.ids))
	}
	order := make([]uint32, len(b.terms))
	for i := range order {
		order[i] = uint32(i)
	}
	sort.Slice(order, func(i, j int) bool { return b.terms[order[i]] < b.terms[order[j]] })
	ix := &Index{params: b.params, ids: b.ids, lens: b.lens}
	if b.opt.Analyzer != nil {
		o := b.opt.Analyzer.Options()
		ix.analysis = &o
	}
	ix.terms = make([]string, len(order))
	ix.offs = make([]uint64, len(order)+1)
	total := 0
	for _, t := range order {
		total += len(b.pdocs[t])
	}
	ix.docs = make([]uint32, 0, total)
	ix.tfs = make([]uint32, 0, total)
	for i, t := range order {
		ix.terms[i] = b.terms[t]
		ix.docs = append(ix.docs, b.pdocs[t]...)
		ix.tfs = append(ix.tfs, b.ptfs[t]...)
		ix.offs[i+1] = uint64(len(ix.docs))
		b.pdocs[t], b.ptfs[t] = nil, nil
	}
	ix.derive()
	*b = Builder{err: errors.New("bm25: builder already finished")}
	return ix, nil
}

// Build indexes a stream of documents. The stream's error, if any, stops
// the build and is returned.
func Build(ctx context.Context, docs iter.Seq2[Doc, error], opt BuildOptions) (*Index, error) {
	b, err := NewBuilder(opt)
	if err != nil {
		return nil, err
	}
	i := 0
	for d, err := range docs {
		if err != nil {
			return nil, err
		}
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		i++
		if err := b.Add(d); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

// derive computes avgdl, per-document norms, idf and per-term bounds.
func (ix *Index) derive() {
	p := ix.params
	n := len(ix.ids)
	ix.termIDs = make(map[string]uint32, len(ix.terms))
	for i, t := range ix.terms {
		ix.termIDs[t] = uint32(i)
	}
	ix.totalLen = 0
	for _, l := range ix.lens {
		ix.totalLen += uint64(l)
	}
	ix.avgdl = 0
	if n > 0 {
		ix.avgdl = float64(ix.totalLen) / float64(n)
	}
	ix.norm = make([]float64, n)
	for d, l := range ix.lens {
		if ix.avgdl > 0 {
			ix.norm[d] = p.K1 * float64(float64(1-p.B)+float64(float64(p.B*float64(l))/ix.avgdl))
		} else {
			ix.norm[d] = p.K1 * (1 - p.B)
		}
	}
	ix.idf = make([]float64, len(ix.terms))
	sum := 0.0
	for t := range ix.terms {
		df := float64(ix.offs[t+1] - ix.offs[t])
		switch p.Variant {
		case OkapiIdf:
			ix.idf[t] = math.Log(float64(n)-df+0.5) - math.Log(df+0.5)
		default:
			ix.idf[t] = math.Log(1 + (float64(n)-df+0.5)/(df+0.5))
		}
		sum += ix.idf[t]
	}
	if p.Variant == OkapiIdf && len(ix.terms) > 0 {
		eps := p.Epsilon * (sum / float64(len(ix.terms)))
		for t, v := range ix.idf {
			if v < 0 {
				ix.idf[t] = eps
			}
		}
	}
	ix.maxPart = make([]float64, len(ix.terms))
	k1p1 := p.K1 + 1
	for t := range ix.terms {
		m := 0.0
		for j := ix.offs[t]; j < ix.offs[t+1]; j++ {
			tf := float64(ix.tfs[j])
			if v := float64(tf*k1p1) / (tf + ix.norm[ix.docs[j]]); v > m {
				m = v
			}
		}
		ix.maxPart[t] = m
	}
}

// Params returns the scoring parameters.
func (ix *Index) Params() IndexParams { return ix.params }

// Analysis returns the analyzer options the index was built with, or nil
// for an index built from tokens.
func (ix *Index) Analysis() *analysis.Options {
	if ix.analysis == nil {
		return nil
	}
	o := *ix.analysis
	return &o
}

// Len returns the number of documents.
func (ix *Index) Len() int { return len(ix.ids) }

// Terms returns the vocabulary size.
func (ix *Index) Terms() int { return len(ix.terms) }

// Postings returns the number of (term, document) pairs.
func (ix *Index) Postings() int { return len(ix.docs) }

// ID returns the id of document d.
func (ix *Index) ID(d int) string { return ix.ids[d] }
