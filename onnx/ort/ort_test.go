//go:build cgo

package ort

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

// requireORT skips the test when the native library is absent, unless
// JRETRIEVE_REQUIRE_NATIVE=1.
func requireORT(t testing.TB) {
	t.Helper()
	if err := Init(""); err != nil {
		if errors.Is(err, ErrNoLibrary) && os.Getenv("JRETRIEVE_REQUIRE_NATIVE") != "1" {
			t.Skipf("ONNX Runtime not installed (run scripts/install-onnxruntime.sh): %v", err)
		}
		t.Fatal(err)
	}
}

func TestParityWithTorch(t *testing.T) {
	requireORT(t)
	onnxtest.CheckEncoder(t, func(p string) (onnx.Encoder, error) { return Open(p, onnx.Options{Threads: 1}) }, nil)
}

func TestFindLibrary(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JRETRIEVE_CACHE", dir)
	t.Setenv(EnvLibrary, "")
	if _, err := FindLibrary(""); !errors.Is(err, ErrNoLibrary) {
		t.Fatalf("empty cache: err = %v, want ErrNoLibrary", err)
	}
	lib := dir + "/onnxruntime/" + Version + "/libonnxruntime.so"
	if err := os.MkdirAll(dir+"/onnxruntime/"+Version, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lib, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := FindLibrary(""); err != nil || got != lib {
		t.Fatalf("cache: got %q, %v; want %q", got, err, lib)
	}
	// An explicit path that does not exist must not fall back to the cache.
	t.Setenv(EnvLibrary, dir+"/missing.so")
	if _, err := FindLibrary(""); !errors.Is(err, ErrNoLibrary) {
		t.Fatalf("missing env library: err = %v, want ErrNoLibrary", err)
	}
	if got, err := FindLibrary(lib); err != nil || got != lib {
		t.Fatalf("option wins over env: got %q, %v", got, err)
	}
}

// A context cancelled while ONNX Runtime is inside a long run terminates it
// (OrtRunOptions terminate flag) and returns the context's error, instead
// of finishing the batch and returning its result.
func TestRunCancelledMidway(t *testing.T) {
	requireORT(t)
	s, err := Open(onnxtest.Dir("bert-tiny")+"/model.onnx", onnx.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// About 2 s of work on one thread; the cancellation comes after 5 ms.
	n, l := 1024, 64
	b := &onnx.Batch{Size: n, SeqLen: l, InputIDs: make([]int64, n*l), AttentionMask: make([]int64, n*l), TokenTypeIDs: make([]int64, n*l)}
	for i := range b.InputIDs {
		b.InputIDs[i], b.AttentionMask[i] = int64(5+i%100), 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(5*time.Millisecond, cancel)
	if _, err := s.Run(ctx, b); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	// The session still works.
	b1 := &onnx.Batch{Size: 1, SeqLen: 4, InputIDs: []int64{2, 5, 6, 3}, AttentionMask: []int64{1, 1, 1, 1}}
	if _, err := s.Run(context.Background(), b1); err != nil {
		t.Fatal(err)
	}
}
