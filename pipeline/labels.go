package pipeline

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// labelLayer draws point labels laid out by layoutLabels at draw time, when
// the data-to-canvas transform and the text sizes are known: no label
// overlaps another, a point, the Pareto front line or the frame.
type labelLayer struct {
	xy     plotter.XYs
	labels []string
	style  text.Style
	front  plotter.XYs // the front's vertices, data coordinates
	glyph  vg.Length   // point glyph radius
	// placed are the label boxes of the last Plot call, canvas coordinates.
	placed []vg.Rectangle
	// leaders join labels placed away from their point to it (zero-length
	// when the label sits next to its point).
	leaders [][2]vg.Point
	// frame, anchors and segments of the last Plot call (for tests).
	frame    vg.Rectangle
	anchors  []vg.Point
	segments [][2]vg.Point
}

func newLabelLayer(xy plotter.XYs, labels []string, front plotter.XYs, glyph vg.Length) *labelLayer {
	return &labelLayer{xy: xy, labels: labels, front: front, glyph: glyph,
		style: text.Style{Font: font.From(plotter.DefaultFont, vg.Points(9)), Handler: plot.DefaultTextHandler}}
}

// Plot implements plot.Plotter.
func (l *labelLayer) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	l.anchors = make([]vg.Point, len(l.xy))
	for i, pt := range l.xy {
		l.anchors[i] = vg.Point{X: trX(pt.X), Y: trY(pt.Y)}
	}
	l.segments = nil
	for i := 1; i < len(l.front); i++ {
		l.segments = append(l.segments, [2]vg.Point{
			{X: trX(l.front[i-1].X), Y: trY(l.front[i-1].Y)},
			{X: trX(l.front[i].X), Y: trY(l.front[i].Y)},
		})
	}
	sizes := make([]vg.Rectangle, len(l.labels))
	for i, s := range l.labels {
		sizes[i] = l.style.Rectangle(s)
	}
	l.frame = c.Rectangle
	origins, leaders := layoutLabels(l.anchors, sizes, l.frame, l.segments, l.glyph)
	l.placed = make([]vg.Rectangle, len(origins))
	l.leaders = leaders
	leader := draw.LineStyle{Color: color.Gray{Y: 120}, Width: vg.Points(0.5)}
	for i, o := range origins {
		l.placed[i] = sizes[i].Add(o)
		if ld := leaders[i]; ld[0] != ld[1] {
			c.StrokeLine2(leader, ld[0].X, ld[0].Y, ld[1].X, ld[1].Y)
		}
		c.FillText(l.style, o, l.labels[i])
	}
}

// labelGap is the distance between a point's glyph and its label, and the
// clearance kept from other labels, glyphs, lines and the frame.
const labelGap = vg.Length(3)

// layoutLabels places one label per anchor: it returns the text origin of
// each, given the label boxes relative to their origin (text.Style's
// Rectangle). Labels are placed one after another, each at the first
// candidate position (right, left, above, below, then the diagonals, at
// growing distances) whose box lies inside frame and clears every label
// placed before, every anchor's glyph (a square of radius glyph) and every
// segment, all by labelGap. A label that is not next to its point gets a
// leader line to it, which must clear the other labels and points too and
// which later labels avoid like a segment. When no candidate is clear, the
// one with the least overlap is used. It returns the text origins and the
// leaders (equal endpoints: none).
func layoutLabels(anchors []vg.Point, boxes []vg.Rectangle, frame vg.Rectangle, segments [][2]vg.Point, glyph vg.Length) ([]vg.Point, [][2]vg.Point) {
	inner := vg.Rectangle{Min: vg.Point{X: frame.Min.X + labelGap, Y: frame.Min.Y + labelGap},
		Max: vg.Point{X: frame.Max.X - labelGap, Y: frame.Max.Y - labelGap}}
	var obstacles []vg.Rectangle
	for _, a := range anchors {
		r := glyph + labelGap
		obstacles = append(obstacles, vg.Rectangle{Min: vg.Point{X: a.X - r, Y: a.Y - r}, Max: vg.Point{X: a.X + r, Y: a.Y + r}})
	}
	// Place the labels of the highest points first: the front's labels,
	// read from the top, get the best positions.
	order := make([]int, len(anchors))
	for i := range order {
		order[i] = i
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && anchors[order[j]].Y > anchors[order[j-1]].Y; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	origins := make([]vg.Point, len(anchors))
	leaders := make([][2]vg.Point, len(anchors))
	segs := append([][2]vg.Point(nil), segments...)
	var placed []vg.Rectangle
	near := glyph + labelGap + 1
	for _, i := range order {
		a, b := anchors[i], boxes[i]
		w, h := b.Max.X-b.Min.X, b.Max.Y-b.Min.Y
		var others []vg.Rectangle
		for j, o := range obstacles {
			if j != i {
				others = append(others, o)
			}
		}
		best, bestLeader, bestCost := vg.Point{}, [2]vg.Point{a, a}, math.Inf(1)
	search:
		for step := 0; step < 16; step++ {
			d := glyph + labelGap + vg.Length(step)*4
			// Box lower-left corners for the candidate positions.
			cands := []vg.Point{
				{X: a.X + d, Y: a.Y - h/2},           // right
				{X: a.X - d - w, Y: a.Y - h/2},       // left
				{X: a.X - w/2, Y: a.Y + d},           // above
				{X: a.X - w/2, Y: a.Y - d - h},       // below
				{X: a.X - glyph, Y: a.Y + d},         // above, to the right
				{X: a.X + glyph - w, Y: a.Y + d},     // above, to the left
				{X: a.X - glyph, Y: a.Y - d - h},     // below, to the right
				{X: a.X + glyph - w, Y: a.Y - d - h}, // below, to the left
				{X: a.X + d*0.7, Y: a.Y + d*0.7},     // diagonals
				{X: a.X + d*0.7, Y: a.Y - d*0.7 - h},
				{X: a.X - d*0.7 - w, Y: a.Y + d*0.7},
				{X: a.X - d*0.7 - w, Y: a.Y - d*0.7 - h},
			}
			for _, ll := range cands {
				r := vg.Rectangle{Min: ll, Max: vg.Point{X: ll.X + w, Y: ll.Y + h}}
				cost := labelCost(r, inner, placed, obstacles, segs) + float64(step)*1e-3
				ld := leaderLine(a, r, glyph, near)
				if ld[0] != ld[1] {
					for _, p := range placed {
						if segmentHitsRect(ld[0], ld[1], p) {
							cost += 100
						}
					}
					for _, o := range others {
						if segmentHitsRect(ld[0], ld[1], o) {
							cost += 100
						}
					}
				}
				if cost < bestCost {
					best, bestLeader, bestCost = ll, ld, cost
				}
				if cost < 1 {
					break search
				}
			}
		}
		// best is the box's lower-left corner; the origin is offset by the
		// box's position relative to the text origin.
		o := vg.Point{X: best.X - b.Min.X, Y: best.Y - b.Min.Y}
		origins[i] = o
		leaders[i] = bestLeader
		placed = append(placed, b.Add(o))
		if bestLeader[0] != bestLeader[1] {
			segs = append(segs, bestLeader)
		}
	}
	return origins, leaders
}

// leaderLine is the line from the edge of the glyph at a to the nearest
// point of r, or a zero-length one when r is within near of a.
func leaderLine(a vg.Point, r vg.Rectangle, glyph, near vg.Length) [2]vg.Point {
	np := vg.Point{X: min(max(a.X, r.Min.X), r.Max.X), Y: min(max(a.Y, r.Min.Y), r.Max.Y)}
	dx, dy := float64(np.X-a.X), float64(np.Y-a.Y)
	dist := math.Hypot(dx, dy)
	if dist <= float64(near) {
		return [2]vg.Point{a, a}
	}
	f := float64(glyph+1) / dist
	return [2]vg.Point{{X: a.X + vg.Length(dx*f), Y: a.Y + vg.Length(dy*f)}, np}
}

// labelCost is 0 for a box clear of everything, else the total overlap
// (in square points, at least 1 per conflict).
func labelCost(r, inner vg.Rectangle, placed, obstacles []vg.Rectangle, segments [][2]vg.Point) float64 {
	cost := 0.0
	if out := outside(r, inner); out > 0 {
		cost += 1e3 + out
	}
	grown := vg.Rectangle{Min: vg.Point{X: r.Min.X - labelGap, Y: r.Min.Y - labelGap}, Max: vg.Point{X: r.Max.X + labelGap, Y: r.Max.Y + labelGap}}
	for _, p := range placed {
		if a := overlapArea(grown, p); a > 0 {
			cost += 1 + a
		}
	}
	for _, o := range obstacles {
		if a := overlapArea(r, o); a > 0 {
			cost += 1 + a
		}
	}
	for _, s := range segments {
		if segmentHitsRect(s[0], s[1], grown) {
			cost += 100
		}
	}
	return cost
}

// outside is how far (in points, summed over the sides) r sticks out of f.
func outside(r, f vg.Rectangle) float64 {
	d := 0.0
	d += math.Max(0, float64(f.Min.X-r.Min.X))
	d += math.Max(0, float64(f.Min.Y-r.Min.Y))
	d += math.Max(0, float64(r.Max.X-f.Max.X))
	d += math.Max(0, float64(r.Max.Y-f.Max.Y))
	return d
}

// overlapArea is the area of the intersection of a and b (0 if disjoint).
func overlapArea(a, b vg.Rectangle) float64 {
	w := math.Min(float64(a.Max.X), float64(b.Max.X)) - math.Max(float64(a.Min.X), float64(b.Min.X))
	h := math.Min(float64(a.Max.Y), float64(b.Max.Y)) - math.Max(float64(a.Min.Y), float64(b.Min.Y))
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

// segmentHitsRect reports whether the segment p-q meets rectangle r
// (Liang-Barsky clipping).
func segmentHitsRect(p, q vg.Point, r vg.Rectangle) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := float64(q.X-p.X), float64(q.Y-p.Y)
	clip := func(den, num float64) bool {
		if den == 0 {
			return num >= 0
		}
		t := num / den
		if den < 0 {
			if t > t1 {
				return false
			}
			t0 = math.Max(t0, t)
		} else {
			if t < t0 {
				return false
			}
			t1 = math.Min(t1, t)
		}
		return true
	}
	return clip(-dx, float64(p.X-r.Min.X)) && clip(dx, float64(r.Max.X-p.X)) &&
		clip(-dy, float64(p.Y-r.Min.Y)) && clip(dy, float64(r.Max.Y-p.Y)) && t0 <= t1
}
