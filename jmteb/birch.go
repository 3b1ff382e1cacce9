package jmteb

import (
	"context"
	"math"

	"github.com/jretrieve/jretrieve/vecsim"
)

// Birch is scikit-learn's Birch(n_clusters=k) with its defaults (threshold
// 0.5, branching factor 50): every row is inserted into a CF tree (merged
// into the closest leaf subcluster when the merged radius stays within the
// threshold, nodes split around their two farthest subclusters), the leaf
// subcluster centroids are clustered by Ward agglomerative clustering into
// k groups (each centroid its own group when there are fewer than k), and
// each row takes the group of its nearest centroid.
func Birch(ctx context.Context, x vecsim.Matrix, k int) ([]int, error) {
	if err := checkK(x, k); err != nil {
		return nil, err
	}
	const threshold, branching = 0.5, 50
	X := rowsF64(x)
	root := &cfNode{leaf: true}
	dummy := &cfNode{leaf: true}
	dummy.next, root.prev = root, dummy
	for i, row := range X {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		sub := newCFSub(row)
		if root.insert(sub, threshold, branching) {
			a, b := splitNode(root)
			root = &cfNode{}
			root.subs = append(root.subs, a, b)
		}
	}
	var centroids [][]float64
	for l := dummy.next; l != nil; l = l.next {
		for _, s := range l.subs {
			centroids = append(centroids, s.centroid)
		}
	}
	var groups []int
	if len(centroids) < k {
		groups = make([]int, len(centroids))
		for i := range groups {
			groups[i] = i
		}
	} else {
		cm := vecsim.NewMatrix(len(centroids), x.Dim)
		for i, c := range centroids {
			for j, v := range c {
				cm.Data[i*x.Dim+j] = float32(v) // scikit-learn keeps float32 data in float32
			}
		}
		var err error
		if groups, err = Ward(ctx, cm, k); err != nil {
			return nil, err
		}
	}
	cd := newDense64(centroids, x.Dim)
	near := nearest(newDense64(X, x.Dim), cd)
	labels := make([]int, len(X))
	for i, c := range near {
		labels[i] = groups[c]
	}
	return labels, nil
}

type cfSub struct {
	n        float64
	ls       []float64
	ss       float64 // sum of squared norms
	centroid []float64
	sqNorm   float64
	child    *cfNode
}

func newCFSub(row []float64) *cfSub {
	s := &cfSub{n: 1, ls: append([]float64(nil), row...)}
	for _, v := range row {
		s.ss += v * v
	}
	s.refresh()
	return s
}

func (s *cfSub) refresh() {
	if s.centroid == nil {
		s.centroid = make([]float64, len(s.ls))
	}
	s.sqNorm = 0
	for j, v := range s.ls {
		c := v / s.n
		s.centroid[j] = c
		s.sqNorm += c * c
	}
}

func (s *cfSub) update(o *cfSub) {
	if s.ls == nil {
		s.ls = make([]float64, len(o.ls))
	}
	s.n += o.n
	for j, v := range o.ls {
		s.ls[j] += v
	}
	s.ss += o.ss
	s.refresh()
}

// merge absorbs o when the merged subcluster's squared radius is within
// threshold^2.
func (s *cfSub) merge(o *cfSub, threshold float64) bool {
	n := s.n + o.n
	ss := s.ss + o.ss
	var sq float64
	for j := range s.ls {
		c := (s.ls[j] + o.ls[j]) / n
		sq += c * c
	}
	if ss/n-sq > threshold*threshold {
		return false
	}
	s.update(o)
	return true
}

type cfNode struct {
	leaf       bool
	subs       []*cfSub
	prev, next *cfNode
}

// insert adds sub under n; it reports whether n now has too many
// subclusters and must be split.
func (n *cfNode) insert(sub *cfSub, threshold float64, branching int) bool {
	if len(n.subs) == 0 {
		n.subs = append(n.subs, sub)
		return false
	}
	ci, cd := 0, math.Inf(1)
	for i, s := range n.subs {
		var dot float64
		for j, v := range s.centroid {
			dot += v * sub.centroid[j]
		}
		if d := -2*dot + s.sqNorm; d < cd {
			ci, cd = i, d
		}
	}
	closest := n.subs[ci]
	if closest.child != nil {
		if !closest.child.insert(sub, threshold, branching) {
			closest.update(sub)
			return false
		}
		a, b := splitNode(closest.child)
		n.subs[ci] = a
		n.subs = append(n.subs, b)
		return len(n.subs) > branching
	}
	if closest.merge(sub, threshold) {
		return false
	}
	n.subs = append(n.subs, sub)
	return len(n.subs) > branching
}

// splitNode splits node around its two farthest subclusters (the first
// farthest pair in row-major order), keeping the leaf chain linked.
func splitNode(node *cfNode) (*cfSub, *cfSub) {
	n1 := &cfNode{leaf: node.leaf}
	n2 := &cfNode{leaf: node.leaf}
	s1 := &cfSub{child: n1}
	s2 := &cfSub{child: n2}
	if node.leaf {
		if node.prev != nil {
			node.prev.next = n1
		}
		n1.prev, n1.next = node.prev, n2
		n2.prev, n2.next = n1, node.next
		if node.next != nil {
			node.next.prev = n2
		}
	}
	m := len(node.subs)
	dist := func(a, b int) float64 {
		if a == b {
			return 0
		}
		ca, cb := node.subs[a], node.subs[b]
		var dot float64
		for j, v := range ca.centroid {
			dot += v * cb.centroid[j]
		}
		return math.Max(ca.sqNorm-2*dot+cb.sqNorm, 0)
	}
	fa, fb, fd := 0, 0, -1.0
	for a := 0; a < m; a++ {
		for b := 0; b < m; b++ {
			if d := dist(a, b); d > fd {
				fa, fb, fd = a, b, d
			}
		}
	}
	for i, s := range node.subs {
		if i == fa || dist(fa, i) < dist(fb, i) {
			n1.subs = append(n1.subs, s)
			s1.update(s)
		} else {
			n2.subs = append(n2.subs, s)
			s2.update(s)
		}
	}
	return s1, s2
}
