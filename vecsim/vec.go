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
	if d, ok := dotFast(a, b); ok {
		return d
	}
	return dotGo(a, b)
}

// dotGo is Dot with the main loop in dotAccum and the tail and reduction
// in Go; it is the reference for the whole-Dot assembly.
func dotGo(a, b []float32) float32 {
	var acc [dotLanes]float32
	n := len(a) &^ (dotLanes - 1)
	if n > 0 {
		dotAccum(a[:n], b[:n], &acc)
	}
	for i := n; i < len(a); i++ {
		acc[i-n] = fma32(a[i], b[i], acc[i-n])
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
			acc[j] = fma32(x[j], y[j], acc[j])
		}
	}
}

// fma32 returns a*b+c rounded once to float32, exactly like the VFMADD231PS
// instruction (round to nearest even). The product of two float32 values is
// exact in float64; the float64 sum is made round-to-odd with an exact
// TwoSum error term, and rounding a round-to-odd value with 29 extra bits to
// float32 gives the correctly rounded result (no double-rounding error).
func fma32(a, b, c float32) float32 {
	p := float64(a) * float64(b)
	z := float64(c)
	s := p + z
	if s == 0 || math.IsInf(s, 0) || s != s {
		return float32(s)
	}
	bb := s - p
	e := (p - (s - bb)) + (z - bb)
	if e != 0 {
		bits := math.Float64bits(s)
		if bits&1 == 0 {
			if (e > 0) == (s > 0) {
				bits++
			} else {
				bits--
			}
			s = math.Float64frombits(bits)
		}
	}
	return float32(s)
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
