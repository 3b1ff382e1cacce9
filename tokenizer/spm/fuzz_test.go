package spm

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzEncode: arbitrary text never panics, ids are in range and the
// offsets are ordered spans of the input.
func FuzzEncode(f *testing.F) {
	var ps []*Processor
	for _, n := range []string{"unigram_bf", "unigram_unk", "bpe_bf", "bpe_id"} {
		p, err := Load(filepath.Join("testdata", n+".model"))
		if err != nil {
			f.Fatal(err)
		}
		ps = append(ps, p)
	}
	for _, s := range []string{"", "  ", "東京 ", "\xff", "a\u0301", "<mask>株式会社", "ｱｲ１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range ps {
			prev := 0
			for _, tk := range p.Encode(s) {
				if tk.ID < 0 || tk.ID >= p.VocabSize() {
					t.Fatalf("id %d out of range", tk.ID)
				}
				if tk.Begin < prev || tk.End < tk.Begin || tk.End > len(s) {
					t.Fatalf("bad span [%d,%d) after %d in %q", tk.Begin, tk.End, prev, s)
				}
				prev = tk.Begin
			}
			if utf8.ValidString(s) && s != "" && len(p.Encode(s)) == 0 {
				// only whitespace-like input may vanish
				n, _ := p.Normalizer.Normalize(s)
				if n != "" {
					t.Fatalf("%q normalized to %q but no tokens", s, n)
				}
			}
		}
	})
}

// FuzzParseModel: corrupt model files are errors, not panics.
func FuzzParseModel(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "bpe_id.model"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[:200])
	f.Add(b)
	f.Add([]byte{0x0a, 0x05, 0x0a, 0x01, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := New(b)
		if err != nil {
			return
		}
		p.Encode("テスト a b")
	})
}
