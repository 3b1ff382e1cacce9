package vecsim

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/jretrieve/jretrieve/internal/atomicfile"
)

var npyMagic = []byte("\x93NUMPY")

// maxNPYHeader bounds the header length accepted by ReadNPY.
const maxNPYHeader = 1 << 20

// ReadNPY reads a little-endian float32 array in C order from an .npy
// stream (format versions 1.0, 2.0 and 3.0). A 2-D array (n, d) becomes an
// n x d Matrix, a 1-D array (d,) a 1 x d Matrix. Other dtypes, Fortran
// order, other ranks, corrupt headers, truncated data and trailing bytes
// are errors.
func ReadNPY(r io.Reader) (Matrix, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return Matrix{}, fmt.Errorf("npy: reading magic: %w", unexpected(err))
	}
	if string(pre[:6]) != string(npyMagic) {
		return Matrix{}, fmt.Errorf("npy: bad magic %q, not an .npy file", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen int
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Matrix{}, fmt.Errorf("npy: reading header length: %w", unexpected(err))
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Matrix{}, fmt.Errorf("npy: reading header length: %w", unexpected(err))
		}
		h := binary.LittleEndian.Uint32(b[:])
		if h > maxNPYHeader {
			return Matrix{}, fmt.Errorf("npy: header length %d exceeds %d bytes", h, maxNPYHeader)
		}
		hlen = int(h)
	default:
		return Matrix{}, fmt.Errorf("npy: unsupported format version %d.%d", major, minor)
	}
	if minor != 0 {
		return Matrix{}, fmt.Errorf("npy: unsupported format version %d.%d", major, minor)
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return Matrix{}, fmt.Errorf("npy: reading %d-byte header: %w", hlen, unexpected(err))
	}
	shape, err := parseNPYHeader(string(hb))
	if err != nil {
		return Matrix{}, fmt.Errorf("npy: header %q: %w", strings.TrimSpace(string(hb)), err)
	}
	var m Matrix
	switch len(shape) {
	case 1:
		m.Rows, m.Dim = 1, shape[0]
	case 2:
		m.Rows, m.Dim = shape[0], shape[1]
	default:
		return Matrix{}, fmt.Errorf("npy: shape has %d dimensions, want 1 or 2", len(shape))
	}
	if m.Dim != 0 && m.Rows > math.MaxInt/4/m.Dim {
		return Matrix{}, fmt.Errorf("npy: shape (%d, %d) too large", m.Rows, m.Dim)
	}
	n := m.Rows * m.Dim
	// Grow with the data actually present so a corrupt shape cannot force a
	// huge allocation.
	const chunk = 1 << 16
	m.Data = make([]float32, 0, min(n, 1<<22))
	buf := make([]byte, 4*chunk)
	for len(m.Data) < n {
		c := min(chunk, n-len(m.Data))
		b := buf[:4*c]
		got, err := io.ReadFull(r, b)
		if err != nil {
			have := int64(len(m.Data))*4 + int64(got)
			return Matrix{}, fmt.Errorf("npy: data truncated: shape (%d, %d) needs %d bytes, file has %d: %w",
				m.Rows, m.Dim, int64(n)*4, have, io.ErrUnexpectedEOF)
		}
		for i := 0; i < c; i++ {
			m.Data = append(m.Data, math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
		}
	}
	var one [1]byte
	if _, err := io.ReadFull(r, one[:]); err == nil {
		return Matrix{}, fmt.Errorf("npy: trailing bytes after %d values of shape (%d, %d)", n, m.Rows, m.Dim)
	}
	return m, nil
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseNPYHeader parses the Python dict literal of an .npy header and
// returns the shape. It accepts exactly the keys descr, fortran_order, shape.
func parseNPYHeader(h string) ([]int, error) {
	p := &dictParser{s: strings.TrimRight(h, " \n\x00")}
	if !p.eat('{') {
		return nil, errors.New("missing '{'")
	}
	var (
		descr          string
		haveDescr      bool
		fortran, haveF bool
		shape          []int
		haveShape      bool
	)
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return nil, fmt.Errorf("key: %w", err)
		}
		p.space()
		if !p.eat(':') {
			return nil, fmt.Errorf("missing ':' after key %q", key)
		}
		p.space()
		switch key {
		case "descr":
			if haveDescr {
				return nil, errors.New("duplicate key 'descr'")
			}
			if descr, err = p.str(); err != nil {
				return nil, fmt.Errorf("descr: %w", err)
			}
			haveDescr = true
		case "fortran_order":
			if haveF {
				return nil, errors.New("duplicate key 'fortran_order'")
			}
			switch {
			case strings.HasPrefix(p.s[p.i:], "False"):
				p.i += 5
			case strings.HasPrefix(p.s[p.i:], "True"):
				p.i += 4
				fortran = true
			default:
				return nil, errors.New("fortran_order is not True or False")
			}
			haveF = true
		case "shape":
			if haveShape {
				return nil, errors.New("duplicate key 'shape'")
			}
			if shape, err = p.tuple(); err != nil {
				return nil, fmt.Errorf("shape: %w", err)
			}
			haveShape = true
		default:
			return nil, fmt.Errorf("unknown key %q", key)
		}
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if p.eat('}') {
			break
		}
		return nil, fmt.Errorf("expected ',' or '}' at offset %d", p.i)
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected text after '}' at offset %d", p.i)
	}
	if !haveDescr || !haveF || !haveShape {
		return nil, errors.New("missing one of 'descr', 'fortran_order', 'shape'")
	}
	switch descr {
	case "<f4":
	default:
		return nil, fmt.Errorf("dtype '%s' not supported, want '<f4' (numpy: a.astype('<f4'))", descr)
	}
	if fortran {
		return nil, errors.New("fortran_order True not supported, want C order (numpy: np.ascontiguousarray)")
	}
	return shape, nil
}

type dictParser struct {
	s string
	i int
}

func (p *dictParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *dictParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *dictParser) str() (string, error) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", fmt.Errorf("expected quoted string at offset %d", p.i)
	}
	q := p.s[p.i]
	j := strings.IndexByte(p.s[p.i+1:], q)
	if j < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+j]
	p.i += j + 2
	return v, nil
}

func (p *dictParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, fmt.Errorf("expected '(' at offset %d", p.i)
	}
	var out []int
	for {
		p.space()
		if p.eat(')') {
			return out, nil
		}
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j < len(p.s) && p.s[j] == 'L' { // Python 2 long suffix
			j++
		}
		num := strings.TrimSuffix(p.s[p.i:j], "L")
		if num == "" {
			return nil, fmt.Errorf("expected integer at offset %d", p.i)
		}
		v, err := strconv.Atoi(num)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("bad dimension %q", num)
		}
		out = append(out, v)
		if len(out) > 32 {
			return nil, errors.New("too many dimensions")
		}
		p.i = j
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if p.eat(')') {
			return out, nil
		}
		return nil, fmt.Errorf("expected ',' or ')' at offset %d", p.i)
	}
}

// WriteNPY writes m as a 2-D little-endian float32 C-order .npy array. It
// uses format version 1.0 (2.0 only if the header would not fit), with the
// header padded to a multiple of 64 bytes like numpy.
func WriteNPY(w io.Writer, m Matrix) error {
	return writeNPY(w, m, 1)
}

// WriteNPYVersion is WriteNPY with an explicit format major version (1 or 2).
func WriteNPYVersion(w io.Writer, m Matrix, major int) error {
	if major != 1 && major != 2 {
		return fmt.Errorf("npy: cannot write format version %d.0", major)
	}
	return writeNPY(w, m, major)
}

func writeNPY(w io.Writer, m Matrix, major int) error {
	if err := m.Validate(); err != nil {
		return err
	}
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", m.Rows, m.Dim)
	pre := 10
	if major == 2 {
		pre = 12
	}
	total := (pre + len(dict) + 1 + 63) / 64 * 64
	if major == 1 && total-pre > math.MaxUint16 {
		major, pre = 2, 12
		total = (pre + len(dict) + 1 + 63) / 64 * 64
	}
	hlen := total - pre
	hdr := make([]byte, 0, total)
	hdr = append(hdr, npyMagic...)
	hdr = append(hdr, byte(major), 0)
	if major == 1 {
		hdr = binary.LittleEndian.AppendUint16(hdr, uint16(hlen))
	} else {
		hdr = binary.LittleEndian.AppendUint32(hdr, uint32(hlen))
	}
	hdr = append(hdr, dict...)
	for len(hdr) < total-1 {
		hdr = append(hdr, ' ')
	}
	hdr = append(hdr, '\n')
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.Write(hdr); err != nil {
		return fmt.Errorf("npy: writing header: %w", err)
	}
	var b [4]byte
	for _, x := range m.Data {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(x))
		if _, err := bw.Write(b[:]); err != nil {
			return fmt.Errorf("npy: writing data: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("npy: writing data: %w", err)
	}
	return nil
}

// ReadNPYFile reads an .npy file; errors name the path.
func ReadNPYFile(path string) (Matrix, error) {
	f, err := os.Open(path)
	if err != nil {
		return Matrix{}, err
	}
	defer f.Close()
	m, err := ReadNPY(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return Matrix{}, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// WriteNPYFile writes m to path through a temporary file in the same
// directory that is renamed into place, so readers never see a partial file.
func WriteNPYFile(path string, m Matrix) error {
	return atomicfile.Write(path, func(w io.Writer) error { return WriteNPY(w, m) })
}
