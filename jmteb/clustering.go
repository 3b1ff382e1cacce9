package jmteb

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"github.com/jretrieve/jretrieve/vecsim"
)

// clusteringOrder is JMTEB's clustering algorithms in its order.
var clusteringOrder = []string{"MiniBatchKMeans", "AgglomerativeClustering", "BisectingKMeans", "Birch"}

// ClusteringOptions configure Clustering.
type ClusteringOptions struct {
	// Seed seeds the randomised algorithms (MiniBatchKMeans,
	// BisectingKMeans). JMTEB passes random_state=None, so its own k-means
	// results change from run to run; jretrieve's are reproducible for a
	// seed but are not numpy's random streams.
	Seed uint64
	// Algorithms restricts the candidates (default: all four, in JMTEB's
	// order).
	Algorithms []string
}

// Cluster runs one of JMTEB's clustering algorithms with k clusters and
// returns a label per row.
func Cluster(ctx context.Context, name string, x vecsim.Matrix, k int, seed uint64) ([]int, error) {
	if err := checkK(x, k); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x4a4d544542))
	switch name {
	case "MiniBatchKMeans":
		return MiniBatchKMeans(ctx, x, k, rng)
	case "AgglomerativeClustering":
		return Ward(ctx, x, k)
	case "BisectingKMeans":
		return BisectingKMeans(ctx, x, k, rng)
	case "Birch":
		return Birch(ctx, x, k)
	}
	return nil, fmt.Errorf("jmteb: unknown clustering algorithm %q", name)
}

// Clustering is JMTEB's ClusteringEvaluator: with as many clusters as
// there are distinct test labels, each algorithm (MiniBatchKMeans, Ward
// agglomerative clustering, BisectingKMeans, Birch) clusters the
// validation split; the one with the best V-measure (the first on ties)
// clusters the test split. Main metric "v_measure_score"; homogeneity and
// completeness are recorded too.
func Clustering(ctx context.Context, val, test LabeledSet, opt ClusteringOptions) (*Result, error) {
	if err := val.check("validation"); err != nil {
		return nil, err
	}
	if err := test.check("test"); err != nil {
		return nil, err
	}
	algs := opt.Algorithms
	if len(algs) == 0 {
		algs = clusteringOrder
	}
	k := len(sortedLabels(test.Y))
	r := &Result{Metric: "v_measure_score", OptimalKey: "optimal_clustering_model_name", Val: map[string]Scores{}, Order: algs,
		MetricOrder: []string{"v_measure_score", "homogeneity_score", "completeness_score"}}
	score := func(s LabeledSet, alg string) (Scores, error) {
		p, err := Cluster(ctx, alg, s.X, min(k, s.X.Rows), opt.Seed)
		if err != nil {
			return nil, err
		}
		h, c, v := VMeasure(s.Y, p)
		return Scores{"v_measure_score": v, "homogeneity_score": h, "completeness_score": c}, nil
	}
	for _, a := range algs {
		s, err := score(val, a)
		if err != nil {
			return nil, err
		}
		r.Val[a] = s
	}
	r.Optimal = best(algs, r.Val, "v_measure_score")
	t, err := score(test, r.Optimal)
	if err != nil {
		return nil, err
	}
	r.Test = map[string]Scores{r.Optimal: t}
	r.Value = t["v_measure_score"]
	return r, nil
}

func checkK(x vecsim.Matrix, k int) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if k < 1 || k > x.Rows {
		return fmt.Errorf("jmteb: %d clusters for %d rows", k, x.Rows)
	}
	return nil
}

// rowsF64 converts the matrix to float64 rows (scikit-learn and scipy
// compute these algorithms in float64 on JMTEB's float32 embeddings... or
// float32 where noted).
func rowsF64(x vecsim.Matrix) [][]float64 {
	out := make([][]float64, x.Rows)
	for i := range out {
		r := make([]float64, x.Dim)
		for j, v := range x.Row(i) {
			r[j] = float64(v)
		}
		out[i] = r
	}
	return out
}

func sqDist(a, b []float64) float64 {
	var s0, s1 float64
	i := 0
	for ; i+2 <= len(a); i += 2 {
		d0, d1 := a[i]-b[i], a[i+1]-b[i+1]
		s0 += d0 * d0
		s1 += d1 * d1
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return s0 + s1
}

// parallelFor runs fn over [0, n) split into contiguous ranges on
// GOMAXPROCS goroutines (one when n < 128).
func parallelFor(n int, fn func(lo, hi int)) { parallelGrain(n, 64, fn) }

// parallelChunks is parallelFor for a few large work items.
func parallelChunks(n int, fn func(lo, hi int)) { parallelGrain(n, 1, fn) }

func parallelGrain(n, grain int, fn func(lo, hi int)) {
	t := min(runtime.GOMAXPROCS(0), max(1, n/grain))
	if t <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + t - 1) / t
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(n, lo+chunk))
	}
	wg.Wait()
}

// Ward is scikit-learn's AgglomerativeClustering(n_clusters=k) (Ward
// linkage, Euclidean): scipy's nearest-neighbour-chain algorithm over the
// condensed float64 distance matrix with the Lance–Williams update, the
// merges ordered by distance (stably), and the tree cut into k clusters by
// undoing the last k-1 merges. The distances are held in a full n x n
// float64 matrix (twice scipy's condensed one, 800 MB for 10,000 rows) so
// that every scan reads one contiguous row.
func Ward(ctx context.Context, x vecsim.Matrix, k int) ([]int, error) {
	if err := checkK(x, k); err != nil {
		return nil, err
	}
	n := x.Rows
	if n == 1 {
		return []int{0}, nil
	}
	D := euclideanSquare(newDense64(rowsF64(x), x.Dim))
	size := make([]int, n)
	for i := range size {
		size[i] = 1
	}
	type merge struct {
		a, b int
		d    float64
	}
	merges := make([]merge, 0, n-1)
	chain := make([]int, 0, n)
	for step := 0; step < n-1; step++ {
		if step%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if len(chain) == 0 {
			for i := 0; i < n; i++ {
				if size[i] > 0 {
					chain = append(chain, i)
					break
				}
			}
		}
		var xi, yi int
		var cur float64
		for {
			xi = chain[len(chain)-1]
			cur = math.Inf(1)
			if len(chain) > 1 {
				yi = chain[len(chain)-2]
				cur = D[xi*n+yi]
			}
			row := D[xi*n : (xi+1)*n]
			for i, d := range row {
				if size[i] == 0 || i == xi {
					continue
				}
				if d < cur {
					cur, yi = d, i
				}
			}
			if len(chain) > 1 && yi == chain[len(chain)-2] {
				break
			}
			chain = append(chain, yi)
		}
		chain = chain[:len(chain)-2]
		if xi > yi {
			xi, yi = yi, xi
		}
		nx, ny := size[xi], size[yi]
		merges = append(merges, merge{xi, yi, cur})
		size[xi] = 0
		size[yi] = nx + ny
		rx, ry := D[xi*n:(xi+1)*n], D[yi*n:(yi+1)*n]
		for i := 0; i < n; i++ {
			ni := size[i]
			if ni == 0 || i == yi {
				continue
			}
			dxi, dyi := rx[i], ry[i]
			t := 1 / float64(nx+ny+ni)
			v := math.Sqrt(float64(ni+nx)*t*dxi*dxi + float64(ni+ny)*t*dyi*dyi - float64(ni)*t*cur*cur)
			ry[i] = v
			D[i*n+yi] = v
		}
	}
	sort.SliceStable(merges, func(a, b int) bool { return merges[a].d < merges[b].d })
	uf := newUnionFind(n)
	for _, m := range merges[:n-k] {
		uf.union(m.a, m.b)
	}
	return uf.labels(), nil
}

type unionFind struct{ p []int }

func newUnionFind(n int) *unionFind {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return &unionFind{p}
}

func (u *unionFind) find(i int) int {
	for u.p[i] != i {
		u.p[i] = u.p[u.p[i]]
		i = u.p[i]
	}
	return i
}

func (u *unionFind) union(a, b int) { u.p[u.find(a)] = u.find(b) }

// labels numbers the sets 0, 1, ... in order of first appearance.
func (u *unionFind) labels() []int {
	m := map[int]int{}
	out := make([]int, len(u.p))
	for i := range out {
		r := u.find(i)
		l, ok := m[r]
		if !ok {
			l = len(m)
			m[r] = l
		}
		out[i] = l
	}
	return out
}

// assign returns each row's nearest center (the first on ties) and the
// total squared distance. Distances are ranked as |c|^2 - 2 x.c (the
// row's own norm is common to all centers), four centers per pass over
// the row, as scikit-learn ranks them through its Gram matrix.
func assign(X, centers [][]float64, labels []int) float64 { return assignI(X, centers, labels, true) }

// assignI is assign; without wantInertia it returns 0 and skips the row norms.
func assignI(X, centers [][]float64, labels []int, wantInertia bool) float64 {
	cn := make([]float64, len(centers))
	for c, ctr := range centers {
		for _, v := range ctr {
			cn[c] += v * v
		}
	}
	var mu sync.Mutex
	var inertia float64
	parallelFor(len(X), func(lo, hi int) {
		var s float64
		dots := make([]float64, len(centers))
		for i := lo; i < hi; i++ {
			row := X[i]
			multiDot(row, centers, dots)
			b, bd := 0, math.Inf(1)
			for c, d := range dots {
				if v := cn[c] - 2*d; v < bd {
					b, bd = c, v
				}
			}
			labels[i] = b
			if !wantInertia {
				continue
			}
			var xn float64
			for _, v := range row {
				xn += v * v
			}
			s += math.Max(xn+bd, 0)
		}
		mu.Lock()
		inertia += s
		mu.Unlock()
	})
	return inertia
}

// multiDot sets out[c] = row . centers[c], four centers per pass.
func multiDot(row []float64, centers [][]float64, out []float64) {
	c := 0
	for ; c+4 <= len(centers); c += 4 {
		w0, w1, w2, w3 := centers[c], centers[c+1], centers[c+2], centers[c+3]
		w0, w1, w2, w3 = w0[:len(row)], w1[:len(row)], w2[:len(row)], w3[:len(row)]
		var s0, s1, s2, s3 float64
		for j, x := range row {
			s0 += x * w0[j]
			s1 += x * w1[j]
			s2 += x * w2[j]
			s3 += x * w3[j]
		}
		out[c], out[c+1], out[c+2], out[c+3] = s0, s1, s2, s3
	}
	for ; c+2 <= len(centers); c += 2 {
		w0, w1 := centers[c][:len(row)], centers[c+1][:len(row)]
		var s0, s1, t0, t1 float64
		j := 0
		for ; j+2 <= len(row); j += 2 {
			s0 += row[j] * w0[j]
			t0 += row[j+1] * w0[j+1]
			s1 += row[j] * w1[j]
			t1 += row[j+1] * w1[j+1]
		}
		for ; j < len(row); j++ {
			s0 += row[j] * w0[j]
			s1 += row[j] * w1[j]
		}
		out[c], out[c+1] = s0+t0, s1+t1
	}
	for ; c < len(centers); c++ {
		var s float64
		for j, x := range row {
			s += x * centers[c][j]
		}
		out[c] = s
	}
}

// kmeansPlusPlus is scikit-learn's greedy k-means++ (2 + ln k local
// trials per center) on the rows idx of X.
func kmeansPlusPlus(X [][]float64, k int, rng *rand.Rand) [][]float64 {
	n := len(X)
	trials := 2 + int(math.Log(float64(k)))
	centers := [][]float64{append([]float64(nil), X[rng.IntN(n)]...)}
	closest := make([]float64, n)
	pot := 0.0
	for i := range X {
		closest[i] = sqDist(X[i], centers[0])
		pot += closest[i]
	}
	cum := make([]float64, n)
	cand := make([]float64, n)
	bestD := make([]float64, n)
	for len(centers) < k {
		var s float64
		for i, d := range closest {
			s += d
			cum[i] = s
		}
		bestPot, bestID := math.Inf(1), -1
		for t := 0; t < trials; t++ {
			r := rng.Float64() * pot
			id := sort.SearchFloat64s(cum, r)
			if id >= n {
				id = n - 1
			}
			var p float64
			for i := range X {
				cand[i] = math.Min(closest[i], sqDist(X[i], X[id]))
				p += cand[i]
			}
			if p < bestPot {
				bestPot, bestID = p, id
				copy(bestD, cand)
			}
		}
		pot = bestPot
		copy(closest, bestD)
		centers = append(centers, append([]float64(nil), X[bestID]...))
	}
	return centers
}

// MiniBatchKMeans is scikit-learn's MiniBatchKMeans(n_clusters=k,
// n_init="auto") procedure: k-means++ on a random init sample of
// 3 x batch size rows, then (max_iter=100) x n / batch_size steps of
// random batches of 1024 rows updating the centers with per-center
// counts, random reassignment of rarely chosen centers (ratio 0.01),
// stopped after 10 steps without improvement of the smoothed batch
// inertia; finally every row gets its nearest center.
func MiniBatchKMeans(ctx context.Context, x vecsim.Matrix, k int, rng *rand.Rand) ([]int, error) {
	if err := checkK(x, k); err != nil {
		return nil, err
	}
	X := rowsF64(x)
	n := len(X)
	batch := min(1024, n)
	initSize := 3 * batch
	if initSize < k {
		initSize = 3 * k
	}
	initSize = min(initSize, n)
	sample := make([][]float64, initSize)
	for i := range sample {
		sample[i] = X[rng.IntN(n)]
	}
	centers := kmeansPlusPlus(sample, k, rng)
	counts := make([]float64, k)
	steps := 100 * n / batch
	sinceReassign := 0
	var ewa, ewaMin float64
	haveEWA, haveMin := false, false
	noImprove := 0
	bx := make([][]float64, batch)
	bl := make([]int, batch)
	for step := 0; step < steps; step++ {
		if step%16 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for i := range bx {
			bx[i] = X[rng.IntN(n)]
		}
		sinceReassign += batch
		reassign := false
		for _, c := range counts {
			if c == 0 {
				reassign = true
			}
		}
		if reassign || sinceReassign >= 10*k {
			sinceReassign = 0
			reassign = true
		}
		inertia := assign(bx, centers, bl)
		// center update with per-center counts
		for c := 0; c < k; c++ {
			var w float64
			sum := make([]float64, x.Dim)
			for i, l := range bl {
				if l == c {
					w++
					for j, v := range bx[i] {
						sum[j] += v
					}
				}
			}
			if w == 0 {
				continue
			}
			for j := range sum {
				centers[c][j] = (centers[c][j]*counts[c] + sum[j]) / (counts[c] + w)
			}
			counts[c] += w
		}
		if reassign {
			maxC := 0.0
			for _, c := range counts {
				maxC = math.Max(maxC, c)
			}
			var to []int
			for c, v := range counts {
				if v < 0.01*maxC {
					to = append(to, c)
				}
			}
			if len(to) > batch/2 {
				sort.SliceStable(to, func(a, b int) bool { return counts[to[a]] < counts[to[b]] })
				to = to[:batch/2]
			}
			if len(to) > 0 {
				minKept := math.Inf(1)
				isTo := map[int]bool{}
				for _, c := range to {
					isTo[c] = true
				}
				for c, v := range counts {
					if !isTo[c] {
						minKept = math.Min(minKept, v)
					}
				}
				perm := rng.Perm(batch)
				for i, c := range to {
					copy(centers[c], bx[perm[i]])
					counts[c] = minKept
				}
			}
		}
		bi := inertia / float64(batch)
		if step == 0 {
			continue
		}
		if !haveEWA {
			ewa, haveEWA = bi, true
		} else {
			a := math.Min(float64(batch)*2/float64(n+1), 1)
			ewa = ewa*(1-a) + bi*a
		}
		if !haveMin || ewa < ewaMin {
			noImprove, ewaMin, haveMin = 0, ewa, true
		} else {
			noImprove++
		}
		if noImprove >= 10 {
			break
		}
	}
	labels := make([]int, n)
	assign(X, centers, labels)
	return labels, nil
}

// lloyd runs k-means from centers (scikit-learn's _kmeans_single_lloyd:
// at most maxIter iterations, stopping when the labels no longer change
// or the squared center shift is <= tol; an empty cluster takes the row
// farthest from its center).
func lloyd(X, centers [][]float64, maxIter int, tol float64) []int {
	n, k := len(X), len(centers)
	labels := make([]int, n)
	prev := make([]int, n)
	for i := range prev {
		prev[i] = -1
	}
	strict := false
	for it := 0; it < maxIter; it++ {
		assignI(X, centers, labels, false)
		nc, cnt := clusterSums(X, labels, k)
		for c := range nc {
			if cnt[c] == 0 {
				far, fd := 0, -1.0
				for i := range X {
					if d := sqDist(X[i], centers[labels[i]]); d > fd {
						far, fd = i, d
					}
				}
				copy(nc[c], X[far])
				continue
			}
			for j := range nc[c] {
				nc[c][j] /= float64(cnt[c])
			}
		}
		var shift float64
		for c := range nc {
			shift += sqDist(nc[c], centers[c])
		}
		centers = nc
		same := true
		for i := range labels {
			if labels[i] != prev[i] {
				same = false
				break
			}
		}
		if same {
			strict = true
			break
		}
		copy(prev, labels)
		if shift <= tol {
			break
		}
	}
	if !strict {
		assignI(X, centers, labels, false)
	}
	return labels
}

// clusterSums returns each cluster's sum of rows and size. Rows are summed
// in fixed chunks on all cores and the chunks added in order, so the sums
// do not depend on the number of threads.
func clusterSums(X [][]float64, labels []int, k int) ([][]float64, []int) {
	const chunk = 1024
	d := len(X[0])
	nch := (len(X) + chunk - 1) / chunk
	parts := make([][]float64, nch)
	counts := make([][]int, nch)
	parallelChunks(nch, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			p := make([]float64, k*d)
			cn := make([]int, k)
			for i := c * chunk; i < min(len(X), (c+1)*chunk); i++ {
				l := labels[i]
				cn[l]++
				dst := p[l*d : (l+1)*d]
				for j, v := range X[i] {
					dst[j] += v
				}
			}
			parts[c], counts[c] = p, cn
		}
	})
	sums := make([][]float64, k)
	cnt := make([]int, k)
	for c := range sums {
		sums[c] = make([]float64, d)
	}
	for ch := range parts {
		for c := 0; c < k; c++ {
			cnt[c] += counts[ch][c]
			if counts[ch][c] == 0 {
				continue
			}
			src := parts[ch][c*d : (c+1)*d]
			for j, v := range src {
				sums[c][j] += v
			}
		}
	}
	return sums, cnt
}

// BisectingKMeans is scikit-learn's BisectingKMeans(n_clusters=k):
// starting from one cluster, k-1 times the leaf with the largest inertia
// (the first leaf on ties) is split by 2-means (random init from two
// distinct rows, Lloyd iterations, at most 300, tolerance 1e-4 x the mean
// feature variance).
func BisectingKMeans(ctx context.Context, x vecsim.Matrix, k int, rng *rand.Rand) ([]int, error) {
	if err := checkK(x, k); err != nil {
		return nil, err
	}
	X := rowsF64(x)
	n, d := len(X), x.Dim
	// tolerance: mean of the per-feature variances x 1e-4
	var tol float64
	for j := 0; j < d; j++ {
		var m, s float64
		for i := range X {
			m += X[i][j]
		}
		m /= float64(n)
		for i := range X {
			s += (X[i][j] - m) * (X[i][j] - m)
		}
		tol += s / float64(n)
	}
	tol = tol / float64(d) * 1e-4
	type leaf struct {
		idx   []int
		score float64
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	leaves := []leaf{{idx: all}}
	for len(leaves) < k {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b := 0
		for i := range leaves {
			if leaves[i].score > leaves[b].score {
				b = i
			}
		}
		L := leaves[b]
		if len(L.idx) < 2 {
			break
		}
		sub := make([][]float64, len(L.idx))
		for i, r := range L.idx {
			sub[i] = X[r]
		}
		a := rng.IntN(len(sub))
		c := rng.IntN(len(sub) - 1)
		if c >= a {
			c++
		}
		centers := [][]float64{append([]float64(nil), sub[a]...), append([]float64(nil), sub[c]...)}
		lab := lloyd(sub, centers, 300, tol)
		var parts [2]leaf
		ctr := [2][]float64{make([]float64, d), make([]float64, d)}
		for i, l := range lab {
			parts[l].idx = append(parts[l].idx, L.idx[i])
			for j, v := range sub[i] {
				ctr[l][j] += v
			}
		}
		for p := range parts {
			for j := range ctr[p] {
				ctr[p][j] /= float64(max(1, len(parts[p].idx)))
			}
			for _, r := range parts[p].idx {
				parts[p].score += sqDist(X[r], ctr[p])
			}
		}
		leaves = append(leaves[:b], append([]leaf{parts[0], parts[1]}, leaves[b+1:]...)...)
	}
	labels := make([]int, n)
	for l, lf := range leaves {
		for _, r := range lf.idx {
			labels[r] = l
		}
	}
	return labels, nil
}
