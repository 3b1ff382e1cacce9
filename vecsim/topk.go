package vecsim

import (
	"math"
	"sort"
)

// Hit is one scored item: its index in the scored list and its score.
type Hit struct {
	Index int
	Score float32
}

// better reports whether a ranks before b: higher score, then lower index.
func better(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Index < b.Index
}

// topK keeps the best k hits seen so far in a min-heap whose root is the
// worst kept hit. Offers must come in ascending index order for the fast
// threshold test to break ties correctly; merge handles arbitrary order.
type topK struct {
	k   int
	h   []Hit
	thr float32 // root score once full
}

func newTopK(k int) topK {
	return topK{k: k, h: make([]Hit, 0, k), thr: float32(math.Inf(-1))}
}

func (t *topK) full() bool { return len(t.h) >= t.k }

// offer adds (s, idx), idx larger than every earlier index. NaN is skipped.
func (t *topK) offer(s float32, idx int) {
	if t.k <= 0 {
		return
	}
	if len(t.h) < t.k {
		if s != s {
			return
		}
		t.h = append(t.h, Hit{idx, s})
		// sift up: parent worse-than child means child must move up
		i := len(t.h) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !better(t.h[p], t.h[i]) {
				break
			}
			t.h[p], t.h[i] = t.h[i], t.h[p]
			i = p
		}
		if len(t.h) == t.k {
			t.thr = t.h[0].Score
		}
		return
	}
	if !(s > t.thr) {
		return
	}
	t.h[0] = Hit{idx, s}
	t.down(0)
	t.thr = t.h[0].Score
}

// push adds h in arbitrary order using the full comparator.
func (t *topK) push(x Hit) {
	if x.Score != x.Score || t.k <= 0 {
		return
	}
	if len(t.h) < t.k {
		t.h = append(t.h, Hit{})
		i := len(t.h) - 1
		t.h[i] = x
		for i > 0 {
			p := (i - 1) / 2
			if !better(t.h[p], t.h[i]) {
				break
			}
			t.h[p], t.h[i] = t.h[i], t.h[p]
			i = p
		}
		if len(t.h) == t.k {
			t.thr = t.h[0].Score
		}
		return
	}
	if !better(x, t.h[0]) {
		return
	}
	t.h[0] = x
	t.down(0)
	t.thr = t.h[0].Score
}

func (t *topK) down(i int) {
	h := t.h
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		w := l // the worse child
		if r := l + 1; r < n && better(h[l], h[r]) {
			w = r
		}
		if !better(h[i], h[w]) {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}

// sorted returns the kept hits best first.
func (t *topK) sorted() []Hit {
	out := make([]Hit, len(t.h))
	copy(out, t.h)
	sortHits(out)
	return out
}

func sortHits(h []Hit) {
	sort.Slice(h, func(i, j int) bool { return better(h[i], h[j]) })
}

// TopK returns the k best entries of scores, highest score first, equal
// scores by index ascending. NaN scores are skipped; if fewer than k non-NaN
// scores exist, all of them are returned. k <= 0 returns nil.
func TopK(scores []float32, k int) []Hit {
	if k <= 0 {
		return nil
	}
	t := newTopK(min(k, len(scores)))
	if t.k == 0 {
		return []Hit{}
	}
	for i, s := range scores {
		t.offer(s, i)
	}
	return t.sorted()
}

// TopKBatch applies TopK to every row of scores (one row per query).
func TopKBatch(scores Matrix, k int) [][]Hit {
	out := make([][]Hit, scores.Rows)
	for i := range out {
		out[i] = TopK(scores.Row(i), k)
	}
	return out
}
