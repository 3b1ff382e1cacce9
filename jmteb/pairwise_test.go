package jmteb

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestNearestExact: the SIMD-ranked nearest row is the exact float64
// nearest row (first on ties), also with duplicates and near ties.
func TestNearestExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, m, d = 300, 200, 64
	mk := func(n int) [][]float64 {
		rows := make([][]float64, n)
		for i := range rows {
			rows[i] = make([]float64, d)
			for j := range rows[i] {
				rows[i][j] = float64(float32(rng.NormFloat64()))
			}
		}
		return rows
	}
	A, B := mk(n), mk(m)
	copy(B[7], A[3]) // a duplicate: distance 0
	copy(B[9], A[3]) // and a tie with it: the first wins
	for j := range A[5] {
		B[11][j] = float64(float32(A[5][j] + 1e-7)) // a near tie
		B[12][j] = float64(float32(A[5][j] - 1e-7))
	}
	got := nearest(newDense64(A, d), newDense64(B, d))
	for i := range A {
		want, wd := -1, math.Inf(1)
		for j := range B {
			if dd := sqDist(A[i], B[j]); dd < wd {
				want, wd = j, dd
			}
		}
		if got[i] != want {
			t.Errorf("row %d: nearest %d, want %d", i, got[i], want)
		}
	}
	if got[3] != 7 {
		t.Errorf("duplicate: %d", got[3])
	}
}
