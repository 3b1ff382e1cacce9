package embed_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"github.com/jretrieve/jretrieve/tokenizer"

	_ "github.com/jretrieve/jretrieve/onnx/gobackend"
)

// backends returns the backends to test: "go" always, "ort" when the
// library is installed (required when JRETRIEVE_REQUIRE_NATIVE=1).
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

// tokenizerFor returns the directory's real tokenizer when it reproduces the
// reference ids, else the lookup tokenizer.
func tokenizerFor(t *testing.T, name string, ref *onnxtest.Reference) tokenizer.Tokenizer {
	tk, err := tokenizer.Load(onnxtest.Dir(name))
	if err != nil {
		t.Logf("%s: tokenizer package cannot load it yet (%v); using reference ids", name, err)
		cfg, err := modeldir.Read(onnxtest.Dir(name))
		if err != nil {
			t.Fatal(err)
		}
		return onnxtest.NewLookupTokenizer(ref, int(cfg.PadTokenID))
	}
	return tk
}

func TestEmbedParityWithTorch(t *testing.T) {
	ctx := context.Background()
	for _, be := range backends(t) {
		for _, name := range onnxtest.Embedders {
			t.Run(be+"/"+name, func(t *testing.T) {
				ref, err := onnxtest.Load(name)
				if err != nil {
					t.Fatal(err)
				}
				// batch size 3: several length-sorted batches whose order must be restored
				m, err := embed.Open(ctx, onnxtest.Dir(name), embed.WithBackend(be), embed.WithBatchSize(3),
					embed.WithTokenizer(tokenizerFor(t, name, ref)))
				if err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				if m.Dim() != ref.Hidden {
					t.Fatalf("Dim = %d, want %d", m.Dim(), ref.Hidden)
				}
				if m.Config().Pooling != ref.Pooling {
					t.Fatalf("pooling %q, want %q", m.Config().Pooling, ref.Pooling)
				}
				var qs, ds []string
				var want []onnxtest.Item
				wantTrunc := 0
				for _, it := range ref.Items {
					if it.Kind == "query" {
						qs = append(qs, it.Text)
					}
					if it.Truncated {
						wantTrunc++
					}
				}
				for _, it := range ref.Items {
					if it.Kind == "query" {
						want = append(want, it)
					}
				}
				for _, it := range ref.Items {
					if it.Kind == "document" {
						ds = append(ds, it.Text)
						want = append(want, it)
					}
				}
				q, err := m.EmbedQueries(ctx, qs)
				if err != nil {
					t.Fatal(err)
				}
				d, err := m.EmbedDocuments(ctx, ds)
				if err != nil {
					t.Fatal(err)
				}
				got := append(q, d...)
				dim := m.Dim()
				worst, minCos := 0.0, 1.0
				for i, it := range want {
					row := got[i*dim : (i+1)*dim]
					diff, err := onnxtest.MaxAbsDiff(row, it.Normalized)
					if err != nil {
						t.Fatal(err)
					}
					c := onnxtest.Cosine(row, it.Normalized)
					worst, minCos = max(worst, diff), min(minCos, c)
					if diff > onnxtest.Tolerance || c < 0.99999 {
						t.Errorf("%s %q: max abs diff %.3g, cosine %.7f", it.Kind, it.Text, diff, c)
					}
				}
				st := m.Stats()
				if st.Sequences != int64(len(want)) || st.Truncated != int64(wantTrunc) {
					t.Errorf("stats %+v, want %d sequences, %d truncated", st, len(want), wantTrunc)
				}
				t.Logf("max abs diff %.2g, min cosine %.9f, stats %+v", worst, minCos, st)
			})
		}
	}
}

func TestEmbedUnnormalized(t *testing.T) {
	ctx := context.Background()
	name := "bert-tiny"
	ref, err := onnxtest.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := embed.Open(ctx, onnxtest.Dir(name), embed.WithBackend("go"), embed.WithNormalize(false),
		embed.WithTokenizer(onnxtest.NewLookupTokenizer(ref, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	it := ref.Items[0]
	v, err := m.EmbedQueries(ctx, []string{it.Text})
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := onnxtest.MaxAbsDiff(v, it.Pooled); d > onnxtest.Tolerance {
		t.Fatalf("unnormalized pooled vector: max abs diff %.3g", d)
	}
}

func TestPrefixes(t *testing.T) {
	ctx := context.Background()
	ref, err := onnxtest.Load("bert-tiny")
	if err != nil {
		t.Fatal(err)
	}
	tk := onnxtest.NewLookupTokenizer(ref, 0)
	m, err := embed.Open(ctx, onnxtest.Dir("bert-tiny"), embed.WithBackend("go"), embed.WithTokenizer(tk))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if p := m.Prefixes(); p.Query != "クエリ: " || p.Document != "文章: " {
		t.Fatalf("prefixes from config_sentence_transformers.json = %+v", p)
	}
	m2, err := embed.Open(ctx, onnxtest.Dir("bert-tiny"), embed.WithBackend("go"), embed.WithTokenizer(tk),
		embed.WithPrefixes("q: ", "d: "))
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if p := m2.Prefixes(); p.Query != "q: " || p.Document != "d: " {
		t.Fatalf("explicit prefixes = %+v", p)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := embed.Open(ctx, "no/such/model", embed.WithBackend("go")); err == nil {
		t.Fatal("Open of a missing model succeeded")
	}
	if _, err := embed.Open(ctx, onnxtest.Dir("bert-tiny"), embed.WithBackend("nope"),
		embed.WithTokenizer(onnxtest.NewLookupTokenizer(&onnxtest.Reference{}, 0))); err == nil {
		t.Fatal("unknown backend accepted")
	}
}

// TestOpenCrossEncoder checks that a cross-encoder directory is refused with
// ErrCrossEncoder before any tensor runs, not with a tensor shape error.
func TestOpenCrossEncoder(t *testing.T) {
	for _, name := range []string{"cross-encoder-bert-tiny", "cross-encoder-xlmr-tiny"} {
		_, err := embed.Open(context.Background(), onnxtest.Dir(name), embed.WithBackend("go"))
		if !errors.Is(err, embed.ErrCrossEncoder) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: err %v, want ErrCrossEncoder naming the directory", name, err)
		}
		if _, err := embed.OpenMultiVector(context.Background(), onnxtest.Dir(name), embed.WithBackend("go")); !errors.Is(err, embed.ErrCrossEncoder) {
			t.Errorf("%s multi-vector: err %v, want ErrCrossEncoder", name, err)
		}
	}
}
