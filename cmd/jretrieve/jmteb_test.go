package main

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/jretrieve/jretrieve/jmteb"
)

// Rows in the column schemas of JMTEB's datasets (HfClassificationDataset,
// HfSTSDataset, HfRetrievalQueryDataset, ... with their default keys).
type (
	jmClassRow struct {
		Text  string `parquet:"text"`
		Label int64  `parquet:"label"`
	}
	jmClassStrRow struct {
		Text  string `parquet:"text"`
		Label string `parquet:"label"`
	}
	jmSTSRow struct {
		Sentence1 string  `parquet:"sentence1"`
		Sentence2 string  `parquet:"sentence2"`
		Label     float64 `parquet:"label"`
	}
	jmPairRow struct {
		Sentence1 string `parquet:"sentence1"`
		Sentence2 string `parquet:"sentence2"`
		Label     int64  `parquet:"label"`
	}
	jmRetQueryRow struct {
		Query        string   `parquet:"query"`
		RelevantDocs []string `parquet:"relevant_docs,list"`
	}
	jmRetQueryScalarRow struct {
		Query        string `parquet:"query"`
		RelevantDocs int64  `parquet:"relevant_docs"`
	}
	jmCorpusRow struct {
		Docid string `parquet:"docid"`
		Text  string `parquet:"text"`
	}
	jmCorpusIntRow struct {
		Docid int64  `parquet:"docid"`
		Text  string `parquet:"text"`
	}
	jmRerankRow struct {
		Query           string   `parquet:"query"`
		RetrievedDocs   []string `parquet:"retrieved_docs,list"`
		RelevanceScores []int64  `parquet:"relevance_scores,list"`
	}
)

var jmWords = []string{"東京", "富士山", "料理", "野球", "映画", "天気", "電車", "音楽", "経済", "学校", "病院", "科学", "歴史", "旅行", "猫", "犬"}

func jmText(i int) string {
	return fmt.Sprintf("%sと%sの%sについて", jmWords[i%len(jmWords)], jmWords[(i*7+3)%len(jmWords)], jmWords[(i*5+1)%len(jmWords)])
}

func jmParquet[T any](t *testing.T, rows []T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jmtebFixtures builds every config/split of every task (v1 and v2) in
// the Hub's parquet-export layout <config>/<split>/0000.parquet. mrtydi
// uses integer doc ids and a scalar relevant_docs column, and
// wrime_classification string labels, as some JMTEB datasets do.
func jmtebFixtures(t *testing.T) map[string][]byte {
	files := map[string][]byte{}
	put := func(config, split string, b []byte) { files[config+"/"+split+"/0000.parquet"] = b }
	for ti, task := range jmteb.Tasks {
		base := ti * 100
		switch task.Kind {
		case jmteb.KindClassification, jmteb.KindClustering:
			splits := map[string]int{task.Val: 9, task.Test: 9}
			if task.Train != "" {
				splits[task.Train] = 15
			}
			for sp, n := range splits {
				if task.Name == "wrime_classification" {
					var rows []jmClassStrRow
					for i := 0; i < n; i++ {
						rows = append(rows, jmClassStrRow{jmText(base + i), []string{"joy", "anger", "sadness"}[i%3]})
					}
					put(task.Config, sp, jmParquet(t, rows))
					continue
				}
				var rows []jmClassRow
				for i := 0; i < n; i++ {
					rows = append(rows, jmClassRow{jmText(base + i + len(sp)), int64(i % 3)})
				}
				put(task.Config, sp, jmParquet(t, rows))
			}
		case jmteb.KindSTS:
			for _, sp := range []string{task.Val, task.Test} {
				var rows []jmSTSRow
				for i := 0; i < 10; i++ {
					rows = append(rows, jmSTSRow{jmText(base + i), jmText(base + i + i%3), float64(i%5) + 0.5})
				}
				put(task.Config, sp, jmParquet(t, rows))
			}
		case jmteb.KindPairClassification:
			for _, sp := range []string{task.Val, task.Test} {
				var rows []jmPairRow
				for i := 0; i < 10; i++ {
					rows = append(rows, jmPairRow{jmText(base + i), jmText(base + i + i%2), int64(1 - i%2)})
				}
				put(task.Config, sp, jmParquet(t, rows))
			}
		case jmteb.KindRetrieval:
			if task.Name == "mrtydi" {
				var corpus []jmCorpusIntRow
				for i := 0; i < 30; i++ {
					corpus = append(corpus, jmCorpusIntRow{int64(1000 + i), jmText(base + i)})
				}
				put(task.CorpusConfig, "corpus", jmParquet(t, corpus))
				for _, sp := range []string{task.Val, task.Test} {
					var rows []jmRetQueryScalarRow
					for i := 0; i < 12; i++ {
						rows = append(rows, jmRetQueryScalarRow{jmText(base + i*2), int64(1000 + i*2)})
					}
					put(task.QueryConfig, sp, jmParquet(t, rows))
				}
				continue
			}
			var corpus []jmCorpusRow
			for i := 0; i < 30; i++ {
				corpus = append(corpus, jmCorpusRow{fmt.Sprintf("doc%d", i), jmText(base + i)})
			}
			put(task.CorpusConfig, "corpus", jmParquet(t, corpus))
			for _, sp := range []string{task.Val, task.Test} {
				var rows []jmRetQueryRow
				for i := 0; i < 12; i++ {
					rows = append(rows, jmRetQueryRow{jmText(base + i*2), []string{fmt.Sprintf("doc%d", i*2), fmt.Sprintf("doc%d", i*2+1)}})
				}
				put(task.QueryConfig, sp, jmParquet(t, rows))
			}
		case jmteb.KindReranking:
			var corpus []jmCorpusRow
			for i := 0; i < 30; i++ {
				corpus = append(corpus, jmCorpusRow{fmt.Sprintf("p%d", i), jmText(base + i)})
			}
			put(task.CorpusConfig, "corpus", jmParquet(t, corpus))
			for _, sp := range []string{task.Val, task.Test} {
				var rows []jmRerankRow
				for i := 0; i < 8; i++ {
					var docs []string
					var rel []int64
					for j := 0; j < 6; j++ {
						docs = append(docs, fmt.Sprintf("p%d", (i*3+j)%30))
						rel = append(rel, int64(map[bool]int{true: 2, false: 0}[j == 0]+j%2))
					}
					rows = append(rows, jmRerankRow{jmText(base + i*3), docs, rel})
				}
				put(task.QueryConfig, sp, jmParquet(t, rows))
			}
		}
	}
	return files
}

// fakeDatasetHub serves a dataset repository at one revision the way the
// Hub does: revision resolution, the recursive tree listing and the
// resolve endpoint (HEAD and ranged GET).
func fakeDatasetHub(t *testing.T, repo, revision string, files map[string][]byte) (*httptest.Server, func() int) {
	return fakeRepoHub(t, "datasets", map[string]map[string][]byte{repo: files})
}

// TestJMTEBCommand runs every task of both suites with the tiny BERT
// fixture model on fixture datasets served by a fake Hub.
func TestJMTEBCommand(t *testing.T) {
	files := jmtebFixtures(t)
	srv, gets := fakeDatasetHub(t, jmteb.HubRepo, jmteb.HubRevision, files)
	dir := t.TempDir()
	t.Setenv("HF_ENDPOINT", srv.URL)
	t.Setenv("HF_HOME", filepath.Join(dir, "hf"))
	t.Setenv("HF_HUB_CACHE", "")
	t.Setenv("HUGGINGFACE_HUB_CACHE", "")
	t.Setenv("HF_HUB_OFFLINE", "")
	t.Setenv("HF_TOKEN", "")
	t.Setenv("HUGGING_FACE_HUB_TOKEN", "")
	model := filepath.Join("..", "..", "testdata", "models", "bert-tiny")
	cache := filepath.Join(dir, "emb")
	run := func(set, out string, extra ...string) (string, *jmteb.Summary, []byte) {
		args := append([]string{"jmteb", "-q", "--backend", "go", "--model", model, "--task-set", set, "--out", out, "--cache", cache}, extra...)
		stdout, stderr, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("jmteb %s: exit %d: %s", set, code, stderr)
		}
		p := filepath.Join(out, "bert-tiny", "summary.json")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := jmteb.ReadSummaryFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return stdout, s, b
	}
	for _, set := range []string{"v1", "v2"} {
		want, _ := jmteb.SelectTasks(set, "")
		_, s, raw := run(set, filepath.Join(dir, set))
		if len(s.Entries) != len(want) {
			t.Fatalf("%s: summary has %d tasks, want %d", set, len(s.Entries), len(want))
		}
		for _, task := range want {
			e, ok := s.Get(task.Name)
			if !ok || e.Category != task.Category() || e.Value < -1 || e.Value > 1 || (e.Value < 0 && e.Metric != "spearman") {
				t.Errorf("%s: %s: %+v", set, task.Name, e)
			}
			if _, err := os.Stat(filepath.Join(dir, set, "bert-tiny", task.Category(), "scores_"+task.Name+".json")); err != nil {
				t.Error(err)
			}
		}
		if again, _ := s.MarshalJSON(); !bytes.Equal(again, raw) {
			t.Errorf("%s: summary.json is not in JMTEB's format", set)
		}
	}
	// A second run is served from the Hugging Face and embedding caches
	// and gives the same bytes; --published adds the comparison.
	n := gets()
	pub := filepath.Join(dir, "pub.json")
	os.WriteFile(pub, []byte(`{"STS": {"jsts": {"spearman": 0.5}}}`), 0o644)
	_, _, first := run("v1", filepath.Join(dir, "v1"))
	out, _, second := run("v1", filepath.Join(dir, "again"), "--tasks", "jsts,jsick,esci", "--published", pub)
	if gets() != n {
		t.Errorf("second run downloaded %d files again", gets()-n)
	}
	t.Logf("table:\n%s", out)
	if len(first) == 0 || !strings.Contains(out, "published") || !strings.Contains(out, "Avg. STS") {
		t.Errorf("table:\n%s", out)
	}
	s1, _ := jmteb.ReadSummary(bytes.NewReader(first))
	s2, _ := jmteb.ReadSummary(bytes.NewReader(second))
	for _, name := range []string{"jsts", "jsick", "esci"} {
		a, _ := s1.Get(name)
		b, _ := s2.Get(name)
		if a != b {
			t.Errorf("%s: %+v then %+v", name, a, b)
		}
	}
	jsts, _ := s2.Get("jsts")
	if !strings.Contains(out, fmt.Sprintf("%+.2f", (jsts.Value-0.5)*100)) {
		t.Errorf("no diff against the published jsts score:\n%s", out)
	}

	// The same files from a local directory (--data) give the same scores.
	data := filepath.Join(dir, "data")
	for name, b := range files {
		p := filepath.Join(data, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, b, 0o644)
	}
	_, s3, _ := run("v1", filepath.Join(dir, "local"), "--tasks", "jsts,jsick,esci", "--data", data, "--dataset-repo", "nobody/nothing")
	for _, name := range []string{"jsts", "jsick", "esci"} {
		a, _ := s2.Get(name)
		b, _ := s3.Get(name)
		if a != b {
			t.Errorf("--data %s: %+v, from the Hub %+v", name, b, a)
		}
	}

	if _, stderr, code := runCLI(t, "jmteb", "--model", model, "--tasks", "nope"); code != 2 || !strings.Contains(stderr, "unknown JMTEB task") {
		t.Errorf("unknown task: exit %d: %s", code, stderr)
	}
	if _, _, code := runCLI(t, "jmteb"); code != 2 {
		t.Errorf("no --model: exit %d", code)
	}
}
