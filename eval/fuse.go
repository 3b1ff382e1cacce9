package eval

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Fusion methods.
const (
	FuseRRF     = "rrf"     // reciprocal rank fusion: sum of 1/(k + rank)
	FuseCombSUM = "combsum" // sum of normalized scores
	FuseCombMNZ = "combmnz" // CombSUM times the number of runs that retrieved the doc
)

// Score normalizations for CombSUM / CombMNZ.
const (
	NormMinMax = "minmax" // (s - min) / (max - min), per query
	NormZScore = "zscore" // (s - mean) / std (population), per query
	NormNone   = "none"
)

// FuseOptions configures Fuse.
type FuseOptions struct {
	Name    string    // name of the fused run (default "fused")
	K       float64   // RRF constant (default 60)
	Norm    string    // normalization for CombSUM/CombMNZ (default minmax)
	Weights []float64 // optional per-run weights (default 1 each)
	Ties    TiePolicy // rank order used by RRF (default TiesRanx)
}

// Fuse combines runs into one. Every query of any run is kept; a document
// missing from a run contributes nothing from it. The fused run lists each
// query's documents by fused score descending (ties: first appearance).
func Fuse(method string, runs []*Run, opt FuseOptions) (*Run, error) {
	method = strings.ToLower(method)
	switch method {
	case FuseRRF:
	case FuseCombSUM, "sum":
		method = FuseCombSUM
	case FuseCombMNZ, "mnz":
		method = FuseCombMNZ
	default:
		return nil, fmt.Errorf("unknown fusion method %q (want rrf, combsum or combmnz)", method)
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("fuse: no runs")
	}
	if opt.Name == "" {
		opt.Name = "fused"
	}
	if opt.K == 0 {
		opt.K = 60
	}
	if opt.K < 0 || math.IsNaN(opt.K) || math.IsInf(opt.K, 0) {
		return nil, fmt.Errorf("fuse: RRF k must be positive and finite, got %v", opt.K)
	}
	switch opt.Norm {
	case "", "min-max", NormMinMax:
		opt.Norm = NormMinMax
	case "z-score", "zmuv", NormZScore:
		opt.Norm = NormZScore
	case NormNone:
	default:
		return nil, fmt.Errorf("fuse: unknown normalization %q (want minmax, zscore or none)", opt.Norm)
	}
	if opt.Weights != nil && len(opt.Weights) != len(runs) {
		return nil, fmt.Errorf("fuse: %d weights for %d runs", len(opt.Weights), len(runs))
	}
	for i, w := range opt.Weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("fuse: weight %d (run %q) is %v", i+1, runs[i].name, w)
		}
	}
	weight := func(i int) float64 {
		if opt.Weights == nil {
			return 1
		}
		return opt.Weights[i]
	}
	// union of queries in code point order
	qset := map[string]bool{}
	for _, r := range runs {
		for _, q := range r.qs {
			qset[q.id] = true
		}
	}
	queries := make([]string, 0, len(qset))
	for q := range qset {
		queries = append(queries, q)
	}
	slices.Sort(queries)

	out := NewRun(opt.Name)
	var order []int32
	var neg []float64
	for _, qid := range queries {
		acc := map[string]float64{}
		cnt := map[string]int{}
		var first []string
		for ri, r := range runs {
			q := r.query(qid)
			if q == nil {
				continue
			}
			order, neg = rankOrder(q.docs, q.scores, opt.Ties, order, neg)
			var norm []float64
			if method != FuseRRF {
				norm = normalize(q.scores, opt.Norm)
			}
			for rank, p := range order {
				d := q.docs[p]
				if _, ok := acc[d]; !ok {
					first = append(first, d)
				}
				var s float64
				if method == FuseRRF {
					s = 1 / (opt.K + float64(rank+1))
				} else {
					s = norm[p]
				}
				acc[d] += weight(ri) * s
				cnt[d]++
			}
		}
		if method == FuseCombMNZ {
			for d := range acc {
				acc[d] *= float64(cnt[d])
			}
		}
		slices.SortStableFunc(first, func(a, b string) int {
			switch {
			case acc[a] > acc[b]:
				return -1
			case acc[a] < acc[b]:
				return 1
			}
			return 0
		})
		rq := out.getOrAdd(qid)
		for _, d := range first {
			rq.appendDoc(d, acc[d])
		}
	}
	return out, nil
}

// normalize returns the per-query normalized scores (ranx's min_max_norm
// and zmuv_norm, with a 1e-9 floor on the denominator).
func normalize(s []float64, how string) []float64 {
	out := make([]float64, len(s))
	if len(s) == 0 {
		return out
	}
	switch how {
	case NormMinMax:
		lo, hi := slices.Min(s), slices.Max(s)
		den := math.Max(hi-lo, 1e-9)
		for i, x := range s {
			out[i] = (x - lo) / den
		}
	case NormZScore:
		m := mean(s)
		v := 0.0
		for _, x := range s {
			v += (x - m) * (x - m)
		}
		sd := math.Max(math.Sqrt(v/float64(len(s))), 1e-9)
		for i, x := range s {
			out[i] = (x - m) / sd
		}
	default:
		copy(out, s)
	}
	return out
}
