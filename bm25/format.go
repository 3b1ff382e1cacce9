package bm25

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
)

// File layout (little endian), version 1:
//
//	magic    [8]byte "JRBM25IX"
//	version  uint32  1
//	reserved uint32  0
//	length   uint64  payload bytes
//	crc      uint32  CRC-32C (Castagnoli) of the payload
//	payload:
//	  uvarint len + JSON meta {params, analysis, docs, terms, postings}
//	  docs x (uvarint len + id bytes)
//	  docs x uvarint document length (tokens)
//	  terms x (uvarint len + term bytes), strictly increasing
//	  terms x uvarint document frequency
//	  per term: df x uvarint document-number gap (first from -1), then
//	            df x uvarint term frequency (>= 1)
const (
	fileMagic   = "JRBM25IX"
	fileVersion = 1
	headerSize  = 8 + 4 + 4 + 8 + 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

type fileMeta struct {
	Params   IndexParams       `json:"params"`
	Analysis *analysis.Options `json:"analysis,omitempty"`
	Docs     uint64            `json:"docs"`
	Terms    uint64            `json:"terms"`
	Postings uint64            `json:"postings"`
}

// WriteTo writes the index in the single-file format.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	var p []byte
	meta, err := json.Marshal(fileMeta{Params: ix.params, Analysis: ix.analysis,
		Docs: uint64(len(ix.ids)), Terms: uint64(len(ix.terms)), Postings: uint64(len(ix.docs))})
	if err != nil {
		return 0, err
	}
	p = binary.AppendUvarint(p, uint64(len(meta)))
	p = append(p, meta...)
	for _, id := range ix.ids {
		p = binary.AppendUvarint(p, uint64(len(id)))
		p = append(p, id...)
	}
	for _, l := range ix.lens {
		p = binary.AppendUvarint(p, uint64(l))
	}
	for _, t := range ix.terms {
		p = binary.AppendUvarint(p, uint64(len(t)))
		p = append(p, t...)
	}
	for t := range ix.terms {
		p = binary.AppendUvarint(p, ix.offs[t+1]-ix.offs[t])
	}
	for t := range ix.terms {
		prev := int64(-1)
		for j := ix.offs[t]; j < ix.offs[t+1]; j++ {
			p = binary.AppendUvarint(p, uint64(int64(ix.docs[j])-prev))
			prev = int64(ix.docs[j])
		}
		for j := ix.offs[t]; j < ix.offs[t+1]; j++ {
			p = binary.AppendUvarint(p, uint64(ix.tfs[j]))
		}
	}
	var h [headerSize]byte
	copy(h[:], fileMagic)
	binary.LittleEndian.PutUint32(h[8:], fileVersion)
	binary.LittleEndian.PutUint64(h[16:], uint64(len(p)))
	binary.LittleEndian.PutUint32(h[24:], crc32.Checksum(p, castagnoli))
	n, err := w.Write(h[:])
	if err != nil {
		return int64(n), err
	}
	m, err := w.Write(p)
	return int64(n + m), err
}

// Save writes the index to path through a temporary file in the same
// directory, renamed into place once complete and synced.
func (ix *Index) Save(path string) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { _, err := ix.WriteTo(w); return err }); err != nil {
		return fmt.Errorf("bm25: save: %w", err)
	}
	return nil
}

// Load reads an index file written by Save.
func Load(path string) (*Index, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bm25: load: %w", err)
	}
	ix, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("bm25: load %s: %w", path, err)
	}
	return ix, nil
}

// ReadIndex reads an index in the single-file format from r.
func ReadIndex(r io.Reader) (*Index, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return Decode(b)
}

// ErrFormat is wrapped by every error about a malformed index file.
var ErrFormat = errors.New("bad index file")

func formatErr(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, a...)...)
}

// Decode parses an index file held in memory.
func Decode(b []byte) (*Index, error) {
	if len(b) < len(fileMagic) || string(b[:len(fileMagic)]) != fileMagic {
		return nil, formatErr("not a jretrieve BM25 index (magic %q)", b[:min(len(b), len(fileMagic))])
	}
	if len(b) < headerSize {
		return nil, formatErr("truncated header: %d of %d bytes", len(b), headerSize)
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != fileVersion {
		return nil, formatErr("unsupported version %d (this build reads %d)", v, fileVersion)
	}
	plen := binary.LittleEndian.Uint64(b[16:])
	have := uint64(len(b) - headerSize)
	if have < plen {
		return nil, formatErr("truncated: payload has %d of %d bytes", have, plen)
	}
	if have > plen {
		return nil, formatErr("%d unexpected bytes after the payload", have-plen)
	}
	p := b[headerSize:]
	if got, want := crc32.Checksum(p, castagnoli), binary.LittleEndian.Uint32(b[24:]); got != want {
		return nil, formatErr("checksum mismatch (crc32c %08x, header says %08x): file is corrupt", got, want)
	}
	return decodePayload(p)
}

type reader struct {
	b   []byte
	off int
}

// uvarint decodes a varint; what is called to name the field in errors.
func (r *reader) uvarint(what func() string) (uint64, error) {
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		return 0, formatErr("%s at payload offset %d: bad or truncated varint", what(), r.off)
	}
	r.off += n
	return v, nil
}

func (r *reader) bytes(what func() string) ([]byte, error) {
	n, err := r.uvarint(func() string { return what() + " length" })
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.b)-r.off) {
		return nil, formatErr("%s at payload offset %d: length %d exceeds the file", what(), r.off, n)
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

// decodePayload parses and validates the payload (after the checksum).
func decodePayload(p []byte) (*Index, error) {
	r := &reader{b: p}
	mb, err := r.bytes(func() string { return "meta" })
	if err != nil {
		return nil, err
	}
	var meta fileMeta
	if err := json.Unmarshal(mb, &meta); err != nil {
		return nil, formatErr("meta: %v", err)
	}
	params, err := meta.Params.withDefaults()
	if err != nil || params != meta.Params {
		return nil, formatErr("meta: invalid params %+v", meta.Params)
	}
	// every document, term and posting takes at least one byte
	rest := uint64(len(p) - r.off)
	if meta.Docs > rest || meta.Terms > rest || meta.Postings > rest || meta.Docs >= math.MaxUint32 {
		return nil, formatErr("meta: counts (docs %d, terms %d, postings %d) exceed the file size", meta.Docs, meta.Terms, meta.Postings)
	}
	ix := &Index{params: params, analysis: meta.Analysis}
	ix.ids = make([]string, meta.Docs)
	for i := range ix.ids {
		s, err := r.bytes(func() string { return fmt.Sprintf("document %d id", i) })
		if err != nil {
			return nil, err
		}
		ix.ids[i] = string(s)
	}
	ix.lens = make([]uint32, meta.Docs)
	for i := range ix.lens {
		v, err := r.uvarint(func() string { return fmt.Sprintf("document %d length", i) })
		if err != nil {
			return nil, err
		}
		if v > math.MaxUint32 {
			return nil, formatErr("document %d length %d out of range", i, v)
		}
		ix.lens[i] = uint32(v)
	}
	ix.terms = make([]string, meta.Terms)
	for i := range ix.terms {
		s, err := r.bytes(func() string { return fmt.Sprintf("term %d", i) })
		if err != nil {
			return nil, err
		}
		ix.terms[i] = string(s)
		if i > 0 && ix.terms[i-1] >= ix.terms[i] {
			return nil, formatErr("term %d %q not after %q", i, ix.terms[i], ix.terms[i-1])
		}
	}
	ix.offs = make([]uint64, meta.Terms+1)
	for i := range ix.terms {
		df, err := r.uvarint(func() string { return fmt.Sprintf("term %d document frequency", i) })
		if err != nil {
			return nil, err
		}
		if df == 0 || df > meta.Docs {
			return nil, formatErr("term %d document frequency %d out of range 1..%d", i, df, meta.Docs)
		}
		ix.offs[i+1] = ix.offs[i] + df
		if ix.offs[i+1] > meta.Postings {
			return nil, formatErr("postings exceed the declared %d", meta.Postings)
		}
	}
	if ix.offs[meta.Terms] != meta.Postings {
		return nil, formatErr("postings sum to %d, declared %d", ix.offs[meta.Terms], meta.Postings)
	}
	ix.docs = make([]uint32, meta.Postings)
	ix.tfs = make([]uint32, meta.Postings)
	sumTF := make([]uint64, meta.Docs)
	for t := range ix.terms {
		prev := int64(-1)
		for j := ix.offs[t]; j < ix.offs[t+1]; j++ {
			g, err := r.uvarint(func() string { return fmt.Sprintf("term %q posting", ix.terms[t]) })
			if err != nil {
				return nil, err
			}
			if g == 0 || g > meta.Docs || prev+int64(g) >= int64(meta.Docs) {
				return nil, formatErr("term %q: document gap %d out of range", ix.terms[t], g)
			}
			prev += int64(g)
			ix.docs[j] = uint32(prev)
		}
		for j := ix.offs[t]; j < ix.offs[t+1]; j++ {
			tf, err := r.uvarint(func() string { return fmt.Sprintf("term %q frequency", ix.terms[t]) })
			if err != nil {
				return nil, err
			}
			if tf == 0 || tf > math.MaxUint32 {
				return nil, formatErr("term %q: frequency %d out of range", ix.terms[t], tf)
			}
			ix.tfs[j] = uint32(tf)
			sumTF[ix.docs[j]] += tf
		}
	}
	if r.off != len(p) {
		return nil, formatErr("%d trailing bytes in the payload", len(p)-r.off)
	}
	for d, l := range ix.lens {
		if sumTF[d] != uint64(l) {
			return nil, formatErr("document %d (id %q): length %d but its postings count %d tokens", d, ix.ids[d], l, sumTF[d])
		}
	}
	ix.derive()
	return ix, nil
}
