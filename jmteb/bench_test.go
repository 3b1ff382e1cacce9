package jmteb

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/jretrieve/jretrieve/vecsim"
)

func randMatrix(rng *rand.Rand, n, d int) vecsim.Matrix {
	m := vecsim.NewMatrix(n, d)
	for i := range m.Data {
		m.Data[i] = float32(rng.NormFloat64())
	}
	return m
}

// BenchmarkRetrieval: 200 validation + 200 test queries over a 100,000 x
// 256 corpus, all three similarity functions on validation; memory stays
// linear in the corpus (see allocs: the scan holds one 65,536-document
// chunk besides the corpus).
func BenchmarkRetrieval(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, d, nq = 100000, 256, 200
	corpus := randMatrix(rng, n, d)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	rel := make([][]string, nq)
	for i := range rel {
		rel[i] = []string{strconv.Itoa(rng.IntN(n))}
	}
	val := RetrievalSplit{randMatrix(rng, nq, d), rel}
	test := RetrievalSplit{randMatrix(rng, nq, d), rel}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Retrieval(context.Background(), corpus, ids, val, test, RetrievalOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(4*nq*n)/b.Elapsed().Seconds()*float64(b.N), "pairs/s")
}

// BenchmarkClustering: each algorithm on 3,000 x 768 (unit-norm blobs,
// 10 clusters); bench/jmteb.sh compares 10,000 x 768 with scikit-learn.
func BenchmarkClustering(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, d, k = 3000, 768, 10
	centers := randMatrix(rng, k, d)
	x := vecsim.NewMatrix(n, d)
	for i := 0; i < n; i++ {
		c := centers.Row(i % k)
		for j := range d {
			x.Data[i*d+j] = 0.15*c[j] + float32(rng.NormFloat64())
		}
	}
	x.NormalizeRows()
	for _, alg := range clusteringOrder {
		b.Run(alg, func(b *testing.B) {
			for b.Loop() {
				if _, err := Cluster(context.Background(), alg, x, k, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
