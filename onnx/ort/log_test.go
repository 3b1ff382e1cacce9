//go:build cgo

package ort

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

// captureFD2 runs f with file descriptor 2 (where ONNX Runtime's C++ logger
// writes) redirected to a pipe and returns what was written there.
func captureFD2(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved, err := syscall.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Dup2(int(w.Fd()), 2); err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	func() {
		defer func() {
			syscall.Dup2(saved, 2)
			syscall.Close(saved)
			w.Close()
		}()
		f()
	}()
	return <-done
}

// TestNoORTLogLines checks that ONNX Runtime's own log lines (coloured
// "[E:onnxruntime:...]" text on stderr) do not leak when a run fails: the
// failure comes back as the returned error only.
func TestNoORTLogLines(t *testing.T) {
	requireORT(t)
	p := filepath.Join(onnxtest.Dir("bert-tiny"), "model.onnx")
	s, err := Open(p, onnx.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var runErr error
	logged := captureFD2(t, func() {
		// Token id far beyond the vocabulary: ORT's Gather fails and logs.
		b := &onnx.Batch{Size: 1, SeqLen: 3, InputIDs: []int64{2, 1 << 40, 3}, AttentionMask: []int64{1, 1, 1}, TokenTypeIDs: []int64{0, 0, 0}}
		_, runErr = s.Run(context.Background(), b)
	})
	if runErr == nil || !strings.Contains(runErr.Error(), "out of data bounds") {
		t.Fatalf("out-of-vocabulary id: error %v, want ORT's message in it", runErr)
	}
	if strings.Contains(logged, "onnxruntime") || strings.Contains(logged, "\x1b[") {
		t.Errorf("ONNX Runtime wrote to stderr:\n%s", logged)
	}
}
