package eval

import (
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var benchMetrics = []string{"ndcg@10", "mrr@10", "ndcg@100", "mrr@100"}

func jqaraRunPaths(tb testing.TB) (qrels string, runs []string) {
	base := filepath.Join(sharedDir(tb), "reference", "jqara")
	runs, err := filepath.Glob(filepath.Join(base, "runs", "*.lz4"))
	if err != nil || len(runs) == 0 {
		tb.Skipf("skipping: no runs in %s", base)
	}
	return filepath.Join(base, "qrels.trec"), runs
}

// BenchmarkJQaRADecodeEvaluate decodes and evaluates all JQaRA runs with the
// leaderboard metrics on GOMAXPROCS goroutines (anchor: trec_eval about 10.5 s
// for the 39 runs in TREC format, 270 ms per run).
func BenchmarkJQaRADecodeEvaluate(b *testing.B) {
	qp, paths := jqaraRunPaths(b)
	q, err := ReadTRECQrelsFile(qp)
	if err != nil {
		b.Fatal(err)
	}
	ev, err := NewEvaluator(q, benchMetrics, Options{})
	if err != nil {
		b.Fatal(err)
	}
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		ch := make(chan string)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range ch {
					r, err := ReadRunFile(p)
					if err != nil {
						b.Error(err)
						continue
					}
					if _, err := ev.Evaluate(r); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for _, p := range paths {
			ch <- p
		}
		close(ch)
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(len(paths)), "ms/run")
}

func BenchmarkJQaRADecode(b *testing.B) {
	_, paths := jqaraRunPaths(b)
	for b.Loop() {
		for _, p := range paths[:4] {
			if _, err := ReadRunFile(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkJQaRAEvaluate(b *testing.B) {
	qp, paths := jqaraRunPaths(b)
	q, _ := ReadTRECQrelsFile(qp)
	ev, _ := NewEvaluator(q, benchMetrics, Options{})
	r, err := ReadRunFile(paths[0])
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ev.Evaluate(r); err != nil {
			b.Fatal(err)
		}
	}
}
