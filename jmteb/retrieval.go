package jmteb

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/jretrieve/jretrieve/vecsim"
)

// retrievalFunctions are JMTEB's retrieval/reranking similarity functions
// in its order.
var retrievalFunctions = []string{"cosine_similarity", "dot_score", "euclidean_distance"}

// RetrievalSplit is one query split of a retrieval task: query
// embeddings and, per query, the ids of its relevant documents.
type RetrievalSplit struct {
	Queries  vecsim.Matrix
	Relevant [][]string
}

// RetrievalOptions are RetrievalEvaluator's arguments.
type RetrievalOptions struct {
	// DocChunkSize is JMTEB's doc_chunk_size (default 1,000,000): the
	// corpus is scored in chunks of this many documents, keeping only each
	// chunk's top hits, so memory never grows with queries x documents.
	DocChunkSize int
	// AccuracyAtK and NDCGAtK default to JMTEB's [1, 3, 5, 10] and [10];
	// the main metric is ndcg@NDCGAtK[0].
	AccuracyAtK, NDCGAtK []int
	Threads              int // search goroutines (0: GOMAXPROCS)
}

func (o *RetrievalOptions) defaults() {
	if o.DocChunkSize <= 0 {
		o.DocChunkSize = 1000000
	}
	if len(o.AccuracyAtK) == 0 {
		o.AccuracyAtK = []int{1, 3, 5, 10}
	}
	if len(o.NDCGAtK) == 0 {
		o.NDCGAtK = []int{10}
	}
}

// Retrieval is JMTEB's RetrievalEvaluator: every query searches the whole
// corpus exhaustively with each similarity function (cosine, dot product,
// and JMTEB's euclidean score 100/(distance+1e-4), which ranks by
// ascending distance) through vecsim's exact flat index, chunk by chunk;
// the function with the best validation nDCG (the first on ties) is
// applied to the test queries. Recorded: accuracy@k, ndcg@k and
// mrr@max(k). docIDs[i] is the id of corpus row i.
//
// Two details of JMTEB's code are reproduced: a query without relevant
// documents counts as 0 in the averages, and the final list holds
// min(max k, number of queries) documents (JMTEB takes the length from
// the wrong axis), which matters only for splits of fewer than 10 queries.
func Retrieval(ctx context.Context, corpus vecsim.Matrix, docIDs []string, val, test RetrievalSplit, opt RetrievalOptions) (*Result, error) {
	opt.defaults()
	if err := checkMatrix("corpus", corpus, len(docIDs)); err != nil {
		return nil, err
	}
	for _, s := range []struct {
		name string
		sp   RetrievalSplit
	}{{"validation queries", val}, {"test queries", test}} {
		if err := checkMatrix(s.name, s.sp.Queries, len(s.sp.Relevant)); err != nil {
			return nil, err
		}
		if err := checkSameDim(corpus, s.sp.Queries); err != nil {
			return nil, err
		}
		if s.sp.Queries.Rows == 0 {
			return nil, fmt.Errorf("jmteb: retrieval: no %s", s.name)
		}
	}
	if corpus.Rows == 0 {
		return nil, fmt.Errorf("jmteb: retrieval: empty corpus")
	}
	maxK := 0
	for _, k := range append(append([]int(nil), opt.AccuracyAtK...), opt.NDCGAtK...) {
		if k <= 0 {
			return nil, fmt.Errorf("jmteb: retrieval: cutoff %d", k)
		}
		maxK = max(maxK, k)
	}
	metric := "ndcg@" + strconv.Itoa(opt.NDCGAtK[0])
	r := &Result{Metric: metric, OptimalKey: "optimal_distance_metric", Val: map[string]Scores{}, Order: retrievalFunctions}
	for _, k := range opt.AccuracyAtK {
		r.MetricOrder = append(r.MetricOrder, "accuracy@"+strconv.Itoa(k))
	}
	for _, k := range opt.NDCGAtK {
		r.MetricOrder = append(r.MetricOrder, "ndcg@"+strconv.Itoa(k))
	}
	r.MetricOrder = append(r.MetricOrder, "mrr@"+strconv.Itoa(maxK))
	score := func(sp RetrievalSplit, fn string) (Scores, error) {
		hits, err := searchChunked(ctx, corpus, sp.Queries, fn, maxK, opt.DocChunkSize, opt.Threads)
		if err != nil {
			return nil, err
		}
		keep := min(maxK, sp.Queries.Rows)
		ranked := make([][]string, len(hits))
		for i, h := range hits {
			h = h[:min(len(h), keep)]
			ranked[i] = make([]string, len(h))
			for j, x := range h {
				ranked[i][j] = docIDs[x]
			}
		}
		s := Scores{}
		for _, k := range opt.AccuracyAtK {
			s["accuracy@"+strconv.Itoa(k)] = accuracyAt(sp.Relevant, ranked, k)
		}
		for _, k := range opt.NDCGAtK {
			s["ndcg@"+strconv.Itoa(k)] = binaryNDCGAt(sp.Relevant, ranked, k)
		}
		s["mrr@"+strconv.Itoa(maxK)] = mrrAt(sp.Relevant, ranked, maxK)
		return s, nil
	}
	for _, fn := range retrievalFunctions {
		s, err := score(val, fn)
		if err != nil {
			return nil, err
		}
		r.Val[fn] = s
	}
	r.Optimal = best(retrievalFunctions, r.Val, metric)
	t, err := score(test, r.Optimal)
	if err != nil {
		return nil, err
	}
	r.Test = map[string]Scores{r.Optimal: t}
	r.Value = t[metric]
	return r, nil
}

// maxScanChunk bounds the documents packed into one vecsim.Flat at a time.
const maxScanChunk = 1 << 16

// searchChunked returns, per query, the corpus rows of the k best
// documents under fn, best first (ties: lower row first), scanning the
// corpus in chunks through vecsim.Flat.
func searchChunked(ctx context.Context, corpus, queries vecsim.Matrix, fn string, k, chunk, threads int) ([][]int, error) {
	// The merged lists do not depend on the chunk size (ties are broken
	// by row in every chunk and in the merge), so large JMTEB chunks are
	// scanned in pieces of at most maxScanChunk documents: the index
	// copy stays small next to the corpus.
	chunk = min(chunk, maxScanChunk)
	q, dim := transformQueries(queries, fn), queries.Dim
	if fn == "euclidean_distance" {
		dim++
	}
	type hit struct {
		row   int
		score float32
	}
	all := make([][]hit, queries.Rows)
	for off := 0; off < corpus.Rows; off += chunk {
		end := min(off+chunk, corpus.Rows)
		idx := vecsim.NewFlat(dim)
		m := vecsim.NewMatrix(end-off, dim)
		for i := off; i < end; i++ {
			transformDoc(corpus.Row(i), fn, m.Row(i-off))
		}
		ids := make([]string, end-off)
		if err := idx.AddBatch(ids, m); err != nil {
			return nil, err
		}
		res, err := idx.SearchBatchContext(ctx, q, k, threads)
		if err != nil {
			return nil, err
		}
		for i, rs := range res {
			for _, x := range rs {
				all[i] = append(all[i], hit{x.Index + off, x.Score})
			}
		}
	}
	out := make([][]int, len(all))
	for i, hs := range all {
		// merge the chunks' lists: score descending, row ascending
		sortHits := hs
		sort.Slice(sortHits, func(a, b int) bool {
			x, y := sortHits[a], sortHits[b]
			return x.score > y.score || (x.score == y.score && x.row < y.row)
		})
		n := min(k, len(sortHits))
		out[i] = make([]int, n)
		for j := 0; j < n; j++ {
			out[i][j] = sortHits[j].row
		}
	}
	return out, nil
}

// transformQueries maps queries so that an inner product ranks as fn:
// cosine normalises; euclidean appends -1 to 2q so that q'.d' =
// 2q.d - |d|^2, which orders documents by ascending |q - d|.
func transformQueries(q vecsim.Matrix, fn string) vecsim.Matrix {
	switch fn {
	case "cosine_similarity":
		m := vecsim.NewMatrix(q.Rows, q.Dim)
		for i := 0; i < q.Rows; i++ {
			copy(m.Row(i), normalized32(q.Row(i)))
		}
		return m
	case "euclidean_distance":
		m := vecsim.NewMatrix(q.Rows, q.Dim+1)
		for i := 0; i < q.Rows; i++ {
			r := m.Row(i)
			for j, x := range q.Row(i) {
				r[j] = 2 * x
			}
			r[q.Dim] = -1
		}
		return m
	}
	return q
}

func transformDoc(d []float32, fn string, out []float32) {
	switch fn {
	case "cosine_similarity":
		copy(out, normalized32(d))
	case "euclidean_distance":
		copy(out, d)
		var ss float64
		for _, x := range d {
			ss += float64(x) * float64(x)
		}
		out[len(d)] = float32(ss)
	default:
		copy(out, d)
	}
}

func contains(l []string, x string) bool {
	for _, y := range l {
		if y == x {
			return true
		}
	}
	return false
}

func accuracyAt(rel, ranked [][]string, k int) float64 {
	acc := 0
	for i := range rel {
		for _, d := range ranked[i][:min(k, len(ranked[i]))] {
			if contains(rel[i], d) {
				acc++
				break
			}
		}
	}
	return float64(acc) / float64(len(rel))
}

func mrrAt(rel, ranked [][]string, k int) float64 {
	var s float64
	for i := range rel {
		for r, d := range ranked[i][:min(k, len(ranked[i]))] {
			if contains(rel[i], d) {
				s += 1 / float64(r+1)
				break
			}
		}
	}
	return s / float64(len(rel))
}

// binaryNDCGAt is JMTEB's retrieval nDCG: gain 1 per relevant document in
// the top k, ideal DCG over all relevant documents (not capped at k).
func binaryNDCGAt(rel, ranked [][]string, k int) float64 {
	var total float64
	for i := range rel {
		if len(rel[i]) == 0 {
			continue
		}
		var dcg, idcg float64
		for r, d := range ranked[i][:min(k, len(ranked[i]))] {
			if contains(rel[i], d) {
				dcg += 1 / math.Log2(float64(r+2))
			}
		}
		for r := 1; r <= len(rel[i]); r++ {
			idcg += 1 / math.Log2(float64(r+1))
		}
		total += dcg / idcg
	}
	return total / float64(len(rel))
}
