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

// dictionary is a system dictionary as MeCab's lattice builder uses it,
// plus what kagome does not keep: the full char.def (category bit sets and
// LENGTH) and the unknown-word entries per category. At run time its
// arrays live in a dictionary image (image.go), memory-mapped from the
// cache when possible; d (kagome's decoded dictionary) is only set while
// an image is built (buildDict, then buildImage).
type dictionary struct {
	name  Dict
	d     *kdict.Dict
	chars *charTable
	space charInfo
	// da is kagome's double-array trie over known surfaces.
	da []daNode
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
	// connection matrix: kagome's layout, cost(right, left) at
	// conn[connRows*left+right].
	conn     []int16
	connRows int
	posOff   []uint32
	posIDs   []uint16
	posNames strTable
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
	src, err := buildDict(name, full)
	if err != nil {
		return nil, err
	}
	img, err := buildImage(src, false)
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
	src, err := buildDict(d.name, true)
	if err != nil {
		return nil, err
	}
	img, err := buildImage(src, true)
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

// buildDict decodes kagome's dictionary (slow: about 1.4 s and 400 MB for
// UniDic without contents) and applies what MeCab's dictionary differs by
// (unidic-lite for Uni): the source of an image.
func buildDict(name Dict, full bool) (*dictionary, error) {
	kd := kagomeDict(name, full)
	ct, err := charDef(name)
	if err != nil {
		return nil, err
	}
	d := &dictionary{name: name, d: kd, chars: ct, space: ct.at(' '), morphs: kd.Morphs}
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
