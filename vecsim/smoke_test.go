package vecsim

import (
	"math/rand/v2"
	"testing"
)

func TestSmokeFlat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := NewMatrix(300, 70)
	for i := range m.Data {
		m.Data[i] = r.Float32()*2 - 1
	}
	f := NewFlat(70)
	if err := f.AddBatch(nil, m); err != nil {
		t.Fatal(err)
	}
	q := m.Row(5)
	res := f.Search(q, 3)
	scores := make([]float32, 300)
	for i := range scores {
		scores[i] = dotSeq(q, m.Row(i))
	}
	want := TopK(scores, 3)
	for i := range want {
		if res[i].Index != want[i].Index || res[i].Score != want[i].Score {
			t.Fatalf("got %v want %v", res, want)
		}
	}
}
