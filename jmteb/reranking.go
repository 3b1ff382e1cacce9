package jmteb

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/jretrieve/jretrieve/vecsim"
)

// RerankingSplit is one query split of a reranking task: query
// embeddings and, per query, its candidate documents (corpus rows) and
// their graded relevance.
type RerankingSplit struct {
	Queries    vecsim.Matrix
	Candidates [][]int
	Relevance  [][]float64
}

// Reranking is JMTEB's RerankingEvaluator: each query's candidates are
// ordered by each similarity function (cosine, dot product, JMTEB's
// euclidean score 100/(distance+1e-4)); the function with the best
// validation nDCG@ndcgAtK[0] (the first on ties) is applied to the test
// queries. nDCG uses the graded relevance as gain and the ideal DCG of the
// query's top-k relevances. ndcgAtK defaults to JMTEB's [10, 20, 40].
// A query whose candidates are all irrelevant is an error (JMTEB divides
// by zero).
func Reranking(corpus vecsim.Matrix, val, test RerankingSplit, ndcgAtK []int) (*Result, error) {
	if len(ndcgAtK) == 0 {
		ndcgAtK = []int{10, 20, 40}
	}
	if err := checkMatrix("corpus", corpus, -1); err != nil {
		return nil, err
	}
	for _, s := range []struct {
		name string
		sp   RerankingSplit
	}{{"validation queries", val}, {"test queries", test}} {
		n := len(s.sp.Candidates)
		if err := checkMatrix(s.name, s.sp.Queries, n); err != nil {
			return nil, err
		}
		if err := checkSameDim(corpus, s.sp.Queries); err != nil {
			return nil, err
		}
		if n == 0 || len(s.sp.Relevance) != n {
			return nil, fmt.Errorf("%w: %s: %d queries, %d candidate lists, %d relevance lists", ErrShape, s.name, s.sp.Queries.Rows, n, len(s.sp.Relevance))
		}
		for i, c := range s.sp.Candidates {
			if len(c) != len(s.sp.Relevance[i]) {
				return nil, fmt.Errorf("%w: %s: query %d has %d candidates and %d relevance scores", ErrShape, s.name, i, len(c), len(s.sp.Relevance[i]))
			}
			pos := false
			for j, d := range c {
				if d < 0 || d >= corpus.Rows {
					return nil, fmt.Errorf("jmteb: reranking: %s: query %d: candidate row %d outside the corpus", s.name, i, d)
				}
				pos = pos || s.sp.Relevance[i][j] > 0
			}
			if !pos {
				return nil, fmt.Errorf("jmteb: reranking: %s: query %d has no relevant candidate (nDCG undefined)", s.name, i)
			}
		}
	}
	metric := "ndcg@" + strconv.Itoa(ndcgAtK[0])
	r := &Result{Metric: metric, OptimalKey: "optimal_distance_metric", Val: map[string]Scores{}, Order: retrievalFunctions}
	for _, k := range ndcgAtK {
		r.MetricOrder = append(r.MetricOrder, "ndcg@"+strconv.Itoa(k))
	}
	score := func(sp RerankingSplit, fn string) Scores {
		order := make([][]int, len(sp.Candidates))
		for i, c := range sp.Candidates {
			q := sp.Queries.Row(i)
			sc := make([]float64, len(c))
			for j, d := range c {
				sc[j] = rerankScore(q, corpus.Row(d), fn)
			}
			o := make([]int, len(c))
			for j := range o {
				o[j] = j
			}
			sort.SliceStable(o, func(a, b int) bool { return sc[o[a]] > sc[o[b]] })
			order[i] = o
		}
		s := Scores{}
		for _, k := range ndcgAtK {
			s["ndcg@"+strconv.Itoa(k)] = gradedNDCGAt(sp.Relevance, order, k)
		}
		return s
	}
	for _, fn := range retrievalFunctions {
		r.Val[fn] = score(val, fn)
	}
	r.Optimal = best(retrievalFunctions, r.Val, metric)
	t := score(test, r.Optimal)
	r.Test = map[string]Scores{r.Optimal: t}
	r.Value = t[metric]
	return r, nil
}

// rerankScore computes a similarity in float32 steps like JMTEB's torch
// code (rounded to float32).
func rerankScore(q, d []float32, fn string) float64 {
	var s float64
	switch fn {
	case "cosine_similarity":
		nq, nd := normalized32(q), normalized32(d)
		for j := range nq {
			s += float64(nq[j]) * float64(nd[j])
		}
	case "dot_score":
		for j := range q {
			s += float64(q[j]) * float64(d[j])
		}
	case "euclidean_distance":
		for j := range q {
			x := float64(q[j]) - float64(d[j])
			s += x * x
		}
		return float64(float32(100 / (float64(float32(math.Sqrt(s))) + 1e-4)))
	}
	return float64(float32(s))
}

// gradedNDCGAt: order[i] lists candidate positions best first.
func gradedNDCGAt(rel [][]float64, order [][]int, k int) float64 {
	var total float64
	for i := range rel {
		var dcg, idcg float64
		for r, j := range order[i][:min(k, len(order[i]))] {
			dcg += rel[i][j] / math.Log2(float64(r+2))
		}
		sorted := append([]float64(nil), rel[i]...)
		sort.Sort(sort.Reverse(sort.Float64Slice(sorted)))
		for r, g := range sorted[:min(k, len(sorted))] {
			idcg += g / math.Log2(float64(r+2))
		}
		total += dcg / idcg
	}
	return total / float64(len(rel))
}
