package vecsim

import (
	"math"
	"math/rand/v2"
	"sort"
)

// awkwardDims are the dimensions every kernel is checked on.
var awkwardDims = []int{1, 7, 63, 64, 65, 255, 256, 768, 1024, 1025}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

func randMatrix(r *rand.Rand, rows, dim int) Matrix {
	m := NewMatrix(rows, dim)
	for i := range m.Data {
		m.Data[i] = float32(r.NormFloat64())
	}
	return m
}

// dot64 is the float64 reference inner product and the sum of |a_i b_i|
// (for error bounds).
func dot64(a, b []float32) (float64, float64) {
	var s, abs float64
	for i := range a {
		p := float64(a[i]) * float64(b[i])
		s += p
		abs += math.Abs(p)
	}
	return s, abs
}

// within checks a float32 sum of n terms against the float64 value, with the
// classical recursive-summation bound n*u*sum|terms| (u = 2^-24), doubled.
func within(got float32, want, abs float64, n int) bool {
	if math.IsNaN(want) {
		return got != got
	}
	tol := 2*float64(n+1)*0x1p-24*abs + 1e-30
	return math.Abs(float64(got)-want) <= tol
}

// refTopK is an independent top-k: sort all (index, score) pairs.
func refTopK(scores []float32, k int) []Hit {
	var hs []Hit
	for i, s := range scores {
		if s == s {
			hs = append(hs, Hit{i, s})
		}
	}
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].Score > hs[j].Score })
	if k < len(hs) {
		hs = hs[:k]
	}
	return hs
}
