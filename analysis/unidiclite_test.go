package analysis

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// refLine is one corpus line with fugashi + unidic-lite's analysis of it
// (scripts/reference/segmentation.py).
type refLine struct {
	Part string
	Text string
	// Words are the surfaces; POS (levels 1-4 joined by ",") and Unk
	// (indices of unknown words) are set for the sample and adversarial
	// parts only.
	Words []string
	POS   []string
	Unk   []int
}

// readJSONLGz decodes every line of a gzip'd JSON Lines file into a new T.
func readJSONLGz[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []T
	sc := bufio.NewScanner(z)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	for n := 1; sc.Scan(); n++ {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// LoadUniDicLiteReference reads a corpus and its fugashi + unidic-lite
// analysis (files written by scripts/reference/segmentation.py).
func loadUniDicLiteReference(t *testing.T, corpus, words string) []refLine {
	t.Helper()
	type textRow struct{ Part, Text string }
	type wordRow struct {
		W []string
		P []string
		U []int
	}
	texts := readJSONLGz[textRow](t, corpus)
	ws := readJSONLGz[wordRow](t, words)
	if len(texts) != len(ws) {
		t.Fatalf("%s has %d lines, %s %d", corpus, len(texts), words, len(ws))
	}
	out := make([]refLine, len(texts))
	for i := range texts {
		out[i] = refLine{Part: texts[i].Part, Text: texts[i].Text, Words: ws[i].W, POS: ws[i].P, Unk: ws[i].U}
	}
	return out
}

// compareUniDicLite analyses every line with Dict Uni and counts the lines
// whose words (and, where the reference has them, parts of speech and
// unknown-word flags) are identical to fugashi + unidic-lite's.
func compareUniDicLite(t *testing.T, lines []refLine) (same int, diffs []string) {
	t.Helper()
	a := mustNew(t, Options{Dict: Uni})
	for i, l := range lines {
		toks, err := a.Analyze(l.Text)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		words := make([]string, len(toks))
		pos := make([]string, len(toks))
		var unk []int
		for j, tk := range toks {
			words[j] = tk.Surface
			p := append([]string(nil), tk.POS...)
			for len(p) < 4 {
				p = append(p, "*")
			}
			pos[j] = strings.Join(p[:4], ",")
			if !tk.Known {
				unk = append(unk, j)
			}
		}
		ok := slices.Equal(words, l.Words)
		if ok && l.POS != nil {
			ok = slices.Equal(pos, l.POS) && slices.Equal(unk, l.Unk) || len(unk) == 0 && len(l.Unk) == 0 && slices.Equal(pos, l.POS)
		}
		if ok {
			same++
			continue
		}
		d := fmt.Sprintf("%s line %d %q:\n  fugashi: %q %q unk %v\n  ours:    %q %q unk %v", l.Part, i+1, l.Text, l.Words, l.POS, l.Unk, words, pos, unk)
		if l.POS == nil {
			d = fmt.Sprintf("%s line %d %q:\n  fugashi: %q\n  ours:    %q", l.Part, i+1, l.Text, l.Words, words)
		}
		diffs = append(diffs, d)
	}
	return same, diffs
}

// TestUniDicLiteReference: Dict Uni segments exactly as fugashi +
// unidic-lite 1.0.8 (MeCab 0.996 inside fugashi 1.5.2) on manpages-ja
// prose, the embedded sample and adversarial strings: every word, and for
// the sample and adversarial lines every part of speech and unknown-word
// flag.
func TestUniDicLiteReference(t *testing.T) {
	lines := loadUniDicLiteReference(t, filepath.Join("testdata", "jacorpus.jsonl.gz"), filepath.Join("testdata", "unidiclite_words.jsonl.gz"))
	same, diffs := compareUniDicLite(t, lines)
	t.Logf("fugashi + unidic-lite reference: %d of %d lines identical", same, len(lines))
	for i, d := range diffs {
		if i == 40 {
			t.Logf("... %d more", len(diffs)-40)
			break
		}
		t.Error(d)
	}
	if dir := os.Getenv("JRETRIEVE_SEGREF_FULL"); dir != "" {
		full := loadUniDicLiteReference(t, filepath.Join(dir, "jacorpus-full.jsonl.gz"), filepath.Join(dir, "unidiclite_words-full.jsonl.gz"))
		same, diffs := compareUniDicLite(t, full)
		t.Logf("full manpages-ja corpus (%s): %d of %d lines identical (%.4f%%)", dir, same, len(full), 100*float64(same)/float64(len(full)))
		for i, d := range diffs {
			if i == 40 {
				break
			}
			t.Error(d)
		}
	}
}
