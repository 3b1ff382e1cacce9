package bm25

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jretrieve/jretrieve/analysis"
)

func docsOf(texts ...string) iter.Seq2[Doc, error] {
	return func(yield func(Doc, error) bool) {
		for i, t := range texts {
			if !yield(Doc{ID: fmt.Sprintf("d%d", i), Tokens: strings.Fields(t)}, nil) {
				return
			}
		}
	}
}

func mustBuild(t testing.TB, p IndexParams, texts ...string) *Index {
	t.Helper()
	ix, err := Build(context.Background(), docsOf(texts...), BuildOptions{Params: p})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// Hand-derived Lucene-idf scores, k1=1.2, b=0.75.
func TestIndexHand(t *testing.T) {
	ix := mustBuild(t, IndexParams{}, "a b a", "b c", "a d e f")
	got := ix.Search([]string{"a", "c", "zz"}, 10)
	want := []Hit{
		{Doc: 1, ID: "d1", Score: math.Log(1+2.5/1.5) * 2.2 / (1 + 1.2*(0.25+0.75*2.0/3))},
		{Doc: 0, ID: "d0", Score: math.Log(1+1.5/2.5) * 2 * 2.2 / (2 + 1.2)},
		{Doc: 2, ID: "d2", Score: math.Log(1+1.5/2.5) * 2.2 / (1 + 1.2*(0.25+0.75*4.0/3))},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i].Doc != want[i].Doc || got[i].ID != want[i].ID || !near(got[i].Score, want[i].Score) {
			t.Errorf("hit %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// repeated query term: qtf 2 doubles its contribution
	got2 := ix.Search([]string{"c", "c"}, 1)
	if len(got2) != 1 || !near(got2[0].Score, 2*want[0].Score) {
		t.Errorf("repeated term: %+v", got2)
	}
	if h := ix.Search([]string{"zz"}, 10); len(h) != 0 {
		t.Errorf("unknown term matched %v", h)
	}
	if h := ix.Search([]string{"a"}, 1); len(h) != 1 || h[0].Doc != 0 {
		t.Errorf("k=1: %v", h)
	}
}

// The Okapi variant over the whole collection equals rank_bm25.
func TestIndexOkapiMatchesRankBM25(t *testing.T) {
	texts := []string{"a b a", "b c", "a d e f", "b b g", "h a"}
	ix := mustBuild(t, IndexParams{K1: 1.5, B: 0.75, Variant: OkapiIdf}, texts...)
	var docs [][]string
	for _, s := range texts {
		docs = append(docs, strings.Fields(s))
	}
	for _, q := range [][]string{{"a", "c"}, {"b", "h", "e"}, {"g"}} {
		ref := OkapiScores(q, docs, OkapiParams{})
		hits := ix.SearchExhaustive(q, len(texts))
		for _, h := range hits {
			if !near(h.Score, ref[h.Doc]) {
				t.Errorf("%v doc %d: %.15g, rank_bm25 %.15g", q, h.Doc, h.Score, ref[h.Doc])
			}
		}
	}
}

// zipfCorpus makes a deterministic synthetic corpus.
func zipfCorpus(seed uint64, docs, vocab, meanLen int) [][]string {
	r := rand.New(rand.NewPCG(seed, 1))
	z := rand.NewZipf(r, 1.07, 2, uint64(vocab-1))
	out := make([][]string, docs)
	for i := range out {
		n := 1 + r.IntN(2*meanLen)
		d := make([]string, n)
		for j := range d {
			d[j] = fmt.Sprintf("t%d", z.Uint64())
		}
		out[i] = d
	}
	return out
}

func TestSearchEqualsExhaustive(t *testing.T) {
	corpus := zipfCorpus(7, 3000, 2000, 30)
	for _, p := range []IndexParams{{}, {K1: 0.9, B: 0.4}, {Variant: OkapiIdf, K1: 1.5}} {
		b, _ := NewBuilder(BuildOptions{Params: p})
		for i, d := range corpus {
			if err := b.Add(Doc{ID: fmt.Sprint(i), Tokens: d}); err != nil {
				t.Fatal(err)
			}
		}
		ix, err := b.Finish()
		if err != nil {
			t.Fatal(err)
		}
		qs := zipfCorpus(99, 300, 2000, 4)
		for qi, q := range qs {
			if qi%3 == 0 {
				q = append(q, q[0], "unknown-term") // repetition, OOV
			}
			for _, k := range []int{1, 10, 100} {
				got, want := ix.Search(q, k), ix.SearchExhaustive(q, k)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%+v query %v k=%d:\n got %v\nwant %v", p, q, k, got, want)
				}
			}
		}
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	a, err := analysis.New(analysis.Options{Dict: analysis.IPA, DropPOS: []string{"記号"}})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"東京都に住んでいる", "大阪に住んでいる。", "京都の寺を訪ねる", "東京の寺"}
	var progress []int
	b, err := NewBuilder(BuildOptions{Analyzer: a, Progress: func(n int) { progress = append(progress, n) }})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range texts {
		if err := b.Add(Doc{ID: fmt.Sprintf("doc-%d", i), Text: s}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Add(Doc{ID: "empty"}); err != nil {
		t.Fatal(err)
	}
	ix, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(progress, []int{5}) {
		t.Errorf("progress calls %v", progress)
	}
	path := filepath.Join(t.TempDir(), "x.bm25")
	if err := ix.Save(path); err != nil {
		t.Fatal(err)
	}
	ix2, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, pair := range [][2]any{{ix.ids, ix2.ids}, {ix.lens, ix2.lens}, {ix.terms, ix2.terms}, {ix.offs, ix2.offs},
		{ix.docs, ix2.docs}, {ix.tfs, ix2.tfs}, {ix.idf, ix2.idf}, {ix.norm, ix2.norm}, {ix.maxPart, ix2.maxPart}, {ix.params, ix2.params}} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("field %d differs after load", i)
		}
	}
	if got := ix2.Analysis(); got == nil || got.Dict != analysis.IPA || !reflect.DeepEqual(got.DropPOS, []string{"記号"}) {
		t.Errorf("analysis options %+v", got)
	}
	h1, err := ix.SearchText(context.Background(), "東京の寺", 3)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := ix2.SearchText(context.Background(), "東京の寺", 3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(h1, h2) || len(h1) == 0 || h1[0].ID != "doc-3" {
		t.Errorf("search before/after load: %v / %v", h1, h2)
	}
	// deterministic bytes
	var w1, w2 bytes.Buffer
	ix.WriteTo(&w1)
	ix2.WriteTo(&w2)
	if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
		t.Error("re-saved index differs")
	}
	// no temporary file left behind
	ents, _ := os.ReadDir(filepath.Dir(path))
	if len(ents) != 1 {
		t.Errorf("directory has %d entries", len(ents))
	}
}

func TestLoadCorrupt(t *testing.T) {
	ix := mustBuild(t, IndexParams{}, "a b a", "b c", "a d e f")
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	cases := []struct {
		name string
		mut  func([]byte) []byte
		want string
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)-3] }, "truncated"},
		{"header only", func(b []byte) []byte { return b[:12] }, "truncated header"},
		{"flipped byte", func(b []byte) []byte { b[len(b)-5] ^= 0x40; return b }, "checksum mismatch"},
		{"magic", func(b []byte) []byte { b[0] = 'X'; return b }, "not a jretrieve BM25 index"},
		{"version", func(b []byte) []byte { b[8] = 9; return b }, "unsupported version 9"},
		{"trailing", func(b []byte) []byte { return append(b, 0) }, "unexpected bytes"},
		{"empty", func(b []byte) []byte { return nil }, "not a jretrieve BM25 index"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		b := c.mut(append([]byte(nil), good...))
		p := filepath.Join(dir, c.name)
		os.WriteFile(p, b, 0o644)
		_, err := Load(p)
		if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v, want %q naming the file", c.name, err, c.want)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file loaded")
	}
}

func TestBuildErrors(t *testing.T) {
	_, err := Build(context.Background(), func(yield func(Doc, error) bool) {
		yield(Doc{ID: "x", Tokens: []string{"a"}}, nil)
		yield(Doc{ID: "x", Tokens: []string{"b"}}, nil)
	}, BuildOptions{})
	if err == nil || !strings.Contains(err.Error(), `duplicate document id "x"`) {
		t.Errorf("duplicate id: %v", err)
	}
	_, err = Build(context.Background(), func(yield func(Doc, error) bool) {
		yield(Doc{ID: "x", Text: "テキスト"}, nil)
	}, BuildOptions{})
	if err == nil || !strings.Contains(err.Error(), "no analyzer") {
		t.Errorf("text without analyzer: %v", err)
	}
	stream := errors.New("stream broke")
	_, err = Build(context.Background(), func(yield func(Doc, error) bool) {
		yield(Doc{}, stream)
	}, BuildOptions{})
	if !errors.Is(err, stream) {
		t.Errorf("stream error: %v", err)
	}
	if _, err := NewBuilder(BuildOptions{Params: IndexParams{Variant: "tfidf"}}); err == nil {
		t.Error("unknown variant accepted")
	}
	if _, err := NewBuilder(BuildOptions{Params: IndexParams{B: 2}}); err == nil {
		t.Error("b=2 accepted")
	}
}

func FuzzDecode(f *testing.F) {
	ix := mustBuild(f, IndexParams{}, "a b a", "b c", "a d e f", "")
	var buf bytes.Buffer
	ix.WriteTo(&buf)
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[headerSize:])
	f.Add([]byte(fileMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, dec := range []func([]byte) (*Index, error){Decode, decodePayload} {
			ix, err := dec(b)
			if err != nil {
				if ix != nil {
					t.Fatal("index with error")
				}
				continue
			}
			q := append([]string(nil), ix.terms...)
			if got, want := ix.Search(q, 3), ix.SearchExhaustive(q, 3); !reflect.DeepEqual(got, want) {
				t.Fatalf("search %v != exhaustive %v", got, want)
			}
		}
	})
}

// A huge k (a caller asking for "everything") must not panic or allocate
// k slots: at most Len() hits exist.
func TestSearchHugeK(t *testing.T) {
	ix := mustBuild(t, IndexParams{}, "a b a", "b c", "a d e f")
	for _, k := range []int{math.MaxInt, math.MaxInt32, 1 << 40} {
		got := ix.Search([]string{"a", "b"}, k)
		want := ix.SearchExhaustive([]string{"a", "b"}, 10)
		if len(got) != 3 || len(want) != 3 {
			t.Fatalf("k=%d: %d hits (exhaustive %d), want 3", k, len(got), len(want))
		}
		if ex := ix.SearchExhaustive([]string{"a", "b"}, k); len(ex) != 3 {
			t.Fatalf("SearchExhaustive k=%d: %d hits, want 3", k, len(ex))
		}
	}
}
