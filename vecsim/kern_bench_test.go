package vecsim

import "testing"

func BenchmarkKernTile768(b *testing.B) {
	dim := 768
	qp := make([]float32, kernQ*dim)
	dp := make([]float32, blockDocs*dim*2)
	for i := range qp {
		qp[i] = float32(i%7) * 0.1
	}
	for i := range dp {
		dp[i] = float32(i%5) * 0.1
	}
	var tile [tileLen]float32
	var rm [kernQ]float32
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		kernTile(qp, dp[(i&1)*blockDocs*dim:], dim, &tile, &rm)
	}
	b.ReportMetric(float64(2*kernQ*blockDocs*dim)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
