package bm25

import (
	"context"
	"math"
	"testing"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/rerank"
)

var _ rerank.Reranker = (*Okapi)(nil)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }

// Hand-derived BM25Okapi values (k1=1.5, b=0.75, epsilon=0.25).
func TestOkapiScoresHand(t *testing.T) {
	docs := [][]string{{"a", "b", "a"}, {"b", "c"}, {"a", "d", "e", "f"}}
	// N=3, avgdl=9/3=3; n(a)=n(b)=2 -> idf=ln(1.5/2.5)<0, floored;
	// n(c..f)=1 -> idf=ln(2.5/1.5).
	mean := (2*math.Log(1.5/2.5) + 4*math.Log(2.5/1.5)) / 6
	eps := 0.25 * mean
	idfC := math.Log(2.5 / 1.5)
	part := func(tf, dl float64) float64 { return tf * 2.5 / (tf + 1.5*(0.25+0.75*dl/3)) }
	cases := []struct {
		name  string
		query []string
		want  []float64
	}{
		{"repeated floored term and OOV", []string{"a", "c", "z", "a"}, []float64{
			2 * eps * part(2, 3),
			idfC * part(1, 2),
			2 * eps * part(1, 4),
		}},
		{"empty query", nil, []float64{0, 0, 0}},
		{"rare terms", []string{"d", "f", "c"}, []float64{0, idfC * part(1, 2), 2 * idfC * part(1, 4)}},
	}
	for _, c := range cases {
		got := OkapiScores(c.query, docs, OkapiParams{})
		for i := range c.want {
			if !near(got[i], c.want[i]) {
				t.Errorf("%s: doc %d = %.15g, want %.15g", c.name, i, got[i], c.want[i])
			}
		}
	}
}

// idf exactly 0 (n = N/2) is not floored; idf < 0 is.
func TestOkapiZeroIdfAndParams(t *testing.T) {
	docs := [][]string{{"x", "y"}, {"x"}, {"z"}, {"w", "w"}}
	got := OkapiScores([]string{"x"}, docs, OkapiParams{})
	for i, s := range got {
		if s != 0 {
			t.Errorf("doc %d: %g, want 0 (idf ln(2.5/2.5) = 0 stays 0)", i, s)
		}
	}
	// custom parameters: k1=1.2, b=0.5, only y,z,w have positive idf
	p := OkapiParams{K1: 1.2, B: 0.5, Epsilon: 0.1}
	got = OkapiScores([]string{"w"}, docs, p)
	avgdl := 6.0 / 4
	want := math.Log(3.5/1.5) * 2 * 2.2 / (2 + 1.2*(0.5+0.5*2/avgdl))
	if !near(got[3], want) || got[0] != 0 {
		t.Errorf("w: %v, want doc3 %.15g", got, want)
	}
}

func TestOkapiEdge(t *testing.T) {
	if got := OkapiScores([]string{"a"}, nil, OkapiParams{}); len(got) != 0 {
		t.Errorf("no docs: %v", got)
	}
}

// The reranker = analyzer tokens fed to OkapiScores, with or without the
// trailing empty token.
func TestOkapiReranker(t *testing.T) {
	a, err := analysis.New(analysis.Options{Dict: analysis.IPA})
	if err != nil {
		t.Fatal(err)
	}
	docs := []string{"東京都に住んでいる", "大阪に住んでいる", "京都の寺", ""}
	td := [][]string{
		{"東京", "都", "に", "住ん", "で", "いる"},
		{"大阪", "に", "住ん", "で", "いる"},
		{"京都", "の", "寺"},
		{""}, // "".split(" ")
	}
	q := []string{"東京", "に", "住む"}
	for _, trailing := range []bool{false, true} {
		o := NewOkapi(a, OkapiParams{K1: 1.5, B: 0.75, Epsilon: 0.25, TrailingEmptyToken: trailing})
		got, err := o.Score(context.Background(), "東京に住む", docs)
		if err != nil {
			t.Fatal(err)
		}
		qq, dd := q, td
		if trailing {
			qq = append(append([]string(nil), q...), "")
			dd = nil
			for _, d := range td[:3] {
				dd = append(dd, append(append([]string(nil), d...), ""))
			}
			dd = append(dd, []string{""})
		}
		want := OkapiScores(qq, dd, OkapiParams{})
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("trailing=%v doc %d: %v, want %v", trailing, i, got[i], want[i])
			}
		}
		if !trailing {
			// N=4, avgdl=(6+5+3+1)/4: 東京 n=1 -> ln(3.5/1.5); に n=2 ->
			// idf 0; 住む absent.
			w := math.Log(3.5/1.5) * 2.5 / (1 + 1.5*(0.25+0.75*6/3.75))
			if !near(got[0], w) || got[1] != 0 || got[2] != 0 || got[3] != 0 {
				t.Errorf("scores %v, want [%v 0 0 0]", got, w)
			}
		} else if !(got[3] > 0) {
			// "" is in all 4 documents: idf < 0, floored to epsilon*mean > 0,
			// so even the empty document scores above 0.
			t.Errorf("empty document: %v", got[3])
		}
	}
	o := NewOkapi(a, OkapiParams{})
	if _, err := o.Score(context.Background(), "q", []string{"ok", "bad\xff"}); err == nil {
		t.Error("invalid UTF-8 document accepted")
	}
}

// Hand-derived: two documents, every shared term floored.
func TestOkapiFlooredShare(t *testing.T) {
	a, err := analysis.New(analysis.Options{Dict: analysis.IPA})
	if err != nil {
		t.Fatal(err)
	}
	o := NewOkapi(a, OkapiParams{})
	got, err := o.Score(context.Background(), "東京に住む", []string{"東京都に住んでいる", "大阪に住んでいる"})
	if err != nil {
		t.Fatal(err)
	}
	// N=2: 東京, 都, 大阪 (n=1) -> idf ln(1.5/1.5) = 0; に, 住ん, で, いる
	// (n=2) -> ln(0.5/2.5) < 0, floored to 0.25*mean idf with mean =
	// 4*ln(0.2)/7 < 0: only に matches, with a negative share.
	mean := (3*0.0 + 4*math.Log(0.5/2.5)) / 7
	w0 := 0.25 * mean * 2.5 / (1 + 1.5*(0.25+0.75*6/5.5))
	w1 := 0.25 * mean * 2.5 / (1 + 1.5*(0.25+0.75*5/5.5))
	if !near(got[0], w0) || !near(got[1], w1) {
		t.Errorf("got %v, want [%v %v]", got, w0, w1)
	}
}
