package datasets

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// TestCollectionStreams reads a 20 MB collection stored as a single row
// group (the worst case for readers that load a row group at once) and
// checks that the live heap stays far below the file size while
// streaming: the reader holds one page per column, not the file.
func TestCollectionStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping 20 MB streaming test in -short mode")
	}
	const rows, descLen = 8000, 2500
	rng := rand.New(rand.NewPCG(5, 6))
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	docs := make([]jacwirDocRow, rows)
	var sb strings.Builder
	for i := range docs {
		sb.Reset()
		for j := 0; j < descLen; j++ {
			sb.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		docs[i] = jacwirDocRow{DocID: fmt.Sprintf("doc_id#%012x", i), Title: "t", Description: sb.String()}
	}
	dir := t.TempDir()
	col := writeParquet(t, dir, "collection.parquet", docs, parquet.MaxRowsPerRowGroup(1<<30), parquet.PageBufferSize(64<<10))
	ev := writeParquet(t, dir, "eval.parquet", []jacwirEvalRow{{"q", docs[0].DocID, nil}})
	docs = nil

	r, err := OpenJaCWIRRetrieval(context.Background(), ev, col)
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC() // twice: the writer's pooled buffers survive one GC
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	n := 0
	for doc, err := range r.Docs(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Text) != 2+descLen {
			t.Fatalf("doc %d: text length %d", n, len(doc.Text))
		}
		n++
		if n%1000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc-min(base, ms.HeapAlloc))
		}
	}
	if n != rows {
		t.Fatalf("streamed %d docs, want %d", n, rows)
	}
	t.Logf("file %.1f MB, heap before %.2f MB, live heap growth while streaming at most %.2f MB", float64(rows*descLen)/1e6, float64(base)/1e6, float64(peak)/1e6)
	if peak > 6<<20 {
		t.Errorf("live heap grew by %.1f MB while streaming a %.0f MB file: not streaming", float64(peak)/1e6, float64(rows*descLen)/1e6)
	}
}
