package vecsim

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestMaxSimReference(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, dim := range []int{1, 7, 96, 128, 255} {
		q := unitMatrix(r, 32, dim)
		var docs []Matrix
		for _, n := range []int{1, 5, 64, 65, 180} {
			docs = append(docs, unitMatrix(r, n, dim))
		}
		batch := MaxSimBatch(q, docs)
		for di, d := range docs {
			var want float64
			for i := 0; i < q.Rows; i++ {
				best := math.Inf(-1)
				for j := 0; j < d.Rows; j++ {
					s, _ := dot64(q.Row(i), d.Row(j))
					best = math.Max(best, s)
				}
				want += best
			}
			got := MaxSim(q, d)
			if math.Abs(float64(got)-want) > 1e-4 {
				t.Errorf("dim=%d doc %d: MaxSim = %g, float64 %g", dim, di, got, want)
			}
			if batch[di] != got {
				t.Errorf("MaxSimBatch %g != MaxSim %g", batch[di], got)
			}
		}
	}
	// Hand-computed: query tokens e1, e2; doc tokens (0.5, 0.1), (0.2, 0.9).
	q := Matrix{Rows: 2, Dim: 2, Data: []float32{1, 0, 0, 1}}
	d := Matrix{Rows: 2, Dim: 2, Data: []float32{0.5, 0.1, 0.2, 0.9}}
	if got := MaxSim(q, d); got != float32(0.5)+float32(0.9) {
		t.Errorf("MaxSim = %g, want 1.4", got)
	}
	if MaxSim(q, Matrix{Dim: 2}) != 0 {
		t.Error("MaxSim against an empty document should be 0")
	}
}
