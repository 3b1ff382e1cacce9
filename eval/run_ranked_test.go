package eval

import "testing"

// Ranked stores ranx's first sort; evaluating it sorts again, as ranx does
// with a run reloaded from its own file.
func TestRunRanked(t *testing.T) {
	r := NewRun("x")
	r.Add("q2", "a", 1)
	r.Add("q1", "b", 0.5)
	r.Add("q1", "c", 2)
	r.Add("q1", "d", 0.5)
	r.AddQuery("q3")
	got := r.Ranked(TiesStable)
	if q := got.Queries(); len(q) != 3 || q[0] != "q1" || q[2] != "q3" {
		t.Fatalf("queries %v", q)
	}
	docs, scores := got.Docs("q1")
	want := []string{"c", "b", "d"}
	for i := range want {
		if docs[i] != want[i] {
			t.Fatalf("q1 docs %v scores %v, want %v", docs, scores, want)
		}
	}
	if !got.Has("q3") {
		t.Error("empty query dropped")
	}
	// With the ranx policy the stored order is exactly the evaluation
	// order of the original run (quicksort over insertion order).
	big := NewRun("ties")
	for i := 0; i < 40; i++ {
		big.Add("q", string(rune('A'+i)), float64(i%3))
	}
	ranked := big.Ranked(TiesRanx)
	docs, _ = ranked.Docs("q")
	ord, _ := rankOrder(func() []string { d, _ := big.Docs("q"); return d }(), func() []float64 { _, s := big.Docs("q"); return s }(), TiesRanx, nil, nil)
	orig, _ := big.Docs("q")
	for i, j := range ord {
		if docs[i] != orig[j] {
			t.Fatalf("Ranked order differs from rankOrder at %d", i)
		}
	}
}
