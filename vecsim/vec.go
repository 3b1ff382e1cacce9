package vecsim

import (
	"math"

	"github.com/viterin/vek/vek32"
)

// dotLanes is the number of partial sums Dot splits its accumulation into.
const dotLanes = 64

// Dot returns the inner product of a and b. It panics if the lengths differ.
// The accumulation order is fixed (see the package documentation), so the
// result is bit-identical on every CPU.
func Dot(a, b []float32) float32 {
	if len(a) != len(b) {
		panic("vecsim: Dot of vectors with different lengths")
	}
	var acc [dotLanes]float32
	n := len(a) &^ (dotLanes - 1)
	if n > 0 {
		dotAccum(a[:n], b[:n], &acc)
	}
	for i := n; i < len(a); i++ {
		acc[i-n] += float32(a[i] * b[i])
	}
	return reduceLanes(&acc)
}

// reduceLanes adds the 64 partial sums in the same tree the assembly uses.
func reduceLanes(acc *[dotLanes]float32) float32 {
	var v [16]float32
	for l := 0; l < 16; l++ {
		v[l] = (acc[l] + acc[16+l]) + (acc[32+l] + acc[48+l])
	}
	for w := 8; w >= 1; w /= 2 {
		for l := 0; l < w; l++ {
			v[l] = v[l] + v[l+w]
		}
	}
	return v[0]
}

// dotAccumGeneric is the pure-Go body of the Dot main loop: len(a) is a
// multiple of 64 and element i is added to acc[i%64].
func dotAccumGeneric(a, b []float32, acc *[dotLanes]float32) {
	for i := 0; i+dotLanes <= len(a); i += dotLanes {
		x := a[i : i+dotLanes : i+dotLanes]
		y := b[i : i+dotLanes : i+dotLanes]
		for j := range acc {
			acc[j] += float32(x[j] * y[j])
		}
	}
}

// Norm returns the Euclidean norm of v, computed as sqrt(Dot(v, v)) in
// float64.
func Norm(v []float32) float32 {
	return float32(math.Sqrt(float64(Dot(v, v))))
}

// Cosine returns the cosine similarity of a and b: Dot(a,b)/(|a||b|). If
// either vector is zero the result is 0. NaN inputs give NaN.
func Cosine(a, b []float32) float32 {
	ab := float64(Dot(a, b))
	aa := float64(Dot(a, a))
	bb := float64(Dot(b, b))
	if aa == 0 || bb == 0 {
		if math.IsNaN(ab) {
			return float32(math.NaN())
		}
		return 0
	}
	return float32(ab / math.Sqrt(aa*bb))
}

// Normalize scales v in place to unit Euclidean norm. A zero vector is left
// unchanged.
func Normalize(v []float32) {
	n := math.Sqrt(float64(Dot(v, v)))
	if n == 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return
	}
	// Element-wise scaling rounds each element once, so vek's SIMD and
	// pure-Go paths agree bit for bit.
	vek32.MulNumber_Inplace(v, float32(1/n))
}

// Normalized returns a unit-norm copy of v (a zero vector stays zero).
func Normalized(v []float32) []float32 {
	out := make([]float32, len(v))
	copy(out, v)
	Normalize(out)
	return out
}
