package vecsim

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// Result is one search hit of an index: the document id given to Add, its
// insertion index and its score.
type Result struct {
	ID    string
	Index int
	Score float32
}

// Flat is an exact (brute-force) inner-product index. Vectors are stored in
// one contiguous []float32 in panel layout (see package doc). Add and Search
// must not run concurrently; concurrent Searches are safe.
type Flat struct {
	dim    int
	n      int
	ids    []string
	packed []float32 // ceil(n/64)*64*dim values

	// Threads is the number of goroutines Search uses; 0 means
	// runtime.GOMAXPROCS(0).
	Threads int
}

// NewFlat returns an empty index for vectors of dimension dim (> 0).
func NewFlat(dim int) *Flat {
	if dim <= 0 {
		panic("vecsim: NewFlat dimension must be positive")
	}
	return &Flat{dim: dim}
}

// Dim returns the vector dimension.
func (f *Flat) Dim() int { return f.dim }

// Len returns the number of stored vectors.
func (f *Flat) Len() int { return f.n }

// ID returns the id of the vector at insertion index i.
func (f *Flat) ID(i int) string { return f.ids[i] }

// Vector returns a copy of the vector at insertion index i.
func (f *Flat) Vector(i int) []float32 {
	out := make([]float32, f.dim)
	base := (i/panelW)*panelW*f.dim + i%panelW
	for k := range out {
		out[k] = f.packed[base+k*panelW]
	}
	return out
}

// MemoryBytes returns the bytes held by vectors (including block padding)
// and ids.
func (f *Flat) MemoryBytes() int64 {
	b := int64(cap(f.packed)) * 4
	b += int64(cap(f.ids)) * 16
	for _, id := range f.ids {
		b += int64(len(id))
	}
	return b
}

func (f *Flat) grow(extra int) {
	need := (f.n + extra + blockDocs - 1) / blockDocs * blockDocs * f.dim
	if need <= len(f.packed) {
		return
	}
	if need <= cap(f.packed) {
		f.packed = f.packed[:need]
		return
	}
	c := max(need, cap(f.packed)*5/4)
	c = (c + blockDocs*f.dim - 1) / (blockDocs * f.dim) * (blockDocs * f.dim)
	p := make([]float32, need, c)
	copy(p, f.packed)
	f.packed = p
}

func (f *Flat) put(i int, v []float32) {
	base := (i/panelW)*panelW*f.dim + i%panelW
	p := f.packed[base:]
	for k, x := range v {
		p[k*panelW] = x
	}
}

// Add appends one vector with its id. The vector is copied.
func (f *Flat) Add(id string, v []float32) error {
	if len(v) != f.dim {
		return fmt.Errorf("vecsim: Add %q: vector has %d values, index dimension is %d", id, len(v), f.dim)
	}
	f.grow(1)
	f.put(f.n, v)
	f.ids = append(f.ids, id)
	f.n++
	return nil
}

// AddBatch appends every row of m; ids must have one entry per row (nil ids
// are replaced by the decimal insertion index).
func (f *Flat) AddBatch(ids []string, m Matrix) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Dim != f.dim {
		return fmt.Errorf("vecsim: AddBatch: matrix dimension %d, index dimension %d", m.Dim, f.dim)
	}
	if ids != nil && len(ids) != m.Rows {
		return fmt.Errorf("vecsim: AddBatch: %d ids for %d rows", len(ids), m.Rows)
	}
	f.grow(m.Rows)
	for i := 0; i < m.Rows; i++ {
		f.put(f.n+i, m.Row(i))
		if ids != nil {
			f.ids = append(f.ids, ids[i])
		} else {
			f.ids = append(f.ids, fmt.Sprint(f.n+i))
		}
	}
	f.n += m.Rows
	return nil
}

func (f *Flat) threads(t int) int {
	if t <= 0 {
		t = f.Threads
	}
	if t <= 0 {
		t = runtime.GOMAXPROCS(0)
	}
	return t
}

// Search returns the k best vectors for q by inner product.
func (f *Flat) Search(q []float32, k int) []Result {
	if len(q) != f.dim {
		panic(fmt.Sprintf("vecsim: Search: query has %d values, index dimension is %d", len(q), f.dim))
	}
	r, _ := f.SearchBatchContext(context.Background(), Matrix{Rows: 1, Dim: f.dim, Data: q}, k, 0)
	return r[0]
}

// SearchBatch searches every row of queries with up to threads goroutines
// (0: Threads / GOMAXPROCS). It panics on a dimension mismatch.
func (f *Flat) SearchBatch(queries Matrix, k int, threads int) [][]Result {
	r, err := f.SearchBatchContext(context.Background(), queries, k, threads)
	if err != nil {
		panic(err)
	}
	return r
}

// superBlocks is the number of 64-document blocks scored against one query
// group while it is hot in L1.
const superBlocks = 2

// SearchBatchContext is SearchBatch with cancellation and errors instead of
// panics.
func (f *Flat) SearchBatchContext(ctx context.Context, queries Matrix, k int, threads int) ([][]Result, error) {
	if err := queries.Validate(); err != nil {
		return nil, err
	}
	if queries.Dim != f.dim {
		return nil, fmt.Errorf("vecsim: search: query dimension %d, index dimension %d", queries.Dim, f.dim)
	}
	hits, err := f.searchHits(ctx, queries, k, threads)
	if err != nil {
		return nil, err
	}
	out := make([][]Result, len(hits))
	for i, hs := range hits {
		rs := make([]Result, len(hs))
		for j, h := range hs {
			rs[j] = Result{ID: f.ids[h.Index], Index: h.Index, Score: h.Score}
		}
		out[i] = rs
	}
	return out, nil
}

func (f *Flat) searchHits(ctx context.Context, queries Matrix, k int, threads int) ([][]Hit, error) {
	nq := queries.Rows
	out := make([][]Hit, nq)
	if k <= 0 || nq == 0 || f.n == 0 {
		for i := range out {
			out[i] = []Hit{}
		}
		return out, nil
	}
	k = min(k, f.n)
	qp := queries.Data
	if nq > 1 {
		qp = packQueries(queries)
	}
	nb := (f.n + blockDocs - 1) / blockDocs
	groups := (nq + kernQ - 1) / kernQ
	t := f.threads(threads)
	if nq > 1 && nb < 8*t && groups >= t {
		// Few documents, many queries: split the queries instead. Each
		// query still sees the documents in ascending order in one
		// goroutine, so the results are the same.
		return f.searchByQueries(ctx, qp, nq, k, t)
	}
	t = min(t, nb)
	parts := make([][]topK, t)
	errs := make([]error, t)
	var wg sync.WaitGroup
	for w := 0; w < t; w++ {
		b0, b1 := nb*w/t, nb*(w+1)/t
		wg.Add(1)
		go func() {
			defer wg.Done()
			hs := make([]topK, nq)
			for i := range hs {
				hs[i] = newTopK(k)
			}
			errs[w] = f.scan(ctx, qp, nq, b0, b1, hs)
			parts[w] = hs
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i := range out {
		if t == 1 {
			out[i] = parts[0][i].sorted()
			continue
		}
		m := newTopK(k)
		for w := range parts {
			for _, h := range parts[w][i].h {
				m.push(h)
			}
		}
		out[i] = m.sorted()
	}
	return out, nil
}

// searchByQueries runs the batch search with query groups split across t
// goroutines, each scanning every document.
func (f *Flat) searchByQueries(ctx context.Context, qp []float32, nq, k, t int) ([][]Hit, error) {
	groups := (nq + kernQ - 1) / kernQ
	nb := (f.n + blockDocs - 1) / blockDocs
	hs := make([]topK, nq)
	for i := range hs {
		hs[i] = newTopK(k)
	}
	errs := make([]error, t)
	var wg sync.WaitGroup
	for w := 0; w < t; w++ {
		g0, g1 := groups*w/t, groups*(w+1)/t
		q0, q1 := g0*kernQ, min(g1*kernQ, nq)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := qp[g0*kernQ*f.dim : g1*kernQ*f.dim]
			if q1-q0 == 1 {
				sub = unpackQuery(qp, q0, f.dim) // scan's single-query path wants plain layout

			}
			errs[w] = f.scan(ctx, sub, q1-q0, 0, nb, hs[q0:q1])
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	out := make([][]Hit, nq)
	for i := range out {
		out[i] = hs[i].sorted()
	}
	return out, nil
}

// unpackQuery extracts query qi from packed groups into plain layout.
func unpackQuery(qp []float32, qi, dim int) []float32 {
	g, q := qi/kernQ, qi%kernQ
	out := make([]float32, dim)
	for k := range out {
		out[k] = qp[g*kernQ*dim+k*kernQ+q]
	}
	return out
}

// scan scores blocks [b0, b1) against all packed queries, feeding heaps.
func (f *Flat) scan(ctx context.Context, qp []float32, nq, b0, b1 int, heaps []topK) error {
	dim := f.dim
	groups := (nq + kernQ - 1) / kernQ
	var tile [tileLen]float32
	var rmax [kernQ]float32
	bs := blockDocs * dim
	if nq == 1 {
		var t1 [blockDocs]float32
		var m1 float32
		h := &heaps[0]
		for b := b0; b < b1; b++ {
			if (b-b0)%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			kernSingle(qp, f.packed[b*bs:(b+1)*bs], dim, &t1, &m1)
			if h.full() && !(m1 > h.thr) {
				continue
			}
			d0 := b * blockDocs
			for j, s := range t1[:min(blockDocs, f.n-d0)] {
				h.offer(s, d0+j)
			}
		}
		return nil
	}
	for s0 := b0; s0 < b1; s0 += superBlocks {
		if (s0-b0)%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		s1 := min(s0+superBlocks, b1)
		for g := 0; g < groups; g++ {
			q0 := g * kernQ
			qg := qp[g*kernQ*dim : (g+1)*kernQ*dim]
			nqg := min(kernQ, nq-q0)
			for b := s0; b < s1; b++ {
				kernTile(qg, f.packed[b*bs:(b+1)*bs], dim, &tile, &rmax)
				d0 := b * blockDocs
				nd := min(blockDocs, f.n-d0)
				for q := 0; q < nqg; q++ {
					h := &heaps[q0+q]
					if h.full() && !(rmax[q] > h.thr) {
						continue
					}
					row := tile[q*blockDocs : q*blockDocs+nd]
					for j, s := range row {
						h.offer(s, d0+j)
					}
				}
			}
		}
	}
	return nil
}

// Matrix returns a row-major copy of the stored vectors (for example to
// write them with WriteNPY).
func (f *Flat) Matrix() Matrix {
	m := NewMatrix(f.n, f.dim)
	for i := 0; i < f.n; i++ {
		row := m.Row(i)
		base := (i/panelW)*panelW*f.dim + i%panelW
		for k := range row {
			row[k] = f.packed[base+k*panelW]
		}
	}
	return m
}
