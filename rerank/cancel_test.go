package rerank_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/rerank"
)

// Cancelling the context while a cross-encoder is scoring must end the call
// with the context's error on every backend: no panic (the Go backend's
// executor used to be handed freed input tensors when Run returned early),
// no partial scores. Closing the model right after the cancelled call, as
// `jretrieve eval` does on Ctrl-C, must wait for the in-flight run.
func TestCrossEncoderCancelMidRun(t *testing.T) {
	name := "cross-encoder-xlmr-tiny"
	docs := make([]string, 256)
	for i := range docs {
		docs[i] = strings.Repeat("東京都に住んでいます。", 1+i%40)
	}
	for _, be := range backends(t) {
		t.Run(be, func(t *testing.T) {
			ce, err := rerank.OpenCrossEncoder(context.Background(), onnxtest.Dir(name), rerank.CrossEncoderOptions{
				Backend: be, BatchSize: 16})
			if err != nil {
				t.Fatal(err)
			}
			// Measure a full run (after a warm-up) so that the cancellations
			// land mid-run.
			full := time.Duration(1<<63 - 1)
			for range 2 {
				start := time.Now()
				if _, err := ce.Score(context.Background(), "東京", docs); err != nil {
					t.Fatal(err)
				}
				full = min(full, time.Since(start))
			}
			t.Logf("one full run: %v", full)
			cancelled := 0
			for i := range 6 {
				ctx, cancel := context.WithCancel(context.Background())
				delay := full * time.Duration(1+i) / 20
				time.AfterFunc(delay, cancel)
				got, err := ce.Score(ctx, "東京", docs)
				cancel()
				if err == nil && len(got) == len(docs) {
					continue // finished before the cancellation (a busy machine)
				}
				cancelled++
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("try %d (cancel after %v of %v): got %d scores, err %v; want context.Canceled", i, delay, full, len(got), err)
				}
				if got != nil {
					t.Fatalf("try %d: partial scores returned with the error", i)
				}
			}
			if cancelled < 3 {
				t.Fatalf("only %d of 6 runs were cancelled mid-run", cancelled)
			}
			// Cancel, then close at once while the run may still be executing.
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(full/10, cancel)
			if _, err := ce.Score(ctx, "東京", docs); !errors.Is(err, context.Canceled) {
				t.Fatalf("close try: err %v, want context.Canceled", err)
			}
			if err := ce.Close(); err != nil {
				t.Fatal(err)
			}
			// Give a still-running executor the time to trip over freed memory.
			time.Sleep(full / 2)
		})
	}
}
