package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The progress lines of a rerun whose embeddings all come from the cache
// say so and show no rate (cache hits are not work per second; the first
// run showed ~10^6 texts/s).
func TestEvalProgressCachedEmbeddings(t *testing.T) {
	model, err := filepath.Abs(filepath.Join(pkgDir, "..", "..", "testdata", "models", "bert-tiny"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	args := []string{"eval", "--limit", "5", "--no-plots", "--model", model, "--cache", filepath.Join(dir, "cache")}
	_, first, code := runCLI(t, append(args, "--out", filepath.Join(dir, "a"))...)
	if code != 0 {
		t.Fatalf("first run: exit %d: %s", code, first)
	}
	_, second, code := runCLI(t, append(args, "--out", filepath.Join(dir, "b"))...)
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, second)
	}
	lines := 0
	for _, l := range strings.Split(second, "\n") {
		if !strings.Contains(l, " embedding ") {
			continue
		}
		lines++
		m := regexp.MustCompile(`: (\d+) in [0-9.]+s \((\d+) from the cache\)$`).FindStringSubmatch(l)
		if m == nil || m[1] != m[2] {
			t.Errorf("cached embedding line %q: want every text reported from the cache and no rate", l)
		}
	}
	if lines != 2 {
		t.Errorf("second run: %d embedding lines, want 2 (queries, documents):\n%s", lines, second)
	}
	if strings.Contains(first, "from the cache") {
		t.Errorf("first run (empty cache) reports cache hits:\n%s", first)
	}
}
