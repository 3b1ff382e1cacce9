package datasets

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/jretrieve/jretrieve/internal/utf8check"
)

// jsonlTable reads one JSON object per line. Blank lines are skipped.
type jsonlTable struct {
	path string
	f    io.Closer
	r    *bufio.Reader
	cols []column
	line int
}

func openJSONL(path string, cols []column) (table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return newJSONLTable(path, f, f, cols), nil
}

func newJSONLTable(name string, r io.Reader, c io.Closer, cols []column) *jsonlTable {
	return &jsonlTable{path: name, f: c, r: bufio.NewReaderSize(r, 1<<16), cols: cols}
}

func (t *jsonlTable) numRows() int64 { return -1 }
func (t *jsonlTable) pos() string    { return "line " + strconv.Itoa(t.line) }
func (t *jsonlTable) close() error {
	if t.f == nil {
		return nil
	}
	return t.f.Close()
}

func (t *jsonlTable) next(row []cell) error {
	var line []byte
	for {
		b, err := t.r.ReadBytes('\n')
		if len(b) == 0 && err == io.EOF {
			return io.EOF
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s: %w", t.path, err)
		}
		t.line++
		line = bytes.TrimSpace(b)
		if len(line) > 0 {
			break
		}
		if err == io.EOF {
			return io.EOF
		}
	}
	// encoding/json would replace invalid bytes with U+FFFD: reject them
	// first, like the TREC readers.
	if err := utf8check.Line(line, t.path, t.line); err != nil {
		ue := err.(*utf8check.Error)
		return &rowError{file: t.path, pos: t.pos(), err: fmt.Errorf("text is %w (byte 0x%02x at column %d)", utf8check.ErrInvalid, ue.Byte, ue.Column)}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return &rowError{file: t.path, pos: t.pos(), err: fmt.Errorf("not a JSON object: %v", err)}
	}
	for i, c := range t.cols {
		raw, ok := obj[c.name]
		if !ok || (c.opt && string(bytes.TrimSpace(raw)) == "null") {
			if c.opt {
				row[i] = cell{}
				continue
			}
			return &rowError{file: t.path, pos: t.pos(), err: fmt.Errorf("missing field %q", c.name)}
		}
		if err := decodeJSONCell(raw, c.kind, &row[i]); err != nil {
			return &rowError{file: t.path, pos: t.pos(), column: c.name, err: err}
		}
	}
	return nil
}

func decodeJSONCell(raw json.RawMessage, kind colKind, out *cell) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return errors.New("null value")
	}
	wrong := func() error {
		s := string(raw)
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return fmt.Errorf("got %s, want %s", s, kind)
	}
	switch kind {
	case kindString:
		if raw[0] != '"' {
			return wrong()
		}
		return json.Unmarshal(raw, &out.s)
	case kindInt:
		switch string(raw) {
		case "true":
			out.n = 1
			return nil
		case "false":
			out.n = 0
			return nil
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return wrong()
		}
		out.n = n
	case kindID:
		if raw[0] == '"' {
			out.isInt = false
			return json.Unmarshal(raw, &out.s)
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return wrong()
		}
		out.s = strconv.FormatInt(n, 10)
		out.isInt = true
	case kindFloat:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return wrong()
		}
		out.f = f
	case kindIDList:
		if raw[0] != '[' {
			// a single id reads as a list of one
			if err := decodeJSONCell(raw, kindID, out); err != nil {
				return err
			}
			out.list = []string{out.s}
			return nil
		}
		var l []json.RawMessage
		if err := json.Unmarshal(raw, &l); err != nil {
			return wrong()
		}
		out.list = make([]string, len(l))
		out.isInt = true
		for i, e := range l {
			var c cell
			if err := decodeJSONCell(e, kindID, &c); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
			out.list[i] = c.s
			out.isInt = out.isInt && c.isInt
		}
	case kindStringList:
		if raw[0] != '[' {
			return wrong()
		}
		var l []string
		if err := json.Unmarshal(raw, &l); err != nil {
			return wrong()
		}
		out.list = l
	}
	return nil
}
