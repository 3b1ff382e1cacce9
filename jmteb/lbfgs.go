package jmteb

import (
	"context"
	"errors"
	"math"
)

// lbfgs minimises f (which returns the value and writes the gradient)
// from x (updated in place), the way scipy's L-BFGS-B runs an
// unconstrained problem for scikit-learn: 10 correction pairs, the first
// step 1/|g|, the Moré–Thuente line search (dcsrch: ftol 1e-3, gtol 0.9,
// xtol 0.1, at most 20 evaluations), stopping when the sup norm of the
// gradient is <= gtol, when the relative decrease of f is <= 64 eps, or
// after maxIter iterations. It returns the number of iterations.
func lbfgs(ctx context.Context, f func(x, g []float64) float64, x []float64, maxIter int, gtol float64) (int, error) {
	const (
		m     = 10
		eps   = 2.220446049250313e-16
		factr = 64 * eps
	)
	n := len(x)
	g := make([]float64, n)
	fx := f(x, g)
	if supNorm(g) <= gtol {
		return 0, nil
	}
	var S, Y [][]float64
	var rho []float64
	d := make([]float64, n)
	xOld := make([]float64, n)
	gOld := make([]float64, n)
	alpha := make([]float64, m)
	iter := 0
	for iter < maxIter {
		if err := ctx.Err(); err != nil {
			return iter, err
		}
		// direction: two-loop recursion
		copy(d, g)
		for i := len(S) - 1; i >= 0; i-- {
			alpha[i] = rho[i] * dotF(S[i], d)
			axpyF(-alpha[i], Y[i], d)
		}
		if len(S) > 0 {
			l := len(S) - 1
			gamma := dotF(S[l], Y[l]) / dotF(Y[l], Y[l])
			for i := range d {
				d[i] *= gamma
			}
		}
		for i := range S {
			b := rho[i] * dotF(Y[i], d)
			axpyF(alpha[i]-b, S[i], d)
		}
		for i := range d {
			d[i] = -d[i]
		}
		gd := dotF(g, d)
		if gd >= 0 {
			// not a descent direction: drop the memory and use -g
			S, Y, rho = nil, nil, nil
			for i := range d {
				d[i] = -g[i]
			}
			gd = dotF(g, d)
		}
		stp := 1.0
		if iter == 0 && len(S) == 0 {
			stp = math.Min(1/math.Sqrt(dotF(d, d)), 1e10)
		}
		copy(xOld, x)
		copy(gOld, g)
		fOld := fx
		ls := newDCSRCH(fx, gd, stp, 1e-3, 0.9, 0.1, 0, 1e10)
		ok := false
		for nfg := 0; nfg < 20; nfg++ {
			for i := range x {
				x[i] = xOld[i] + ls.stp*d[i]
			}
			fx = f(x, g)
			status := ls.next(fx, dotF(g, d))
			if status != lsContinue {
				ok = true
				break
			}
		}
		if !ok {
			// line search failed: keep the last point if it decreased f
			if fx > fOld {
				copy(x, xOld)
				copy(g, gOld)
				fx = fOld
			}
			return iter + 1, nil
		}
		iter++
		if supNorm(g) <= gtol {
			return iter, nil
		}
		if fOld-fx <= factr*math.Max(math.Max(math.Abs(fOld), math.Abs(fx)), 1) {
			return iter, nil
		}
		s := make([]float64, n)
		y := make([]float64, n)
		for i := range s {
			s[i] = x[i] - xOld[i]
			y[i] = g[i] - gOld[i]
		}
		sy := dotF(s, y)
		if sy <= eps*(-ls.stp*gd) {
			continue
		}
		if len(S) == m {
			S, Y, rho = S[1:], Y[1:], rho[1:]
		}
		S, Y, rho = append(S, s), append(Y, y), append(rho, 1/sy)
	}
	return iter, nil
}

var errLineSearch = errors.New("line search failed")

func supNorm(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

func dotF(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpyF(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

type lsStatus int

const (
	lsContinue lsStatus = iota
	lsConverged
	lsWarning
)

// dcsrch is MINPACK-2's line search (Moré and Thuente), as L-BFGS-B runs
// it: stp is the next step to evaluate.
type dcsrch struct {
	stp                 float64
	ftol, gtol, xtol    float64
	stpmin, stpmax      float64
	brackt              bool
	stage               int
	finit, ginit, gtest float64
	width, width1       float64
	stx, fx, gx         float64
	sty, fy, gy         float64
	stmin, stmax        float64
}

func newDCSRCH(f, g, stp, ftol, gtol, xtol, stpmin, stpmax float64) *dcsrch {
	const xtrapu = 4.0
	return &dcsrch{
		stp: stp, ftol: ftol, gtol: gtol, xtol: xtol, stpmin: stpmin, stpmax: stpmax,
		stage: 1, finit: f, ginit: g, gtest: ftol * g, width: stpmax - stpmin, width1: (stpmax - stpmin) / 0.5,
		fx: f, gx: g, fy: f, gy: g, stmin: 0, stmax: stp + xtrapu*stp,
	}
}

// next takes f and the directional derivative g at stp.
func (s *dcsrch) next(f, g float64) lsStatus {
	const xtrapl, xtrapu = 1.1, 4.0
	ftest := s.finit + s.stp*s.gtest
	if s.stage == 1 && f <= ftest && g >= 0 {
		s.stage = 2
	}
	if s.brackt && (s.stp <= s.stmin || s.stp >= s.stmax) {
		return lsWarning
	}
	if s.brackt && s.stmax-s.stmin <= s.xtol*s.stmax {
		return lsWarning
	}
	if s.stp == s.stpmax && f <= ftest && g <= s.gtest {
		return lsWarning
	}
	if s.stp == s.stpmin && (f > ftest || g >= s.gtest) {
		return lsWarning
	}
	if f <= ftest && math.Abs(g) <= s.gtol*(-s.ginit) {
		return lsConverged
	}
	if s.stage == 1 && f <= s.fx && f > ftest {
		fm := f - s.stp*s.gtest
		fxm := s.fx - s.stx*s.gtest
		fym := s.fy - s.sty*s.gtest
		gm := g - s.gtest
		gxm := s.gx - s.gtest
		gym := s.gy - s.gtest
		dcstep(&s.stx, &fxm, &gxm, &s.sty, &fym, &gym, &s.stp, fm, gm, &s.brackt, s.stmin, s.stmax)
		s.fx = fxm + s.stx*s.gtest
		s.fy = fym + s.sty*s.gtest
		s.gx = gxm + s.gtest
		s.gy = gym + s.gtest
	} else {
		dcstep(&s.stx, &s.fx, &s.gx, &s.sty, &s.fy, &s.gy, &s.stp, f, g, &s.brackt, s.stmin, s.stmax)
	}
	if s.brackt {
		if math.Abs(s.sty-s.stx) >= 0.66*s.width1 {
			s.stp = s.stx + 0.5*(s.sty-s.stx)
		}
		s.width1 = s.width
		s.width = math.Abs(s.sty - s.stx)
		s.stmin = math.Min(s.stx, s.sty)
		s.stmax = math.Max(s.stx, s.sty)
	} else {
		s.stmin = s.stp + xtrapl*(s.stp-s.stx)
		s.stmax = s.stp + xtrapu*(s.stp-s.stx)
	}
	s.stp = math.Min(math.Max(s.stp, s.stpmin), s.stpmax)
	if s.brackt && (s.stp <= s.stmin || s.stp >= s.stmax) || s.brackt && s.stmax-s.stmin <= s.xtol*s.stmax {
		s.stp = s.stx
	}
	return lsContinue
}

// dcstep is MINPACK-2's safeguarded step of the Moré–Thuente search.
func dcstep(stx, fx, dx, sty, fy, dy, stp *float64, fp, dp float64, brackt *bool, stpmin, stpmax float64) {
	sgnd := dp * (*dx / math.Abs(*dx))
	var stpf float64
	switch {
	case fp > *fx:
		theta := 3*(*fx-fp)/(*stp-*stx) + *dx + dp
		s := math.Max(math.Max(math.Abs(theta), math.Abs(*dx)), math.Abs(dp))
		gamma := s * math.Sqrt((theta/s)*(theta/s)-(*dx/s)*(dp/s))
		if *stp < *stx {
			gamma = -gamma
		}
		p := (gamma - *dx) + theta
		q := ((gamma - *dx) + gamma) + dp
		r := p / q
		stpc := *stx + r*(*stp-*stx)
		stpq := *stx + ((*dx/((*fx-fp)/(*stp-*stx)+*dx))/2)*(*stp-*stx)
		if math.Abs(stpc-*stx) < math.Abs(stpq-*stx) {
			stpf = stpc
		} else {
			stpf = stpc + (stpq-stpc)/2
		}
		*brackt = true
	case sgnd < 0:
		theta := 3*(*fx-fp)/(*stp-*stx) + *dx + dp
		s := math.Max(math.Max(math.Abs(theta), math.Abs(*dx)), math.Abs(dp))
		gamma := s * math.Sqrt((theta/s)*(theta/s)-(*dx/s)*(dp/s))
		if *stp > *stx {
			gamma = -gamma
		}
		p := (gamma - dp) + theta
		q := ((gamma - dp) + gamma) + *dx
		r := p / q
		stpc := *stp + r*(*stx-*stp)
		stpq := *stp + (dp/(dp-*dx))*(*stx-*stp)
		if math.Abs(stpc-*stp) > math.Abs(stpq-*stp) {
			stpf = stpc
		} else {
			stpf = stpq
		}
		*brackt = true
	case math.Abs(dp) < math.Abs(*dx):
		theta := 3*(*fx-fp)/(*stp-*stx) + *dx + dp
		s := math.Max(math.Max(math.Abs(theta), math.Abs(*dx)), math.Abs(dp))
		gamma := s * math.Sqrt(math.Max(0, (theta/s)*(theta/s)-(*dx/s)*(dp/s)))
		if *stp > *stx {
			gamma = -gamma
		}
		p := (gamma - dp) + theta
		q := (gamma + (*dx - dp)) + gamma
		r := p / q
		var stpc float64
		switch {
		case r < 0 && gamma != 0:
			stpc = *stp + r*(*stx-*stp)
		case *stp > *stx:
			stpc = stpmax
		default:
			stpc = stpmin
		}
		stpq := *stp + (dp/(dp-*dx))*(*stx-*stp)
		if *brackt {
			if math.Abs(stpc-*stp) < math.Abs(stpq-*stp) {
				stpf = stpc
			} else {
				stpf = stpq
			}
			if *stp > *stx {
				stpf = math.Min(*stp+0.66*(*sty-*stp), stpf)
			} else {
				stpf = math.Max(*stp+0.66*(*sty-*stp), stpf)
			}
		} else {
			if math.Abs(stpc-*stp) > math.Abs(stpq-*stp) {
				stpf = stpc
			} else {
				stpf = stpq
			}
			stpf = math.Min(stpmax, stpf)
			stpf = math.Max(stpmin, stpf)
		}
	default:
		if *brackt {
			theta := 3*(fp-*fy)/(*sty-*stp) + *dy + dp
			s := math.Max(math.Max(math.Abs(theta), math.Abs(*dy)), math.Abs(dp))
			gamma := s * math.Sqrt((theta/s)*(theta/s)-(*dy/s)*(dp/s))
			if *stp > *sty {
				gamma = -gamma
			}
			p := (gamma - dp) + theta
			q := ((gamma - dp) + gamma) + *dy
			r := p / q
			stpf = *stp + r*(*sty-*stp)
		} else if *stp > *stx {
			stpf = stpmax
		} else {
			stpf = stpmin
		}
	}
	if fp > *fx {
		*sty, *fy, *dy = *stp, fp, dp
	} else {
		if sgnd < 0 {
			*sty, *fy, *dy = *stx, *fx, *dx
		}
		*stx, *fx, *dx = *stp, fp, dp
	}
	*stp = stpf
}
