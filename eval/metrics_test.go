package eval

import (
	"math"
	"strings"
	"testing"
)

// fixture: q1 has graded judgments, q2 has no relevant doc (R=0), q3 is
// judged but the run returns nothing for it (empty ranking).
func metricFixture() (*Qrels, *Run) {
	q := NewQrels()
	q.Add("q1", "d1", 1)
	q.Add("q1", "d2", 2)
	q.Add("q1", "d3", 0)
	q.Add("q1", "d4", 1)
	q.Add("q2", "d9", 0)
	q.Add("q3", "d1", 1)
	r := NewRun("r")
	// ranking of q1: d1(1) d5(unjudged) d2(2) d3(0)
	r.Add("q1", "d1", 0.9)
	r.Add("q1", "d5", 0.8)
	r.Add("q1", "d2", 0.7)
	r.Add("q1", "d3", 0.6)
	r.Add("q2", "d9", 1.0)
	r.AddQuery("q3")
	return q, r
}

var log2of3 = math.Log2(3)

// Hand-computed values for q1 (ranked relevance [1, 0, 2, 0], R=3; at
// level 2, R=1).
var q1Want = map[string]float64{
	"hits@1":         1,
	"hits@3":         2,
	"hits@10":        2, // k > n
	"hits":           2,
	"hit_rate@1":     1,
	"hit_rate@2":     1,
	"precision@1":    1,
	"precision@3":    2.0 / 3,
	"precision@10":   2.0 / 10, // ranx divides by k even when n < k
	"precision":      2.0 / 4,  // k=0: the whole list
	"recall@1":       1.0 / 3,
	"recall@3":       2.0 / 3,
	"recall":         2.0 / 3,
	"f1@3":           2.0 / 3,
	"f1@10":          4.0 / 13, // 2*(1/5)(2/3)/((1/5)+(2/3))
	"r-precision":    2.0 / 3,  // hits in top R=3 / 3
	"mrr":            1,
	"mrr@1":          1,
	"map":            (1 + 2.0/3) / 3,
	"map@2":          1.0 / 3, // denominator is R, not min(k, R)
	"dcg@3":          1 + 2/2.0,
	"dcg":            2,
	"dcg_burges@3":   1 + 3/2.0,
	"ndcg@1":         1 / 2.0, // DCG 1, IDCG 2 (rel 2 first)
	"ndcg@3":         2 / (2 + 1/log2of3 + 1/2.0),
	"ndcg@10":        2 / (2 + 1/log2of3 + 1/2.0),
	"ndcg":           2 / (2 + 1/log2of3 + 1/2.0),
	"ndcg_burges@3":  2.5 / (3 + 1/log2of3 + 1/2.0),
	"ndcg@3-l2":      (2 / 2.0) / 2, // only d2 counts: DCG 2/log2(4), IDCG 2
	"hits@3-l2":      1,
	"mrr-l2":         1.0 / 3,
	"mrr@2-l2":       0,
	"map-l2":         1.0 / 3,
	"precision@3-l2": 1.0 / 3,
	"recall-l2":      1,
	"r-precision-l2": 0, // R=1, the top doc has rel 1 < 2
	"hit_rate@2-l2":  0,
	"recall@10-l3":   0, // R=0 at level 3
}

func TestMetricsHandComputed(t *testing.T) {
	q, r := metricFixture()
	for name, want := range q1Want {
		res, err := Evaluate(q, r, []string{name}, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		pq := res.PerQuery[name]
		if got := pq[0]; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s(q1) = %v, want %v", name, got, want)
		}
		// q2 has R=0 and q3 an empty ranking: both score 0 on every metric.
		if pq[1] != 0 || pq[2] != 0 {
			t.Errorf("%s: q2 (R=0) = %v, q3 (empty run) = %v, want 0", name, pq[1], pq[2])
		}
		if got, want := res.Mean[name], want/3; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s mean = %v, want %v (mean over all 3 qrels queries)", name, got, want)
		}
	}
}

// At level 0 every judged document is relevant, even rel 0 (q2's d9), but
// an unjudged one is not (q1's d5): ranx's hit list only matches qrels
// entries (checked against ranx in testdata/ranx/fixture.json).
func TestRelLevelZero(t *testing.T) {
	q, r := metricFixture()
	res, err := Evaluate(q, r, []string{"hits@3-l0", "ndcg@3-l0"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.PerQuery["hits@3-l0"]; got[0] != 2 || got[1] != 1 || got[2] != 0 {
		t.Errorf("hits@3-l0 per query = %v, want [2 1 0]", got)
	}
	// rel-0 docs are "relevant" but have gain 0: q2's nDCG is 0/0 -> 0.
	if got := res.PerQuery["ndcg@3-l0"]; got[1] != 0 {
		t.Errorf("ndcg@3-l0(q2) = %v, want 0", got[1])
	}
}

// A run shorter than k is penalised: the IDCG cut uses k, not min(k, n).
func TestNDCGShortRun(t *testing.T) {
	q := NewQrels()
	for _, d := range []string{"a", "b", "c"} {
		q.Add("q", d, 1)
	}
	r := NewRun("r")
	r.Add("q", "a", 1)
	res, err := Evaluate(q, r, []string{"ndcg@3", "ndcg@1", "mrr@3", "precision@3", "r-precision"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"ndcg@3":      1 / (1 + 1/log2of3 + 0.5),
		"ndcg@1":      1,
		"mrr@3":       1,
		"precision@3": 1.0 / 3,
		"r-precision": 1.0 / 3,
	}
	for m, w := range want {
		if got := res.Mean[m]; math.Abs(got-w) > 1e-12 {
			t.Errorf("%s = %v, want %v", m, got, w)
		}
	}
}

func TestMRRCutoff(t *testing.T) {
	q := NewQrels()
	q.Add("q", "rel", 1)
	r := NewRun("r")
	for i, d := range []string{"x1", "x2", "x3", "rel"} {
		r.Add("q", d, float64(10-i))
	}
	for m, want := range map[string]float64{"mrr@3": 0, "mrr@4": 0.25, "mrr": 0.25, "mrr@100": 0.25} {
		res, err := Evaluate(q, r, []string{m}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Mean[m] != want {
			t.Errorf("%s = %v, want %v", m, res.Mean[m], want)
		}
	}
}

func TestEmptyRunPrecisionK0(t *testing.T) {
	q := NewQrels()
	q.Add("q", "a", 1)
	r := NewRun("r")
	r.AddQuery("q")
	res, err := Evaluate(q, r, []string{"precision", "recall", "ndcg", "map", "mrr", "f1", "hits", "r-precision"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for m, v := range res.Mean {
		if v != 0 {
			t.Errorf("%s on an empty ranking = %v, want 0", m, v)
		}
	}
}

func TestParseMetric(t *testing.T) {
	good := map[string]Metric{
		"ndcg@10":      {K: 10, RelLevel: 1},
		"mrr":          {K: 0, RelLevel: 1},
		"map@100-l2":   {K: 100, RelLevel: 2},
		"r-precision":  {RelLevel: 1},
		"NDCG@5":       {K: 5, RelLevel: 1},
		"precision-l3": {RelLevel: 3},
	}
	for s, want := range good {
		m, err := ParseMetric(s)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if m.K != want.K || m.RelLevel != want.RelLevel {
			t.Errorf("%s: K=%d lvl=%d, want K=%d lvl=%d", s, m.K, m.RelLevel, want.K, want.RelLevel)
		}
	}
	for _, s := range []string{"ndcg@x", "foo@10", "ndcg@-1", "map-lx", "r-precision@5", ""} {
		if _, err := ParseMetric(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
	if _, err := ParseMetrics([]string{"ndcg@10", "ndcg@10"}); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate metric: %v", err)
	}
}

func TestNotComparable(t *testing.T) {
	q, r := metricFixture()
	r2 := NewRun("partial")
	r2.Add("q1", "d1", 1)
	r2.Add("qX", "d1", 1)
	_, err := Evaluate(q, r2, []string{"ndcg@10"}, Options{})
	if err == nil {
		t.Fatal("no error for mismatched queries")
	}
	for _, s := range []string{`"q2"`, `"q3"`, `"qX"`, "make-comparable"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %s", err, s)
		}
	}
	res, err := Evaluate(q, r2, []string{"ndcg@10"}, Options{MakeComparable: true})
	if err != nil {
		t.Fatal(err)
	}
	// q1: only d1 (rel 1) retrieved: DCG 1, IDCG 2 + 1/log2(3) + 1/2.
	want := 1 / (2 + 1/log2of3 + 0.5) / 3
	if math.Abs(res.Mean["ndcg@10"]-want) > 1e-12 {
		t.Errorf("make-comparable ndcg@10 = %v, want %v", res.Mean["ndcg@10"], want)
	}
	_ = r
}

// numpy's pairwise summation differs from a naive loop in the last bits;
// check it against a hand-built case where the naive sum loses precision.
func TestPairwiseSum(t *testing.T) {
	v := make([]float64, 1000)
	naive := 0.0
	for i := range v {
		v[i] = 0.1
		naive += 0.1
	}
	if got := pairwiseSum(v); math.Abs(got-100) > math.Abs(naive-100) {
		t.Errorf("pairwise %v is less exact than naive %v", got, naive)
	}
	if got := pairwiseSum([]float64{1, 2, 3}); got != 6 {
		t.Errorf("small sum %v", got)
	}
}

func TestBurgesHugeRelevance(t *testing.T) {
	q := NewQrels()
	q.Add("q", "a", 5000)
	r := NewRun("r")
	r.Add("q", "a", 1)
	if _, err := Evaluate(q, r, []string{"ndcg_burges@10"}, Options{}); err == nil || !strings.Contains(err.Error(), `"q"`) {
		t.Errorf("err = %v", err)
	}
	res, err := Evaluate(q, r, []string{"ndcg@10"}, Options{})
	if err != nil || res.Mean["ndcg@10"] != 1 {
		t.Errorf("linear gain: %v %v", res, err)
	}
}
