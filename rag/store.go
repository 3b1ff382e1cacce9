package rag

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/bm25"
	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
	"github.com/jretrieve/jretrieve/internal/utf8check"
	"github.com/jretrieve/jretrieve/vecsim"
)

// Files of a store directory.
const (
	ManifestFile   = "manifest.json"
	DocumentsFile  = "documents.jsonl"
	BM25File       = "bm25.idx"
	EmbeddingsFile = "embeddings.npy"
)

// FormatVersion is the version of the store directory layout.
const FormatVersion = 1

// ErrMismatch is wrapped by the errors of Open and Store.Dense when the
// stored settings (model, prefixes, tokenizer, analysis) differ from those
// of the model or options the store is opened with.
var ErrMismatch = errors.New("settings differ from the stored index")

// ErrCorrupt is wrapped by the errors of Open about a malformed or
// inconsistent store directory.
var ErrCorrupt = errors.New("corrupt index directory")

// Manifest is the content of manifest.json: what was indexed and how.
type Manifest struct {
	Format    int `json:"format"`
	Documents int `json:"documents"`
	// Analysis and BM25 describe the BM25 index (absent without one).
	Analysis *analysis.Options `json:"analysis,omitempty"`
	BM25     *bm25.IndexParams `json:"bm25,omitempty"`
	// Model identifies the embedder of the vectors (absent without them).
	Model *ModelInfo `json:"model,omitempty"`
	// Files lists the data files with their size and sha256.
	Files []FileInfo `json:"files"`
}

// FileInfo is one data file of a store directory.
type FileInfo struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Store holds documents (ids, text, metadata) with a BM25 index and/or
// their embeddings in an exact flat index. It is immutable once built or
// opened and safe for concurrent use. It implements Corpus.
type Store struct {
	docs []Document
	ix   *bm25.Index
	flat *vecsim.Flat
	man  Manifest
}

// BuildOptions configure Build.
type BuildOptions struct {
	// Analysis is how the BM25 index tokenises text (default
	// analysis.Options{Dict: analysis.Uni}, MeCab -Owakati with UniDic).
	Analysis *analysis.Options
	// BM25 are the index's scoring parameters (zero: Lucene's defaults).
	BM25 bm25.IndexParams
	// NoBM25 builds no BM25 index.
	NoBM25 bool
	// Embedder, when set, embeds every document (EmbedDocuments, which
	// applies the model's document prefix) into a flat vector index.
	Embedder embed.Embedder
	// Model overrides Describe(Embedder) as the recorded identity.
	Model *ModelInfo
	// BatchSize is the number of documents per EmbedDocuments call
	// (default 256).
	BatchSize int
	// Progress, if set, is called after each embedded batch with the
	// number of documents embedded so far.
	Progress func(done, total int)
}

// Build indexes docs. Ids must be unique and non-empty and texts valid
// UTF-8. At least one of the BM25 index and the embeddings is built.
func Build(ctx context.Context, docs []Document, opt BuildOptions) (*Store, error) {
	if opt.NoBM25 && opt.Embedder == nil {
		return nil, errors.New("rag: nothing to build: no BM25 index and no embedder")
	}
	seen := make(map[string]int, len(docs))
	for i, d := range docs {
		if d.ID == "" {
			return nil, fmt.Errorf("rag: document %d has an empty id", i)
		}
		if j, dup := seen[d.ID]; dup {
			return nil, fmt.Errorf("rag: documents %d and %d share the id %q", j, i, d.ID)
		}
		seen[d.ID] = i
		if !utf8.ValidString(d.Text) {
			return nil, fmt.Errorf("rag: document %q: text is not valid UTF-8", d.ID)
		}
	}
	s := &Store{docs: cloneDocs(docs), man: Manifest{Format: FormatVersion, Documents: len(docs)}}
	if !opt.NoBM25 {
		ao := analysis.Options{Dict: analysis.Uni}
		if opt.Analysis != nil {
			ao = *opt.Analysis
		}
		a, err := analysis.New(ao)
		if err != nil {
			return nil, fmt.Errorf("rag: %w", err)
		}
		seq := func(yield func(bm25.Doc, error) bool) {
			for _, d := range s.docs {
				if !yield(bm25.Doc{ID: d.ID, Text: d.Text}, nil) {
					return
				}
			}
		}
		ix, err := bm25.Build(ctx, seq, bm25.BuildOptions{Params: opt.BM25, Analyzer: a})
		if err != nil {
			return nil, fmt.Errorf("rag: bm25 index: %w", err)
		}
		s.ix = ix
		p := ix.Params()
		s.man.BM25, s.man.Analysis = &p, ix.Analysis()
	}
	if e := opt.Embedder; e != nil {
		info := opt.Model
		if info == nil {
			d, err := Describe(e)
			if err != nil {
				return nil, err
			}
			info = &d
		}
		if info.Dim != e.Dim() {
			return nil, fmt.Errorf("rag: model info says dimension %d, the embedder %d", info.Dim, e.Dim())
		}
		flat, err := embedAll(ctx, e, s.docs, opt.BatchSize, opt.Progress)
		if err != nil {
			return nil, err
		}
		s.flat, s.man.Model = flat, info
	}
	return s, nil
}

func embedAll(ctx context.Context, e embed.Embedder, docs []Document, batch int, progress func(int, int)) (*vecsim.Flat, error) {
	if batch <= 0 {
		batch = 256
	}
	dim := e.Dim()
	if dim <= 0 {
		return nil, fmt.Errorf("rag: embedder dimension %d", dim)
	}
	flat := vecsim.NewFlat(dim)
	for start := 0; start < len(docs); start += batch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(start+batch, len(docs))
		texts := make([]string, end-start)
		ids := make([]string, end-start)
		for i, d := range docs[start:end] {
			texts[i], ids[i] = d.Text, d.ID
		}
		v, err := e.EmbedDocuments(ctx, texts)
		if err != nil {
			return nil, fmt.Errorf("rag: embed documents %d-%d: %w", start, end-1, err)
		}
		if len(v) != len(texts)*dim {
			return nil, fmt.Errorf("rag: embedder returned %d values for %d documents of dimension %d", len(v), len(texts), dim)
		}
		if r, c, bad := firstNonFinite(v, dim); bad {
			return nil, fmt.Errorf("rag: the embedder returned a non-finite vector for document %q (component %d is %v): refusing to index it", ids[r], c, v[r*dim+c])
		}
		if err := flat.AddBatch(ids, vecsim.Matrix{Rows: len(texts), Dim: dim, Data: v}); err != nil {
			return nil, fmt.Errorf("rag: %w", err)
		}
		if progress != nil {
			progress(end, len(docs))
		}
	}
	return flat, nil
}

// firstNonFinite returns the row and component of the first NaN or
// infinite value of the rows of dim values in v. Such a vector scores NaN
// (dropped from every result list without a word) or ±Inf.
func firstNonFinite(v []float32, dim int) (row, comp int, bad bool) {
	for i, x := range v {
		if f := float64(x); math.IsNaN(f) || math.IsInf(f, 0) {
			return i / dim, i % dim, true
		}
	}
	return 0, 0, false
}

func cloneDocs(docs []Document) []Document {
	out := make([]Document, len(docs))
	for i, d := range docs {
		out[i] = d
		if d.Meta != nil {
			out[i].Meta = make(map[string]string, len(d.Meta))
			for k, v := range d.Meta {
				out[i].Meta[k] = v
			}
		}
	}
	return out
}

// Len implements Corpus.
func (s *Store) Len() int { return len(s.docs) }

// Doc implements Corpus. The returned Meta map must not be modified.
func (s *Store) Doc(i int) Document { return s.docs[i] }

// Manifest returns the store's settings.
func (s *Store) Manifest() Manifest { return s.man }

// Index returns the BM25 index, or nil when the store has none.
func (s *Store) Index() *bm25.Index { return s.ix }

// Vectors returns the flat vector index, or nil when the store has no
// embeddings. It must not be modified.
func (s *Store) Vectors() *vecsim.Flat { return s.flat }

// BM25 returns a lexical retriever over the store.
func (s *Store) BM25() (*BM25, error) {
	if s.ix == nil {
		return nil, errors.New("rag: the store has no BM25 index")
	}
	return NewBM25(s.ix, s)
}

// Dense returns a dense retriever over the store's vectors that embeds
// queries with e. e must be the model that embedded the documents, with the
// same settings: any difference is an error wrapping ErrMismatch.
func (s *Store) Dense(e embed.Embedder) (*Dense, error) {
	if err := s.CheckModel(e); err != nil {
		return nil, err
	}
	return NewDense(e, s.flat, s)
}

// CheckModel reports whether e is the embedder the store's vectors were
// built with (see ModelInfo).
func (s *Store) CheckModel(e embed.Embedder) error {
	if e == nil {
		return errors.New("rag: nil embedder")
	}
	return s.checkEmbedder(e)
}

func (s *Store) checkInfo(got ModelInfo) error {
	if d := s.man.Model.diff(got); len(d) > 0 {
		return fmt.Errorf("rag: model %q vs stored model %q: %w: %s", got.Name, s.man.Model.Name, ErrMismatch, strings.Join(d, "; "))
	}
	return nil
}

// Save writes the store into dir (created if needed): documents.jsonl,
// bm25.idx, embeddings.npy and manifest.json. It takes the directory's
// writer lock (LockDir; a second writer fails with ErrLocked), writes the
// complete store into a new directory beside dir, and then swaps it in
// (atomically on Linux), so that a reader (Open) sees the previous store
// or the new one, never a mix. An existing dir must hold nothing but a
// store: it is replaced as a whole.
func (s *Store) Save(dir string) error {
	l, err := LockDir(dir)
	if err != nil {
		return err
	}
	defer l.Unlock()
	return s.SaveLocked(l)
}

// SaveLocked is Save under a lock already taken with LockDir.
func (s *Store) SaveLocked(l *DirLock) (err error) {
	dir := l.dir
	if s.flat != nil {
		for i := range s.flat.Len() {
			v := s.flat.Vector(i)
			if _, c, bad := firstNonFinite(v, len(v)); bad {
				return fmt.Errorf("rag: document %q: embedding component %d is %v: refusing to write a non-finite vector", s.docs[i].ID, c, v[c])
			}
		}
	}
	exists, err := checkReplaceable(dir)
	if err != nil {
		return err
	}
	cleanStale(dir)
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".new-")
	if err != nil {
		return fmt.Errorf("rag: %w", err)
	}
	swapped := false
	defer func() {
		if !swapped {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("rag: %w", err)
	}
	man := s.man
	man.Files = nil
	add := func(name string, write func(io.Writer) error) error {
		fi, err := writeFileAtomic(tmp, name, write)
		if err != nil {
			return err
		}
		man.Files = append(man.Files, fi)
		return nil
	}
	if err := add(DocumentsFile, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, d := range s.docs {
			if err := enc.Encode(d); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if s.ix != nil {
		if err := add(BM25File, func(w io.Writer) error { _, err := s.ix.WriteTo(w); return err }); err != nil {
			return err
		}
	}
	if s.flat != nil {
		if err := add(EmbeddingsFile, func(w io.Writer) error {
			m := vecsim.NewMatrix(s.flat.Len(), s.flat.Dim())
			for i := range s.flat.Len() {
				copy(m.Row(i), s.flat.Vector(i))
			}
			return vecsim.WriteNPY(w, m)
		}); err != nil {
			return err
		}
	}
	if _, err := writeFileAtomic(tmp, ManifestFile, func(w io.Writer) error {
		b, err := json.MarshalIndent(man, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return err
	}
	if err := syncDir(tmp); err != nil {
		return fmt.Errorf("rag: %w", err)
	}
	swapped = true
	return swapIn(tmp, dir, exists)
}

func (m *Manifest) file(name string) *FileInfo {
	for i := range m.Files {
		if m.Files[i].Name == name {
			return &m.Files[i]
		}
	}
	return nil
}

// writeFileAtomic writes dir/name through a synced temporary file renamed
// into place and returns its size and sha256.
func writeFileAtomic(dir, name string, write func(io.Writer) error) (FileInfo, error) {
	h := sha256.New()
	var n int64
	err := atomicfile.Write(filepath.Join(dir, name), func(w io.Writer) error {
		cw := &countWriter{w: io.MultiWriter(w, h)}
		err := write(cw)
		n = cw.n
		return err
	})
	if err != nil {
		return FileInfo{}, fmt.Errorf("rag: %w", err)
	}
	return FileInfo{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// OpenOptions configure Open.
type OpenOptions struct {
	// Embedder, when set, is checked against the stored model identity
	// (an error wrapping ErrMismatch when they differ).
	Embedder embed.Embedder
	// Analysis, when set, must equal the stored analysis options.
	Analysis *analysis.Options
}

// Open reads a store saved by Save. Nothing is re-embedded: the vectors
// come from embeddings.npy. Every data file is checked against the size
// and sha256 in the manifest, and the documents against the indexes' ids.
// All files are read through one handle on the directory: when a writer
// replaces the store meanwhile, Open reads the new one from the start, so
// it returns the old store or the new one, never a mix.
func Open(ctx context.Context, dir string, opt OpenOptions) (*Store, error) {
	for attempt := 1; ; attempt++ {
		s, retry, err := openOnce(ctx, dir, opt)
		if err == nil || !retry || attempt == 20 || ctx.Err() != nil {
			return s, err
		}
		time.Sleep(time.Duration(attempt) * time.Millisecond)
	}
}

// openOnce reads the store; retry reports that dir was replaced (or was
// briefly missing) during the read.
func openOnce(ctx context.Context, dir string, opt OpenOptions) (_ *Store, retry bool, err error) {
	mpath := filepath.Join(dir, ManifestFile)
	root, err := os.OpenRoot(dir)
	if err != nil {
		// Outside Linux a Save swaps the directory with two renames.
		return nil, errors.Is(err, os.ErrNotExist), fmt.Errorf("rag: open index: %w", err)
	}
	defer root.Close()
	defer func() {
		if err != nil {
			here, e1 := root.Stat(".")
			now, e2 := os.Stat(dir)
			retry = e1 != nil || e2 != nil || !os.SameFile(here, now)
		}
	}()
	s, err := openRoot(ctx, root, dir, mpath, opt)
	return s, false, err
}

func openRoot(ctx context.Context, root *os.Root, dir, mpath string, opt OpenOptions) (*Store, error) {
	b, err := root.ReadFile(ManifestFile)
	if err != nil {
		return nil, fmt.Errorf("rag: open index: %w", err)
	}
	var man Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&man); err != nil {
		return nil, fmt.Errorf("rag: %s: %w: %v", mpath, ErrCorrupt, err)
	}
	if man.Format != FormatVersion {
		return nil, fmt.Errorf("rag: %s: %w: format %d, this version reads %d", mpath, ErrCorrupt, man.Format, FormatVersion)
	}
	if (man.BM25 == nil) != (man.file(BM25File) == nil) || (man.BM25 == nil) != (man.Analysis == nil) || (man.Model == nil) != (man.file(EmbeddingsFile) == nil) || man.file(DocumentsFile) == nil {
		return nil, fmt.Errorf("rag: %s: %w: settings and files disagree", mpath, ErrCorrupt)
	}
	if opt.Analysis != nil {
		if man.Analysis == nil {
			return nil, fmt.Errorf("rag: %s: %w: analysis options given but the index has no BM25 index", mpath, ErrMismatch)
		}
		if !reflect.DeepEqual(normAnalysis(*opt.Analysis), normAnalysis(*man.Analysis)) {
			return nil, fmt.Errorf("rag: %s: %w: analysis: stored %+v, requested %+v", mpath, ErrMismatch, *man.Analysis, *opt.Analysis)
		}
	}
	s := &Store{man: man}
	if opt.Embedder != nil {
		if err := s.checkEmbedder(opt.Embedder); err != nil {
			return nil, err
		}
	}
	read := func(name string) ([]byte, error) {
		fi := man.file(name)
		path := filepath.Join(dir, name)
		data, err := root.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("rag: %s: %w", path, err)
		}
		if int64(len(data)) != fi.Size {
			return nil, fmt.Errorf("rag: %s: %w: %d bytes, the manifest says %d", path, ErrCorrupt, len(data), fi.Size)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != fi.SHA256 {
			return nil, fmt.Errorf("rag: %s: %w: sha256 differs from the manifest", path, ErrCorrupt)
		}
		return data, ctx.Err()
	}
	data, err := read(DocumentsFile)
	if err != nil {
		return nil, err
	}
	if s.docs, err = parseDocs(data, filepath.Join(dir, DocumentsFile)); err != nil {
		return nil, err
	}
	if len(s.docs) != man.Documents {
		return nil, fmt.Errorf("rag: %s: %w: %d documents, the manifest says %d", filepath.Join(dir, DocumentsFile), ErrCorrupt, len(s.docs), man.Documents)
	}
	if man.BM25 != nil {
		path := filepath.Join(dir, BM25File)
		data, err := read(BM25File)
		if err != nil {
			return nil, err
		}
		ix, err := bm25.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("rag: %s: %w", path, err)
		}
		if err := checkAligned(path, ix.Len(), ix.ID, s); err != nil {
			return nil, fmt.Errorf("%w (%w)", err, ErrCorrupt)
		}
		if ix.Params() != *man.BM25 || ix.Analysis() == nil || !reflect.DeepEqual(normAnalysis(*ix.Analysis()), normAnalysis(*man.Analysis)) {
			return nil, fmt.Errorf("rag: %s: %w: the index's settings differ from the manifest's", path, ErrCorrupt)
		}
		s.ix = ix
	}
	if man.Model != nil {
		path := filepath.Join(dir, EmbeddingsFile)
		data, err := read(EmbeddingsFile)
		if err != nil {
			return nil, err
		}
		m, err := vecsim.ReadNPY(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("rag: %s: %w", path, err)
		}
		if m.Rows != len(s.docs) || m.Dim != man.Model.Dim {
			return nil, fmt.Errorf("rag: %s: %w: shape (%d, %d), want (%d, %d)", path, ErrCorrupt, m.Rows, m.Dim, len(s.docs), man.Model.Dim)
		}
		if r, c, bad := firstNonFinite(m.Data, m.Dim); bad {
			return nil, fmt.Errorf("rag: %s: %w: row %d (document %q) component %d is %v", path, ErrCorrupt, r, s.docs[r].ID, c, m.Data[r*m.Dim+c])
		}
		ids := make([]string, len(s.docs))
		for i, d := range s.docs {
			ids[i] = d.ID
		}
		s.flat = vecsim.NewFlat(m.Dim)
		if err := s.flat.AddBatch(ids, m); err != nil {
			return nil, fmt.Errorf("rag: %s: %w", path, err)
		}
	}
	return s, nil
}

func (s *Store) checkEmbedder(e embed.Embedder) error {
	if s.man.Model == nil {
		return errors.New("rag: the store has no embeddings")
	}
	got, err := Describe(e)
	if err != nil {
		return err
	}
	return s.checkInfo(got)
}

// normAnalysis fills the default dictionary and treats empty lists as nil
// so that equal settings compare equal after a JSON round trip.
func normAnalysis(o analysis.Options) analysis.Options {
	if o.Dict == "" {
		o.Dict = analysis.Uni
	}
	if len(o.DropPOS) == 0 {
		o.DropPOS = nil
	}
	if len(o.StopWords) == 0 {
		o.StopWords = nil
	}
	return o
}

func parseDocs(data []byte, path string) ([]Document, error) {
	var docs []Document
	seen := map[string]int{}
	line := 0
	for len(data) > 0 {
		line++
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil, fmt.Errorf("rag: %s:%d: %w: missing final newline", path, line, ErrCorrupt)
		}
		if err := utf8check.Line(data[:i], path, line); err != nil {
			return nil, fmt.Errorf("rag: %w: %w", ErrCorrupt, err)
		}
		var d Document
		dec := json.NewDecoder(bytes.NewReader(data[:i]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("rag: %s:%d: %w: %v", path, line, ErrCorrupt, err)
		}
		if d.ID == "" {
			return nil, fmt.Errorf("rag: %s:%d: %w: empty id", path, line, ErrCorrupt)
		}
		if j, dup := seen[d.ID]; dup {
			return nil, fmt.Errorf("rag: %s:%d: %w: id %q repeats line %d", path, line, ErrCorrupt, d.ID, j)
		}
		seen[d.ID] = line
		docs = append(docs, d)
		data = data[i+1:]
	}
	return docs, nil
}
