package rag_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/bm25"
	"github.com/jretrieve/jretrieve/rag"
	"github.com/jretrieve/jretrieve/rag/ragtest"
	"github.com/jretrieve/jretrieve/rerank"
)

// luceneBM25 is an independent brute-force BM25 (Lucene idf, k1 1.2,
// b 0.75): score = sum over distinct query terms of qtf * idf * tf*(k1+1) /
// (tf + k1*(1-b+b*dl/avgdl)).
func luceneBM25(query []string, docs [][]string) []float64 {
	const k1, b = 1.2, 0.75
	n := float64(len(docs))
	df := map[string]float64{}
	total := 0.0
	for _, d := range docs {
		total += float64(len(d))
		seen := map[string]bool{}
		for _, t := range d {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	avgdl := total / n
	qtf := map[string]float64{}
	for _, t := range query {
		qtf[t]++
	}
	out := make([]float64, len(docs))
	for i, d := range docs {
		tf := map[string]float64{}
		for _, t := range d {
			tf[t]++
		}
		for t, q := range qtf {
			if tf[t] == 0 {
				continue
			}
			idf := math.Log(1 + (n-df[t]+0.5)/(df[t]+0.5))
			out[i] += q * idf * tf[t] * (k1 + 1) / (tf[t] + k1*(1-b+b*float64(len(d))/avgdl))
		}
	}
	return out
}

type scored struct {
	id    string
	score float64
}

// ranked sorts by score descending, then position ascending, and keeps
// positive scores only.
func ranked(ids []string, scores []float64, k int) []scored {
	var out []scored
	for i := range ids {
		if scores[i] > 0 {
			out = append(out, scored{ids[i], scores[i]})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].score > out[b].score })
	return out[:min(k, len(out))]
}

func ids(docs []rag.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

func TestBM25AgainstBruteForce(t *testing.T) {
	ctx := context.Background()
	st, err := rag.Build(ctx, passages, rag.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bm, err := st.BM25()
	if err != nil {
		t.Fatal(err)
	}
	a, err := analysis.New(analysis.Options{Dict: analysis.Uni})
	if err != nil {
		t.Fatal(err)
	}
	toks := make([][]string, len(passages))
	for i, p := range passages {
		toks[i] = a.Tokens(p.Text)
	}
	for _, q := range []string{"日本一高い山はどこですか", "日本で最も長い川", "京都の古い町", "存在しない単語ばかり"} {
		want := ranked(ids(passages), luceneBM25(a.Tokens(q), toks), 5)
		hits, err := bm.Retrieve(ctx, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != len(want) {
			t.Fatalf("%s: %d hits, want %d (%v)", q, len(hits), len(want), want)
		}
		for i, h := range hits {
			if h.ID != want[i].id || math.Abs(h.Score-want[i].score) > 1e-9 {
				t.Errorf("%s: hit %d = %s %.6f, want %s %.6f", q, i, h.ID, h.Score, want[i].id, want[i].score)
			}
			if h.Text != passages[h.Index].Text || h.Meta["file"] != passages[h.Index].Meta["file"] {
				t.Errorf("%s: hit %d carries the wrong document", q, i)
			}
		}
	}
}

func TestDenseAgainstBruteForce(t *testing.T) {
	ctx := context.Background()
	emb := &ragtest.HashEmbedder{Size: 48, QueryPrefix: "問: ", DocumentPrefix: "文: "}
	st, err := rag.Build(ctx, passages, rag.BuildOptions{Embedder: emb, NoBM25: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Index() != nil {
		t.Fatal("NoBM25 built a BM25 index")
	}
	if _, err := st.BM25(); err == nil {
		t.Fatal("BM25 retriever over a store without index")
	}
	dense, err := st.Dense(emb)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"日本一高い山", "湖", "川の長さ"} {
		qv := emb.Vector("問: " + q)
		var want []scored
		for _, p := range passages {
			dv := emb.Vector("文: " + p.Text)
			var dot float64
			for i := range qv {
				dot += float64(qv[i]) * float64(dv[i])
			}
			want = append(want, scored{p.ID, dot})
		}
		sort.SliceStable(want, func(a, b int) bool { return want[a].score > want[b].score })
		hits, err := dense.Retrieve(ctx, q, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 4 {
			t.Fatalf("%d hits", len(hits))
		}
		for i, h := range hits {
			if math.Abs(h.Score-want[i].score) > 1e-5 {
				t.Errorf("%s: hit %d = %s %.6f, want %s %.6f", q, i, h.ID, h.Score, want[i].id, want[i].score)
			}
			if h.ID != want[i].id && math.Abs(want[i].score-want[min(i+1, len(want)-1)].score) > 1e-5 {
				t.Errorf("%s: hit %d = %s, want %s", q, i, h.ID, want[i].id)
			}
		}
	}
}

// fixed returns a fixed ranking, truncated to k, and records the k asked.
type fixed struct {
	hits  []rag.Hit
	asked atomic.Int64
}

func (f *fixed) Retrieve(ctx context.Context, q string, k int) ([]rag.Hit, error) {
	f.asked.Store(int64(k))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return f.hits[:min(k, len(f.hits))], nil
}

func hitsOf(spec string) []rag.Hit {
	var out []rag.Hit
	for i, id := range strings.Fields(spec) {
		out = append(out, rag.Hit{Document: rag.Document{ID: id, Text: "text of " + id}, Score: float64(10 - i)})
	}
	return out
}

func TestFusionRRF(t *testing.T) {
	r1 := &fixed{hits: hitsOf("a b c")}
	r2 := &fixed{hits: hitsOf("c a d")}
	f := rag.Fuse(rag.RRF, r1, r2)
	f.Depth = 3
	got, err := f.Retrieve(context.Background(), "q", 3)
	if err != nil {
		t.Fatal(err)
	}
	// hand-computed: 1/(60+rank) summed over the runs
	want := []scored{{"a", 1.0/61 + 1.0/62}, {"c", 1.0/63 + 1.0/61}, {"b", 1.0 / 62}}
	if len(got) != len(want) {
		t.Fatalf("got %d hits", len(got))
	}
	for i := range want {
		if got[i].ID != want[i].id || math.Abs(got[i].Score-want[i].score) > 1e-12 || got[i].Text != "text of "+want[i].id {
			t.Errorf("hit %d = %s %.8f, want %s %.8f", i, got[i].ID, got[i].Score, want[i].id, want[i].score)
		}
	}
	if r1.asked.Load() != 3 {
		t.Errorf("fusion asked its inputs for %d, want Depth 3", r1.asked.Load())
	}
	// CombSUM with min-max normalisation: a = 1 + 0.5, c = 0 + 1, b = 0.5, d = 0
	got, err = rag.Fuse(rag.CombSUM, r1, r2).Retrieve(context.Background(), "q", 10)
	if err != nil {
		t.Fatal(err)
	}
	want = []scored{{"a", 1.5}, {"c", 1}, {"b", 0.5}, {"d", 0}}
	for i := range want {
		if got[i].ID != want[i].id || math.Abs(got[i].Score-want[i].score) > 1e-12 {
			t.Errorf("combsum hit %d = %s %.8f, want %s %.8f", i, got[i].ID, got[i].Score, want[i].id, want[i].score)
		}
	}
	if _, err := rag.Fuse("borda", r1).Retrieve(context.Background(), "q", 3); err == nil {
		t.Error("unknown fusion method accepted")
	}
}

func TestRerank(t *testing.T) {
	first := &fixed{hits: hitsOf("d1 d22 d333 d4444 d55555 d666666")}
	// the reranker prefers longer texts, and scores d1 and d22 equally
	r := rerank.Func(func(ctx context.Context, q string, docs []string) ([]float64, error) {
		out := make([]float64, len(docs))
		for i, d := range docs {
			out[i] = math.Max(float64(len(d)-len("text of ")), 3)
		}
		return out, nil
	})
	p := rag.Rerank(first, r, 4)
	got, err := p.Retrieve(context.Background(), "q", 3)
	if err != nil {
		t.Fatal(err)
	}
	if first.asked.Load() != 4 {
		t.Errorf("first stage asked for %d, want depth 4", first.asked.Load())
	}
	var names []string
	for _, h := range got {
		names = append(names, fmt.Sprintf("%s=%g", h.ID, h.Score))
	}
	// only the top 4 are reranked: d4444 (5) > d333 (4) > d1 = d22 (3, tie keeps first-stage order)
	if s := strings.Join(names, " "); s != "d4444=5 d333=4 d1=3" {
		t.Errorf("got %s", s)
	}
	// k above the depth: the reranker sees k candidates
	if got, _ := p.Retrieve(context.Background(), "q", 6); len(got) != 6 || got[0].ID != "d666666" {
		t.Errorf("k > depth: %v", got)
	}
	bad := rerank.Func(func(ctx context.Context, q string, docs []string) ([]float64, error) { return []float64{1}, nil })
	if _, err := rag.Rerank(first, bad, 4).Retrieve(context.Background(), "q", 3); err == nil || !strings.Contains(err.Error(), "1 scores for 4 documents") {
		t.Errorf("short score list: %v", err)
	}
}

func TestCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	emb := ragtest.New(32)
	st, err := rag.Build(context.Background(), passages, rag.BuildOptions{Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	bm, _ := st.BM25()
	dn, _ := st.Dense(emb)
	par := rag.Fuse(rag.RRF, bm, dn)
	par.Concurrent = true
	for name, r := range map[string]rag.Retriever{"bm25": bm, "dense": dn, "fusion": rag.Fuse(rag.RRF, bm, dn), "parallel fusion": par} {
		if _, err := r.Retrieve(ctx, "日本の山", 3); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: cancelled context gave %v", name, err)
		}
	}
	if _, err := rag.Build(ctx, passages, rag.BuildOptions{Embedder: emb, NoBM25: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("build: cancelled context gave %v", err)
	}
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	for name, docs := range map[string][]rag.Document{
		"empty id":  {{ID: "", Text: "a"}},
		"duplicate": {{ID: "x", Text: "a"}, {ID: "x", Text: "b"}},
		"utf8":      {{ID: "x", Text: "\xff"}},
	} {
		if _, err := rag.Build(ctx, docs, rag.BuildOptions{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := rag.Build(ctx, passages, rag.BuildOptions{NoBM25: true}); err == nil {
		t.Error("nothing to build: no error")
	}
	// an index over other documents cannot back a retriever of this corpus
	st, err := rag.Build(ctx, passages[:3], rag.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rag.NewBM25(st.Index(), rag.Docs(passages)); err == nil {
		t.Error("misaligned corpus accepted")
	}
	swapped := rag.Docs{passages[1], passages[0], passages[2]}
	if _, err := rag.NewBM25(st.Index(), swapped); err == nil || !strings.Contains(err.Error(), "document 0") {
		t.Errorf("reordered corpus: %v", err)
	}
	ix, err := bm25.Build(ctx, func(yield func(bm25.Doc, error) bool) { yield(bm25.Doc{ID: "a", Tokens: []string{"x"}}, nil) }, bm25.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rag.NewBM25(ix, rag.Docs{{ID: "a"}}); err == nil {
		t.Error("token-built index accepted")
	}
}

// TestConcurrentQueries runs the full pipeline from many goroutines and
// compares with sequential results (run under -race).
func TestConcurrentQueries(t *testing.T) {
	ctx := context.Background()
	emb := ragtest.New(64)
	st, err := rag.Build(ctx, passages, rag.BuildOptions{Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	bm, _ := st.BM25()
	dn, _ := st.Dense(emb)
	a, err := analysis.New(analysis.Options{Dict: analysis.Uni})
	if err != nil {
		t.Fatal(err)
	}
	fused := rag.Fuse(rag.RRF, bm, dn)
	fused.Concurrent = true
	p := rag.Rerank(fused, bm25.NewOkapi(a, bm25.OkapiParams{}), 6)
	queries := []string{"日本一高い山", "日本最大の湖", "日本の首都", "長い川", "火山", "古い町", "世界で最も高い山", "標高"}
	want := make([]string, len(queries))
	for i, q := range queries {
		hs, err := p.Retrieve(ctx, q, 3)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = fmt.Sprint(hs)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 2 * len(queries) {
				i := (g + j) % len(queries)
				hs, err := p.Retrieve(ctx, queries[i], 3)
				if err != nil {
					errs <- err
					return
				}
				if got := fmt.Sprint(hs); got != want[i] {
					errs <- fmt.Errorf("%s: concurrent %s, sequential %s", queries[i], got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
