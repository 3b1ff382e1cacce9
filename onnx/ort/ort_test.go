package ort

import (
	"errors"
	"os"
	"testing"

	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

// requireORT skips the test when the native library is absent, unless
// JRETRIEVE_REQUIRE_NATIVE=1.
func requireORT(t testing.TB) {
	t.Helper()
	if err := Init(""); err != nil {
		if errors.Is(err, ErrNoLibrary) && os.Getenv("JRETRIEVE_REQUIRE_NATIVE") != "1" {
			t.Skipf("ONNX Runtime not installed (run scripts/install-onnxruntime.sh): %v", err)
		}
		t.Fatal(err)
	}
}

func TestParityWithTorch(t *testing.T) {
	requireORT(t)
	onnxtest.CheckEncoder(t, func(p string) (onnx.Encoder, error) { return Open(p, onnx.Options{Threads: 1}) }, nil)
}

func TestFindLibrary(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JRETRIEVE_CACHE", dir)
	t.Setenv(EnvLibrary, "")
	if _, err := FindLibrary(""); !errors.Is(err, ErrNoLibrary) {
		t.Fatalf("empty cache: err = %v, want ErrNoLibrary", err)
	}
	lib := dir + "/onnxruntime/" + Version + "/libonnxruntime.so"
	if err := os.MkdirAll(dir+"/onnxruntime/"+Version, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lib, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := FindLibrary(""); err != nil || got != lib {
		t.Fatalf("cache: got %q, %v; want %q", got, err, lib)
	}
	// An explicit path that does not exist must not fall back to the cache.
	t.Setenv(EnvLibrary, dir+"/missing.so")
	if _, err := FindLibrary(""); !errors.Is(err, ErrNoLibrary) {
		t.Fatalf("missing env library: err = %v, want ErrNoLibrary", err)
	}
	if got, err := FindLibrary(lib); err != nil || got != lib {
		t.Fatalf("option wins over env: got %q, %v", got, err)
	}
}
