package onnx

import (
	"sort"
	"sync"
)

// Seq is one tokenized sequence (unpadded). TypeIDs may be nil (all zeros).
type Seq struct {
	IDs     []int64
	TypeIDs []int64
}

// Plan groups sequence indices into batches of at most maxBatch sequences,
// sorted by decreasing length so that each batch pads little. Ties keep input
// order, so the plan is deterministic. Callers scatter the results back with
// the returned indices (the order restore).
func Plan(lens []int, maxBatch int) [][]int {
	if maxBatch <= 0 {
		maxBatch = 32
	}
	order := make([]int, len(lens))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return lens[order[a]] > lens[order[b]] })
	var out [][]int
	for len(order) > 0 {
		n := min(maxBatch, len(order))
		out = append(out, order[:n:n])
		order = order[n:]
	}
	return out
}

// Pack right-pads seqs[idx[0]], seqs[idx[1]], ... to seqLen (at least the
// longest of them) with padID, attention mask 0 and type id 0. If withTypes is
// false the batch carries no TokenTypeIDs.
func Pack(seqs []Seq, idx []int, padID int64, seqLen int, withTypes bool) *Batch {
	for _, i := range idx {
		seqLen = max(seqLen, len(seqs[i].IDs))
	}
	n := len(idx) * seqLen
	b := &Batch{Size: len(idx), SeqLen: seqLen, PadID: padID, InputIDs: make([]int64, n), AttentionMask: make([]int64, n)}
	if withTypes {
		b.TokenTypeIDs = make([]int64, n)
	}
	for r, i := range idx {
		s := seqs[i]
		row := r * seqLen
		for j := range seqLen {
			if j < len(s.IDs) {
				b.InputIDs[row+j] = s.IDs[j]
				b.AttentionMask[row+j] = 1
				if withTypes && j < len(s.TypeIDs) {
					b.TokenTypeIDs[row+j] = s.TypeIDs[j]
				}
			} else {
				b.InputIDs[row+j] = padID
			}
		}
	}
	return b
}

// Stats counts what a model has processed. Truncated counts the inputs cut to
// the model's maximum length: their tail did not reach the model.
type Stats struct {
	Sequences    int64 // sequences encoded
	Truncated    int64 // sequences cut at the maximum length
	Batches      int64 // encoder runs
	Tokens       int64 // real tokens (attention mask 1)
	PaddedTokens int64 // batch cells sent to the encoder, padding included
}

// StatsCounter accumulates Stats safely across goroutines.
type StatsCounter struct {
	mu sync.Mutex
	s  Stats
}

// Add adds d to the counter.
func (c *StatsCounter) Add(d Stats) {
	c.mu.Lock()
	c.s.Sequences += d.Sequences
	c.s.Truncated += d.Truncated
	c.s.Batches += d.Batches
	c.s.Tokens += d.Tokens
	c.s.PaddedTokens += d.PaddedTokens
	c.mu.Unlock()
}

// Get returns a copy of the counts.
func (c *StatsCounter) Get() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s
}
