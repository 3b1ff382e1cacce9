package jretrieve_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestReferenceManifest checks scripts/reference/manifest.tsv: every reference
// output the Go tests compare against is listed with the generator that wrote
// it and its sha256, and the committed file still has that hash.
func TestReferenceManifest(t *testing.T) {
	f, err := os.Open(filepath.Join("scripts", "reference", "manifest.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var paths []string
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Errorf("manifest.tsv:%d: want path<TAB>generator<TAB>sha256, got %d fields", n, len(cols))
			continue
		}
		path, gen, sum := cols[0], cols[1], cols[2]
		if prev, dup := seen[path]; dup {
			t.Errorf("manifest.tsv:%d: %s already listed on line %d", n, path, prev)
		}
		seen[path] = n
		paths = append(paths, path)
		if _, err := os.Stat(filepath.Join("scripts", "reference", gen)); err != nil {
			t.Errorf("manifest.tsv:%d: generator of %s: %v", n, path, err)
		}
		b, err := os.ReadFile(filepath.FromSlash(path))
		if err != nil {
			t.Errorf("manifest.tsv:%d: %v", n, err)
			continue
		}
		h := sha256.Sum256(b)
		if got := hex.EncodeToString(h[:]); got != sum {
			t.Errorf("manifest.tsv:%d: %s has sha256 %s, manifest says %s (regenerate with scripts/reference/%s, or update the manifest)", n, path, got, sum, gen)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !sort.StringsAreSorted(paths) {
		t.Errorf("manifest.tsv is not sorted by path")
	}
}
