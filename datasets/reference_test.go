package datasets

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jretrieve/jretrieve/eval"
	"github.com/parquet-go/parquet-go"
)

// The real JQaRA/JaCWIR parquet files cannot be downloaded here. These
// tests rebuild parquet files of the real schemas and sizes whose positives
// are exactly the published qrels (../shared/reference/*/qrels.trec), with
// synthetic negatives and texts, run them through the loaders, and require
// the produced qrels to be byte-identical to the published files. That
// checks the id formats (q_id as is, integer passage_row_id in decimal,
// "q_id##" + positive), the label filter, the query order, the counts
// (1,667 x 100; 5,000 x 100) and ranx's file format. It assumes the real
// files list each question's positives in the order of the published qrels.

func readRefQrels(t *testing.T, rel string) (Qrels, []byte) {
	t.Helper()
	path := filepath.Join(sharedDir(t), "reference", rel)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ReadTREC(bytes.NewReader(raw), path)
	if err != nil {
		t.Fatal(err)
	}
	return q, raw
}

func TestJQaRAReferenceQrels(t *testing.T) {
	ref, raw := readRefQrels(t, "jqara/qrels.trec")
	type group struct {
		qid  string
		docs []int64
	}
	var groups []*group
	byID := map[string]*group{}
	for _, j := range ref {
		g := byID[j.QueryID]
		if g == nil {
			g = &group{qid: j.QueryID}
			byID[j.QueryID] = g
			groups = append(groups, g)
		}
		id, err := strconv.ParseInt(j.DocID, 10, 64)
		if err != nil {
			t.Fatalf("reference doc id %q is not an integer: %v", j.DocID, err)
		}
		g.docs = append(g.docs, id)
	}
	if len(groups) != 1667 || len(ref) != 16204 {
		t.Fatalf("reference: %d queries, %d judgments; want 1667 and 16204", len(groups), len(ref))
	}
	// Shuffle the questions so the loader's output order has to come from
	// sorting, and spread the positives among 100 candidates; negatives are
	// drawn from a shared pool of passages, so passages repeat across
	// questions as in the real data.
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	var rows []jqaraRow
	for _, g := range groups {
		pos := map[int64]bool{}
		for _, d := range g.docs {
			pos[d] = true
		}
		slots := rng.Perm(100)[:len(g.docs)]
		isPos := make([]int, 100)
		for i := range isPos {
			isPos[i] = -1
		}
		for k, s := range slots {
			isPos[s] = k
		}
		// Positives keep their reference order, in increasing slot order.
		next := 0
		for i := 0; i < 100; i++ {
			var id int64
			label := int64(0)
			if isPos[i] >= 0 {
				id = g.docs[next]
				next++
				label = 1
			} else {
				for {
					id = 3_000_000 + rng.Int64N(50_000)
					if !pos[id] {
						break
					}
				}
				pos[id] = true // no repeats within a question
			}
			rows = append(rows, jqaraRow{QID: g.qid, Question: "question " + g.qid, PassageRowID: id, Label: label,
				Title: "title " + strconv.FormatInt(id, 10), Text: "text", Answers: []string{"a"}})
		}
	}
	path := writeParquet(t, t.TempDir(), "test-00000-of-00001.parquet", rows, parquet.MaxRowsPerRowGroup(20000), parquet.PageBufferSize(256<<10))
	d, err := OpenJQaRA(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Queries) != 1667 || d.NumPairs() != 166700 {
		t.Fatalf("loaded %d queries, %d pairs; want 1667 x 100", len(d.Queries), d.NumPairs())
	}
	var got bytes.Buffer
	if err := d.Qrels.WriteTREC(&got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), raw) {
		t.Fatalf("qrels differ from the published JQaRA qrels (got %d bytes, want %d)", got.Len(), len(raw))
	}
	// The eval package's writer gives the same lines (plus a final newline).
	var ev bytes.Buffer
	if err := eval.WriteTRECQrels(&ev, d.Qrels.Eval()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSuffix(ev.Bytes(), []byte("\n")), raw) {
		t.Error("eval.WriteTRECQrels(Qrels.Eval()) differs from the published qrels")
	}
}

func TestJaCWIRReferenceQrels(t *testing.T) {
	ref, raw := readRefQrels(t, "jacwir/qrels.trec")
	if len(ref) != 5000 || ref.NumQueries() != 5000 {
		t.Fatalf("reference: %d judgments over %d queries; want 5000 each", len(ref), ref.NumQueries())
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var evalRows []jacwirEvalRow
	var docs []jacwirDocRow
	const pool = 2000
	for i := 0; i < pool; i++ {
		docs = append(docs, jacwirDocRow{DocID: fmt.Sprintf("doc_id#neg%09d", i), Title: "t", Description: "d", Link: "https://example.com/"})
	}
	for _, j := range ref {
		if j.QueryID != "q_id##"+j.DocID {
			t.Fatalf("reference line %+v: query id is not q_id## + doc id", j)
		}
		docs = append(docs, jacwirDocRow{DocID: j.DocID, Title: "title " + j.DocID, Description: "desc"})
		negs := make([]string, 99)
		for k, n := range rng.Perm(pool)[:99] {
			negs[k] = docs[n].DocID
		}
		evalRows = append(evalRows, jacwirEvalRow{Query: "query for " + j.DocID, Positive: j.DocID, Negatives: negs})
	}
	rng.Shuffle(len(evalRows), func(a, b int) { evalRows[a], evalRows[b] = evalRows[b], evalRows[a] })
	rng.Shuffle(len(docs), func(a, b int) { docs[a], docs[b] = docs[b], docs[a] })
	dir := t.TempDir()
	ev := writeParquet(t, dir, "eval/eval-00000-of-00001.parquet", evalRows, parquet.MaxRowsPerRowGroup(1000))
	col := writeParquet(t, dir, "collection/collection-00000-of-00001.parquet", docs, parquet.MaxRowsPerRowGroup(1000))

	d, err := OpenJaCWIR(context.Background(), ev, col)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Queries) != 5000 || d.NumPairs() != 500000 || len(d.Docs) != 7000 {
		t.Fatalf("rerank: %d queries, %d pairs, %d docs; want 5000 x 100 over 7000 distinct docs", len(d.Queries), d.NumPairs(), len(d.Docs))
	}
	var got bytes.Buffer
	d.Qrels.WriteTREC(&got)
	if !bytes.Equal(got.Bytes(), raw) {
		t.Fatal("rerank qrels differ from the published JaCWIR qrels")
	}

	r, err := OpenJaCWIRRetrieval(context.Background(), ev, col)
	if err != nil {
		t.Fatal(err)
	}
	got.Reset()
	r.Qrels.WriteTREC(&got)
	if !bytes.Equal(got.Bytes(), raw) {
		t.Fatal("retrieval qrels differ from the published JaCWIR qrels")
	}
	n := 0
	for doc, err := range r.Docs(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if doc.ID != docs[n].DocID || doc.Text != docs[n].Title+" "+docs[n].Description {
			t.Fatalf("corpus doc %d = %+v, want %+v", n, doc, docs[n])
		}
		n++
	}
	if int64(n) != r.NumDocs || n != 7000 {
		t.Errorf("corpus streamed %d docs, NumDocs %d, want 7000", n, r.NumDocs)
	}
}
