package datasets

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkOpenJQaRA loads a parquet file of the JQaRA test split's shape
// (1,667 questions x 100 candidates, ~250-character passages).
func BenchmarkOpenJQaRA(b *testing.B) {
	text := strings.Repeat("日本の歴史と地理に関する説明文。", 16)
	var rows []jqaraRow
	for q := 0; q < 1667; q++ {
		for c := 0; c < 100; c++ {
			id := int64((q*37 + c*101) % 60000)
			rows = append(rows, jqaraRow{QID: fmt.Sprintf("QA20CAPR-%04d", q), Question: "質問", PassageRowID: id,
				Label: int64(c % 10 / 9), Title: "タイトル", Text: text, Answers: []string{"答え"}})
		}
	}
	path := writeParquet(b, b.TempDir(), "test.parquet", rows)
	rows = nil
	b.ResetTimer()
	for b.Loop() {
		d, err := OpenJQaRA(context.Background(), path)
		if err != nil || d.NumPairs() != 166700 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(166700*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
