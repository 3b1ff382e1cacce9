package analysis

import (
	_ "embed"
	"fmt"
	"sync"

	kdict "github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome-dict/uni"
)

// Dict names a system dictionary.
type Dict string

const (
	// Uni is unidic-lite 1.0.8 (fugashi's default, the JQaRA BM25
	// baseline, the Tohoku/Ruri BERT tokenizers): UniDic 2.1.2 as kagome
	// ships it, with unidic-lite's changes applied from unidic-lite's own
	// compiled files (see unidiclite/ and scripts/reference/unidiclite_dict.py).
	Uni Dict = "uni"
	// IPA is IPADIC 2.7.0 (mecab-ipadic-2.7.0-20070801, as in Debian's
	// mecab-ipadic-utf8).
	IPA Dict = "ipa"
)

//go:embed chardef/ipadic.def
var ipadicCharDef string

//go:embed chardef/unidic.def
var unidicCharDef string

// dictionary is a kagome system dictionary plus what MeCab's lattice
// builder needs and kagome does not keep: the full char.def (category bit
// sets and LENGTH) and the unknown-word entries per category.
type dictionary struct {
	name  Dict
	d     *kdict.Dict
	chars *charTable
	space charInfo
	// unk[c] lists the indices in unkMorphs of the unknown-word entries of
	// category c (our char.def order), in MeCab's order.
	unk       [][]int32
	unkMorphs []unkMorph
	// morphs are the known-word entries (kagome's, with unidic-lite's costs
	// for Uni).
	morphs []kdict.Morph
	// remap, when set, maps each kagome id of a surface group to the entry
	// MeCab's dictionary has at that place (-1: deleted); see unidiclite.go.
	remap []int32
	// features overrides the features (POS levels included) of some
	// entries (unidic-lite's ㋿).
	features map[int32][]string
	// dup[id] is the number of extra entries sharing the surface of id
	// (kagome's IndexTable.Dup as a slice, for speed).
	dup []uint16
	// connection matrix, row-major by left node's right id.
	conn     []int16
	connRows int
	full     bool // Contents loaded (base forms available)
}

type dictSlot struct {
	once sync.Once
	d    *dictionary
	err  error
}

var (
	slots   = map[Dict]*[2]dictSlot{IPA: {}, Uni: {}}
	slotsMu sync.Mutex
)

// loadDict returns the shared dictionary, loading it on first use. full
// selects the variant with feature contents (needed for base forms); a
// full dictionary also serves shrink requests once loaded.
func loadDict(name Dict, full bool) (*dictionary, error) {
	s, ok := slots[name]
	if !ok {
		return nil, fmt.Errorf("analysis: unknown dictionary %q (want %q or %q)", name, Uni, IPA)
	}
	if !full {
		slotsMu.Lock()
		fs := &s[1]
		done := fs.d != nil
		slotsMu.Unlock()
		if done {
			return fs.d, nil
		}
	}
	i := 0
	if full {
		i = 1
	}
	sl := &s[i]
	sl.once.Do(func() {
		d, err := buildDict(name, full)
		slotsMu.Lock()
		sl.d, sl.err = d, err
		slotsMu.Unlock()
	})
	return sl.d, sl.err
}

func buildDict(name Dict, full bool) (*dictionary, error) {
	var kd *kdict.Dict
	var src string
	switch name {
	case IPA:
		src = ipadicCharDef
		if full {
			kd = ipa.Dict()
		} else {
			kd = ipa.DictShrink()
		}
	case Uni:
		src = unidicCharDef
		if full {
			kd = uni.Dict()
		} else {
			kd = uni.DictShrink()
		}
	}
	ct, err := parseCharDef(string(name)+" char.def", src)
	if err != nil {
		return nil, err
	}
	d := &dictionary{name: name, d: kd, chars: ct, space: ct.at(' '), full: kd.Contents != nil, morphs: kd.Morphs}
	d.dup = make([]uint16, len(kd.Morphs))
	for id, n := range kd.Index.Dup {
		if int(id) < len(d.dup) {
			d.dup[id] = uint16(n)
		}
	}
	// kagome stores the matrix transposed: At(row,col) = Vec[Row*col+row].
	d.conn = kd.Connection.Vec
	d.connRows = int(kd.Connection.Row)
	if name == Uni {
		if err := d.applyUniDicLite(); err != nil {
			return nil, err
		}
		return d, nil
	}
	kclass := map[string]int32{}
	for i, n := range kd.CharClass {
		kclass[n] = int32(i)
	}
	d.unk = make([][]int32, len(ct.names))
	for c, n := range ct.names {
		kc, ok := kclass[n]
		if !ok {
			return nil, fmt.Errorf("analysis: %s: category %s missing from kagome dictionary", name, n)
		}
		id, ok := kd.UnkDict.Index[kc]
		if !ok {
			return nil, fmt.Errorf("analysis: %s: no unknown-word entry for %s", name, n)
		}
		dup := kd.UnkDict.IndexDup[kc]
		for x := int32(0); x <= dup; x++ {
			d.unk[c] = append(d.unk[c], int32(len(d.unkMorphs)))
			d.unkMorphs = append(d.unkMorphs, unkMorph{Morph: kd.UnkDict.Morphs[id+x], pos: unkPOS(kd, id+x)})
		}
	}
	return d, nil
}

// unkMorph is an unknown-word entry: connection ids, cost and part of
// speech.
type unkMorph struct {
	kdict.Morph
	pos []string
}

// unkPOS returns the part-of-speech levels of kagome unknown entry id.
func unkPOS(kd *kdict.Dict, id int32) []string {
	start, end := 0, 1
	if v, ok := kd.UnkDict.ContentsMeta[kdict.POSStartIndex]; ok {
		start = int(v)
	}
	if v, ok := kd.UnkDict.ContentsMeta[kdict.POSHierarchy]; ok {
		end = start + int(v)
	}
	f := kd.UnkDict.Contents[id]
	if start >= end || end > len(f) {
		return nil
	}
	return append([]string(nil), f[start:end]...)
}

func (d *dictionary) cost(right, left int16) int64 {
	return int64(d.conn[d.connRows*int(left)+int(right)])
}
