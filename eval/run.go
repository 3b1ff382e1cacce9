package eval

import (
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"unicode/utf8"
)

// Run holds the scores a system gave: query -> document -> score. It keeps
// each query's documents in insertion (file) order, because ranx's tie order
// depends on it. The zero value is not usable; call NewRun.
type Run struct {
	name  string
	qs    []*runQuery
	index map[string]int
}

type runQuery struct {
	id     string
	docs   []string
	scores []float64
	idx    map[string]int32 // built lazily once the query is long enough
}

// NewRun returns an empty run called name.
func NewRun(name string) *Run {
	return &Run{name: name, index: map[string]int{}}
}

// Name returns the run's name.
func (r *Run) Name() string { return r.name }

// SetName renames the run.
func (r *Run) SetName(name string) { r.name = name }

// Len returns the number of queries.
func (r *Run) Len() int { return len(r.qs) }

// Pairs returns the number of (query, doc) pairs.
func (r *Run) Pairs() int {
	n := 0
	for _, q := range r.qs {
		n += len(q.docs)
	}
	return n
}

// Queries returns the query ids in code point order (ranx's order).
func (r *Run) Queries() []string {
	out := make([]string, len(r.qs))
	for i, q := range r.qs {
		out[i] = q.id
	}
	slices.Sort(out)
	return out
}

// Has reports whether the run lists query.
func (r *Run) Has(query string) bool {
	_, ok := r.index[query]
	return ok
}

// Docs returns copies of query's documents and scores in insertion order.
func (r *Run) Docs(query string) (docs []string, scores []float64) {
	q := r.query(query)
	if q == nil {
		return nil, nil
	}
	return slices.Clone(q.docs), slices.Clone(q.scores)
}

func (r *Run) query(id string) *runQuery {
	i, ok := r.index[id]
	if !ok {
		return nil
	}
	return r.qs[i]
}

func (r *Run) getOrAdd(id string) *runQuery {
	if i, ok := r.index[id]; ok {
		return r.qs[i]
	}
	q := &runQuery{id: id}
	r.index[id] = len(r.qs)
	r.qs = append(r.qs, q)
	return q
}

// Add sets the score of doc for query. A repeated pair keeps its first
// position and the last score, like a Python dict (and ranx).
func (r *Run) Add(query, doc string, score float64) {
	q := r.getOrAdd(query)
	if i := q.find(doc); i >= 0 {
		q.scores[i] = score
		return
	}
	q.appendDoc(doc, score)
}

// Diff returns "" when r and o hold the same queries with the same
// documents in the same insertion order and bit-identical scores: then
// every metric, under every tie policy, is the same on both. Otherwise it
// describes the first difference.
func (r *Run) Diff(o *Run) string {
	for _, id := range r.Queries() {
		if !o.Has(id) {
			return fmt.Sprintf("query %q is missing", id)
		}
	}
	for _, id := range o.Queries() {
		if !r.Has(id) {
			return fmt.Sprintf("query %q is new", id)
		}
		a, b := r.query(id), o.query(id)
		if len(a.docs) != len(b.docs) {
			return fmt.Sprintf("query %q: %d documents, was %d", id, len(b.docs), len(a.docs))
		}
		for i := range a.docs {
			if a.docs[i] != b.docs[i] {
				return fmt.Sprintf("query %q: document %d is %q, was %q (tied scores can rank in another order)", id, i+1, b.docs[i], a.docs[i])
			}
			if math.Float64bits(a.scores[i]) != math.Float64bits(b.scores[i]) {
				return fmt.Sprintf("query %q doc %q: score %v, was %v", id, a.docs[i], b.scores[i], a.scores[i])
			}
		}
	}
	return ""
}

// AddQuery registers query with no documents (an empty ranking), if absent.
func (r *Run) AddQuery(query string) { r.getOrAdd(query) }

const indexThreshold = 16

func (q *runQuery) find(doc string) int {
	if q.idx == nil && len(q.docs) >= indexThreshold {
		q.idx = make(map[string]int32, 2*len(q.docs))
		for i, d := range q.docs {
			q.idx[d] = int32(i)
		}
	}
	if q.idx != nil {
		if i, ok := q.idx[doc]; ok {
			return int(i)
		}
		return -1
	}
	for i, d := range q.docs {
		if d == doc {
			return i
		}
	}
	return -1
}

func (q *runQuery) appendDoc(doc string, score float64) {
	if q.idx != nil {
		q.idx[doc] = int32(len(q.docs))
	}
	q.docs = append(q.docs, doc)
	q.scores = append(q.scores, score)
}

// duplicate returns the first document that occurs twice in q, with the
// positions of both occurrences. Used by the readers, which append without
// lookups and then check. d is reusable scratch space (may be nil).
func (q *runQuery) duplicate(d *dupTable) (doc string, first, second int, ok bool) {
	if len(q.docs) < 2 {
		return "", 0, 0, false
	}
	if len(q.docs) <= 8 {
		for i := 1; i < len(q.docs); i++ {
			for j := 0; j < i; j++ {
				if q.docs[i] == q.docs[j] {
					return q.docs[i], j, i, true
				}
			}
		}
		return "", 0, 0, false
	}
	if d == nil {
		d = new(dupTable)
	}
	if i, j := d.find(q.docs); j >= 0 {
		return q.docs[j], i, j, true
	}
	return "", 0, 0, false
}

// dupTable is an open-addressing hash set of string positions, cheaper
// than a Go map for the one-shot duplicate check of a ranking.
type dupTable struct {
	seed  maphash.Seed
	init  bool
	slots []int32 // position+1; 0 = empty
	hash  []uint32
}

// find returns the positions (first, second) of the earliest repeated
// string, or (-1, -1).
func (d *dupTable) find(docs []string) (int, int) {
	if !d.init {
		d.seed = maphash.MakeSeed()
		d.init = true
	}
	size := 16
	for size < 2*len(docs) {
		size *= 2
	}
	if cap(d.slots) < size {
		d.slots = make([]int32, size)
		d.hash = make([]uint32, size)
	}
	d.slots = d.slots[:size]
	d.hash = d.hash[:size]
	clear(d.slots)
	mask := uint64(size - 1)
	for i, s := range docs {
		h := maphash.String(d.seed, s)
		h32 := uint32(h >> 32)
		for p := h & mask; ; p = (p + 1) & mask {
			e := d.slots[p]
			if e == 0 {
				d.slots[p] = int32(i + 1)
				d.hash[p] = h32
				break
			}
			if d.hash[p] == h32 && docs[e-1] == s {
				return int(e - 1), i
			}
		}
	}
	return -1, -1
}

// checkUTF8 reports the first query or doc id that is not valid UTF-8
// (CBOR text strings and JSON require it).
func (r *Run) checkUTF8() error {
	for _, q := range r.qs {
		if !utf8.ValidString(q.id) {
			return fmt.Errorf("query id %q is not valid UTF-8", q.id)
		}
		for _, d := range q.docs {
			if !utf8.ValidString(d) {
				return fmt.Errorf("query %q: doc id %q is not valid UTF-8", q.id, d)
			}
		}
	}
	return nil
}

// checkScore rejects scores that cannot be ranked.
func checkScore(s float64) error {
	if math.IsNaN(s) {
		return fmt.Errorf("score is NaN")
	}
	if math.IsInf(s, 0) {
		return fmt.Errorf("score is infinite")
	}
	return nil
}

// Ranked returns a copy of r that stores each query's documents in the
// order policy ranks them, with queries in code point order.
//
// This is what ranx does when it builds a Run from a dict: it sorts every
// query once (numba quicksort over the insertion order) and saves the run in
// that order, so a run reloaded from a ranx file is evaluated on a second
// sort of the first. The JQaRA evaluator scores its cached runs that way;
// a run stored through Ranked(TiesRanx) and evaluated with TiesRanx is
// ranked as the evaluator ranks it, ties included.
func (r *Run) Ranked(policy TiePolicy) *Run {
	out := NewRun(r.name)
	var order []int32
	var neg []float64
	for _, id := range r.Queries() {
		q := r.query(id)
		out.AddQuery(id)
		order, neg = rankOrder(q.docs, q.scores, policy, order, neg)
		for _, i := range order {
			out.Add(id, q.docs[i], q.scores[i])
		}
	}
	return out
}
