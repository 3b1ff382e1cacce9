// Package utf8check is the one rule jretrieve applies to text input that is
// not valid UTF-8: reject it with the file and the line, never replace the
// bytes with U+FFFD (as encoding/json does) or drop them. Readers of TREC
// files, ranx JSON runs, JSONL datasets, RAG store documents and the
// command line's standard input all report the same *Error.
package utf8check

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// ErrInvalid is wrapped by every *Error.
var ErrInvalid = errors.New("not valid UTF-8")

// Error locates the first invalid byte: File (a path, or a name such as
// "stdin"), Line from 1 and Column, the byte offset in the line from 1.
type Error struct {
	File   string
	Line   int
	Column int
	Byte   byte
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d: text is not valid UTF-8 (byte 0x%02x at column %d)", e.File, e.Line, e.Byte, e.Column)
}

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// Line checks one line of text, line numbered from 1 in file. It returns
// nil or an *Error.
func Line(b []byte, file string, line int) error {
	if utf8.Valid(b) {
		return nil
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return &Error{File: file, Line: line, Column: i + 1, Byte: b[i]}
		}
		i += n
	}
	return nil
}

// String is Line for a string.
func String(s, file string, line int) error {
	if utf8.ValidString(s) {
		return nil
	}
	return Line([]byte(s), file, line)
}

// NewReader returns a reader of r's bytes that stops with an *Error (after
// the valid bytes before it) at the first byte that is not valid UTF-8,
// including a sequence cut off by the end of the input. The invalid byte is
// never passed on, so a decoder reading through it cannot replace it.
func NewReader(r io.Reader, file string) io.Reader {
	return &reader{r: r, file: file, line: 1, buf: make([]byte, 1<<16)}
}

type reader struct {
	r    io.Reader
	file string
	line int
	col  int // bytes of the current line already validated
	buf  []byte
	// buf[start:valid] is checked and not yet delivered; buf[valid:end] is
	// an incomplete sequence waiting for more input.
	start, valid, end int
	err               error
}

func (c *reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for c.start == c.valid {
		if c.err != nil {
			return 0, c.err
		}
		c.end = copy(c.buf, c.buf[c.valid:c.end])
		c.start, c.valid = 0, 0
		m, err := c.r.Read(c.buf[c.end:])
		c.end += m
		c.check(err != nil)
		if err != nil && c.err == nil {
			c.err = err
		}
	}
	n := copy(p, c.buf[c.start:c.valid])
	c.start += n
	return n, nil
}

// check advances valid over buf[valid:end]; atEOF makes a trailing
// incomplete sequence invalid.
func (c *reader) check(atEOF bool) {
	b := c.buf
	i := c.valid
	for i < c.end {
		if x := b[i]; x < utf8.RuneSelf {
			if x == '\n' {
				c.line++
				c.col = 0
			} else {
				c.col++
			}
			i++
			continue
		}
		if !utf8.FullRune(b[i:c.end]) && !atEOF {
			break
		}
		r, n := utf8.DecodeRune(b[i:c.end])
		if r == utf8.RuneError && n <= 1 {
			c.err = &Error{File: c.file, Line: c.line, Column: c.col + 1, Byte: b[i]}
			break
		}
		c.col += n
		i += n
	}
	c.valid = i
}
