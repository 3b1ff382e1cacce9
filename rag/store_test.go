package rag_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/rag"
	"github.com/jretrieve/jretrieve/rag/ragtest"

	_ "github.com/jretrieve/jretrieve/onnx/gobackend"
)

// counting wraps an embedder and counts the documents it embeds.
type counting struct {
	*ragtest.HashEmbedder
	docs atomic.Int64
}

func (c *counting) EmbedDocuments(ctx context.Context, texts []string) ([]float32, error) {
	c.docs.Add(int64(len(texts)))
	return c.HashEmbedder.EmbedDocuments(ctx, texts)
}

// plain is an embedder that does not describe itself.
type plain struct{ h *ragtest.HashEmbedder }

func (p plain) Dim() int { return p.h.Dim() }
func (p plain) EmbedQueries(ctx context.Context, texts []string) ([]float32, error) {
	return p.h.EmbedQueries(ctx, texts)
}
func (p plain) EmbedDocuments(ctx context.Context, texts []string) ([]float32, error) {
	return p.h.EmbedDocuments(ctx, texts)
}

func saveStore(t *testing.T, opt rag.BuildOptions) (*rag.Store, string) {
	t.Helper()
	st, err := rag.Build(context.Background(), passages, opt)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := st.Save(dir); err != nil {
		t.Fatal(err)
	}
	return st, dir
}

func retrieveAll(t *testing.T, r rag.Retriever) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{"日本一高い山", "湖", "日本の首都はどこ", "川"} {
		hs, err := r.Retrieve(context.Background(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, hs)
	}
	return b.String()
}

func TestStoreReopen(t *testing.T) {
	ctx := context.Background()
	emb := &counting{HashEmbedder: &ragtest.HashEmbedder{Size: 40, QueryPrefix: "q: ", DocumentPrefix: "d: "}}
	ao := analysis.Options{Dict: analysis.Uni, DropPOS: []string{"助詞"}}
	st, dir := saveStore(t, rag.BuildOptions{Embedder: emb, Analysis: &ao, BatchSize: 3})
	if n := emb.docs.Load(); n != int64(len(passages)) {
		t.Fatalf("build embedded %d documents, want %d", n, len(passages))
	}
	bm, _ := st.BM25()
	dn, _ := st.Dense(emb)
	wantBM, wantDense := retrieveAll(t, bm), retrieveAll(t, dn)

	st2, err := rag.Open(ctx, dir, rag.OpenOptions{Embedder: emb, Analysis: &ao})
	if err != nil {
		t.Fatal(err)
	}
	if n := emb.docs.Load(); n != int64(len(passages)) {
		t.Errorf("open re-embedded: %d documents embedded in all", n)
	}
	if st2.Len() != len(passages) {
		t.Fatalf("%d documents", st2.Len())
	}
	for i, p := range passages {
		if !reflect.DeepEqual(st2.Doc(i), p) {
			t.Errorf("document %d = %+v, want %+v", i, st2.Doc(i), p)
		}
	}
	for i := range passages {
		if !reflect.DeepEqual(st2.Vectors().Vector(i), st.Vectors().Vector(i)) {
			t.Fatalf("vector %d differs after reopening", i)
		}
	}
	m := st2.Manifest()
	if m.Model == nil || m.Model.QueryPrefix != "q: " || m.Model.Dim != 40 || m.Analysis == nil || len(m.Analysis.DropPOS) != 1 || len(m.Files) != 3 {
		t.Errorf("manifest %+v", m)
	}
	bm2, err := st2.BM25()
	if err != nil {
		t.Fatal(err)
	}
	dn2, err := st2.Dense(emb)
	if err != nil {
		t.Fatal(err)
	}
	if got := retrieveAll(t, bm2); got != wantBM {
		t.Errorf("bm25 after reopening:\n%s\nbefore:\n%s", got, wantBM)
	}
	if got := retrieveAll(t, dn2); got != wantDense {
		t.Errorf("dense after reopening:\n%s\nbefore:\n%s", got, wantDense)
	}

	// Saving the reopened store reproduces the directory byte for byte,
	// and leaves no temporary files.
	dir2 := t.TempDir()
	if err := st2.Save(dir2); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{rag.ManifestFile, rag.DocumentsFile, rag.BM25File, rag.EmbeddingsFile} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(dir2, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between saves (%d vs %d bytes)", name, len(a), len(b))
		}
	}
	ents, _ := os.ReadDir(dir2)
	if len(ents) != 4 {
		t.Errorf("directory holds %d entries, want 4", len(ents))
	}

	// Overwriting with a BM25-only store removes the stale embeddings.
	bmOnly, err := rag.Build(ctx, passages, rag.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := bmOnly.Save(dir2); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir2, rag.EmbeddingsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale embeddings kept: %v", err)
	}
	st3, err := rag.Open(ctx, dir2, rag.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st3.Vectors() != nil {
		t.Error("BM25-only store has vectors")
	}
	if _, err := st3.Dense(emb); err == nil {
		t.Error("dense retriever over a store without embeddings")
	}
	if _, err := rag.Open(ctx, dir2, rag.OpenOptions{Embedder: emb}); err == nil {
		t.Error("embedder accepted for a store without embeddings")
	}
}

func TestStoreMismatch(t *testing.T) {
	ctx := context.Background()
	base := &ragtest.HashEmbedder{Size: 32, QueryPrefix: "q: ", DocumentPrefix: "d: "}
	ao := analysis.Options{Dict: analysis.Uni}
	_, dir := saveStore(t, rag.BuildOptions{Embedder: base, Analysis: &ao})
	if _, err := rag.Open(ctx, dir, rag.OpenOptions{Embedder: base, Analysis: &ao}); err != nil {
		t.Fatalf("same settings: %v", err)
	}
	ipa := analysis.Options{Dict: analysis.IPA}
	for _, tc := range []struct {
		name  string
		opt   rag.OpenOptions
		field string
	}{
		{"dimension", rag.OpenOptions{Embedder: &ragtest.HashEmbedder{Size: 16, QueryPrefix: "q: ", DocumentPrefix: "d: "}}, "dimension: stored \"32\", model \"16\""},
		{"query prefix", rag.OpenOptions{Embedder: &ragtest.HashEmbedder{Size: 32, DocumentPrefix: "d: "}}, "query prefix"},
		{"document prefix", rag.OpenOptions{Embedder: &ragtest.HashEmbedder{Size: 32, QueryPrefix: "q: ", DocumentPrefix: "文書: "}}, "document prefix"},
		{"other model", rag.OpenOptions{Embedder: plain{base}}, "weights fingerprint"},
		{"analysis", rag.OpenOptions{Analysis: &ipa}, "analysis"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rag.Open(ctx, dir, tc.opt)
			if !errors.Is(err, rag.ErrMismatch) || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("got %v, want ErrMismatch naming %s", err, tc.field)
			}
		})
	}
	// the check also guards a store opened without an embedder
	st, err := rag.Open(ctx, dir, rag.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Dense(&ragtest.HashEmbedder{Size: 32}); !errors.Is(err, rag.ErrMismatch) {
		t.Errorf("Dense with other prefixes: %v", err)
	}
}

// TestStoreModelIdentity builds with a real ONNX model (pure-Go backend,
// tiny random-weight fixture) and reopens with other settings.
func TestStoreModelIdentity(t *testing.T) {
	ctx := context.Background()
	open := func(name string, opts ...embed.Option) *embed.Model {
		m, err := embed.Open(ctx, onnxtest.Dir(name), append([]embed.Option{embed.WithBackend("go")}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	m := open("bert-tiny")
	info, err := rag.Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "bert-tiny" || info.Dim != m.Dim() || info.QueryPrefix != m.Prefixes().Query || info.Fingerprint == "" || info.Tokenizer == "" {
		t.Errorf("Describe: %+v", info)
	}
	// the fingerprint of a small file is the sha256 of its size and content
	data, err := os.ReadFile(m.Config().ONNX)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	size := uint64(len(data))
	for i := 0; i < 8; i++ {
		h.Write([]byte{byte(size >> (8 * i))})
	}
	h.Write(data)
	if want := hex.EncodeToString(h.Sum(nil)); info.Fingerprint != want {
		t.Errorf("fingerprint %s, want %s", info.Fingerprint, want)
	}

	st, dir := saveStore(t, rag.BuildOptions{Embedder: m})
	st2, err := rag.Open(ctx, dir, rag.OpenOptions{Embedder: open("bert-tiny")})
	if err != nil {
		t.Fatalf("same model: %v", err)
	}
	dn, _ := st.Dense(m)
	dn2, err := st2.Dense(m)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := retrieveAll(t, dn), retrieveAll(t, dn2); a != b {
		t.Errorf("reopened store ranks differently:\n%s\n%s", a, b)
	}
	for name, e := range map[string]*embed.Model{
		"prefixes":   open("bert-tiny", embed.WithPrefixes("検索クエリ: ", "検索文書: ")),
		"max length": open("bert-tiny", embed.WithMaxLength(16)),
		"model":      open("bert-lasttoken-tiny"),
	} {
		if _, err := rag.Open(ctx, dir, rag.OpenOptions{Embedder: e}); !errors.Is(err, rag.ErrMismatch) {
			t.Errorf("%s: got %v, want ErrMismatch", name, err)
		}
	}
}

func TestStoreCorrupt(t *testing.T) {
	ctx := context.Background()
	_, dir := saveStore(t, rag.BuildOptions{Embedder: ragtest.New(16)})
	// rewrite replaces a file and, when fix is set, updates the manifest
	// so that only the content check can catch the problem.
	rewrite := func(t *testing.T, name string, edit func([]byte) []byte, fix bool) string {
		d := t.TempDir()
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			if e.Name() == name {
				b = edit(b)
			}
			os.WriteFile(filepath.Join(d, e.Name()), b, 0o644)
		}
		if fix {
			mb, _ := os.ReadFile(filepath.Join(d, rag.ManifestFile))
			var m rag.Manifest
			if err := json.Unmarshal(mb, &m); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(d, name))
			for i := range m.Files {
				if m.Files[i].Name == name {
					sum := sha256.Sum256(b)
					m.Files[i].Size, m.Files[i].SHA256 = int64(len(b)), hex.EncodeToString(sum[:])
				}
			}
			mb, _ = json.Marshal(m)
			os.WriteFile(filepath.Join(d, rag.ManifestFile), mb, 0o644)
		}
		return d
	}
	flip := func(b []byte) []byte { b[len(b)-3] ^= 1; return b }
	for _, tc := range []struct {
		name, file string
		edit       func([]byte) []byte
		fix        bool
		want       string
	}{
		{"flipped vector byte", rag.EmbeddingsFile, flip, false, "embeddings.npy: corrupt index directory: sha256"},
		{"truncated documents", rag.DocumentsFile, func(b []byte) []byte { return b[:len(b)-10] }, false, "documents.jsonl: corrupt index directory"},
		{"bad json line", rag.DocumentsFile, func(b []byte) []byte { return bytes.Replace(b, []byte(`"id":"biwa"`), []byte(`"id":biwa`), 1) }, true, "documents.jsonl:2:"},
		{"NaN vector", rag.EmbeddingsFile, func(b []byte) []byte { copy(b[len(b)-4:], []byte{0, 0, 0xc0, 0x7f}); return b }, true, "embeddings.npy: corrupt index directory: row 7"},
		{"Inf vector", rag.EmbeddingsFile, func(b []byte) []byte { copy(b[len(b)-4:], []byte{0, 0, 0x80, 0xff}); return b }, true, "is -Inf"},
		{"invalid UTF-8 text", rag.DocumentsFile, func(b []byte) []byte {
			i := bytes.IndexByte(b, '\n') + 1
			j := i + bytes.Index(b[i:], []byte(`"text":"`)) + len(`"text":"`)
			return append(append(append([]byte{}, b[:j]...), 0xff), b[j:]...)
		}, true, "documents.jsonl:2: text is not valid UTF-8 (byte 0xff"},
		{"duplicate id", rag.DocumentsFile, func(b []byte) []byte { return bytes.Replace(b, []byte(`"id":"biwa"`), []byte(`"id":"fuji"`), 1) }, true, `id "fuji" repeats line 1`},
		{"renamed id", rag.DocumentsFile, func(b []byte) []byte { return bytes.Replace(b, []byte(`"id":"biwa"`), []byte(`"id":"lake"`), 1) }, true, `document 1 has id "biwa", the corpus "lake"`},
		{"dropped document", rag.DocumentsFile, func(b []byte) []byte { return b[bytes.IndexByte(b, '\n')+1:] }, true, "7 documents, the manifest says 8"},
		{"unknown manifest field", rag.ManifestFile, func(b []byte) []byte { return bytes.Replace(b, []byte(`"format"`), []byte(`"fmt":1,"format"`), 1) }, false, "manifest.json: corrupt index directory"},
		{"manifest without analysis", rag.ManifestFile, func(b []byte) []byte {
			var m map[string]any
			json.Unmarshal(b, &m)
			delete(m, "analysis")
			b, _ = json.Marshal(m)
			return b
		}, false, "manifest.json: corrupt index directory"},
		{"future format", rag.ManifestFile, func(b []byte) []byte { return bytes.Replace(b, []byte(`"format": 1`), []byte(`"format": 9`), 1) }, false, "format 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := rewrite(t, tc.file, tc.edit, tc.fix)
			_, err := rag.Open(ctx, d, rag.OpenOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := rag.Open(ctx, t.TempDir(), rag.OpenOptions{}); err == nil || !strings.Contains(err.Error(), rag.ManifestFile) {
		t.Errorf("empty directory: %v", err)
	}
}

func TestEmptyStore(t *testing.T) {
	ctx := context.Background()
	emb := ragtest.New(8)
	st, err := rag.Build(ctx, nil, rag.BuildOptions{Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := st.Save(dir); err != nil {
		t.Fatal(err)
	}
	st2, err := rag.Open(ctx, dir, rag.OpenOptions{Embedder: emb})
	if err != nil {
		t.Fatal(err)
	}
	bm, err := st2.BM25()
	if err != nil {
		t.Fatal(err)
	}
	dn, err := st2.Dense(emb)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rag.Fuse(rag.RRF, bm, dn).Retrieve(ctx, "山", 3)
	if err != nil || len(hits) != 0 {
		t.Errorf("empty store: %v %v", hits, err)
	}
}

// nanDoc embeds the document with id index 3 as NaN.
type nanDoc struct{ *ragtest.HashEmbedder }

func (n nanDoc) EmbedDocuments(ctx context.Context, texts []string) ([]float32, error) {
	v, err := n.HashEmbedder.EmbedDocuments(ctx, texts)
	if err == nil && len(texts) > 3 {
		v[3*n.Size+1] = float32(math.NaN())
	}
	return v, err
}

// A non-finite vector would score NaN and drop out of every result list
// without a word: Build refuses it (and Open refuses one in embeddings.npy,
// see TestStoreCorrupt).
func TestBuildRejectsNonFiniteVectors(t *testing.T) {
	_, err := rag.Build(context.Background(), passages, rag.BuildOptions{Embedder: nanDoc{ragtest.New(16)}, NoBM25: true})
	want := fmt.Sprintf("non-finite vector for document %q (component 1 is NaN)", passages[3].ID)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err %v, want %q", err, want)
	}
}
