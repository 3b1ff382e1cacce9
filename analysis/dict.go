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

// dictionary is a kagome system dictionary as MeCab's lattice builder
// uses it, plus what kagome does not keep: the full char.def (category bit
// sets and LENGTH) and the unknown-word entries per category. Its arrays
// live in a dictionary image (image.go), memory-mapped from the cache
// when possible.
type dictionary struct {
	name  Dict
	chars *charTable
	space charInfo
	// da is kagome's double-array trie over known surfaces.
	da     []daNode
	morphs []kdict.Morph
	// dup[id] is the number of extra entries sharing the surface of id
	// (kagome's IndexTable.Dup as a slice).
	dup []uint16
	// unk[c] lists the unknown-word dictionary ids of category c (our
	// char.def order).
	unk       [][]int32
	unkMorphs []kdict.Morph
	// connection matrix: kagome's layout, cost(right, left) at
	// conn[connRows*left+right].
	conn     []int16
	connRows int
	posOff   []uint32
	posIDs   []uint16
	posNames strTable
	unkPOS   strTable
	base     strTable // base form per known word (empty unless loaded for BaseForm)
	img      []byte   // the whole image (mapped or in memory), never released
}

type dictSlot struct {
	once sync.Once
	d    *dictionary
	err  error
}

// slots[name][0] is the dictionary, [1] the same with base forms.
var slots = map[Dict]*[2]dictSlot{IPA: {}, Uni: {}}

// loadDict returns the shared dictionary, loading it on first use. full
// selects the variant with base forms.
func loadDict(name Dict, full bool) (*dictionary, error) {
	s, ok := slots[name]
	if !ok {
		return nil, fmt.Errorf("analysis: unknown dictionary %q (want %q or %q)", name, Uni, IPA)
	}
	core := &s[0]
	core.once.Do(func() {
		core.d, core.err = openDict(name, full, imageDir())
	})
	if core.err != nil || !full {
		return core.d, core.err
	}
	fs := &s[1]
	fs.once.Do(func() {
		fs.d, fs.err = withBaseForms(core.d, imageDir())
	})
	return fs.d, fs.err
}

func charDef(name Dict) (*charTable, error) {
	src := unidicCharDef
	if name == IPA {
		src = ipadicCharDef
	}
	return parseCharDef(string(name)+" char.def", src)
}

// kagomeDict returns kagome's decoded dictionary (slow: about 1.4 s and
// 400 MB for UniDic without contents).
func kagomeDict(name Dict, full bool) *kdict.Dict {
	switch {
	case name == IPA && full:
		return ipa.Dict()
	case name == IPA:
		return ipa.DictShrink()
	case full:
		return uni.Dict()
	default:
		return uni.DictShrink()
	}
}

// openDict maps the cached core image of the dictionary from dir,
// building it from kagome's dictionary (once per cache) when it is
// missing or unreadable. Without a usable cache directory the image stays
// in memory. full says whether base forms will be wanted: kagome's full
// dictionary is then decoded when the image has to be built (and the
// base-form image is built from the same decoding).
func openDict(name Dict, full bool, dir string) (*dictionary, error) {
	ct, err := charDef(name)
	if err != nil {
		return nil, err
	}
	if b, err := mapImage(dir, name, false); err == nil {
		d, err := openImage(name, b, ct)
		if err == nil {
			return d, nil
		}
		unmapFile(b)
	}
	img, err := buildImage(name, kagomeDict(name, full), ct, false)
	if err != nil {
		return nil, err
	}
	if b, err := saveImage(dir, name, false, img); err == nil {
		if d, err := openImage(name, b, ct); err == nil {
			return d, nil
		}
		unmapFile(b)
	}
	return openImage(name, img, ct)
}

// withBaseForms returns d with the base forms of its words, from the
// cached base-form image (built from kagome's full dictionary when
// missing).
func withBaseForms(d *dictionary, dir string) (*dictionary, error) {
	nm := len(d.morphs)
	full := *d
	if b, err := mapImage(dir, d.name, true); err == nil {
		if full.base, err = openBaseImage(d.name, b, nm); err == nil {
			return &full, nil
		}
		unmapFile(b)
	}
	img, err := buildImage(d.name, kagomeDict(d.name, true), d.chars, true)
	if err != nil {
		return nil, err
	}
	if b, err := saveImage(dir, d.name, true, img); err == nil {
		if full.base, err = openBaseImage(d.name, b, nm); err == nil {
			return &full, nil
		}
		unmapFile(b)
	}
	if full.base, err = openBaseImage(d.name, img, nm); err != nil {
		return nil, err
	}
	return &full, nil
}

func (d *dictionary) cost(right, left int16) int64 {
	return int64(d.conn[d.connRows*int(left)+int(right)])
}
