package analysis

import (
	"math"
	"sync"
	"unicode/utf8"
)

// maxGroupingSize is MeCab's max_grouping_size: an unknown word grouped
// from same-category characters is a candidate only when it has at most
// this many characters after the first.
const maxGroupingSize = 24

const (
	classBOS uint8 = iota
	classKnown
	classUnknown
)

type node struct {
	begin, surf, end int32 // byte offsets: lattice position, surface start (after skipped spaces), end
	id               int32 // morph id (known or unknown dictionary)
	left, right      int16
	wcost            int16
	class            uint8
	prev             int32
	cost             int64
}

type lattice struct {
	nodes []node
	ends  [][]int32 // ends[p]: nodes ending at byte p, in insertion order
	path  []int32
}

var latticePool = sync.Pool{New: func() any { return new(lattice) }}

// decode returns MeCab's character information for the character at p and
// its byte length. Input is valid UTF-8.
func (d *dictionary) decode(s string, p int) (charInfo, int) {
	c := s[p]
	if c < utf8.RuneSelf {
		return d.chars.info[c], 1
	}
	r, n := utf8.DecodeRuneInString(s[p:])
	return d.chars.at(r), n
}

// viterbi segments s (valid UTF-8) exactly like MeCab's
// Viterbi::viterbi with Tokenizer::lookup, and stores the best path (node
// indices, BOS/EOS excluded) in la.path.
func (d *dictionary) viterbi(la *lattice, s string) {
	n := len(s)
	la.nodes = la.nodes[:0]
	la.path = la.path[:0]
	if cap(la.ends) < n+1 {
		la.ends = make([][]int32, n+1)
	}
	la.ends = la.ends[:n+1]
	for i := range la.ends {
		la.ends[i] = la.ends[i][:0]
	}
	la.nodes = append(la.nodes, node{class: classBOS, prev: -1})
	la.ends[0] = append(la.ends[0], 0)
	for pos := 0; pos < n; pos++ {
		if len(la.ends[pos]) == 0 {
			continue
		}
		first := len(la.nodes)
		d.lookup(la, s, pos)
		lefts := la.ends[pos]
		for ri := first; ri < len(la.nodes); ri++ {
			r := &la.nodes[ri]
			best := int64(math.MaxInt64)
			bestPrev := int32(-1)
			// MeCab walks end_node_list newest first, keeping the first
			// strictly smaller cost.
			for li := len(lefts) - 1; li >= 0; li-- {
				l := &la.nodes[lefts[li]]
				c := l.cost + d.cost(l.right, r.left) + int64(r.wcost)
				if c < best {
					best, bestPrev = c, lefts[li]
				}
			}
			r.cost, r.prev = best, bestPrev
		}
		// MeCab pushes the lookup result list (newest node first) onto the
		// front of end_node_list; with our reversed walk that is insertion
		// in reverse creation order.
		for ri := len(la.nodes) - 1; ri >= first; ri-- {
			e := la.nodes[ri].end
			la.ends[e] = append(la.ends[e], int32(ri))
		}
	}
	// EOS connects to the last position where nodes end (trailing spaces
	// produce no node).
	last := n
	for last > 0 && len(la.ends[last]) == 0 {
		last--
	}
	lefts := la.ends[last]
	best := int64(math.MaxInt64)
	bestPrev := int32(-1)
	for li := len(lefts) - 1; li >= 0; li-- {
		l := &la.nodes[lefts[li]]
		c := l.cost + d.cost(l.right, 0)
		if c < best {
			best, bestPrev = c, lefts[li]
		}
	}
	for p := bestPrev; p > 0; p = la.nodes[p].prev {
		la.path = append(la.path, p)
	}
	for i, j := 0, len(la.path)-1; i < j; i, j = i+1, j-1 {
		la.path[i], la.path[j] = la.path[j], la.path[i]
	}
}

// lookup adds the nodes starting at byte pos, following MeCab's
// Tokenizer::lookup: skip spaces, dictionary common-prefix search, then
// unknown words (grouped run and runs of 1..LENGTH characters) when no
// word was found or the category is INVOKE.
func (d *dictionary) lookup(la *lattice, s string, pos int) {
	n := len(s)
	begin2 := pos
	var ci charInfo
	var mblen int
	sp := d.space // MeCab's seekToOtherType chains the category it compares with
	for begin2 < n {
		ci, mblen = d.decode(s, begin2)
		if !sp.isKindOf(ci) {
			break
		}
		sp = ci
		begin2 += mblen
	}
	if begin2 == n {
		return // only spaces left: MeCab's node here cannot reach EOS
	}
	found := false
	// kagome's DoubleArray.CommonPrefixSearchCallback (a NUL byte ends
	// the search), over the image's arrays.
	da := d.da
	in := s[begin2:]
	tp, tq := 0, 0
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c == 0 {
			break
		}
		tp = tq
		tq = int(da[tp].base) + int(c)
		if uint(tq) >= uint(len(da)) || int(da[tq].check) != tp {
			break
		}
		ahead := int(da[tq].base)
		if uint(ahead) >= uint(len(da)) || int(da[ahead].check) != tq || da[ahead].base > 0 {
			continue
		}
		id := int(-da[ahead].base)
		end := int32(begin2 + i + 1)
		for x := id; x <= id+int(d.dup[id]); x++ {
			m := d.morphs[x]
			la.nodes = append(la.nodes, node{begin: int32(pos), surf: int32(begin2), end: end,
				id: int32(x), left: m.LeftID, right: m.RightID, wcost: m.Weight, class: classKnown})
		}
		found = true
	}
	if found && !ci.invoke {
		return
	}
	added := false
	addUnknown := func(end int) {
		for _, id := range d.unk[ci.def] {
			m := d.unkMorphs[id]
			la.nodes = append(la.nodes, node{begin: int32(pos), surf: int32(begin2), end: int32(end),
				id: id, left: m.LeftID, right: m.RightID, wcost: m.Weight, class: classUnknown})
		}
		added = true
	}
	begin3 := begin2 + mblen
	groupEnd := -1
	if ci.group {
		// MeCab scans to the end of the run, which is quadratic over a
		// long run. Past max(maxGroupingSize, LENGTH)+1 characters the run
		// end only matters as "no grouped word" and "beyond the reach of
		// the LENGTH loop below", so the scan stops there (same lattice).
		limit := max(maxGroupingSize, int(ci.length)) + 1
		q, c, clen := begin3, ci, 0
		for q < n && clen < limit {
			f, ml := d.decode(s, q)
			if !c.isKindOf(f) {
				break
			}
			q += ml
			clen++
			c = f
		}
		if clen <= maxGroupingSize {
			addUnknown(q)
		}
		groupEnd = q
		if clen == limit {
			groupEnd = -1 // the run goes on: its end is out of reach
		}
	}
	q := begin3
	for i := 1; i <= int(ci.length); i++ {
		if q == groupEnd {
			break // MeCab "continue"s without advancing: same effect
		}
		addUnknown(q)
		if q >= n {
			break
		}
		f, ml := d.decode(s, q)
		if !ci.isKindOf(f) {
			break
		}
		q += ml
	}
	if !found && !added {
		addUnknown(begin3)
	}
}
