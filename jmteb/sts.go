package jmteb

import (
	"fmt"
	"math"

	"github.com/jretrieve/jretrieve/vecsim"
)

// PairSet is a split of a sentence-pair task (STS, pair classification):
// row i of A and of B embed sentence1 and sentence2 of pair i.
type PairSet struct {
	A, B vecsim.Matrix
}

func (p PairSet) check(name string, n int) error {
	if err := checkMatrix(name+" sentence1", p.A, n); err != nil {
		return err
	}
	if err := checkMatrix(name+" sentence2", p.B, n); err != nil {
		return err
	}
	return checkSameDim(p.A, p.B)
}

// stsFunctions are JMTEB's STS similarity functions in its order. JMTEB's
// "euclidean_distance" sums sqrt(square(difference)) over the dimensions,
// which is the negative Manhattan distance; it is reproduced as such.
var stsFunctions = []string{"cosine_similarity", "manhatten_distance", "euclidean_distance", "dot_score"}

// stsSimilarity computes one of stsFunctions for every pair, rounded to
// float32 as JMTEB's float32 tensors hold them.
func stsSimilarity(name string, p PairSet) []float64 {
	out := make([]float64, p.A.Rows)
	for i := range out {
		a, b := p.A.Row(i), p.B.Row(i)
		var s float64
		switch name {
		case "cosine_similarity":
			na, nb := normalized32(a), normalized32(b)
			for j := range na {
				s += float64(na[j] * nb[j])
			}
		case "manhatten_distance", "euclidean_distance":
			for j := range a {
				s -= math.Abs(float64(b[j] - a[j]))
			}
		case "dot_score":
			for j := range a {
				s += float64(a[j] * b[j])
			}
		}
		out[i] = float64(float32(s))
	}
	return out
}

// normalized32 is torch.nn.functional.normalize(p=2, eps=1e-12) of a
// float32 row: each value divided (in float32) by max(norm, 1e-12).
func normalized32(v []float32) []float32 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	n := float32(math.Sqrt(ss))
	if n < 1e-12 {
		n = 1e-12
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = x / n
	}
	return out
}

// STS is JMTEB's STSEvaluator: on the validation split each similarity
// function (cosine, negative Manhattan, JMTEB's "euclidean" (also
// Manhattan), dot product) is scored by the Spearman correlation of its
// similarities with the gold scores; the best one (the first on ties) is
// applied to the test split. Main metric: "spearman"; "pearson" is
// recorded too. A NaN correlation (constant input) counts as 0, as in JMTEB.
func STS(val PairSet, valGold []float64, test PairSet, testGold []float64) (*Result, error) {
	if err := val.check("validation", len(valGold)); err != nil {
		return nil, err
	}
	if err := test.check("test", len(testGold)); err != nil {
		return nil, err
	}
	if len(valGold) < 2 || len(testGold) < 2 {
		return nil, fmt.Errorf("jmteb: STS needs at least 2 pairs per split")
	}
	score := func(p PairSet, gold []float64, fn string) Scores {
		sim := stsSimilarity(fn, p)
		return Scores{"pearson": nan0(Pearson(gold, sim)), "spearman": nan0(Spearman(gold, sim))}
	}
	r := &Result{Metric: "spearman", OptimalKey: "optimal_similarity_metric", Val: map[string]Scores{}, Order: stsFunctions, MetricOrder: []string{"pearson", "spearman"}}
	for _, fn := range stsFunctions {
		r.Val[fn] = score(val, valGold, fn)
	}
	r.Optimal = best(stsFunctions, r.Val, "spearman")
	t := score(test, testGold, r.Optimal)
	r.Test = map[string]Scores{r.Optimal: t}
	r.Value = t["spearman"]
	return r, nil
}

func nan0(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}
