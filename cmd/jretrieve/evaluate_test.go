package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func evRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = runMain(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func evWrite(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// evFixture: two queries, each with one relevant doc. Run "a" ranks it
// first for q1 and second for q2 (MRR 0.75); run "b" ties it with another
// doc at rank 1 for both queries (MRR 0.5 with the file order, range [0.5, 1]).
func evFixture(t *testing.T) (dir, qrels, a, b string) {
	dir = t.TempDir()
	qrels = evWrite(t, dir, "qrels.trec", "q1 0 r1 1\nq2 0 r2 1\n")
	a = evWrite(t, dir, "a.trec", "q1 Q0 r1 1 0.9 a\nq1 Q0 x 2 0.1 a\nq2 Q0 x 1 0.9 a\nq2 Q0 r2 2 0.5 a\n")
	b = evWrite(t, dir, "b.json", `{"q1": {"x": 1.0, "r1": 1.0}, "q2": {"a": 2.0, "r2": 2.0}}`)
	return
}

func TestEvaluateCmd(t *testing.T) {
	_, qrels, a, b := evFixture(t)
	code, out, errOut := evRun(t, "evaluate", "--qrels", qrels, "--metrics", "mrr,ndcg@1", a, b)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 4 {
		t.Fatalf("output:\n%s", out)
	}
	for i, want := range []string{
		"a a 0.7500 0.5000",
		"b b 0.5000 [0.5000, 1.0000] 0.0000 [0.0000, 1.0000]",
	} {
		if got := strings.Join(strings.Fields(lines[2+i]), " "); got != want {
			t.Errorf("row %d = %q, want %q", i, got, want)
		}
	}
	// flags after the runs, trec tie order (doc id descending: x before r1,
	// r2 before a): MRR (0.5 + 1) / 2
	code, out, errOut = evRun(t, "evaluate", "--qrels", qrels, b, "--metrics", "mrr", "--ties", "trec", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != "b" || recs[1][3] != "0.75" {
		t.Errorf("csv %v, want b mrr 0.75", recs)
	}
}

func TestEvaluateCmdPerQuery(t *testing.T) {
	dir, qrels, a, b := evFixture(t)
	pq := filepath.Join(dir, "pq.csv")
	table := filepath.Join(dir, "table.md")
	code, out, e := evRun(t, "evaluate", "--qrels", qrels, "--metrics", "mrr", "--per-query", pq, "-o", table, "--format", "markdown", a, b)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, e)
	}
	data, err := os.ReadFile(pq)
	if err != nil {
		t.Fatal(err)
	}
	want := "run,query,metric,value,tie_low,tie_high\n" +
		"a,q1,mrr,1,1,1\na,q2,mrr,0.5,0.5,0.5\n" +
		"b,q1,mrr,0.5,0.5,1\nb,q2,mrr,0.5,0.5,1\n"
	if string(data) != want {
		t.Errorf("per-query CSV:\n%s\nwant:\n%s", data, want)
	}
	if md, _ := os.ReadFile(table); !strings.HasPrefix(string(md), "| # | Run | mrr |") {
		t.Errorf("table file:\n%s", md)
	}
}

func TestEvaluateCmdErrors(t *testing.T) {
	dir, qrels, a, _ := evFixture(t)
	bad := evWrite(t, dir, "bad.trec", "q1 Q0 r1 1 zero a\n")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"evaluate", a}, 2, "--qrels is required"},
		{[]string{"evaluate", "--qrels", qrels}, 2, "no run files"},
		{[]string{"evaluate", "--qrels", qrels, "--ties", "x", a}, 2, "unknown tie policy"},
		{[]string{"evaluate", "--qrels", qrels, "--metrics", "foo", a}, 2, `unknown metric "foo"`},
		{[]string{"evaluate", "--qrels", qrels, "--format", "yaml", a}, 2, "unknown --format"},
		{[]string{"evaluate", "--qrels", qrels, bad}, 1, "bad.trec:1"},
		{[]string{"evaluate", "--qrels", filepath.Join(dir, "nope"), a}, 1, "nope"},
		{[]string{"evaluate", "--nosuchflag"}, 2, "nosuchflag"},
	}
	for _, c := range cases {
		code, _, errOut := evRun(t, c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
	// A run missing a qrels query is an error unless --make-comparable.
	partial := evWrite(t, dir, "partial.trec", "q1 Q0 r1 1 0.9 p\n")
	if code, _, errOut := evRun(t, "evaluate", "--qrels", qrels, partial); code != 1 || !strings.Contains(errOut, `"q2"`) {
		t.Errorf("partial run: exit %d, %q", code, errOut)
	}
	code, out, errOut := evRun(t, "evaluate", "--qrels", qrels, "--metrics", "mrr", "--make-comparable", "--format", "csv", partial)
	if code != 0 || !strings.Contains(out, "partial,a,mrr,0.5,") {
		t.Errorf("make-comparable: exit %d, %q %q", code, out, errOut)
	}
}

func TestEvalCommandsHelp(t *testing.T) {
	for _, c := range []string{"evaluate", "fuse", "convert"} {
		code, _, errOut := evRun(t, c, "-h")
		if code != 0 || !strings.Contains(errOut, "Usage: jretrieve "+c) || !strings.Contains(errOut, "Example:") {
			t.Errorf("%s -h: exit %d, %q", c, code, errOut)
		}
	}
}

func TestConvertAndFuseCmd(t *testing.T) {
	dir, qrels, a, b := evFixture(t)
	lz := filepath.Join(dir, "a.lz4")
	if code, _, e := evRun(t, "convert", a, lz); code != 0 {
		t.Fatalf("convert: %s", e)
	}
	js := filepath.Join(dir, "a2.out")
	if code, _, e := evRun(t, "convert", "--to", "json", lz, js); code != 0 {
		t.Fatalf("convert: %s", e)
	}
	data, _ := os.ReadFile(js)
	if want := `{"q1": {"r1": 0.9, "x": 0.1}, "q2": {"x": 0.9, "r2": 0.5}}` + "\n"; string(data) != want {
		t.Errorf("json %q, want %q", data, want)
	}
	code, out, e := evRun(t, "evaluate", "--qrels", qrels, "--metrics", "mrr", "--format", "csv", "--test", "none", a, lz, js)
	if code != 0 {
		t.Fatal(e)
	}
	if strings.Count(out, ",mrr,0.75,") != 3 {
		t.Errorf("converted runs differ:\n%s", out)
	}
	fused := filepath.Join(dir, "f.trec")
	if code, _, e := evRun(t, "fuse", "--method", "rrf", "-o", fused, a, b); code != 0 {
		t.Fatalf("fuse: %s", e)
	}
	data, _ = os.ReadFile(fused)
	// q1: r1 = 1/61 + 1/62 (a rank 1, b rank 2), x = 1/62 + 1/61 -> tie, r1 first seen
	if !strings.HasPrefix(string(data), "q1 Q0 r1 1 0.0325224") {
		t.Errorf("fused run:\n%s", data)
	}
	if code, _, e := evRun(t, "fuse", "-o", fused, a); code != 2 || !strings.Contains(e, "at least two") {
		t.Errorf("fuse one run: %d %q", code, e)
	}
	if code, _, e := evRun(t, "convert", a); code != 2 || !strings.Contains(e, "want IN and OUT") {
		t.Errorf("convert one arg: %d %q", code, e)
	}
}

// The CLI reproduces the published JQaRA numbers and the tie range named
// in the spec (ruri-reranker-large MRR@10 0.9098, range 0.8645-0.9323).
func TestEvaluateCmdJQaRA(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "reference", "jqara"))
	if _, err := os.Stat(filepath.Join(root, "qrels.trec")); err != nil {
		t.Skipf("skipping: reference data not available at %s (../shared relative to the repository root)", root)
	}
	code, out, e := evRun(t, "evaluate", "--qrels", filepath.Join(root, "qrels.trec"), "--metrics", "mrr@10,ndcg@10",
		filepath.Join(root, "runs", "ruri-reranker-large.lz4"), filepath.Join(root, "runs", "bm25.lz4"))
	if code != 0 {
		t.Fatal(e)
	}
	for _, want := range []string{"0.9098ᵇ [0.8645, 0.9323]", "bm25                 0.7020"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// BenchmarkEvaluateCmdJQaRA: the whole `jretrieve evaluate` call on the 39
// JQaRA runs (decode, evaluate, t-tests, table). Anchor: trec_eval about
// 10.5 s for the 39 runs (270 ms/run); bench/eval.sh times the binary.
func BenchmarkEvaluateCmdJQaRA(b *testing.B) {
	root, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "reference", "jqara"))
	runs, _ := filepath.Glob(filepath.Join(root, "runs", "*.lz4"))
	if len(runs) == 0 {
		b.Skipf("skipping: reference data not available at %s", root)
	}
	args := append([]string{"evaluate", "--qrels", filepath.Join(root, "qrels.trec"), "--metrics", "ndcg@10,mrr@10,ndcg@100,mrr@100"}, runs...)
	for b.Loop() {
		var o, e bytes.Buffer
		if code := runMain(context.Background(), args, &o, &e); code != 0 {
			b.Fatal(e.String())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(len(runs)), "ms/run")
}

// convert keeps the evaluation of a run with tied scores (lines in IN's
// order, exact scores), is silent then, and warns when OUT cannot hold the
// same run (a query without documents has no TREC line).
func TestConvertKeepsEvaluation(t *testing.T) {
	dir := t.TempDir()
	qrels := evWrite(t, dir, "qrels.trec", "q1 0 d05 1\nq1 0 d14 2\nq2 0 d04 1\nq2 0 d22 1\n")
	var sb strings.Builder
	sb.WriteString("{")
	for qi, q := range []string{"q1", "q2"} {
		if qi > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(`"` + q + `": {`)
		for d := range 30 {
			if d > 0 {
				sb.WriteString(", ")
			}
			// three score levels: ranx's quicksort decides the tie order
			sb.WriteString(fmt.Sprintf(`"d%02d": %d.%d`, d, (d*7+qi)%3, 1+qi))
		}
		sb.WriteString("}")
	}
	sb.WriteString("}")
	js := evWrite(t, dir, "ties.json", sb.String())
	lz := filepath.Join(dir, "ties.lz4")
	tr := filepath.Join(dir, "ties.trec")
	for _, c := range [][2]string{{js, lz}, {lz, tr}} {
		code, _, e := evRun(t, "convert", c[0], c[1])
		if code != 0 || e != "" {
			t.Fatalf("convert %s %s: exit %d, stderr %q", c[0], c[1], code, e)
		}
	}
	code, out, e := evRun(t, "evaluate", "--qrels", qrels, "--metrics", "ndcg@5,mrr@5", "--format", "csv", "--test", "none", js, lz, tr)
	if code != 0 {
		t.Fatal(e)
	}
	// run,letter,metric,mean,wins,tie_low,tie_high,...: the three runs must
	// have the same means, and the ties must matter (a tie range).
	means := map[string][]string{}
	ranged := false
	for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		f := strings.Split(l, ",")
		means[f[2]] = append(means[f[2]], f[3])
		ranged = ranged || f[5] != f[6]
	}
	for m, v := range means {
		if len(v) != 3 || v[0] != v[1] || v[1] != v[2] {
			t.Errorf("%s differs after conversion: %v\n%s", m, v, out)
		}
	}
	if len(means) != 2 || !ranged {
		t.Errorf("fixture without tie range:\n%s", out)
	}
	empty := evWrite(t, dir, "empty.json", `{"q1": {"d1": 1.0}, "q2": {}}`)
	code, _, e = evRun(t, "convert", empty, filepath.Join(dir, "empty.trec"))
	if code != 0 || !strings.Contains(e, "warning") || !strings.Contains(e, `query "q2" is missing`) {
		t.Errorf("empty query to TREC: exit %d, stderr %q", code, e)
	}
}
