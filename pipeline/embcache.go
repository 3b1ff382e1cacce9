package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/jretrieve/jretrieve/internal/atomicfile"
)

// CacheKey identifies everything that determines an embedding besides the
// text: the model and its revision, the tokenizer settings, the prefix and
// the maximum length. Two embedders with equal keys must produce equal
// vectors for equal texts.
type CacheKey struct {
	Model     string `json:"model"`
	Revision  string `json:"revision,omitempty"`
	Tokenizer string `json:"tokenizer,omitempty"`
	Role      string `json:"role"` // "query" or "document": selects the prefix
	Prefix    string `json:"prefix"`
	MaxLength int    `json:"max_length,omitempty"`
	Dim       int    `json:"dim"`
}

// ID is the hex sha256 of the key's canonical JSON.
func (k CacheKey) ID() string {
	b, _ := json.Marshal(k)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// EmbeddingCache is an append-only on-disk store of vectors addressed by
// the sha256 of their text, for one CacheKey. Records are
// [32-byte text hash][dim little-endian float32][CRC-32C of both, little
// endian]. A record that fails its checksum (a flipped byte on disk) is
// dropped when the cache is opened, so its text is embedded again and
// appended; a truncated trailing record (an interrupted write) is ignored
// and overwritten. It is safe for concurrent use.
type EmbeddingCache struct {
	mu      sync.Mutex
	key     CacheKey
	path    string
	f       *os.File
	size    int64
	index   map[[32]byte][]float32
	dropped int
}

// cacheMagic starts a vectors.bin with checksummed records. A file of the
// first format (JRVEC1, no checksums) cannot be verified and is rebuilt.
const (
	cacheMagic   = "JRVEC2\n"
	cacheMagicV1 = "JRVEC1\n"
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// OpenEmbeddingCache opens (or creates) the cache for key under dir.
func OpenEmbeddingCache(dir string, key CacheKey) (*EmbeddingCache, error) {
	if key.Dim <= 0 {
		return nil, fmt.Errorf("embedding cache: key has dim %d", key.Dim)
	}
	sub := filepath.Join(dir, key.ID())
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	meta, _ := json.MarshalIndent(key, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(sub, "key.json"), append(meta, '\n')); err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	path := filepath.Join(sub, "vectors.bin")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	c := &EmbeddingCache{key: key, path: path, f: f, index: map[[32]byte][]float32{}}
	if err := c.load(); err != nil {
		f.Close()
		return nil, err
	}
	return c, nil
}

func (c *EmbeddingCache) recordSize() int64 { return 32 + 4*int64(c.key.Dim) + 4 }

func (c *EmbeddingCache) load() error {
	data, err := io.ReadAll(c.f)
	if err != nil {
		return fmt.Errorf("embedding cache %s: %w", c.path, err)
	}
	if len(data) >= len(cacheMagicV1) && string(data[:len(cacheMagicV1)]) == cacheMagicV1 {
		// Unverifiable records: start over (the vectors are recomputed).
		c.dropped = int((int64(len(data)) - int64(len(cacheMagicV1))) / (c.recordSize() - 4))
		if err := c.f.Truncate(0); err != nil {
			return fmt.Errorf("embedding cache %s: %w", c.path, err)
		}
		data = nil
	}
	if len(data) == 0 {
		if _, err := c.f.WriteAt([]byte(cacheMagic), 0); err != nil {
			return fmt.Errorf("embedding cache %s: %w", c.path, err)
		}
		c.size = int64(len(cacheMagic))
		return nil
	}
	if len(data) < len(cacheMagic) || string(data[:len(cacheMagic)]) != cacheMagic {
		return fmt.Errorf("embedding cache %s: not a jretrieve vector cache (bad magic); delete it to rebuild", c.path)
	}
	rs := c.recordSize()
	body := data[len(cacheMagic):]
	n := int64(len(body)) / rs
	vecs := make([]float32, n*int64(c.key.Dim))
	var bad []int64
	for i := int64(0); i < n; i++ {
		rec := body[i*rs : (i+1)*rs]
		payload := rec[:rs-4]
		if crc32.Checksum(payload, crcTable) != binary.LittleEndian.Uint32(rec[rs-4:]) {
			c.dropped++
			bad = append(bad, i)
			continue
		}
		var h [32]byte
		copy(h[:], rec[:32])
		v := vecs[i*int64(c.key.Dim) : (i+1)*int64(c.key.Dim)]
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(rec[32+4*j:]))
		}
		c.index[h] = v
	}
	c.size = int64(len(cacheMagic)) + n*rs // drops a torn trailing record
	if len(bad) > 0 {
		// Rewrite the file without the damaged records.
		good := make([]byte, 0, c.size-int64(len(bad))*rs)
		good = append(good, cacheMagic...)
		prev := int64(0)
		for _, i := range append(bad, n) {
			good = append(good, body[prev*rs:i*rs]...)
			prev = i + 1
		}
		if err := atomicfile.WriteFile(c.path, good); err != nil {
			return fmt.Errorf("embedding cache %s: %w", c.path, err)
		}
		f, err := os.OpenFile(c.path, os.O_RDWR, 0o644)
		if err != nil {
			return fmt.Errorf("embedding cache %s: %w", c.path, err)
		}
		c.f.Close()
		c.f, c.size = f, int64(len(good))
	}
	return nil
}

// Dropped returns the number of records found damaged (checksum mismatch)
// or unverifiable (an old format) when the cache was opened: their texts
// are embedded again.
func (c *EmbeddingCache) Dropped() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dropped
}

// Len returns the number of cached vectors.
func (c *EmbeddingCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.index)
}

// Get copies the cached vector of text into dst and reports whether it was present.
func (c *EmbeddingCache) Get(text string, dst []float32) bool {
	h := sha256.Sum256([]byte(text))
	c.mu.Lock()
	v, ok := c.index[h]
	c.mu.Unlock()
	if ok {
		copy(dst, v)
	}
	return ok
}

// Put appends the vectors of texts (row-major, Dim per row) and syncs them to disk.
func (c *EmbeddingCache) Put(texts []string, vecs []float32) error {
	d := c.key.Dim
	if len(vecs) != len(texts)*d {
		return fmt.Errorf("embedding cache: %d texts but %d floats (dim %d)", len(texts), len(vecs), d)
	}
	rs := c.recordSize()
	buf := make([]byte, 0, int64(len(texts))*rs)
	c.mu.Lock()
	defer c.mu.Unlock()
	var added [][32]byte
	for i, t := range texts {
		h := sha256.Sum256([]byte(t))
		if _, ok := c.index[h]; ok {
			continue
		}
		start := len(buf)
		buf = append(buf, h[:]...)
		for _, x := range vecs[i*d : (i+1)*d] {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
		buf = binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf[start:], crcTable))
		v := make([]float32, d)
		copy(v, vecs[i*d:(i+1)*d])
		c.index[h] = v
		added = append(added, h)
	}
	if len(buf) == 0 {
		return nil
	}
	if _, err := c.f.WriteAt(buf, c.size); err != nil {
		for _, h := range added {
			delete(c.index, h)
		}
		return fmt.Errorf("embedding cache %s: %w", c.path, err)
	}
	c.size += int64(len(buf))
	return c.f.Sync()
}

// Close closes the cache file.
func (c *EmbeddingCache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f == nil {
		return nil
	}
	err := c.f.Close()
	c.f = nil
	return err
}

// EmbedCached embeds texts with fn, taking vectors from the cache where
// present and embedding each distinct missing text once. Missing texts are
// sorted by length (so batches pad little) and embedded in chunks of chunk
// texts by up to workers concurrent calls of fn; every finished chunk is
// written to the cache at once, so an interrupted run keeps its work.
// progress, if non-nil, is called with the number of texts done so far
// (cached ones included).
//
// A nil cache embeds every distinct text; dim must then be given (it is
// ignored when c is not nil).
func EmbedCached(ctx context.Context, c *EmbeddingCache, dim int, fn func(context.Context, []string) ([]float32, error),
	texts []string, chunk, workers int, progress func(done int)) ([]float32, error) {
	out, _, err := embedCached(ctx, c, dim, fn, texts, chunk, workers, progress)
	return out, err
}

// embedCached is EmbedCached, also returning how many of texts came from
// the cache.
func embedCached(ctx context.Context, c *EmbeddingCache, dim int, fn func(context.Context, []string) ([]float32, error),
	texts []string, chunk, workers int, progress func(done int)) (_ []float32, hits int, _ error) {
	d := dim
	if c != nil {
		d = c.key.Dim
	}
	out := make([]float32, len(texts)*d)
	var missing []string
	where := map[string][]int{}
	done := 0
	for i, t := range texts {
		if c != nil && c.Get(t, out[i*d:(i+1)*d]) {
			done++
			continue
		}
		if _, ok := where[t]; !ok {
			missing = append(missing, t)
		}
		where[t] = append(where[t], i)
	}
	hits = done
	if progress != nil {
		progress(done)
	}
	if chunk <= 0 {
		chunk = 256
	}
	if workers <= 0 {
		workers = 1
	}
	sort.SliceStable(missing, func(a, b int) bool { return len(missing[a]) < len(missing[b]) })

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	sem := make(chan struct{}, workers)
	for start := 0; start < len(missing); start += chunk {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		batch := missing[start:min(start+chunk, len(missing))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			vecs, err := fn(ctx, batch)
			if err == nil && len(vecs) != len(batch)*d {
				err = fmt.Errorf("embedder returned %d floats for %d texts of dim %d", len(vecs), len(batch), d)
			}
			if err == nil && c != nil {
				err = c.Put(batch, vecs)
			}
			if err != nil {
				fail(err)
				return
			}
			mu.Lock()
			for j, t := range batch {
				for _, i := range where[t] {
					copy(out[i*d:(i+1)*d], vecs[j*d:(j+1)*d])
					done++
				}
			}
			if progress != nil {
				progress(done)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, hits, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, hits, err
	}
	return out, hits, nil
}
