package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/datasets"
	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/ort"
)

// benchTask builds a JQaRA-shaped task from the sample's text: nq questions
// with nc distinct candidates of about 300 characters each.
func benchTask(nq, nc int) Task {
	s := datasets.Sample()
	d := &datasets.Dataset{Name: "bench"}
	for q := 0; q < nq; q++ {
		d.Queries = append(d.Queries, datasets.Query{ID: fmt.Sprintf("q%03d", q), Text: s.Queries[q%len(s.Queries)].Text})
		var cands []int32
		for c := 0; c < nc; c++ {
			i := q*nc + c
			text := s.Docs[i%len(s.Docs)].Text + s.Docs[(i*7+3)%len(s.Docs)].Text
			d.Docs = append(d.Docs, datasets.Doc{ID: fmt.Sprintf("d%05d", i), Text: fmt.Sprintf("%s (%d)", text, i)})
			cands = append(cands, int32(len(d.Docs)-1))
		}
		d.Candidates = append(d.Candidates, cands)
		d.Qrels = append(d.Qrels, datasets.Judgment{QueryID: d.Queries[q].ID, DocID: fmt.Sprintf("d%05d", q*nc), Rel: 1})
	}
	return Task{Rerank: d}
}

// BenchmarkPipelineVsEmbedder measures what the pipeline adds over bare
// inference (issue 7 target: at most 10%): the same distinct texts are
// embedded by embed.Model directly (queries and documents, in one call
// each, which sorts by length itself) and by Execute without caches
// (dedup, length sort, chunking, cosine scoring, run building), alternating,
// one intra-op thread and one worker each. "ratio" is bare time / pipeline
// time (1.0 = no overhead). Model: $JRETRIEVE_BENCH_MODEL, else the tiny
// ModernBERT fixture (where fixed costs weigh most).
func BenchmarkPipelineVsEmbedder(b *testing.B) {
	if err := ort.Init(""); err != nil {
		b.Skipf("ONNX Runtime not installed: %v", err)
	}
	dir := os.Getenv("JRETRIEVE_BENCH_MODEL")
	if dir == "" {
		dir = filepath.Join("..", "testdata", "models", "modernbert-tiny")
	}
	ctx := context.Background()
	m, err := embed.Open(ctx, dir, embed.WithThreads(1), embed.WithMaxLength(512))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	nq, nc := 16, 64
	if os.Getenv("JRETRIEVE_BENCH_MODEL") != "" {
		nq, nc = 4, 32
	}
	task := benchTask(nq, nc)
	var qs, ds []string
	for _, q := range task.Rerank.Queries {
		qs = append(qs, q.Text)
	}
	for _, d := range task.Rerank.Docs {
		ds = append(ds, d.Text)
	}
	p := m.Prefixes()
	model := &Model{Name: "m", Identity: "m", Embedder: m, QueryPrefix: p.Query, DocumentPrefix: p.Document}
	op := OpenerFunc(func(context.Context, string) (*Model, error) { return model, nil })
	spec, _ := ParseSpec("m")
	var bare, pipe []float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := m.EmbedQueries(ctx, qs); err != nil {
			b.Fatal(err)
		}
		if _, err := m.EmbedDocuments(ctx, ds); err != nil {
			b.Fatal(err)
		}
		bare = append(bare, time.Since(t0).Seconds())
		t0 = time.Now()
		if _, err := Execute(ctx, task, []*Spec{spec}, Options{Opener: op, Workers: 1, EmbedChunk: 512}); err != nil {
			b.Fatal(err)
		}
		pipe = append(pipe, time.Since(t0).Seconds())
	}
	b.StopTimer()
	mb, mp := median(bare), median(pipe)
	n := float64(len(qs) + len(ds))
	b.ReportMetric(n/mb, "bare-texts/s")
	b.ReportMetric(n/mp, "pipeline-texts/s")
	b.ReportMetric(mb/mp, "ratio")
	b.ReportMetric(0, "ns/op")
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return s[len(s)/2]
}
