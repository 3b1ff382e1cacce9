package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readTimings parses timings.tsv into one map per run, keyed by column.
func readTimings(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	head := strings.Split(lines[0], "\t")
	out := map[string]map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		if len(f) != len(head) {
			t.Fatalf("%s: %q has %d fields, header %d", path, l, len(f), len(head))
		}
		row := map[string]string{}
		for i, h := range head {
			row[h] = f[i]
		}
		out[f[0]] = row
	}
	return out
}

// timings.tsv says when embeddings came from the cache and then reports no
// throughput (instead of one inflated by cache hits); a fusion counts its
// candidates once and is slower than each of its inputs.
func TestEvalTimings(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	model := filepath.Join(pkgDir, "..", "..", "testdata", "models", "bert-tiny")
	run := func(out string) (map[string]map[string]string, string) {
		_, stderr, code := runCLI(t, "eval", "--limit", "3", "--backend", "go", "--no-plots", "--cache", cache, "--out", filepath.Join(dir, out),
			"--model", "bm25", "--model", "bm25-ipa", "--model", "combmnz(bm25,bm25-ipa)", "--model", model)
		if code != 0 {
			t.Fatalf("eval: exit %d: %s", code, stderr)
		}
		return readTimings(t, filepath.Join(dir, out, "timings.tsv")), stderr
	}
	first, _ := run("out1")
	m := first[model]
	if m == nil {
		t.Fatalf("no row for %s: %v", model, first)
	}
	if m["run_cached"] != "false" || m["embedding_cache_fraction"] != "0.000" || m["docs_per_second"] == "" || m["embedded_texts"] == "0" {
		t.Errorf("uncached embedder row %v", m)
	}
	// The embedder's batches pad (the sample's texts differ in length, and
	// batches are sorted by characters, not tokens); BM25 runs no encoder.
	if w, err := strconv.ParseFloat(m["padding_waste"], 64); err != nil || !(w > 0 && w < 0.5) {
		t.Errorf("embedder padding_waste %q: want a fraction in (0, 0.5)", m["padding_waste"])
	}
	if w := first["bm25"]["padding_waste"]; w != "" {
		t.Errorf("bm25 padding_waste %q, want empty (no encoder)", w)
	}
	rate := func(row map[string]string) float64 {
		v, err := strconv.ParseFloat(row["docs_per_second"], 64)
		if err != nil {
			t.Fatalf("docs_per_second of %v: %v", row, err)
		}
		return v
	}
	fu, a, b := first["combmnz(bm25,bm25-ipa)"], first["bm25"], first["bm25-ipa"]
	if fu["pairs"] != a["pairs"] || fu["pairs"] != b["pairs"] {
		t.Errorf("fusion counts %s pairs, inputs %s and %s", fu["pairs"], a["pairs"], b["pairs"])
	}
	if rate(fu) >= rate(a) || rate(fu) >= rate(b) {
		t.Errorf("fusion %v docs/s, faster than an input (%v, %v)", rate(fu), rate(a), rate(b))
	}

	// Same embedding cache, new output directory: every embedding is a
	// cache hit, so no model work was timed.
	second, stderr := run("out2")
	m = second[model]
	if m["run_cached"] != "false" || m["embedding_cache_fraction"] != "1.000" || m["docs_per_second"] != "" || m["padding_waste"] != "" {
		t.Errorf("embedding-cached row %v; want fraction 1.000 and no throughput", m)
	}
	if !strings.Contains(stderr, "note: no uncached model work was timed for "+model) {
		t.Errorf("no note about the unknown throughput: %s", stderr)
	}
}
