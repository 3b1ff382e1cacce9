package bm25

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"unicode/utf8"

	"github.com/jretrieve/jretrieve/analysis"
)

// qterm is a distinct query term present in the index.
type qterm struct {
	t      uint32
	w      float64 // qtf * idf
	ub     float64 // upper bound of its contribution (>= 0)
	slot   int     // position in the canonical (first occurrence) order
	cur    uint64  // cursor into the postings
	end    uint64
	curDoc uint32
}

// prepare maps the query to distinct known terms in first-occurrence
// order with their weights.
func (ix *Index) prepare(query []string) []qterm {
	var qs []qterm
	seen := map[uint32]int{}
	for _, s := range query {
		t, ok := ix.termIDs[s]
		if !ok {
			continue
		}
		if i, ok := seen[t]; ok {
			qs[i].w += 1 // qtf counted in w, multiplied by idf below
			continue
		}
		seen[t] = len(qs)
		qs = append(qs, qterm{t: t, w: 1, slot: len(qs)})
	}
	for i := range qs {
		q := &qs[i]
		q.w *= ix.idf[q.t]
		q.ub = math.Max(0, q.w*ix.maxPart[q.t])
		q.cur, q.end = ix.offs[q.t], ix.offs[q.t+1]
	}
	return qs
}

// contrib is the contribution of term q to the document at posting j.
func (ix *Index) contrib(w float64, j uint64) float64 {
	tf := float64(ix.tfs[j])
	return float64(w * float64(float64(tf*(ix.params.K1+1))/(tf+ix.norm[ix.docs[j]])))
}

// hitHeap is a min-heap on (score, -doc): the root is the worst hit.
type hitHeap []Hit

func (h hitHeap) Len() int { return len(h) }
func (h hitHeap) Less(i, j int) bool {
	if h[i].Score != h[j].Score {
		return h[i].Score < h[j].Score
	}
	return h[i].Doc > h[j].Doc
}
func (h hitHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *hitHeap) Push(x any)   { *h = append(*h, x.(Hit)) }
func (h *hitHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (ix *Index) finish(h hitHeap) []Hit {
	out := []Hit(h)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Doc < out[j].Doc
	})
	for i := range out {
		out[i].ID = ix.ids[out[i].Doc]
	}
	return out
}

// SearchExhaustive scores every document matching at least one query term
// and returns the k best (score descending, then document number
// ascending). It is the reference for Search.
func (ix *Index) SearchExhaustive(query []string, k int) []Hit {
	qs := ix.prepare(query)
	if k <= 0 || len(qs) == 0 {
		return nil
	}
	k = min(k, len(ix.ids)) // no more hits than documents
	acc := make([]float64, len(ix.ids))
	hit := make([]bool, len(ix.ids))
	for _, q := range qs { // canonical order
		for j := q.cur; j < q.end; j++ {
			d := ix.docs[j]
			acc[d] += ix.contrib(q.w, j)
			hit[d] = true
		}
	}
	h := make(hitHeap, 0, k+1)
	for d, s := range acc {
		if !hit[d] {
			continue
		}
		if len(h) < k {
			heap.Push(&h, Hit{Doc: d, Score: s})
		} else if s > h[0].Score {
			h[0] = Hit{Doc: d, Score: s}
			heap.Fix(&h, 0)
		}
	}
	return ix.finish(h)
}

// Search returns the k best documents for the query tokens (score
// descending, then document number ascending), identical to
// SearchExhaustive, using MaxScore dynamic pruning: terms are ordered by
// their score upper bound and those whose cumulative bound cannot reach
// the current k-th score are only probed, never traversed.
func (ix *Index) Search(query []string, k int) []Hit {
	qs := ix.prepare(query)
	if k <= 0 || len(qs) == 0 {
		return nil
	}
	k = min(k, len(ix.ids)) // no more hits than documents
	// ascending upper bound
	sort.SliceStable(qs, func(i, j int) bool { return qs[i].ub < qs[j].ub })
	m := len(qs)
	// prefix sums of bounds, inflated to absorb rounding differences
	// between the pruning sums and the canonical-order score
	pub := make([]float64, m)
	s := 0.0
	for i := range qs {
		s += qs[i].ub
		pub[i] = s * (1 + 1e-12)
		if qs[i].cur < qs[i].end {
			qs[i].curDoc = ix.docs[qs[i].cur]
		} else {
			qs[i].curDoc = math.MaxUint32
		}
	}
	contrib := make([]float64, m)
	has := make([]bool, m)
	h := make(hitHeap, 0, k+1)
	threshold := math.Inf(-1)
	firstEss := 0
	margin := func(th float64) float64 { return th - 1e-12*math.Abs(th) }
	for {
		// next candidate: smallest current document of the essential terms
		d := uint32(math.MaxUint32)
		for i := firstEss; i < m; i++ {
			if qs[i].curDoc < d {
				d = qs[i].curDoc
			}
		}
		if d == math.MaxUint32 {
			break
		}
		for i := range has {
			has[i] = false
		}
		approx := 0.0
		for i := firstEss; i < m; i++ {
			q := &qs[i]
			if q.curDoc != d {
				continue
			}
			c := ix.contrib(q.w, q.cur)
			contrib[q.slot], has[q.slot] = c, true
			approx += c
			q.cur++
			if q.cur < q.end {
				q.curDoc = ix.docs[q.cur]
			} else {
				q.curDoc = math.MaxUint32
			}
		}
		pruned := false
		lim := margin(threshold)
		for i := firstEss - 1; i >= 0; i-- {
			if approx+pub[i] < lim {
				pruned = true
				break
			}
			q := &qs[i]
			if q.curDoc < d {
				ix.seek(q, d)
			}
			if q.curDoc == d {
				c := ix.contrib(q.w, q.cur)
				contrib[q.slot], has[q.slot] = c, true
				approx += c
			}
		}
		if pruned {
			continue
		}
		score := 0.0
		for i := 0; i < m; i++ { // canonical order, as SearchExhaustive
			if has[i] {
				score += contrib[i]
			}
		}
		if len(h) < k {
			heap.Push(&h, Hit{Doc: int(d), Score: score})
		} else if score > h[0].Score {
			h[0] = Hit{Doc: int(d), Score: score}
			heap.Fix(&h, 0)
		} else {
			continue
		}
		if len(h) == k {
			threshold = h[0].Score
			lim := margin(threshold)
			for firstEss < m && pub[firstEss] < lim {
				firstEss++
			}
		}
	}
	return ix.finish(h)
}

// seek advances q to its first posting with document >= d (galloping).
func (ix *Index) seek(q *qterm, d uint32) {
	lo := q.cur
	step := uint64(1)
	hi := lo + step
	for hi < q.end && ix.docs[hi] < d {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	if hi > q.end {
		hi = q.end
	}
	// first index in (lo, hi] with docs >= d; docs[lo] < d
	for lo+1 < hi {
		mid := lo + (hi-lo)/2
		if ix.docs[mid] < d {
			lo = mid
		} else {
			hi = mid
		}
	}
	q.cur = hi
	if hi < q.end {
		q.curDoc = ix.docs[hi]
	} else {
		q.curDoc = math.MaxUint32
	}
}

var errNoAnalyzer = errors.New("bm25: index was built from tokens: no analyzer options for SearchText")

// SearchText tokenises text with the analyzer options stored in the index
// and searches. It fails for an index built from tokens.
func (ix *Index) SearchText(ctx context.Context, text string, k int) ([]Hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ix.analysis == nil {
		return nil, errNoAnalyzer
	}
	ix.anaOnce.Do(func() { ix.ana, ix.anaErr = analysis.New(*ix.analysis) })
	if ix.anaErr != nil {
		return nil, ix.anaErr
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("bm25: query: %w", analysis.ErrInvalidUTF8)
	}
	return ix.Search(ix.ana.Tokens(text), k), nil
}

// Matches returns the number of documents containing at least one of the
// query terms.
func (ix *Index) Matches(query []string) int {
	qs := ix.prepare(query)
	seen := make([]bool, len(ix.ids))
	n := 0
	for _, q := range qs {
		for j := q.cur; j < q.end; j++ {
			if d := ix.docs[j]; !seen[d] {
				seen[d] = true
				n++
			}
		}
	}
	return n
}
