package vecsim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestFMA32AgainstBigFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	exact := func(a, b, c float32) float32 {
		x := new(big.Float).SetPrec(2000).SetFloat64(float64(a))
		y := new(big.Float).SetPrec(2000).SetFloat64(float64(b))
		z := new(big.Float).SetPrec(2000).SetFloat64(float64(c))
		x.Mul(x, y)
		x.Add(x, z)
		f, _ := x.Float32()
		return f
	}
	rnd := func() float32 {
		switch r.IntN(4) {
		case 0:
			return math.Float32frombits(r.Uint32()&^(0xff<<23) | uint32(r.IntN(254)+1)<<23)
		case 1:
			return float32(r.NormFloat64())
		case 2:
			return math.Float32frombits(r.Uint32() & 0x807fffff) // subnormal
		default:
			return float32(r.NormFloat64() * 1e-20)
		}
	}
	for i := 0; i < 300000; i++ {
		a, b := rnd(), rnd()
		c := rnd()
		if i%2 == 0 { // near-cancellation: c close to -a*b
			c = -float32(float64(a)*float64(b)) * (1 + float32(r.IntN(5)-2)*0x1p-23)
			if r.IntN(2) == 0 {
				c = math.Nextafter32(c, float32(r.NormFloat64()))
			}
		}
		if math.IsInf(float64(a)*float64(b), 0) || math.IsInf(float64(c), 0) {
			continue
		}
		got, want := fma32(a, b, c), exact(a, b, c)
		if math.Float32bits(got) != math.Float32bits(want) && !(got == 0 && want == 0) {
			t.Fatalf("fma32(%g, %g, %g) = %g (%#x), want %g (%#x)", a, b, c, got, math.Float32bits(got), want, math.Float32bits(want))
		}
	}
	// Signed zeros and specials follow IEEE 754.
	negz := float32(math.Copysign(0, -1))
	if z := fma32(negz, 1, negz); !math.Signbit(float64(z)) {
		t.Error("fma32(-0, 1, -0) should be -0")
	}
	if z := fma32(1, 1, -1); math.Signbit(float64(z)) {
		t.Error("fma32(1, 1, -1) should be +0")
	}
	inf := float32(math.Inf(1))
	if z := fma32(inf, 0, 1); z == z {
		t.Error("Inf*0 should be NaN")
	}
	if z := fma32(3e38, 3e38, 0); !math.IsInf(float64(z), 1) {
		t.Error("overflow should give +Inf")
	}
}

func TestDotReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, n := range append([]int{0, 2, 127, 128, 129}, awkwardDims...) {
		for rep := 0; rep < 5; rep++ {
			a, b := randVec(r, n), randVec(r, n)
			got := Dot(a, b)
			want, abs := dot64(a, b)
			if !within(got, want, abs, n) {
				t.Errorf("n=%d: Dot = %g, float64 %g", n, got, want)
			}
			c := Cosine(a, b)
			aa, _ := dot64(a, a)
			bb, _ := dot64(b, b)
			if n > 0 {
				wc := want / math.Sqrt(aa*bb)
				if math.Abs(float64(c)-wc) > 1e-5 {
					t.Errorf("n=%d: Cosine = %g, float64 %g", n, c, wc)
				}
				u := Normalized(a)
				if nn := math.Sqrt(func() float64 { s, _ := dot64(u, u); return s }()); math.Abs(nn-1) > 1e-6 {
					t.Errorf("n=%d: |Normalized| = %g", n, nn)
				}
				for i := range u { // direction unchanged
					if w := float64(a[i]) / math.Sqrt(aa); math.Abs(float64(u[i])-w) > 1e-6*math.Max(1, math.Abs(w)) {
						t.Fatalf("n=%d: Normalized[%d] = %g, want %g", n, i, u[i], w)
					}
				}
			}
		}
	}
}

func TestDotSpecial(t *testing.T) {
	z := make([]float32, 768)
	a := randVec(rand.New(rand.NewPCG(3, 3)), 768)
	if Dot(z, a) != 0 || Cosine(z, a) != 0 || Cosine(a, z) != 0 || Cosine(z, z) != 0 {
		t.Error("zero vector: dot and cosine should be 0")
	}
	zz := Normalized(z)
	for _, x := range zz {
		if x != 0 {
			t.Fatal("Normalize of zero vector must stay zero")
		}
	}
	b := append([]float32(nil), a...)
	b[700] = float32(math.NaN())
	if d := Dot(a, b); d == d {
		t.Error("Dot with NaN should be NaN")
	}
	if c := Cosine(a, b); c == c {
		t.Error("Cosine with NaN should be NaN")
	}
	b[700] = float32(math.Inf(1))
	if d := Dot(b, b); !math.IsInf(float64(d), 1) {
		t.Errorf("Dot(Inf vector, itself) = %g, want +Inf", d)
	}
	defer func() {
		if recover() == nil {
			t.Error("Dot of different lengths should panic")
		}
	}()
	Dot(a, a[:5])
}

// TestAsmMatchesGeneric checks every assembly kernel against its pure-Go
// fallback bit for bit on awkward sizes, including zeros, NaN and Inf.
func TestAsmMatchesGeneric(t *testing.T) {
	sets := kernelSets()
	if len(sets) == 0 {
		t.Skip("no assembly kernels on this CPU/build; the generic path is the only one")
	}
	for _, ks := range sets {
		t.Run(ks.name, func(t *testing.T) { testKernelSet(t, ks) })
	}
}

func testKernelSet(t *testing.T, ks kernelSet) {
	r := rand.New(rand.NewPCG(5, 9))
	for _, dim := range awkwardDims {
		// Dot: main loop in assembly vs generic.
		for rep := 0; rep < 20; rep++ {
			n := dim + r.IntN(200)
			if rep < 3 {
				n = dim + rep // exact awkward sizes and their neighbours
			}
			a, b := randVec(r, n), randVec(r, n)
			if rep%5 == 4 {
				for i := range a {
					a[i] *= 1e-38 // subnormal products
				}
			}
			if ks.dot != nil && n > 0 {
				var g [dotLanes]float32
				m := n &^ (dotLanes - 1)
				dotAccumGeneric(a[:m], b[:m], &g)
				for i := m; i < n; i++ {
					g[i-m] = fma32(a[i], b[i], g[i-m])
				}
				want, got := reduceLanes(&g), ks.dot(a, b)
				if math.Float32bits(want) != math.Float32bits(got) {
					t.Fatalf("dot n=%d: assembly %g, generic %g", n, got, want)
				}
			}
			var g, s [dotLanes]float32
			m := n &^ (dotLanes - 1)
			if m == 0 {
				continue
			}
			dotAccumGeneric(a[:m], b[:m], &g)
			ks.dotAccum(a[:m], b[:m], &s)
			if g != s {
				t.Fatalf("dotAccum n=%d: assembly and generic differ", m)
			}
		}
		// Block kernel.
		qp := make([]float32, kernQ*dim)
		dp := make([]float32, blockDocs*dim)
		for rep := 0; rep < 4; rep++ {
			for i := range qp {
				qp[i] = float32(r.NormFloat64())
			}
			for i := range dp {
				dp[i] = float32(r.NormFloat64() * math.Pow(10, float64(r.IntN(6)-3)))
			}
			switch rep {
			case 1:
				dp[r.IntN(len(dp))] = float32(math.NaN())
				dp[r.IntN(len(dp))] = float32(math.Inf(-1))
			case 2:
				clear(dp[:panelW*dim]) // zero documents
				clear(qp[:dim])
			}
			var tg, ta [tileLen]float32
			var mg, ma [kernQ]float32
			kernTileGeneric(qp, dp, dim, &tg, &mg)
			ks.kernTile(qp, dp, dim, &ta, &ma)
			for i := range tg {
				if math.Float32bits(tg[i]) != math.Float32bits(ta[i]) && !(tg[i] != tg[i] && ta[i] != ta[i]) {
					t.Fatalf("kernTile dim=%d rep=%d: score %d: generic %g asm %g", dim, rep, i, tg[i], ta[i])
				}
			}
			for q := range mg {
				if mg[q] != ma[q] {
					t.Fatalf("kernTile dim=%d: rowmax %d: generic %g asm %g", dim, q, mg[q], ma[q])
				}
			}
			// Single-query kernel: same scores as row 0 of the tile kernel.
			q1 := make([]float32, dim)
			for k := range q1 {
				q1[k] = qp[k*kernQ]
			}
			var sg, sa [blockDocs]float32
			var xg, xa float32
			kernSingleGeneric(q1, dp, dim, &sg, &xg)
			ks.kernSingle(q1, dp, dim, &sa, &xa)
			for j := range sg {
				if math.Float32bits(sg[j]) != math.Float32bits(sa[j]) && !(sg[j] != sg[j] && sa[j] != sa[j]) ||
					math.Float32bits(sg[j]) != math.Float32bits(tg[j]) && !(sg[j] != sg[j] && tg[j] != tg[j]) {
					t.Fatalf("kernSingle dim=%d rep=%d: score %d: generic %g asm %g tile %g", dim, rep, j, sg[j], sa[j], tg[j])
				}
			}
			if xg != xa || xg != mg[0] {
				t.Fatalf("kernSingle dim=%d: rowmax generic %g asm %g tile %g", dim, xg, xa, mg[0])
			}
		}
		// int8 kernel (panel layout).
		stride := int8Stride(dim)
		q8 := make([]int8, stride)
		for i := 0; i < dim; i++ {
			q8[i] = int8(r.IntN(255) - 127)
		}
		x := &Int8Index{stride: stride}
		for _, np := range []int{1, 2, 3, 5} {
			n := np * panelW
			codes := make([]uint8, n*stride)
			for i := range codes {
				codes[i] = uint8(r.IntN(256))
			}
			g, a := make([]int32, n), make([]int32, n)
			int8DotsGeneric(q8, codes, stride, g)
			if ks.int8Dots == nil {
				continue
			}
			ks.int8Dots(q8, codes, stride, a)
			for j := range g {
				var want int64
				for k := 0; k < stride; k++ {
					want += int64(codes[x.codeAt(j, k)]) * int64(q8[k])
				}
				if g[j] != a[j] || int64(g[j]) != want {
					t.Fatalf("int8Dots dim=%d panels=%d doc %d: generic %d asm %d, want %d", dim, np, j, g[j], a[j], want)
				}
			}
		}
	}
}
