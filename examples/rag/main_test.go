package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

func TestBM25Question(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"-k", "2", "東海道新幹線が開業したのはいつ？"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if lines[0] != "Q: 東海道新幹線が開業したのはいつ？" || !strings.HasSuffix(lines[1], "] shinkansen.txt#1") || !strings.Contains(lines[2], "1964年10月1日") {
		t.Errorf("unexpected answer:\n%s", out.String())
	}
}

func TestIndexReopenAndRebuild(t *testing.T) {
	ctx := context.Background()
	idx := filepath.Join(t.TempDir(), "idx")
	var out, errb bytes.Buffer
	args := []string{"-index", idx, "-model", onnxtest.Dir("bert-tiny"), "桜の開花"}
	if err := run(ctx, args, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "indexed 10 passages") {
		t.Fatalf("first run: %s", errb.String())
	}
	first := out.String()
	out.Reset()
	errb.Reset()
	if err := run(ctx, args, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "reopened") || out.String() != first {
		t.Errorf("second run: %s\n%s\nwant\n%s", errb.String(), out.String(), first)
	}
	errb.Reset()
	args[3] = onnxtest.Dir("bert-lasttoken-tiny")
	if err := run(ctx, args, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "settings differ from the stored index") || !strings.Contains(errb.String(), "rebuilding") {
		t.Errorf("other model: %s", errb.String())
	}
}
