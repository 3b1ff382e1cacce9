package jmteb

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"

	"github.com/jretrieve/jretrieve/vecsim"
)

// LabeledSet is a split of a classification or clustering task: row i of
// X embeds the text whose label is Y[i].
type LabeledSet struct {
	X vecsim.Matrix
	Y []int
}

func (s LabeledSet) check(name string) error {
	if err := checkMatrix(name, s.X, len(s.Y)); err != nil {
		return err
	}
	if len(s.Y) == 0 {
		return fmt.Errorf("jmteb: %s split is empty", name)
	}
	return nil
}

// Classifier is a classifier JMTEB trains on embeddings.
type Classifier interface {
	Fit(ctx context.Context, x vecsim.Matrix, y []int) error
	Predict(x vecsim.Matrix) []int
}

// classifierOrder is JMTEB's default classifiers in its order.
var classifierOrder = []string{"knn_cosine_k_2", "logreg"}

// DefaultClassifiers returns JMTEB's default classifiers:
// KNeighborsClassifier(n_neighbors=2, metric="cosine") and
// LogisticRegression() with scikit-learn's defaults.
func DefaultClassifiers() map[string]Classifier {
	return map[string]Classifier{"knn_cosine_k_2": &KNN{K: 2}, "logreg": &LogReg{}}
}

// Classification is JMTEB's ClassificationEvaluator: each classifier is
// fitted on the train split and scored on the validation split by macro
// F1; the best one (k-NN before logistic regression on ties) predicts the
// test split. Main metric "macro_f1"; "accuracy" is recorded too.
func Classification(ctx context.Context, train, val, test LabeledSet) (*Result, error) {
	for _, s := range []struct {
		n string
		s LabeledSet
	}{{"train", train}, {"validation", val}, {"test", test}} {
		if err := s.s.check(s.n); err != nil {
			return nil, err
		}
	}
	if err := checkSameDim(train.X, val.X, test.X); err != nil {
		return nil, err
	}
	clfs := DefaultClassifiers()
	r := &Result{Metric: "macro_f1", OptimalKey: "optimal_classifier_name", Val: map[string]Scores{}, Order: classifierOrder, MetricOrder: []string{"accuracy", "macro_f1"}}
	for _, name := range classifierOrder {
		if err := clfs[name].Fit(ctx, train.X, train.Y); err != nil {
			return nil, fmt.Errorf("jmteb: classifier %s: %w", name, err)
		}
		p := clfs[name].Predict(val.X)
		r.Val[name] = Scores{"accuracy": Accuracy(val.Y, p), "macro_f1": MacroF1(val.Y, p)}
	}
	r.Optimal = best(classifierOrder, r.Val, "macro_f1")
	p := clfs[r.Optimal].Predict(test.X)
	t := Scores{"accuracy": Accuracy(test.Y, p), "macro_f1": MacroF1(test.Y, p)}
	r.Test = map[string]Scores{r.Optimal: t}
	r.Value = t["macro_f1"]
	return r, nil
}

// KNN is scikit-learn's KNeighborsClassifier with metric "cosine" and
// uniform weights: the K training rows of smallest cosine distance (lower
// row first among equal distances) vote, and a tie goes to the smallest
// label.
type KNN struct {
	K int

	train   vecsim.Matrix // L2-normalised
	y       []int
	classes []int
}

// Fit stores the normalised training embeddings.
func (k *KNN) Fit(_ context.Context, x vecsim.Matrix, y []int) error {
	if k.K <= 0 || k.K > x.Rows {
		return fmt.Errorf("knn: k=%d with %d training rows", k.K, x.Rows)
	}
	k.train = normalizedCopy(x)
	k.y = y
	k.classes = sortedLabels(y)
	return nil
}

// Predict returns the majority label of each row's K nearest neighbours.
func (k *KNN) Predict(x vecsim.Matrix) []int {
	q := normalizedCopy(x)
	out := make([]int, x.Rows)
	const block = 256
	sc := make([]float32, block*k.train.Rows)
	idx := map[int]int{}
	for i, c := range k.classes {
		idx[c] = i
	}
	votes := make([]int, len(k.classes))
	for r0 := 0; r0 < q.Rows; r0 += block {
		n := min(block, q.Rows-r0)
		vecsim.ScoreBlock(vecsim.Matrix{Rows: n, Dim: q.Dim, Data: q.Data[r0*q.Dim : (r0+n)*q.Dim]}, k.train, sc)
		for i := 0; i < n; i++ {
			hits := vecsim.TopK(sc[i*k.train.Rows:(i+1)*k.train.Rows], k.K)
			clear(votes)
			for _, h := range hits {
				votes[idx[k.y[h.Index]]]++
			}
			b := 0
			for c := range votes {
				if votes[c] > votes[b] {
					b = c
				}
			}
			out[r0+i] = k.classes[b]
		}
	}
	return out
}

func normalizedCopy(x vecsim.Matrix) vecsim.Matrix {
	m := vecsim.Matrix{Rows: x.Rows, Dim: x.Dim, Data: make([]float32, len(x.Data))}
	for i := 0; i < x.Rows; i++ {
		copy(m.Row(i), sklearnNormalized(x.Row(i)))
	}
	return m
}

func sortedLabels(y []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, l := range y {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Ints(out)
	return out
}

// LogReg is scikit-learn's LogisticRegression() as JMTEB uses it: L2
// penalty with C = 1, intercept, solver lbfgs (tol 1e-4, at most 100
// iterations), a multinomial (softmax) model over K >= 3 classes and a
// single logistic function for 2 classes. The objective is scikit-learn's:
// mean log-loss + ||W||^2 / (2 C n), the intercept unpenalised.
type LogReg struct {
	C       float64 // default 1
	MaxIter int     // default 100
	Tol     float64 // default 1e-4 (sup norm of the gradient)

	classes []int
	coef    []float64 // nc x (dim+1), intercept last
	nc, dim int
	// NIter is the number of L-BFGS iterations the last Fit ran.
	NIter int
}

// Fit trains the model.
func (m *LogReg) Fit(ctx context.Context, x vecsim.Matrix, y []int) error {
	c, maxIter, tol := m.C, m.MaxIter, m.Tol
	if c == 0 {
		c = 1
	}
	if maxIter == 0 {
		maxIter = 100
	}
	if tol == 0 {
		tol = 1e-4
	}
	m.classes = sortedLabels(y)
	if len(m.classes) < 2 {
		return fmt.Errorf("logistic regression needs at least 2 classes, got %d", len(m.classes))
	}
	k := len(m.classes)
	nc := k
	if k == 2 {
		nc = 1
	}
	m.nc, m.dim = nc, x.Dim
	idx := map[int]int{}
	for i, l := range m.classes {
		idx[l] = i
	}
	yi := make([]int, len(y))
	for i, l := range y {
		yi[i] = idx[l]
	}
	obj := newLogRegObjective(x, yi, k, 1/(c*float64(x.Rows)))
	w := make([]float64, nc*(x.Dim+1))
	n, err := lbfgs(ctx, obj.eval, w, maxIter, tol)
	m.coef, m.NIter = w, n
	return err
}

// Predict returns the most probable class of each row (the first on ties).
func (m *LogReg) Predict(x vecsim.Matrix) []int {
	z := logits(x, m.coef, m.nc)
	out := make([]int, x.Rows)
	for i := 0; i < x.Rows; i++ {
		if m.nc == 1 {
			if z[i] > 0 {
				out[i] = m.classes[1]
			} else {
				out[i] = m.classes[0]
			}
			continue
		}
		row := z[i*m.nc : (i+1)*m.nc]
		b := 0
		for c := range row {
			if row[c] > row[b] {
				b = c
			}
		}
		out[i] = m.classes[b]
	}
	return out
}

// Coef returns the coefficients, one row of dim+1 values (intercept last)
// per class (one row for 2 classes).
func (m *LogReg) Coef() [][]float64 {
	out := make([][]float64, m.nc)
	for c := range out {
		out[c] = m.coef[c*(m.dim+1) : (c+1)*(m.dim+1)]
	}
	return out
}

// logits returns n x nc decision values x.w_c + b_c.
func logits(x vecsim.Matrix, w []float64, nc int) []float64 {
	d := x.Dim
	z := make([]float64, x.Rows*nc)
	for i := 0; i < x.Rows; i++ {
		row := x.Row(i)
		for c := 0; c < nc; c++ {
			wc := w[c*(d+1) : (c+1)*(d+1)]
			z[i*nc+c] = dot64(row, wc[:d]) + wc[d]
		}
	}
	return z
}

func dot64(a []float32, b []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += float64(a[i]) * b[i]
		s1 += float64(a[i+1]) * b[i+1]
		s2 += float64(a[i+2]) * b[i+2]
		s3 += float64(a[i+3]) * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += float64(a[i]) * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

type logRegObjective struct {
	x      vecsim.Matrix
	x64    []float64 // x converted once
	y      []int
	k      int
	l2     float64
	parts  [][]float64
	losses []float64
}

func newLogRegObjective(x vecsim.Matrix, y []int, k int, l2 float64) *logRegObjective {
	x64 := make([]float64, len(x.Data))
	for i, v := range x.Data {
		x64[i] = float64(v)
	}
	return &logRegObjective{x: x, x64: x64, y: y, k: k, l2: l2}
}

// eval returns the objective at w and writes its gradient into g. Rows
// are processed in fixed chunks on GOMAXPROCS goroutines and the chunks'
// partial sums are added in chunk order, so the result does not depend
// on the number of threads.
func (o *logRegObjective) eval(w, g []float64) float64 {
	n, d := o.x.Rows, o.x.Dim
	nc := o.k
	if nc == 2 {
		nc = 1
	}
	const chunk = 512
	nch := (n + chunk - 1) / chunk
	if len(o.parts) != nch {
		o.parts = make([][]float64, nch)
		for i := range o.parts {
			o.parts[i] = make([]float64, len(g))
		}
		o.losses = make([]float64, nch)
	}
	next := make(chan int, nch)
	for c := 0; c < nch; c++ {
		next <- c
	}
	close(next)
	var wg sync.WaitGroup
	for t := 0; t < min(runtime.GOMAXPROCS(0), nch); t++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			z := make([]float64, nc)
			for c := range next {
				o.losses[c] = o.chunk(w, o.parts[c], c*chunk, min(n, (c+1)*chunk), nc, z)
			}
		}()
	}
	wg.Wait()
	clear(g)
	var loss float64
	for c := 0; c < nch; c++ {
		loss += o.losses[c]
		for j, v := range o.parts[c] {
			g[j] += v
		}
	}
	inv := 1 / float64(n)
	for j := range g {
		g[j] *= inv
	}
	var reg float64
	for c := 0; c < nc; c++ {
		wc := w[c*(d+1) : c*(d+1)+d]
		gc := g[c*(d+1) : c*(d+1)+d]
		for j, v := range wc {
			reg += v * v
			gc[j] += o.l2 * v
		}
	}
	return loss*inv + 0.5*o.l2*reg
}

// chunk adds the loss of rows [lo, hi) and writes their summed gradient
// (of the unaveraged loss) into g.
func (o *logRegObjective) chunk(w, g []float64, lo, hi, nc int, z []float64) float64 {
	d := o.x.Dim
	clear(g)
	var loss float64
	for i := lo; i < hi; i++ {
		row := o.x64[i*d : (i+1)*d]
		dots(row, w, d, z)
		if nc == 1 {
			zi := z[0]
			yv := float64(o.y[i])
			var lse float64
			if zi > 0 {
				lse = zi + math.Log1p(math.Exp(-zi))
			} else {
				lse = math.Log1p(math.Exp(zi))
			}
			loss += lse - yv*zi
			z[0] = 1/(1+math.Exp(-zi)) - yv
		} else {
			mx := z[0]
			for _, v := range z[1:] {
				mx = math.Max(mx, v)
			}
			var s float64
			for _, v := range z {
				s += math.Exp(v - mx)
			}
			lse := mx + math.Log(s)
			loss += lse - z[o.y[i]]
			for c, v := range z {
				z[c] = math.Exp(v - lse)
			}
			z[o.y[i]]--
		}
		axpys(z, row, g, d)
	}
	return loss
}

// dots sets z[c] = row . w_c + b_c for the len(z) weight rows of w (each
// d+1 long, intercept last), four classes per pass over row.
func dots(row, w []float64, d int, z []float64) {
	c := 0
	for ; c+4 <= len(z); c += 4 {
		w0 := w[c*(d+1) : c*(d+1)+d]
		w1 := w[(c+1)*(d+1) : (c+1)*(d+1)+d]
		w2 := w[(c+2)*(d+1) : (c+2)*(d+1)+d]
		w3 := w[(c+3)*(d+1) : (c+3)*(d+1)+d]
		var s0, s1, s2, s3 float64
		for j, x := range row {
			s0 += x * w0[j]
			s1 += x * w1[j]
			s2 += x * w2[j]
			s3 += x * w3[j]
		}
		z[c] = s0 + w[c*(d+1)+d]
		z[c+1] = s1 + w[(c+1)*(d+1)+d]
		z[c+2] = s2 + w[(c+2)*(d+1)+d]
		z[c+3] = s3 + w[(c+3)*(d+1)+d]
	}
	for ; c < len(z); c++ {
		wc := w[c*(d+1) : c*(d+1)+d]
		var s float64
		for j, x := range row {
			s += x * wc[j]
		}
		z[c] = s + w[c*(d+1)+d]
	}
}

// axpys adds r[c] * [row, 1] to the gradient row of each class c.
func axpys(r, row, g []float64, d int) {
	c := 0
	for ; c+4 <= len(r); c += 4 {
		g0 := g[c*(d+1) : c*(d+1)+d]
		g1 := g[(c+1)*(d+1) : (c+1)*(d+1)+d]
		g2 := g[(c+2)*(d+1) : (c+2)*(d+1)+d]
		g3 := g[(c+3)*(d+1) : (c+3)*(d+1)+d]
		r0, r1, r2, r3 := r[c], r[c+1], r[c+2], r[c+3]
		for j, x := range row {
			g0[j] += r0 * x
			g1[j] += r1 * x
			g2[j] += r2 * x
			g3[j] += r3 * x
		}
		g[c*(d+1)+d] += r0
		g[(c+1)*(d+1)+d] += r1
		g[(c+2)*(d+1)+d] += r2
		g[(c+3)*(d+1)+d] += r3
	}
	for ; c < len(r); c++ {
		gc := g[c*(d+1) : c*(d+1)+d]
		rc := r[c]
		for j, x := range row {
			gc[j] += rc * x
		}
		g[c*(d+1)+d] += rc
	}
}

func axpy64(a float64, x []float32, y []float64) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		y[i] += a * float64(x[i])
		y[i+1] += a * float64(x[i+1])
		y[i+2] += a * float64(x[i+2])
		y[i+3] += a * float64(x[i+3])
	}
	for ; i < len(x); i++ {
		y[i] += a * float64(x[i])
	}
}
