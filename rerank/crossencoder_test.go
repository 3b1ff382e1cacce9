package rerank_test

import (
	"context"
	"errors"
	"math"
	"os"
	"testing"

	"github.com/jretrieve/jretrieve/onnx/modeldir"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"github.com/jretrieve/jretrieve/rerank"
	"github.com/jretrieve/jretrieve/tokenizer"

	_ "github.com/jretrieve/jretrieve/onnx/gobackend"
)

func backends(t *testing.T) []string {
	b := []string{"go"}
	if err := ort.Init(""); err != nil {
		if !errors.Is(err, ort.ErrNoLibrary) || os.Getenv("JRETRIEVE_REQUIRE_NATIVE") == "1" {
			t.Fatal(err)
		}
		t.Logf("ONNX Runtime not installed, testing the go backend only: %v", err)
		return b
	}
	return append(b, "ort")
}

func TestCrossEncoderParityWithTorch(t *testing.T) {
	ctx := context.Background()
	for _, be := range backends(t) {
		for _, name := range onnxtest.CrossEncoders {
			t.Run(be+"/"+name, func(t *testing.T) {
				ref, err := onnxtest.Load(name)
				if err != nil {
					t.Fatal(err)
				}
				var tk tokenizer.Tokenizer
				if tk, err = tokenizer.Load(onnxtest.Dir(name)); err != nil {
					t.Logf("tokenizer cannot load %s yet (%v); using reference ids", name, err)
					cfg, _ := modeldir.Read(onnxtest.Dir(name))
					tk = onnxtest.NewLookupTokenizer(ref, int(cfg.PadTokenID))
				}
				ce, err := rerank.OpenCrossEncoder(ctx, onnxtest.Dir(name), rerank.CrossEncoderOptions{
					Backend: be, BatchSize: 2, Tokenizer: tk, MaxLength: ref.MaxLength})
				if err != nil {
					t.Fatal(err)
				}
				defer ce.Close()
				wantAct := map[int]string{1: "sigmoid", 2: "softmax"}[ref.NumLabels]
				if ce.Activation() != wantAct {
					t.Fatalf("activation %q, want %q", ce.Activation(), wantAct)
				}
				var docs []string
				for _, it := range ref.Items {
					docs = append(docs, it.Document)
				}
				got, err := ce.Score(ctx, ref.Items[0].Query, docs)
				if err != nil {
					t.Fatal(err)
				}
				worst := 0.0
				for i, it := range ref.Items {
					d := math.Abs(got[i] - it.Score)
					worst = max(worst, d)
					if d > 1e-5 {
						t.Errorf("doc %q: score %.7f, torch %.7f", it.Document, got[i], it.Score)
					}
				}
				t.Logf("max |score - torch| = %.2g, stats %+v", worst, ce.Stats())
			})
		}
	}
}

func TestActivationOverride(t *testing.T) {
	ctx := context.Background()
	name := "cross-encoder-bert-tiny"
	ref, err := onnxtest.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	ce, err := rerank.OpenCrossEncoder(ctx, onnxtest.Dir(name), rerank.CrossEncoderOptions{
		Backend: "go", Activation: "identity", Tokenizer: onnxtest.NewLookupTokenizer(ref, 0)})
	if err != nil {
		t.Fatal(err)
	}
	defer ce.Close()
	it := ref.Items[0]
	got, err := ce.Score(ctx, it.Query, []string{it.Document})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got[0]-it.Logits[0]) > 1e-5 {
		t.Fatalf("identity score %.7f, torch logit %.7f", got[0], it.Logits[0])
	}
	if _, err := rerank.OpenCrossEncoder(ctx, onnxtest.Dir(name), rerank.CrossEncoderOptions{
		Backend: "go", Activation: "relu", Tokenizer: onnxtest.NewLookupTokenizer(ref, 0)}); err == nil {
		t.Fatal("unknown activation accepted")
	}
}
