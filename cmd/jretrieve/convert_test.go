package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConvertModelCmd(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("JRETRIEVE_CACHE", cache)
	t.Setenv("HF_HUB_OFFLINE", "1")
	ckpt := filepath.Join("..", "..", "onnx", "convert", "testdata", "xlmr-cls")
	out := filepath.Join(t.TempDir(), "xlmr-onnx")
	code, stdout, e := evRun(t, "convert", ckpt, "--out", out)
	if code != 0 {
		t.Fatalf("convert --out: exit %d: %s", code, e)
	}
	if !strings.Contains(stdout, "XLMRobertaForSequenceClassification: logits -> "+filepath.Join(out, "model.onnx")) {
		t.Errorf("stdout %q", stdout)
	}
	for _, f := range []string{"model.onnx", "model.onnx.data", "config.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("--out directory lacks %s: %v", f, err)
		}
	}
	// Without --out: into the cache, path printed.
	code, stdout, e = evRun(t, "convert", ckpt)
	if code != 0 {
		t.Fatalf("convert: exit %d: %s", code, e)
	}
	got := strings.TrimSpace(stdout)
	if !strings.HasPrefix(got, filepath.Join(cache, "converted")) {
		t.Errorf("cache conversion printed %q, want a directory under %s", got, cache)
	}
	if _, err := os.Stat(filepath.Join(got, "model.onnx")); err != nil {
		t.Error(err)
	}
	// Unsupported architectures are named.
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "config.json"), []byte(`{"model_type": "gpt2", "architectures": ["GPT2Model"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "model.safetensors"), []byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, e := evRun(t, "convert", bad); code == 0 || !strings.Contains(e, "architecture GPT2Model is not supported") {
		t.Errorf("GPT-2: exit %d, %q", code, e)
	}
	if code, _, e := evRun(t, "convert", ckpt, "--to", "json"); code != 2 || !strings.Contains(e, "--to and --name apply to run conversion") {
		t.Errorf("model with --to: exit %d, %q", code, e)
	}
}
