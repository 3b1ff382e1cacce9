package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// countingEmbedder returns vector (len(text), first byte, 1) and counts texts embedded.
type countingEmbedder struct{ n int }

func (e *countingEmbedder) embed(_ context.Context, texts []string) ([]float32, error) {
	out := make([]float32, 0, 3*len(texts))
	for _, t := range texts {
		e.n++
		out = append(out, float32(len(t)), float32(t[0]), 1)
	}
	return out, nil
}

func TestEmbedCachedDedupAndReuse(t *testing.T) {
	dir := t.TempDir()
	key := CacheKey{Model: "fake", Role: "document", Dim: 3}
	c, err := OpenEmbeddingCache(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	e := &countingEmbedder{}
	texts := []string{"abc", "xy", "abc", "z", "xy"}
	got, err := EmbedCached(context.Background(), c, 0, e.embed, texts, 2, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.n != 3 {
		t.Errorf("embedded %d texts, want 3 distinct", e.n)
	}
	want := []float32{3, 'a', 1, 2, 'x', 1, 3, 'a', 1, 1, 'z', 1, 2, 'x', 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("vectors = %v, want %v", got, want)
		}
	}
	c.Close()

	// Reopen: nothing is embedded again, and a new text is.
	c, err = OpenEmbeddingCache(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Len() != 3 {
		t.Errorf("reopened cache holds %d vectors, want 3", c.Len())
	}
	e.n = 0
	if _, err := EmbedCached(context.Background(), c, 0, e.embed, []string{"xy", "new"}, 8, 1, nil); err != nil {
		t.Fatal(err)
	}
	if e.n != 1 {
		t.Errorf("after reopen embedded %d texts, want 1", e.n)
	}
}

func TestEmbeddingCacheKeySeparatesModels(t *testing.T) {
	a := CacheKey{Model: "m", Role: "query", Prefix: "クエリ: ", Dim: 3}
	b := a
	b.Prefix = "検索クエリ: "
	if a.ID() == b.ID() {
		t.Fatal("different prefixes share a cache key")
	}
}

func TestEmbeddingCacheTornRecord(t *testing.T) {
	dir := t.TempDir()
	key := CacheKey{Model: "fake", Dim: 3}
	c, _ := OpenEmbeddingCache(dir, key)
	e := &countingEmbedder{}
	EmbedCached(context.Background(), c, 0, e.embed, []string{"aa", "bb"}, 1, 1, nil)
	c.Close()
	// Simulate a crash in the middle of a third record.
	path := filepath.Join(dir, key.ID(), "vectors.bin")
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.Write(make([]byte, 20))
	f.Close()
	c, err := OpenEmbeddingCache(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 2 {
		t.Errorf("cache with torn record holds %d, want 2", c.Len())
	}
	e.n = 0
	EmbedCached(context.Background(), c, 0, e.embed, []string{"cc"}, 1, 1, nil)
	c.Close()
	c, _ = OpenEmbeddingCache(dir, key)
	defer c.Close()
	if c.Len() != 3 {
		t.Errorf("after overwrite of torn record: %d vectors, want 3", c.Len())
	}
}

func TestEmbedCachedInterruptKeepsWork(t *testing.T) {
	dir := t.TempDir()
	key := CacheKey{Model: "fake", Dim: 3}
	c, _ := OpenEmbeddingCache(dir, key)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	fn := func(ctx context.Context, texts []string) ([]float32, error) {
		calls++
		if calls == 2 {
			cancel()
		}
		return (&countingEmbedder{}).embed(ctx, texts)
	}
	_, err := EmbedCached(ctx, c, 0, fn, []string{"a", "b", "c", "d", "e"}, 2, 1, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	c.Close()
	c, _ = OpenEmbeddingCache(dir, key)
	defer c.Close()
	if c.Len() != 4 {
		t.Errorf("interrupted run kept %d vectors, want the 4 of the two finished chunks", c.Len())
	}
}

func TestEmbeddingCacheBadMagic(t *testing.T) {
	dir := t.TempDir()
	key := CacheKey{Model: "fake", Dim: 3}
	os.MkdirAll(filepath.Join(dir, key.ID()), 0o755)
	os.WriteFile(filepath.Join(dir, key.ID(), "vectors.bin"), []byte("garbage!"), 0o644)
	if _, err := OpenEmbeddingCache(dir, key); err == nil {
		t.Fatal("opened a corrupt cache without error")
	}
}

func TestEmbedCachedParallelMatchesSequential(t *testing.T) {
	var texts []string
	for i := 0; i < 200; i++ {
		texts = append(texts, strings.Repeat("あ", i%17+1)+string(rune('a'+i%26)))
	}
	fn := func(_ context.Context, ts []string) ([]float32, error) {
		var out []float32
		for _, t := range ts {
			out = append(out, float32(len(t)), float32(t[len(t)-1]), 1)
		}
		return out, nil
	}
	seq, err := EmbedCached(context.Background(), nil, 3, fn, texts, 7, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := OpenEmbeddingCache(t.TempDir(), CacheKey{Model: "p", Dim: 3})
	defer c.Close()
	var last atomic.Int64
	par, err := EmbedCached(context.Background(), c, 0, fn, texts, 7, 4, func(n int) { last.Store(int64(n)) })
	if err != nil {
		t.Fatal(err)
	}
	for i := range seq {
		if seq[i] != par[i] {
			t.Fatalf("parallel result differs at %d", i)
		}
	}
	if last.Load() != int64(len(texts)) {
		t.Errorf("progress ended at %d, want %d", last.Load(), len(texts))
	}
}

// A flipped byte in vectors.bin used to be served as a vector (a metric
// changed in the 4th decimal). Every record carries a checksum: the damaged
// one is dropped, its text embedded again, and the others reused.
func TestEmbeddingCacheChecksum(t *testing.T) {
	dir := t.TempDir()
	key := CacheKey{Model: "fake", Dim: 3}
	c, _ := OpenEmbeddingCache(dir, key)
	e := &countingEmbedder{}
	texts := []string{"aa", "bbb", "c"}
	want, err := EmbedCached(context.Background(), c, 0, e.embed, texts, 1, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	path := filepath.Join(dir, key.ID(), "vectors.bin")
	b, _ := os.ReadFile(path)
	rs := 32 + 4*3 + 4
	if len(b) != len(cacheMagic)+3*rs {
		t.Fatalf("file of %d bytes, want magic + 3 records of %d", len(b), rs)
	}
	// Flip one bit of a float of the second record: "bbb" (3, 'b', 1).
	b[len(cacheMagic)+rs+32+4*1+1] ^= 0x10
	os.WriteFile(path, b, 0o644)
	c, err = OpenEmbeddingCache(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 2 || c.Dropped() != 1 {
		t.Errorf("damaged cache: %d vectors, %d dropped; want 2 and 1", c.Len(), c.Dropped())
	}
	e.n = 0
	got, err := EmbedCached(context.Background(), c, 0, e.embed, texts, 8, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.n != 1 {
		t.Errorf("re-embedded %d texts, want the damaged one only", e.n)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("vectors %v, want %v", got, want)
		}
	}
	c.Close()
	c, _ = OpenEmbeddingCache(dir, key)
	defer c.Close()
	if c.Len() != 3 || c.Dropped() != 0 {
		t.Errorf("repaired cache: %d vectors, %d dropped; want 3 and 0", c.Len(), c.Dropped())
	}
}

// A cache of the first format (no checksums) is unverifiable: rebuilt.
func TestEmbeddingCacheOldFormatRebuilt(t *testing.T) {
	dir := t.TempDir()
	key := CacheKey{Model: "fake", Dim: 3}
	os.MkdirAll(filepath.Join(dir, key.ID()), 0o755)
	rec := make([]byte, 32+12)
	os.WriteFile(filepath.Join(dir, key.ID(), "vectors.bin"), append([]byte("JRVEC1\n"), rec...), 0o644)
	c, err := OpenEmbeddingCache(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Len() != 0 || c.Dropped() != 1 {
		t.Errorf("old cache: %d vectors, %d dropped; want 0 and 1", c.Len(), c.Dropped())
	}
}
