package datasets

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	jq := writeParquet(t, dir, "mine.parquet", smallJQaRA)
	jc := filepath.Join(dir, "myjacwir")
	writeParquet(t, jc, "eval/eval-00000-of-00001.parquet", smallEval)
	writeParquet(t, jc, "collection.parquet", smallCollection)
	beir := filepath.Join(dir, "mybeir")
	writeFile(t, beir, "queries.jsonl", `{"_id":"q1","text":"Q"}`+"\n")
	writeFile(t, beir, "corpus.jsonl", `{"_id":"d1","text":"x"}`+"\n")
	writeFile(t, beir, "qrels/dev.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n")
	fetch := FetchFunc(func(ctx context.Context, repo, file string) (string, error) {
		switch repo + "/" + file {
		case JQaRARepo + "/" + JQaRAFile("test"):
			return jq, nil
		case JaCWIRRepo + "/" + JaCWIREvalFile:
			return filepath.Join(jc, "eval/eval-00000-of-00001.parquet"), nil
		case JaCWIRRepo + "/" + JaCWIRCollectionFile:
			return filepath.Join(jc, "collection.parquet"), nil
		}
		return "", fmt.Errorf("not found: %s %s", repo, file)
	})
	cases := []struct {
		spec string
		want string // "rerank NAME QUERIES PAIRS" or "retrieval NAME QUERIES DOCS"
	}{
		{"sample", "rerank sample 50 1000"},
		{"jqara", "rerank jqara-test 2 5"},
		{"jqara-test", "rerank jqara-test 2 5"},
		{"jacwir", "rerank jacwir 2 6"},
		{"jacwir-retrieval", "retrieval jacwir-retrieval 2 4"},
		{"retrieval:jacwir", "retrieval jacwir-retrieval 2 4"},
		{"retrieval:sample", "retrieval sample-retrieval 50 139"},
		{jq, "rerank mine 2 5"},
		{jc, "rerank myjacwir 2 6"},
		{"retrieval:" + jc, "retrieval myjacwir-retrieval 2 4"},
		{beir, "retrieval mybeir 1 -1"},
	}
	for _, c := range cases {
		d, r, err := Open(ctx, c.spec, fetch)
		if err != nil {
			t.Errorf("Open(%s): %v", c.spec, err)
			continue
		}
		var got string
		switch {
		case d != nil && r == nil:
			got = fmt.Sprintf("rerank %s %d %d", d.Name, len(d.Queries), d.NumPairs())
		case r != nil && d == nil:
			got = fmt.Sprintf("retrieval %s %d %d", r.Name, len(r.Queries), r.NumDocs)
		default:
			got = "both or neither"
		}
		if got != c.want {
			t.Errorf("Open(%s) = %s, want %s", strings.TrimPrefix(c.spec, dir), got, c.want)
		}
	}
	bad := []struct {
		spec string
		f    Fetcher
		want string
	}{
		{"jqra", fetch, `unknown dataset "jqra"`},
		{"jqara", nil, "no hub client"},
		{dir, fetch, "not a dataset directory"},
	}
	for _, c := range bad {
		if _, _, err := Open(ctx, c.spec, c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s) err = %v, want %q", c.spec, err, c.want)
		}
	}
}
