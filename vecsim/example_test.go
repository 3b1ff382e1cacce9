package vecsim_test

import (
	"bytes"
	"fmt"

	"github.com/jretrieve/jretrieve/vecsim"
)

func ExampleDot() {
	a := []float32{1, 2, 3}
	b := []float32{4, -5, 6}
	fmt.Println(vecsim.Dot(a, b))
	fmt.Printf("%.4f\n", vecsim.Cosine(a, b))
	fmt.Println(vecsim.Normalized([]float32{3, 4}))
	// Output:
	// 12
	// 0.3655
	// [0.6 0.8]
}

func ExampleTopK() {
	scores := []float32{0.2, 0.9, 0.5, 0.9, 0.1}
	for _, h := range vecsim.TopK(scores, 3) {
		fmt.Println(h.Index, h.Score)
	}
	// Output:
	// 1 0.9
	// 3 0.9
	// 2 0.5
}

func ExampleFlat() {
	f := vecsim.NewFlat(3)
	f.Add("cat", vecsim.Normalized([]float32{1, 0.1, 0}))
	f.Add("dog", vecsim.Normalized([]float32{0.9, 0.3, 0.1}))
	f.Add("car", vecsim.Normalized([]float32{0, 0.2, 1}))
	for _, r := range f.Search(vecsim.Normalized([]float32{1, 0, 0}), 2) {
		fmt.Printf("%s %.3f\n", r.ID, r.Score)
	}
	// Output:
	// cat 0.995
	// dog 0.943
}

func ExampleFlat_SearchBatch() {
	f := vecsim.NewFlat(2)
	docs := vecsim.Matrix{Rows: 3, Dim: 2, Data: []float32{1, 0, 0, 1, 0.6, 0.8}}
	f.AddBatch([]string{"x", "y", "xy"}, docs)
	queries := vecsim.Matrix{Rows: 2, Dim: 2, Data: []float32{1, 0, 0, 1}}
	for i, rs := range f.SearchBatch(queries, 1, 2) {
		fmt.Println(i, rs[0].ID)
	}
	// Output:
	// 0 x
	// 1 y
}

func ExampleScoreBlock() {
	q := vecsim.Matrix{Rows: 1, Dim: 2, Data: []float32{1, 2}}
	d := vecsim.Matrix{Rows: 2, Dim: 2, Data: []float32{3, 4, 5, 6}}
	out := make([]float32, 2)
	vecsim.ScoreBlock(q, d, out)
	fmt.Println(out)
	// Output: [11 17]
}

func ExampleInt8Index() {
	f := vecsim.NewFlat(2)
	f.Add("a", []float32{0.6, 0.8})
	f.Add("b", []float32{0.8, -0.6})
	x := vecsim.NewInt8Index(f, vecsim.ScalePerDim)
	// Rescoring the best 10 candidates returns exact float32 scores.
	r := x.Search([]float32{1, 0}, 1, 10)
	fmt.Println(r[0].ID, r[0].Score)
	// Output: b 0.8
}

func ExampleMaxSim() {
	query := vecsim.Matrix{Rows: 2, Dim: 2, Data: []float32{1, 0, 0, 1}}
	doc := vecsim.Matrix{Rows: 2, Dim: 2, Data: []float32{0.5, 0.25, 0.25, 0.75}}
	fmt.Println(vecsim.MaxSim(query, doc))
	// Output: 1.25
}

func ExampleWriteNPY() {
	m := vecsim.Matrix{Rows: 2, Dim: 2, Data: []float32{1, 2, 3, 4}}
	var buf bytes.Buffer
	if err := vecsim.WriteNPY(&buf, m); err != nil {
		panic(err)
	}
	back, err := vecsim.ReadNPY(&buf)
	fmt.Println(back.Rows, back.Dim, back.Data, err)
	// Output: 2 2 [1 2 3 4] <nil>
}

func ExampleHamming() {
	a := vecsim.SignBits([]float32{1, -1, 2, -3})
	b := vecsim.SignBits([]float32{1, 1, -2, -3})
	fmt.Println(vecsim.Hamming(a, b))
	// Output: 2
}
