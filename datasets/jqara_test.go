package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// dump renders a dataset in a stable text form for golden comparisons.
func dump(d *Dataset) string {
	var b strings.Builder
	fmt.Fprintf(&b, "dataset %s: %d queries, %d pairs, %d distinct docs, %d judgments\n",
		d.Name, len(d.Queries), d.NumPairs(), len(d.Docs), len(d.Qrels))
	for i, q := range d.Queries {
		fmt.Fprintf(&b, "query %s %q\n", q.ID, q.Text)
		for _, k := range d.Candidates[i] {
			fmt.Fprintf(&b, "  doc#%d %s %q\n", k, d.Docs[k].ID, d.Docs[k].Text)
		}
	}
	b.WriteString("qrels:\n")
	d.Qrels.WriteTREC(&b)
	b.WriteString("\n")
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// smallJQaRA: two questions given out of id order, a passage (7) shared
// by both with the same text, a question with two relevant passages.
var smallJQaRA = []jqaraRow{
	{"QB-2", "日本で一番高い山は？", 7, 1, "富士山", "富士山は標高3776メートルの日本最高峰である。", []string{"富士山"}},
	{"QB-2", "日本で一番高い山は？", 12, 0, "北岳", "北岳は日本で二番目に高い山である。", []string{"富士山"}},
	{"QB-2", "日本で一番高い山は？", 221102, 1, "日本の山", "日本で最も高い山は富士山である。", []string{"富士山"}},
	{"QA-1", "富士山がある県は？", 7, 0, "富士山", "富士山は標高3776メートルの日本最高峰である。", []string{"静岡県と山梨県"}},
	{"QA-1", "富士山がある県は？", 49534, 1, "静岡県", "静岡県と山梨県の境に富士山がある。", []string{"静岡県と山梨県"}},
}

func TestJQaRAParquetSmall(t *testing.T) {
	dir := t.TempDir()
	path := writeParquet(t, dir, "small.parquet", smallJQaRA)
	d, err := OpenJQaRA(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	// Hand-computed expectations.
	if len(d.Queries) != 2 || d.Queries[0].ID != "QB-2" || d.Queries[1].ID != "QA-1" {
		t.Fatalf("queries = %+v, want QB-2 then QA-1 (file order)", d.Queries)
	}
	if d.NumPairs() != 5 || len(d.Docs) != 4 {
		t.Fatalf("pairs=%d docs=%d, want 5 pairs over 4 distinct passages", d.NumPairs(), len(d.Docs))
	}
	if d.Candidates[1][0] != d.Candidates[0][0] {
		t.Errorf("passage 7 is not shared: %v", d.Candidates)
	}
	if got, want := d.CandidateDocs(1)[1].Text, "静岡県 静岡県と山梨県の境に富士山がある。"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
	var buf bytes.Buffer
	d.Qrels.WriteTREC(&buf)
	want := "QA-1 0 49534 1\nQB-2 0 7 1\nQB-2 0 221102 1"
	if buf.String() != want {
		t.Errorf("qrels:\n%s\nwant:\n%s", buf.String(), want)
	}
	checkGolden(t, "jqara_small.txt", dump(d))
}

// The same rows as JSON Lines (ids as numbers or strings) and as parquet
// with string ids must give the identical dataset.
func TestJQaRAFormatsAgree(t *testing.T) {
	dir := t.TempDir()
	ref, err := OpenJQaRA(context.Background(), writeParquet(t, dir, "small.parquet", smallJQaRA))
	if err != nil {
		t.Fatal(err)
	}
	var strRows []jqaraStrRow
	var jl strings.Builder
	for i, r := range smallJQaRA {
		strRows = append(strRows, jqaraStrRow{r.QID, r.Question, fmt.Sprint(r.PassageRowID), int32(r.Label), r.Title, r.Text, r.Answers})
		m := map[string]any{"q_id": r.QID, "question": r.Question, "passage_row_id": r.PassageRowID,
			"label": r.Label, "title": r.Title, "text": r.Text, "answers": r.Answers}
		if i%2 == 1 {
			m["passage_row_id"] = fmt.Sprint(r.PassageRowID)
		}
		b, _ := json.Marshal(m)
		jl.Write(b)
		jl.WriteString("\n")
		if i == 2 {
			jl.WriteString("\n") // blank lines are skipped
		}
	}
	for _, path := range []string{
		writeParquet(t, dir, "small.jsonl.d/small.parquet", strRows),
		writeFile(t, dir, "small.jsonl", jl.String()),
	} {
		d, err := OpenJQaRA(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := dump(d), dump(ref); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", path, got, want)
		}
	}
}

func TestLimitSortedFirstN(t *testing.T) {
	d, err := OpenJQaRA(context.Background(), writeParquet(t, t.TempDir(), "small.parquet", smallJQaRA))
	if err != nil {
		t.Fatal(err)
	}
	l := d.Limit(1)
	// QA-1 sorts before QB-2 although it comes second in the file.
	if len(l.Queries) != 1 || l.Queries[0].ID != "QA-1" {
		t.Fatalf("Limit(1) queries = %+v, want QA-1", l.Queries)
	}
	if len(l.Docs) != 2 || l.NumPairs() != 2 || len(l.Qrels) != 1 || l.Qrels[0].DocID != "49534" {
		t.Errorf("Limit(1) = %s", dump(l))
	}
	if d.Limit(0) != d || d.Limit(5) != d {
		t.Error("Limit(0) and Limit(n >= len) must return the dataset unchanged")
	}
	r := d.Retrieval().Limit(1)
	if len(r.Queries) != 1 || r.Queries[0].ID != "QA-1" || len(r.Qrels) != 1 || r.NumDocs != 4 {
		t.Errorf("Retrieval().Limit(1) = %+v", r)
	}
}
