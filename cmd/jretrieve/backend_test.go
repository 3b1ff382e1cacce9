package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/onnx/onnxtest"
)

// --backend takes auto, ort or go only, checked before anything runs, also
// when only BM25 would run (no encoder is ever opened then).
func TestBackendRejected(t *testing.T) {
	dir := t.TempDir()
	const want = `unknown --backend "bogus" (want auto, ort, go)`
	for _, args := range [][]string{
		{"eval", "-q", "--model", "bm25", "--backend", "bogus", "--out", filepath.Join(dir, "out"), "--cache", ""},
		{"eval", "-q", "--backend", "bogus", "--out", filepath.Join(dir, "out"), "--cache", ""},
		{"index", "--backend", "bogus", "--out", filepath.Join(dir, "idx"), dir},
		{"search", "--index", filepath.Join(dir, "idx"), "--backend", "bogus", "質問"},
		{"embed", "--model", onnxtest.Dir("bert-tiny"), "--backend", "bogus", "text"},
	} {
		_, stderr, code := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", args, code, stderr, want)
		}
	}
}

func TestLimitNegative(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"eval", "-q", "--limit", "-1", "--out", filepath.Join(dir, "out"), "--cache", ""},
		{"dataset", "--limit", "-1", "sample"},
	} {
		_, stderr, code := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, "--limit -1") {
			t.Errorf("%v: exit %d, stderr %q; want a usage error naming --limit -1", args, code, stderr)
		}
	}
}

// The fallback to the pure-Go backend is a note, not an error, and says how
// much slower it is and how to get ONNX Runtime; BM25-only runs say nothing.
func TestBackendFallbackNotice(t *testing.T) {
	t.Setenv("JRETRIEVE_CACHE", t.TempDir()) // no ORT library in the cache
	t.Setenv("JRETRIEVE_ORT_LIB", "")
	_, stderr, code := runCLI(t, "embed", "--model", onnxtest.Dir("bert-tiny"), "hello world")
	if code != 0 {
		t.Fatalf("embed: exit %d: %s", code, stderr)
	}
	first, _, _ := strings.Cut(stderr, "\n")
	if !strings.HasPrefix(first, "jretrieve embed: note: ") || !strings.Contains(first, "pure-Go backend, about 17x slower end to end") ||
		strings.Contains(strings.ToLower(stderr), "error") || strings.Contains(stderr, "ort:") || !strings.Contains(stderr, "install-onnxruntime.sh") {
		t.Errorf("fallback notice %q", stderr)
	}
	_, stderr, code = runCLI(t, "eval", "-q", "--model", "bm25", "--limit", "2", "--no-plots", "--out", filepath.Join(t.TempDir(), "out"), "--cache", "")
	if code != 0 || strings.Contains(stderr, "note:") {
		t.Errorf("bm25 only: exit %d, stderr %q", code, stderr)
	}
}

// Every --backend flag's help states the pure-Go backend's slowdown.
func TestBackendHelp(t *testing.T) {
	for _, n := range []string{"eval", "index", "search", "embed"} {
		_, stderr, _ := runCLI(t, n, "-h")
		i := strings.Index(stderr, "-backend")
		if i < 0 {
			t.Errorf("%s -h: no --backend flag", n)
			continue
		}
		if help := stderr[i:min(len(stderr), i+300)]; !strings.Contains(help, "about 17x slower end to end than ort") {
			t.Errorf("%s -h: --backend help %q does not state the slowdown", n, help)
		}
	}
}
