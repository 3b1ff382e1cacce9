package jmteb

import (
	"math"
	"sort"
)

// Pearson is scipy.stats.pearsonr's statistic: centred vectors divided by
// their norms, dotted, clipped to [-1, 1]. It returns NaN when either
// input is constant or shorter than 2.
func Pearson(x, y []float64) float64 {
	n := len(x)
	if n != len(y) || n < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var nx, ny float64
	for i := range x {
		nx += (x[i] - mx) * (x[i] - mx)
		ny += (y[i] - my) * (y[i] - my)
	}
	nx, ny = math.Sqrt(nx), math.Sqrt(ny)
	if nx == 0 || ny == 0 {
		return math.NaN()
	}
	var r float64
	for i := range x {
		r += (x[i] - mx) / nx * ((y[i] - my) / ny)
	}
	return math.Max(-1, math.Min(1, r))
}

// Spearman is scipy.stats.spearmanr's statistic: the Pearson correlation
// of the ranks, tied values sharing their average rank.
func Spearman(x, y []float64) float64 {
	return Pearson(Rank(x), Rank(y))
}

// Rank is scipy.stats.rankdata with method "average" (ranks from 1).
func Rank(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}

// Accuracy is sklearn.metrics.accuracy_score.
func Accuracy(yTrue, yPred []int) float64 {
	c := 0
	for i := range yTrue {
		if yTrue[i] == yPred[i] {
			c++
		}
	}
	return float64(c) / float64(len(yTrue))
}

// MacroF1 is sklearn.metrics.f1_score(average="macro"): the mean over the
// labels present in yTrue or yPred of each label's F1, 0 where it is
// undefined (zero_division).
func MacroF1(yTrue, yPred []int) float64 {
	tp, fp, fn := map[int]int{}, map[int]int{}, map[int]int{}
	labels := map[int]bool{}
	for i := range yTrue {
		labels[yTrue[i]] = true
		labels[yPred[i]] = true
		if yTrue[i] == yPred[i] {
			tp[yTrue[i]]++
		} else {
			fp[yPred[i]]++
			fn[yTrue[i]]++
		}
	}
	ls := make([]int, 0, len(labels))
	for l := range labels {
		ls = append(ls, l)
	}
	sort.Ints(ls)
	var sum float64
	for _, l := range ls {
		sum += f1(tp[l], fp[l], fn[l])
	}
	return sum / float64(len(ls))
}

// BinaryF1 is sklearn.metrics.f1_score with pos_label 1.
func BinaryF1(yTrue, yPred []int) float64 {
	var tp, fp, fn int
	for i := range yTrue {
		switch {
		case yTrue[i] == 1 && yPred[i] == 1:
			tp++
		case yTrue[i] != 1 && yPred[i] == 1:
			fp++
		case yTrue[i] == 1 && yPred[i] != 1:
			fn++
		}
	}
	return f1(tp, fp, fn)
}

// f1 as sklearn computes it: 2tp / (2tp + fp + fn), 0 when undefined.
func f1(tp, fp, fn int) float64 {
	d := 2*tp + fp + fn
	if d == 0 || tp == 0 {
		return 0
	}
	return 2 * float64(tp) / float64(d)
}

// VMeasure returns sklearn.metrics.homogeneity_completeness_v_measure
// (beta 1): homogeneity, completeness and V-measure of a clustering
// against the true classes.
func VMeasure(labelsTrue, labelsPred []int) (h, c, v float64) {
	n := len(labelsTrue)
	if n == 0 {
		return 1, 1, 1
	}
	ci := map[int]int{}
	ki := map[int]int{}
	for i := range labelsTrue {
		if _, ok := ci[labelsTrue[i]]; !ok {
			ci[labelsTrue[i]] = len(ci)
		}
		if _, ok := ki[labelsPred[i]]; !ok {
			ki[labelsPred[i]] = len(ki)
		}
	}
	cont := make([]int, len(ci)*len(ki))
	for i := range labelsTrue {
		cont[ci[labelsTrue[i]]*len(ki)+ki[labelsPred[i]]]++
	}
	rows := make([]int, len(ci))
	cols := make([]int, len(ki))
	for r := 0; r < len(ci); r++ {
		for k := 0; k < len(ki); k++ {
			rows[r] += cont[r*len(ki)+k]
			cols[k] += cont[r*len(ki)+k]
		}
	}
	entropy := func(counts []int) float64 {
		var e float64
		for _, c := range counts {
			if c > 0 {
				p := float64(c) / float64(n)
				e -= p * math.Log(p)
			}
		}
		return e
	}
	hC, hK := entropy(rows), entropy(cols)
	// mutual information as sklearn's mutual_info_score over the
	// non-zero cells of the contingency table
	var mi float64
	for r := 0; r < len(ci); r++ {
		for k := 0; k < len(ki); k++ {
			nij := cont[r*len(ki)+k]
			if nij == 0 {
				continue
			}
			p := float64(nij) / float64(n)
			mi += p * (math.Log(float64(nij)) + math.Log(float64(n)) - math.Log(float64(rows[r])) - math.Log(float64(cols[k])))
		}
	}
	if mi < 0 {
		mi = 0
	}
	h, c = 1, 1
	if hC != 0 {
		h = mi / hC
	}
	if hK != 0 {
		c = mi / hK
	}
	if h+c == 0 {
		return h, c, 0
	}
	return h, c, 2 * h * c / (h + c)
}
