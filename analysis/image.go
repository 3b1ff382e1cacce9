package analysis

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	kdict "github.com/ikawaha/kagome-dict/dict"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
)

// A dictionary image is everything the lattice needs from a kagome
// dictionary, laid out as flat arrays that are used in place: decoding
// kagome's zipped gob-like files costs about 1.4 s and 400 MB for UniDic
// on every start, mapping the image costs a few milliseconds and only the
// pages a text touches become resident.
//
// Layout (native endianness, every section 8-byte aligned):
//
//	header (headerSize bytes): magic, format, section count, connection
//	rows, flags, key length + key (dictionary, kagome versions, variant)
//	section table: nsec x (offset uint64, length uint64)
//	sections, see the sec* constants
//
// The image is derived from the kagome dictionary compiled into the
// program; its file name and header key carry the kagome-dict module
// versions and imageFormat, so another program version never reads an
// image it did not write (a stale file is simply rebuilt).
const (
	imageMagic  = "JRDICIMG"
	imageFormat = 2
	headerSize  = 256
	maxKeyLen   = headerSize - 28
	flagBase    = 1
	endianCheck = 0x01020304

	// Versions of the kagome-dict modules the image is derived from
	// (TestImageVersionsMatchGoMod checks them against go.mod).
	kagomeDictVersion = "v1.1.7"
	uniVersion        = "v1.2.6"
	ipaVersion        = "v1.2.6"
)

// Sections of an image.
const (
	secDA          = iota // []daNode: kagome's double array (base, check)
	secMorphs             // []kdict.Morph: left id, right id, weight per known word
	secDup                // []uint16: extra entries sharing the surface of each id
	secConn               // []int16: connection matrix, kagome's (transposed) layout
	secUnkMorphs          // []kdict.Morph of the unknown-word entries
	secUnkIdx             // []uint32 pairs (start, count) into secUnkIDs per char.def category
	secUnkIDs             // []int32 indices into secUnkMorphs
	secRemap              // []int32: kagome id -> entry id (-1: deleted); empty when the identity
	secFeatIdx            // []uint32 pairs into secFeatBlob: feature overrides, "id NUL f1 NUL f2 ..."
	secFeatBlob           // feature overrides
	secPOSOff             // []uint32, len(morphs)+1: POS name ids of word i are posIDs[off[i]:off[i+1]]
	secPOSIDs             // []uint16 POS name ids
	secPOSNameIdx         // []uint32 pairs (offset, length) into secPOSNameBlob
	secPOSNameBlob        // POS names
	secUnkPOSIdx          // []uint32 pairs per unknown-word id into secUnkPOSBlob
	secUnkPOSBlob         // POS levels of unknown words, separated by NUL
	secBaseIdx            // []uint32 pairs per known word into secBaseBlob (full images only)
	secBaseBlob           // base forms
	nsec
)

type daNode struct{ base, check int32 }

// strTable is a list of strings stored as (offset, length) pairs over one
// blob.
type strTable struct {
	idx  []uint32
	blob []byte
}

func (t strTable) len() int { return len(t.idx) / 2 }

func (t strTable) at(i int) string {
	o, n := t.idx[2*i], t.idx[2*i+1]
	if n == 0 {
		return ""
	}
	return unsafe.String(&t.blob[o], int(n))
}

// strBuilder builds a strTable, storing each distinct string once.
type strBuilder struct {
	idx  []uint32
	blob []byte
	seen map[string]uint32
}

func (b *strBuilder) add(s string) {
	if b.seen == nil {
		b.seen = map[string]uint32{}
	}
	o, ok := b.seen[s]
	if !ok {
		o = uint32(len(b.blob))
		b.blob = append(b.blob, s...)
		b.seen[s] = o
	}
	b.idx = append(b.idx, o, uint32(len(s)))
}

func rawBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z)))
}

func castSlice[T any](b []byte) []T {
	var z T
	n := len(b) / int(unsafe.Sizeof(z))
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

func dictVersion(name Dict) string {
	if name == IPA {
		return ipaVersion
	}
	return uniVersion
}

// imageKey identifies the content of an image: dictionary, module
// versions, image format and part: "core" (what segmentation and POS
// need) or "base" (base forms only, loaded for Options.BaseForm).
func imageKey(name Dict, base bool) string {
	v := "core"
	if base {
		v = "base"
	}
	return fmt.Sprintf("%s-%s-kagome-dict-%s-f%d-%s", name, dictVersion(name), kagomeDictVersion, imageFormat, v)
}

// buildImage compiles the dictionary src (from buildDict, with its kagome
// dictionary) into an image: the core part, or the base-form part (src
// must then have kagome's contents).
func buildImage(src *dictionary, base bool) ([]byte, error) {
	name, kd, ct := src.name, src.d, src.chars
	var secs [nsec][]byte
	if base {
		b, err := baseForms(src)
		if err != nil {
			return nil, err
		}
		secs[secBaseIdx], secs[secBaseBlob] = rawBytes(b.idx), b.blob
		return assemble(imageKey(name, true), 0, flagBase, &secs), nil
	}
	da := make([]daNode, len(kd.Index.Da))
	for i, e := range kd.Index.Da {
		da[i] = daNode{e.Base, e.Check}
	}
	secs[secDA] = rawBytes(da)
	secs[secMorphs] = rawBytes(src.morphs)
	if len(src.dup) != len(src.morphs) {
		return nil, fmt.Errorf("analysis: %s: %d duplicate counts for %d words", name, len(src.dup), len(src.morphs))
	}
	secs[secDup] = rawBytes(src.dup)
	if src.connRows <= 0 || len(src.conn)%src.connRows != 0 {
		return nil, fmt.Errorf("analysis: %s: connection matrix of %d cells with %d rows", name, len(src.conn), src.connRows)
	}
	secs[secConn] = rawBytes(src.conn)
	if src.remap != nil && len(src.remap) != len(src.morphs) {
		return nil, fmt.Errorf("analysis: %s: remap of %d entries for %d words", name, len(src.remap), len(src.morphs))
	}
	secs[secRemap] = rawBytes(src.remap)
	var feats strBuilder
	ids := make([]int, 0, len(src.features))
	for id := range src.features {
		ids = append(ids, int(id))
	}
	slices.Sort(ids)
	for _, id := range ids {
		feats.add(strconv.Itoa(id) + "\x00" + strings.Join(src.features[int32(id)], "\x00"))
	}
	secs[secFeatIdx], secs[secFeatBlob] = rawBytes(feats.idx), feats.blob

	unkMorphs := make([]kdict.Morph, len(src.unkMorphs))
	var unkPOS strBuilder
	for i, m := range src.unkMorphs {
		unkMorphs[i] = m.Morph
		unkPOS.add(strings.Join(m.pos, "\x00"))
	}
	secs[secUnkMorphs] = rawBytes(unkMorphs)
	secs[secUnkPOSIdx], secs[secUnkPOSBlob] = rawBytes(unkPOS.idx), unkPOS.blob
	if len(src.unk) != len(ct.names) {
		return nil, fmt.Errorf("analysis: %s: unknown words for %d categories, char.def has %d", name, len(src.unk), len(ct.names))
	}
	var unkIdx []uint32
	var unkIDs []int32
	for _, l := range src.unk {
		unkIdx = append(unkIdx, uint32(len(unkIDs)), uint32(len(l)))
		unkIDs = append(unkIDs, l...)
	}
	secs[secUnkIdx] = rawBytes(unkIdx)
	secs[secUnkIDs] = rawBytes(unkIDs)

	if len(kd.POSTable.POSs) != len(kd.Morphs) || len(kd.Morphs) != len(src.morphs) {
		return nil, fmt.Errorf("analysis: %s: %d POS entries for %d words", name, len(kd.POSTable.POSs), len(kd.Morphs))
	}
	posOff := make([]uint32, 0, len(kd.Morphs)+1)
	var posIDs []uint16
	for _, p := range kd.POSTable.POSs {
		posOff = append(posOff, uint32(len(posIDs)))
		for _, id := range p {
			if int(id) >= len(kd.POSTable.NameList) {
				return nil, fmt.Errorf("analysis: %s: POS name id %d out of range", name, id)
			}
			posIDs = append(posIDs, uint16(id))
		}
	}
	posOff = append(posOff, uint32(len(posIDs)))
	secs[secPOSOff] = rawBytes(posOff)
	secs[secPOSIDs] = rawBytes(posIDs)
	var names strBuilder
	for _, n := range kd.POSTable.NameList {
		names.add(n)
	}
	secs[secPOSNameIdx], secs[secPOSNameBlob] = rawBytes(names.idx), names.blob
	return assemble(imageKey(name, false), uint32(src.connRows), 0, &secs), nil
}

// baseIndex is the index (POS levels included) of the base form among
// a dictionary's features: UniDic orthBase, IPADIC 基本形.
func baseIndex(name Dict, kd *kdict.Dict) int {
	if name == Uni {
		return uniOrthBase
	}
	if v, ok := kd.ContentsMeta[kdict.BaseFormIndex]; ok {
		return int(v)
	}
	return -1
}

// baseForms lists the base form of each known word (feature overrides
// first, as feature did before images).
func baseForms(src *dictionary) (*strBuilder, error) {
	name, kd := src.name, src.d
	if kd.Contents == nil || len(kd.Contents) != len(kd.Morphs) || len(kd.POSTable.POSs) != len(kd.Morphs) {
		return nil, fmt.Errorf("analysis: %s: dictionary contents missing", name)
	}
	bi := baseIndex(name, kd)
	if bi < 0 {
		return nil, fmt.Errorf("analysis: dictionary %s has no base form feature", name)
	}
	var base strBuilder
	for id, f := range kd.Contents {
		s := ""
		if o, ok := src.features[int32(id)]; ok {
			if bi < len(o) {
				s = o[bi]
			}
		} else if i := bi - len(kd.POSTable.POSs[id]); i >= 0 && i < len(f) {
			s = f[i]
		}
		base.add(s)
	}
	return &base, nil
}

func assemble(key string, rows, flags uint32, secs *[nsec][]byte) []byte {
	off := uint64(headerSize + 16*nsec)
	var table [nsec][2]uint64
	for i, s := range secs {
		off = (off + 7) &^ 7
		table[i] = [2]uint64{off, uint64(len(s))}
		off += uint64(len(s))
	}
	img := make([]byte, off)
	copy(img, imageMagic)
	ne := binary.NativeEndian
	ne.PutUint32(img[8:], endianCheck)
	ne.PutUint32(img[12:], imageFormat)
	ne.PutUint32(img[16:], nsec)
	ne.PutUint32(img[20:], rows)
	ne.PutUint32(img[24:], flags)
	ne.PutUint32(img[28:], uint32(len(key)))
	copy(img[32:headerSize], key)
	for i, t := range table {
		ne.PutUint64(img[headerSize+16*i:], t[0])
		ne.PutUint64(img[headerSize+16*i+8:], t[1])
		copy(img[t[0]:], secs[i])
	}
	return img
}

// parseImage checks the header and section table of img (which must
// stay alive and unmodified: dictionaries use it in place) and returns its
// sections. Only the header and table are read here; section contents are
// used lazily, so an image must come from buildImage (the file is written
// atomically and never modified).
func parseImage(name Dict, img []byte, base bool) (secs [nsec][]byte, rows int, err error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("analysis: %s dictionary image: %s", name, fmt.Sprintf(format, a...))
	}
	if len(img) < headerSize+16*nsec || string(img[:8]) != imageMagic {
		return secs, 0, bad("not an image")
	}
	ne := binary.NativeEndian
	if ne.Uint32(img[8:]) != endianCheck {
		return secs, 0, bad("written on a machine of other endianness")
	}
	if f := ne.Uint32(img[12:]); f != imageFormat {
		return secs, 0, bad("format %d, want %d", f, imageFormat)
	}
	if n := ne.Uint32(img[16:]); n != nsec {
		return secs, 0, bad("%d sections, want %d", n, nsec)
	}
	rows = int(ne.Uint32(img[20:]))
	if flags := ne.Uint32(img[24:]); (flags&flagBase != 0) != base {
		return secs, 0, bad("wrong part")
	}
	kl := int(ne.Uint32(img[28:]))
	if kl > maxKeyLen {
		return secs, 0, bad("bad key length %d", kl)
	}
	if k, want := string(img[32:32+kl]), imageKey(name, base); k != want {
		return secs, 0, bad("key %q, want %q", k, want)
	}
	for i := range secs {
		o, n := ne.Uint64(img[headerSize+16*i:]), ne.Uint64(img[headerSize+16*i+8:])
		if o%8 != 0 || o > uint64(len(img)) || n > uint64(len(img))-o {
			return secs, 0, bad("section %d [%d,+%d) outside the %d-byte image", i, o, n, len(img))
		}
		secs[i] = img[o : o+n : o+n]
	}
	return secs, rows, nil
}

// openImage returns the dictionary held by the core image img.
func openImage(name Dict, img []byte, ct *charTable) (*dictionary, error) {
	secs, rows, err := parseImage(name, img, false)
	if err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("analysis: %s dictionary image: %s", name, fmt.Sprintf(format, a...))
	}
	d := &dictionary{
		name:     name,
		chars:    ct,
		space:    ct.at(' '),
		da:       castSlice[daNode](secs[secDA]),
		morphs:   castSlice[kdict.Morph](secs[secMorphs]),
		dup:      castSlice[uint16](secs[secDup]),
		conn:     castSlice[int16](secs[secConn]),
		connRows: rows,
		remap:    castSlice[int32](secs[secRemap]),
		posOff:   castSlice[uint32](secs[secPOSOff]),
		posIDs:   castSlice[uint16](secs[secPOSIDs]),
		posNames: strTable{castSlice[uint32](secs[secPOSNameIdx]), secs[secPOSNameBlob]},
		img:      img,
	}
	nm := len(d.morphs)
	switch {
	case rows <= 0 || len(d.conn)%rows != 0:
		return nil, bad("connection matrix of %d cells with %d rows", len(d.conn), rows)
	case len(d.dup) != nm || len(d.posOff) != nm+1:
		return nil, bad("section sizes disagree with %d words", nm)
	case d.remap != nil && len(d.remap) != nm:
		return nil, bad("remap of %d entries for %d words", len(d.remap), nm)
	}
	um := castSlice[kdict.Morph](secs[secUnkMorphs])
	up := strTable{castSlice[uint32](secs[secUnkPOSIdx]), secs[secUnkPOSBlob]}
	if up.len() != len(um) {
		return nil, bad("unknown-word sections disagree")
	}
	d.unkMorphs = make([]unkMorph, len(um))
	for i, m := range um {
		d.unkMorphs[i] = unkMorph{Morph: m}
		if p := up.at(i); p != "" {
			d.unkMorphs[i].pos = strings.Split(p, "\x00")
		}
	}
	ft := strTable{castSlice[uint32](secs[secFeatIdx]), secs[secFeatBlob]}
	if ft.len() > 0 {
		d.features = make(map[int32][]string, ft.len())
		for i := range ft.len() {
			f := strings.Split(ft.at(i), "\x00")
			id, err := strconv.Atoi(f[0])
			if err != nil || id < 0 || id >= nm {
				return nil, bad("feature override %d: bad id %q", i, f[0])
			}
			d.features[int32(id)] = f[1:]
		}
	}
	unkIdx := castSlice[uint32](secs[secUnkIdx])
	unkIDs := castSlice[int32](secs[secUnkIDs])
	if len(unkIdx) != 2*len(ct.names) {
		return nil, bad("%d unknown-word categories, char.def has %d", len(unkIdx)/2, len(ct.names))
	}
	d.unk = make([][]int32, len(ct.names))
	for c := range ct.names {
		s, n := unkIdx[2*c], unkIdx[2*c+1]
		if uint64(s)+uint64(n) > uint64(len(unkIDs)) {
			return nil, bad("unknown-word list of category %d out of range", c)
		}
		d.unk[c] = unkIDs[s : s+n]
		for _, id := range d.unk[c] {
			if id < 0 || int(id) >= len(d.unkMorphs) {
				return nil, bad("unknown-word id %d out of range", id)
			}
		}
	}
	return d, nil
}

// openBaseImage returns the base forms held by the base image img, for a
// dictionary of nm known words.
func openBaseImage(name Dict, img []byte, nm int) (strTable, error) {
	secs, _, err := parseImage(name, img, true)
	if err != nil {
		return strTable{}, err
	}
	t := strTable{castSlice[uint32](secs[secBaseIdx]), secs[secBaseBlob]}
	if t.len() != nm {
		return strTable{}, fmt.Errorf("analysis: %s base-form image: %d entries for %d words", name, t.len(), nm)
	}
	return t, nil
}

// imageDir is where images are cached: $JRETRIEVE_CACHE/analysis, else
// the user cache directory's jretrieve/analysis. Empty when there is none.
func imageDir() string {
	if d := os.Getenv("JRETRIEVE_CACHE"); d != "" {
		return filepath.Join(d, "analysis")
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "jretrieve", "analysis")
}

func imagePath(dir string, name Dict, base bool) string {
	return filepath.Join(dir, imageKey(name, base)+".img")
}

// mapImage maps the cached image file of (name, part); errNoImage when
// there is none.
func mapImage(dir string, name Dict, base bool) ([]byte, error) {
	if dir == "" {
		return nil, errNoImage
	}
	b, err := mapFile(imagePath(dir, name, base))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoImage
	}
	return b, err
}

// errNoImage: the cache holds no image of this key.
var errNoImage = errors.New("no image")

// saveImage writes img into dir atomically (temporary file + rename) and
// maps the written file.
func saveImage(dir string, name Dict, base bool, img []byte) ([]byte, error) {
	if dir == "" {
		return nil, errNoImage
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := imagePath(dir, name, base)
	if err := atomicfile.WriteFile(p, img); err != nil {
		return nil, err
	}
	// Written pages sit in the page cache as large folios, which the
	// kernel maps whole: a process touching a few scattered pages would
	// then hold tens of MB. Dropping them makes later mappings read
	// (and keep) single pages.
	dropCache(p)
	b, err := mapFile(p)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(b[:headerSize], img[:headerSize]) {
		unmapFile(b)
		return nil, fmt.Errorf("analysis: %s: written image reads back differently", p)
	}
	return b, nil
}
