package convert_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/convert"
	"github.com/jretrieve/jretrieve/onnx/gobackend"
)

// variant copies fixture name into a temporary directory with config.json
// edited by edit.
func variant(t *testing.T, name string, edit func(map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("testdata", name)
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "config.json" {
			var c map[string]any
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatal(err)
			}
			edit(c)
			if b, err = json.Marshal(c); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestUnsupportedIsAnError(t *testing.T) {
	cases := []struct {
		fixture string
		edit    func(map[string]any)
		want    string
	}{
		{"bert", func(c map[string]any) { c["architectures"] = []any{"GPT2Model"}; c["model_type"] = "gpt2" }, "architecture GPT2Model is not supported"},
		{"bert", func(c map[string]any) { delete(c, "architectures"); c["model_type"] = "gpt2" }, `model_type "gpt2" is not supported`},
		{"bert", func(c map[string]any) { c["position_embedding_type"] = "relative_key" }, "position_embedding_type = relative_key is not supported"},
		{"bert", func(c map[string]any) { c["hidden_act"] = "quick_gelu" }, `hidden_act = "quick_gelu": activation not supported`},
		{"bert", func(c map[string]any) { c["is_decoder"] = true }, "is_decoder = true is not supported"},
		{"bert", func(c map[string]any) { c["hidden_size"] = 48.0 }, "tensor embeddings.word_embeddings.weight has shape [160 32], the config implies [160 48]"},
		{"bert", func(c map[string]any) { c["num_hidden_layers"] = 3.0 }, "checkpoint has no tensor encoder.layer.2."},
		{"bert", func(c map[string]any) { delete(c, "hidden_size") }, "field hidden_size is missing"},
		{"bert", func(c map[string]any) { c["num_hidden_layers"] = 1.0 }, "checkpoint tensor encoder.layer.1.attention.output.LayerNorm.bias is not used"},
		{"modernbert", func(c map[string]any) { c["num_hidden_layers"] = 3.0 }, "checkpoint tensor layers.3."},
		{"bert-cls", func(c map[string]any) { c["architectures"] = []any{"BertForTokenClassification"} }, "architecture BertForTokenClassification is not supported"},
		{"modernbert", func(c map[string]any) {
			c["rope_parameters"] = map[string]any{"full_attention": map[string]any{"rope_type": "yarn", "rope_theta": 160000.0}}
		}, "rope_parameters.full_attention.rope_type = yarn is not supported"},
		{"modernbert", func(c map[string]any) { c["rope_scaling"] = map[string]any{"type": "linear"} }, "rope_scaling = map[type:linear] is not supported"},
		{"modernbert", func(c map[string]any) { c["classifier_pooling"] = "max" }, "classifier_pooling = max is not supported"},
		{"llama", func(c map[string]any) {
			c["rope_scaling"] = map[string]any{"rope_type": "llama3", "factor": 8.0}
		}, "rope_scaling = map[factor:8 rope_type:llama3] is not supported"},
		{"llama", func(c map[string]any) {
			c["rope_parameters"] = map[string]any{"rope_type": "yarn", "rope_theta": 10000.0}
		}, "rope_parameters.rope_type = yarn is not supported"},
		{"llama", func(c map[string]any) { c["sliding_window"] = 16.0 }, "sliding_window = 16 is not supported"},
		{"llama", func(c map[string]any) { c["pretraining_tp"] = 2.0 }, "pretraining_tp = 2 is not supported"},
		{"llama", func(c map[string]any) { c["num_key_value_heads"] = 3.0 }, "num_attention_heads 4 is not a multiple of num_key_value_heads 3"},
		{"llama", func(c map[string]any) { c["attention_bias"] = true }, "checkpoint has no tensor layers.0.self_attn.q_proj.bias"},
		{"llama", func(c map[string]any) { c["mlp_bias"] = true }, "checkpoint has no tensor layers.0.mlp.gate_proj.bias"},
		{"llama", func(c map[string]any) { delete(c, "head_dim") }, "tensor layers.0.self_attn.q_proj.weight has shape [64 32], the config implies [32 32]"},
		{"llama", func(c map[string]any) { c["num_hidden_layers"] = 1.0 }, "checkpoint tensor layers.1."},
		{"llama", func(c map[string]any) { c["hidden_act"] = "gelu_fast" }, `hidden_act = "gelu_fast": activation not supported`},
	}
	for _, tc := range cases {
		dir := variant(t, tc.fixture, tc.edit)
		_, err := convert.Convert(context.Background(), dir, t.TempDir(), convert.Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.fixture, err, tc.want)
		}
	}
}

func TestNoCheckpoint(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"model_type":"bert","architectures":["BertModel"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := convert.Convert(context.Background(), dir, t.TempDir(), convert.Options{}); err == nil || !strings.Contains(err.Error(), "no model.safetensors") {
		t.Fatalf("err = %v", err)
	}
}

// TestWeightPlacement checks where the weights go: fp32 safetensors are
// referenced in place (hard link, no copy), fp16 is converted beside the
// graph, CopyWeights copies everything, and all three still match.
func TestWeightPlacement(t *testing.T) {
	ctx := context.Background()
	out := t.TempDir()
	res, err := convert.Convert(ctx, filepath.Join("testdata", "bert"), out, convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Data != "" || len(res.Linked) != 1 || filepath.Base(res.Linked[0]) != "model.safetensors" {
		t.Errorf("fp32: data %q, linked %v; want no data file and model.safetensors linked", res.Data, res.Linked)
	}
	src, _ := os.Stat(filepath.Join("testdata", "bert", "model.safetensors"))
	dst, err := os.Stat(filepath.Join(out, "model.safetensors"))
	if err != nil || !os.SameFile(src, dst) {
		t.Errorf("model.safetensors is not a hard link of the checkpoint (%v)", err)
	}
	if st, _ := os.Stat(res.ONNX); st.Size() > 32<<10 {
		t.Errorf("graph is %d bytes: weights were copied into it", st.Size())
	}

	res16, err := convert.Convert(ctx, filepath.Join("testdata", "bert-cls"), t.TempDir(), convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res16.Data == "" || len(res16.Linked) != 0 {
		t.Errorf("fp16: data %q, linked %v; want a data file and no link", res16.Data, res16.Linked)
	}

	resCopy, err := convert.Convert(ctx, filepath.Join("testdata", "bert"), t.TempDir(), convert.Options{CopyWeights: true})
	if err != nil {
		t.Fatal(err)
	}
	if resCopy.Data == "" || len(resCopy.Linked) != 0 {
		t.Errorf("CopyWeights: data %q, linked %v", resCopy.Data, resCopy.Linked)
	}
	enc, err := gobackend.Open(resCopy.ONNX, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	compare(t, loadReference(t, "bert"), enc)
}

// TestDeterministic converts twice and compares the bytes.
func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	var prev []byte
	for range 2 {
		res, err := convert.Convert(ctx, filepath.Join("testdata", "modernbert-cls"), t.TempDir(), convert.Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(res.ONNX)
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil && string(prev) != string(b) {
			t.Fatal("two conversions wrote different graphs")
		}
		prev = b
	}
}

// TestPickleRestricted: a pytorch_model.bin whose pickle names any class
// other than tensors and OrderedDict is rejected, naming the class.
func TestPickleRestricted(t *testing.T) {
	dir := variant(t, "bert", func(map[string]any) {})
	if err := os.Remove(filepath.Join(dir, "model.safetensors")); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "pytorch_model.bin"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("archive/data.pkl")
	if err != nil {
		t.Fatal(err)
	}
	// protocol 2: GLOBAL os.system, STOP.
	if _, err := w.Write([]byte("\x80\x02cos\nsystem\nq\x00.")); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = convert.Convert(context.Background(), dir, t.TempDir(), convert.Options{})
	if err == nil || !strings.Contains(err.Error(), "class os.system is not allowed") {
		t.Fatalf("err = %v", err)
	}
}

// TestPytorchBin: the fp16 pytorch_model.bin fixture converts into the
// data file (nothing to reference in place).
func TestPytorchBin(t *testing.T) {
	res, err := convert.Convert(context.Background(), filepath.Join("testdata", "distilbert-cls"), t.TempDir(), convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Data == "" || len(res.Linked) != 0 {
		t.Errorf("data %q, linked %v", res.Data, res.Linked)
	}
}

// TestLlamaRopeParameters checks the transformers 5 form of the rope
// config: rope_parameters' theta wins over a (here wrong) legacy
// rope_theta, and the output still matches the reference.
func TestLlamaRopeParameters(t *testing.T) {
	dir := variant(t, "llama", func(c map[string]any) {
		c["rope_theta"] = 999.0
		c["rope_parameters"] = map[string]any{"rope_type": "default", "rope_theta": 10000.0}
	})
	res, err := convert.Convert(context.Background(), dir, t.TempDir(), convert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := gobackend.Open(res.ONNX, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	compare(t, loadReference(t, "llama"), enc)
}
