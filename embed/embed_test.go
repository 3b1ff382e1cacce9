package embed_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/onnx/ort"

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

// group is the reference items of one role and prompt name, in order.
type group struct {
	kind, promptName string
	items            []onnxtest.Item
}

// groups splits the reference items by (kind, prompt name), keeping the
// generator's order: the first group of each kind is the role's default
// resolution (encode_query / encode_document), later ones name a prompt.
func groups(ref *onnxtest.Reference) []*group {
	var gs []*group
	idx := map[[2]string]*group{}
	for _, it := range ref.Items {
		k := [2]string{it.Kind, it.PromptName}
		g := idx[k]
		if g == nil {
			g = &group{kind: it.Kind, promptName: it.PromptName}
			idx[k] = g
			gs = append(gs, g)
		}
		g.items = append(g.items, it)
	}
	return gs
}

// compare checks Go vectors against reference vectors (cosine >= 0.99999,
// max abs diff <= onnxtest.Tolerance) and returns the worst of both.
// Inputs with an onnxtest.KnownDifference must differ (so that a fix shows).
func compare(t *testing.T, fixture, what string, got []float32, dim int, items []onnxtest.Item, want func(onnxtest.Item) []float64) (float64, float64) {
	t.Helper()
	worst, minCos := 0.0, 1.0
	for i, it := range items {
		row := got[i*dim : (i+1)*dim]
		w := want(it)
		diff, err := onnxtest.MaxAbsDiff(row, w)
		if err != nil {
			t.Fatalf("%s %q: %v", what, it.Text, err)
		}
		c := onnxtest.Cosine(row, w)
		if why := onnxtest.KnownDifference(fixture, it.Text); why != "" {
			if diff <= onnxtest.Tolerance {
				t.Errorf("%s %q: known difference (%s) no longer differs: update onnxtest.KnownDifference", what, it.Text, why)
			}
			t.Logf("%s %q: known difference, cosine %.4f: %s", what, it.Text, c, why)
			continue
		}
		worst, minCos = max(worst, diff), min(minCos, c)
		if diff > onnxtest.Tolerance || c < 0.99999 {
			t.Errorf("%s %s %q (prompt %q): max abs diff %.3g, cosine %.7f", what, it.Kind, it.Text, it.PromptName, diff, c)
		}
	}
	return worst, minCos
}

// TestEmbedParityWithSentenceTransformers runs the whole jretrieve path
// (the directory's tokenizer, prompts resolved from
// config_sentence_transformers.json, the Optimum-exported graph on both
// backends, pooling, normalization) against SentenceTransformer.encode on
// the fixtures of scripts/reference/models_reference.py.
func TestEmbedParityWithSentenceTransformers(t *testing.T) {
	ctx := context.Background()
	for _, be := range backends(t) {
		for _, name := range onnxtest.Embedders {
			t.Run(be+"/"+name, func(t *testing.T) {
				ref, err := onnxtest.Load(name)
				if err != nil {
					t.Fatal(err)
				}
				open := func(opts ...embed.Option) *embed.Model {
					// batch size 3: several length-sorted batches whose order must be restored
					m, err := embed.Open(ctx, onnxtest.Dir(name), append([]embed.Option{embed.WithBackend(be), embed.WithBatchSize(3)}, opts...)...)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { m.Close() })
					return m
				}
				if be == "go" && name == "luke-tiny" {
					// the pure-Go backend (hugot/GoMLX) cannot compile the graph that
					// torch.onnx exports for LUKE (a broadcast over a rank-0 value)
					m, err := embed.Open(ctx, onnxtest.Dir(name), embed.WithBackend(be))
					if err == nil {
						_, err = m.EmbedQueries(ctx, []string{"a"})
						m.Close()
					}
					if err == nil {
						t.Error("luke-tiny runs on the go backend: drop this skip")
					}
					t.Skip("go backend cannot run the LUKE export (GoMLX: broadcastAxes out of range); ORT runs it")
				}
				m := open()
				if m.Dim() != ref.Hidden || m.Config().Pooling != ref.Pooling || m.MaxLength() != ref.MaxSeqLength {
					t.Fatalf("dim %d pooling %q max length %d, want %d %q %d", m.Dim(), m.Config().Pooling, m.MaxLength(), ref.Hidden, ref.Pooling, ref.MaxSeqLength)
				}
				seen := map[string]bool{}
				worst, minCos := 0.0, 1.0
				for _, g := range groups(ref) {
					texts := make([]string, len(g.items))
					wantTrunc := 0
					for i, it := range g.items {
						texts[i] = it.Text
						if it.Truncated {
							wantTrunc++
						}
					}
					mm := m
					if seen[g.kind] {
						// an explicitly named prompt (encode(prompt_name=...))
						mm = open(embed.WithPromptNames(g.promptName, g.promptName))
					} else {
						names := m.PromptNames()
						got := names.Query
						if g.kind == "document" {
							got = names.Document
						}
						if got != g.promptName {
							t.Errorf("%s prompt name %q, sentence-transformers used %q", g.kind, got, g.promptName)
						}
					}
					seen[g.kind] = true
					before := mm.Stats()
					var vecs []float32
					if g.kind == "query" {
						vecs, err = mm.EmbedQueries(ctx, texts)
					} else {
						vecs, err = mm.EmbedDocuments(ctx, texts)
					}
					if err != nil {
						t.Fatal(err)
					}
					for i, it := range g.items {
						if e := mm.Encode(prefixOf(mm, g.kind), it.Text); !slices.Equal(e.IDs, it.InputIDs) && onnxtest.KnownDifference(name, it.Text) == "" {
							t.Errorf("%s %q: token ids %v, want %v", g.kind, it.Text, e.IDs, it.InputIDs)
						}
						_ = i
					}
					if st := mm.Stats(); st.Truncated-before.Truncated != int64(wantTrunc) {
						t.Errorf("%s/%s: %d truncated, want %d", g.kind, g.promptName, st.Truncated-before.Truncated, wantTrunc)
					}
					w, c := compare(t, name, g.kind+"/"+g.promptName, vecs, m.Dim(), g.items, func(it onnxtest.Item) []float64 { return it.Normalized })
					worst, minCos = max(worst, w), min(minCos, c)
				}
				t.Logf("max abs diff %.2g, min cosine %.9f", worst, minCos)
			})
		}
	}
}

func prefixOf(m *embed.Model, kind string) string {
	if kind == "query" {
		return m.Prefixes().Query
	}
	return m.Prefixes().Document
}

// WithStripInput reproduces sentence-transformers <= 5, which tokenized
// str(prompt + text).strip().
func TestEmbedStripInput(t *testing.T) {
	ctx := context.Background()
	// amber-tiny's documents get no prompt (its prompts have task names), so
	// a leading newline or tab reaches the Metaspace tokenizer
	for _, name := range []string{"amber-tiny"} {
		t.Run(name, func(t *testing.T) {
			ref, err := onnxtest.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			m, err := embed.Open(ctx, onnxtest.Dir(name), embed.WithBackend("go"), embed.WithStripInput(true))
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			g := groups(ref)[1] // default document role: no prompt
			texts := make([]string, len(g.items))
			differs := false
			for i, it := range g.items {
				texts[i] = it.Text
				differs = differs || onnxtest.Cosine(toF32(it.Normalized), it.NormalizedStripped) < 0.9999
			}
			if !differs {
				t.Fatal("fixture has no input where stripping changes the embedding")
			}
			if g.kind != "document" || g.promptName != "" {
				t.Fatalf("group %s/%q, want the prompt-less documents", g.kind, g.promptName)
			}
			vecs, err := m.EmbedDocuments(ctx, texts)
			if err != nil {
				t.Fatal(err)
			}
			compare(t, name, "stripped", vecs, m.Dim(), g.items, func(it onnxtest.Item) []float64 { return it.NormalizedStripped })
		})
	}
}

func toF32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
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
