package onnx

import (
	"reflect"
	"sync"
	"testing"
)

func TestPlan(t *testing.T) {
	lens := []int{3, 9, 1, 9, 5, 2, 7}
	got := Plan(lens, 3)
	// longest first, ties in input order: 9(1) 9(3) 7(6) | 5(4) 3(0) 2(5) | 1(2)
	want := [][]int{{1, 3, 6}, {4, 0, 5}, {2}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Plan = %v, want %v", got, want)
	}
	if p := Plan(nil, 4); len(p) != 0 {
		t.Fatalf("Plan(nil) = %v", p)
	}
}

func TestPack(t *testing.T) {
	seqs := []Seq{
		{IDs: []int64{101, 7, 102}, TypeIDs: []int64{0, 0, 0}},
		{IDs: []int64{101, 8, 9, 10, 102}, TypeIDs: []int64{0, 0, 1, 1, 1}},
	}
	b := Pack(seqs, []int{0, 1}, 1, 0, true)
	want := &Batch{Size: 2, SeqLen: 5, PadID: 1,
		InputIDs:      []int64{101, 7, 102, 1, 1, 101, 8, 9, 10, 102},
		AttentionMask: []int64{1, 1, 1, 0, 0, 1, 1, 1, 1, 1},
		TokenTypeIDs:  []int64{0, 0, 0, 0, 0, 0, 0, 1, 1, 1}}
	if !reflect.DeepEqual(b, want) {
		t.Fatalf("Pack = %+v\nwant %+v", b, want)
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	b = Pack(seqs, []int{1}, 0, 7, false)
	if b.SeqLen != 7 || b.TokenTypeIDs != nil || b.AttentionMask[5] != 0 {
		t.Fatalf("Pack to 7 without types = %+v", b)
	}
	bad := &Batch{Size: 2, SeqLen: 3, InputIDs: make([]int64, 5), AttentionMask: make([]int64, 6)}
	if bad.Validate() == nil {
		t.Fatal("short InputIDs validated")
	}
}

func TestStatsCounter(t *testing.T) {
	var c StatsCounter
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Add(Stats{Sequences: 2, Truncated: 1, Batches: 1, Tokens: 10, PaddedTokens: 12})
		}()
	}
	wg.Wait()
	if got := c.Get(); got != (Stats{Sequences: 16, Truncated: 8, Batches: 8, Tokens: 80, PaddedTokens: 96}) {
		t.Fatalf("stats %+v", got)
	}
}
