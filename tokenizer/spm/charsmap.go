package spm

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Charsmap is a SentencePiece precompiled normalization map: a darts-clone
// double array over UTF-8 byte sequences whose values index a blob of
// NUL-terminated replacement strings.
type Charsmap struct {
	units      []uint32
	normalized []byte
}

// ParseCharsmap decodes the precompiled_charsmap blob of a NormalizerSpec
// (also the base64 payload of a tokenizer.json Precompiled normalizer).
// An empty blob yields a nil map (identity).
func ParseCharsmap(b []byte) (*Charsmap, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if len(b) < 4 {
		return nil, errors.New("precompiled charsmap: too short")
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(n)+4 > uint64(len(b)) || n%4 != 0 {
		return nil, fmt.Errorf("precompiled charsmap: trie size %d exceeds blob of %d bytes", n, len(b))
	}
	units := make([]uint32, n/4)
	for i := range units {
		units[i] = binary.LittleEndian.Uint32(b[4+4*i:])
	}
	if len(units) == 0 {
		return nil, errors.New("precompiled charsmap: empty trie")
	}
	return &Charsmap{units: units, normalized: b[4+n:]}, nil
}

func hasLeaf(u uint32) bool     { return (u>>8)&1 == 1 }
func unitValue(u uint32) int    { return int(u & ((1 << 31) - 1)) }
func unitLabel(u uint32) uint32 { return u & ((1 << 31) | 0xFF) }
func unitOffset(u uint32) uint32 {
	return (u >> 10) << ((u & (1 << 9)) >> 6)
}

// prefixes calls fn(length, value) for every key of the trie that is a
// prefix of key, shortest first. fn returns false to stop.
func (c *Charsmap) prefixes(key string, fn func(n, v int) bool) {
	units := c.units
	pos := uint32(0)
	unit := units[0]
	pos ^= unitOffset(unit)
	for i := 0; i < len(key); i++ {
		ch := uint32(key[i])
		pos ^= ch
		if int(pos) >= len(units) {
			return
		}
		unit = units[pos]
		if unitLabel(unit) != ch {
			return
		}
		pos ^= unitOffset(unit)
		if hasLeaf(unit) {
			if int(pos) >= len(units) {
				return
			}
			if !fn(i+1, unitValue(units[pos])) {
				return
			}
		}
	}
}

func (c *Charsmap) replacement(v int) string {
	if v < 0 || v >= len(c.normalized) {
		return ""
	}
	end := v
	for end < len(c.normalized) && c.normalized[end] != 0 {
		end++
	}
	return string(c.normalized[v:end])
}

// Longest returns the replacement of the longest trie key that prefixes s
// and its byte length (0 if none), as SentencePiece's normalizer does.
func (c *Charsmap) Longest(s string) (string, int) {
	if c == nil {
		return "", 0
	}
	bestN, bestV := 0, 0
	c.prefixes(s, func(n, v int) bool {
		bestN, bestV = n, v
		return true
	})
	if bestN == 0 {
		return "", 0
	}
	return c.replacement(bestV), bestN
}

// Shortest returns the replacement of the shortest trie key prefixing s,
// as Hugging Face tokenizers' Precompiled normalizer does (it ignores the
// match length).
func (c *Charsmap) Shortest(s string) (string, bool) {
	if c == nil {
		return "", false
	}
	found, val := false, 0
	c.prefixes(s, func(n, v int) bool {
		found, val = true, v
		return false
	})
	if !found {
		return "", false
	}
	return c.replacement(val), true
}
