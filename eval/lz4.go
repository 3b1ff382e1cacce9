package eval

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
	"github.com/pierrec/lz4/v4"
)

// maxDecoded bounds the size of a decompressed .lz4 run (guards against
// decompression bombs).
const maxDecoded = 1 << 30

// ReadLZ4Run reads a ranx .lz4 run: CBOR of {query: {doc: score}} inside an
// LZ4 frame inside another LZ4 frame (ranx's save_lz4). Map order is kept.
func ReadLZ4Run(r io.Reader, file, name string) (*Run, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	ob := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(ob)
	// The outer frame holds an lz4 frame, which barely compresses: its size
	// is a good preallocation hint when the header has none.
	hint := lz4ContentSize(data)
	if hint == 0 {
		hint = int64(len(data)) + 1<<10
	}
	outer, err := readAllLimited(lz4.NewReader(bytes.NewReader(data)), ob, hint)
	if err != nil {
		return nil, fmt.Errorf("%s: outer lz4 frame: %w", file, err)
	}
	if !bytes.HasPrefix(outer, lz4Magic) {
		return nil, fmt.Errorf("%s: inner data is not an lz4 frame (ranx writes lz4 inside lz4)", file)
	}
	ib := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(ib)
	inner, err := readAllLimited(lz4.NewReader(bytes.NewReader(outer)), ib, lz4ContentSize(outer))
	if err != nil {
		return nil, fmt.Errorf("%s: inner lz4 frame: %w", file, err)
	}
	run, err := decodeCBORRun(inner, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return run, nil
}

// bufPool recycles decompression buffers (decoded strings are copied out).
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// lz4ContentSize returns the content size stored in an LZ4 frame header
// (python-lz4 stores it by default), or 0. It is only a preallocation hint.
func lz4ContentSize(b []byte) int64 {
	if len(b) < 14 || !bytes.HasPrefix(b, lz4Magic) || b[4]&0x08 == 0 {
		return 0
	}
	n := binary.LittleEndian.Uint64(b[6:14])
	// LZ4 cannot expand data more than ~255x: a larger claim is corrupt
	// (or hostile) and must not drive the allocation.
	if n > maxDecoded || n > 256*uint64(len(b)) {
		return 0
	}
	return int64(n)
}

func readAllLimited(r io.Reader, buf *bytes.Buffer, hint int64) ([]byte, error) {
	buf.Reset()
	buf.Grow(int(hint) + bytes.MinRead)
	n, err := buf.ReadFrom(io.LimitReader(r, maxDecoded+1))
	if err != nil {
		return nil, err
	}
	if n > maxDecoded {
		return nil, fmt.Errorf("decompressed data larger than %d bytes", int64(maxDecoded))
	}
	if n == 0 {
		return nil, errors.New("empty frame")
	}
	return buf.Bytes(), nil
}

var cborDec, _ = cbor.DecOptions{MaxNestedLevels: 16}.DecMode()

// cborReader walks the top two map levels of a ranx CBOR run itself (Go maps
// lose the order ranx ties depend on) and hands every other item to
// fxamacker/cbor. Text strings and float64 scores, which is all ranx writes,
// take a fast path.
type cborReader struct {
	data []byte
	pos  int
}

func (c *cborReader) errf(format string, a ...any) error {
	return fmt.Errorf("cbor offset %d: %s", c.pos, fmt.Sprintf(format, a...))
}

// head reads an item head: major type, and argument. indefinite is true for
// an indefinite-length map.
func (c *cborReader) head() (major byte, arg uint64, indefinite bool, err error) {
	if c.pos >= len(c.data) {
		return 0, 0, false, c.errf("unexpected end of data")
	}
	b := c.data[c.pos]
	major, info := b>>5, b&0x1f
	switch {
	case info < 24:
		c.pos++
		return major, uint64(info), false, nil
	case info <= 27:
		n := 1 << (info - 24)
		if c.pos+1+n > len(c.data) {
			return 0, 0, false, c.errf("unexpected end of data")
		}
		p := c.data[c.pos+1 : c.pos+1+n]
		switch n {
		case 1:
			arg = uint64(p[0])
		case 2:
			arg = uint64(binary.BigEndian.Uint16(p))
		case 4:
			arg = uint64(binary.BigEndian.Uint32(p))
		default:
			arg = binary.BigEndian.Uint64(p)
		}
		c.pos += 1 + n
		return major, arg, false, nil
	case info == 31:
		c.pos++
		return major, 0, true, nil
	}
	return 0, 0, false, c.errf("malformed item head 0x%02x", b)
}

// mapLen reads a map head. n < 0 means indefinite length.
func (c *cborReader) mapLen(what string) (int, error) {
	at := c.pos
	major, arg, indef, err := c.head()
	if err != nil {
		return 0, err
	}
	if major != 5 {
		c.pos = at
		return 0, c.errf("%s: want a map, got major type %d", what, major)
	}
	if indef {
		return -1, nil
	}
	if arg > uint64(len(c.data)) { // each entry takes at least 2 bytes
		c.pos = at
		return 0, c.errf("%s: map length %d exceeds the data", what, arg)
	}
	return int(arg), nil
}

// more reports whether a map with n entries (n<0: indefinite) has another
// entry after i entries, consuming the break byte.
func (c *cborReader) more(n, i int) (bool, error) {
	if n >= 0 {
		return i < n, nil
	}
	if c.pos >= len(c.data) {
		return false, c.errf("unexpected end of data in indefinite map")
	}
	if c.data[c.pos] == 0xff {
		c.pos++
		return false, nil
	}
	return true, nil
}

func (c *cborReader) text(whatf func() string) (string, error) {
	if c.pos < len(c.data) && c.data[c.pos]>>5 == 3 && c.data[c.pos]&0x1f != 31 {
		at := c.pos
		_, arg, _, err := c.head()
		if err != nil {
			return "", err
		}
		if arg > uint64(len(c.data)-c.pos) {
			c.pos = at
			return "", c.errf("%s: string length %d exceeds the data", whatf(), arg)
		}
		b := c.data[c.pos : c.pos+int(arg)]
		if !utf8.Valid(b) {
			c.pos = at
			return "", c.errf("%s: invalid UTF-8 in text string", whatf())
		}
		c.pos += int(arg)
		return string(b), nil
	}
	var s string
	if err := c.generic(&s); err != nil {
		return "", fmt.Errorf("%s: %w", whatf(), err)
	}
	return s, nil
}

// rawText returns the bytes of a definite-length text string without
// checking UTF-8 (the caller does); fast is false for any other item, which
// is left unread.
func (c *cborReader) rawText() (b []byte, fast bool) {
	if c.pos >= len(c.data) || c.data[c.pos]>>5 != 3 || c.data[c.pos]&0x1f == 31 {
		return nil, false
	}
	at := c.pos
	_, arg, _, err := c.head()
	if err != nil || arg > uint64(len(c.data)-c.pos) {
		c.pos = at
		return nil, false
	}
	b = c.data[c.pos : c.pos+int(arg)]
	c.pos += int(arg)
	return b, true
}

func (c *cborReader) number(whatf func() string) (float64, error) {
	if c.pos+9 <= len(c.data) && c.data[c.pos] == 0xfb {
		f := math.Float64frombits(binary.BigEndian.Uint64(c.data[c.pos+1:]))
		c.pos += 9
		return f, nil
	}
	var v any
	if err := c.generic(&v); err != nil {
		return 0, fmt.Errorf("%s: %w", whatf(), err)
	}
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case uint64:
		return float64(x), nil
	case int64:
		return float64(x), nil
	}
	return 0, fmt.Errorf("%s: score is %T, not a number", whatf(), v)
}

func (c *cborReader) generic(v any) error {
	if c.pos >= len(c.data) {
		return c.errf("unexpected end of data")
	}
	rest, err := cborDec.UnmarshalFirst(c.data[c.pos:], v)
	if err != nil {
		return c.errf("%v", err)
	}
	c.pos = len(c.data) - len(rest)
	return nil
}

func decodeCBORRun(data []byte, name string) (*Run, error) {
	c := &cborReader{data: data}
	nq, err := c.mapLen("run")
	if err != nil {
		return nil, err
	}
	run := NewRun(name)
	seen := new(dupTable)
	var arena []byte
	var ends []int
	for i := 0; ; i++ {
		ok, err := c.more(nq, i)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		qid, err := c.text(func() string { return "query id" })
		if err != nil {
			return nil, err
		}
		if run.Has(qid) {
			return nil, c.errf("duplicate query %q", qid)
		}
		q := run.getOrAdd(qid)
		nd, err := c.mapLen(fmt.Sprintf("query %q", qid))
		docWhat := func() string { return fmt.Sprintf("query %q: doc id", qid) }
		if err != nil {
			return nil, err
		}
		if nd > 0 {
			q.docs = make([]string, 0, nd)
			q.scores = make([]float64, 0, nd)
		}
		// Doc ids of a query share one string (one allocation per query).
		arena = arena[:0]
		ends = ends[:0]
		for j := 0; ; j++ {
			ok, err := c.more(nd, j)
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			start := len(arena)
			if b, fast := c.rawText(); fast {
				arena = append(arena, b...)
			} else {
				doc, err := c.text(docWhat)
				if err != nil {
					return nil, err
				}
				arena = append(arena, doc...)
			}
			if start < len(arena) && !utf8.RuneStart(arena[start]) {
				return nil, c.errf("query %q: invalid UTF-8 in doc id %q", qid, arena[start:])
			}
			ends = append(ends, len(arena))
			docAt := func() string { return string(arena[start:]) }
			s, err := c.number(func() string { return fmt.Sprintf("query %q doc %q", qid, docAt()) })
			if err != nil {
				return nil, err
			}
			if err := checkScore(s); err != nil {
				return nil, c.errf("query %q doc %q: %v", qid, docAt(), err)
			}
			q.scores = append(q.scores, s)
		}
		if !utf8.Valid(arena) {
			return nil, fmt.Errorf("query %q: invalid UTF-8 in a doc id", qid)
		}
		all := string(arena)
		prev := 0
		for _, e := range ends {
			q.docs = append(q.docs, all[prev:e])
			prev = e
		}
		if d, _, _, dup := q.duplicate(seen); dup {
			return nil, fmt.Errorf("query %q: duplicate doc %q", qid, d)
		}
	}
	if c.pos != len(data) {
		return nil, c.errf("trailing data after the run map")
	}
	if run.Len() == 0 {
		return nil, errors.New("empty run")
	}
	return run, nil
}

// WriteLZ4Run writes run the way ranx's save_lz4 does: CBOR (definite-length
// maps, text keys, float64 scores; queries in code point order, documents in
// insertion order), compressed into an LZ4 frame, written through a second
// LZ4 frame.
func WriteLZ4Run(w io.Writer, run *Run) error {
	var raw bytes.Buffer
	if err := encodeCBORRun(&raw, run); err != nil {
		return err
	}
	var inner bytes.Buffer
	zw := lz4.NewWriter(&inner)
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	ow := lz4.NewWriter(w)
	if _, err := ow.Write(inner.Bytes()); err != nil {
		return err
	}
	return ow.Close()
}

var cborEnc, _ = cbor.EncOptions{ShortestFloat: cbor.ShortestFloatNone}.EncMode()

func encodeCBORRun(w io.Writer, run *Run) error {
	if err := run.checkUTF8(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	enc := cborEnc.NewEncoder(bw)
	writeMapHead(bw, len(run.qs))
	for _, id := range run.Queries() {
		q := run.query(id)
		if err := enc.Encode(id); err != nil {
			return err
		}
		writeMapHead(bw, len(q.docs))
		for i, d := range q.docs {
			if err := enc.Encode(d); err != nil {
				return err
			}
			if err := enc.Encode(q.scores[i]); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

func writeMapHead(w *bufio.Writer, n int) {
	const major = 5 << 5
	switch {
	case n < 24:
		w.WriteByte(byte(major | n))
	case n <= math.MaxUint8:
		w.Write([]byte{major | 24, byte(n)})
	case n <= math.MaxUint16:
		w.Write([]byte{major | 25, byte(n >> 8), byte(n)})
	case n <= math.MaxUint32:
		w.Write([]byte{major | 26, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
	default:
		var b [9]byte
		b[0] = major | 27
		binary.BigEndian.PutUint64(b[1:], uint64(n))
		w.Write(b[:])
	}
}
