package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

// The reproduction, scaled down: Ctrl-C (a cancelled context)
// while `eval` scores a cross-encoder on the pure-Go backend must end with
// the interrupted message and exit 130. It used to panic in the Go
// backend's parallel executor (index out of range), which kills this test
// binary.
func TestEvalInterruptedGoBackend(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "datasets", "sampledata", "sample.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var big bytes.Buffer
	for k := range 10 {
		for _, l := range strings.Split(strings.TrimSpace(string(src)), "\n") {
			var row map[string]any
			if err := json.Unmarshal([]byte(l), &row); err != nil {
				t.Fatal(err)
			}
			row["q_id"] = fmt.Sprintf("%v-%d", row["q_id"], k)
			b, _ := json.Marshal(row)
			big.Write(append(b, '\n'))
		}
	}
	data := filepath.Join(dir, "big.jsonl")
	if err := os.WriteFile(data, big.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Duration(800+700*i)*time.Millisecond, cancel)
		var out, errb bytes.Buffer
		code := runMain(ctx, []string{"eval", "-q", "--dataset", data, "--model", onnxtest.Dir("cross-encoder-xlmr-tiny"),
			"--backend", "go", "--no-plots", "--out", filepath.Join(dir, fmt.Sprint("out", i)), "--cache", ""}, &out, &errb)
		cancel()
		if code != 130 || !strings.Contains(errb.String(), "interrupted") || !strings.Contains(errb.String(), "context canceled") {
			t.Errorf("try %d: exit %d, stderr %q", i, code, errb.String())
		}
	}
}
