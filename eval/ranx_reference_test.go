package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// References written by scripts/reference/ranx_reference.py with ranx itself
// (testdata/ranx/*.json). Floats are exact reprs; null is NaN.

// rnum is a JSON number, null (NaN) or "inf"/"-inf".
type rnum float64

func (f *rnum) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*f = rnum(math.NaN())
		return nil
	case `"inf"`:
		*f = rnum(math.Inf(1))
		return nil
	case `"-inf"`:
		*f = rnum(math.Inf(-1))
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = rnum(v)
	return nil
}

// docScore is a [doc, score] pair.
type docScore struct {
	Doc   string
	Score float64
}

func (d *docScore) UnmarshalJSON(b []byte) error {
	var raw [2]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var s rnum
	if err := json.Unmarshal(raw[1], &s); err != nil {
		return err
	}
	d.Score = float64(s)
	return json.Unmarshal(raw[0], &d.Doc)
}

type ranxFusionCase struct {
	Method  string                `json:"method"`
	Norm    string                `json:"norm"`
	Runs    []string              `json:"runs"`
	Params  map[string]any        `json:"params"`
	Order   bool                  `json:"order"`
	Fused   map[string][]docScore `json:"fused"`
	Garbled map[string]int        `json:"garbled"`
	// JQaRA cases
	Means []rnum                `json:"means"`
	Pairs int                   `json:"pairs"`
	FSum  float64               `json:"fsum"`
	Head  map[string][]docScore `json:"head"`
}

func (c *ranxFusionCase) String() string { return c.Method + "/" + c.Norm }

func (c *ranxFusionCase) options(name string) FuseOptions {
	o := FuseOptions{Name: name, Norm: c.Norm}
	if w, ok := c.Params["weights"].([]any); ok {
		for _, x := range w {
			o.Weights = append(o.Weights, x.(float64))
		}
	}
	if v, ok := c.Params["k"].(float64); ok {
		o.K = v
	}
	if v, ok := c.Params["gamma"].(float64); ok {
		o.Gamma = v
	}
	if v, ok := c.Params["phi"].(float64); ok {
		o.Phi = v
	}
	if v, ok := c.Params["sigma"].(float64); ok {
		o.Sigma = v
	}
	return o
}

// near is agreement to 1e-12, relative for large values; NaN equals NaN.
func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func readRanxJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ranx", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("testdata/ranx/%s: %v", name, err)
	}
}

// checkFused compares a Go fused run with ranx's fused lists: the same
// queries and documents, scores to 1e-12, and the same order where ranx's
// order is defined (see ranx_reference.py: borda candidates come from a
// Python set; garbled keys break ranx's tie order).
func checkFused(t *testing.T, label string, got *Run, want map[string][]docScore, order bool, garbled map[string]int, head int) {
	t.Helper()
	wq := make([]string, 0, len(want))
	for q := range want {
		wq = append(wq, q)
	}
	sort.Strings(wq)
	if head == 0 && !slices.Equal(got.Queries(), wq) {
		t.Errorf("%s: queries %v, ranx %v", label, got.Queries(), wq)
	}
	for _, q := range wq {
		w := want[q]
		docs, scores := got.Docs(q)
		if head > 0 && len(docs) > head {
			docs, scores = docs[:head], scores[:head]
		}
		if len(docs) != len(w) {
			t.Errorf("%s %s: %d docs, ranx %d", label, q, len(docs), len(w))
			continue
		}
		ws := map[string]float64{}
		for _, x := range w {
			ws[x.Doc] = x.Score
		}
		for i, d := range docs {
			s, ok := ws[d]
			if !ok && head == 0 {
				t.Errorf("%s %s: doc %s not in ranx's run", label, q, d)
				continue
			}
			if ok && !near(scores[i], s) {
				t.Errorf("%s %s: %s = %.17g, ranx %.17g", label, q, d, scores[i], s)
			}
			if order && garbled[q] == 0 && w[i].Doc != d {
				t.Errorf("%s %s: rank %d is %s, ranx %s", label, q, i+1, d, w[i].Doc)
				break
			}
		}
		if !order || garbled[q] > 0 {
			// the order must still be by score
			for i := 1; i < len(scores); i++ {
				if scores[i] > scores[i-1] {
					t.Errorf("%s %s: not sorted by score at rank %d", label, q, i+1)
					break
				}
			}
		}
	}
}

type ranxFixture struct {
	Qrels    map[string]map[string]int                  `json:"qrels"`
	Runs     map[string]map[string][][2]json.RawMessage `json:"runs"`
	Metrics  []string                                   `json:"metrics"`
	PerQuery map[string]map[string][]rnum               `json:"per_query"`
	TTest    struct {
		Queries []string            `json:"queries"`
		Metrics []string            `json:"metrics"`
		P       [][]json.RawMessage `json:"p"`
	} `json:"ttest"`
	Fusion           []ranxFusionCase `json:"fusion"`
	DifferentQueries []ranxFusionCase `json:"different_queries"`
}

// fixtureRun builds run name from the fixture, in file order, keeping only
// the queries keep accepts.
func (f *ranxFixture) run(t *testing.T, name string, keep func(string) bool) *Run {
	t.Helper()
	r := NewRun(name)
	qs := make([]string, 0)
	for q := range f.Runs[name] {
		qs = append(qs, q)
	}
	sort.Strings(qs)
	for _, q := range qs {
		if keep != nil && !keep(q) {
			continue
		}
		for _, p := range f.Runs[name][q] {
			var d string
			var s float64
			if err := json.Unmarshal(p[0], &d); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(p[1], &s); err != nil {
				t.Fatal(err)
			}
			r.Add(q, d, s)
		}
	}
	return r
}

func (f *ranxFixture) qrels(keep func(string) bool) *Qrels {
	q := NewQrels()
	for id, docs := range f.Qrels {
		if keep != nil && !keep(id) {
			continue
		}
		for d, r := range docs {
			q.Add(id, d, r)
		}
	}
	return q
}

// TestRanxFixture checks every ranx metric per query, Student t-test
// p-values, and every fusion method x normalization on the small
// self-contained fixture (ties, negative and equal scores, graded and
// unjudged documents, runs covering different queries).
func TestRanxFixture(t *testing.T) {
	var f ranxFixture
	readRanxJSON(t, "fixture.json", &f)
	inQrels := func(q string) bool { _, ok := f.Qrels[q]; return ok }
	qrels := f.qrels(nil)
	t.Run("metrics", func(t *testing.T) {
		n := 0
		for _, name := range []string{"a", "b", "c"} {
			res, err := Evaluate(qrels, f.run(t, name, inQrels), f.Metrics, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range f.Metrics {
				want := f.PerQuery[name][m]
				for i, q := range res.Queries {
					n++
					if got := res.PerQuery[m][i]; !near(got, float64(want[i])) {
						t.Errorf("run %s %s %s = %.17g, ranx %.17g", name, q, m, got, float64(want[i]))
					}
				}
			}
		}
		t.Logf("%d per-query metric values agree with ranx", n)
	})
	t.Run("ttest", func(t *testing.T) {
		keep := func(q string) bool { return slices.Contains(f.TTest.Queries, q) }
		runs := []*Run{f.run(t, "a", keep), f.run(t, "b", keep), f.run(t, "c", keep)}
		rep, err := Compare(f.qrels(keep), runs, f.TTest.Metrics, CompareOptions{Bootstrap: -1})
		if err != nil {
			t.Fatal(err)
		}
		idx := map[string]int{"a": 0, "b": 1, "c": 2}
		for _, row := range f.TTest.P {
			var a, b, m string
			var p rnum
			for i, dst := range []any{&a, &b, &m, &p} {
				if err := json.Unmarshal(row[i], dst); err != nil {
					t.Fatal(err)
				}
			}
			got := rep.Runs[idx[a]].PValues[m][idx[b]]
			if !near(got, float64(p)) {
				t.Errorf("t-test %s vs %s on %s: p = %.17g, ranx %.17g", a, b, m, got, float64(p))
			}
		}
	})
	t.Run("fusion", func(t *testing.T) {
		runs := []*Run{f.run(t, "a", inQrels), f.run(t, "b", inQrels), f.run(t, "c", inQrels)}
		for i := range f.Fusion {
			c := &f.Fusion[i]
			got, err := Fuse(c.Method, runs, c.options(c.String()))
			if err != nil {
				t.Errorf("%s: %v", c, err)
				continue
			}
			checkFused(t, c.String(), got, c.Fused, c.Order, c.Garbled, 0)
		}
	})
	t.Run("different-queries", func(t *testing.T) {
		for i := range f.DifferentQueries {
			c := &f.DifferentQueries[i]
			var runs []*Run
			for _, name := range c.Runs {
				if name == "b" {
					runs = append(runs, f.run(t, "b", nil)) // with q6, which only b lists
				} else {
					runs = append(runs, f.run(t, name, func(q string) bool { return q != "q5" }))
				}
			}
			got, err := Fuse(c.Method, runs, c.options(c.Method))
			if err != nil {
				t.Fatal(err)
			}
			checkFused(t, fmt.Sprintf("%s(%s)", c.Method, strings.Join(c.Runs, ",")), got, c.Fused, c.Order, c.Garbled, 0)
		}
	})
}

type ranxJQaRA struct {
	Metrics []string          `json:"metrics"`
	Runs    map[string][]rnum `json:"runs"`
	TTest   struct {
		Metrics []string            `json:"metrics"`
		P       [][]json.RawMessage `json:"p"`
	} `json:"ttest"`
	Fusion struct {
		Runs    []string         `json:"runs"`
		Metrics []string         `json:"metrics"`
		Cases   []ranxFusionCase `json:"cases"`
	} `json:"fusion"`
}

// TestRanxJQaRA checks, on the 39 published JQaRA runs in ../shared, the mean
// of every ranx metric, the Student t-test p-value of every pair, and every
// fusion method x normalization of three runs against ranx.
func TestRanxJQaRA(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "reference", "jqara") // skips without ../shared
	var ref ranxJQaRA
	readRanxJSON(t, "jqara.json", &ref)
	qrels, err := ReadTRECQrelsFile(filepath.Join(dir, "qrels.trec"))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(ref.Runs))
	for n := range ref.Runs {
		names = append(names, n)
	}
	sort.Strings(names)
	runs := map[string]*Run{}
	for _, n := range names {
		r, err := ReadRunFile(filepath.Join(dir, "runs", n+".lz4"))
		if err != nil {
			t.Fatal(err)
		}
		r.SetName(n)
		runs[n] = r
	}
	t.Run("metrics", func(t *testing.T) {
		ev, err := NewEvaluator(qrels, ref.Metrics, Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, name := range names {
			res, err := ev.Evaluate(runs[name])
			if err != nil {
				t.Fatal(err)
			}
			for i, m := range ref.Metrics {
				n++
				if got, want := res.Mean[m], float64(ref.Runs[name][i]); !near(got, want) {
					t.Errorf("%s %s = %.17g, ranx %.17g", name, m, got, want)
				}
			}
		}
		t.Logf("%d run x metric means agree with ranx", n)
	})
	t.Run("ttest", func(t *testing.T) {
		list := make([]*Run, len(names))
		idx := map[string]int{}
		for i, n := range names {
			list[i], idx[n] = runs[n], i
		}
		rep, err := Compare(qrels, list, ref.TTest.Metrics, CompareOptions{Bootstrap: -1})
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for _, row := range ref.TTest.P {
			var a, b string
			json.Unmarshal(row[0], &a)
			json.Unmarshal(row[1], &b)
			for mi, m := range ref.TTest.Metrics {
				var p rnum
				if err := json.Unmarshal(row[2+mi], &p); err != nil {
					t.Fatal(err)
				}
				got := rep.Runs[idx[a]].PValues[m][idx[b]]
				if !near(got, float64(p)) {
					t.Errorf("t-test %s vs %s on %s: p = %.17g, ranx %.17g", a, b, m, got, float64(p))
				} else if d := math.Abs(got - float64(p)); d > worst {
					worst = d
				}
			}
		}
		t.Logf("%d p-values agree with ranx (largest difference %.3g)", len(ref.TTest.P)*len(ref.TTest.Metrics), worst)
	})
	t.Run("fusion", func(t *testing.T) {
		in := make([]*Run, len(ref.Fusion.Runs))
		for i, n := range ref.Fusion.Runs {
			in[i] = runs[n]
		}
		// ranx evaluates its fused run in the order fusion left it (no
		// re-sort), which Fuse's order reproduces: evaluate it as stored.
		ev, err := NewEvaluator(qrels, ref.Fusion.Metrics, Options{Ties: TiesStable})
		if err != nil {
			t.Fatal(err)
		}
		for i := range ref.Fusion.Cases {
			c := &ref.Fusion.Cases[i]
			got, err := Fuse(c.Method, in, c.options(c.String()))
			if err != nil {
				t.Errorf("%s: %v", c, err)
				continue
			}
			if got.Pairs() != c.Pairs {
				t.Errorf("%s: %d pairs, ranx %d", c, got.Pairs(), c.Pairs)
			}
			var all []float64
			for _, q := range got.Queries() {
				_, s := got.Docs(q)
				all = append(all, s...)
			}
			if s := fsum(all); !near(s, c.FSum) {
				t.Errorf("%s: sum of fused scores %.17g, ranx %.17g", c, s, c.FSum)
			}
			checkFused(t, c.String(), got, c.Head, c.Order, c.Garbled, 20)
			if !c.Order {
				continue // means depend on the order of tied documents
			}
			res, err := ev.Evaluate(got)
			if err != nil {
				t.Fatal(err)
			}
			for mi, m := range ref.Fusion.Metrics {
				if g, w := res.Mean[m], float64(c.Means[mi]); !near(g, w) {
					t.Errorf("%s: %s = %.17g, ranx %.17g", c, m, g, w)
				}
			}
		}
	})
}

// fsum is an exactly rounded sum (Shewchuk), as Python's math.fsum.
func fsum(xs []float64) float64 {
	var partials []float64
	for _, x := range xs {
		i := 0
		for _, y := range partials {
			if math.Abs(x) < math.Abs(y) {
				x, y = y, x
			}
			hi := x + y
			lo := y - (hi - x)
			if lo != 0 {
				partials[i] = lo
				i++
			}
			x = hi
		}
		partials = append(partials[:i], x)
	}
	s := 0.0
	for _, p := range partials {
		s += p
	}
	return s
}
