package pipeline

import (
	"fmt"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// labelProblems checks a layout's geometry: boxes pairwise disjoint, inside
// the frame, clear of every segment and of every point's glyph; leaders
// (nil: none) clear of the other labels and points.
func labelProblems(boxes []vg.Rectangle, frame vg.Rectangle, anchors []vg.Point, segs [][2]vg.Point, glyph vg.Length, leaders [][2]vg.Point) []string {
	var out []string
	t := problemList{&out}
	for i, a := range boxes {
		if a.Min.X < frame.Min.X || a.Min.Y < frame.Min.Y || a.Max.X > frame.Max.X || a.Max.Y > frame.Max.Y {
			t.Errorf("label %d %v is not inside the frame %v", i, a, frame)
		}
		for j := i + 1; j < len(boxes); j++ {
			if overlapArea(a, boxes[j]) > 0 {
				t.Errorf("labels %d %v and %d %v overlap", i, a, j, boxes[j])
			}
		}
		for k, s := range segs {
			if segmentHitsRect(s[0], s[1], a) {
				t.Errorf("label %d %v crosses front segment %d %v", i, a, k, s)
			}
		}
		for k, p := range anchors {
			g := vg.Rectangle{Min: vg.Point{X: p.X - glyph, Y: p.Y - glyph}, Max: vg.Point{X: p.X + glyph, Y: p.Y + glyph}}
			if overlapArea(a, g) > 0 {
				t.Errorf("label %d %v covers point %d %v", i, a, k, p)
			}
		}
	}
	for i, ld := range leaders {
		if ld[0] == ld[1] {
			continue
		}
		for j, b := range boxes {
			if j != i && segmentHitsRect(ld[0], ld[1], b) {
				t.Errorf("leader of label %d %v crosses label %d %v", i, ld, j, b)
			}
		}
		for k, p := range anchors {
			g := vg.Rectangle{Min: vg.Point{X: p.X - glyph, Y: p.Y - glyph}, Max: vg.Point{X: p.X + glyph, Y: p.Y + glyph}}
			if k != i && segmentHitsRect(ld[0], ld[1], g) {
				t.Errorf("leader of label %d %v crosses point %d %v", i, ld, k, p)
			}
		}
	}
	return out
}

type problemList struct{ out *[]string }

func (p problemList) Errorf(format string, args ...any) {
	*p.out = append(*p.out, fmt.Sprintf(format, args...))
}

func TestSegmentHitsRect(t *testing.T) {
	r := vg.Rectangle{Min: vg.Point{X: 0, Y: 0}, Max: vg.Point{X: 10, Y: 10}}
	for _, c := range []struct {
		p, q vg.Point
		want bool
	}{
		{vg.Point{X: -5, Y: 5}, vg.Point{X: 15, Y: 5}, true},    // through
		{vg.Point{X: 2, Y: 2}, vg.Point{X: 3, Y: 3}, true},      // inside
		{vg.Point{X: -5, Y: -5}, vg.Point{X: -1, Y: 20}, false}, // left of it
		{vg.Point{X: -5, Y: 9}, vg.Point{X: 9, Y: 25}, false},   // passes the corner
		{vg.Point{X: -5, Y: 0}, vg.Point{X: 5, Y: 20}, true},    // crosses the left edge
		{vg.Point{X: 11, Y: -1}, vg.Point{X: 11, Y: 11}, false}, // vertical, right of it
	} {
		if got := segmentHitsRect(c.p, c.q, r); got != c.want {
			t.Errorf("%v-%v: %v, want %v", c.p, c.q, got, c.want)
		}
	}
}

// A crowded layout: a cluster of points on a front line, labels wider than
// the gaps, one point at the right edge. Naive labels (right of each point)
// overlap each other and the frame; the layout's must not.
func TestLayoutLabelsCrowded(t *testing.T) {
	frame := vg.Rectangle{Max: vg.Point{X: 300, Y: 200}}
	anchors := []vg.Point{{X: 40, Y: 40}, {X: 60, Y: 52}, {X: 80, Y: 60}, {X: 100, Y: 70}, {X: 110, Y: 72}, {X: 285, Y: 150}, {X: 150, Y: 100}, {X: 160, Y: 98}}
	boxes := make([]vg.Rectangle, len(anchors))
	for i := range boxes {
		w := vg.Length(40 + 12*i)
		boxes[i] = vg.Rectangle{Min: vg.Point{Y: -2}, Max: vg.Point{X: w, Y: 8}}
	}
	segs := [][2]vg.Point{{anchors[0], anchors[1]}, {anchors[1], anchors[2]}, {anchors[2], anchors[3]}, {anchors[3], anchors[4]}, {anchors[4], anchors[5]}}
	const glyph = 3
	naive := make([]vg.Rectangle, len(anchors))
	for i, a := range anchors {
		naive[i] = boxes[i].Add(vg.Point{X: a.X + 5, Y: a.Y})
	}
	if len(labelProblems(naive, frame, anchors, segs, glyph, nil)) == 0 {
		t.Fatal("the naive layout already passes: the case is too easy")
	}
	origins, leaders := layoutLabels(anchors, boxes, frame, segs, glyph)
	placed := make([]vg.Rectangle, len(origins))
	for i, o := range origins {
		placed[i] = boxes[i].Add(o)
	}
	for _, p := range labelProblems(placed, frame, anchors, segs, glyph, leaders) {
		t.Error(p)
	}
}

// The real plot, drawn at its saved size: the labels of a JQaRA-like
// comparison (long names, close throughputs, a front) are clear of each
// other, the points, the front line and the frame.
func TestParetoPlotLabels(t *testing.T) {
	pts := []PlotPoint{
		{Name: "bm25", Quality: 0.458, DocsPerSec: 45000},
		{Name: "bm25-ipa", Quality: 0.452, DocsPerSec: 52000},
		{Name: "combmnz(bm25,bm25-ipa)", Quality: 0.462, DocsPerSec: 24000},
		{Name: "/models/ruri-small", Quality: 0.5359, DocsPerSec: 900},
		{Name: "/models/ruri-base", Quality: 0.540, DocsPerSec: 700},
		{Name: "/models/ruri-reranker-large", Quality: 0.7712, DocsPerSec: 40},
		{Name: "/models/japanese-reranker-cross-encoder-large-v1", Quality: 0.7100, DocsPerSec: 35},
		{Name: "rrf(bm25,/models/ruri-small)", Quality: 0.55, DocsPerSec: 880},
	}
	p, ll, err := paretoPlotLayer(pts, "ndcg@10")
	if err != nil {
		t.Fatal(err)
	}
	c := vgimg.New(140*vg.Millimeter, 100*vg.Millimeter)
	p.Draw(draw.New(c))
	if len(ll.placed) != len(pts) || len(ll.segments) == 0 {
		t.Fatalf("%d labels placed, %d front segments", len(ll.placed), len(ll.segments))
	}
	probs := labelProblems(ll.placed, ll.frame, ll.anchors, ll.segments, ll.glyph, ll.leaders)
	for _, p := range probs {
		t.Error(p)
	}
	if len(probs) > 0 {
		var b strings.Builder
		for i, r := range ll.placed {
			fmt.Fprintf(&b, "%s at %v: %v\n", ll.labels[i], ll.anchors[i], r)
		}
		t.Log(b.String())
	}
}

func TestShortName(t *testing.T) {
	for in, want := range map[string]string{
		"bm25":                           "bm25",
		"/a/b/ruri-small":                "ruri-small",
		"rrf(bm25,./x/ruri)":             "rrf(bm25,ruri)",
		"/m/ruri-small>cl-nagoya/rr@100": "ruri-small>rr@100",
		"combmnz(bm25,bm25-ipa)":         "combmnz(bm25,bm25-ipa)",
		"testdata/models/bert-tiny/":     "bert-tiny",
	} {
		if got := shortName(in); got != want {
			t.Errorf("shortName(%q) = %q, want %q", in, got, want)
		}
	}
}
