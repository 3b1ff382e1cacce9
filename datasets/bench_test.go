package datasets

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
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
	// pyarrow's defaults: one row group, 1 MB pages.
	path := writeParquet(b, b.TempDir(), "test.parquet", rows, parquet.MaxRowsPerRowGroup(1<<20), parquet.PageBufferSize(1<<20))
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

// BenchmarkWalkCollection streams a JaCWIR-shaped collection (doc_id,
// title, ~300-byte description, link). JRETRIEVE_BENCH_DOCS sets its size
// (default 100,000; the real collection has about 500,000 documents).
func BenchmarkWalkCollection(b *testing.B) {
	n := 100_000
	if s := os.Getenv("JRETRIEVE_BENCH_DOCS"); s != "" {
		if v, err := strconv.Atoi(s); err == nil && v > 0 {
			n = v
		}
	}
	desc := strings.Repeat("ウェブページの説明文です。", 8)
	docs := make([]jacwirDocRow, n)
	for i := range docs {
		docs[i] = jacwirDocRow{DocID: fmt.Sprintf("doc_id#%012x", i*7919), Title: fmt.Sprintf("ページのタイトル %d", i),
			Description: desc + strconv.Itoa(i), Link: "https://example.com/" + strconv.Itoa(i)}
	}
	path := writeParquet(b, b.TempDir(), "collection.parquet", docs, parquet.MaxRowsPerRowGroup(1<<20), parquet.PageBufferSize(1<<20))
	docs = nil
	st, _ := os.Stat(path)
	b.ResetTimer()
	for b.Loop() {
		count := 0
		err := walkCollection(context.Background(), path, func(d Doc) error { count++; return nil })
		if err != nil || count != n {
			b.Fatal(err, count)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(st.Size())/1e6, "file-MB")
}
