package pipeline

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
)

// PlotPoint is one model in a quality-versus-throughput plot.
type PlotPoint struct {
	Name       string
	Quality    float64 // metric mean
	DocsPerSec float64 // 0: unknown, not plotted
}

// WritePlots writes, into dir, one bar chart per metric of rep (means with
// bootstrap 95% confidence intervals; metric_<name>.png/.svg) and, when
// throughput is known, a quality-versus-throughput chart of the first
// metric (pareto.png/.svg). It returns the paths written.
func WritePlots(dir string, rep *eval.Report, throughput map[string]float64) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, m := range rep.Metrics {
		p, err := barPlot(rep, m)
		if err != nil {
			return written, err
		}
		files, err := savePlot(p, dir, "metric_"+RunFileName(m), vg.Length(90+40*len(rep.Runs))*vg.Millimeter/4+80*vg.Millimeter, 90*vg.Millimeter)
		written = append(written, files...)
		if err != nil {
			return written, err
		}
	}
	if len(rep.Metrics) > 0 && len(throughput) > 0 {
		m := rep.Metrics[0]
		var pts []PlotPoint
		for _, rr := range rep.Runs {
			if t := throughput[rr.Name()]; t > 0 {
				pts = append(pts, PlotPoint{Name: rr.Name(), Quality: rr.Result.Mean[m], DocsPerSec: t})
			}
		}
		if len(pts) > 0 {
			p, err := paretoPlot(pts, m)
			if err != nil {
				return written, err
			}
			files, err := savePlot(p, dir, "pareto", 140*vg.Millimeter, 100*vg.Millimeter)
			written = append(written, files...)
			if err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

func barPlot(rep *eval.Report, metric string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = metric
	p.Y.Label.Text = metric
	vals := make(plotter.Values, len(rep.Runs))
	names := make([]string, len(rep.Runs))
	errs := make(plotter.YErrors, len(rep.Runs))
	hasCI := false
	for i, rr := range rep.Runs {
		v := rr.Result.Mean[metric]
		vals[i] = v
		names[i] = rr.Name()
		if ci, ok := rr.CI[metric]; ok && !math.IsNaN(ci[0]) {
			errs[i].Low, errs[i].High = v-ci[0], ci[1]-v
			hasCI = true
		}
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(18))
	if err != nil {
		return nil, fmt.Errorf("plot %s: %w", metric, err)
	}
	bars.Color = color.RGBA{R: 70, G: 110, B: 180, A: 255}
	bars.LineStyle.Width = 0
	p.Add(bars)
	if hasCI {
		xy := make(plotter.XYs, len(vals))
		for i, v := range vals {
			xy[i] = plotter.XY{X: float64(i), Y: v}
		}
		eb, err := plotter.NewYErrorBars(struct {
			plotter.XYs
			plotter.YErrors
		}{xy, errs})
		if err != nil {
			return nil, fmt.Errorf("plot %s: %w", metric, err)
		}
		p.Add(eb)
	}
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign = draw.XRight
	p.Y.Min = 0
	return p, nil
}

func paretoPlot(pts []PlotPoint, metric string) (*plot.Plot, error) {
	p, _, err := paretoPlotLayer(pts, metric)
	return p, err
}

// paretoPlotLayer is paretoPlot, also returning its label layer.
func paretoPlotLayer(pts []PlotPoint, metric string) (*plot.Plot, *labelLayer, error) {
	p := plot.New()
	p.Title.Text = metric + " vs throughput"
	p.X.Label.Text = "documents scored per second (log scale)"
	p.Y.Label.Text = metric
	xy := make(plotter.XYs, len(pts))
	labels := make([]string, len(pts))
	lo, hi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for i, pt := range pts {
		xy[i] = plotter.XY{X: pt.DocsPerSec, Y: pt.Quality}
		labels[i] = shortName(pt.Name)
		lo, hi = math.Min(lo, pt.DocsPerSec), math.Max(hi, pt.DocsPerSec)
		ylo, yhi = math.Min(ylo, pt.Quality), math.Max(yhi, pt.Quality)
	}
	if hi/lo >= 10 {
		// Throughputs span decades: log scale with ticks at powers of ten.
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
		p.X.Min, p.X.Max = lo/1.5, hi*1.5
	} else {
		p.X.Label.Text = "documents scored per second"
		p.X.Min, p.X.Max = math.Max(0, lo-(hi-lo)*0.2-1), hi+(hi-lo)*0.3+1
	}
	pad := math.Max((yhi-ylo)*0.15, 0.005)
	p.Y.Min, p.Y.Max = ylo-pad, yhi+pad
	sc, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, nil, err
	}
	sc.GlyphStyle.Radius = vg.Points(3)
	// The Pareto front: no other model is both faster and better.
	var front plotter.XYs
	for i, a := range pts {
		dominated := false
		for j, b := range pts {
			if i != j && b.DocsPerSec >= a.DocsPerSec && b.Quality >= a.Quality && (b.DocsPerSec > a.DocsPerSec || b.Quality > a.Quality) {
				dominated = true
				break
			}
		}
		if !dominated {
			front = append(front, xy[i])
		}
	}
	sortXY(front)
	if len(front) > 1 {
		l, err := plotter.NewLine(front)
		if err != nil {
			return nil, nil, err
		}
		l.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
	} else {
		front = nil
	}
	p.Add(sc)
	// Labels last, laid out clear of each other, the points, the front
	// line and the frame.
	ll := newLabelLayer(xy, labels, front, sc.GlyphStyle.Radius)
	p.Add(ll)
	return p, ll, nil
}

// shortName shortens the model directories in a run name to their last
// element for labels: "/models/ruri-small>./rr@100" -> "ruri-small>rr@100".
func shortName(name string) string {
	var b strings.Builder
	tok := 0
	flush := func(end int) {
		t := strings.TrimRight(name[tok:end], "/")
		if i := strings.LastIndex(t, "/"); i >= 0 {
			t = t[i+1:]
		}
		b.WriteString(t)
	}
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '(', ')', ',', '>', '@':
			flush(i)
			b.WriteByte(name[i])
			tok = i + 1
		}
	}
	flush(len(name))
	return b.String()
}

func sortXY(xy plotter.XYs) {
	for i := 1; i < len(xy); i++ {
		for j := i; j > 0 && xy[j].X < xy[j-1].X; j-- {
			xy[j], xy[j-1] = xy[j-1], xy[j]
		}
	}
}

func savePlot(p *plot.Plot, dir, base string, w, h vg.Length) ([]string, error) {
	var out []string
	for _, ext := range []string{".png", ".svg"} {
		path := filepath.Join(dir, base+ext)
		wt, err := p.WriterTo(w, h, ext[1:])
		if err != nil {
			return out, fmt.Errorf("plot %s: %w", path, err)
		}
		if err := atomicfile.Write(path, func(f io.Writer) error { _, err := wt.WriteTo(f); return err }); err != nil {
			return out, fmt.Errorf("plot: %w", err)
		}
		out = append(out, path)
	}
	return out, nil
}
