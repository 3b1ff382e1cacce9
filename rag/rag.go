package rag

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/jretrieve/jretrieve/bm25"
	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/rerank"
	"github.com/jretrieve/jretrieve/vecsim"
)

// Document is one passage of a corpus: a unique id, the text the models
// read, and free-form metadata (a source file, a title, a URL) carried
// along unchanged.
type Document struct {
	ID   string            `json:"id"`
	Text string            `json:"text"`
	Meta map[string]string `json:"meta,omitempty"`
}

// Hit is one retrieved document with the score of the stage that
// returned it (higher is better). Index is its position in the Corpus.
type Hit struct {
	Document
	Index int
	Score float64
}

// Corpus gives retrievers the documents their indexes refer to: document
// i of a bm25.Index or vecsim.Flat built over the corpus is Doc(i).
// *Store and Docs implement it.
type Corpus interface {
	Len() int
	Doc(i int) Document
}

// Docs is an in-memory Corpus.
type Docs []Document

// Len implements Corpus.
func (d Docs) Len() int { return len(d) }

// Doc implements Corpus.
func (d Docs) Doc(i int) Document { return d[i] }

// Retriever returns the k best documents for a query, best first.
// Implementations are safe for concurrent use and stop early when ctx is
// cancelled.
type Retriever interface {
	Retrieve(ctx context.Context, query string, k int) ([]Hit, error)
}

// checkAligned verifies that an index with n documents whose ids are given
// by id lists the corpus documents in the same order.
func checkAligned(what string, n int, id func(int) string, c Corpus) error {
	if c == nil {
		return fmt.Errorf("rag: %s: nil corpus", what)
	}
	if n != c.Len() {
		return fmt.Errorf("rag: %s has %d documents, the corpus %d", what, n, c.Len())
	}
	for i := range n {
		if got, want := id(i), c.Doc(i).ID; got != want {
			return fmt.Errorf("rag: %s document %d has id %q, the corpus %q", what, i, got, want)
		}
	}
	return nil
}

// BM25 retrieves with a BM25 inverted index, tokenising queries with the
// analysis options stored in the index.
type BM25 struct {
	ix     *bm25.Index
	corpus Corpus
}

// NewBM25 returns a lexical retriever over ix, whose documents must be
// those of c in the same order. ix must have been built from text (with an
// analyzer), not from tokens.
func NewBM25(ix *bm25.Index, c Corpus) (*BM25, error) {
	if ix == nil {
		return nil, errors.New("rag: nil BM25 index")
	}
	if ix.Analysis() == nil {
		return nil, errors.New("rag: the BM25 index was built from tokens; queries cannot be analysed")
	}
	if err := checkAligned("BM25 index", ix.Len(), ix.ID, c); err != nil {
		return nil, err
	}
	return &BM25{ix: ix, corpus: c}, nil
}

// Retrieve implements Retriever.
func (r *BM25) Retrieve(ctx context.Context, query string, k int) ([]Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	hs, err := r.ix.SearchText(ctx, query, k)
	if err != nil {
		return nil, fmt.Errorf("rag: bm25: %w", err)
	}
	out := make([]Hit, len(hs))
	for i, h := range hs {
		out[i] = Hit{Document: r.corpus.Doc(h.Doc), Index: h.Doc, Score: h.Score}
	}
	return out, nil
}

// Dense retrieves by inner product between the embedded query and the
// document vectors of an exact flat index (cosine similarity when the
// vectors are normalized, as embed.Model's are by default).
type Dense struct {
	emb    embed.Embedder
	flat   *vecsim.Flat
	corpus Corpus
	// Threads is the number of goroutines one search uses (default 1, so
	// that concurrent queries do not oversubscribe the CPU).
	Threads int
}

// NewDense returns a dense retriever: queries are embedded with e
// (EmbedQueries, which applies the model's query prefix) and searched in f,
// whose vectors must be those of c's documents in the same order.
// f must not be modified while the retriever is in use.
func NewDense(e embed.Embedder, f *vecsim.Flat, c Corpus) (*Dense, error) {
	if e == nil || f == nil {
		return nil, errors.New("rag: dense retriever needs an embedder and an index")
	}
	if e.Dim() != f.Dim() {
		return nil, fmt.Errorf("rag: embedder dimension %d, index dimension %d", e.Dim(), f.Dim())
	}
	if err := checkAligned("vector index", f.Len(), f.ID, c); err != nil {
		return nil, err
	}
	return &Dense{emb: e, flat: f, corpus: c, Threads: 1}, nil
}

// Retrieve implements Retriever.
func (r *Dense) Retrieve(ctx context.Context, query string, k int) ([]Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	q, err := r.emb.EmbedQueries(ctx, []string{query})
	if err != nil {
		return nil, fmt.Errorf("rag: embed query: %w", err)
	}
	if len(q) != r.flat.Dim() {
		return nil, fmt.Errorf("rag: embedder returned %d values for one query, want %d", len(q), r.flat.Dim())
	}
	res, err := r.flat.SearchBatchContext(ctx, vecsim.Matrix{Rows: 1, Dim: len(q), Data: q}, k, max(r.Threads, 1))
	if err != nil {
		return nil, fmt.Errorf("rag: dense search: %w", err)
	}
	out := make([]Hit, len(res[0]))
	for i, h := range res[0] {
		out[i] = Hit{Document: r.corpus.Doc(h.Index), Index: h.Index, Score: float64(h.Score)}
	}
	return out, nil
}

// Fusion methods (see eval.Fuse).
const (
	RRF     = eval.FuseRRF
	CombSUM = eval.FuseCombSUM
	CombMNZ = eval.FuseCombMNZ
)

// Fusion merges the results of several retrievers with eval.Fuse
// (reciprocal rank fusion, CombSUM or CombMNZ), the same code that fuses
// runs in `jretrieve eval`. Documents are matched by id.
type Fusion struct {
	Method     string
	Retrievers []Retriever
	// Depth is how many documents each retriever contributes (at least k;
	// default max(k, 100)).
	Depth int
	// Options are passed to eval.Fuse (RRF constant, normalization,
	// weights).
	Options eval.FuseOptions
	// Concurrent runs the input retrievers in parallel goroutines. Off by
	// default: for in-process stages the hand-off between threads costs
	// more than it saves (on a busy machine, milliseconds per query), and
	// concurrent queries already use the CPUs.
	Concurrent bool
}

// Fuse returns a hybrid retriever fusing rs with method (RRF, CombSUM or
// CombMNZ).
func Fuse(method string, rs ...Retriever) *Fusion {
	return &Fusion{Method: method, Retrievers: rs}
}

// Retrieve implements Retriever: each input retrieves Depth documents (in
// turn, or in parallel with Concurrent), eval.Fuse merges them, and the
// best k are returned with their fused score.
func (f *Fusion) Retrieve(ctx context.Context, query string, k int) ([]Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	if len(f.Retrievers) == 0 {
		return nil, errors.New("rag: fusion of no retrievers")
	}
	depth := max(f.Depth, k)
	if f.Depth <= 0 {
		depth = max(k, 100)
	}
	results := make([][]Hit, len(f.Retrievers))
	errs := make([]error, len(f.Retrievers))
	if f.Concurrent {
		var wg sync.WaitGroup
		for i, r := range f.Retrievers {
			wg.Go(func() { results[i], errs[i] = r.Retrieve(ctx, query, depth) })
		}
		wg.Wait()
	} else {
		for i, r := range f.Retrievers {
			if results[i], errs[i] = r.Retrieve(ctx, query, depth); errs[i] != nil {
				break
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	const qid = "q"
	runs := make([]*eval.Run, len(results))
	total := 0
	for _, hs := range results {
		total += len(hs)
	}
	byID := make(map[string]Hit, total)
	for i, hs := range results {
		runs[i] = eval.NewRun(fmt.Sprint(i))
		runs[i].AddQuery(qid)
		for _, h := range hs {
			runs[i].Add(qid, h.ID, h.Score)
			if _, ok := byID[h.ID]; !ok {
				byID[h.ID] = h
			}
		}
	}
	fused, err := eval.Fuse(f.Method, runs, f.Options)
	if err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	ids, scores := fused.Docs(qid)
	n := min(k, len(ids))
	out := make([]Hit, n)
	for i := range n {
		h := byID[ids[i]]
		h.Score = scores[i]
		out[i] = h
	}
	return out, nil
}

// Reranking reranks the first Depth documents of a first-stage retriever
// with a rerank.Reranker (a cross-encoder, BM25 over the candidates, a
// bi-encoder...).
type Reranking struct {
	First    Retriever
	Reranker rerank.Reranker
	// Depth is the number of first-stage candidates scored by the
	// reranker (default and minimum: k).
	Depth int
}

// Rerank returns a retriever that takes the top depth documents of first
// and orders them by r's scores.
func Rerank(first Retriever, r rerank.Reranker, depth int) *Reranking {
	return &Reranking{First: first, Reranker: r, Depth: depth}
}

// Retrieve implements Retriever: the best k of the max(Depth, k)
// first-stage candidates by reranker score.
func (p *Reranking) Retrieve(ctx context.Context, query string, k int) ([]Hit, error) {
	if k <= 0 {
		return nil, nil
	}
	hs, err := p.First.Retrieve(ctx, query, max(p.Depth, k))
	if err != nil {
		return nil, err
	}
	hs, err = RerankHits(ctx, p.Reranker, query, hs)
	if err != nil {
		return nil, err
	}
	return hs[:min(k, len(hs))], nil
}

// RerankHits scores hits' texts for query with r and returns them sorted by
// that score, best first (ties keep their input order). The input slice is
// not modified.
func RerankHits(ctx context.Context, r rerank.Reranker, query string, hits []Hit) ([]Hit, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	texts := make([]string, len(hits))
	for i, h := range hits {
		texts[i] = h.Text
	}
	scores, err := r.Score(ctx, query, texts)
	if err != nil {
		return nil, fmt.Errorf("rag: rerank: %w", err)
	}
	if len(scores) != len(hits) {
		return nil, fmt.Errorf("rag: reranker returned %d scores for %d documents", len(scores), len(hits))
	}
	out := slices.Clone(hits)
	for i := range out {
		out[i].Score = scores[i]
	}
	slices.SortStableFunc(out, func(a, b Hit) int { return cmp.Compare(b.Score, a.Score) })
	return out, nil
}
