package eval

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// Hand trace of numba's quicksort on 16 equal keys (the first size that
// partitions): median-of-three swaps nothing, the pivot (index 7) is parked
// at 15, the Hoare loop swaps the pairs (0,14) (1,13) ... (6,8), stops at
// i=j=7, and the pivot is swapped back; the halves are insertion-sorted
// (stable, no change).
func TestNumbaArgsortAllTied16(t *testing.T) {
	a := make([]float64, 16)
	r := make([]int32, 16)
	for i := range r {
		r[i] = int32(i)
	}
	numbaArgsort(a, r)
	want := []int32{14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15}
	if !slices.Equal(r, want) {
		t.Errorf("got %v, want %v", r, want)
	}
}

// Up to 16 elements numba uses insertion sort, which is stable.
func TestNumbaArgsortSmallIsStable(t *testing.T) {
	a := []float64{2, 1, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2}
	r := make([]int32, len(a))
	for i := range r {
		r[i] = int32(i)
	}
	numbaArgsort(a, r)
	want := []int32{4, 7, 10, 13, 1, 3, 6, 9, 12, 0, 2, 5, 8, 11, 14}
	if !slices.Equal(r, want) {
		t.Errorf("got %v, want %v", r, want)
	}
}

// numbaArgsort must always return a sorted permutation.
func TestNumbaArgsortSorts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		n := rng.IntN(300)
		a := make([]float64, n)
		for i := range a {
			a[i] = float64(rng.IntN(1 + trial%20))
		}
		r := make([]int32, n)
		for i := range r {
			r[i] = int32(i)
		}
		numbaArgsort(a, r)
		seen := make([]bool, n)
		for i, p := range r {
			if seen[p] {
				t.Fatalf("trial %d: index %d twice", trial, p)
			}
			seen[p] = true
			if i > 0 && a[r[i-1]] > a[p] {
				t.Fatalf("trial %d: not sorted at %d", trial, i)
			}
		}
	}
}

func TestTiePolicies(t *testing.T) {
	docs := []string{"b", "c", "a", "d"}
	scores := []float64{1, 2, 1, 1}
	cases := map[TiePolicy][]string{
		TiesStable: {"c", "b", "a", "d"},
		TiesTREC:   {"c", "d", "b", "a"}, // doc id descending inside ties
		TiesRanx:   {"c", "b", "a", "d"}, // insertion sort for n < 16: stable
	}
	for p, want := range cases {
		order, _ := rankOrder(docs, scores, p, nil, nil)
		got := make([]string, len(order))
		for i, o := range order {
			got[i] = docs[o]
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", p, got, want)
		}
	}
	for _, s := range []string{"ranx", "trec", "stable"} {
		p, err := ParseTiePolicy(s)
		if err != nil || p.String() != s {
			t.Errorf("ParseTiePolicy(%q) = %v, %v", s, p, err)
		}
	}
	if _, err := ParseTiePolicy("random"); err == nil {
		t.Error("no error for unknown policy")
	}
}

// The tie-aware bounds contain the value of every tie policy and of random
// tie orders, per query and in the mean, for every metric.
func TestTieBoundsContainEveryOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	metrics := []string{"ndcg@5", "ndcg", "ndcg_burges@10", "dcg@3", "mrr@3", "mrr", "map@5", "map",
		"precision@4", "recall@4", "f1@4", "hits@2", "hit_rate@1", "r-precision", "ndcg@10-l2", "map-l2"}
	for trial := 0; trial < 200; trial++ {
		q := NewQrels()
		r := NewRun("r")
		nq := 1 + rng.IntN(5)
		for qi := 0; qi < nq; qi++ {
			qid := fmt.Sprintf("q%d", qi)
			nd := rng.IntN(40)
			levels := 1 + rng.IntN(4) // few distinct scores: many ties
			for d := 0; d < nd; d++ {
				doc := fmt.Sprintf("d%02d", rng.IntN(60))
				r.Add(qid, doc, float64(rng.IntN(levels)))
			}
			for d := 0; d < 1+rng.IntN(10); d++ {
				q.Add(qid, fmt.Sprintf("d%02d", rng.IntN(60)), rng.IntN(4))
			}
			r.AddQuery(qid)
		}
		var results []*Result
		for _, p := range []TiePolicy{TiesRanx, TiesTREC, TiesStable} {
			res, err := Evaluate(q, r, metrics, Options{Ties: p})
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, res)
		}
		// random tie orders: shuffle the insertion order, evaluate stably
		for s := 0; s < 3; s++ {
			sh := NewRun("shuffled")
			for _, qid := range r.Queries() {
				docs, scores := r.Docs(qid)
				sh.AddQuery(qid)
				for _, i := range rng.Perm(len(docs)) {
					sh.Add(qid, docs[i], scores[i])
				}
			}
			res, err := Evaluate(q, sh, metrics, Options{Ties: TiesStable})
			if err != nil {
				t.Fatal(err)
			}
			results = append(results, res)
		}
		for _, res := range results {
			ref := results[0] // bounds do not depend on the policy
			for _, m := range metrics {
				lo, hi := ref.TieRange(m)
				if v := res.Mean[m]; v < lo || v > hi {
					t.Fatalf("trial %d %s: mean %v outside [%v, %v]", trial, m, v, lo, hi)
				}
				for i, v := range res.PerQuery[m] {
					l, h := ref.PessimisticPerQuery[m][i], ref.OptimisticPerQuery[m][i]
					if v < l || v > h {
						t.Fatalf("trial %d %s query %d: %v outside [%v, %v]", trial, m, i, v, l, h)
					}
				}
			}
		}
	}
}

// Without ties the bounds collapse onto the value.
func TestTieBoundsNoTies(t *testing.T) {
	q, r := metricFixture()
	res, err := Evaluate(q, r, []string{"ndcg@3", "mrr"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Metrics {
		lo, hi := res.TieRange(m)
		if lo != res.Mean[m] || hi != res.Mean[m] {
			t.Errorf("%s: range [%v, %v] around %v without ties", m, lo, hi, res.Mean[m])
		}
	}
	// one tie between a relevant and a non-relevant doc at rank 1-2
	q2 := NewQrels()
	q2.Add("q", "rel", 1)
	r2 := NewRun("r")
	r2.Add("q", "non", 0.5)
	r2.Add("q", "rel", 0.5)
	res, err = Evaluate(q2, r2, []string{"mrr"}, Options{Ties: TiesStable})
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := res.TieRange("mrr"); lo != 0.5 || hi != 1 || res.Mean["mrr"] != 0.5 {
		t.Errorf("mrr %v range [%v, %v], want 0.5 in [0.5, 1]", res.Mean["mrr"], lo, hi)
	}
}
