package bm25

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/jretrieve/jretrieve/analysis"
)

// jqaraGroup is one question scored by the JQaRA evaluator's BM25 reranker
// (scripts/reference/jqara_bm25.py: fugashi + unidic-lite
// Tagger("-Owakati").parse(text).split(" "), rank_bm25 BM25Okapi).
type jqaraGroup struct {
	Name        string     `json:"name"`
	Query       string     `json:"query"`
	Docs        []string   `json:"docs"`
	QueryTokens []string   `json:"query_tokens"`
	DocTokens   [][]string `json:"doc_tokens"`
	Scores      []float64  `json:"scores"`
}

// TestJQaRABM25Reference: Okapi over analysis.Uni gives the JQaRA
// baseline's tokens (no trailing empty token: fugashi's parse() strips the
// trailing whitespace of MeCab's wakati output, and with it trailing words
// made of characters Python's str.strip() removes) and its scores to 1e-12.
func TestJQaRABM25Reference(t *testing.T) {
	path := filepath.Join("testdata", "jqara_bm25.jsonl.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	a, err := analysis.New(analysis.Options{Dict: analysis.Uni})
	if err != nil {
		t.Fatal(err)
	}
	o := NewOkapi(a, OkapiParams{})
	sc := bufio.NewScanner(z)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	groups, texts, scores, exact := 0, 0, 0, 0
	maxDiff := 0.0
	for n := 1; sc.Scan(); n++ {
		var g jqaraGroup
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		groups++
		q, err := o.Tokens(g.Query)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(q, g.QueryTokens) {
			t.Errorf("%s: query %q: tokens %q, want %q", g.Name, g.Query, q, g.QueryTokens)
		}
		texts++
		for i, d := range g.Docs {
			texts++
			if dt, _ := o.Tokens(d); !slices.Equal(dt, g.DocTokens[i]) {
				t.Errorf("%s: doc %d %q: tokens %q, want %q", g.Name, i, d, dt, g.DocTokens[i])
			}
		}
		got, err := o.Score(context.Background(), g.Query, g.Docs)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range g.Scores {
			scores++
			if got[i] == want {
				exact++
			}
			maxDiff = math.Max(maxDiff, math.Abs(got[i]-want))
			if math.Abs(got[i]-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("%s: doc %d: score %.17g, rank_bm25 %.17g", g.Name, i, got[i], want)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("JQaRA BM25 reference: %d groups, %d texts tokenised, %d scores (%d bit-identical, max |diff| %g)", groups, texts, scores, exact, maxDiff)
}
