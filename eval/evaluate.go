package eval

import (
	"fmt"
	"slices"
	"strings"
)

// Options configures Evaluate.
type Options struct {
	// Ties chooses the order of tied documents (default TiesRanx).
	Ties TiePolicy
	// MakeComparable mirrors ranx's make_comparable: qrels queries missing
	// from the run score 0 and run queries missing from the qrels are
	// dropped. Without it such mismatches are an error naming the queries.
	MakeComparable bool
}

// Result holds the evaluation of one run.
type Result struct {
	Run     string // run name
	Ties    TiePolicy
	Metrics []string // metric names, in the order requested
	Queries []string // evaluated queries (the qrels queries, code point order)
	// Mean is the mean over Queries of each metric, as ranx reports it.
	Mean map[string]float64
	// PerQuery holds each metric's value per query, aligned with Queries.
	PerQuery map[string][]float64
	// Pessimistic and Optimistic are the mean of each metric when every
	// group of tied documents is ordered with its relevant documents last
	// (resp. first): bounds over all tie orders, including every TiePolicy.
	Pessimistic map[string]float64
	Optimistic  map[string]float64
	// PessimisticPerQuery / OptimisticPerQuery are the per-query bounds.
	PessimisticPerQuery map[string][]float64
	OptimisticPerQuery  map[string][]float64
}

// TieRange returns the pessimistic and optimistic value of metric.
func (r *Result) TieRange(metric string) (lo, hi float64) {
	return r.Pessimistic[metric], r.Optimistic[metric]
}

// Evaluate computes metrics (ranx names, e.g. "ndcg@10", "mrr@10",
// "map@100-l2") for run against q. Each value is the mean over all qrels
// queries, as in ranx.
func Evaluate(q *Qrels, r *Run, metrics []string, opt Options) (*Result, error) {
	ms, err := ParseMetrics(metrics)
	if err != nil {
		return nil, err
	}
	return evaluateParsed(q, newJudgmentCache(q), r, ms, opt)
}

// judgmentCache holds the per-query preprocessing of a Qrels, shared by the
// runs evaluated against it.
type judgmentCache struct {
	queries []string
	j       map[string]*queryJudgments
}

func newJudgmentCache(q *Qrels) *judgmentCache {
	c := &judgmentCache{queries: q.Queries(), j: make(map[string]*queryJudgments, q.Len())}
	for _, id := range c.queries {
		qj := newQueryJudgments(q.m[id])
		c.j[id] = &qj
	}
	return c
}

func checkComparable(qrelsQueries []string, r *Run) error {
	var missing, extra []string
	for _, id := range qrelsQueries {
		if !r.Has(id) {
			missing = append(missing, id)
		}
	}
	if len(r.qs) != len(qrelsQueries)-len(missing) {
		inQrels := make(map[string]bool, len(qrelsQueries))
		for _, id := range qrelsQueries {
			inQrels[id] = true
		}
		for _, id := range r.Queries() {
			if !inQrels[id] {
				extra = append(extra, id)
			}
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return nil
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("%d qrels queries missing from the run (%s)", len(missing), listSome(missing)))
	}
	if len(extra) > 0 {
		parts = append(parts, fmt.Sprintf("%d run queries not in the qrels (%s)", len(extra), listSome(extra)))
	}
	return fmt.Errorf("run %q and qrels are not comparable: %s; use make-comparable to score missing queries 0 and drop extra ones", r.name, strings.Join(parts, "; "))
}

func listSome(ids []string) string {
	const max = 5
	q := make([]string, 0, max)
	for i, id := range ids {
		if i == max {
			break
		}
		q = append(q, fmt.Sprintf("%q", id))
	}
	s := strings.Join(q, ", ")
	if len(ids) > max {
		s += fmt.Sprintf(", ... %d more", len(ids)-max)
	}
	return s
}

func evaluateParsed(q *Qrels, jc *judgmentCache, r *Run, ms []Metric, opt Options) (*Result, error) {
	if q == nil || q.Len() == 0 {
		return nil, fmt.Errorf("empty qrels")
	}
	if r == nil {
		return nil, fmt.Errorf("nil run")
	}
	if !opt.MakeComparable {
		if err := checkComparable(jc.queries, r); err != nil {
			return nil, err
		}
	}
	nq := len(jc.queries)
	res := &Result{
		Run:                 r.name,
		Ties:                opt.Ties,
		Queries:             jc.queries,
		Mean:                map[string]float64{},
		PerQuery:            map[string][]float64{},
		Pessimistic:         map[string]float64{},
		Optimistic:          map[string]float64{},
		PessimisticPerQuery: map[string][]float64{},
		OptimisticPerQuery:  map[string][]float64{},
	}
	vals := make([][]float64, len(ms))
	lows := make([][]float64, len(ms))
	highs := make([][]float64, len(ms))
	for i, m := range ms {
		res.Metrics = append(res.Metrics, m.Name)
		vals[i] = make([]float64, nq)
		lows[i] = make([]float64, nq)
		highs[i] = make([]float64, nq)
	}
	var (
		order  []int32
		neg    []float64
		ranked []int
		lo, hi []int
	)
	burges := false
	for _, m := range ms {
		burges = burges || m.kind == mNDCGBurges || m.kind == mDCGBurges
	}
	for qi, id := range jc.queries {
		j := jc.j[id]
		if burges && len(j.sorted) > 0 && j.sorted[0] > maxBurgesRel {
			return nil, fmt.Errorf("query %q: relevance %d too large for a 2^rel-1 gain (max %d)", id, j.sorted[0], maxBurgesRel)
		}
		rq := r.query(id)
		var docs []string
		var scores []float64
		if rq != nil {
			docs, scores = rq.docs, rq.scores
		}
		order, neg = rankOrder(docs, scores, opt.Ties, order, neg)
		ranked = slices.Grow(ranked[:0], len(order))[:len(order)]
		for i, p := range order {
			rel, ok := j.rels[docs[p]]
			if !ok {
				rel = unjudged
			}
			ranked[i] = rel
		}
		lo, hi = tieBounds(ranked, scores, order, lo, hi)
		for mi := range ms {
			v := ms[mi].compute(ranked, j)
			vals[mi][qi] = v
			if lo == nil {
				lows[mi][qi], highs[mi][qi] = v, v
				continue
			}
			lows[mi][qi] = ms[mi].compute(lo, j)
			highs[mi][qi] = ms[mi].compute(hi, j)
		}
	}
	for mi, m := range ms {
		res.PerQuery[m.Name] = vals[mi]
		res.Mean[m.Name] = mean(vals[mi])
		res.PessimisticPerQuery[m.Name] = lows[mi]
		res.OptimisticPerQuery[m.Name] = highs[mi]
		res.Pessimistic[m.Name] = mean(lows[mi])
		res.Optimistic[m.Name] = mean(highs[mi])
	}
	return res, nil
}

// maxBurgesRel keeps 2^rel - 1 finite.
const maxBurgesRel = 1000

// tieBounds returns the relevance vectors with each tied group ordered
// relevance ascending (lo) and descending (hi). It returns nil, nil when no
// tied group mixes different relevance values (all orders score alike).
func tieBounds(ranked []int, scores []float64, order []int32, lo, hi []int) ([]int, []int) {
	n := len(ranked)
	mixed := false
	for s := 0; s < n && !mixed; {
		e := s + 1
		for e < n && scores[order[e]] == scores[order[s]] {
			if ranked[e] != ranked[s] {
				mixed = true
			}
			e++
		}
		s = e
	}
	if !mixed {
		return nil, nil
	}
	lo = append(lo[:0], ranked...)
	hi = append(hi[:0], ranked...)
	for s := 0; s < n; {
		e := s + 1
		for e < n && scores[order[e]] == scores[order[s]] {
			e++
		}
		if e-s > 1 {
			slices.Sort(lo[s:e])
			slices.SortFunc(hi[s:e], func(a, b int) int { return b - a })
		}
		s = e
	}
	return lo, hi
}

// mean is np.mean for float64 (pairwise summation, as numpy does).
func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	return pairwiseSum(v) / float64(len(v))
}

// pairwiseSum reproduces numpy's pairwise summation (blocks of 8 unrolled
// accumulators below 128 elements), so means match np.mean bit for bit.
func pairwiseSum(a []float64) float64 {
	n := len(a)
	if n < 8 {
		s := 0.0
		for _, x := range a {
			s += x
		}
		return s
	}
	if n <= 128 {
		var r [8]float64
		copy(r[:], a[:8])
		i := 8
		for ; i < n-(n%8); i += 8 {
			r[0] += a[i]
			r[1] += a[i+1]
			r[2] += a[i+2]
			r[3] += a[i+3]
			r[4] += a[i+4]
			r[5] += a[i+5]
			r[6] += a[i+6]
			r[7] += a[i+7]
		}
		res := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			res += a[i]
		}
		return res
	}
	n2 := n / 2
	n2 -= n2 % 8
	return pairwiseSum(a[:n2]) + pairwiseSum(a[n2:])
}

// Evaluator evaluates runs against fixed qrels and metrics. It is safe for
// concurrent use; the qrels must not change while it is in use.
type Evaluator struct {
	q   *Qrels
	jc  *judgmentCache
	ms  []Metric
	opt Options
}

// NewEvaluator prepares the evaluation of runs on q with metrics.
func NewEvaluator(q *Qrels, metrics []string, opt Options) (*Evaluator, error) {
	ms, err := ParseMetrics(metrics)
	if err != nil {
		return nil, err
	}
	if q == nil || q.Len() == 0 {
		return nil, fmt.Errorf("empty qrels")
	}
	return &Evaluator{q: q, jc: newJudgmentCache(q), ms: ms, opt: opt}, nil
}

// Evaluate evaluates one run (see the package function Evaluate).
func (e *Evaluator) Evaluate(r *Run) (*Result, error) {
	return evaluateParsed(e.q, e.jc, r, e.ms, e.opt)
}
