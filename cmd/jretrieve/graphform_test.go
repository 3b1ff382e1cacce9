package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/onnx/ort"
)

// A converted model in a non-default form is named so in the report (never
// as the plain fp32 model), and its conversion is keyed apart.
func TestEvalQuantizedRunName(t *testing.T) {
	if err := ort.Init(""); err != nil {
		if os.Getenv("JRETRIEVE_REQUIRE_NATIVE") == "1" {
			t.Fatal(err)
		}
		t.Skipf("ONNX Runtime not installed: %v", err)
	}
	lib, err := ort.FindLibrary("")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(ort.EnvLibrary, lib)
	model, _ := filepath.Abs(filepath.Join("..", "..", "onnx", "convert", "testdata", "st-modernbert"))
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("JRETRIEVE_CACHE", filepath.Join(dir, "cache"))
	for _, q := range []string{"int8", "int4", "int8-block"} {
		out, stderr, code := runCLI(t, "eval", "-q", "--no-plots", "--cache", "", "--limit", "2", "--model", model, "--quantize", q)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", q, code, stderr)
		}
		if !strings.Contains(out, model+" [plain,"+q+"]") {
			t.Errorf("report does not name the %s run:\n%s", q, out)
		}
		conv, err := filepath.Glob(filepath.Join(dir, "cache", "converted", "*-ref-"+q))
		if err != nil || len(conv) != 1 {
			t.Errorf("%s conversion not keyed apart: %v %v", q, conv, err)
		}
	}
}

func TestFormFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"embed", "--backend", "go", "--graph", "fused", "--model", "x", "text"},
		{"embed", "--quantize", "int3", "--model", "x", "text"},
		{"embed", "--backend", "go", "--quantize", "int4", "--model", "x", "text"},
		{"convert", "--graph", "fast", "x"},
		{"convert", "--quantize", "int8", "a.trec", "b.trec"},
	} {
		_, stderr, code := runCLI(t, args...)
		if code == 0 || !strings.Contains(stderr, "usage") {
			t.Errorf("%q: exit %d, stderr %q (want a usage error)", args, code, stderr)
		}
	}
}
