package rerank_test

import (
	"context"
	"errors"
	"math"
	"os"
	"testing"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"github.com/jretrieve/jretrieve/rerank"

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

// TestCrossEncoderParityWithSentenceTransformers runs the whole path (the
// directory's tokenizer, the Optimum-exported graph on both backends, the
// default activation) against CrossEncoder.predict: Sigmoid for one label,
// the raw logits (Identity) for two.
func TestCrossEncoderParityWithSentenceTransformers(t *testing.T) {
	ctx := context.Background()
	for _, be := range backends(t) {
		for _, name := range onnxtest.CrossEncoders {
			t.Run(be+"/"+name, func(t *testing.T) {
				ref, err := onnxtest.Load(name)
				if err != nil {
					t.Fatal(err)
				}
				ce, err := rerank.OpenCrossEncoder(ctx, onnxtest.Dir(name), rerank.CrossEncoderOptions{Backend: be, BatchSize: 2})
				if err != nil {
					t.Fatal(err)
				}
				defer ce.Close()
				wantAct := map[string]string{"Sigmoid": "sigmoid", "Identity": "identity"}[ref.Activation]
				if ce.Activation() != wantAct {
					t.Fatalf("activation %q, sentence-transformers %q", ce.Activation(), ref.Activation)
				}
				worst := checkScores(t, ctx, name, ce, ref, func(it onnxtest.Item) float64 { return it.Score })
				t.Logf("max |score - sentence-transformers| = %.2g, stats %+v", worst, ce.Stats())
			})
		}
	}
}

// checkScores scores every reference pair, grouped by query, and compares.
// Pairs with an onnxtest.KnownDifference must differ, so that a fix shows.
func checkScores(t *testing.T, ctx context.Context, fixture string, ce *rerank.CrossEncoder, ref *onnxtest.Reference, want func(onnxtest.Item) float64) float64 {
	t.Helper()
	var order []string
	byQuery := map[string][]onnxtest.Item{}
	for _, it := range ref.Items {
		if _, ok := byQuery[it.Query]; !ok {
			order = append(order, it.Query)
		}
		byQuery[it.Query] = append(byQuery[it.Query], it)
	}
	worst := 0.0
	for _, q := range order {
		items := byQuery[q]
		docs := make([]string, len(items))
		for i, it := range items {
			docs[i] = it.Document
		}
		got, err := ce.Score(ctx, q, docs)
		if err != nil {
			t.Fatal(err)
		}
		for i, it := range items {
			d := math.Abs(got[i] - want(it))
			if why := onnxtest.KnownDifference(fixture, it.Document); why != "" {
				if d <= 1e-4 {
					t.Errorf("(%q, %q): known difference (%s) no longer differs", q, it.Document, why)
				}
				continue
			}
			worst = max(worst, d)
			if d > 1e-4 {
				t.Errorf("(%q, %q): score %.7f, sentence-transformers %.7f", q, it.Document, got[i], want(it))
			}
		}
	}
	return worst
}

// Softmax of the positive label stays available as an explicit option, and
// StripInput reproduces sentence-transformers <= 5 (text.strip()).
func TestCrossEncoderSoftmaxAndStrip(t *testing.T) {
	ctx := context.Background()
	name := "cross-encoder-xlmr-tiny"
	ref, err := onnxtest.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	ce, err := rerank.OpenCrossEncoder(ctx, onnxtest.Dir(name), rerank.CrossEncoderOptions{Backend: "go", Activation: "softmax"})
	if err != nil {
		t.Fatal(err)
	}
	defer ce.Close()
	checkScores(t, ctx, name, ce, ref, func(it onnxtest.Item) float64 { return it.SoftmaxPositive })
	// ModernBERT's tokenizer keeps a leading "\n\t" as a token: stripping matters
	name = "cross-encoder-modernbert-tiny"
	if ref, err = onnxtest.Load(name); err != nil {
		t.Fatal(err)
	}
	st, err := rerank.OpenCrossEncoder(ctx, onnxtest.Dir(name), rerank.CrossEncoderOptions{Backend: "go", StripInput: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	differs := false
	for _, it := range ref.Items {
		differs = differs || math.Abs(it.LogitsStripped[0]-it.Logits[0]) > 1e-3
	}
	if !differs {
		t.Fatal("fixture has no pair where stripping changes the score")
	}
	// StripInput changes the input only; the activation stays sigmoid
	checkScores(t, ctx, name, st, ref, func(it onnxtest.Item) float64 {
		return 1 / (1 + math.Exp(-it.LogitsStripped[0]))
	})
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
	if math.Abs(got[0]-it.Logits[0]) > 1e-4 {
		t.Fatalf("identity score %.7f, torch logit %.7f", got[0], it.Logits[0])
	}
	if _, err := rerank.OpenCrossEncoder(ctx, onnxtest.Dir(name), rerank.CrossEncoderOptions{
		Backend: "go", Activation: "relu", Tokenizer: onnxtest.NewLookupTokenizer(ref, 0)}); err == nil {
		t.Fatal("unknown activation accepted")
	}
}
