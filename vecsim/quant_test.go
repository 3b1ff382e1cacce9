package vecsim

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

func unitMatrix(r *rand.Rand, rows, dim int) Matrix {
	m := randMatrix(r, rows, dim)
	m.NormalizeRows()
	return m
}

// clustered returns rows unit vectors around c random centres (noise sigma
// per dimension relative to a unit centre).
func clustered(r *rand.Rand, rows, dim, c int, sigma float64) Matrix {
	centres := unitMatrix(r, c, dim)
	m := NewMatrix(rows, dim)
	for i := 0; i < rows; i++ {
		ce := centres.Row(r.IntN(c))
		row := m.Row(i)
		for k := range row {
			row[k] = ce[k] + float32(r.NormFloat64()*sigma)
		}
		Normalize(row)
	}
	return m
}

func recallAt(exact [][]Result, got [][]Result) float64 {
	hit, total := 0, 0
	for i := range exact {
		set := map[int]bool{}
		for _, r := range exact[i] {
			set[r.Index] = true
		}
		for _, r := range got[i] {
			if set[r.Index] {
				hit++
			}
		}
		total += len(exact[i])
	}
	return float64(hit) / float64(total)
}

// TestInt8Recall checks recall@10 of the int8 index against exact search
// on 100,000 random unit vectors at d=768 (20,000 with -short or without
// the assembly kernels) and on clustered data.
func TestInt8Recall(t *testing.T) {
	n := 100000
	if testing.Short() || Accelerated() == "generic" {
		n = 20000
	}
	const dim, nq, k = 768, 50, 10
	r := rand.New(rand.NewPCG(21, 22))
	sets := []struct {
		name    string
		docs, q Matrix
	}{
		{"random-unit", unitMatrix(r, n, dim), unitMatrix(r, nq, dim)},
	}
	cl := clustered(r, n/2+nq, dim, 200, 0.03)
	sets = append(sets, struct {
		name    string
		docs, q Matrix
	}{"clustered", Matrix{Rows: n / 2, Dim: dim, Data: cl.Data[:n/2*dim]}, Matrix{Rows: nq, Dim: dim, Data: cl.Data[n/2*dim:]}})
	for _, s := range sets {
		f := NewFlat(dim)
		if err := f.AddBatch(nil, s.docs); err != nil {
			t.Fatal(err)
		}
		exact := f.SearchBatch(s.q, k, 0)
		for _, mode := range []ScaleMode{ScalePerDim, ScalePerVector} {
			x := NewInt8Index(f, mode)
			raw := x.SearchBatch(s.q, k, 0, 0)
			res := x.SearchBatch(s.q, k, 100, 0)
			rr, rs := recallAt(exact, raw), recallAt(exact, res)
			t.Logf("%s n=%d mode=%d: recall@10 int8 only %.4f, with float32 rescoring of 100: %.4f", s.name, s.docs.Rows, mode, rr, rs)
			if rs < 0.99 {
				t.Errorf("%s mode=%d: recall@10 with rescoring %.4f < 0.99", s.name, mode, rs)
			}
			if rr < 0.5 {
				t.Errorf("%s mode=%d: raw int8 recall@10 %.4f implausibly low", s.name, mode, rr)
			}
			// Rescored scores are the Flat's own scores, bit for bit.
			for qi, rs := range res {
				for _, h := range rs {
					if e := f.exactScore(s.q.Row(qi), h.Index); math.Float32bits(e) != math.Float32bits(h.Score) {
						t.Fatalf("rescored score %g differs from Flat score %g", h.Score, e)
					}
				}
			}
		}
	}
}

// TestInt8Scores checks the quantised score against a direct float64
// evaluation of the documented formula on small hand-checkable data.
func TestInt8Scores(t *testing.T) {
	f := NewFlat(3)
	f.Add("a", []float32{1, -0.5, 0.25})
	f.Add("b", []float32{-2, 1, 0})
	f.Add("z", []float32{0, 0, 0})
	x := NewInt8Index(f, ScalePerDim)
	// Per-dim scales: max |x| = 2, 1, 0.25 -> codes a: (64, -64, 127), b: (-127, 127, 0).
	for i, want := range [][]int{{64, -64, 127}, {-127, 127, 0}, {0, 0, 0}} {
		for k, w := range want {
			if got := int(x.codes[x.codeAt(i, k)]) - 128; got != w {
				t.Errorf("code(%d,%d) = %d, want %d", i, k, got, w)
			}
		}
	}
	q := []float32{1, 1, 1}
	res := x.Search(q, 3, 0)
	// q*scale = (2/127, 1/127, 0.25/127); max = 2/127 -> qs = 2/127/127,
	// q codes = (127, 64, 16) (0.25/2*127 = 15.875 -> 16).
	qs := 2.0 / 127 / 127
	want := map[string]float64{
		"a": qs * float64(127*64+64*-64+16*127),
		"b": qs * float64(127*-127+64*127+0),
		"z": 0,
	}
	for _, r := range res {
		if math.Abs(float64(r.Score)-want[r.ID]) > 1e-6 {
			t.Errorf("score %s = %g, want %g", r.ID, r.Score, want[r.ID])
		}
	}
	if res[0].ID != "a" || res[1].ID != "z" || res[2].ID != "b" {
		t.Errorf("order %v", res)
	}
	// Exact ground truth of the float data: a=0.75, b=-1, z=0.
	res = x.Search(q, 2, 5)
	if res[0].ID != "a" || res[0].Score != 0.75 || res[1].ID != "z" {
		t.Errorf("rescored %v", res)
	}
	if x.MemoryBytes() <= 0 {
		t.Error("MemoryBytes")
	}
}

func TestHammingAndBinary(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, dim := range awkwardDims {
		a, b := randVec(r, dim), randVec(r, dim)
		want := 0
		for i := range a {
			if (a[i] > 0) != (b[i] > 0) {
				want++
			}
		}
		if got := Hamming(SignBits(a), SignBits(b)); got != want {
			t.Fatalf("dim=%d: Hamming = %d, want %d", dim, got, want)
		}
	}
	if bits.OnesCount64(SignBits([]float32{1, -1, 0, float32(math.NaN()), 2})[0]) != 2 {
		t.Error("SignBits: only strictly positive values set bits")
	}
	const dim, n = 256, 4000
	m := clustered(r, n+20, dim, 40, 0.05)
	f := NewFlat(dim)
	f.AddBatch(nil, Matrix{Rows: n, Dim: dim, Data: m.Data[:n*dim]})
	qs := Matrix{Rows: 20, Dim: dim, Data: m.Data[n*dim:]}
	b := NewBinaryIndex(f)
	var exact, got [][]Result
	for i := 0; i < qs.Rows; i++ {
		q := qs.Row(i)
		// Reference ranking by sign agreement, computed element-wise.
		scores := make([]float32, n)
		for j := range scores {
			agree := 0
			d := m.Row(j)
			for k := range q {
				if (q[k] > 0) == (d[k] > 0) {
					agree++
				} else {
					agree--
				}
			}
			scores[j] = float32(agree)
		}
		ref := refTopK(scores, 10)
		res := b.Search(q, 10, 0)
		for j := range ref {
			if res[j].Index != ref[j].Index || res[j].Score != ref[j].Score {
				t.Fatalf("binary q=%d rank %d: %+v, want %+v", i, j, res[j], ref[j])
			}
		}
		exact = append(exact, f.Search(q, 10))
		got = append(got, b.Search(q, 10, 200))
	}
	rc := recallAt(exact, got)
	t.Logf("binary + rescore 200 of %d clustered docs: recall@10 %.3f", n, rc)
	if rc < 0.9 {
		t.Errorf("binary recall@10 with rescoring %.3f < 0.9", rc)
	}
}

func TestSnapshotsIgnoreLaterAdds(t *testing.T) {
	f := NewFlat(4)
	f.Add("a", []float32{1, 0, 0, 0})
	x := NewInt8Index(f, ScalePerVector)
	b := NewBinaryIndex(f)
	f.Add("b", []float32{2, 0, 0, 0})
	if r := x.Search([]float32{1, 0, 0, 0}, 5, 5); len(r) != 1 || r[0].ID != "a" {
		t.Errorf("int8 snapshot: %v", r)
	}
	if r := b.Search([]float32{1, 0, 0, 0}, 5, 5); len(r) != 1 || r[0].ID != "a" {
		t.Errorf("binary snapshot: %v", r)
	}
}

// TestInt8BatchMatchesBruteForce checks the blocked batch search (documents
// or queries split across goroutines, chunk threshold skips) against a
// brute-force evaluation of the documented score, query by query: the same
// top k, in the same order (score, then index), for every thread count.
// Coarse data makes many exact ties.
func TestInt8BatchMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct{ n, dim, nq, k int }{
		{1, 5, 3, 4}, {37, 7, 9, 5}, {3000, 16, 40, 10}, {9000, 33, 3, 7}, {20000, 8, 50, 3},
	} {
		for _, mode := range []ScaleMode{ScalePerDim, ScalePerVector} {
			f := NewFlat(tc.dim)
			for i := 0; i < tc.n; i++ {
				v := make([]float32, tc.dim)
				for k := range v {
					v[k] = float32(r.IntN(5) - 2) // few levels: many ties
				}
				f.Add(fmt.Sprint(i), v)
			}
			x := NewInt8Index(f, mode)
			qm := NewMatrix(tc.nq, tc.dim)
			for i := range qm.Data {
				qm.Data[i] = float32(r.NormFloat64())
			}
			want := make([][]Hit, tc.nq)
			wantR := make([][]Hit, tc.nq)
			rescore := 3 * tc.k
			for qi := range want {
				qc, qs, _ := x.quantQuery(qm.Row(qi))
				var all []Hit
				for i := 0; i < tc.n; i++ {
					var dot int64
					for k := 0; k < tc.dim; k++ {
						dot += int64(int(x.codes[x.codeAt(i, k)])-128) * int64(qc[k])
					}
					s := float64(qs) * float64(dot)
					if mode == ScalePerVector {
						s *= float64(x.scale[i])
					}
					all = append(all, Hit{i, float32(s)})
				}
				sortHits(all)
				want[qi] = all[:min(tc.k, len(all))]
				// With rescoring: the int8 top-R candidates, re-scored by the
				// exact sequential dot product, best k of them.
				var ex []Hit
				for _, h := range all[:min(rescore, len(all))] {
					ex = append(ex, Hit{h.Index, f.exactScore(qm.Row(qi), h.Index)})
				}
				sortHits(ex)
				wantR[qi] = ex[:min(tc.k, len(ex))]
			}
			for _, threads := range []int{1, 2, 3, 8} {
				saved := rescorePanels
				for _, panels := range []bool{false, true} {
					rescorePanels = panels
					got := x.SearchBatch(qm, tc.k, rescore, threads)
					rescorePanels = saved
					for qi := range got {
						if len(got[qi]) != len(wantR[qi]) {
							t.Fatalf("%+v mode %d threads %d rescore %d q%d: %d results, want %d", tc, mode, threads, rescore, qi, len(got[qi]), len(wantR[qi]))
						}
						for j, g := range got[qi] {
							if w := wantR[qi][j]; g.Index != w.Index || g.Score != w.Score {
								t.Fatalf("%+v mode %d threads %d rescore %d (panels %v) q%d rank %d: got (%d, %g), want (%d, %g)", tc, mode, threads, rescore, panels, qi, j, g.Index, g.Score, w.Index, w.Score)
							}
						}
					}
				}
				got := x.SearchBatch(qm, tc.k, 0, threads)
				for qi := range got {
					if len(got[qi]) != len(want[qi]) {
						t.Fatalf("%+v mode %d threads %d q%d: %d results, want %d", tc, mode, threads, qi, len(got[qi]), len(want[qi]))
					}
					for j, g := range got[qi] {
						if w := want[qi][j]; g.Index != w.Index || g.Score != w.Score {
							t.Fatalf("%+v mode %d threads %d q%d rank %d: got (%d, %g), want (%d, %g)", tc, mode, threads, qi, j, g.Index, g.Score, w.Index, w.Score)
						}
					}
				}
			}
		}
	}
}

// TestKernPanelQ8 checks the panel kernel in use (assembly where the CPU has
// it) against the scalar fma definition, bit for bit, for partial groups.
func TestKernPanelQ8(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, dim := range []int{1, 3, 16, 33, 768} {
		dp := make([]float32, panelW*dim)
		for i := range dp {
			dp[i] = float32(r.NormFloat64())
		}
		for n := 1; n <= 8; n++ {
			var qs [8][]float32
			for q := 0; q < n; q++ {
				qs[(q*3)%8] = make([]float32, dim)
				for k := range qs[(q*3)%8] {
					qs[(q*3)%8][k] = float32(r.NormFloat64())
				}
			}
			var got [8][panelW]float32
			kernPanelQ8(&qs, dp, dim, &got)
			for q, v := range qs {
				if v == nil {
					continue
				}
				for j := 0; j < panelW; j++ {
					var want float32
					for k := 0; k < dim; k++ {
						want = fma32(v[k], dp[k*panelW+j], want)
					}
					if got[q][j] != want {
						t.Fatalf("dim %d n %d q %d doc %d: %g, want %g (%s)", dim, n, q, j, got[q][j], want, Accelerated())
					}
				}
			}
		}
	}
}
