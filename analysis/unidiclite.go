package analysis

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	kdict "github.com/ikawaha/kagome-dict/dict"
)

// unidic-lite 1.0.8 is UniDic 2.1.2 with three changes (its README): 令和
// entries added, single-character numeric and alphabetic words deleted,
// unk.def changed so that unknown punctuation is not a noun. kagome's
// UniDic 2.1.2 already has the 令和 entries (㋿ with another cost). The
// files below are derived from unidic-lite's compiled dictionary by
// scripts/reference/unidiclite_dict.py; its char.bin and matrix.bin equal
// chardef/unidic.def and kagome's matrix, and the patched lexicon equals
// its sys.dic entry for entry (TestUniDicLiteFiles).

// unidicLiteUnk is unidic-lite's unk.dic: per char.def category its
// unknown-word entries in MeCab's order, with unidic-lite's features
// (SYMBOL is 記号,一般, not a noun).
//
//go:embed unidiclite/unk.def
var unidicLiteUnk string

// unidicLitePatch lists the kagome surfaces absent from unidic-lite and the
// entries whose cost or features differ.
//
//go:embed unidiclite/lex.patch
var unidicLitePatch string

// unidicLiteOrder gives, for every surface whose entries kagome stores in
// another order than MeCab's token array, MeCab's order (it decides which
// of two equal-cost paths wins): lines "delta perm", delta = kagome id of
// the group's first entry minus the previous line's, perm = comma-separated
// offsets in the group, in MeCab's order.
//
//go:embed unidiclite/order.gz
var unidicLiteOrder []byte

func (d *dictionary) applyUniDicLite() error {
	kd := d.d
	n := len(kd.Morphs)
	d.remap = make([]int32, n)
	for i := range d.remap {
		d.remap[i] = int32(i)
	}
	d.morphs = append([]kdict.Morph(nil), kd.Morphs...)
	d.features = map[int32][]string{}
	fail := func(file string, line int, format string, args ...any) error {
		return fmt.Errorf("analysis: unidiclite/%s:%d: %s (kagome-dict/uni is not the version the file was generated for)", file, line, fmt.Sprintf(format, args...))
	}
	group := func(surface string) (int32, int) {
		first, cnt := int32(-1), 0
		kd.Index.CommonPrefixSearchCallback(surface, func(id, l int) {
			if l == len(surface) {
				if first < 0 {
					first = int32(id)
				}
				cnt++
			}
		})
		return first, cnt
	}
	ln := 0
	for line := range strings.Lines(unidicLitePatch) {
		ln++
		line = strings.TrimSuffix(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		switch {
		case f[0] == "entries" && len(f) == 3:
			if want, err := strconv.Atoi(f[1]); err != nil || want != n {
				return fail("lex.patch", ln, "kagome has %d entries, want %s", n, f[1])
			}
		case f[0] == "delete" && len(f) == 3:
			first, cnt := group(f[1])
			if want, err := strconv.Atoi(f[2]); err != nil || first < 0 || cnt != want {
				return fail("lex.patch", ln, "surface %q has %d entries, want %s", f[1], cnt, f[2])
			}
			for x := first; x < first+int32(cnt); x++ {
				d.remap[x] = -1
			}
		case f[0] == "set" && len(f) == 6:
			id, err1 := strconv.Atoi(f[1])
			old, err2 := strconv.Atoi(f[3])
			cost, err3 := strconv.ParseInt(f[4], 10, 16)
			first, cnt := group(f[2])
			if err1 != nil || err2 != nil || err3 != nil || id < int(first) || id >= int(first)+cnt || int(kd.Morphs[id].Weight) != old {
				return fail("lex.patch", ln, "entry %s of %q with cost %s not found", f[1], f[2], f[3])
			}
			d.morphs[id].Weight = int16(cost)
			d.features[int32(id)] = strings.Split(f[5], ",")
		default:
			return fail("lex.patch", ln, "malformed line %q", line)
		}
	}
	z, err := gzip.NewReader(bytes.NewReader(unidicLiteOrder))
	if err != nil {
		return fmt.Errorf("analysis: unidiclite/order.gz: %w", err)
	}
	sc := bufio.NewScanner(z)
	first := 0
	perm := make([]int32, 0, 64)
	for ln = 1; sc.Scan(); ln++ {
		delta, list, ok := strings.Cut(sc.Text(), " ")
		dv, err := strconv.Atoi(delta)
		if !ok || err != nil || dv <= 0 && ln > 1 {
			return fail("order.gz", ln, "malformed line")
		}
		first += dv
		perm = perm[:0]
		for _, p := range strings.Split(list, ",") {
			v, err := strconv.Atoi(p)
			if err != nil {
				return fail("order.gz", ln, "malformed line")
			}
			perm = append(perm, int32(first+v))
		}
		if first+len(perm) > n || int(d.dup[first]) != len(perm)-1 {
			return fail("order.gz", ln, "group at %d has %d entries, not %d", first, int(d.dup[first])+1, len(perm))
		}
		copy(d.remap[first:], perm)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("analysis: unidiclite/order.gz: %w", err)
	}
	return d.loadUnk(unidicLiteUnk, "unidiclite/unk.def")
}

// loadUnk reads a MeCab unk.def (category,left,right,cost,features...) into
// the unknown-word table, keeping its order within each category.
func (d *dictionary) loadUnk(src, name string) error {
	cat := map[string]int{}
	for i, c := range d.chars.names {
		cat[c] = i
	}
	d.unk = make([][]int32, len(d.chars.names))
	d.unkMorphs = nil
	ln := 0
	for line := range strings.Lines(src) {
		ln++
		line = strings.TrimSuffix(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ",")
		if len(f) < 5 {
			return fmt.Errorf("analysis: %s:%d: want category,left,right,cost,features", name, ln)
		}
		c, ok := cat[f[0]]
		if !ok {
			return fmt.Errorf("analysis: %s:%d: category %s not in char.def", name, ln, f[0])
		}
		var v [3]int16
		for i := range v {
			x, err := strconv.ParseInt(f[i+1], 10, 16)
			if err != nil {
				return fmt.Errorf("analysis: %s:%d: field %d: %w", name, ln, i+2, err)
			}
			v[i] = int16(x)
		}
		pos := f[4:]
		if len(pos) > 4 {
			pos = pos[:4]
		}
		d.unk[c] = append(d.unk[c], int32(len(d.unkMorphs)))
		d.unkMorphs = append(d.unkMorphs, unkMorph{Morph: kdict.Morph{LeftID: v[0], RightID: v[1], Weight: v[2]}, pos: pos})
	}
	for c, ids := range d.unk {
		if len(ids) == 0 {
			return fmt.Errorf("analysis: %s: no entry for category %s", name, d.chars.names[c])
		}
	}
	return nil
}
