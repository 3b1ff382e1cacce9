package bm25

import (
	"fmt"
	"testing"
)

// BenchmarkSearch: top-10 OR queries on a synthetic Zipf corpus (20,000
// documents). bench/bm25.sh runs the 100,000-document comparison with
// SQLite FTS5 and Xapian.
func BenchmarkSearch(b *testing.B) {
	corpus := zipfCorpus(3, 20000, 50000, 150)
	bl, _ := NewBuilder(BuildOptions{})
	for i, d := range corpus {
		bl.Add(Doc{ID: fmt.Sprint(i), Tokens: d})
	}
	ix, _ := bl.Finish()
	qs := zipfCorpus(4, 1000, 50000, 4)
	b.Run("maxscore", func(b *testing.B) {
		i := 0
		for b.Loop() {
			ix.Search(qs[i%len(qs)], 10)
			i++
		}
	})
	b.Run("exhaustive", func(b *testing.B) {
		i := 0
		for b.Loop() {
			ix.SearchExhaustive(qs[i%len(qs)], 10)
			i++
		}
	})
}

// BenchmarkOkapiScores: one JQaRA question, 100 passages of 150 tokens.
func BenchmarkOkapiScores(b *testing.B) {
	docs := zipfCorpus(5, 100, 5000, 150)
	q := zipfCorpus(6, 1, 5000, 15)[0]
	for b.Loop() {
		OkapiScores(q, docs, OkapiParams{})
	}
}
