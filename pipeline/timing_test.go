package pipeline

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/rerank"
)

// fakeClock is advanced by the fake models below by the work they do, so
// that timings are exact: 1 s per embedded text, perPair s per reranked pair.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) advance(secs float64) {
	c.ns.Add(int64(secs * float64(time.Second)))
}

type clockEmbedder struct{ c *fakeClock }

func (e clockEmbedder) Dim() int { return 2 }
func (e clockEmbedder) emb(texts []string) []float32 {
	e.c.advance(float64(len(texts)))
	out := make([]float32, 0, 2*len(texts))
	for _, t := range texts {
		out = append(out, float32(len(t)), 1)
	}
	return out
}
func (e clockEmbedder) EmbedQueries(_ context.Context, t []string) ([]float32, error) {
	return e.emb(t), nil
}
func (e clockEmbedder) EmbedDocuments(_ context.Context, t []string) ([]float32, error) {
	return e.emb(t), nil
}

func clockOpener(c *fakeClock) Opener {
	reranker := func(perPair float64) rerank.Reranker {
		return rerank.Func(func(_ context.Context, q string, docs []string) ([]float64, error) {
			c.advance(perPair * float64(len(docs)))
			s := make([]float64, len(docs))
			for i, d := range docs {
				s[i] = overlap(q, d)
			}
			return s, nil
		})
	}
	return OpenerFunc(func(_ context.Context, name string) (*Model, error) {
		switch name {
		case "emb":
			return &Model{Name: name, Identity: name, Embedder: clockEmbedder{c}}, nil
		case "rrA":
			return &Model{Name: name, Identity: name, Reranker: reranker(1)}, nil
		case "rrB":
			return &Model{Name: name, Identity: name, Reranker: reranker(3)}, nil
		}
		return nil, ErrUnknownModel
	})
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestThroughputUncachedWork checks that throughput is model work per
// second on uncached work: embedding-cache hits do not inflate it, a fully
// cached run has none (unknown, and says it was cached), and fusions and
// chains count their candidates once. The toy dataset has 3 queries and
// 4+3+3 = 10 candidate pairs over 4 distinct passages: an embedder needs
// 3 + 4 = 7 texts.
func TestThroughputUncachedWork(t *testing.T) {
	ctx := context.Background()
	c := &fakeClock{}
	cache := t.TempDir()
	exec := func(task Task, cacheDir, runDir string, exprs ...string) []*RunInfo {
		t.Helper()
		infos, err := Execute(ctx, task, mustSpecs(t, exprs...), Options{Opener: clockOpener(c), CacheDir: cacheDir, RunDir: runDir, Workers: 2, now: c.now})
		if err != nil {
			t.Fatal(err)
		}
		return infos
	}
	full := Task{Rerank: toyDataset()}

	// No embedding cache: 7 texts in 7 s for 10 pairs.
	ri := exec(full, "", "", "emb")[0]
	if ri.Docs != 10 || !near(ri.Seconds, 7) || ri.Texts != 7 || ri.EmbedHits != 0 || !near(ri.DocsPerSecond(), 10.0/7) {
		t.Errorf("uncached: %+v, %v docs/s; want 10 docs, 7 s, 7 texts, 10/7 docs/s", ri, ri.DocsPerSecond())
	}

	// The first query alone fills the cache with 5 of the 7 texts (q1, d1-d4).
	exec(Task{Rerank: toyDataset().Limit(1)}, cache, "", "emb")
	ri = exec(full, cache, "", "emb")[0]
	if !near(ri.Seconds, 2) || ri.EmbedHits != 5 || !near(ri.EmbedCachedFraction(), 5.0/7) || !near(ri.DocsPerSecond(), 10.0/7) {
		t.Errorf("partly cached: %+v, %v docs/s; want 2 s, 5 hits, the uncached 10/7 docs/s (not 10/2)", ri, ri.DocsPerSecond())
	}
	// Everything cached: no model work timed, throughput unknown.
	ri = exec(full, cache, "", "emb")[0]
	if ri.EmbedHits != 7 || ri.EmbedCachedFraction() != 1 || ri.DocsPerSecond() != 0 {
		t.Errorf("fully cached: %+v, %v docs/s; want 7 hits and unknown (0) docs/s", ri, ri.DocsPerSecond())
	}

	// Rerankers: rrA 1 s per pair, rrB 3 s per pair.
	infos := exec(full, "", "", "rrA", "rrB", "combmnz(rrA,rrB)", "rrA>rrB@2")
	want := []struct {
		docs int
		secs float64
	}{
		{10, 10}, {10, 30},
		{10, 40}, // both inputs' work for the same 10 candidates, counted once
		{10, 28}, // 10 pairs by rrA, then the top 2 of each query (6 pairs) by rrB
	}
	for i, w := range want {
		ri := infos[i]
		if ri.Docs != w.docs || !near(ri.Seconds, w.secs) || !near(ri.DocsPerSecond(), float64(w.docs)/w.secs) {
			t.Errorf("%s: %d docs in %v s (%v docs/s), want %d in %v s", ri.Name, ri.Docs, ri.Seconds, ri.DocsPerSecond(), w.docs, w.secs)
		}
	}
	if f := infos[2].DocsPerSecond(); f >= infos[0].DocsPerSecond() || f >= infos[1].DocsPerSecond() {
		t.Errorf("a fusion is faster (%v docs/s) than its inputs (%v, %v)", f, infos[0].DocsPerSecond(), infos[1].DocsPerSecond())
	}

	// Cached runs keep their timings and cache statistics; sidecars
	// written before cost_seconds existed have unknown throughput.
	runDir := t.TempDir()
	exec(Task{Rerank: toyDataset()}, filepath.Join(t.TempDir(), "c"), runDir, "emb")
	ri = exec(full, "", runDir, "emb")[0]
	if !ri.Cached || ri.Texts != 7 || !near(ri.DocsPerSecond(), 10.0/7) {
		t.Errorf("run cache: %+v", ri)
	}
	meta := filepath.Join(runDir, ".meta", "emb.json")
	b, err := os.ReadFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	var side map[string]any
	if err := json.Unmarshal(b, &side); err != nil || side["cost_seconds"] != 7.0 {
		t.Fatalf("sidecar %s: %v", b, err)
	}
	delete(side, "cost_seconds")
	b, _ = json.Marshal(side)
	os.WriteFile(meta, b, 0o644)
	if ri = exec(full, "", runDir, "emb")[0]; !ri.Cached || ri.DocsPerSecond() != 0 {
		t.Errorf("legacy sidecar: %+v, %v docs/s; want cached with unknown throughput", ri, ri.DocsPerSecond())
	}
}

// statsEmbedder is clockEmbedder with encoder counts: every text it
// embeds is 3 real tokens in 4 batch cells.
type statsEmbedder struct {
	clockEmbedder
	n *atomic.Int64
}

func (e statsEmbedder) EmbedDocuments(ctx context.Context, t []string) ([]float32, error) {
	e.n.Add(int64(len(t)))
	return e.clockEmbedder.EmbedDocuments(ctx, t)
}
func (e statsEmbedder) EmbedQueries(ctx context.Context, t []string) ([]float32, error) {
	e.n.Add(int64(len(t)))
	return e.clockEmbedder.EmbedQueries(ctx, t)
}
func (e statsEmbedder) Stats() onnx.Stats {
	n := e.n.Load()
	return onnx.Stats{Sequences: n, Tokens: 3 * n, PaddedTokens: 4 * n}
}

// TestPaddingWaste checks the encoder counts a run reports: the tokens and
// batch cells its stage's encoder was sent (3 of 4 per text here, so
// waste 0.25), none for BM25 or a fully embedding-cached run (-1), sums
// over fusion inputs and chain stages, and kept by the run cache.
func TestPaddingWaste(t *testing.T) {
	ctx := context.Background()
	c := &fakeClock{}
	n := &atomic.Int64{}
	base := clockOpener(c)
	opener := OpenerFunc(func(ctx context.Context, name string) (*Model, error) {
		if name == "semb" {
			return &Model{Name: name, Identity: name, Embedder: statsEmbedder{clockEmbedder{c}, n}}, nil
		}
		return base.Open(ctx, name)
	})
	cache, runDir := t.TempDir(), t.TempDir()
	exec := func(exprs ...string) []*RunInfo {
		t.Helper()
		infos, err := Execute(ctx, Task{Rerank: toyDataset()}, mustSpecs(t, exprs...), Options{Opener: opener, CacheDir: cache, RunDir: runDir, Workers: 2, now: c.now})
		if err != nil {
			t.Fatal(err)
		}
		return infos
	}
	infos := exec("semb", "rrA", "combsum(semb,rrA)", "semb>rrA@2")
	// 7 texts (3 queries, 4 distinct passages): 21 tokens in 28 cells.
	if ri := infos[0]; ri.Tokens != 21 || ri.PaddedTokens != 28 || !near(ri.PaddingWaste(), 0.25) {
		t.Errorf("semb: %d tokens in %d cells, waste %v; want 21 in 28, 0.25", ri.Tokens, ri.PaddedTokens, ri.PaddingWaste())
	}
	if ri := infos[1]; ri.PaddedTokens != 0 || ri.PaddingWaste() != -1 {
		t.Errorf("rrA (no encoder counts): %d cells, waste %v; want 0 and -1", ri.PaddedTokens, ri.PaddingWaste())
	}
	for _, ri := range infos[2:] {
		// semb's run is taken from the executor, so its counts are summed.
		if ri.Tokens != 21 || ri.PaddedTokens != 28 {
			t.Errorf("%s: %d tokens in %d cells; want semb's 21 in 28", ri.Name, ri.Tokens, ri.PaddedTokens)
		}
	}
	// The run cache keeps the counts; the embedding cache means no encoder work.
	if ri := exec("semb")[0]; !ri.Cached || ri.Tokens != 21 || ri.PaddedTokens != 28 {
		t.Errorf("run-cached semb: %+v", ri)
	}
	os.RemoveAll(runDir)
	if ri := exec("semb")[0]; ri.Cached || ri.EmbedHits != 7 || ri.PaddedTokens != 0 || ri.PaddingWaste() != -1 {
		t.Errorf("embedding-cached semb: %+v, waste %v; want no encoder work (-1)", ri, ri.PaddingWaste())
	}
}
