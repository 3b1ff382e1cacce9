package eval

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pierrec/lz4/v4"
)

func sampleRun() *Run {
	r := NewRun("sample")
	r.Add("q2", "d3", 0.5)
	r.Add("q2", "d1", 0.5) // tie, kept in insertion order
	r.Add("q2", "日本語", -1.25)
	r.Add("q1", "x", 3)
	r.Add("q1", "y", 1e-300)
	r.Add("q1", "z", 12345.678901234567)
	return r
}

func sameRun(t *testing.T, a, b *Run, keepOrder bool) {
	t.Helper()
	if !slices.Equal(a.Queries(), b.Queries()) {
		t.Fatalf("queries %v vs %v", a.Queries(), b.Queries())
	}
	for _, q := range a.Queries() {
		da, sa := a.Docs(q)
		db, sb := b.Docs(q)
		if keepOrder {
			if !slices.Equal(da, db) || !slices.Equal(sa, sb) {
				t.Fatalf("query %s: %v %v vs %v %v", q, da, sa, db, sb)
			}
			continue
		}
		ma := map[string]float64{}
		for i, d := range da {
			ma[d] = sa[i]
		}
		if len(da) != len(db) {
			t.Fatalf("query %s: %d vs %d docs", q, len(da), len(db))
		}
		for i, d := range db {
			if v, ok := ma[d]; !ok || v != sb[i] {
				t.Fatalf("query %s doc %s: %v vs %v", q, d, v, sb[i])
			}
		}
	}
}

func TestRunRoundTrips(t *testing.T) {
	dir := t.TempDir()
	r := sampleRun()
	for _, ext := range []string{".lz4", ".json", ".trec"} {
		path := filepath.Join(dir, "sample"+ext)
		if err := WriteRunFile(path, r); err != nil {
			t.Fatal(err)
		}
		got, err := ReadRunFile(path)
		if err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		if got.Name() != "sample" {
			t.Errorf("%s: name %q", ext, got.Name())
		}
		// Every format keeps the insertion order (TREC lines carry the
		// ranx rank in their rank column).
		sameRun(t, r, got, true)
		if d := r.Diff(got); d != "" {
			t.Errorf("%s: %s", ext, d)
		}
		// writing again gives the same bytes
		b1, _ := os.ReadFile(path)
		if err := WriteRunFile(path, got); err != nil {
			t.Fatal(err)
		}
		b2, _ := os.ReadFile(path)
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s: rewrite differs", ext)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// Converting a run with many ties to TREC and back must not change its
// evaluation (issue 15 item 7: ruri-small's nDCG@10 went from 0.5359 to
// 0.5357 through `jretrieve convert` to TREC, which wrote lines in rank order
// and so changed the order ranx's unstable sort breaks ties in).
func TestTRECRoundTripKeepsEvaluation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	run, qrels := NewRun("ties"), NewQrels()
	for q := range 40 {
		qid := fmt.Sprintf("q%02d", q)
		for d := range 60 {
			did := fmt.Sprintf("d%02d", d)
			// fp16-like scores: few distinct values, many ties
			run.Add(qid, did, float64(rng.IntN(6))/8+1e-3)
			if rng.IntN(5) == 0 {
				qrels.Add(qid, did, 1+rng.IntN(2))
			}
		}
		qrels.Add(qid, "d00", 1)
	}
	var buf bytes.Buffer
	if err := WriteTRECRun(&buf, run); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTRECRun(&buf, "ties.trec", "ties")
	if err != nil {
		t.Fatal(err)
	}
	if d := run.Diff(back); d != "" {
		t.Errorf("TREC round trip: %s", d)
	}
	metrics := []string{"ndcg@10", "mrr@10", "precision@5"}
	a, err := Evaluate(qrels, run, metrics, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Evaluate(qrels, back, metrics, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range metrics {
		for i := range a.Queries {
			if a.PerQuery[m][i] != b.PerQuery[m][i] {
				t.Errorf("%s %s: %v before TREC, %v after", m, a.Queries[i], a.PerQuery[m][i], b.PerQuery[m][i])
				break
			}
		}
	}
}

// The .lz4 file has ranx's structure: an LZ4 frame whose content is an LZ4
// frame of CBOR with definite-length maps, text keys and float64 values.
func TestLZ4Structure(t *testing.T) {
	var buf bytes.Buffer
	r := NewRun("x")
	r.Add("q", "d", 0.5)
	if err := WriteLZ4Run(&buf, r); err != nil {
		t.Fatal(err)
	}
	outer, err := readAllLimited(lz4.NewReader(&buf), new(bytes.Buffer), 0)
	if err != nil {
		t.Fatal(err)
	}
	inner, err := readAllLimited(lz4.NewReader(bytes.NewReader(outer)), new(bytes.Buffer), 0)
	if err != nil {
		t.Fatal(err)
	}
	// {"q": {"d": 0.5}} in CBOR: a1 61 71 a1 61 64 fb 3fe0000000000000
	want := []byte{0xa1, 0x61, 'q', 0xa1, 0x61, 'd', 0xfb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0}
	if !bytes.Equal(inner, want) {
		t.Errorf("cbor % x, want % x", inner, want)
	}
}

func TestReadTRECRunIgnoresRank(t *testing.T) {
	in := "q1 Q0 a 1 0.1 t\nq1 Q0 b 2 0.9 t\n\nq0 Q0 c 1 -2 t\n"
	r, err := ReadTRECRun(strings.NewReader(in), "in.trec", "t")
	if err != nil {
		t.Fatal(err)
	}
	q := NewQrels()
	q.Add("q1", "b", 1)
	q.Add("q0", "c", 1)
	res, err := Evaluate(q, r, []string{"mrr"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Mean["mrr"] != 1 { // b ranks first by score despite rank 2
		t.Errorf("mrr %v", res.Mean["mrr"])
	}
	if got := r.Queries(); !slices.Equal(got, []string{"q0", "q1"}) {
		t.Errorf("queries %v", got)
	}
}

func TestRunAddLastWins(t *testing.T) {
	r := NewRun("r")
	for i := 0; i < 40; i++ { // past the index threshold
		r.Add("q", string(rune('A'+i)), float64(i))
	}
	r.Add("q", "B", 100)
	r.Add("q", "A", -1)
	docs, scores := r.Docs("q")
	if len(docs) != 40 || docs[0] != "A" || scores[0] != -1 || docs[1] != "B" || scores[1] != 100 {
		t.Errorf("got %v %v", docs[:3], scores[:3])
	}
	small := NewRun("s")
	small.Add("q", "a", 1)
	small.Add("q", "b", 2)
	small.Add("q", "a", 3)
	if d, s := small.Docs("q"); !slices.Equal(d, []string{"a", "b"}) || s[0] != 3 {
		t.Errorf("got %v %v", d, s)
	}
}

func TestQrelsRoundTrip(t *testing.T) {
	in := "q2 0 d1 1\nq1 0 d9 0\nq1 0 d2 3\n"
	q, err := ReadTRECQrels(strings.NewReader(in), "q.trec")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteTRECQrels(&buf, q); err != nil {
		t.Fatal(err)
	}
	want := "q1 0 d9 0\nq1 0 d2 3\nq2 0 d1 1\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	if rel, ok := q.Rel("q1", "d2"); !ok || rel != 3 {
		t.Errorf("rel %d %v", rel, ok)
	}
}

func lz4Bytes(t *testing.T, r *Run) []byte {
	var buf bytes.Buffer
	if err := WriteLZ4Run(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func lz4Frame(b []byte) []byte {
	var buf bytes.Buffer
	w := lz4.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestBadInput(t *testing.T) {
	good := lz4Bytes(t, sampleRun())
	cases := []struct {
		name, file string
		data       []byte
		want       []string // substrings of the error
	}{
		{"trec columns", "r.trec", []byte("q Q0 d 1 0.5 t\nq Q0 e 1 0.5\n"), []string{"r.trec:2", "6 columns"}},
		{"trec score", "r.trec", []byte("q Q0 d 1 abc t\n"), []string{"r.trec:1", `"abc"`}},
		{"trec nan", "r.trec", []byte("q Q0 d 1 NaN t\n"), []string{"r.trec:1", "NaN"}},
		{"trec inf", "r.trec", []byte("q Q0 d 1 +Inf t\n"), []string{"r.trec:1", "infinite"}},
		{"trec dup", "r.trec", []byte("q Q0 d 1 1 t\nq Q0 e 2 1 t\nq Q0 d 3 1 t\n"), []string{"r.trec:3", `"d"`, "line 1"}},
		{"trec empty", "r.trec", []byte("\n\n"), []string{"r.trec", "empty"}},
		{"json dup doc", "r.json", []byte(`{"q": {"a": 1, "a": 2}}`), []string{"r.json", `"q"`, `"a"`, "duplicate"}},
		{"json dup query", "r.json", []byte(`{"q": {"a": 1}, "q": {"b": 2}}`), []string{"r.json", "duplicate query", `"q"`}},
		{"json score", "r.json", []byte(`{"q": {"a": "x"}}`), []string{"r.json", `"a"`, "not a number"}},
		{"json truncated", "r.json", []byte(`{"q": {"a": 1`), []string{"r.json", `"q"`}},
		{"json shape", "r.json", []byte(`{"q": [1, 2]}`), []string{"r.json", `"q"`}},
		{"json bad utf8 doc", "r.json", []byte("{\"q\": {\"21\": 0.5,\n \"22\xff\": 1}}"), []string{"r.json:2:", "not valid UTF-8", "0xff"}},
		{"json bad utf8 query", "r.json", []byte("{\"q\xe3\x81\": {\"d\": 1}}"), []string{"r.json:1:", "not valid UTF-8"}},
		{"json bad utf8 at end", "r.json", []byte("{\"q\": {\"d\": 1}}\xe3"), []string{"r.json:1:", "not valid UTF-8"}},
		{"json surrogate escape", "r.json", []byte(`{"q": {"22\udcff": 1, "22\udcfe": 2}}`), []string{"r.json", `"q"`, "unpaired surrogate"}},
		{"trec bad utf8", "r.trec", []byte("q Q0 d 1 1 t\nq Q0 22\xff 2 1 t\n"), []string{"r.trec:2", "not valid UTF-8"}},
		{"json trailing", "r.json", []byte(`{"q": {"a": 1}} {}`), []string{"r.json", "trailing"}},
		{"lz4 truncated", "r.lz4", good[:len(good)/2], []string{"r.lz4", "lz4"}},
		{"lz4 corrupt", "r.lz4", append(append([]byte{}, good[:20]...), bytes.Repeat([]byte{0xff}, 40)...), []string{"r.lz4"}},
		{"lz4 single frame", "r.lz4", lz4Frame([]byte{0xa0}), []string{"r.lz4", "not an lz4 frame"}},
		{"cbor truncated", "r.lz4", lz4Frame(lz4Frame([]byte{0xa1, 0x61, 'q', 0xa1, 0x61, 'd', 0xfb, 0x3f})), []string{"r.lz4", `"q"`, `"d"`}},
		{"cbor not map", "r.lz4", lz4Frame(lz4Frame([]byte{0x80})), []string{"r.lz4", "want a map"}},
		{"cbor score type", "r.lz4", lz4Frame(lz4Frame([]byte{0xa1, 0x61, 'q', 0xa1, 0x61, 'd', 0x61, 'x'})), []string{"r.lz4", `"q"`, `"d"`, "not a number"}},
		{"cbor nan", "r.lz4", lz4Frame(lz4Frame([]byte{0xa1, 0x61, 'q', 0xa1, 0x61, 'd', 0xf9, 0x7e, 0x00})), []string{"r.lz4", `"d"`, "NaN"}},
		{"cbor dup doc", "r.lz4", lz4Frame(lz4Frame([]byte{0xa1, 0x61, 'q', 0xa2, 0x61, 'd', 0x01, 0x61, 'd', 0x02})), []string{"r.lz4", `"q"`, "duplicate doc", `"d"`}},
		{"cbor bad utf8", "r.lz4", lz4Frame(lz4Frame([]byte{0xa1, 0x61, 'q', 0xa1, 0x61, 0xff, 0x01})), []string{"r.lz4", "UTF-8"}},
		{"cbor trailing", "r.lz4", lz4Frame(lz4Frame([]byte{0xa0, 0x00})), []string{"r.lz4", "trailing"}},
		{"cbor empty", "r.lz4", lz4Frame(lz4Frame([]byte{0xa0})), []string{"r.lz4", "empty"}},
	}
	for _, c := range cases {
		_, err := ReadRunBytes(c.data, c.file, "x")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
	}
	qcases := []struct{ name, in, want string }{
		{"columns", "q 0 d\n", "q.trec:1"},
		{"rel", "q 0 d 1\nq 0 e x\n", "q.trec:2"},
		{"dup", "q 0 d 1\nq 0 d 0\n", "q.trec:2: duplicate judgment for query \"q\" doc \"d\" (first at line 1)"},
		{"empty", "", "q.trec: no judgments"},
	}
	for _, c := range qcases {
		_, err := ReadTRECQrels(strings.NewReader(c.in), "q.trec")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("qrels %s: error %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := ReadRunFile(filepath.Join(t.TempDir(), "missing.lz4")); err == nil {
		t.Error("no error for a missing file")
	}
}

// ranx files may hold integer scores or shorter floats (other CBOR
// encoders); the generic path decodes them.
func TestCBORGenericScores(t *testing.T) {
	// {"q": {"a": 3, "b": -2, "c": half 1.5, "d": float32 0.25}} with an
	// indefinite-length inner map and text key.
	raw := []byte{0xa1, 0x61, 'q', 0xbf,
		0x61, 'a', 0x03,
		0x61, 'b', 0x21,
		0x61, 'c', 0xf9, 0x3e, 0x00,
		0x7f, 0x61, 'd', 0xff, 0xfa, 0x3e, 0x80, 0x00, 0x00,
		0xff}
	r, err := ReadRunBytes(lz4Frame(lz4Frame(raw)), "g.lz4", "g")
	if err != nil {
		t.Fatal(err)
	}
	docs, scores := r.Docs("q")
	if !slices.Equal(docs, []string{"a", "b", "c", "d"}) || !slices.Equal(scores, []float64{3, -2, 1.5, 0.25}) {
		t.Errorf("got %v %v", docs, scores)
	}
}

func TestDetectFormat(t *testing.T) {
	for in, want := range map[string]Format{"  {\"q\":{}}": FormatJSON, "q Q0 d 1 1 t": FormatTREC, string(lz4Magic) + "xx": FormatLZ4} {
		if got := DetectFormat([]byte(in)); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
	if RunNameFromPath("a/b/bm25.lz4") != "bm25" {
		t.Error("RunNameFromPath")
	}
}
