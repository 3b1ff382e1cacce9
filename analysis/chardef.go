package analysis

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// charInfo mirrors MeCab's CharInfo: the bit set of categories a character
// belongs to, its default (first listed) category and that category's
// unknown-word parameters from char.def.
type charInfo struct {
	typ    uint32 // bit i set when the character belongs to category i
	def    uint8  // default category id (index in the category list)
	length uint8  // LENGTH column of the default category
	group  bool   // GROUP column of the default category
	invoke bool   // INVOKE column of the default category
}

func (c charInfo) isKindOf(o charInfo) bool { return c.typ&o.typ != 0 }

// charTable is a compiled char.def: categories plus a table for the basic
// multilingual plane. Like MeCab, characters outside the BMP (and U+FFFF)
// take the information of U+0000, which is DEFAULT.
type charTable struct {
	names []string
	info  []charInfo // len 0xFFFF, indexed by code point
}

func (t *charTable) at(r rune) charInfo {
	if r >= 0 && int(r) < len(t.info) {
		return t.info[r]
	}
	return t.info[0]
}

// parseCharDef compiles a MeCab char.def (comments already allowed) the way
// mecab-dict-index does (char_property.cpp).
func parseCharDef(name, src string) (*charTable, error) {
	type cat struct {
		id                    int
		invoke, group, length int
	}
	cats := map[string]cat{}
	t := &charTable{}
	type rng struct {
		lo, hi int
		cs     []string
	}
	var ranges []rng
	sc := bufio.NewScanner(strings.NewReader(src))
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		f := strings.Fields(s)
		if len(f) == 0 {
			continue
		}
		if strings.HasPrefix(f[0], "0x") {
			if len(f) < 2 {
				return nil, fmt.Errorf("%s:%d: range without category", name, line)
			}
			lohi := strings.SplitN(f[0], "..", 2)
			lo, err := strconv.ParseUint(lohi[0], 0, 32)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			hi := lo
			if len(lohi) == 2 {
				if hi, err = strconv.ParseUint(lohi[1], 0, 32); err != nil {
					return nil, fmt.Errorf("%s:%d: %w", name, line, err)
				}
			}
			if hi < lo || hi >= 0xFFFF {
				return nil, fmt.Errorf("%s:%d: bad range %s", name, line, f[0])
			}
			ranges = append(ranges, rng{int(lo), int(hi), f[1:]})
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("%s:%d: want NAME INVOKE GROUP LENGTH, got %q", name, line, s)
		}
		var v [3]int
		for i := range v {
			n, err := strconv.Atoi(f[i+1])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			v[i] = n
		}
		if _, dup := cats[f[0]]; dup {
			return nil, fmt.Errorf("%s:%d: duplicate category %s", name, line, f[0])
		}
		cats[f[0]] = cat{id: len(t.names), invoke: v[0], group: v[1], length: v[2]}
		t.names = append(t.names, f[0])
	}
	if len(t.names) > 18 {
		return nil, fmt.Errorf("%s: %d categories, at most 18 supported", name, len(t.names))
	}
	encode := func(cs []string) (charInfo, error) {
		base, ok := cats[cs[0]]
		if !ok {
			return charInfo{}, fmt.Errorf("%s: category %s undefined", name, cs[0])
		}
		ci := charInfo{def: uint8(base.id), length: uint8(base.length), group: base.group != 0, invoke: base.invoke != 0}
		for _, c := range cs {
			o, ok := cats[c]
			if !ok {
				return charInfo{}, fmt.Errorf("%s: category %s undefined", name, c)
			}
			ci.typ |= 1 << o.id
		}
		return ci, nil
	}
	def, err := encode([]string{"DEFAULT"})
	if err != nil {
		return nil, err
	}
	t.info = make([]charInfo, 0xFFFF)
	for i := range t.info {
		t.info[i] = def
	}
	for _, r := range ranges {
		ci, err := encode(r.cs)
		if err != nil {
			return nil, err
		}
		for i := r.lo; i <= r.hi; i++ {
			t.info[i] = ci
		}
	}
	if _, ok := cats["SPACE"]; !ok {
		return nil, fmt.Errorf("%s: category SPACE undefined", name)
	}
	return t, nil
}
