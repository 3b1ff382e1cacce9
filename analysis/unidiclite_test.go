package analysis

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
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
	Base  []string
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
		B []string
	}
	texts := readJSONLGz[textRow](t, corpus)
	ws := readJSONLGz[wordRow](t, words)
	if len(texts) != len(ws) {
		t.Fatalf("%s has %d lines, %s %d", corpus, len(texts), words, len(ws))
	}
	out := make([]refLine, len(texts))
	for i := range texts {
		out[i] = refLine{Part: texts[i].Part, Text: texts[i].Text, Words: ws[i].W, POS: ws[i].P, Unk: ws[i].U, Base: ws[i].B}
	}
	return out
}

// compareUniDicLite analyses every line with Dict Uni and counts the lines
// whose words (and, where the reference has them, parts of speech and
// unknown-word flags) are identical to fugashi + unidic-lite's.
func compareUniDicLite(t *testing.T, lines []refLine) (same int, diffs []string) {
	t.Helper()
	a := mustNew(t, Options{Dict: Uni})
	base := mustNew(t, Options{Dict: Uni, BaseForm: true})
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
		var bases []string
		if l.POS != nil {
			bases = base.Tokens(l.Text)
			ok = ok && slices.Equal(pos, l.POS) && slices.Equal(unk, l.Unk) && slices.Equal(bases, l.Base)
		}
		if ok {
			same++
			continue
		}
		d := fmt.Sprintf("%s line %d %q:\n  fugashi: %q %q unk %v base %q\n  ours:    %q %q unk %v base %q", l.Part, i+1, l.Text, l.Words, l.POS, l.Unk, l.Base, words, pos, unk, bases)
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
// the sample and adversarial lines every part of speech, unknown-word flag
// and base form (Options.BaseForm: orthBase).
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

// TestUniDicLiteFiles checks that unidic-lite's char.bin equals
// chardef/unidic.def and its matrix.bin kagome's connection matrix, so
// that only the lexicon and unk.dic need the data in unidiclite/, and that
// Dict Uni's lexicon (kagome's with unidiclite/ applied) is sys.dic's:
// the same surfaces, and for each the same entries (connection ids, cost,
// part of speech) in the same order; likewise unk.dic. It reads
// the unidic-lite dicdir named by JRETRIEVE_UNIDIC_LITE_DIR (pip install
// unidic-lite==1.0.8; python -c 'import unidic_lite; print(unidic_lite.DICDIR)').
func TestUniDicLiteFiles(t *testing.T) {
	dir := os.Getenv("JRETRIEVE_UNIDIC_LITE_DIR")
	if dir == "" {
		t.Skip("JRETRIEVE_UNIDIC_LITE_DIR not set (unidic-lite's dicdir)")
	}
	b, err := os.ReadFile(filepath.Join(dir, "char.bin"))
	if err != nil {
		t.Fatal(err)
	}
	ct, err := parseCharDef("unidic.def", unidicCharDef)
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.LittleEndian.Uint32(b))
	for i := 0; i < n; i++ {
		if name := string(bytes.TrimRight(b[4+32*i:4+32*i+32], "\x00")); name != ct.names[i] {
			t.Fatalf("char.bin category %d = %s, chardef/unidic.def %s", i, name, ct.names[i])
		}
	}
	tab := b[4+32*n:]
	if len(tab) != 4*0xFFFF {
		t.Fatalf("char.bin table has %d bytes", len(tab))
	}
	for r := 0; r < 0xFFFF; r++ {
		v := binary.LittleEndian.Uint32(tab[4*r:])
		want := charInfo{typ: v & (1<<18 - 1), def: uint8(v >> 18), length: uint8(v >> 26 & 15), group: v>>30&1 == 1, invoke: v>>31 == 1}
		if got := ct.info[r]; got != want {
			t.Fatalf("U+%04X: chardef/unidic.def %+v, char.bin %+v", r, got, want)
		}
	}
	m, err := os.ReadFile(filepath.Join(dir, "matrix.bin"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := loadDict(Uni, false)
	if err != nil {
		t.Fatal(err)
	}
	ls, rs := int(binary.LittleEndian.Uint16(m)), int(binary.LittleEndian.Uint16(m[2:]))
	if ls != d.connRows || len(m) != 4+2*ls*rs {
		t.Fatalf("matrix.bin %dx%d (%d bytes), kagome %d rows", ls, rs, len(m), d.connRows)
	}
	// MeCab: matrix[l + lsize*r] is the cost from a node with right id l
	// to a node with left id r.
	for r := 0; r < rs; r++ {
		for l := 0; l < ls; l++ {
			v := int16(binary.LittleEndian.Uint16(m[4+2*(l+ls*r):]))
			if got := d.cost(int16(l), int16(r)); got != int64(v) {
				t.Fatalf("connection %d -> %d: kagome %d, matrix.bin %d", l, r, got, v)
			}
		}
	}

	full, err := loadDict(Uni, true)
	if err != nil {
		t.Fatal(err)
	}
	entries := 0
	for _, e := range readMecabDic(t, filepath.Join(dir, "sys.dic")) {
		var got []mecabEntry
		full.d.Index.Da.CommonPrefixSearchCallback(e.surface, func(id, l int) {
			if l != len(e.surface) {
				return
			}
			for x := id; x <= id+int(full.dup[id]); x++ {
				if mid := full.remap[x]; mid >= 0 {
					m := full.morphs[mid]
					nd := node{class: classKnown, id: mid}
					got = append(got, mecabEntry{e.surface, m.LeftID, m.RightID, m.Weight, strings.Join(full.pos(&nd), ",")})
				}
			}
		})
		if len(got) != len(e.list) {
			t.Fatalf("%q: %d entries, sys.dic %d", e.surface, len(got), len(e.list))
		}
		for i, w := range e.list {
			w.pos = strings.Join(strings.Split(w.pos, ",")[:len(strings.Split(got[i].pos, ","))], ",")
			if got[i] != w {
				t.Fatalf("%q entry %d: %+v, sys.dic %+v", e.surface, i, got[i], w)
			}
		}
		entries += len(got)
	}
	live := 0
	for _, x := range full.remap {
		if x >= 0 {
			live++
		}
	}
	if entries != live {
		t.Errorf("sys.dic reaches %d entries, Dict Uni has %d", entries, live)
	}
	for _, e := range readMecabDic(t, filepath.Join(dir, "unk.dic")) {
		c := slices.Index(full.chars.names, e.surface)
		if c < 0 || len(full.unk[c]) != len(e.list) {
			t.Fatalf("unk.dic %s: %d entries, ours %v", e.surface, len(e.list), c)
		}
		for i, w := range e.list {
			m := full.unkMorphs[full.unk[c][i]]
			got := mecabEntry{e.surface, m.LeftID, m.RightID, m.Weight, strings.Join(m.pos, ",")}
			w.pos = strings.Join(strings.Split(w.pos, ",")[:len(m.pos)], ",")
			if got != w {
				t.Fatalf("unk.dic %s entry %d: %+v, unk.dic %+v", e.surface, i, got, w)
			}
		}
	}
	t.Logf("sys.dic: %d entries identical to Dict Uni's", entries)
}

type mecabEntry struct {
	surface             string
	left, right, weight int16
	pos                 string // features
}

type mecabGroup struct {
	surface string
	list    []mecabEntry
}

// readMecabDic reads a compiled MeCab dictionary (dictionary.cpp: header,
// Darts double array over the surfaces, token array, features) and returns
// its surfaces in byte order with their entries in token-array order.
func readMecabDic(t *testing.T, path string) []mecabGroup {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u32 := func(off int) int { return int(binary.LittleEndian.Uint32(b[off:])) }
	if u32(0)^0xEF718F77 != len(b) {
		t.Fatalf("%s: not a MeCab dictionary", path)
	}
	dsize, tsize, fsize := u32(24), u32(28), u32(32)
	da, tok, feat := b[72:72+dsize], b[72+dsize:72+dsize+tsize], b[72+dsize+tsize:72+dsize+tsize+fsize]
	n := dsize / 8
	base := func(i int) int { return int(int32(binary.LittleEndian.Uint32(da[8*i:]))) }
	check := func(i int) int { return int(binary.LittleEndian.Uint32(da[8*i+4:])) }
	var out []mecabGroup
	var walk func(node int, key []byte)
	walk = func(node int, key []byte) {
		if node >= 0 && node < n && check(node) == node && base(node) < 0 {
			v := -base(node) - 1
			g := mecabGroup{surface: string(key)}
			for k := v >> 8; k < v>>8+v&0xFF; k++ {
				e := tok[16*k:]
				fo := int(binary.LittleEndian.Uint32(e[8:]))
				end := bytes.IndexByte(feat[fo:], 0)
				g.list = append(g.list, mecabEntry{g.surface, int16(binary.LittleEndian.Uint16(e)), int16(binary.LittleEndian.Uint16(e[2:])),
					int16(binary.LittleEndian.Uint16(e[6:])), string(feat[fo : fo+end])})
			}
			out = append(out, g)
		}
		for c := 1; c < 256; c++ {
			if p := node + c + 1; p < n && check(p) == node {
				walk(base(p), append(key, byte(c)))
			}
		}
	}
	walk(base(0), nil)
	total := 0
	for _, g := range out {
		total += len(g.list)
	}
	if total != tsize/16 {
		t.Fatalf("%s: %d of %d tokens reached", path, total, tsize/16)
	}
	return out
}
