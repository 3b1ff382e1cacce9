package spm

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

type golden struct {
	Text   string   `json:"text"`
	Pieces []string `json:"pieces"`
	IDs    []int    `json:"ids"`
}

func readGolden(t testing.TB, path string) []golden {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []golden
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var g golden
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, g)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGoldenAgainstReference compares with encodings produced by Google's
// sentencepiece (python3-sentencepiece 0.1.97) — see testdata/gen.py.
func TestGoldenAgainstReference(t *testing.T) {
	for _, name := range []string{"unigram_bf", "unigram_unk", "bpe_bf", "bpe_id"} {
		t.Run(name, func(t *testing.T) {
			p, err := Load(filepath.Join("testdata", name+".model"))
			if err != nil {
				t.Fatal(err)
			}
			gs := readGolden(t, filepath.Join("testdata", name+".golden.jsonl.gz"))
			if len(gs) < 3000 {
				t.Fatalf("only %d golden cases", len(gs))
			}
			bad := 0
			for _, g := range gs {
				toks := p.Encode(g.Text)
				pieces := make([]string, len(toks))
				ids := make([]int, len(toks))
				for i, tk := range toks {
					pieces[i], ids[i] = tk.Piece, tk.ID
				}
				if !slices.Equal(pieces, g.Pieces) || !slices.Equal(ids, g.IDs) {
					bad++
					if bad <= 5 {
						t.Errorf("%q:\n got  %q %v\n want %q %v", g.Text, pieces, ids, g.Pieces, g.IDs)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d/%d sentences differ", bad, len(gs))
			}
		})
	}
}

func TestOffsets(t *testing.T) {
	p, err := Load(filepath.Join("testdata", "unigram_bf.model"))
	if err != nil {
		t.Fatal(err)
	}
	text := "  ＡＢＣ　東京の　ｶﾀｶﾅ  "
	toks := p.Encode(text)
	var surf string
	for _, tk := range toks {
		surf += text[tk.Begin:tk.End]
	}
	// The pieces cover the text except the whitespace that normalization
	// removed at both ends.
	if want := "ＡＢＣ　東京の　ｶﾀｶﾅ"; surf != want {
		t.Errorf("surfaces %q, want %q (tokens %+v)", surf, want, toks)
	}
}
