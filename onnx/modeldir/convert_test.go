package modeldir

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// convertFixture copies onnx/convert/testdata/name (config.json +
// safetensors, no ONNX) into a temporary directory with a tokenizer file.
func convertFixture(t *testing.T, name string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "convert", "testdata", name)
	dir := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "1_Pooling"), 0o755); err != nil {
		t.Fatal(err)
	}
	for p, c := range map[string]string{"vocab.txt": "[PAD]\n[UNK]\n[CLS]\n[SEP]\n", "1_Pooling/config.json": `{"pooling_mode_mean_tokens": true}`} {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestResolveConvertsOnce(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("JRETRIEVE_CACHE", cache)
	ctx := context.Background()
	dir := convertFixture(t, "bert")
	src, err := Resolve(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(src.Dir, filepath.Join(cache, "converted")+string(filepath.Separator)) {
		t.Fatalf("converted into %s, want under %s/converted", src.Dir, cache)
	}
	cfg, err := Read(src.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.CheckONNX(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"config.json", "vocab.txt", "1_Pooling/config.json", "model.safetensors"} {
		if _, err := os.Stat(filepath.Join(src.Dir, f)); err != nil {
			t.Errorf("converted directory lacks %s: %v", f, err)
		}
	}
	st1, _ := os.Stat(cfg.ONNX)
	time.Sleep(10 * time.Millisecond)
	// Second use: the same directory, not converted again.
	src2, err := Resolve(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := os.Stat(filepath.Join(src2.Dir, "model.onnx"))
	if err != nil || src2.Dir != src.Dir || !os.SameFile(st1, st2) || !st1.ModTime().Equal(st2.ModTime()) {
		t.Errorf("second Resolve: %s (%v), want the cached %s untouched", src2.Dir, err, src.Dir)
	}
	// A changed checkpoint is converted again (the key follows the files).
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "model.safetensors"), future, future); err != nil {
		t.Fatal(err)
	}
	src3, err := Resolve(ctx, dir, nil)
	if err != nil || src3.Dir == src.Dir {
		t.Errorf("changed checkpoint: %s (%v), want a new conversion", src3.Dir, err)
	}
	// An ONNX file in the directory keeps priority: no conversion.
	if err := os.WriteFile(filepath.Join(dir, "model.onnx"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if src4, err := Resolve(ctx, dir, nil); err != nil || src4.Dir != dir {
		t.Errorf("directory with model.onnx: %s (%v), want it as is", src4.Dir, err)
	}
}

func TestResolveConvertError(t *testing.T) {
	t.Setenv("JRETRIEVE_CACHE", t.TempDir())
	dir := convertFixture(t, "bert")
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"model_type": "bert", "architectures": ["BertForTokenClassification"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Resolve(context.Background(), dir, nil)
	if err == nil || !strings.Contains(err.Error(), "BertForTokenClassification is not supported") {
		t.Fatalf("err = %v", err)
	}
	// Nothing half-written is left in the cache.
	ents, _ := os.ReadDir(filepath.Join(os.Getenv("JRETRIEVE_CACHE"), "converted"))
	if len(ents) != 0 {
		t.Errorf("cache holds %d entries after a failed conversion", len(ents))
	}
}
