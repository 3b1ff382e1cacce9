package tokenizer

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// testdata/ref holds tokenizer.json files built with the tokenizers library
// (and SentencePiece models converted by transformers' AutoTokenizer) for
// every component the catalog's real files use, with the ids and byte
// offsets the fast tokenizers give on a corpus of manpages-ja prose, the
// embedded sample and adversarial strings
// (scripts/reference/tokenizers_reference.py).

type refRow struct {
	Text        string   `json:"text"`
	IDs         []int64  `json:"ids"`
	Offsets     [][2]int `json:"offsets"`
	PairIDs     []int64  `json:"pair_ids"`
	PairOffsets [][2]int `json:"pair_offsets"`
}

func readRefRows(t *testing.T, path string, dst []refRow) []refRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(z)
	sc.Buffer(nil, 1<<24)
	for i := 0; sc.Scan(); i++ {
		if dst == nil || i >= len(dst) {
			dst = append(dst, refRow{})
		}
		if err := json.Unmarshal(sc.Bytes(), &dst[i]); err != nil {
			t.Fatalf("%s:%d: %v", path, i+1, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestTokenizerJSONFamiliesVsTokenizers(t *testing.T) {
	dir := filepath.Join("testdata", "ref")
	corpus := readRefRows(t, filepath.Join(dir, "corpus.jsonl.gz"), nil)
	for _, fam := range []string{"xlmr", "llama", "llama-legacy", "unigram-never", "unigram-first", "wordpiece", "bpe-bytelevel"} {
		t.Run(fam, func(t *testing.T) {
			rows := readRefRows(t, filepath.Join(dir, fam, "expected.jsonl.gz"), nil)
			if len(rows) != len(corpus) {
				t.Fatalf("%d expected rows for %d texts", len(rows), len(corpus))
			}
			tok, err := Load(filepath.Join(dir, fam))
			if err != nil {
				t.Fatal(err)
			}
			badIDs, badOffs, pairs, badPairs := 0, 0, 0, 0
			for i, r := range rows {
				text := corpus[i].Text
				e := tok.Encode(text, 0)
				if !slices.Equal(e.IDs, r.IDs) {
					badIDs++
					if badIDs <= 5 {
						t.Errorf("%q:\n got  %v %q\n want %v", text, e.IDs, e.Tokens, r.IDs)
					}
				} else if !slices.Equal(e.Offsets, r.Offsets) {
					badOffs++
					if badOffs <= 5 {
						t.Errorf("%q offsets:\n got  %v %q\n want %v", text, e.Offsets, e.Tokens, r.Offsets)
					}
				}
				if r.PairIDs != nil {
					pairs++
					p := tok.EncodePair(text, corpus[i+1].Text, 0)
					if !slices.Equal(p.IDs, r.PairIDs) || !slices.Equal(p.Offsets, r.PairOffsets) {
						badPairs++
						if badPairs <= 3 {
							t.Errorf("pair %q + %q:\n got  %v %v\n want %v %v", text, corpus[i+1].Text, p.IDs, p.Offsets, r.PairIDs, r.PairOffsets)
						}
					}
				}
			}
			t.Logf("%s: %d/%d texts identical ids, %d offset differences, %d/%d pairs identical", fam, len(rows)-badIDs, len(rows), badOffs, pairs-badPairs, pairs)
			if badIDs+badOffs+badPairs > 0 {
				t.Errorf("%s: %d id, %d offset, %d pair differences", fam, badIDs, badOffs, badPairs)
			}
		})
	}
}
