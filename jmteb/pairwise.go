package jmteb

import (
	"math"
	"runtime"
	"sync"
)

// dense64 is a row-major float64 copy of a matrix with its squared row
// norms.
type dense64 struct {
	n, d  int
	x     []float64
	norms []float64
}

func newDense64(rows [][]float64, d int) *dense64 {
	m := &dense64{n: len(rows), d: d, x: make([]float64, len(rows)*d), norms: make([]float64, len(rows))}
	for i, r := range rows {
		copy(m.x[i*d:], r)
		var s float64
		for _, v := range r {
			s += v * v
		}
		m.norms[i] = s
	}
	return m
}

func (m *dense64) row(i int) []float64 { return m.x[i*m.d : (i+1)*m.d] }

// dot4x4 returns the 16 inner products of rows a[0..3] and b[0..3].
func dot4x4(a, b *[4][]float64) (out [16]float64) {
	a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
	b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
	n := len(a0)
	a1, a2, a3 = a1[:n], a2[:n], a3[:n]
	b0, b1, b2, b3 = b0[:n], b1[:n], b2[:n], b3[:n]
	var s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33 float64
	for k := 0; k < n; k++ {
		x0, x1, x2, x3 := a0[k], a1[k], a2[k], a3[k]
		y0, y1, y2, y3 := b0[k], b1[k], b2[k], b3[k]
		s00 += x0 * y0
		s01 += x0 * y1
		s02 += x0 * y2
		s03 += x0 * y3
		s10 += x1 * y0
		s11 += x1 * y1
		s12 += x1 * y2
		s13 += x1 * y3
		s20 += x2 * y0
		s21 += x2 * y1
		s22 += x2 * y2
		s23 += x2 * y3
		s30 += x3 * y0
		s31 += x3 * y1
		s32 += x3 * y2
		s33 += x3 * y3
	}
	return [16]float64{s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33}
}

// sqDistPair is the squared Euclidean distance of row i of a and row j of
// b through |x|^2 + |y|^2 - 2 x.y (dot from the blocked kernel); where
// that form loses the digits that matter (distances small next to the
// norms, duplicates above all) it is recomputed directly, as scipy does.
func sqDistPair(a, b *dense64, i, j int, dot float64) float64 {
	ni, nj := a.norms[i], b.norms[j]
	d2 := ni + nj - 2*dot
	if d2 < 1e-4*(ni+nj) {
		return sqDist(a.row(i), b.row(j))
	}
	return d2
}

// blockRows returns the rows r0..r0+3 of m (repeating the last row past
// the end) and how many are real.
func blockRows(m *dense64, r0 int) (rows [4][]float64, k int) {
	for t := 0; t < 4; t++ {
		r := min(r0+t, m.n-1)
		rows[t] = m.row(r)
	}
	return rows, min(4, m.n-r0)
}

// euclideanSquare returns the full n x n matrix of Euclidean distances
// (float64), computed in 4 x 4 blocks on GOMAXPROCS goroutines.
func euclideanSquare(m *dense64) []float64 {
	n := m.n
	D := make([]float64, n*n)
	nb := (n + 3) / 4
	t := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < t; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for bi := w; bi < nb; bi += t {
				ra, ka := blockRows(m, bi*4)
				for bj := bi; bj < nb; bj++ {
					rb, kb := blockRows(m, bj*4)
					g := dot4x4(&ra, &rb)
					for p := 0; p < ka; p++ {
						for q := 0; q < kb; q++ {
							i, j := bi*4+p, bj*4+q
							if j <= i {
								continue
							}
							d := math.Sqrt(math.Max(sqDistPair(m, m, i, j, g[p*4+q]), 0))
							D[i*n+j] = d
							D[j*n+i] = d
						}
					}
				}
			}
		}(w)
	}
	wg.Wait()
	return D
}

// nearest returns, for each row of a, the index of the nearest row of b
// (the first on ties) by squared Euclidean distance.
func nearest(a, b *dense64) []int {
	out := make([]int, a.n)
	best := make([]float64, a.n)
	for i := range best {
		best[i] = math.Inf(1)
	}
	na := (a.n + 3) / 4
	t := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < t; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for bi := w; bi < na; bi += t {
				ra, ka := blockRows(a, bi*4)
				for bj := 0; bj*4 < b.n; bj++ {
					rb, kb := blockRows(b, bj*4)
					g := dot4x4(&ra, &rb)
					for p := 0; p < ka; p++ {
						i := bi*4 + p
						for q := 0; q < kb; q++ {
							j := bj*4 + q
							if d := sqDistPair(a, b, i, j, g[p*4+q]); d < best[i] {
								best[i], out[i] = d, j
							}
						}
					}
				}
			}
		}(w)
	}
	wg.Wait()
	return out
}
