package eval

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// TiePolicy chooses the order of documents with equal scores.
type TiePolicy int

const (
	// TiesRanx reproduces ranx: numba's (unstable) quicksort argsort of the
	// negated scores applied to the file order.
	TiesRanx TiePolicy = iota
	// TiesTREC breaks ties by document id descending, as trec_eval does.
	TiesTREC
	// TiesStable keeps tied documents in file (insertion) order.
	TiesStable
)

func (t TiePolicy) String() string {
	switch t {
	case TiesRanx:
		return "ranx"
	case TiesTREC:
		return "trec"
	case TiesStable:
		return "stable"
	}
	return fmt.Sprintf("TiePolicy(%d)", int(t))
}

// ParseTiePolicy parses "ranx", "trec" or "stable".
func ParseTiePolicy(s string) (TiePolicy, error) {
	switch strings.ToLower(s) {
	case "ranx", "":
		return TiesRanx, nil
	case "trec", "trec_eval":
		return TiesTREC, nil
	case "stable", "file":
		return TiesStable, nil
	}
	return 0, fmt.Errorf("unknown tie policy %q (want ranx, trec or stable)", s)
}

// rankOrder returns the positions of docs in ranking order under policy.
// order and neg are reused buffers.
func rankOrder(docs []string, scores []float64, policy TiePolicy, order []int32, neg []float64) ([]int32, []float64) {
	n := len(scores)
	order = slices.Grow(order[:0], n)[:n]
	for i := range order {
		order[i] = int32(i)
	}
	switch policy {
	case TiesTREC:
		slices.SortFunc(order, func(a, b int32) int {
			if scores[a] != scores[b] {
				if scores[a] > scores[b] {
					return -1
				}
				return 1
			}
			return -strings.Compare(docs[a], docs[b])
		})
	case TiesStable:
		slices.SortStableFunc(order, func(a, b int32) int {
			switch {
			case scores[a] > scores[b]:
				return -1
			case scores[a] < scores[b]:
				return 1
			}
			return 0
		})
	default:
		neg = slices.Grow(neg[:0], n)[:n]
		for i, s := range scores {
			neg[i] = -s
		}
		numbaArgsort(neg, order)
	}
	return order, neg
}

// numbaLT is numba's lt_floats: NaNs sort last.
func numbaLT(a, b float64) bool {
	return a < b || (math.IsNaN(b) && !math.IsNaN(a))
}

const smallQuicksort = 15

// numbaArgsort sorts the index array r (initially 0..n-1) by a[r[i]]
// exactly as numba's np.argsort(kind="quicksort") does
// (numba/misc/quicksort.py, make_quicksort_impl with is_argsort=True):
// insertion sort for ranges shorter than 16, median-of-three pivot, Hoare
// partition, larger side pushed on the stack. The result order of equal keys
// is what ranx uses for ties.
func numbaArgsort(a []float64, r []int32) {
	n := len(r)
	if n < 2 {
		return
	}
	type part struct{ lo, hi int }
	var stackBuf [64]part
	stack := append(stackBuf[:0], part{0, n - 1})
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		lo, hi := p.lo, p.hi
		for hi-lo >= smallQuicksort {
			i := numbaPartition(a, r, lo, hi)
			if hi-i > i-lo {
				if hi > i {
					stack = append(stack, part{i + 1, hi})
				}
				hi = i - 1
			} else {
				if i > lo {
					stack = append(stack, part{lo, i - 1})
				}
				lo = i + 1
			}
		}
		numbaInsertion(a, r, lo, hi)
	}
}

func numbaInsertion(a []float64, r []int32, lo, hi int) {
	if hi <= lo {
		return
	}
	for i := lo + 1; i <= hi; i++ {
		k := r[i]
		v := a[k]
		j := i
		for j > lo && numbaLT(v, a[r[j-1]]) {
			r[j] = r[j-1]
			j--
		}
		r[j] = k
	}
}

func numbaPartition(a []float64, r []int32, lo, hi int) int {
	mid := (lo + hi) >> 1
	if numbaLT(a[r[mid]], a[r[lo]]) {
		r[lo], r[mid] = r[mid], r[lo]
	}
	if numbaLT(a[r[hi]], a[r[mid]]) {
		r[hi], r[mid] = r[mid], r[hi]
	}
	if numbaLT(a[r[mid]], a[r[lo]]) {
		r[lo], r[mid] = r[mid], r[lo]
	}
	pivot := a[r[mid]]
	r[hi], r[mid] = r[mid], r[hi]
	i, j := lo, hi-1
	for {
		for i < hi && numbaLT(a[r[i]], pivot) {
			i++
		}
		for j >= lo && numbaLT(pivot, a[r[j]]) {
			j--
		}
		if i >= j {
			break
		}
		r[i], r[j] = r[j], r[i]
		i++
		j--
	}
	r[i], r[hi] = r[hi], r[i]
	return i
}
