package analysis

import (
	"math"
	"slices"
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
	// ends[p-base]: nodes ending at byte p, in insertion order. Positions
	// before base were dropped by compact.
	ends [][]int32
	base int
	// out: the best path (BOS/EOS excluded) when no emit function is
	// given.
	out []node
	// scratch for compact
	mark, remap []int32
	live        []int32
	// compactAt: node count that triggers the next compaction.
	compactAt int
	// maxNodes: the most nodes the lattice held (tests and benchmarks).
	maxNodes int
	// hitEnd: a lookup read up to the end of the text (its nodes could
	// differ in a longer text that starts with this one).
	hitEnd bool
}

// compactNodes is the lattice size (nodes, 40 bytes each) from which
// viterbi commits the decided part of the path and drops it.
var compactNodes = 1 << 16

var latticePool = sync.Pool{New: func() any { return new(lattice) }}

// putLattice returns la to the pool unless a long text made it large.
func putLattice(la *lattice) {
	if cap(la.out) > 1<<16 || cap(la.nodes) > 4*compactNodes || cap(la.ends) > 1<<18 {
		return
	}
	latticePool.Put(la)
}

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

// endsAt returns the node list of position p, extending the window.
func (la *lattice) endsAt(p int) *[]int32 {
	i := p - la.base
	for len(la.ends) <= i {
		if len(la.ends) < cap(la.ends) {
			la.ends = la.ends[:len(la.ends)+1]
			la.ends[len(la.ends)-1] = la.ends[len(la.ends)-1][:0]
		} else {
			la.ends = append(la.ends, nil)
		}
	}
	return &la.ends[i]
}

// viterbi segments s (valid UTF-8) exactly like MeCab's
// Viterbi::viterbi with Tokenizer::lookup. The best path (BOS/EOS
// excluded) goes to emit in order, in batches, or to la.out when emit is
// nil; emit returning false stops the segmentation.
//
// Memory stays bounded on long texts without changing the result: when
// the lattice grows past compactNodes, the part of the path that every
// continuation shares is emitted and the nodes no continuation can use
// are dropped (see compact).
func (d *dictionary) viterbi(la *lattice, s string, emit func([]node) bool) {
	d.run(la, s, emit, false)
}

// viterbiPrefix is viterbi for a text s known only up to here (a longer
// text starts with s): it emits only the tokens that every text starting
// with s shares, and never the end of the path. It stops before the first
// lookup that reads up to the end of s: the lattice before that position
// is then that of any longer text, and compact's argument applies there.
func (d *dictionary) viterbiPrefix(la *lattice, s string, emit func([]node) bool) {
	d.run(la, s, emit, true)
}

func (d *dictionary) run(la *lattice, s string, emit func([]node) bool, partial bool) {
	n := len(s)
	la.nodes = la.nodes[:0]
	la.out = la.out[:0]
	la.base = 0
	la.ends = la.ends[:0]
	la.compactAt = compactNodes
	la.maxNodes = 0
	la.nodes = append(la.nodes, node{class: classBOS, prev: -1})
	*la.endsAt(0) = append(*la.endsAt(0), 0)
	for pos := 0; pos < n; pos++ {
		if pos-la.base >= len(la.ends) || len(la.ends[pos-la.base]) == 0 {
			continue
		}
		if len(la.nodes) > la.compactAt {
			if !la.compact(pos, emit) {
				return
			}
		}
		first := len(la.nodes)
		la.hitEnd = false
		d.lookup(la, s, pos)
		if partial && la.hitEnd {
			la.nodes = la.nodes[:first]
			la.compact(pos, emit)
			return
		}
		lefts := la.ends[pos-la.base]
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
			e := la.endsAt(int(la.nodes[ri].end))
			*e = append(*e, int32(ri))
		}
	}
	la.maxNodes = max(la.maxNodes, len(la.nodes))
	if partial {
		// Every lookup stayed inside s (cannot happen for a non-empty s:
		// the last one reads its last character); settle what ends at n.
		if n-la.base < len(la.ends) && len(la.ends[n-la.base]) > 0 {
			la.compact(n, emit)
		}
		return
	}
	// EOS connects to the last position where nodes end (trailing spaces
	// produce no node).
	last := len(la.ends) - 1
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
	start := len(la.out)
	for p := bestPrev; p > 0; p = la.nodes[p].prev {
		la.out = append(la.out, la.nodes[p])
	}
	slices.Reverse(la.out[start:])
	if emit != nil && len(la.out) > 0 {
		emit(la.out)
		la.out = la.out[:0]
	}
}

// compact is called before the lookup at pos (where nodes end). Every
// complete path contains a node of the live set L, the nodes that begin
// before pos and end at or after it (the first node of the path ending
// at or after pos begins before pos), and reaches it through that node's
// best-path chain, which is final. So the chains of L up to their lowest
// common ancestor A are shared by every continuation: A and its chain are
// emitted, A becomes the root (keeping its right id and cost, so the
// forward pass computes the same costs and ties as before), and every
// node not on a chain from L to A is dropped. The result is identical to
// the uncompacted lattice for any text; the memory is bounded by the
// span over which the best paths still disagree (a few words in natural
// text). It returns false when emit asked to stop.
func (la *lattice) compact(pos int, emit func([]node) bool) bool {
	la.maxNodes = max(la.maxNodes, len(la.nodes))
	live := la.live[:0]
	for _, e := range la.ends[pos-la.base:] {
		live = append(live, e...)
	}
	la.live = live
	nn := len(la.nodes)
	mark := slices.Grow(la.mark[:0], nn)[:nn]
	for i := range mark {
		mark[i] = -1
	}
	// Depth of each node on the chain of live[0], root at depth 0.
	depth := int32(0)
	for p := live[0]; p >= 0; p = la.nodes[p].prev {
		depth++
	}
	chainLen := depth
	for p := live[0]; p >= 0; p = la.nodes[p].prev {
		depth--
		mark[p] = depth
	}
	// The common ancestor: the shallowest meeting point of every other
	// chain with that of live[0].
	anc := live[0]
	ancDepth := chainLen - 1
	for _, q := range live[1:] {
		p := q
		for mark[p] < 0 {
			p = la.nodes[p].prev
		}
		if mark[p] < ancDepth {
			anc, ancDepth = p, mark[p]
		}
	}
	// Emit the chain root..anc (root excluded).
	start := len(la.out)
	for p := anc; p > 0; p = la.nodes[p].prev {
		la.out = append(la.out, la.nodes[p])
	}
	slices.Reverse(la.out[start:])
	// Keep the live nodes and their chains up to anc; anc becomes the
	// root (index 0).
	remap := slices.Grow(la.remap[:0], nn)[:nn]
	for i := range remap {
		remap[i] = -1
	}
	remap[anc] = 0
	for _, q := range live {
		for p := q; remap[p] < 0; p = la.nodes[p].prev {
			remap[p] = 1 // kept, numbered below
		}
	}
	root := la.nodes[anc]
	root.class, root.prev = classBOS, -1
	la.nodes[0] = root
	k := int32(1)
	for i := 1; i < nn; i++ {
		if remap[i] == 1 && int32(i) != anc {
			remap[i] = k
			nd := la.nodes[i]
			nd.prev = remap[nd.prev]
			la.nodes[k] = nd
			k++
		}
	}
	// prev of kept nodes pointed at nodes with smaller indices, which
	// were renumbered first: remap[prev] was final when read.
	la.nodes = la.nodes[:k]
	// Drop the positions before pos from the window and renumber.
	drop := pos - la.base
	for i := 0; i+drop < len(la.ends); i++ {
		la.ends[i], la.ends[i+drop] = la.ends[i+drop], la.ends[i][:0]
	}
	la.ends = la.ends[:len(la.ends)-drop]
	la.base = pos
	for _, e := range la.ends {
		for j, x := range e {
			e[j] = remap[x]
		}
	}
	la.mark, la.remap = mark, remap
	la.compactAt = max(compactNodes, 2*len(la.nodes))
	if emit != nil && len(la.out) > 0 {
		ok := emit(la.out)
		la.out = la.out[:0]
		return ok
	}
	return true
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
		la.hitEnd = true
		return // only spaces left: MeCab's node here cannot reach EOS
	}
	found := false
	// kagome's DoubleArray.CommonPrefixSearchCallback (a NUL byte ends
	// the search), over the image's arrays.
	da := d.da
	in := s[begin2:]
	tp, tq := 0, 0
	walked := true // the trie walk reached the end of s
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c == 0 {
			walked = false
			break
		}
		tp = tq
		tq = int(da[tp].base) + int(c)
		if uint(tq) >= uint(len(da)) || int(da[tq].check) != tp {
			walked = false
			break
		}
		ahead := int(da[tq].base)
		if uint(ahead) >= uint(len(da)) || int(da[ahead].check) != tq || da[ahead].base > 0 {
			continue
		}
		id := int(-da[ahead].base)
		end := int32(begin2 + i + 1)
		for x := id; x <= id+int(d.dup[id]); x++ {
			mid := int32(x)
			if d.remap != nil {
				if mid = d.remap[x]; mid < 0 {
					continue // not in unidic-lite
				}
			}
			m := d.morphs[mid]
			la.nodes = append(la.nodes, node{begin: int32(pos), surf: int32(begin2), end: end,
				id: mid, left: m.LeftID, right: m.RightID, wcost: m.Weight, class: classKnown})
			found = true
		}
	}
	if walked {
		la.hitEnd = true
	}
	if found && !ci.invoke {
		return
	}
	added := false
	addUnknown := func(end int) {
		for _, id := range d.unk[ci.def] {
			m := &d.unkMorphs[id]
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
		if q == n && clen < limit {
			la.hitEnd = true
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
			la.hitEnd = true
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
