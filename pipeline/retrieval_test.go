package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/bm25"
	"github.com/jretrieve/jretrieve/datasets"
)

// writeBEIR writes a tiny BEIR-style directory.
func writeBEIR(t *testing.T) string {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "qrels"), 0o755)
	corpus := `{"_id": "c1", "title": "富士山", "text": "富士山 は 日本 で 一番 高い 山"}
{"_id": "c2", "title": "琵琶湖", "text": "琵琶湖 は 日本 で 一番 大きい 湖"}
{"_id": "c3", "title": "東京", "text": "東京 は 日本 の 首都"}
{"_id": "c4", "title": "大阪", "text": "大阪 は 食い倒れ の 街"}
{"_id": "c5", "title": "山脈", "text": "日本アルプス の 山 と 湖"}
`
	queries := `{"_id": "q1", "text": "一番 高い 山"}
{"_id": "q2", "text": "日本 の 首都"}
`
	qrels := "query-id\tcorpus-id\tscore\nq1\tc1\t1\nq2\tc3\t1\n"
	os.WriteFile(filepath.Join(dir, "corpus.jsonl"), []byte(corpus), 0o644)
	os.WriteFile(filepath.Join(dir, "queries.jsonl"), []byte(queries), 0o644)
	os.WriteFile(filepath.Join(dir, "qrels", "test.tsv"), []byte(qrels), 0o644)
	return dir
}

func TestExecuteRetrieval(t *testing.T) {
	dir := writeBEIR(t)
	r, err := datasets.OpenBEIR(context.Background(), dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	emb := &bagEmbedder{}
	fo := &fakeOpener{emb: emb, opened: map[string]int{}}
	def := DefaultOpener(ModelOptions{})
	op := OpenerFunc(func(ctx context.Context, name string) (*Model, error) {
		if name == "bm25-index" || name == "bm25" {
			return def.Open(ctx, name)
		}
		return fo.Open(ctx, name)
	})
	runs, err := Execute(context.Background(), Task{Retrieval: r},
		mustSpecs(t, "bm25-index", "bag", "bm25-index>overlap@2"), Options{Opener: op, Depth: 3})
	if err != nil {
		t.Fatal(err)
	}
	// bm25-index: the same hits as searching an index built directly.
	var docs []bm25.Doc
	for d, err := range r.Docs(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, bm25.Doc{ID: d.ID, Text: d.Text})
	}
	seq := func(yield func(bm25.Doc, error) bool) {
		for _, d := range docs {
			if !yield(d, nil) {
				return
			}
		}
	}
	m, _ := def.Open(context.Background(), "bm25-index")
	ix, err := bm25.Build(context.Background(), seq, *m.Index)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range r.Queries {
		hits, _ := ix.SearchText(context.Background(), q.Text, 3)
		ids, scores := runs[0].Run.Docs(q.ID)
		if len(ids) != len(hits) {
			t.Fatalf("%s: run has %d docs, index search %d", q.ID, len(ids), len(hits))
		}
		for i, h := range hits {
			if ids[i] != h.ID || scores[i] != h.Score {
				t.Errorf("%s hit %d: run %s %v, index %s %v", q.ID, i, ids[i], scores[i], h.ID, h.Score)
			}
		}
	}
	if ids, _ := runs[0].Run.Docs("q1"); len(ids) == 0 || ids[0] != "c1" {
		t.Errorf("bm25-index q1 top = %v, want c1 first", ids)
	}
	// Dense retrieval: depth 3 of 5 documents; q2 (首都) retrieves c3 first.
	ids, _ := runs[1].Run.Docs("q2")
	if len(ids) != 3 {
		t.Errorf("dense run kept %d docs, want depth 3", len(ids))
	}
	best, bestScore := "", -2.0
	ids, sc := runs[1].Run.Docs("q2")
	for i := range ids {
		if sc[i] > bestScore {
			best, bestScore = ids[i], sc[i]
		}
	}
	if best != "c3" {
		t.Errorf("dense q2 best = %s, want c3 (%v %v)", best, ids, sc)
	}
	// Every document embedded once, plus the two queries.
	if n := emb.calls.Load(); n != 7 {
		t.Errorf("embedded %d texts, want 5 documents + 2 queries", n)
	}
	// The chain reranks the index's top 2 by word overlap and keeps the third below.
	ids, sc = runs[2].Run.Docs("q1")
	if len(ids) != 3 {
		t.Fatalf("chain kept %d docs, want 3", len(ids))
	}
	if sc[2] >= sc[0] || sc[2] >= sc[1] {
		t.Errorf("document below depth scored above reranked ones: %v %v", ids, sc)
	}
}

func TestRetrievalRejectsRerankers(t *testing.T) {
	dir := writeBEIR(t)
	r, err := datasets.OpenBEIR(context.Background(), dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	fo := &fakeOpener{emb: &bagEmbedder{}, opened: map[string]int{}}
	_, err = Execute(context.Background(), Task{Retrieval: r}, mustSpecs(t, "overlap"), Options{Opener: fo})
	if err == nil || !strings.Contains(err.Error(), "put a retriever first") {
		t.Errorf("reranker as first stage: err = %v", err)
	}
}
