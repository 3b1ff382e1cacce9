package datasets

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

var smallCollection = []jacwirDocRow{
	{"doc_id#aaa", "東京タワー", "東京タワーは高さ333メートルの電波塔です。", "https://example.com/a"},
	{"doc_id#bbb", "スカイツリー", "東京スカイツリーは高さ634メートルです。", "https://example.com/b"},
	{"doc_id#ccc", "通天閣", "通天閣は大阪の展望塔です。", "https://example.com/c"},
	{"doc_id#ddd", "unused", "not a candidate", "https://example.com/d"},
}

// Query 2's negatives repeat a document and include its own positive: both
// are dropped.
var smallEval = []jacwirEvalRow{
	{"東京タワーの高さは？", "doc_id#aaa", []string{"doc_id#bbb", "doc_id#ccc"}},
	{"スカイツリーの高さは？", "doc_id#bbb", []string{"doc_id#aaa", "doc_id#bbb", "doc_id#aaa", "doc_id#ccc"}},
}

func TestJaCWIRSmall(t *testing.T) {
	dir := t.TempDir()
	col := writeParquet(t, dir, "collection.parquet", smallCollection)
	ev := writeParquet(t, dir, "eval.parquet", smallEval)
	d, err := OpenJaCWIR(context.Background(), ev, col)
	if err != nil {
		t.Fatal(err)
	}
	// Hand-computed: positive first, then the negatives without repeats.
	want := [][]string{{"doc_id#aaa", "doc_id#bbb", "doc_id#ccc"}, {"doc_id#bbb", "doc_id#aaa", "doc_id#ccc"}}
	for i, q := range d.Queries {
		var ids []string
		for _, doc := range d.CandidateDocs(i) {
			ids = append(ids, doc.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(want[i]) {
			t.Errorf("query %s candidates %v, want %v", q.ID, ids, want[i])
		}
	}
	if len(d.Docs) != 3 {
		t.Errorf("%d distinct docs, want 3", len(d.Docs))
	}
	checkGolden(t, "jacwir_small.txt", dump(d))

	// The same data as a bare repeated field and as JSON Lines.
	var rep []jacwirEvalRepeated
	var evl, coll strings.Builder
	for _, r := range smallEval {
		rep = append(rep, jacwirEvalRepeated(r))
		b, _ := json.Marshal(map[string]any{"query": r.Query, "positive": r.Positive, "negatives": r.Negatives})
		evl.Write(append(b, '\n'))
	}
	for _, r := range smallCollection {
		b, _ := json.Marshal(map[string]any{"doc_id": r.DocID, "title": r.Title, "description": r.Description})
		coll.Write(append(b, '\n'))
	}
	for _, paths := range [][2]string{
		{writeParquet(t, dir, "rep/eval.parquet", rep), col},
		{writeFile(t, dir, "jl/eval.jsonl", evl.String()), writeFile(t, dir, "jl/collection.jsonl", coll.String())},
	} {
		d2, err := OpenJaCWIR(context.Background(), paths[0], paths[1])
		if err != nil {
			t.Fatal(err)
		}
		if dump(d2) != dump(d) {
			t.Errorf("%s:\n%s\nwant\n%s", paths[0], dump(d2), dump(d))
		}
	}

	r, err := OpenJaCWIRRetrieval(context.Background(), ev, col)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for doc, err := range r.Docs(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, doc.ID+"|"+doc.Text)
		if len(got) == 2 {
			break // stopping early must be fine
		}
	}
	if r.NumDocs != 4 || len(got) != 2 || got[1] != "doc_id#bbb|スカイツリー 東京スカイツリーは高さ634メートルです。" {
		t.Errorf("retrieval corpus: NumDocs=%d first docs %q", r.NumDocs, got)
	}
}

func TestFetchers(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		JQaRARepo + "/" + JQaRAFile("dev"):      writeParquet(t, dir, "jq.parquet", smallJQaRA),
		JaCWIRRepo + "/" + JaCWIREvalFile:       writeParquet(t, dir, "ev.parquet", smallEval),
		JaCWIRRepo + "/" + JaCWIRCollectionFile: writeParquet(t, dir, "col.parquet", smallCollection),
	}
	var asked []string
	f := FetchFunc(func(ctx context.Context, repo, file string) (string, error) {
		asked = append(asked, repo+"/"+file)
		p, ok := files[repo+"/"+file]
		if !ok {
			return "", fmt.Errorf("404 %s/%s", repo, file)
		}
		return p, nil
	})
	ctx := context.Background()
	d, err := LoadJQaRA(ctx, f, "dev")
	if err != nil || d.Name != "jqara-dev" || len(d.Queries) != 2 {
		t.Fatalf("LoadJQaRA: %v %+v", err, d)
	}
	if _, err := LoadJQaRA(ctx, f, "train"); err == nil || !strings.Contains(err.Error(), "unknown split") {
		t.Errorf("LoadJQaRA(train) err = %v", err)
	}
	if _, err := LoadJQaRA(ctx, f, "test"); err == nil || !strings.Contains(err.Error(), "404 hotchpotch/JQaRA/data/test-00000-of-00001.parquet") {
		t.Errorf("LoadJQaRA(test) err = %v", err)
	}
	j, err := LoadJaCWIR(ctx, f)
	if err != nil || j.Name != "jacwir" || j.NumPairs() != 6 {
		t.Fatalf("LoadJaCWIR: %v", err)
	}
	r, err := LoadJaCWIRRetrieval(ctx, f)
	if err != nil || r.Name != "jacwir-retrieval" || len(r.Queries) != 2 {
		t.Fatalf("LoadJaCWIRRetrieval: %v", err)
	}
	if asked[0] != "hotchpotch/JQaRA/data/dev-00000-of-00001.parquet" {
		t.Errorf("first fetch %q", asked[0])
	}
}

func TestBEIR(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mydata")
	writeFile(t, dir, "corpus.jsonl", `{"_id":"d1","title":"富士山","text":"日本一高い山。"}`+"\n"+
		`{"_id":2,"text":"タイトルなしの文書。"}`+"\n"+`{"_id":"d3","title":"","text":"空のタイトル。"}`+"\n")
	writeFile(t, dir, "queries.jsonl", `{"_id":"q1","text":"日本一高い山は？"}`+"\n"+
		`{"_id":"q2","text":"判定なし"}`+"\n"+`{"_id":"q3","text":"三番目"}`+"\n")
	writeFile(t, dir, "qrels/test.tsv", "query-id\tcorpus-id\tscore\r\nq3\t2\t2\r\nq1\td1\t1\r\nq1\td3\t0\r\nq2\td3\t0\r\n")
	r, err := OpenBEIR(context.Background(), dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "mydata" || fmt.Sprint(r.Queries) != "[{q1 日本一高い山は？} {q3 三番目}]" {
		t.Errorf("queries %v (name %s): want q1, q3 in file order (q2 has no positive judgment)", r.Queries, r.Name)
	}
	if fmt.Sprint(r.Qrels) != "[{q3 2 2} {q1 d1 1}]" {
		t.Errorf("qrels %v", r.Qrels)
	}
	var docs []string
	for d, err := range r.Docs(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d.ID+"="+d.Text)
	}
	if fmt.Sprint(docs) != "[d1=富士山 日本一高い山。 2=タイトルなしの文書。 d3=空のタイトル。]" {
		t.Errorf("docs %q", docs)
	}
}
