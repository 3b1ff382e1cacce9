package pipeline

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/datasets"
	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/rerank"
)

// toyDataset: 3 queries over shared candidate passages.
func toyDataset() *datasets.Dataset {
	docs := []datasets.Doc{
		{ID: "d1", Text: "富士山 は 日本 で 一番 高い 山"},
		{ID: "d2", Text: "琵琶湖 は 日本 で 一番 大きい 湖"},
		{ID: "d3", Text: "東京 は 日本 の 首都"},
		{ID: "d4", Text: "大阪 は 食い倒れ の 街"},
	}
	return &datasets.Dataset{
		Name:       "toy",
		Queries:    []datasets.Query{{ID: "q1", Text: "一番 高い 山"}, {ID: "q2", Text: "日本 の 首都"}, {ID: "q3", Text: "大きい 湖"}},
		Docs:       docs,
		Candidates: [][]int32{{0, 1, 2, 3}, {0, 2, 3}, {1, 3, 0}},
		Qrels: datasets.Qrels{{QueryID: "q1", DocID: "d1", Rel: 1}, {QueryID: "q2", DocID: "d3", Rel: 1},
			{QueryID: "q3", DocID: "d2", Rel: 1}},
	}
}

// overlap counts the query's space-separated words found in the document.
func overlap(q, d string) float64 {
	n := 0.0
	for _, w := range strings.Fields(q) {
		if strings.Contains(d, w) {
			n++
		}
	}
	return n
}

// bagEmbedder embeds a text as counts of 4 marker characters.
type bagEmbedder struct{ calls atomic.Int64 }

var bagChars = []string{"山", "湖", "首都", "街"}

func (b *bagEmbedder) Dim() int { return 4 }
func (b *bagEmbedder) emb(texts []string) []float32 {
	var out []float32
	for _, t := range texts {
		b.calls.Add(1)
		for _, c := range bagChars {
			out = append(out, float32(strings.Count(t, c))+0.1)
		}
	}
	return out
}
func (b *bagEmbedder) EmbedQueries(_ context.Context, t []string) ([]float32, error) {
	return b.emb(t), nil
}
func (b *bagEmbedder) EmbedDocuments(_ context.Context, t []string) ([]float32, error) {
	return b.emb(t), nil
}

type fakeOpener struct {
	emb    *bagEmbedder
	opened map[string]int
}

func (f *fakeOpener) Open(_ context.Context, name string) (*Model, error) {
	f.opened[name]++
	switch name {
	case "overlap":
		return &Model{Name: name, Identity: name, Reranker: rerank.Func(func(_ context.Context, q string, docs []string) ([]float64, error) {
			s := make([]float64, len(docs))
			for i, d := range docs {
				s[i] = overlap(q, d)
			}
			return s, nil
		})}, nil
	case "len":
		return &Model{Name: name, Identity: name, Reranker: rerank.Func(func(_ context.Context, q string, docs []string) ([]float64, error) {
			s := make([]float64, len(docs))
			for i, d := range docs {
				s[i] = -float64(len(d))
			}
			return s, nil
		})}, nil
	case "bag":
		return &Model{Name: name, Identity: name, Embedder: f.emb}, nil
	}
	return nil, ErrUnknownModel
}

func mustSpecs(t *testing.T, exprs ...string) []*Spec {
	var out []*Spec
	for _, e := range exprs {
		s, err := ParseSpec(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestExecuteRerankLeaves(t *testing.T) {
	op := &fakeOpener{emb: &bagEmbedder{}, opened: map[string]int{}}
	task := Task{Rerank: toyDataset()}
	runs, err := Execute(context.Background(), task, mustSpecs(t, "overlap", "bag"), Options{Opener: op, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Reranker leaf: scores are overlap() of each candidate, in candidate order.
	ids, sc := runs[0].Run.Docs("q1")
	wantIDs := []string{"d1", "d2", "d3", "d4"}
	wantSc := []float64{3, 1, 0, 0} // 一番 高い 山 | 一番 | - | -
	for i := range wantIDs {
		if ids[i] != wantIDs[i] || sc[i] != wantSc[i] {
			t.Fatalf("overlap run q1 = %v %v, want %v %v", ids, sc, wantIDs, wantSc)
		}
	}
	if runs[0].Docs != 10 {
		t.Errorf("overlap scored %d pairs, want 10", runs[0].Docs)
	}
	// Dense leaf: cosine of bag vectors; q2 (首都) must rank d3 first.
	ids, sc = runs[1].Run.Docs("q2")
	best := 0
	for i := range sc {
		if sc[i] > sc[best] {
			best = i
		}
	}
	if ids[best] != "d3" {
		t.Errorf("dense run ranks %s first for q2, want d3 (%v %v)", ids[best], ids, sc)
	}
	// Each distinct text embedded once: 3 queries + 4 passages.
	if n := op.emb.calls.Load(); n != 7 {
		t.Errorf("embedded %d texts, want 7 (distinct passages once)", n)
	}
	// The runs evaluate: overlap finds every relevant doc at rank 1.
	res, err := eval.Evaluate(task.Qrels(), runs[0].Run, []string{"mrr@10"}, eval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Mean["mrr@10"]; math.Abs(got-1) > 1e-12 {
		t.Errorf("overlap mrr@10 = %v, want 1", got)
	}
}

func TestExecuteChainAndFusion(t *testing.T) {
	op := &fakeOpener{emb: &bagEmbedder{}, opened: map[string]int{}}
	task := Task{Rerank: toyDataset()}
	runs, err := Execute(context.Background(), task, mustSpecs(t, "overlap>len@2", "rrf(overlap,len)"), Options{Opener: op})
	if err != nil {
		t.Fatal(err)
	}
	// q1: overlap ranks d1 (3), d2 (1), then d3, d4 (0, tie in insertion order).
	// len reranks the top 2 (d1, d2): d1 is shorter... lengths in bytes:
	// d1 "富士山 は 日本 で 一番 高い 山" vs d2 "琵琶湖 は 日本 で 一番 大きい 湖".
	ids, sc := runs[0].Run.Docs("q1")
	if len(ids) != 4 {
		t.Fatalf("chain kept %d docs, want all 4", len(ids))
	}
	score := map[string]float64{}
	for i, id := range ids {
		score[id] = sc[i]
	}
	l1, l2 := -float64(len("富士山 は 日本 で 一番 高い 山")), -float64(len("琵琶湖 は 日本 で 一番 大きい 湖"))
	if score["d1"] != l1 || score["d2"] != l2 {
		t.Errorf("reranked scores d1=%v d2=%v, want %v %v", score["d1"], score["d2"], l1, l2)
	}
	low := math.Min(l1, l2)
	if score["d3"] != low-1 || score["d4"] != low-2 {
		t.Errorf("docs below depth: d3=%v d4=%v, want %v %v", score["d3"], score["d4"], low-1, low-2)
	}
	if op.opened["overlap"] != 1 || op.opened["len"] != 1 {
		t.Errorf("models opened %v, want each once", op.opened)
	}
	// RRF equals eval.Fuse over the two leaf runs.
	a, _ := Execute(context.Background(), task, mustSpecs(t, "overlap", "len"), Options{Opener: op})
	want, _ := eval.Fuse("rrf", []*eval.Run{a[0].Run, a[1].Run}, eval.FuseOptions{})
	for _, q := range []string{"q1", "q2", "q3"} {
		gi, gs := runs[1].Run.Docs(q)
		wi, ws := want.Docs(q)
		if strings.Join(gi, ",") != strings.Join(wi, ",") {
			t.Fatalf("rrf docs %v, want %v", gi, wi)
		}
		for i := range gs {
			if gs[i] != ws[i] {
				t.Fatalf("rrf scores %v, want %v", gs, ws)
			}
		}
	}
}

func TestExecuteRunCache(t *testing.T) {
	dir := t.TempDir()
	op := &fakeOpener{emb: &bagEmbedder{}, opened: map[string]int{}}
	task := Task{Rerank: toyDataset()}
	opt := Options{Opener: op, RunDir: dir + "/runs", CacheDir: dir + "/emb"}
	first, err := Execute(context.Background(), task, mustSpecs(t, "bag>overlap@2"), opt)
	if err != nil {
		t.Fatal(err)
	}
	// Second execution: everything comes from the run cache, no model opened.
	op.opened = map[string]int{}
	again, err := Execute(context.Background(), task, mustSpecs(t, "bag>overlap@2"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(op.opened) != 0 || !again[0].Cached {
		t.Errorf("cached run reopened models %v (cached=%v)", op.opened, again[0].Cached)
	}
	for _, q := range []string{"q1", "q2", "q3"} {
		a, as := first[0].Run.Docs(q)
		b, bs := again[0].Run.Docs(q)
		if strings.Join(a, ",") != strings.Join(b, ",") || len(as) != len(bs) {
			t.Fatalf("cached run differs for %s: %v vs %v", q, a, b)
		}
	}
	// A new chain over the cached first stage: the embedder is not re-run.
	op.emb.calls.Store(0)
	if _, err := Execute(context.Background(), task, mustSpecs(t, "bag>len@1"), opt); err != nil {
		t.Fatal(err)
	}
	if n := op.emb.calls.Load(); n != 0 {
		t.Errorf("adding a reranker re-embedded %d texts", n)
	}
	// Different data: the cache is not used.
	d := toyDataset()
	d.Queries[0].Text = "湖"
	op.opened = map[string]int{}
	if _, err := Execute(context.Background(), Task{Rerank: d}, mustSpecs(t, "overlap"), opt); err != nil {
		t.Fatal(err)
	}
	if op.opened["overlap"] != 1 {
		t.Error("run cache reused for different data")
	}
}

func TestExecuteErrors(t *testing.T) {
	op := &fakeOpener{emb: &bagEmbedder{}, opened: map[string]int{}}
	task := Task{Rerank: toyDataset()}
	if _, err := Execute(context.Background(), task, mustSpecs(t, "nope"), Options{Opener: op}); err == nil {
		t.Error("unknown model: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Execute(ctx, task, mustSpecs(t, "overlap"), Options{Opener: op}); err == nil {
		t.Error("cancelled context: no error")
	}
}

// A run full of ties evaluates the same fresh and from the run cache, and
// is stored in ranx's order (one sort of the candidate order), as ranx
// saves runs.
func TestExecuteTiesStableAcrossCache(t *testing.T) {
	d := &datasets.Dataset{Name: "ties"}
	for q := 0; q < 5; q++ {
		qid := string(rune('a'+q)) + "q"
		d.Queries = append(d.Queries, datasets.Query{ID: qid, Text: "x"})
		var c []int32
		for i := 0; i < 40; i++ {
			d.Docs = append(d.Docs, datasets.Doc{ID: qid + string(rune('A'+i)), Text: strings.Repeat("z", (i*7+q)%5)})
			c = append(c, int32(len(d.Docs)-1))
		}
		d.Candidates = append(d.Candidates, c)
		d.Qrels = append(d.Qrels, datasets.Judgment{QueryID: qid, DocID: qid + string(rune('A'+(q*3)%40)), Rel: 1})
	}
	op := OpenerFunc(func(_ context.Context, name string) (*Model, error) {
		return &Model{Name: name, Identity: name, Reranker: rerank.Func(func(_ context.Context, q string, docs []string) ([]float64, error) {
			s := make([]float64, len(docs))
			for i, doc := range docs {
				s[i] = float64(len(doc) % 2) // two huge tie groups
			}
			return s, nil
		})}, nil
	})
	dir := t.TempDir()
	task := Task{Rerank: d}
	fresh, err := Execute(context.Background(), task, mustSpecs(t, "ties"), Options{Opener: op, RunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	cached, err := Execute(context.Background(), task, mustSpecs(t, "ties"), Options{Opener: op, RunDir: dir})
	if err != nil || !cached[0].Cached {
		t.Fatalf("cached: %v %v", err, cached)
	}
	metrics := []string{"mrr@10", "ndcg@10"}
	a, err := eval.Evaluate(task.Qrels(), fresh[0].Run, metrics, eval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := eval.Evaluate(task.Qrels(), cached[0].Run, metrics, eval.Options{})
	for _, m := range metrics {
		if a.Mean[m] != b.Mean[m] {
			t.Errorf("%s fresh %v != cached %v", m, a.Mean[m], b.Mean[m])
		}
	}
	// Stored order: scores non-increasing (sorted once).
	for _, q := range fresh[0].Run.Queries() {
		_, sc := fresh[0].Run.Docs(q)
		for i := 1; i < len(sc); i++ {
			if sc[i] > sc[i-1] {
				t.Fatalf("%s stored unsorted: %v", q, sc)
			}
		}
	}
}

// Re-exporting a model into the same directory invalidates its cached runs.
func TestRunCacheModelStamp(t *testing.T) {
	mdir := t.TempDir()
	onnxPath := filepath.Join(mdir, "model.onnx")
	os.WriteFile(onnxPath, []byte("v1"), 0o644)
	opened := 0
	op := OpenerFunc(func(_ context.Context, name string) (*Model, error) {
		opened++
		return &Model{Name: name, Identity: name, Reranker: rerank.Func(func(_ context.Context, q string, docs []string) ([]float64, error) {
			return make([]float64, len(docs)), nil
		})}, nil
	})
	task := Task{Rerank: toyDataset()}
	opt := Options{Opener: op, RunDir: t.TempDir()}
	for i, want := range []int{1, 1} {
		if _, err := Execute(context.Background(), task, mustSpecs(t, mdir), opt); err != nil {
			t.Fatal(err)
		}
		if opened != want {
			t.Fatalf("execution %d opened the model %d times, want %d", i, opened, want)
		}
	}
	later := time.Now().Add(time.Hour)
	os.WriteFile(onnxPath, []byte("v2 longer"), 0o644)
	os.Chtimes(onnxPath, later, later)
	if _, err := Execute(context.Background(), task, mustSpecs(t, mdir), opt); err != nil {
		t.Fatal(err)
	}
	if opened != 2 {
		t.Errorf("re-exported model: cached run reused (opened %d times)", opened)
	}
}
