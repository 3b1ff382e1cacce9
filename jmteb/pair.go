package jmteb

import (
	"fmt"
	"math"
	"sort"
)

// pairFunctions are JMTEB's pair-classification scores in its order.
// JMTEB decides the direction by the names "cosine_distance" and
// "dot_similarities"; as its cosine entry is named "cosine_distances", the
// cosine similarity is treated as a distance (lower = more similar), and
// that is reproduced: only dot_similarities counts higher as more similar.
var pairFunctions = []string{"cosine_distances", "manhatten_distances", "euclidean_distances", "dot_similarities"}

// pairScores computes one of pairFunctions for every pair as float32
// values (JMTEB computes them on float32 arrays).
func pairScores(name string, p PairSet) []float32 {
	out := make([]float32, p.A.Rows)
	for i := range out {
		a, b := p.A.Row(i), p.B.Row(i)
		var s float64
		switch name {
		case "cosine_distances":
			// 1 - sklearn paired_cosine_distances = 1 - |a/|a| - b/|b||^2 / 2
			na, nb := sklearnNormalized(a), sklearnNormalized(b)
			var d float64
			for j := range na {
				x := float64(na[j] - nb[j])
				d += x * x
			}
			out[i] = 1 - float32(0.5*float64(float32(d)))
			continue
		case "manhatten_distances":
			for j := range a {
				s += math.Abs(float64(a[j] - b[j]))
			}
		case "euclidean_distances":
			for j := range a {
				x := float64(a[j] - b[j])
				s += x * x
			}
			s = float64(float32(math.Sqrt(float64(float32(s)))))
		case "dot_similarities":
			for j := range a {
				s += float64(a[j]) * float64(b[j])
			}
		}
		out[i] = float32(s)
	}
	return out
}

// sklearnNormalized is sklearn.preprocessing.normalize (l2) of a float32
// row: a zero row stays zero.
func sklearnNormalized(v []float32) []float32 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	n := float32(math.Sqrt(ss))
	out := make([]float32, len(v))
	if n == 0 {
		return out
	}
	for i, x := range v {
		out[i] = x / n
	}
	return out
}

// PairClassification is JMTEB's PairClassificationEvaluator for binary
// labels (0/1): on the validation split, for each score (cosine,
// Manhattan, Euclidean, dot product) the thresholds maximising accuracy
// and binary F1 are found by JMTEB's sweep (scores sorted, the threshold
// halfway between consecutive scores); the score with the best validation
// F1 (the first on ties) is applied with its thresholds to the test split.
// Main metric: "binary_f1"; "accuracy" and both thresholds are recorded.
func PairClassification(val PairSet, valLabels []int, test PairSet, testLabels []int) (*Result, error) {
	if err := val.check("validation", len(valLabels)); err != nil {
		return nil, err
	}
	if err := test.check("test", len(testLabels)); err != nil {
		return nil, err
	}
	for _, ls := range [][]int{valLabels, testLabels} {
		seen := map[int]bool{}
		for i, l := range ls {
			if l != 0 && l != 1 {
				return nil, fmt.Errorf("jmteb: pair classification: label %d of pair %d is not 0 or 1", l, i)
			}
			seen[l] = true
		}
		if len(seen) != 2 {
			return nil, fmt.Errorf("jmteb: pair classification needs both labels 0 and 1 in each split")
		}
	}
	r := &Result{Metric: "binary_f1", OptimalKey: "optimal_distance_metric", Val: map[string]Scores{}, Order: pairFunctions,
		MetricOrder: []string{"accuracy", "accuracy_threshold", "binary_f1", "binary_f1_threshold"}}
	for _, fn := range pairFunctions {
		s := pairScores(fn, val)
		high := fn == "dot_similarities"
		acc, accT := bestAccuracyThreshold(s, valLabels, high)
		f, fT := bestF1Threshold(s, valLabels, high)
		r.Val[fn] = Scores{"accuracy": acc, "accuracy_threshold": float64(accT), "binary_f1": f, "binary_f1_threshold": float64(fT)}
	}
	r.Optimal = best(pairFunctions, r.Val, "binary_f1")
	v := r.Val[r.Optimal]
	s := pairScores(r.Optimal, test)
	high := r.Optimal == "dot_similarities"
	accT, fT := float32(v["accuracy_threshold"]), float32(v["binary_f1_threshold"])
	t := Scores{
		"accuracy":            Accuracy(testLabels, classify(s, accT, high)),
		"accuracy_threshold":  float64(accT),
		"binary_f1":           BinaryF1(testLabels, classify(s, fT, high)),
		"binary_f1_threshold": float64(fT),
	}
	r.Test = map[string]Scores{r.Optimal: t}
	r.Value = t["binary_f1"]
	return r, nil
}

func classify(s []float32, threshold float32, high bool) []int {
	out := make([]int, len(s))
	for i, x := range s {
		if (x < threshold) != high {
			out[i] = 1
		}
	}
	return out
}

// sortedRows orders the pairs by score as Python's stable sorted(), with
// reverse=True for high.
func sortedRows(s []float32, high bool) []int {
	idx := make([]int, len(s))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if high {
			return s[idx[a]] > s[idx[b]]
		}
		return s[idx[a]] < s[idx[b]]
	})
	return idx
}

func bestAccuracyThreshold(s []float32, labels []int, high bool) (float64, float32) {
	rows := sortedRows(s, high)
	maxAcc, best := 0.0, float32(-1)
	pos, negLeft := 0, 0
	for _, l := range labels {
		if l == 0 {
			negLeft++
		}
	}
	for i := 0; i < len(rows)-1; i++ {
		if labels[rows[i]] == 1 {
			pos++
		} else {
			negLeft--
		}
		acc := float64(pos+negLeft) / float64(len(labels))
		if acc > maxAcc {
			maxAcc = acc
			best = (s[rows[i]] + s[rows[i+1]]) / 2
		}
	}
	return maxAcc, best
}

func bestF1Threshold(s []float32, labels []int, high bool) (float64, float32) {
	rows := sortedRows(s, high)
	bestF1, best := 0.0, float32(-1)
	pos, total := 0, 0
	for _, l := range labels {
		total += l
	}
	for i := 0; i < len(rows)-1; i++ {
		if labels[rows[i]] == 1 {
			pos++
		}
		if pos == 0 {
			continue
		}
		precision := float64(pos) / float64(i+1)
		recall := float64(pos) / float64(total)
		f := 2 / (1/precision + 1/recall)
		if f > bestF1 {
			bestF1 = f
			best = (s[rows[i]] + s[rows[i+1]]) / 2
		}
	}
	return bestF1, best
}
