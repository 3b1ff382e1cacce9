package eval

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// For 4 degrees of freedom the t distribution has a closed form:
// two-sided p = 1 - (3/2) u (1 - u^2/3), u = t / sqrt(t^2 + 4).
func TestPairedTTestClosedForm(t *testing.T) {
	a := []float64{1, 2, 3, 4, 5}
	b := []float64{2, 2, 2, 2, 2} // d = -1 0 1 2 3: mean 1, sd sqrt(2.5), t = sqrt(2)
	u := math.Sqrt2 / math.Sqrt(6)
	want := 1 - 1.5*u*(1-u*u/3)
	if got := pairedTTest(a, b); math.Abs(got-want) > 1e-9 {
		t.Errorf("p = %v, want %v", got, want)
	}
	if got := pairedTTest(a, a); !math.IsNaN(got) {
		t.Errorf("identical samples: p = %v, want NaN (as scipy)", got)
	}
	if got := pairedTTest([]float64{1, 2}, []float64{0, 1}); got != 0 {
		t.Errorf("constant non-zero difference: p = %v, want 0", got)
	}
}

// Exact randomization distribution of d = -1 0 1 2 3: 6 of the 16 sign
// patterns of {1,1,2,3} reach |sum| >= 5, so p = 0.375.
func TestFisherRandomization(t *testing.T) {
	a := []float64{1, 2, 3, 4, 5}
	b := []float64{2, 2, 2, 2, 2}
	p := fisherRandomization(a, b, 20000, 42)
	if math.Abs(p-0.375) > 0.015 {
		t.Errorf("p = %v, want about 0.375", p)
	}
	if p2 := fisherRandomization(a, b, 20000, 42); p2 != p {
		t.Errorf("not deterministic: %v vs %v", p, p2)
	}
	if p := fisherRandomization(a, a, 100, 1); p != 1 {
		t.Errorf("identical: p = %v", p)
	}
}

// compareFixture: three runs over 40 queries; "good" ranks the relevant doc
// first everywhere, "mid" in half the queries, "tied" ties it with a
// non-relevant doc.
func compareFixture() (*Qrels, []*Run) {
	q := NewQrels()
	good, mid, tied := NewRun("good"), NewRun("mid"), NewRun("tied")
	for i := 0; i < 40; i++ {
		qid := fmt.Sprintf("q%02d", i)
		q.Add(qid, "rel", 1)
		good.Add(qid, "rel", 2)
		good.Add(qid, "non", 1)
		if i%2 == 0 {
			mid.Add(qid, "rel", 2)
			mid.Add(qid, "non", 1)
		} else {
			mid.Add(qid, "non", 2)
			mid.Add(qid, "x", 1.5)
			mid.Add(qid, "rel", 1)
		}
		tied.Add(qid, "non", 1)
		tied.Add(qid, "rel", 1)
	}
	return q, []*Run{good, mid, tied}
}

func TestCompare(t *testing.T) {
	q, runs := compareFixture()
	rep, err := Compare(q, runs, []string{"mrr", "ndcg@2"}, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Runs[0].Wins["mrr"]; !slices.Equal(got, []int{1, 2}) {
		t.Errorf("good beats %v, want [1 2]", got)
	}
	// mid (1, 1/3, 1, ...) vs tied (0.5 each): d = 0.5, -1/6, ...: mean 1/6,
	// sd 1/3*sqrt(40/39), t = 3.08 on 39 df, p = 0.004 < 0.01.
	if got := rep.Runs[1].Wins["mrr"]; !slices.Equal(got, []int{2}) {
		t.Errorf("mid beats %v, want [2]", got)
	}
	if got := rep.Runs[2].Wins["mrr"]; len(got) != 0 {
		t.Errorf("tied beats %v", got)
	}
	// mid: mrr 1 and 1/3 alternating -> 2/3; tied (stable: rel second) 0.5
	if m := rep.Runs[1].Result.Mean["mrr"]; math.Abs(m-2.0/3) > 1e-12 {
		t.Errorf("mid mrr %v", m)
	}
	lo, hi := rep.Runs[2].Result.TieRange("mrr")
	if lo != 0.5 || hi != 1 {
		t.Errorf("tied range [%v %v], want [0.5 1]", lo, hi)
	}
	ci := rep.Runs[1].CI["mrr"]
	if !(ci[0] < 2.0/3 && 2.0/3 < ci[1]) {
		t.Errorf("CI %v does not contain the mean", ci)
	}
	if ci := rep.Runs[0].CI["mrr"]; ci != [2]float64{1, 1} {
		t.Errorf("constant run CI %v, want [1 1]", ci)
	}
	// Bonferroni multiplies by the 3 pairs
	rep2, err := Compare(q, runs, []string{"mrr"}, CompareOptions{Bonferroni: true})
	if err != nil {
		t.Fatal(err)
	}
	p1, p2 := rep.Runs[1].PValues["mrr"][2], rep2.Runs[1].PValues["mrr"][2]
	if math.Abs(p2-math.Min(1, 3*p1)) > 1e-15 {
		t.Errorf("Bonferroni p %v, plain %v", p2, p1)
	}
	if _, err := Compare(q, runs, []string{"mrr"}, CompareOptions{Test: "wilcoxon"}); err == nil {
		t.Error("no error for an unknown test")
	}
	dup := []*Run{runs[0], runs[0]}
	if _, err := Compare(q, dup, []string{"mrr"}, CompareOptions{}); err == nil || !strings.Contains(err.Error(), `"good"`) {
		t.Errorf("duplicate names: %v", err)
	}
}

// Golden reports, one per format; rerun with -update after a deliberate
// change. Every format must be byte-identical across runs.
func TestReportGolden(t *testing.T) {
	q, runs := compareFixture()
	for _, f := range ReportFormats() {
		var outs [2][]byte
		for i := range outs {
			rep, err := CompareContext(context.Background(), q, runs, []string{"mrr", "ndcg@2", "precision@1"}, CompareOptions{ShowCI: true, Bootstrap: 200})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := rep.Write(&buf, f); err != nil {
				t.Fatal(err)
			}
			outs[i] = buf.Bytes()
		}
		if !bytes.Equal(outs[0], outs[1]) {
			t.Errorf("%s: output differs between runs", f)
		}
		path := filepath.Join("testdata", "report."+f)
		if *update {
			if err := os.WriteFile(path, outs[0], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(outs[0], want) {
			t.Errorf("%s differs from %s:\n%s", f, path, outs[0])
		}
	}
	var buf bytes.Buffer
	rep, _ := Compare(q, runs, []string{"mrr"}, CompareOptions{})
	if err := rep.Write(&buf, "yaml"); err == nil {
		t.Error("no error for an unknown format")
	}
}

func TestLetters(t *testing.T) {
	for i, want := range map[int]string{0: "a", 25: "z", 26: "aa", 27: "ab", 51: "az", 52: "ba"} {
		if got := letter(i); got != want {
			t.Errorf("letter(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestFuse(t *testing.T) {
	a := NewRun("a")
	a.Add("q", "d1", 3)
	a.Add("q", "d2", 2)
	a.Add("q", "d3", 1)
	b := NewRun("b")
	b.Add("q", "d2", 10)
	b.Add("q", "d4", 5)
	b.Add("q2", "x", 1)
	s23 := math.Sqrt(2.0 / 3)
	cases := []struct {
		method string
		opt    FuseOptions
		want   map[string]float64
		order  []string
	}{
		{"rrf", FuseOptions{}, map[string]float64{"d1": 1.0 / 61, "d2": 1.0/62 + 1.0/61, "d3": 1.0 / 63, "d4": 1.0 / 62}, []string{"d2", "d1", "d4", "d3"}},
		{"rrf", FuseOptions{K: 1}, map[string]float64{"d1": 0.5, "d2": 1.0/3 + 0.5, "d3": 0.25, "d4": 1.0 / 3}, []string{"d2", "d1", "d4", "d3"}},
		{"combsum", FuseOptions{}, map[string]float64{"d1": 1, "d2": 1.5, "d3": 0, "d4": 0}, []string{"d2", "d1", "d3", "d4"}},
		{"combmnz", FuseOptions{}, map[string]float64{"d1": 1, "d2": 3, "d3": 0, "d4": 0}, []string{"d2", "d1", "d3", "d4"}},
		{"combsum", FuseOptions{Norm: "zscore"}, map[string]float64{"d1": 1 / s23, "d2": 1, "d3": -1 / s23, "d4": -1}, []string{"d1", "d2", "d4", "d3"}},
		{"combsum", FuseOptions{Weights: []float64{2, 1}, Norm: "none"}, map[string]float64{"d1": 6, "d2": 14, "d3": 2, "d4": 5}, []string{"d2", "d1", "d4", "d3"}},
	}
	for _, c := range cases {
		f, err := Fuse(c.method, []*Run{a, b}, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		docs, scores := f.Docs("q")
		if !slices.Equal(docs, c.order) {
			t.Errorf("%s %+v: order %v, want %v", c.method, c.opt, docs, c.order)
		}
		for i, d := range docs {
			if math.Abs(scores[i]-c.want[d]) > 1e-12 {
				t.Errorf("%s %+v: %s = %v, want %v", c.method, c.opt, d, scores[i], c.want[d])
			}
		}
		// ranx fuses the first run's queries only: q2 (only in b) is dropped.
		if f.Has("q2") {
			t.Errorf("%s: kept q2, which only the second run lists (ranx drops it)", c.method)
		}
	}
	if _, err := Fuse("borda", []*Run{a, b}, FuseOptions{}); err == nil {
		t.Error("no error for an unknown method")
	}
	if _, err := Fuse("rrf", []*Run{a, b}, FuseOptions{Weights: []float64{1}}); err == nil {
		t.Error("no error for a wrong weight count")
	}
}

// Weights and k that would turn every fused score into NaN or 0 are errors,
// not silently wrong runs.
func TestFuseRejectsNonFiniteOptions(t *testing.T) {
	a := NewRun("a")
	a.Add("q", "d1", 3)
	a.Add("q", "d2", 2)
	b := NewRun("b")
	b.Add("q", "d2", 1)
	for _, c := range []struct {
		method string
		opt    FuseOptions
	}{
		{"combsum", FuseOptions{Weights: []float64{math.NaN(), 1}}},
		{"rrf", FuseOptions{Weights: []float64{1, math.Inf(1)}}},
		{"rrf", FuseOptions{K: math.Inf(1)}},
	} {
		f, err := Fuse(c.method, []*Run{a, b}, c.opt)
		if err == nil {
			_, s := f.Docs("q")
			t.Errorf("%s %+v: no error, scores %v", c.method, c.opt, s)
		}
	}
}
