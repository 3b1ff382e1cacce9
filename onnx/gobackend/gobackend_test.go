package gobackend

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

func TestParityWithTorch(t *testing.T) {
	onnxtest.CheckEncoder(t, func(p string) (onnx.Encoder, error) { return Open(p, onnx.Options{}) }, map[string]string{
		"luke-tiny": "GoMLX cannot compile the torch.onnx export of LUKE yet (broadcastAxes out of range)",
	})
}

func TestLoadRestoresWorkingDirectory(t *testing.T) {
	before, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(onnxtest.Dir("bert-tiny")+"/model.onnx", onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	after, _ := os.Getwd()
	if after != before {
		t.Fatalf("working directory changed: %s -> %s", before, after)
	}
}

// A non-positive bucket would divide by zero (or size a negative slice) in
// Run: Open rejects it.
func TestNonPositiveBucketRejected(t *testing.T) {
	for _, b := range [][]int{{0}, {16, -32}} {
		s, err := Open(onnxtest.Dir("bert-tiny")+"/model.onnx", onnx.Options{SequenceBuckets: b})
		if err == nil {
			s.Close()
			t.Errorf("buckets %v accepted", b)
		}
	}
}

// A run queued behind another (here: the session held as if a cancelled
// batch were still executing) gives up when its own context is cancelled,
// instead of waiting for the session.
func TestQueuedRunHonoursCancel(t *testing.T) {
	s, err := Open(onnxtest.Dir("bert-tiny")+"/model.onnx", onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.sem <- struct{}{} // busy
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	b := &onnx.Batch{Size: 1, SeqLen: 4, InputIDs: []int64{2, 5, 6, 3}, AttentionMask: []int64{1, 1, 1, 1}}
	done := make(chan error, 1)
	go func() {
		_, err := s.Run(ctx, b)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err %v, want the context's error", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("Run waited for the busy session past its context")
	}
	<-s.sem
	if _, err := s.Run(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}
