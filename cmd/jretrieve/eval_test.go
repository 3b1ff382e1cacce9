package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"

	"github.com/jretrieve/jretrieve/pipeline"
)

var update = flag.Bool("update", false, "rewrite golden files")

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runMain(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// The main job with no arguments: BM25 variants on the embedded sample.
func TestEvalDefaultSample(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("JRETRIEVE_CACHE", filepath.Join(dir, "cache"))
	out, stderr, code := runCLI(t)
	if code != 0 {
		t.Fatalf("jretrieve (no args) exit %d: %s", code, stderr)
	}
	golden := filepath.Join(testdataDir(t), "eval_sample.golden")
	if *update {
		os.WriteFile(golden, []byte(out), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("table differs from %s:\n%s\nwant:\n%s", golden, out, want)
	}
	od := filepath.Join("jretrieve-out", "sample")
	for _, f := range []string{"report.json", "report.md", "report.txt", "timings.tsv", "runs/bm25.lz4", "runs/bm25.trec",
		"runs/bm25-ipa.lz4", "plots/metric_ndcg_at_10.png", "plots/metric_ndcg_at_10.svg", "plots/pareto.svg"} {
		if _, err := os.Stat(filepath.Join(od, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	// Everything in runs/ is a run: `jretrieve evaluate` takes runs/* as is.
	ents, _ := os.ReadDir(filepath.Join(od, "runs"))
	var runFiles []string
	for _, e := range ents {
		if !e.IsDir() {
			runFiles = append(runFiles, filepath.Join(od, "runs", e.Name()))
		}
	}
	qrels := filepath.Join(dir, "sample.qrels")
	if _, stderr, code := runCLI(t, "dataset", "--qrels", qrels, "sample"); code != 0 {
		t.Fatalf("dataset --qrels: %s", stderr)
	}
	if _, stderr, code := runCLI(t, append([]string{"evaluate", "--qrels", qrels}, runFiles...)...); code != 0 {
		t.Errorf("evaluate runs/*: %s", stderr)
	}
	rep1, _ := os.ReadFile(filepath.Join(od, "report.json"))
	run1, _ := os.ReadFile(filepath.Join(od, "runs", "bm25.lz4"))

	// Second call: runs come from the cache, output is byte-identical.
	out2, stderr, code := runCLI(t, "eval", "-q")
	if code != 0 || out2 != out {
		t.Fatalf("rerun exit %d, output differs: %s", code, stderr)
	}
	timings, _ := os.ReadFile(filepath.Join(od, "timings.tsv"))
	if !strings.Contains(string(timings), "\ttrue\t") {
		t.Errorf("rerun did not use the run cache:\n%s", timings)
	}
	// Forced recomputation: still byte-identical reports and runs.
	if _, stderr, code := runCLI(t, "eval", "-q", "--force"); code != 0 {
		t.Fatal(stderr)
	}
	rep2, _ := os.ReadFile(filepath.Join(od, "report.json"))
	run2, _ := os.ReadFile(filepath.Join(od, "runs", "bm25.lz4"))
	if !bytes.Equal(rep1, rep2) || !bytes.Equal(run1, run2) {
		t.Error("recomputed report or run is not byte-identical")
	}
}

func testdataDir(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	// Tests chdir; the package directory is recorded before.
	if pkgDir != "" {
		return filepath.Join(pkgDir, "testdata")
	}
	return filepath.Join(wd, "testdata")
}

var pkgDir, _ = os.Getwd()

type jqaraRow struct {
	QID          string   `parquet:"q_id"`
	Question     string   `parquet:"question"`
	PassageRowID int64    `parquet:"passage_row_id"`
	Label        int64    `parquet:"label"`
	Title        string   `parquet:"title"`
	Text         string   `parquet:"text"`
	Answers      []string `parquet:"answers,list"`
}

// fakeHub serves files of dataset repositories the way the Hub's resolve
// endpoint does (HEAD with X-Repo-Commit / X-Linked-Etag, GET with ranges).
func fakeHub(t *testing.T, repo string, files map[string][]byte) *httptest.Server {
	const commit = "0123456789abcdef0123456789abcdef01234567"
	mux := http.NewServeMux()
	for name, data := range files {
		sum := sha256.Sum256(data)
		etag := hex.EncodeToString(sum[:])
		h := func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Repo-Commit", commit)
			w.Header().Set("X-Linked-Etag", `"`+etag+`"`)
			http.ServeContent(w, r, name, time.Unix(0, 0), bytes.NewReader(data))
		}
		mux.HandleFunc("/datasets/"+repo+"/resolve/main/"+name, h)
		mux.HandleFunc("/datasets/"+repo+"/resolve/"+commit+"/"+name, h)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "not found: "+r.URL.Path, http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// JQaRA through the hub: a fixture parquet of JQaRA's schema, downloaded from
// a fake Hub. BM25's ranking here is worked out by hand: in q1 only the
// relevant passage contains the question's words; in q2 only a non-relevant
// passage does, the other two score 0 and keep file order (ranx's insertion
// sort for short lists), so the relevant one is second.
func TestEvalJQaRAFromFakeHub(t *testing.T) {
	rows := []jqaraRow{
		{"Q1", "富士山", 10, 0, "カレー", "ライス", nil},
		{"Q1", "富士山", 11, 1, "富士山", "富士山", nil},
		{"Q1", "富士山", 12, 0, "ラーメン", "スープ", nil},
		{"Q2", "琵琶湖", 20, 1, "ケーキ", "クリーム", nil},
		{"Q2", "琵琶湖", 21, 0, "琵琶湖", "琵琶湖", nil},
		{"Q2", "琵琶湖", 22, 0, "パン", "バター", nil},
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	srv := fakeHub(t, "hotchpotch/JQaRA", map[string][]byte{"data/test-00000-of-00001.parquet": buf.Bytes()})
	dir := t.TempDir()
	t.Setenv("HF_ENDPOINT", srv.URL)
	t.Setenv("HF_HUB_CACHE", filepath.Join(dir, "hub"))
	t.Setenv("HF_HUB_OFFLINE", "")
	t.Setenv("HF_TOKEN", "")
	out, stderr, code := runCLI(t, "eval", "-q", "--dataset", "jqara", "--model", "bm25", "--format", "json",
		"--metrics", "mrr@10,ndcg@10", "--out", filepath.Join(dir, "out"), "--cache", "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Runs []struct {
			Name    string `json:"name"`
			Metrics map[string]struct {
				Mean float64 `json:"mean"`
			} `json:"metrics"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	if len(rep.Runs) != 1 {
		t.Fatalf("report has %d runs:\n%s", len(rep.Runs), out)
	}
	want := map[string]float64{"mrr@10": (1 + 0.5) / 2, "ndcg@10": (1 + 1/math.Log2(3)) / 2}
	for m, v := range want {
		if got := rep.Runs[0].Metrics[m].Mean; math.Abs(got-v) > 1e-12 {
			t.Errorf("%s = %v, want %v\n%s", m, got, v, out)
		}
	}
	// The file is in the huggingface_hub cache layout.
	snap := filepath.Join(dir, "hub", "datasets--hotchpotch--JQaRA", "snapshots", "0123456789abcdef0123456789abcdef01234567",
		"data", "test-00000-of-00001.parquet")
	if _, err := os.Stat(snap); err != nil {
		t.Errorf("dataset not cached in the hub layout: %v", err)
	}
	// Offline, from the cache.
	t.Setenv("HF_HUB_OFFLINE", "1")
	srv.Close()
	if _, stderr, code := runCLI(t, "eval", "-q", "--dataset", "jqara", "--model", "bm25", "--out", filepath.Join(dir, "out2"), "--cache", ""); code != 0 {
		t.Errorf("offline rerun failed: %s", stderr)
	}
}

func TestEvalErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"eval", "--dataset", "nope"}, "not sample, jqara"},
		{[]string{"eval", "--model", "rrf(bm25"}, "expected , or )"},
		{[]string{"eval", "--model", "no-such-model-xyz"}, "no-such-model-xyz"},
		{[]string{"eval", "--model", "bm25-index"}, "use bm25"},
		{[]string{"eval", "--format", "yaml"}, "unknown --format"},
		{[]string{"eval", "extra"}, "unexpected arguments"},
		{[]string{"eval", "--model", "./nonexistent-dir"}, "./nonexistent-dir: model directory does not exist"},
	}
	for _, tt := range tests {
		args := append(tt.args, "-q", "--out", filepath.Join(dir, "out"), "--cache", "")
		_, stderr, code := runCLI(t, args...)
		if code == 0 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want error containing %q", tt.args, code, stderr, tt.want)
		}
	}
}

// Names resolve to exported models under $JRETRIEVE_MODELS, and give the
// same run as the directory itself.
func TestEvalModelsDir(t *testing.T) {
	models, err := filepath.Abs(filepath.Join(pkgDir, "..", "..", "testdata", "models"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv("JRETRIEVE_MODELS", models)
	args := []string{"eval", "-q", "--limit", "5", "--format", "csv", "--cache", "", "--no-plots"}
	byName, stderr, code := runCLI(t, append(args, "--model", "bert-tiny", "--out", filepath.Join(dir, "a"))...)
	if code != 0 {
		t.Fatalf("by name: %s", stderr)
	}
	byDir, stderr, code := runCLI(t, append(args, "--model", filepath.Join(models, "bert-tiny"), "--out", filepath.Join(dir, "b"))...)
	if code != 0 {
		t.Fatalf("by dir: %s", stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "a", "runs", "bert-tiny.trec"))
	b, _ := os.ReadFile(filepath.Join(dir, "b", "runs", pipeline.RunFileName(filepath.Join(models, "bert-tiny"))+".trec"))
	if len(a) == 0 || string(a) != strings.ReplaceAll(string(b), filepath.Join(models, "bert-tiny"), "bert-tiny") {
		t.Errorf("run by name differs from run by directory:\n%.300s\n---\n%.300s", a, b)
	}
	if byName == "" || byDir == "" {
		t.Error("no report printed")
	}
}

// A run cached under one --max-length is not reused under another: the
// second evaluation into the same --out must equal a fresh one.
func TestEvalRunCacheHonoursMaxLength(t *testing.T) {
	model, err := filepath.Abs(filepath.Join(pkgDir, "..", "..", "testdata", "models", "bert-tiny"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	args := []string{"eval", "-q", "--limit", "10", "--format", "csv", "--cache", "", "--no-plots", "--backend", "go", "--model", model}
	short, stderr, code := runCLI(t, append(args, "--max-length", "8", "--out", filepath.Join(dir, "a"))...)
	if code != 0 {
		t.Fatalf("--max-length 8: %s", stderr)
	}
	again, stderr, code := runCLI(t, append(args, "--max-length", "64", "--out", filepath.Join(dir, "a"))...)
	if code != 0 {
		t.Fatalf("--max-length 64, same --out: %s", stderr)
	}
	fresh, stderr, code := runCLI(t, append(args, "--max-length", "64", "--out", filepath.Join(dir, "b"))...)
	if code != 0 {
		t.Fatalf("--max-length 64, fresh --out: %s", stderr)
	}
	if short == fresh {
		t.Fatal("--max-length 8 and 64 give the same table; the test cannot tell them apart")
	}
	if again != fresh {
		t.Errorf("--max-length 64 reused the run cached under --max-length 8:\n%s\nwant:\n%s", again, fresh)
	}
}

// A question without any relevant candidate makes the run and the qrels
// incomparable; the error points to --make-comparable, which eval accepts
// (the query is then dropped, as ranx's make_comparable does).
func TestEvalMakeComparable(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "nopos.jsonl")
	rows := `{"q_id":"q1","question":"富士山の高さは","passage_row_id":"1","label":1,"title":"富士山","text":"富士山の高さは3776メートル"}
{"q_id":"q1","question":"富士山の高さは","passage_row_id":"2","label":0,"title":"琵琶湖","text":"琵琶湖は大きい"}
{"q_id":"q2","question":"日本の首都は","passage_row_id":"3","label":0,"title":"大阪","text":"大阪は食い倒れ"}
`
	if err := os.WriteFile(data, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"eval", "-q", "--no-plots", "--cache", "", "--dataset", data, "--model", "bm25", "--format", "json", "--out", filepath.Join(dir, "out")}
	_, stderr, code := runCLI(t, args...)
	if code == 0 || !strings.Contains(stderr, `"q2"`) || !strings.Contains(stderr, "make-comparable") {
		t.Fatalf("unjudged query: exit %d, stderr %q; want an error naming q2 and make-comparable", code, stderr)
	}
	out, stderr, code := runCLI(t, append(args, "--make-comparable")...)
	if code != 0 {
		t.Fatalf("--make-comparable: exit %d: %s", code, stderr)
	}
	var rep struct {
		Queries int `json:"queries"`
		Runs    []struct {
			Metrics map[string]struct {
				Mean float64 `json:"mean"`
			} `json:"metrics"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// Only q1 is evaluated; its relevant passage shares the question's words
	// and ranks first.
	if rep.Queries != 1 || rep.Runs[0].Metrics["mrr@10"].Mean != 1 {
		t.Errorf("--make-comparable: %d queries, mrr@10 %v; want 1 query, 1.0", rep.Queries, rep.Runs[0].Metrics["mrr@10"].Mean)
	}
}

// eval says which prompt each embedder role used.
func TestEvalReportsPrompts(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JRETRIEVE_CACHE", filepath.Join(dir, "cache"))
	_, stderr, code := runCLI(t, "eval", "--model", onnxtest.Dir("bert-tiny"), "--backend", "go", "--no-plots",
		"--cache", "", "--out", filepath.Join(dir, "out"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if w := `query: prompt "query" = "クエリ: "; document: prompt "document" = "文章: "`; !strings.Contains(stderr, w) {
		t.Errorf("stderr lacks %q:\n%s", w, stderr)
	}
}
