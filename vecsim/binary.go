package vecsim

import (
	"fmt"
	"math/bits"
)

// SignBits packs the signs of v into 64-bit words: bit i%64 of word i/64 is
// set when v[i] > 0 (zero, negative and NaN give 0).
func SignBits(v []float32) []uint64 {
	out := make([]uint64, (len(v)+63)/64)
	signBitsInto(out, v)
	return out
}

func signBitsInto(out []uint64, v []float32) {
	clear(out)
	for i, x := range v {
		if x > 0 {
			out[i/64] |= 1 << (i % 64)
		}
	}
}

// Hamming returns the number of differing bits of a and b (equal lengths).
func Hamming(a, b []uint64) int {
	if len(a) != len(b) {
		panic("vecsim: Hamming of different lengths")
	}
	n := 0
	for i := range a {
		n += bits.OnesCount64(a[i] ^ b[i])
	}
	return n
}

// BinaryIndex is a sign-bit snapshot of a Flat index searched by Hamming
// distance. Its raw score is dim - 2*Hamming, the inner product of the ±1
// sign vectors.
type BinaryIndex struct {
	flat  *Flat
	n     int
	words int
	codes []uint64
}

// NewBinaryIndex quantises every vector currently in f. Vectors added to f
// later are not part of the snapshot; rescoring reads f.
func NewBinaryIndex(f *Flat) *BinaryIndex {
	w := (f.dim + 63) / 64
	b := &BinaryIndex{flat: f, n: f.n, words: w, codes: make([]uint64, f.n*w)}
	for i := 0; i < f.n; i++ {
		signBitsInto(b.codes[i*w:(i+1)*w], f.Vector(i))
	}
	return b
}

// MemoryBytes returns the bytes of the sign codes (the Flat is not counted).
func (b *BinaryIndex) MemoryBytes() int64 { return int64(cap(b.codes)) * 8 }

// Search returns the k best documents for q. With rescore > 0, the best
// max(rescore, k) by Hamming distance are re-scored exactly from the Flat and
// the scores returned are float32 inner products; otherwise the score is
// dim - 2*Hamming.
func (b *BinaryIndex) Search(q []float32, k, rescore int) []Result {
	if len(q) != b.flat.dim {
		panic(fmt.Sprintf("vecsim: BinaryIndex.Search: query has %d values, index dimension is %d", len(q), b.flat.dim))
	}
	if k <= 0 || b.n == 0 {
		return []Result{}
	}
	qb := SignBits(q)
	cand := k
	if rescore > 0 {
		cand = max(rescore, k)
	}
	t := newTopK(min(cand, b.n))
	w := b.words
	dim := float32(b.flat.dim)
	for i := 0; i < b.n; i++ {
		d := b.codes[i*w : (i+1)*w]
		h := 0
		for j, x := range d {
			h += bits.OnesCount64(x ^ qb[j])
		}
		t.offer(dim-2*float32(h), i)
	}
	hits := t.sorted()
	if rescore > 0 {
		hits = b.flat.rescore(q, hits, k)
	}
	return b.flat.results(hits[:min(k, len(hits))])
}
