package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/tokenizer"
)

var updateSpeedLengths = flag.Bool("update-speed-lengths", false, "rewrite speed_lengths.tsv from the shared bert-base-japanese-v3 tokenizer")

// speedLengthsTable computes speed_lengths.tsv: the token count (WordPiece
// pieces, no special tokens) of every calibration text under the
// bert-base-japanese-v3 tokenizer, queries first.
func speedLengthsTable(tok tokenizer.Tokenizer) string {
	qs, ps := speedTexts()
	var b strings.Builder
	b.WriteString("kind\ttokens\n")
	for _, q := range qs {
		fmt.Fprintf(&b, "q\t%d\n", len(tok.Tokens(q)))
	}
	for _, g := range ps {
		for _, p := range g {
			fmt.Fprintf(&b, "p\t%d\n", len(tok.Tokens(p)))
		}
	}
	return b.String()
}

// The committed table is what the generator computes (needs the shared
// tokenizer files and MeCab; skipped without them).
func TestSpeedLengthsTable(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "reference", "tokenizers", "bert-base-japanese-v3")
	if _, err := os.Stat(filepath.Join(dir, "vocab.txt")); err != nil {
		t.Skipf("shared tokenizer absent (%v): cannot regenerate speed_lengths.tsv", err)
	}
	tok, err := tokenizer.Load(dir)
	if err != nil {
		if os.Getenv("JRETRIEVE_REQUIRE_NATIVE") == "" {
			t.Skipf("tokenizer: %v", err)
		}
		t.Fatal(err)
	}
	got := speedLengthsTable(tok)
	if *updateSpeedLengths {
		if err := os.WriteFile("speed_lengths.tsv", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != speedLengthsTSV {
		t.Fatal("speed_lengths.tsv differs from the generator's output: go test ./cmd/jretrieve -run TestSpeedLengthsTable -update-speed-lengths")
	}
}

// The table parses, and its lengths are JQaRA-like: passages of about
// 100-300 tokens, short questions.
func TestSpeedLengthsParse(t *testing.T) {
	q, p, err := speedLengths()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, n := range p {
		sum += n
	}
	mean := float64(sum) / float64(len(p))
	if mean < 50 || mean > 400 {
		t.Errorf("mean passage length %.1f tokens", mean)
	}
	for _, n := range q {
		if n > 64 {
			t.Errorf("question of %d tokens", n)
		}
	}
}
