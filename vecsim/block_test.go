package vecsim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestScoreBlockReference(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	for _, dim := range awkwardDims {
		for _, sh := range [][2]int{{1, 1}, {5, 63}, {6, 64}, {7, 65}, {13, 130}} {
			q := randMatrix(r, sh[0], dim)
			d := randMatrix(r, sh[1], dim)
			clear(d.Row(0)) // a zero document
			out := make([]float32, q.Rows*d.Rows)
			ScoreBlock(q, d, out)
			for i := 0; i < q.Rows; i++ {
				for j := 0; j < d.Rows; j++ {
					got := out[i*d.Rows+j]
					want, abs := dot64(q.Row(i), d.Row(j))
					if !within(got, want, abs, dim) {
						t.Fatalf("dim=%d %dx%d: score(%d,%d) = %g, float64 %g", dim, q.Rows, d.Rows, i, j, got, want)
					}
					// The documented order: one accumulator, ascending k.
					if s := dotSeq(q.Row(i), d.Row(j)); math.Float32bits(s) != math.Float32bits(got) {
						t.Fatalf("dim=%d: score(%d,%d) = %g, sequential order gives %g", dim, i, j, got, s)
					}
				}
			}
		}
	}
}

func TestScoreBlockNaN(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	q := randMatrix(r, 2, 9)
	d := randMatrix(r, 3, 9)
	d.Data[9+4] = float32(math.NaN())
	out := make([]float32, 6)
	ScoreBlock(q, d, out)
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			if isNaN := out[i*3+j] != out[i*3+j]; isNaN != (j == 1) {
				t.Errorf("score(%d,%d) = %g; only document 1 holds a NaN", i, j, out[i*3+j])
			}
		}
	}
}

func TestTopK(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 1))
	for _, n := range []int{0, 1, 10, 999, 5000} {
		scores := make([]float32, n)
		for i := range scores {
			scores[i] = float32(r.IntN(50)) // many ties
			if r.IntN(97) == 0 {
				scores[i] = float32(math.NaN())
			}
		}
		for _, k := range []int{1, 3, 10, 100, 1000, n, n + 7} {
			if k <= 0 {
				continue
			}
			got, want := TopK(scores, k), refTopK(scores, k)
			if len(got) != len(want) {
				t.Fatalf("n=%d k=%d: %d hits, want %d", n, k, len(got), len(want))
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("n=%d k=%d: hit %d = %+v, want %+v", n, k, i, got[i], want[i])
				}
			}
		}
	}
	if TopK([]float32{1}, 0) != nil {
		t.Error("k=0 should return nil")
	}
	b := TopKBatch(Matrix{Rows: 2, Dim: 3, Data: []float32{1, 3, 2, 5, 5, 4}}, 2)
	if fmt.Sprint(b) != "[[{1 3} {2 2}] [{0 5} {1 5}]]" {
		t.Errorf("TopKBatch = %v", b)
	}
}

func TestFlatSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for di, dim := range awkwardDims {
		var n int
		switch di % 3 {
		case 0:
			n = 5 + r.IntN(150) // few blocks: queries split across threads
		case 1:
			n = 50 + r.IntN(300)
		default:
			n = 1100 + r.IntN(300) // documents split across threads, heaps merged
		}
		m := randMatrix(r, n, dim)
		// Duplicate rows create exact score ties across thread boundaries.
		copy(m.Row(n-1), m.Row(3))
		copy(m.Row(n/2), m.Row(3))
		f := NewFlat(dim)
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("doc%d", i)
		}
		if err := f.AddBatch(ids[:n-10], Matrix{Rows: n - 10, Dim: dim, Data: m.Data[:(n-10)*dim]}); err != nil {
			t.Fatal(err)
		}
		for i := n - 10; i < n; i++ {
			if err := f.Add(ids[i], m.Row(i)); err != nil {
				t.Fatal(err)
			}
		}
		if f.Len() != n {
			t.Fatalf("Len = %d, want %d", f.Len(), n)
		}
		if mb := f.MemoryBytes(); mb < int64(n*dim*4) {
			t.Errorf("MemoryBytes = %d < raw %d", mb, n*dim*4)
		}
		if fm := f.Matrix(); fm.Rows != n || fm.Dim != dim || fmt.Sprint(fm.Data) != fmt.Sprint(m.Data) {
			t.Fatalf("Flat.Matrix does not round-trip the added vectors")
		}
		for i := 0; i < n; i += 37 {
			v := f.Vector(i)
			for k := range v {
				if v[k] != m.Row(i)[k] {
					t.Fatalf("Vector(%d) differs", i)
				}
			}
		}
		qs := randMatrix(r, 9+r.IntN(30), dim)
		copy(qs.Row(0), m.Row(3))
		allScores := make([][]float32, qs.Rows)
		for qi := range allScores {
			allScores[qi] = make([]float32, n)
			for j := range allScores[qi] {
				allScores[qi][j] = dotSeq(qs.Row(qi), m.Row(j))
			}
		}
		for _, k := range []int{1, 10, n + 5} {
			var ref [][]Result
			for _, th := range []int{1, 2, 3} {
				got := f.SearchBatch(qs, k, th)
				for qi := 0; qi < qs.Rows; qi++ {
					want := refTopK(allScores[qi], k)
					if len(got[qi]) != len(want) {
						t.Fatalf("dim=%d k=%d th=%d: %d results, want %d", dim, k, th, len(got[qi]), len(want))
					}
					for i, w := range want {
						g := got[qi][i]
						if g.Index != w.Index || g.Score != w.Score || g.ID != ids[w.Index] {
							t.Fatalf("dim=%d k=%d th=%d q=%d: result %d = %+v, want %+v", dim, k, th, qi, i, g, w)
						}
					}
				}
				if ref == nil {
					ref = got
				} else if fmt.Sprint(ref) != fmt.Sprint(got) {
					t.Fatalf("dim=%d: results depend on thread count", dim)
				}
			}
			one := f.Search(qs.Row(0), k)
			if fmt.Sprint(one) != fmt.Sprint(ref[0]) {
				t.Fatalf("Search and SearchBatch differ")
			}
		}
	}
}

func TestFlatErrors(t *testing.T) {
	f := NewFlat(4)
	if err := f.Add("x", []float32{1, 2}); err == nil {
		t.Error("Add with wrong dimension should fail")
	}
	if err := f.AddBatch([]string{"a"}, NewMatrix(2, 4)); err == nil {
		t.Error("AddBatch with wrong id count should fail")
	}
	if err := f.AddBatch(nil, Matrix{Rows: 2, Dim: 4, Data: make([]float32, 7)}); err == nil {
		t.Error("AddBatch with short data should fail")
	}
	if _, err := f.SearchBatchContext(context.Background(), NewMatrix(1, 3), 1, 1); err == nil {
		t.Error("query dimension mismatch should fail")
	}
	if r := f.Search([]float32{1, 0, 0, 0}, 5); len(r) != 0 {
		t.Errorf("search of empty index = %v", r)
	}
	f.Add("a", []float32{1, 0, 0, 0})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.SearchBatchContext(ctx, NewMatrix(1, 4), 1, 1); err == nil {
		t.Error("cancelled context should fail")
	}
}

func TestScoreBlockZeroDim(t *testing.T) {
	out := []float32{7, 7}
	ScoreBlock(Matrix{Rows: 1, Dim: 0}, Matrix{Rows: 2, Dim: 0}, out)
	if out[0] != 0 || out[1] != 0 {
		t.Errorf("zero-dimension scores = %v, want zeros", out)
	}
}
