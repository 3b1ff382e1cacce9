package convert_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/convert"
	"github.com/jretrieve/jretrieve/onnx/gobackend"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"google.golang.org/protobuf/proto"
)

// fusedFixtures are the fixtures whose attention, residual LayerNorms and
// GELUs the fused form replaces, with their layer count.
var fusedFixtures = map[string]int{"bert": 2, "bert-cls": 2, "distilbert": 2, "distilbert-cls": 2, "xlmr": 2, "xlmr-cls": 2, "colbert": 2, "luke": 2}

// embedFixtures are the fused fixtures whose embeddings (BERT with token
// types) become EmbedLayerNormalization.
var embedFixtures = map[string]bool{"bert": true, "bert-cls": true, "colbert": true}

// rotaryFixtures are the ModernBERT fixtures (4 layers): their attention
// fuses into RotaryEmbedding + MultiHeadAttention.
var rotaryFixtures = map[string]int{"modernbert": 4, "modernbert-cls": 4}

// opCounts reads a written graph and counts its nodes by domain:op.
func opCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m pb.ModelProto
	if err := proto.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	c := map[string]int{}
	for _, n := range m.Graph.Node {
		c[n.Domain+":"+n.OpType]++
	}
	return c
}

func layersOf(t *testing.T, name string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"num_hidden_layers": 2`) && !strings.Contains(string(b), `"n_layers": 2`) {
		t.Fatalf("%s: fixture is not 2 layers", name)
	}
	return 2
}

// TestFusedParityORT checks the fused graph against the transformers
// reference at the full-precision tolerance, and that the fusions happened
// (one Attention, two SkipLayerNormalization and one BiasGelu per layer,
// no Softmax or Erf left).
func TestFusedParityORT(t *testing.T) {
	requireORT(t)
	for _, name := range sortedNames(fusedFixtures) {
		t.Run(name, func(t *testing.T) {
			layers := layersOf(t, name)
			r := loadReference(t, name)
			res := convertFixture(t, name, convert.Options{Graph: convert.GraphFused})
			c := opCounts(t, res.ONNX)
			if c["com.microsoft:Attention"] != layers || c["com.microsoft:SkipLayerNormalization"] != 2*layers || c["com.microsoft:BiasGelu"] != layers || c[":Softmax"] != 0 || c[":Erf"] != 0 ||
				(c["com.microsoft:EmbedLayerNormalization"] == 1) != embedFixtures[name] {
				t.Errorf("fused graph ops: %v", c)
			}
			enc, err := ort.Open(res.ONNX, onnx.Options{Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			compare(t, r, enc)
		})
	}
	for _, name := range sortedNames(rotaryFixtures) {
		t.Run(name, func(t *testing.T) {
			layers := rotaryFixtures[name]
			r := loadReference(t, name)
			res := convertFixture(t, name, convert.Options{Graph: convert.GraphFused})
			c := opCounts(t, res.ONNX)
			if c["com.microsoft:MultiHeadAttention"] != layers || c["com.microsoft:RotaryEmbedding"] != 2*layers || c["com.microsoft:SkipLayerNormalization"] != 2*layers || c["com.microsoft:Gelu"] < layers || c[":Softmax"] != 0 || c[":Erf"] != 0 {
				t.Errorf("fused graph ops: %v", c)
			}
			enc, err := ort.Open(res.ONNX, onnx.Options{Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			compare(t, r, enc)
		})
	}
}

// TestInt8ORT checks the int8 graphs (plain and fused) against the
// transformers reference: cosine >= 0.99 per vector (token vectors or
// logits), logging min and mean; and that every linear was quantized.
func TestInt8ORT(t *testing.T) {
	requireORT(t)
	for _, form := range []string{convert.GraphPlain, convert.GraphFused} {
		for _, name := range append(sortedNames(fusedFixtures), sortedNames(rotaryFixtures)...) {
			t.Run(form+"/"+name, func(t *testing.T) {
				r := loadReference(t, name)
				res := convertFixture(t, name, convert.Options{Graph: form, Quantize: convert.QuantInt8})
				c := opCounts(t, res.ONNX)
				if c["com.microsoft:DynamicQuantizeMatMul"] == 0 || (form == convert.GraphFused && fusedFixtures[name] > 0 && c["com.microsoft:QAttention"] != fusedFixtures[name]) {
					t.Errorf("int8 graph ops: %v", c)
				}
				enc, err := ort.Open(res.ONNX, onnx.Options{Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				defer enc.Close()
				minc, mean := cosines(t, r, enc)
				t.Logf("%s %s int8: cosine to fp32 reference min %.5f mean %.5f", form, name, minc, mean)
				if !(minc >= 0.99) {
					t.Errorf("min cosine %.5f < 0.99", minc)
				}
			})
		}
	}
}

// cosines runs the padded reference batch and returns the min and mean
// cosine between the encoder's vectors (each token's hidden state, the
// logits, or for a one-label head the vector of the items' logits) and
// the reference's.
func cosines(t *testing.T, r *reference, enc onnx.Encoder) (float64, float64) {
	t.Helper()
	withTypes := false
	for _, in := range enc.Inputs() {
		withTypes = withTypes || in == onnx.TokenTypeIDs
	}
	b := r.batch(withTypes)
	out, err := enc.Run(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	minc, sum, n := 1.0, 0.0, 0
	cos := func(got []float32, want []float64) {
		var dot, ng, nw float64
		for j := range got {
			dot += float64(got[j]) * want[j]
			ng += float64(got[j]) * float64(got[j])
			nw += want[j] * want[j]
		}
		c := dot / math.Sqrt(ng*nw)
		if math.IsNaN(c) {
			c = -1
		}
		minc = min(minc, c)
		sum += c
		n++
	}
	if len(out.Shape) == 2 && out.Shape[1] == 1 {
		// One logit per item: the cosine of a single number is its sign,
		// so the vector is the items' scores (what a reranker orders by).
		var want []float64
		for _, it := range r.Items {
			want = append(want, it.Logits...)
		}
		cos(out.Data, want)
		return minc, sum / float64(n)
	}
	for i, it := range r.Items {
		if it.Logits != nil {
			l := out.Shape[1]
			cos(out.Data[i*l:(i+1)*l], it.Logits)
			continue
		}
		h := out.Shape[2]
		for j := range it.InputIDs {
			k := i*b.SeqLen + j
			cos(out.Data[k*h:(k+1)*h], it.LastHiddenState[j*h:(j+1)*h])
		}
	}
	return minc, sum / float64(n)
}

func sortedNames(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestFormOptions(t *testing.T) {
	keys := map[string]bool{}
	for _, o := range []convert.Options{{}, {Graph: convert.GraphFused}, {Quantize: convert.QuantInt8}, {Graph: convert.GraphFused, Quantize: convert.QuantInt8}, {CopyWeights: true, Quantize: convert.QuantInt8}, {Quantize: convert.QuantInt4}, {Graph: convert.GraphFused, Quantize: convert.QuantInt4}, {Quantize: convert.QuantInt8Block}} {
		if keys[o.Key()] {
			t.Errorf("options %+v share key %q with another form", o, o.Key())
		}
		keys[o.Key()] = true
	}
	if (convert.Options{Graph: convert.GraphPlain, Quantize: convert.QuantNone}).Key() != (convert.Options{}).Key() {
		t.Error("explicit plain/none must key like the default")
	}
	for _, o := range []convert.Options{{Graph: "fast"}, {Quantize: "int3"}} {
		_, err := convert.Convert(context.Background(), filepath.Join("testdata", "bert"), t.TempDir(), o)
		if err == nil || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("options %+v: error %v, want not supported", o, err)
		}
	}
}

// TestFusedNeedsORT: the pure-Go backend refuses fused, int8 and int4 graphs at
// Open, naming ONNX Runtime, instead of failing at the first run.
func TestFusedNeedsORT(t *testing.T) {
	for _, o := range []convert.Options{{Graph: convert.GraphFused}, {Quantize: convert.QuantInt8}, {Quantize: convert.QuantInt4}, {Quantize: convert.QuantInt8Block}} {
		res := convertFixture(t, "bert", o)
		if !o.RequiresORT() {
			t.Errorf("%+v: RequiresORT false", o)
		}
		enc, err := gobackend.Open(res.ONNX, onnx.Options{})
		if err == nil {
			enc.Close()
			t.Fatalf("%+v: gobackend opened a graph with contrib operators", o)
		}
		if !strings.Contains(err.Error(), "com.microsoft") || !strings.Contains(err.Error(), "ONNX Runtime") {
			t.Errorf("%+v: error %v does not name the domain and ONNX Runtime", o, err)
		}
	}
	if (convert.Options{}).RequiresORT() {
		t.Error("plain fp32 must not require ORT")
	}
}

// llamaFixtures are the Llama fixtures (2 layers each): "llama" (4
// query heads over 2 key/value heads, head_dim 16) and "llama-mqa" (4
// query heads over 1, head_dim 8, biased projections).
var llamaFixtures = map[string]int{"llama": 2, "llama-mqa": 2}

// TestLlamaFormsORT checks the fused and int8 forms of the Llama
// fixtures: the fused graph has per layer one GroupQueryAttention fed by
// one packed QKV linear, a Split and two RotaryEmbedding,
// SimplifiedLayerNormalization for the first RMSNorm and
// SkipSimplifiedLayerNormalization for the others (no Softmax or Sqrt
// left), and matches the transformers reference at the full-precision
// tolerance on the right-padded batch of inputs of lengths 3, 11 and 30;
// int8 (on the plain and on the fused graph) quantizes every linear, the
// packed QKV included (cosine >= 0.99 per token vector).
func TestLlamaFormsORT(t *testing.T) {
	requireORT(t)
	for _, name := range sortedNames(llamaFixtures) {
		layers := llamaFixtures[name]
		r := loadReference(t, name)
		// Linears per layer: q, k, v (packed into one when fused), o,
		// gate, up, down.
		linears := 5 * layers
		t.Run(name+"/fused", func(t *testing.T) {
			res := convertFixture(t, name, convert.Options{Graph: convert.GraphFused})
			c := opCounts(t, res.ONNX)
			if c["com.microsoft:GroupQueryAttention"] != layers || c[":SimplifiedLayerNormalization"] != 1 ||
				c["com.microsoft:SkipSimplifiedLayerNormalization"] != 2*layers || c["com.microsoft:RotaryEmbedding"] != 2*layers ||
				c[":Split"] != layers || c[":MatMul"] != linears || c[":Softmax"] != 0 || c[":Sqrt"] != 0 {
				t.Errorf("fused llama graph ops: %v", c)
			}
			enc, err := ort.Open(res.ONNX, onnx.Options{Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer enc.Close()
			compare(t, r, enc)
		})
		for _, form := range []string{convert.GraphPlain, convert.GraphFused} {
			t.Run(name+"/"+form+"-int8", func(t *testing.T) {
				res := convertFixture(t, name, convert.Options{Graph: form, Quantize: convert.QuantInt8})
				// What stays MatMul: the attention products of the plain graph.
				want, products := 7*layers, 2*layers
				if form == convert.GraphFused {
					want, products = linears, 0
				}
				if c := opCounts(t, res.ONNX); c["com.microsoft:DynamicQuantizeMatMul"] != want || c[":MatMul"] != products {
					t.Errorf("int8 graph ops: %v (want %d DynamicQuantizeMatMul)", c, want)
				}
				enc, err := ort.Open(res.ONNX, onnx.Options{Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				defer enc.Close()
				minc, mean := cosines(t, r, enc)
				t.Logf("llama %s int8: cosine to fp32 reference min %.5f mean %.5f", form, minc, mean)
				if !(minc >= 0.99) {
					t.Errorf("min cosine %.5f < 0.99", minc)
				}
			})
		}
	}
}

// TestModernBertMLPUnsplit checks that ModernBertMLP's Wi is written as two
// linears over its halves (rows [0, I) and [I, 2I)), with no copy of a
// [B, S, 2I] output taken apart, that the int8 form quantizes both halves
// (7 linears per layer: Wqkv as q, k and v, Wo, the two Wi halves,
// mlp.Wo), and that the
// graph still matches transformers (the parity tests run the same fixture).
func TestModernBertMLPUnsplit(t *testing.T) {
	const layers, inter = 4, 48
	cfg, err := os.ReadFile(filepath.Join("testdata", "modernbert", "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cfg), `"num_hidden_layers": 4`) || !strings.Contains(string(cfg), `"intermediate_size": 48`) {
		t.Fatalf("modernbert fixture is not 4 layers x intermediate 48: %s", cfg)
	}
	res := convertFixture(t, "modernbert", convert.Options{})
	raw, err := os.ReadFile(res.ONNX)
	if err != nil {
		t.Fatal(err)
	}
	var m pb.ModelProto
	if err := proto.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	inits := map[string][]int64{}
	for _, in := range m.Graph.Initializer {
		inits[strings.TrimPrefix(in.Name, "model.")] = in.Dims
	}
	for i := range layers {
		w := "layers." + strconv.Itoa(i) + ".mlp.Wi.weight"
		if _, ok := inits[w]; ok {
			t.Errorf("%s is in the graph whole", w)
		}
		for _, r := range []string{"[0:48]", "[48:96]"} {
			if d := inits[w+r]; len(d) != 2 || d[0] != inter {
				t.Errorf("initializer %s%s: dims %v, want [%d, hidden]", w, r, d, inter)
			}
		}
	}
	if !t.Failed() && len(inits) == 0 {
		t.Fatal("no initializers")
	}
	q := convertFixture(t, "modernbert", convert.Options{Quantize: convert.QuantInt8})
	if n := opCounts(t, q.ONNX)["com.microsoft:DynamicQuantizeMatMul"]; n != 7*layers {
		t.Errorf("int8 graph has %d DynamicQuantizeMatMul, want %d (7 linears x %d layers)", n, 7*layers, layers)
	}
}
