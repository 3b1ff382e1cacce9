package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPairPrefixBound checks, for every pair length and budget up to 60,
// that the prefix lengths pairPrefixes segments give the same truncation
// decision and kept lengths as the full lengths (both rules).
func TestPairPrefixBound(t *testing.T) {
	for budget := 0; budget <= 40; budget++ {
		for n1 := 0; n1 <= 60; n1++ {
			for n2 := 0; n2 <= 60; n2++ {
				// The lengths pairPrefixes sees.
				p1, p2 := min(n1, budget+1), 0
				if p1 <= budget {
					p2 = min(n2, max(p1, budget)+1)
				} else if q2 := min(n2, budget+1); q2 <= budget {
					p1, p2 = min(n1, max(q2, budget)+1), q2
				} else {
					p1, p2 = n1, n2
				}
				if (p1+p2 > budget) != (n1+n2 > budget) {
					t.Fatalf("n=%d,%d budget %d: prefixes %d,%d change the truncation decision", n1, n2, budget, p1, p2)
				}
				if n1+n2 <= budget {
					if p1 != n1 || p2 != n2 {
						t.Fatalf("n=%d,%d budget %d: prefixes %d,%d of an uncut pair", n1, n2, budget, p1, p2)
					}
					continue
				}
				for _, fast := range []bool{false, true} {
					w1, w2 := truncLongestFirst(n1, n2, budget, fast)
					g1, g2 := truncLongestFirst(p1, p2, budget, fast)
					if w1 != g1 || w2 != g2 || g1 > p1 || g2 > p2 {
						t.Fatalf("n=%d,%d budget %d fast %v: kept %d,%d from prefixes %d,%d, want %d,%d", n1, n2, budget, fast, g1, g2, p1, p2, w1, w2)
					}
				}
			}
		}
	}
}

// countingWords wraps a word splitter and counts the words it hands out.
type countingWords struct {
	w WordSplitter
	n *int
}

func (c countingWords) Wakati(s string) []string {
	out := c.w.Wakati(s)
	*c.n += len(out)
	return out
}

func (c countingWords) WakatiFunc(s string, yield func(string) bool) error {
	return c.w.(WordStreamer).WakatiFunc(s, func(w string) bool { *c.n++; return yield(w) })
}

func (c countingWords) WakatiPrefixFunc(s string, yield func(string) bool) error {
	return c.w.(PrefixWordStreamer).WakatiPrefixFunc(s, func(w string) bool { *c.n++; return yield(w) })
}

// TestEncodeSegmentsOnlyWhatIsKept: Encode with a max length segments a
// long text only up to what the model keeps (MeCab stops early), with
// exactly the encoding of the whole segmentation cut afterwards, for
// single texts and pairs, on the MeCab + SentencePiece fixture and, when
// ../shared is present, the MeCab + WordPiece tokenizer of
// bert-base-japanese-v3.
func TestEncodeSegmentsOnlyWhatIsKept(t *testing.T) {
	raw, err := os.ReadFile("../analysis/testdata/prose.txt")
	if err != nil {
		t.Fatal(err)
	}
	prose := strings.Split(strings.TrimSpace(string(raw)), "\n")
	// Characters that NFKC composes or expands and lower-casing changes
	// in length, so that prefix cuts fall next to them.
	odd := "ｶﾞｷﾞｸﾞ ＡＢＣ İstanbul CAFÉ cafe\u0301 ①② ｱｲｳ 123abc"
	long := strings.Repeat(strings.Join(prose, odd)+odd, 20) // about 80 KB
	short := prose[0]
	dirs := []string{"testdata/line-like"}
	if d := filepath.Join("..", "..", "shared", "reference", "tokenizers", "bert-base-japanese-v3"); exists(filepath.Join(d, "vocab.txt")) {
		dirs = append(dirs, d)
	} else {
		t.Logf("../shared absent: bert-base-japanese-v3 not checked")
	}
	for _, dir := range dirs {
		base, err := NewWordSplitter("unidic_lite")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		tk, err := LoadWith(dir, Options{Words: countingWords{base, &n}})
		if err != nil {
			t.Fatal(err)
		}
		co := tk.(*core)
		whole := *co
		whole.segmentN = nil // the segmentation of the whole text, then cut
		memo := map[string][]piece{}
		whole.segment = func(s string) []piece {
			if p, ok := memo[s]; ok {
				return p
			}
			p := co.segment(s)
			memo[s] = p
			return p
		}
		n = 0
		all := len(whole.segment(long))
		allWords := n
		for _, maxLen := range []int{1, 2, 3, 16, 128, 512} {
			n = 0
			got := co.Encode(long, maxLen)
			words := n
			want := whole.Encode(long, maxLen)
			if !equalEnc(got, want) {
				t.Fatalf("%s maxLen %d: %v, whole segmentation %v", dir, maxLen, got.Tokens, want.Tokens)
			}
			if words > allWords/20 {
				t.Errorf("%s maxLen %d: %d of %d words segmented", dir, maxLen, words, allWords)
			}
			pairs := [][2]string{{short, long}, {long, short}, {short, short}, {"", long}}
			if maxLen == 16 {
				pairs = append(pairs, [2]string{long, long}) // both segmented in full
			}
			for _, p := range pairs {
				if g, w := co.EncodePair(p[0], p[1], maxLen), whole.EncodePair(p[0], p[1], maxLen); !equalEnc(g, w) {
					t.Fatalf("%s maxLen %d pair (%d, %d bytes): %v, whole %v", dir, maxLen, len(p[0]), len(p[1]), g.Tokens, w.Tokens)
				}
			}
		}
		// Not cut: the whole text.
		if g, w := co.Encode(long, all+10), whole.Encode(long, all+10); !equalEnc(g, w) || g.Truncated {
			t.Fatalf("%s: uncut text differs", dir)
		}
		if g := co.Encode(long, all+2); g.Truncated || g.Len() != all+2 {
			t.Fatalf("%s: exactly fitting text: %d ids, truncated %v", dir, g.Len(), g.Truncated)
		}
		if g := co.Encode(long, all+1); !g.Truncated {
			t.Fatalf("%s: text one piece too long not reported truncated", dir)
		}
	}
}

func equalEnc(a, b Encoding) bool {
	return slices.Equal(a.IDs, b.IDs) && slices.Equal(a.Tokens, b.Tokens) && slices.Equal(a.Offsets, b.Offsets) &&
		slices.Equal(a.TypeIDs, b.TypeIDs) && a.Truncated == b.Truncated
}

// The character word tokenizer (no MeCab) also stops at the kept pieces,
// with the same encoding.
func TestEncodeCharacterPrefix(t *testing.T) {
	dir := t.TempDir()
	cfg := `{"tokenizer_class": "BertJapaneseTokenizer", "word_tokenizer_type": "character", "subword_tokenizer_type": "character"}`
	vocab := "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n東\n京\nの\nは\n。\n"
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vocab.txt"), []byte(vocab), 0o644); err != nil {
		t.Fatal(err)
	}
	tk, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	co := tk.(*core)
	whole := *co
	whole.segmentN = nil
	long := strings.Repeat("東京の ﾃｽﾄ\u3000は。\n", 2000)
	for _, maxLen := range []int{1, 3, 10, 512} {
		if g, w := co.Encode(long, maxLen), whole.Encode(long, maxLen); !equalEnc(g, w) {
			t.Fatalf("maxLen %d: %v, whole %v", maxLen, g.Tokens, w.Tokens)
		}
		if g, w := co.EncodePair("東京", long, maxLen), whole.EncodePair("東京", long, maxLen); !equalEnc(g, w) {
			t.Fatalf("pair maxLen %d: %v, whole %v", maxLen, g.Tokens, w.Tokens)
		}
	}
}
