package jmteb

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/jretrieve/jretrieve/datasets"
)

func TestSuites(t *testing.T) {
	v1, _ := SelectTasks("v1", "")
	v2, _ := SelectTasks("v2", "")
	if len(v1) != 16 || len(v2) != 28 {
		t.Fatalf("v1 %d tasks, v2 %d; want 16 and 28", len(v1), len(v2))
	}
	if _, err := SelectTasks("", "jsts,nope"); err == nil {
		t.Error("unknown task accepted")
	}
}

// TestTasksMatchDefinitions checks the v1 tasks against JMTEB's jsonnet
// definitions and the v2 suite against the published v2 summary.
func TestTasksMatchDefinitions(t *testing.T) {
	dir := sharedOrSkip(t)
	files, _ := filepath.Glob(filepath.Join(dir, "tasks", "*.jsonnet"))
	field := func(s, re string) []string {
		var out []string
		for _, m := range regexp.MustCompile(re).FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		return out
	}
	n := 0
	for _, f := range files {
		if filepath.Base(f) == "_suite.jsonnet" {
			continue
		}
		b, _ := os.ReadFile(f)
		s := string(b)
		name := field(s, `(?m)^  (\w+): \{`)[0]
		var task *Task
		for i := range Tasks {
			if Tasks[i].Name == name {
				task = &Tasks[i]
			}
		}
		if task == nil || !task.V1 {
			t.Errorf("%s: task %s not in the v1 suite", f, name)
			continue
		}
		n++
		if k := field(s, `class_path: '(\w+Evaluator)'`)[0]; k != task.Kind {
			t.Errorf("%s: evaluator %s, ours %s", name, k, task.Kind)
		}
		splits := field(s, `split: '(\w+)'`)
		names := field(s, `name: '([\w-]+)'`)
		var want []string
		switch task.Kind {
		case KindClassification:
			want = []string{task.Train, task.Val, task.Test}
		case KindRetrieval, KindReranking:
			want = []string{task.Val, task.Test, "corpus"}
			if names[0] != task.QueryConfig || names[2] != task.CorpusConfig {
				t.Errorf("%s: configs %v, ours %s %s", name, names, task.QueryConfig, task.CorpusConfig)
			}
		default:
			want = []string{task.Val, task.Test}
		}
		if task.Config != "" && names[0] != task.Config {
			t.Errorf("%s: config %s, ours %s", name, names[0], task.Config)
		}
		if len(splits) != len(want) {
			t.Errorf("%s: splits %v, ours %v", name, splits, want)
			continue
		}
		for i := range want {
			if splits[i] != want[i] {
				t.Errorf("%s: splits %v, ours %v", name, splits, want)
			}
		}
		if c := field(s, `"doc_chunk_size":(\d+)`); len(c) > 0 && c[0] != "10000" || len(c) > 0 != (task.DocChunkSize != 0) {
			t.Errorf("%s: doc_chunk_size %v, ours %d", name, c, task.DocChunkSize)
		}
	}
	if n != 16 {
		t.Errorf("checked %d v1 definitions, want 16", n)
	}
	s, err := ReadSummaryFile(filepath.Join(dir, "results-v2", "cl-nagoya", "ruri-v3-30m", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := SelectTasks("v2", "")
	for _, task := range v2 {
		e, ok := s.Get(task.Name)
		if !ok || e.Category != task.Category() {
			t.Errorf("v2 task %s (%s) not in the published v2 summary as such", task.Name, task.Category())
		}
	}
	if len(s.Entries) != len(v2) {
		t.Errorf("v2 summary has %d tasks, suite %d", len(s.Entries), len(v2))
	}
}

func TestLabels(t *testing.T) {
	// JMTEB maps non-integer labels by their sorted order
	got, err := labels([]datasets.Value{{Str: "joy"}, {Str: "anger"}, {Str: "joy"}, {Str: "sad"}})
	if err != nil || fmt.Sprint(got) != "[1 0 1 2]" {
		t.Errorf("string labels = %v, %v", got, err)
	}
	got, err = labels([]datasets.Value{{Str: "7", IsInt: true}, {Str: "-2", IsInt: true}})
	if err != nil || fmt.Sprint(got) != "[7 -2]" {
		t.Errorf("int labels = %v, %v", got, err)
	}
}
