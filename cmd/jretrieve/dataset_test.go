package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDatasetCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "qrels.trec")
	var stdout, stderr bytes.Buffer
	code := runMain(context.Background(), []string{"dataset", "--limit", "2", "--qrels", out, "sample"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := "sample: rerank, 2 queries, 40 query-candidate pairs"; !strings.HasPrefix(stdout.String(), want) {
		t.Errorf("stdout %q, want prefix %q", stdout.String(), want)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// The relevant passages of the first two questions in source.txt.
	if string(got) != "sample-001 0 103 1\nsample-002 0 102 1" {
		t.Errorf("qrels %q", got)
	}
	stderr.Reset()
	if code := runMain(context.Background(), []string{"dataset", "no-such-dataset"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), `unknown dataset "no-such-dataset"`) {
		t.Errorf("unknown dataset: exit %d, stderr %q", code, stderr.String())
	}
}
