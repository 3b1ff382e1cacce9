package eval

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Fusion methods. Names follow ranx's fuse(method=...) (the long forms
// combsum/combmnz are jretrieve's historical names for ranx's sum/mnz).
const (
	FuseRRF     = "rrf"         // reciprocal rank fusion: sum of 1/(k + rank)
	FuseCombSUM = "combsum"     // ranx "sum": sum of normalized scores
	FuseCombMNZ = "combmnz"     // ranx "mnz": CombSUM times the number of runs that retrieved the doc
	FuseCombANZ = "anz"         // CombSUM divided by the number of runs that retrieved the doc
	FuseGMNZ    = "gmnz"        // CombSUM times (number of runs that retrieved the doc)^Gamma
	FuseCombMAX = "max"         // largest normalized score (-1e9 for a run missing the doc, as ranx)
	FuseCombMIN = "min"         // smallest normalized score (1e9 for a run missing the doc, as ranx)
	FuseCombMED = "med"         // median of the normalized scores of the runs that retrieved the doc
	FuseWSum    = "wsum"        // weighted sum of normalized scores
	FuseWMNZ    = "wmnz"        // sum of scores times the sum of the weights of the runs that retrieved the doc
	FuseMixed   = "mixed"       // weighted sum times sqrt(number of runs that retrieved the doc)
	FuseISR     = "isr"         // inverse square rank: CombMNZ of 1/rank²
	FuseLogISR  = "log_isr"     // sum of 1/rank² times log(number of runs that retrieved the doc)
	FuseLogNISR = "logn_isr"    // sum of 1/rank² times log(number of runs + Sigma)
	FuseRBC     = "rbc"         // rank-biased centroid: sum of (1-Phi)·Phi^(rank-1)
	FuseBorda   = "bordafuse"   // Borda count over the union of the runs' documents
	FuseWBorda  = "w_bordafuse" // weighted Borda count
)

// FuseMethods lists the fusion methods Fuse accepts (canonical names).
func FuseMethods() []string {
	return []string{FuseRRF, FuseCombSUM, FuseCombMNZ, FuseCombANZ, FuseGMNZ, FuseCombMAX, FuseCombMIN, FuseCombMED,
		FuseWSum, FuseWMNZ, FuseMixed, FuseISR, FuseLogISR, FuseLogNISR, FuseRBC, FuseBorda, FuseWBorda}
}

// Score normalizations applied to every run before fusing (ranx's norm=...).
const (
	NormMinMax         = "minmax"          // (s - min) / (max - min), per query
	NormMinMaxInverted = "minmax-inverted" // (max - s) / (max - min), per query, then re-ranked
	NormMax            = "max"             // s / max
	NormSum            = "sum"             // (s - min) / (sum - min·n)
	NormZScore         = "zscore"          // (s - mean) / std (population), per query (ranx "zmuv")
	NormRank           = "rank"            // 1 - rank0/n
	NormBorda          = "borda"           // Borda points over the union of the runs' documents
	NormNone           = "none"
)

// FuseNorms lists the normalizations Fuse accepts (canonical names).
func FuseNorms() []string {
	return []string{NormMinMax, NormMinMaxInverted, NormMax, NormSum, NormZScore, NormRank, NormBorda, NormNone}
}

// FuseOptions configures Fuse.
type FuseOptions struct {
	Name    string    // name of the fused run (default "fused")
	K       float64   // RRF constant (default 60)
	Norm    string    // normalization applied to every run first (default minmax, as ranx)
	Weights []float64 // per-run weights (default 1 each): rrf, combsum, combmnz, wsum, wmnz, mixed, w_bordafuse
	Gamma   float64   // gmnz exponent (default 1)
	Sigma   float64   // logn_isr constant in [0, 1] (default 0.01, as ranx)
	Phi     float64   // rbc persistence in (0, 1) (default 0.8)
	Ties    TiePolicy // rank order of each run and of the fused run (default TiesRanx)
}

var fuseAliases = map[string]string{
	"sum": FuseCombSUM, "comb_sum": FuseCombSUM, "mnz": FuseCombMNZ, "comb_mnz": FuseCombMNZ,
	"comb_anz": FuseCombANZ, "combanz": FuseCombANZ, "comb_gmnz": FuseGMNZ, "combgmnz": FuseGMNZ,
	"comb_max": FuseCombMAX, "combmax": FuseCombMAX, "comb_min": FuseCombMIN, "combmin": FuseCombMIN,
	"comb_med": FuseCombMED, "combmed": FuseCombMED, "weighted_bordafuse": FuseWBorda,
}

var normAliases = map[string]string{
	"": NormMinMax, "min-max": NormMinMax, "min_max": NormMinMax,
	"min-max-inverted": NormMinMaxInverted, "min_max_inverted": NormMinMaxInverted, "minmax_inverted": NormMinMaxInverted,
	"z-score": NormZScore, "zmuv": NormZScore,
}

// fusedQuery is one run's list for one query in ranx's dict order (the
// order ranx iterates: ranked, then normalized).
type fusedList struct {
	docs   []string
	scores []float64
}

// Fuse combines runs into one, as ranx.fuse does: every run is first
// normalized (opt.Norm, default min-max), then combined by method. The fused
// run has the queries of the first run (ranx's fusion functions iterate the
// first run's queries; a query that only later runs list is dropped, and a
// run missing one of the first run's queries contributes nothing to it).
// Each query's documents are listed in fused-score order, ties ordered by
// opt.Ties over the order in which ranx inserts them (first run first, each
// run in rank order), so the default reproduces ranx's fused run.
func Fuse(method string, runs []*Run, opt FuseOptions) (*Run, error) {
	method = strings.ToLower(method)
	if a, ok := fuseAliases[method]; ok {
		method = a
	}
	if !slices.Contains(FuseMethods(), method) {
		return nil, fmt.Errorf("unknown fusion method %q (want one of %s)", method, strings.Join(FuseMethods(), ", "))
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
	if opt.Gamma == 0 {
		opt.Gamma = 1
	}
	if math.IsNaN(opt.Gamma) || math.IsInf(opt.Gamma, 0) {
		return nil, fmt.Errorf("fuse: gmnz gamma must be finite, got %v", opt.Gamma)
	}
	if opt.Sigma == 0 {
		opt.Sigma = 0.01
	}
	if !(opt.Sigma >= 0 && opt.Sigma <= 1) {
		return nil, fmt.Errorf("fuse: logn_isr sigma must be in [0, 1], got %v", opt.Sigma)
	}
	if opt.Phi == 0 {
		opt.Phi = 0.8
	}
	if !(opt.Phi > 0 && opt.Phi < 1) {
		return nil, fmt.Errorf("fuse: rbc phi must be in (0, 1), got %v", opt.Phi)
	}
	norm := strings.ToLower(opt.Norm)
	if a, ok := normAliases[norm]; ok {
		norm = a
	}
	if !slices.Contains(FuseNorms(), norm) {
		return nil, fmt.Errorf("fuse: unknown normalization %q (want one of %s)", opt.Norm, strings.Join(FuseNorms(), ", "))
	}
	if opt.Weights != nil {
		if len(opt.Weights) != len(runs) {
			return nil, fmt.Errorf("fuse: %d weights for %d runs", len(opt.Weights), len(runs))
		}
		switch method {
		case FuseRRF, FuseCombSUM, FuseCombMNZ, FuseWSum, FuseWMNZ, FuseMixed, FuseWBorda:
		default:
			return nil, fmt.Errorf("fuse: method %s takes no weights", method)
		}
	}
	for i, w := range opt.Weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("fuse: weight %d (run %q) is %v", i+1, runs[i].name, w)
		}
	}
	weights := opt.Weights
	if weights == nil {
		weights = make([]float64, len(runs))
		for i := range weights {
			weights[i] = 1
		}
	}

	// ranx iterates the first run's queries (sorted, as Run.sort leaves them).
	queries := make([]string, 0, len(runs[0].qs))
	for _, q := range runs[0].qs {
		queries = append(queries, q.id)
	}
	slices.Sort(queries)

	out := NewRun(opt.Name)
	var order []int32
	var neg []float64
	lists := make([]*fusedList, len(runs))
	for _, qid := range queries {
		// Each run in ranx's order, normalized.
		for ri, r := range runs {
			q := r.query(qid)
			if q == nil {
				lists[ri] = nil
				continue
			}
			order, neg = rankOrder(q.docs, q.scores, opt.Ties, order, neg)
			l := &fusedList{docs: make([]string, len(order)), scores: make([]float64, len(order))}
			for i, p := range order {
				l.docs[i], l.scores[i] = q.docs[p], q.scores[p]
			}
			if norm != NormBorda {
				l.scores = normalize(l.scores, norm)
				if norm == NormMinMaxInverted {
					order, neg = rankOrder(l.docs, l.scores, opt.Ties, order, neg)
					l = l.permute(order)
				}
			}
			lists[ri] = l
		}
		if norm == NormBorda {
			bordaNorm(lists)
		}
		// Rank-based methods replace each list's scores.
		switch method {
		case FuseRRF:
			rankScores(lists, func(i int, _ int) float64 { return 1 / (opt.K + float64(i+1)) })
		case FuseISR, FuseLogISR, FuseLogNISR:
			rankScores(lists, func(i int, _ int) float64 { return 1 / float64((i+1)*(i+1)) })
		case FuseRBC:
			rankScores(lists, func(i int, _ int) float64 { return (1 - opt.Phi) * math.Pow(opt.Phi, float64(i)) })
		case FuseBorda, FuseWBorda:
			bordaScores(lists)
		}
		first, acc := combine(method, lists, weights, opt)
		rq := out.getOrAdd(qid)
		order, neg = rankOrder(first, acc, opt.Ties, order, neg)
		for _, p := range order {
			rq.appendDoc(first[p], acc[p])
		}
	}
	return out, nil
}

func (l *fusedList) permute(order []int32) *fusedList {
	n := &fusedList{docs: make([]string, len(order)), scores: make([]float64, len(order))}
	for i, p := range order {
		n.docs[i], n.scores[i] = l.docs[p], l.scores[p]
	}
	return n
}

func rankScores(lists []*fusedList, f func(rank0, n int) float64) {
	for _, l := range lists {
		if l == nil {
			continue
		}
		for i := range l.scores {
			l.scores[i] = f(i, len(l.scores))
		}
	}
}

// candidates is the union of the lists' documents in first-appearance order
// (ranx iterates a Python set here; only the order of tied documents can
// depend on that).
func candidates(lists []*fusedList) []string {
	seen := map[string]bool{}
	var c []string
	for _, l := range lists {
		if l == nil {
			continue
		}
		for _, d := range l.docs {
			if !seen[d] {
				seen[d] = true
				c = append(c, d)
			}
		}
	}
	return c
}

// bordaNorm is ranx's borda_norm: a document at 0-based rank i of a run gets
// 1 - i/|candidates|; one the run did not retrieve gets
// 0.5 - (n_run - 1)/(2·|candidates|).
func bordaNorm(lists []*fusedList) {
	cand := candidates(lists)
	nc := float64(len(cand))
	for li, l := range lists {
		if l == nil {
			continue
		}
		pos := make(map[string]int, len(l.docs))
		for i, d := range l.docs {
			pos[d] = i
		}
		n := &fusedList{docs: cand, scores: make([]float64, len(cand))}
		for i, d := range cand {
			if p, ok := pos[d]; ok {
				n.scores[i] = 1 - float64(p)/nc
			} else {
				n.scores[i] = 0.5 - float64(len(l.docs)-1)/(2*nc)
			}
		}
		lists[li] = n
	}
}

// bordaScores is ranx's bordafuse scoring: |candidates| - i points at rank i,
// (|candidates| - n_run + 1)/2 for each candidate the run did not retrieve.
func bordaScores(lists []*fusedList) {
	cand := candidates(lists)
	nc := len(cand)
	for li, l := range lists {
		if l == nil {
			continue
		}
		in := make(map[string]bool, len(l.docs))
		n := &fusedList{}
		for i, d := range l.docs {
			in[d] = true
			n.docs = append(n.docs, d)
			n.scores = append(n.scores, float64(nc-i))
		}
		unranked := float64(nc-len(l.docs)+1) / 2
		for _, d := range cand {
			if !in[d] {
				n.docs = append(n.docs, d)
				n.scores = append(n.scores, unranked)
			}
		}
		lists[li] = n
	}
}

// combine merges the lists' scores per document as ranx's comb_* functions
// do (sums in run order), returning the documents in insertion order.
func combine(method string, lists []*fusedList, weights []float64, opt FuseOptions) ([]string, []float64) {
	idx := map[string]int{}
	var docs []string
	for _, l := range lists {
		if l == nil {
			continue
		}
		for _, d := range l.docs {
			if _, ok := idx[d]; !ok {
				idx[d] = len(docs)
				docs = append(docs, d)
			}
		}
	}
	// present[ri][di] = score of doc di in run ri
	n := len(docs)
	type entry struct {
		s, w float64
	}
	per := make([][]entry, n)
	missing := make([]int, n) // runs (of those listing the query or not) without the doc
	for ri, l := range lists {
		if l == nil {
			for di := range per {
				missing[di]++
			}
			continue
		}
		has := make([]bool, n)
		for i, d := range l.docs {
			di := idx[d]
			if has[di] {
				continue // duplicate ids cannot occur in a Run
			}
			has[di] = true
			per[di] = append(per[di], entry{l.scores[i], weights[ri]})
		}
		for di := range has {
			if !has[di] {
				missing[di]++
			}
		}
	}
	acc := make([]float64, n)
	for di := range docs {
		es := per[di]
		sum := 0.0
		for _, e := range es {
			sum += e.s
		}
		cnt := float64(len(es))
		var v float64
		switch method {
		case FuseRRF, FuseCombSUM, FuseWSum, FuseRBC, FuseBorda, FuseWBorda, FuseCombMNZ:
			// weighted sum over the runs in order (weights are 1 by default)
			ws := 0.0
			for _, e := range es {
				ws += e.w * e.s
			}
			v = ws
			if method == FuseCombMNZ {
				v *= cnt
			}
		case FuseISR:
			v = sum * cnt
		case FuseCombANZ:
			v = sum / cnt
		case FuseGMNZ:
			v = sum * math.Pow(cnt, opt.Gamma)
		case FuseLogISR:
			v = sum * math.Log(cnt)
		case FuseLogNISR:
			v = sum * math.Log(cnt+opt.Sigma)
		case FuseCombMAX:
			v = math.Inf(-1)
			for _, e := range es {
				v = math.Max(v, e.s)
			}
			if missing[di] > 0 {
				v = math.Max(v, -1e9)
			}
		case FuseCombMIN:
			v = math.Inf(1)
			for _, e := range es {
				v = math.Min(v, e.s)
			}
			if missing[di] > 0 {
				v = math.Min(v, 1e9)
			}
		case FuseCombMED:
			s := make([]float64, len(es))
			for i, e := range es {
				s[i] = e.s
			}
			slices.Sort(s)
			m := len(s) / 2
			if len(s)%2 == 1 {
				v = s[m]
			} else {
				v = (s[m-1] + s[m]) / 2
			}
		case FuseWMNZ:
			w := 0.0
			for _, e := range es {
				w += e.w
			}
			v = sum * w
		case FuseMixed:
			ws := 0.0
			for _, e := range es {
				ws += e.s * e.w
			}
			v = ws * math.Sqrt(cnt)
		default:
			panic("eval: unhandled fusion method " + method)
		}
		acc[di] = v
	}
	return docs, acc
}

// normalize returns one query's normalized scores as ranx's normalization
// functions compute them (numba: sequential sums, 1e-9 floor on the
// denominator; empty lists give min = max = 0).
func normalize(s []float64, how string) []float64 {
	out := make([]float64, len(s))
	if len(s) == 0 {
		return out
	}
	lo, hi := slices.Min(s), slices.Max(s)
	switch how {
	case NormMinMax:
		den := math.Max(hi-lo, 1e-9)
		for i, x := range s {
			out[i] = (x - lo) / den
		}
	case NormMinMaxInverted:
		den := math.Max(hi-lo, 1e-9)
		for i, x := range s {
			out[i] = (hi - x) / den
		}
	case NormMax:
		den := math.Max(hi, 1e-9)
		for i, x := range s {
			out[i] = x / den
		}
	case NormSum:
		sum := 0.0
		for _, x := range s {
			sum += x
		}
		den := math.Max(sum-lo*float64(len(s)), 1e-9)
		for i, x := range s {
			out[i] = (x - lo) / den
		}
	case NormZScore:
		m := 0.0
		for _, x := range s {
			m += x
		}
		m /= float64(len(s))
		v := 0.0
		for _, x := range s {
			v += (x - m) * (x - m)
		}
		sd := math.Max(math.Sqrt(v/float64(len(s))), 1e-9)
		for i, x := range s {
			out[i] = (x - m) / sd
		}
	case NormRank:
		n := float64(len(s))
		for i := range s {
			out[i] = 1 - float64(i)/n
		}
	default:
		copy(out, s)
	}
	return out
}
