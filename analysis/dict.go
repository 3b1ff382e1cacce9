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
	// Uni is UniDic 2.1.2, the dictionary packaged as unidic-lite (fugashi's
	// default, the JQaRA BM25 baseline, the Tohoku/Ruri BERT tokenizers).
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
	// unk[c] lists the unknown-word dictionary ids of category c (our
	// char.def order).
	unk [][]int32
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
	d := &dictionary{name: name, d: kd, chars: ct, space: ct.at(' '), full: kd.Contents != nil}
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
			d.unk[c] = append(d.unk[c], id+x)
		}
	}
	d.dup = make([]uint16, len(kd.Morphs))
	for id, n := range kd.Index.Dup {
		if int(id) < len(d.dup) {
			d.dup[id] = uint16(n)
		}
	}
	// kagome stores the matrix transposed: At(row,col) = Vec[Row*col+row].
	d.conn = kd.Connection.Vec
	d.connRows = int(kd.Connection.Row)
	return d, nil
}

func (d *dictionary) cost(right, left int16) int64 {
	return int64(d.conn[d.connRows*int(left)+int(right)])
}
