package tokenizer

import (
	"bufio"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/jretrieve/jretrieve/tokenizer/spm"
)

type spmGolden struct {
	Text   string   `json:"text"`
	Pieces []string `json:"pieces"`
	IDs    []int    `json:"ids"`
}

func readSPMGolden(t testing.TB, name string) []spmGolden {
	t.Helper()
	f, err := os.Open(filepath.Join("spm", "testdata", name+".golden.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var out []spmGolden
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var g spmGolden
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		out = append(out, g)
	}
	return out
}

// spmToTokenizerJSON converts a unigram SentencePiece model the way
// transformers' SpmConverter does.
func spmToTokenizerJSON(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := spm.ParseModelProto(b)
	if err != nil {
		t.Fatal(err)
	}
	var vocab [][2]any
	unk := 0
	for i, p := range m.Pieces {
		vocab = append(vocab, [2]any{p.Piece, float64(p.Score)}) // as python writes a float32 score
		if p.Type == spm.TypeUnknown {
			unk = i
		}
	}
	j := map[string]any{
		"version":      "1.0",
		"added_tokens": []any{},
		"normalizer": map[string]any{"type": "Sequence", "normalizers": []any{
			map[string]any{"type": "Precompiled", "precompiled_charsmap": base64.StdEncoding.EncodeToString(m.PrecompiledCharsmap)},
			map[string]any{"type": "Replace", "pattern": map[string]any{"Regex": " {2,}"}, "content": " "},
		}},
		"pre_tokenizer": map[string]any{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true},
		"model":         map[string]any{"type": "Unigram", "unk_id": unk, "vocab": vocab, "byte_fallback": m.ByteFallback},
	}
	out, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTokenizerJSONUnigramVsSentencePiece(t *testing.T) {
	for _, name := range []string{"unigram_bf", "unigram_unk"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("spm", "testdata", name+".model")
			co, err := parseTokenizerJSON(spmToTokenizerJSON(t, path), nil)
			if err != nil {
				t.Fatal(err)
			}
			m, err := spm.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			bad, n := 0, 0
			for _, g := range readSPMGolden(t, name) {
				if !comparableWithSPM(g.Text) {
					continue
				}
				n++
				ps := co.segment(g.Text)
				pieces := make([]string, len(ps))
				ids := make([]int, len(ps))
				for i, p := range ps {
					pieces[i], ids[i] = p.tok, p.id
				}
				if !slices.Equal(ids, g.IDs) && !scoreTie(m, ids, g.IDs) {
					bad++
					if bad <= 10 {
						t.Errorf("%q:\n got  %q %v\n want %q %v", g.Text, pieces, ids, g.Pieces, g.IDs)
					}
				}
			}
			if bad > 0 {
				t.Errorf("%d/%d differ", bad, n)
			}
		})
	}
}

// comparableWithSPM excludes texts on which a converted fast tokenizer is
// known to differ from sentencepiece: trailing whitespace (kept as a "▁"
// piece by Metaspace), literal control pieces such as "<s>" (in the
// tokenizers Unigram trie), and combining marks, which the Precompiled
// normalizer handles per grapheme instead of by longest match.
// scoreTie reports whether two segmentations of the same text have the
// same total unigram score up to float32 rounding: sentencepiece sums in
// float32, tokenizers in float64, so exact ties may break differently.
func scoreTie(m *spm.Processor, a, b []int) bool {
	sum := func(ids []int) float64 {
		s := 0.0
		for _, id := range ids {
			s += float64(m.Proto.Pieces[id].Score)
		}
		return s
	}
	return math.Abs(sum(a)-sum(b)) < 1e-4
}

func comparableWithSPM(text string) bool {
	for _, s := range []string{"<s>", "</s>", "<unk>", "\u2581"} {
		if strings.Contains(text, s) {
			return false
		}
	}
	nf := norm.NFKC.String(text)
	if strings.TrimSpace(nf) != nf || strings.TrimSpace(text) != text {
		return false
	}
	for _, r := range text {
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Cc, unicode.Zs) && r != ' ' || r == 0xFF9E || r == 0xFF9F {
			return false
		}
	}
	return true
}
