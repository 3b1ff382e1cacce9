package vecsim

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// ScaleMode selects how Int8Index scales vectors to int8.
type ScaleMode int

const (
	// ScalePerDim uses one scale per dimension: max |x_i| over the indexed
	// vectors / 127.
	ScalePerDim ScaleMode = iota
	// ScalePerVector uses one scale per vector: max_i |x_i| / 127.
	ScalePerVector
)

// Int8Index is a scalar-quantised snapshot of a Flat index. Codes are stored
// biased by +128 as uint8 in panels of 16 documents: dimensions are padded
// to a multiple of 4 and each panel is laid out [k/4][doc][k%4], so one
// 64-byte load holds 4 dimensions of 16 documents (the VPDPBUSD layout).
type Int8Index struct {
	flat   *Flat
	n      int // documents quantised (f.Len() at construction)
	mode   ScaleMode
	dim    int
	stride int // padded dimension (multiple of 4)
	codes  []uint8
	scale  []float32 // per dimension or per vector
}

// int8Stride is the padded dimension.
func int8Stride(dim int) int { return (dim + 3) / 4 * 4 }

// codeAt returns the position of document i, dimension k in codes.
func (x *Int8Index) codeAt(i, k int) int {
	return (i/panelW)*panelW*x.stride + (k/4)*4*panelW + (i%panelW)*4 + k%4
}

func quantize(x, inv float32) uint8 {
	r := math.RoundToEven(float64(x * inv))
	if r > 127 {
		r = 127
	} else if r < -127 {
		r = -127
	} else if r != r {
		r = 0
	}
	return uint8(int(r) + 128)
}

// NewInt8Index quantises every vector currently in f. Vectors added to f
// later are not part of the snapshot; rescoring reads f.
func NewInt8Index(f *Flat, mode ScaleMode) *Int8Index {
	dim := f.dim
	x := &Int8Index{flat: f, n: f.n, mode: mode, dim: dim, stride: int8Stride(dim)}
	x.codes = make([]uint8, (f.n+panelW-1)/panelW*panelW*x.stride)
	for i := range x.codes {
		x.codes[i] = 128
	}
	switch mode {
	case ScalePerDim:
		x.scale = make([]float32, dim)
		for i := 0; i < f.n; i++ {
			v := f.Vector(i)
			for k, a := range v {
				if a := float32(math.Abs(float64(a))); a > x.scale[k] {
					x.scale[k] = a
				}
			}
		}
		inv := make([]float32, dim)
		for k, s := range x.scale {
			x.scale[k] = s / 127
			if s == 0 || math.IsInf(float64(s), 0) {
				x.scale[k] = 0
				continue
			}
			inv[k] = 1 / x.scale[k]
		}
		for i := 0; i < f.n; i++ {
			v := f.Vector(i)
			for k, a := range v {
				x.codes[x.codeAt(i, k)] = quantize(a, inv[k])
			}
		}
	case ScalePerVector:
		x.scale = make([]float32, f.n)
		for i := 0; i < f.n; i++ {
			v := f.Vector(i)
			var m float32
			for _, a := range v {
				if a := float32(math.Abs(float64(a))); a > m {
					m = a
				}
			}
			if m == 0 || math.IsInf(float64(m), 0) {
				continue
			}
			x.scale[i] = m / 127
			inv := 1 / x.scale[i]
			for k, a := range v {
				x.codes[x.codeAt(i, k)] = quantize(a, inv)
			}
		}
	default:
		panic("vecsim: unknown ScaleMode")
	}
	return x
}

// MemoryBytes returns the bytes of codes and scales (the Flat is not counted).
func (x *Int8Index) MemoryBytes() int64 {
	return int64(cap(x.codes)) + int64(cap(x.scale))*4
}

// quantQuery returns the int8 query (padded to stride), its scale and the
// sum of its codes.
func (x *Int8Index) quantQuery(q []float32) ([]int8, float32, int32) {
	qq := make([]float32, x.dim)
	copy(qq, q)
	if x.mode == ScalePerDim {
		for k := range qq {
			qq[k] *= x.scale[k]
		}
	}
	var m float32
	for _, a := range qq {
		if a := float32(math.Abs(float64(a))); a > m {
			m = a
		}
	}
	out := make([]int8, x.stride)
	if m == 0 || math.IsInf(float64(m), 0) || m != m {
		return out, 0, 0
	}
	s := m / 127
	inv := 1 / s
	var sum int32
	for k, a := range qq {
		c := int8(int(quantize(a, inv)) - 128)
		out[k] = c
		sum += int32(c)
	}
	return out, s, sum
}

// Search returns the k best documents for q by quantised inner product.
// With rescore > 0 the best max(rescore, k) candidates are re-scored exactly
// (float32, the Flat kernel's order) and the top k of those returned.
func (x *Int8Index) Search(q []float32, k, rescore int) []Result {
	return x.SearchBatch(Matrix{Rows: 1, Dim: len(q), Data: q}, k, rescore, 0)[0]
}

// SearchBatch runs Search for every row of queries using up to threads
// goroutines (0: GOMAXPROCS).
//
// Queries are blocked across the codes: the documents are walked in chunks
// small enough to stay in the core's L2 cache, and every query is scored
// against a chunk before the next chunk is read, so the code array streams
// from memory once per batch instead of once per query. Per chunk, a query
// whose heap is full skips the offers when the chunk's best score cannot
// enter it (the fp32 path's block threshold). Goroutines split the documents
// when there are enough chunks, and the queries otherwise; each query still
// sees the documents in ascending order, so results do not depend on threads.
func (x *Int8Index) SearchBatch(queries Matrix, k, rescore, threads int) [][]Result {
	if queries.Dim != x.dim {
		panic(fmt.Sprintf("vecsim: Int8Index.Search: query dimension %d, index dimension %d", queries.Dim, x.dim))
	}
	if err := queries.Validate(); err != nil {
		panic(err)
	}
	n, nq := x.n, queries.Rows
	out := make([][]Result, nq)
	if k <= 0 || n == 0 {
		for i := range out {
			out[i] = []Result{}
		}
		return out
	}
	cand := k
	if rescore > 0 {
		cand = max(rescore, k)
	}
	cand = min(cand, n)
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	qs := make([]int8Query, nq)
	for i := range qs {
		qs[i].codes, qs[i].scale, qs[i].sum = x.quantQuery(queries.Row(i))
	}
	chunk := x.chunkDocs()
	nc := (n + chunk - 1) / chunk
	var heaps [][]topK // [worker][query]
	if nc >= 2*threads || nq < threads {
		// Split the documents; merge the per-worker heaps.
		t := min(threads, nc)
		heaps = make([][]topK, t)
		var wg sync.WaitGroup
		for w := 0; w < t; w++ {
			c0, c1 := nc*w/t, nc*(w+1)/t
			wg.Add(1)
			go func() {
				defer wg.Done()
				hs := newHeaps(nq, cand)
				x.scan(qs, hs, c0*chunk, min(n, c1*chunk), chunk)
				heaps[w] = hs
			}()
		}
		wg.Wait()
	} else {
		// Few documents, many queries: split the queries.
		t := min(threads, nq)
		hs := newHeaps(nq, cand)
		var wg sync.WaitGroup
		for w := 0; w < t; w++ {
			q0, q1 := nq*w/t, nq*(w+1)/t
			wg.Add(1)
			go func() {
				defer wg.Done()
				x.scan(qs[q0:q1], hs[q0:q1], 0, n, chunk)
			}()
		}
		wg.Wait()
		heaps = [][]topK{hs}
	}
	all := make([][]Hit, nq)
	for qi := range all {
		if len(heaps) == 1 {
			all[qi] = heaps[0][qi].sorted()
		} else {
			m := newTopK(cand)
			for _, hs := range heaps {
				for _, h := range hs[qi].h {
					m.push(h)
				}
			}
			all[qi] = m.sorted()
		}
	}
	if rescore > 0 {
		all = x.flat.rescoreBatch(queries, all, threads)
	}
	for qi, hits := range all {
		out[qi] = x.flat.results(hits[:min(k, len(hits))])
	}
	return out
}

// rescoreBatch re-scores the candidates of every query exactly, with the
// same kernel and hence the same bits as Flat's single-query search, and
// returns each query's hits sorted best first (NaN scores dropped).
//
// A document's vector is spread over a whole panel of Flat's layout, so
// gathering candidates query by query reads a 48 KiB panel per candidate.
// Instead the (query, block) pairs of all queries are sorted by block and
// each block is scored while it is in cache, once per query that needs it:
// the fp32 data streams from memory at most once per batch.
func (f *Flat) rescoreBatch(queries Matrix, hits [][]Hit, threads int) [][]Hit {
	// A unit is a panel (16 documents, kernPanelQ8: up to 8 queries per
	// call) or a 64-document block (kernSingle, one query per call).
	unit := blockDocs
	if rescorePanels {
		unit = panelW
	}
	type pair struct{ unit, q int32 }
	var pairs []pair
	for qi, hs := range hits {
		for _, h := range hs {
			pairs = append(pairs, pair{int32(h.Index / unit), int32(qi)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if a.unit != b.unit {
			return int(a.unit - b.unit)
		}
		return int(a.q - b.q)
	})
	pairs = slices.Compact(pairs)
	// scores[qi][j] is the exact score of hits[qi][j]; slot finds j by
	// document within a query.
	scores := make([][]float32, len(hits))
	slot := make([]map[int]int, len(hits))
	for qi, hs := range hits {
		scores[qi] = make([]float32, len(hs))
		slot[qi] = make(map[int]int, len(hs))
		for j, h := range hs {
			slot[qi][h.Index] = j
		}
	}
	dim := f.dim
	put := func(qi, d0 int, tile []float32) {
		for j, s := range tile {
			if k, ok := slot[qi][d0+j]; ok {
				scores[qi][k] = s
			}
		}
	}
	work := func(ps []pair) {
		if !rescorePanels {
			var tile [blockDocs]float32
			var rmax float32
			bs := blockDocs * dim
			for _, p := range ps {
				b, qi := int(p.unit), int(p.q)
				kernSingle(queries.Row(qi), f.packed[b*bs:(b+1)*bs], dim, &tile, &rmax)
				put(qi, b*blockDocs, tile[:])
			}
			return
		}
		var qs [8][]float32
		var qi [8]int
		var out [8][panelW]float32
		ps0 := panelW * dim
		for i := 0; i < len(ps); {
			p := int(ps[i].unit)
			n := 0
			for ; i < len(ps) && int(ps[i].unit) == p && n < 8; i++ {
				qi[n] = int(ps[i].q)
				qs[n] = queries.Row(qi[n])
				n++
			}
			for j := n; j < 8; j++ {
				qs[j] = nil
			}
			kernPanelQ8(&qs, f.packed[p*ps0:(p+1)*ps0], dim, &out)
			for j := 0; j < n; j++ {
				put(qi[j], p*panelW, out[j][:])
			}
		}
	}
	t := max(1, min(threads, len(pairs)/64))
	var wg sync.WaitGroup
	for w := 0; w < t; w++ {
		// Split at unit boundaries so two workers never share a unit.
		p0, p1 := len(pairs)*w/t, len(pairs)*(w+1)/t
		for p0 < len(pairs) && p0 > 0 && pairs[p0].unit == pairs[p0-1].unit {
			p0++
		}
		for p1 < len(pairs) && p1 > 0 && pairs[p1].unit == pairs[p1-1].unit {
			p1++
		}
		if p0 >= p1 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(pairs[p0:p1])
		}()
	}
	wg.Wait()
	out := make([][]Hit, len(hits))
	for qi, hs := range hits {
		o := make([]Hit, 0, len(hs))
		for j, h := range hs {
			if s := scores[qi][j]; s == s {
				o = append(o, Hit{Index: h.Index, Score: s})
			}
		}
		sortHits(o)
		out[qi] = o
	}
	return out
}

// int8Query is a quantised query: codes padded to the stride, scale, and
// the sum of its codes (to remove the +128 bias of the document codes).
type int8Query struct {
	codes []int8
	scale float32
	sum   int32
}

func newHeaps(nq, k int) []topK {
	hs := make([]topK, nq)
	for i := range hs {
		hs[i] = newTopK(k)
	}
	return hs
}

// chunkDocs is the number of documents (a multiple of panelW) whose codes
// take about 512 KiB, so that a chunk stays in L2 while every query of a
// batch reads it.
func (x *Int8Index) chunkDocs() int {
	c := (512 << 10) / x.stride / panelW * panelW
	return min(max(c, panelW), 4096)
}

// scan scores documents [d0, d1) (d0 a multiple of chunk) against every
// query, feeding heaps[i] for qs[i]. Queries go four at a time through
// int8Dots4, which reads each code once for all four.
func (x *Int8Index) scan(qs []int8Query, heaps []topK, d0, d1, chunk int) {
	ps := panelW * x.stride
	raw := make([]int32, 4*chunk)
	type group struct {
		qs [4][]int8
		q4 []int8
		n  int
	}
	var groups []group
	for i := 0; i < len(qs); i += 4 {
		var g group
		g.n = min(4, len(qs)-i)
		for j := range g.qs {
			g.qs[j] = qs[i+min(j, g.n-1)].codes
		}
		g.q4 = interleave4(&g.qs, x.stride)
		groups = append(groups, g)
	}
	for c0 := d0; c0 < d1; c0 += chunk {
		c1 := min(c0+chunk, d1)
		p0, p1 := c0/panelW, (c1+panelW-1)/panelW
		codes := x.codes[p0*ps : p1*ps]
		np := (p1 - p0) * panelW
		for gi := range groups {
			g := &groups[gi]
			var out [4][]int32
			for j := range out {
				out[j] = raw[j*chunk : j*chunk+np]
			}
			if g.n == 1 {
				int8Dots(g.qs[0], codes, x.stride, out[0])
			} else {
				int8Dots4(&g.qs, g.q4, codes, x.stride, &out)
			}
			for j := 0; j < g.n; j++ {
				x.offerChunk(&qs[4*gi+j], &heaps[4*gi+j], out[j][:c1-c0], c0)
			}
		}
	}
}

// offerChunk offers the raw dots r of documents c0.. to h. With one scale
// per dimension the score qs*(raw-128*sum) (qs >= 0) is monotone in raw, so
// a full heap skips the whole chunk when its best raw dot cannot enter, and
// otherwise every raw dot not above the last one rejected.
func (x *Int8Index) offerChunk(q *int8Query, h *topK, r []int32, c0 int) {
	if x.mode != ScalePerDim {
		for j, v := range r {
			h.offer(x.score(v-128*q.sum, q.scale, c0+j), c0+j)
		}
		return
	}
	bias := 128 * q.sum
	if h.full() {
		best := r[0]
		for _, v := range r[1:] {
			best = max(best, v)
		}
		if !(x.score(best-bias, q.scale, c0) > h.thr) {
			return
		}
	}
	reject, haveReject := int32(0), false // a raw dot whose score did not beat h.thr
	for j, v := range r {
		if haveReject && v <= reject {
			continue // score(v) <= score(reject) <= thr, and thr only grows
		}
		s := x.score(v-bias, q.scale, c0+j)
		if h.full() && !(s > h.thr) {
			if !haveReject || v > reject {
				reject, haveReject = v, true
			}
			continue
		}
		h.offer(s, c0+j)
	}
}

func (x *Int8Index) score(idot int32, qs float32, i int) float32 {
	s := float64(qs) * float64(idot)
	if x.mode == ScalePerVector {
		s *= float64(x.scale[i])
	}
	return float32(s)
}

// int8Dots computes, for the len(out)/16 panels in codes (panel layout,
// padded dimension stride), out[j] = sum_k int(code(j, k)) * int(q[k])
// (codes are biased uint8, q is int8, arithmetic wraps like int32).
var int8Dots = int8DotsGeneric

// int8Dots4 is int8Dots for four queries at once: qs are the queries
// (padded to stride), q4 the same interleaved as [stride/4][4 queries][4],
// and out[i] receives query i's dots. The four out slices are expected to
// be equally spaced in one array (the assembly kernel writes them with one
// stride); the result does not depend on it.
var int8Dots4 = int8Dots4Generic

func int8Dots4Generic(qs *[4][]int8, q4 []int8, codes []uint8, stride int, out *[4][]int32) {
	for i := range out {
		int8Dots(qs[i], codes, stride, out[i])
	}
}

// interleave4 lays four padded queries out as [stride/4][4][4] for int8Dots4.
func interleave4(qs *[4][]int8, stride int) []int8 {
	out := make([]int8, 4*stride)
	for g := 0; g < stride/4; g++ {
		for i := range qs {
			copy(out[16*g+4*i:16*g+4*i+4], qs[i][4*g:4*g+4])
		}
	}
	return out
}

func int8DotsGeneric(q []int8, codes []uint8, stride int, out []int32) {
	q = q[:stride]
	ps := panelW * stride
	for p := 0; p < len(out)/panelW; p++ {
		pc := codes[p*ps : (p+1)*ps]
		var acc [panelW]int32
		for g := 0; g < stride/4; g++ {
			blk := pc[g*4*panelW : (g+1)*4*panelW]
			q0, q1, q2, q3 := int32(q[4*g]), int32(q[4*g+1]), int32(q[4*g+2]), int32(q[4*g+3])
			for l := range acc {
				c := blk[l*4 : l*4+4]
				acc[l] += int32(c[0])*q0 + int32(c[1])*q1 + int32(c[2])*q2 + int32(c[3])*q3
			}
		}
		copy(out[p*panelW:], acc[:])
	}
}

// rescore re-scores hits exactly with the Flat kernel and returns them
// sorted best first (all of them; callers cut to k). NaN scores are dropped.
func (f *Flat) rescore(q []float32, hits []Hit, k int) []Hit {
	idx := make([]int, len(hits))
	for i, h := range hits {
		idx[i] = h.Index
	}
	scores := f.scoreDocs(q, idx)
	out := make([]Hit, 0, len(hits))
	for i, s := range scores {
		if s == s {
			out = append(out, Hit{Index: idx[i], Score: s})
		}
	}
	sortHits(out)
	_ = k
	return out
}

// scoreDocs returns the Flat scores of documents idx for q. The documents
// are gathered into a panel block and scored by the same kernel as Search,
// so the scores are bit-identical to Search's.
func (f *Flat) scoreDocs(q []float32, idx []int) []float32 {
	dim := f.dim
	out := make([]float32, len(idx))
	blk := make([]float32, blockDocs*dim)
	var tile [blockDocs]float32
	var rmax float32
	for c0 := 0; c0 < len(idx); c0 += blockDocs {
		c1 := min(c0+blockDocs, len(idx))
		clear(blk)
		for j, i := range idx[c0:c1] {
			src := f.packed[(i/panelW)*panelW*dim+i%panelW:]
			dst := blk[(j/panelW)*panelW*dim+j%panelW:]
			for k := 0; k < dim; k++ {
				dst[k*panelW] = src[k*panelW]
			}
		}
		kernSingle(q, blk, dim, &tile, &rmax)
		copy(out[c0:c1], tile[:c1-c0])
	}
	return out
}

// exactScore is the Flat score of document i (same order as the kernel).
func (f *Flat) exactScore(q []float32, i int) float32 {
	base := (i/panelW)*panelW*f.dim + i%panelW
	p := f.packed[base:]
	var s float32
	for k, x := range q {
		s = fma32(x, p[k*panelW], s)
	}
	return s
}

func (f *Flat) results(hits []Hit) []Result {
	out := make([]Result, len(hits))
	for i, h := range hits {
		out[i] = Result{ID: f.ids[h.Index], Index: h.Index, Score: h.Score}
	}
	return out
}
