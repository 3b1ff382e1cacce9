package eval

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

type metricKind int

const (
	mHits metricKind = iota
	mHitRate
	mPrecision
	mRecall
	mF1
	mRPrecision
	mMRR
	mMAP
	mNDCG
	mNDCGBurges
	mDCG
	mDCGBurges
	mBPref
	mRBP
)

// unjudged marks a retrieved document absent from the qrels in the relevance
// vectors metrics see (below any judged relevance, so never relevant, even
// at relevance level 0 or with negative judgments).
const unjudged = math.MinInt32

var metricNames = map[string]metricKind{
	"hits":            mHits,
	"hit_rate":        mHitRate,
	"precision":       mPrecision,
	"recall":          mRecall,
	"f1":              mF1,
	"r-precision":     mRPrecision,
	"r_precision":     mRPrecision,
	"mrr":             mMRR,
	"map":             mMAP,
	"ndcg":            mNDCG,
	"ndcg_burges":     mNDCGBurges,
	"dcg":             mDCG,
	"dcg_burges":      mDCGBurges,
	"bpref":           mBPref,
	"rbp":             mRBP,
	"hitrate":         mHitRate,
	"rprec":           mRPrecision,
	"reciprocal_rank": mMRR,
}

// Metric is a parsed ranx metric name: name[@k][-l<level>].
type Metric struct {
	Name     string // as given, e.g. "ndcg@10"
	kind     metricKind
	K        int     // cutoff; 0 = whole list
	RelLevel int     // a judged doc is relevant iff rel >= RelLevel (default 1)
	P        float64 // rbp persistence, from "rbp.95" (0.95)
}

// MetricNames lists the supported base names.
func MetricNames() []string {
	return []string{"ndcg", "ndcg_burges", "dcg", "dcg_burges", "mrr", "map", "precision", "recall", "hit_rate", "hits", "f1", "r-precision", "bpref", "rbp"}
}

// ParseMetric parses a ranx metric name such as "ndcg@10", "mrr",
// "map@100-l2", "r-precision", "bpref" or "rbp.95" (rank-biased precision
// with persistence 0.95; ranx also reads "rbp@95" as 0.95).
func ParseMetric(s string) (Metric, error) {
	name := strings.TrimSpace(s)
	m := Metric{Name: name, RelLevel: 1}
	base := strings.ToLower(name)
	if i := strings.LastIndex(base, "-l"); i >= 0 {
		lvl, err := strconv.Atoi(base[i+2:])
		if err != nil || lvl < 0 {
			return m, fmt.Errorf("metric %q: bad relevance level %q", s, base[i+2:])
		}
		m.RelLevel = lvl
		base = base[:i]
	}
	if strings.HasPrefix(base, "rbp") {
		digits := base[3:]
		if len(digits) < 2 || (digits[0] != '.' && digits[0] != '@') || strings.Trim(digits[1:], "0123456789") != "" {
			return m, fmt.Errorf("metric %q: rbp needs a persistence, as in rbp.95 (p = 0.95)", s)
		}
		p, err := strconv.ParseFloat("0."+digits[1:], 64)
		if err != nil || p == 0 {
			return m, fmt.Errorf("metric %q: bad rbp persistence %q", s, digits[1:])
		}
		m.P, m.kind = p, mRBP
		return m, nil
	}
	if i := strings.IndexByte(base, '@'); i >= 0 {
		k, err := strconv.Atoi(base[i+1:])
		if err != nil || k < 0 {
			return m, fmt.Errorf("metric %q: bad cutoff %q (want a non-negative integer)", s, base[i+1:])
		}
		m.K = k
		base = base[:i]
	}
	kind, ok := metricNames[base]
	if !ok {
		return m, fmt.Errorf("unknown metric %q (known: %s)", s, strings.Join(MetricNames(), ", "))
	}
	if kind == mRPrecision && m.K != 0 {
		return m, fmt.Errorf("metric %q: r-precision takes no cutoff", s)
	}
	m.kind = kind
	return m, nil
}

// ParseMetrics parses a list of metric names; duplicates are errors.
func ParseMetrics(names []string) ([]Metric, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("no metrics")
	}
	out := make([]Metric, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		m, err := ParseMetric(n)
		if err != nil {
			return nil, err
		}
		if seen[m.Name] {
			return nil, fmt.Errorf("metric %q listed twice", m.Name)
		}
		seen[m.Name] = true
		out = append(out, m)
	}
	return out, nil
}

// queryJudgments is what a metric needs from the qrels of one query.
type queryJudgments struct {
	rels   map[string]int
	sorted []int // judged relevance values, descending
}

func newQueryJudgments(rels map[string]int) queryJudgments {
	s := make([]int, 0, len(rels))
	for _, r := range rels {
		s = append(s, r)
	}
	slices.SortFunc(s, func(a, b int) int { return b - a })
	return queryJudgments{rels: rels, sorted: s}
}

// numRelevant returns R for a relevance level.
func (j *queryJudgments) numRelevant(lvl int) int {
	n := 0
	for _, r := range j.sorted {
		if r < lvl {
			break
		}
		n++
	}
	return n
}

// log2Table caches 1/log2(i+2).
var invLog2 = func() []float64 {
	t := make([]float64, 1024)
	for i := range t {
		t[i] = 1 / math.Log2(float64(i)+2)
	}
	return t
}()

func discount(i int) float64 {
	if i < len(invLog2) {
		return invLog2[i]
	}
	return 1 / math.Log2(float64(i)+2)
}

// fixK is ranx's fix_k: k == 0 or k > n means n.
func fixK(k, n int) int {
	if k == 0 || k > n {
		return n
	}
	return k
}

// compute returns metric m for one query. ranked holds the raw relevance
// (0 if unjudged) of the run's documents in ranking order.
func (m *Metric) compute(ranked []int, j *queryJudgments) float64 {
	lvl := m.RelLevel
	R := j.numRelevant(lvl)
	n := len(ranked)
	switch m.kind {
	case mNDCG, mNDCGBurges, mDCG, mDCGBurges:
		if R == 0 {
			return 0
		}
		burges := m.kind == mNDCGBurges || m.kind == mDCGBurges
		k := fixK(m.K, n)
		dcg := 0.0
		for i := 0; i < k; i++ {
			dcg += gain(ranked[i], lvl, burges) * discount(i)
		}
		if m.kind == mDCG || m.kind == mDCGBurges {
			return dcg
		}
		ik := fixK(m.K, len(j.sorted))
		idcg := 0.0
		for i := 0; i < ik; i++ {
			idcg += gain(j.sorted[i], lvl, burges) * discount(i)
		}
		if idcg == 0 {
			idcg = 1
		}
		return dcg / idcg
	case mMRR:
		if R == 0 {
			return 0
		}
		k := fixK(m.K, n)
		for i := 0; i < k; i++ {
			if ranked[i] >= lvl {
				return 1 / float64(i+1)
			}
		}
		return 0
	case mMAP:
		if R == 0 {
			return 0
		}
		k := fixK(m.K, n)
		hits, sum := 0, 0.0
		for i := 0; i < k; i++ {
			if ranked[i] >= lvl {
				hits++
				sum += float64(hits) / float64(i+1)
			}
		}
		return sum / float64(R)
	case mRPrecision:
		if R == 0 {
			return 0
		}
		return float64(countHits(ranked, fixK(R, n), lvl)) / float64(R)
	case mRBP:
		// ranx: (1-p)·Σ rel_i·p^i over the whole run, rel_i the graded
		// relevance of a relevant document (rel >= level), else 0.
		if R == 0 {
			return 0
		}
		sum, pi := 0.0, 1.0
		for i, r := range ranked {
			if i > 0 {
				pi = math.Pow(m.P, float64(i))
			}
			if r >= lvl {
				sum += float64(r) * pi
			}
		}
		return (1 - m.P) * sum
	case mBPref:
		// ranx (trec_eval's bpref): over the judged retrieved documents, each
		// relevant one scores 1 - min(#judged non-relevant above it, R) /
		// min(R, N), averaged over R. The cutoff is ignored. With no judged
		// non-relevant document (N = 0) a retrieved relevant document makes
		// it NaN, as in ranx (0/0).
		if R == 0 {
			return 0 // ranx: an empty sum over 0 relevant
		}
		N := len(j.sorted) - R
		den := float64(min(R, N))
		nonrel, sum := 0, 0.0
		for _, r := range ranked {
			switch {
			case r == unjudged:
			case r >= lvl:
				sum += 1 - float64(min(nonrel, R))/den
			default:
				nonrel++
			}
		}
		return sum / float64(R)
	}
	if R == 0 {
		return 0
	}
	hits := countHits(ranked, fixK(m.K, n), lvl)
	den := m.K // precision divides by k even when the run is shorter
	if den == 0 {
		den = n
	}
	switch m.kind {
	case mHits:
		return float64(hits)
	case mHitRate:
		if hits > 0 {
			return 1
		}
		return 0
	case mPrecision:
		if den == 0 {
			return 0
		}
		return float64(hits) / float64(den)
	case mRecall:
		return float64(hits) / float64(R)
	case mF1:
		if den == 0 || hits == 0 {
			return 0
		}
		p := float64(hits) / float64(den)
		r := float64(hits) / float64(R)
		return 2 * p * r / (p + r)
	}
	panic("eval: unhandled metric kind")
}

func countHits(ranked []int, k, lvl int) int {
	h := 0
	for _, r := range ranked[:k] {
		if r >= lvl {
			h++
		}
	}
	return h
}

func gain(rel, lvl int, burges bool) float64 {
	if rel < lvl || rel <= 0 {
		return 0
	}
	if burges {
		return math.Exp2(float64(rel)) - 1
	}
	return float64(rel)
}
