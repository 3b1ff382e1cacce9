package main

import (
	"encoding/binary"
	"errors"
	"io"
	"strings"
)

// readInt64NPY reads a 1-D little-endian int64 .npy array.
func readInt64NPY(r io.Reader) ([]int, error) {
	var magic [8]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, err
	}
	if string(magic[:6]) != "\x93NUMPY" {
		return nil, errors.New("not a .npy file")
	}
	var hl int
	if magic[6] == 1 {
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, err
		}
		hl = int(binary.LittleEndian.Uint16(b[:]))
	} else {
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, err
		}
		hl = int(binary.LittleEndian.Uint32(b[:]))
	}
	h := make([]byte, hl)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, err
	}
	if !strings.Contains(string(h), "'<i8'") {
		return nil, errors.New("want int64 labels, header " + string(h))
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(b)/8)
	for i := range out {
		out[i] = int(int64(binary.LittleEndian.Uint64(b[i*8:])))
	}
	return out, nil
}
