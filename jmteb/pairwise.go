package jmteb

import (
	"math"
	"runtime"
	"sync"

	"github.com/jretrieve/jretrieve/vecsim"
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

// dot2x4 returns the 8 inner products of rows a[0..1] and b[0..3]. Two
// by four keeps the 8 accumulators and 6 operands in registers (a 4 x 4
// block spills on amd64 and runs at half the speed).
func dot2x4(a *[2][]float64, b *[4][]float64) [8]float64 {
	a0, a1 := a[0], a[1]
	n := len(a0)
	a1 = a1[:n]
	b0, b1, b2, b3 := b[0][:n], b[1][:n], b[2][:n], b[3][:n]
	var s00, s01, s02, s03, s10, s11, s12, s13 float64
	for k := 0; k < n; k++ {
		x0, x1 := a0[k], a1[k]
		y0, y1, y2, y3 := b0[k], b1[k], b2[k], b3[k]
		s00 += x0 * y0
		s01 += x0 * y1
		s02 += x0 * y2
		s03 += x0 * y3
		s10 += x1 * y0
		s11 += x1 * y1
		s12 += x1 * y2
		s13 += x1 * y3
	}
	return [8]float64{s00, s01, s02, s03, s10, s11, s12, s13}
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

// euclideanSquare returns the full n x n matrix of Euclidean distances
// (float64), computed in 2 x 4 blocks on GOMAXPROCS goroutines.
func euclideanSquare(m *dense64) []float64 {
	n := m.n
	D := make([]float64, n*n)
	na := (n + 1) / 2
	t := runtime.GOMAXPROCS(0)
	row := func(i int) []float64 { return m.row(min(i, n-1)) }
	var wg sync.WaitGroup
	for w := 0; w < t; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for bi := w; bi < na; bi += t {
				i0 := bi * 2
				ra := [2][]float64{row(i0), row(i0 + 1)}
				for j0 := i0 / 4 * 4; j0 < n; j0 += 4 {
					rb := [4][]float64{row(j0), row(j0 + 1), row(j0 + 2), row(j0 + 3)}
					g := dot2x4(&ra, &rb)
					for p := 0; p < 2 && i0+p < n; p++ {
						for q := 0; q < 4 && j0+q < n; q++ {
							i, j := i0+p, j0+q
							if j <= i {
								continue
							}
							D[i*n+j] = math.Sqrt(math.Max(sqDistPair(m, m, i, j, g[p*4+q]), 0))
						}
					}
				}
			}
		}(w)
	}
	wg.Wait()
	// mirror the upper triangle in 64 x 64 tiles (column writes one by
	// one would miss the cache and the TLB on every element)
	const tile = 64
	nt := (n + tile - 1) / tile
	for w := 0; w < t; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ti := w; ti < nt; ti += t {
				for tj := ti; tj < nt; tj++ {
					for i := ti * tile; i < min(n, (ti+1)*tile); i++ {
						for j := max(i+1, tj*tile); j < min(n, (tj+1)*tile); j++ {
							D[j*n+i] = D[i*n+j]
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
// (the first on ties) by squared Euclidean distance. Candidates are
// ranked in float32 by vecsim's SIMD kernel (|c|^2 - 2 x.c); every
// candidate within the float32 error bound of the best is then compared
// by its exact float64 distance, so the answer is the exact nearest row.
func nearest(a, b *dense64) []int {
	d := a.d
	toF32 := func(m *dense64) vecsim.Matrix {
		out := vecsim.NewMatrix(m.n, d)
		for i, v := range m.x {
			out.Data[i] = float32(v)
		}
		return out
	}
	a32, b32 := toF32(a), toF32(b)
	var bmax float64
	for _, v := range b.norms {
		bmax = math.Max(bmax, v)
	}
	bmax = math.Sqrt(bmax)
	// |fl(x.c) - x.c| <= d u |x||c| for a float32 FMA chain (u = 2^-24),
	// plus the rounding of the inputs and of |c|^2: a generous bound.
	const u = 1.0 / (1 << 24)
	out := make([]int, a.n)
	const block = 64
	nb := (a.n + block - 1) / block
	t := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < t; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			sc := make([]float32, block*b.n)
			for bi := w; bi < nb; bi += t {
				r0 := bi * block
				r1 := min(a.n, r0+block)
				q := vecsim.Matrix{Rows: r1 - r0, Dim: d, Data: a32.Data[r0*d : r1*d]}
				vecsim.ScoreBlock(q, b32, sc)
				for i := r0; i < r1; i++ {
					row := sc[(i-r0)*b.n : (i-r0+1)*b.n]
					m := math.Inf(1)
					for j, g := range row {
						m = math.Min(m, b.norms[j]-2*float64(g))
					}
					tol := 4*float64(d+4)*u*math.Sqrt(a.norms[i])*bmax + 4*u*bmax*bmax
					best, bd := -1, math.Inf(1)
					for j, g := range row {
						if b.norms[j]-2*float64(g) <= m+tol {
							if dd := sqDist(a.row(i), b.row(j)); dd < bd {
								best, bd = j, dd
							}
						}
					}
					out[i] = best
				}
			}
		}(w)
	}
	wg.Wait()
	return out
}
