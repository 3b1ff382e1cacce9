package eval

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mathext"
)

// Significance tests for Compare.
const (
	TestStudent = "student" // paired two-sided Student t-test (ranx default)
	TestFisher  = "fisher"  // Fisher's randomization test (paired, two-sided)
	TestNone    = "none"
)

// CompareOptions configures Compare. Zero values mean the defaults.
type CompareOptions struct {
	Options
	Test         string  // TestStudent (default), TestFisher or TestNone
	MaxP         float64 // significance level, default 0.01 (ranx)
	Permutations int     // Fisher permutations, default 1000
	Seed         uint64  // seed of the Fisher and bootstrap samplers, default 42
	Bonferroni   bool    // multiply p-values by the number of run pairs
	// Bootstrap is the number of bootstrap samples for the 95% confidence
	// intervals (default 1000; negative disables them).
	Bootstrap int
	// TieThreshold: reports show a metric's tie range when optimistic minus
	// pessimistic exceeds it (0 means the default 0.0005; a negative value
	// shows every non-empty range).
	TieThreshold float64
	// ShowCI adds confidence intervals to text, Markdown and LaTeX tables
	// (CSV and JSON always include them).
	ShowCI bool
	// Workers bounds the parallelism (default GOMAXPROCS).
	Workers int
}

func (o *CompareOptions) defaults() error {
	switch o.Test {
	case "", "t", "ttest", "t-test", TestStudent:
		o.Test = TestStudent
	case TestFisher, "randomization", "permutation":
		o.Test = TestFisher
	case TestNone:
	default:
		return fmt.Errorf("unknown significance test %q (want student, fisher or none)", o.Test)
	}
	if o.MaxP == 0 {
		o.MaxP = 0.01
	}
	if o.MaxP < 0 || o.MaxP > 1 {
		return fmt.Errorf("max p %v out of [0, 1]", o.MaxP)
	}
	if o.Permutations == 0 {
		o.Permutations = 1000
	}
	if o.Permutations < 0 {
		return fmt.Errorf("negative permutation count %d", o.Permutations)
	}
	if o.Seed == 0 {
		o.Seed = 42
	}
	if o.Bootstrap == 0 {
		o.Bootstrap = 1000
	}
	if o.TieThreshold == 0 {
		o.TieThreshold = 0.0005
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return nil
}

// Report is the comparison of several runs on the same qrels.
type Report struct {
	Metrics      []string
	Runs         []*RunReport
	Test         string
	MaxP         float64
	Bonferroni   bool
	Permutations int
	Bootstrap    int
	Ties         TiePolicy
	TieThreshold float64
	ShowCI       bool
}

// RunReport is one row of a Report.
type RunReport struct {
	Letter string  // "a", "b", ... as in ranx tables
	Result *Result // means, per-query values and tie bounds
	// CI holds the bootstrap 95% confidence interval of each metric's mean.
	CI map[string][2]float64
	// PValues[m][j] is the (corrected) p-value of the test against run j
	// (NaN against itself or when undefined).
	PValues map[string][]float64
	// Wins[m] lists the indices of the runs this run beats significantly on m
	// (higher mean and p < MaxP).
	Wins map[string][]int
}

// Name returns the run's name.
func (rr *RunReport) Name() string { return rr.Result.Run }

// Compare evaluates runs on q and compares every pair with a paired
// significance test. Runs are evaluated in parallel.
func Compare(q *Qrels, runs []*Run, metrics []string, opt CompareOptions) (*Report, error) {
	return CompareContext(context.Background(), q, runs, metrics, opt)
}

// CompareContext is Compare with cancellation.
func CompareContext(ctx context.Context, q *Qrels, runs []*Run, metrics []string, opt CompareOptions) (*Report, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, fmt.Errorf("no runs to compare")
	}
	ms, err := ParseMetrics(metrics)
	if err != nil {
		return nil, err
	}
	jc := newJudgmentCache(q)
	results := make([]*Result, len(runs))
	err = parallel(ctx, len(runs), opt.Workers, func(i int) error {
		r, err := evaluateParsed(q, jc, runs[i], ms, opt.Options)
		results[i] = r
		return err
	})
	if err != nil {
		return nil, err
	}
	return CompareResults(ctx, results, opt)
}

// CompareResults builds a Report from results that were evaluated on the same
// qrels with the same metrics (e.g. by Evaluate in parallel).
func CompareResults(ctx context.Context, results []*Result, opt CompareOptions) (*Report, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("no results to compare")
	}
	metrics := results[0].Metrics
	for _, r := range results[1:] {
		if !slices.Equal(r.Metrics, metrics) || len(r.Queries) != len(results[0].Queries) {
			return nil, fmt.Errorf("results of %q and %q were not evaluated alike", results[0].Run, r.Run)
		}
	}
	seen := map[string]bool{}
	for _, r := range results {
		if seen[r.Run] {
			return nil, fmt.Errorf("two runs are named %q", r.Run)
		}
		seen[r.Run] = true
	}
	rep := &Report{
		Metrics: metrics, Test: opt.Test, MaxP: opt.MaxP, Bonferroni: opt.Bonferroni,
		Permutations: opt.Permutations, Bootstrap: opt.Bootstrap, Ties: results[0].Ties,
		TieThreshold: opt.TieThreshold, ShowCI: opt.ShowCI,
	}
	n := len(results)
	for i, r := range results {
		rep.Runs = append(rep.Runs, &RunReport{
			Letter: letter(i), Result: r, CI: map[string][2]float64{},
			PValues: map[string][]float64{}, Wins: map[string][]int{},
		})
	}
	// Bootstrap: the same resampled query sets for every run (paired).
	if opt.Bootstrap > 0 {
		nq := len(results[0].Queries)
		samples := bootstrapSamples(nq, opt.Bootstrap, opt.Seed)
		err := parallel(ctx, n, opt.Workers, func(i int) error {
			for _, m := range metrics {
				rep.Runs[i].CI[m] = bootstrapCI(results[i].PerQuery[m], samples)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	pairs := n * (n - 1) / 2
	type job struct{ i, j int }
	var jobs []job
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			jobs = append(jobs, job{i, j})
		}
	}
	pv := make([]map[string]float64, len(jobs))
	if opt.Test != TestNone {
		err := parallel(ctx, len(jobs), opt.Workers, func(k int) error {
			jb := jobs[k]
			pv[k] = map[string]float64{}
			for mi, m := range metrics {
				a, b := results[jb.i].PerQuery[m], results[jb.j].PerQuery[m]
				var p float64
				if opt.Test == TestFisher {
					seed := opt.Seed + uint64(k)*1000003 + uint64(mi)
					p = fisherRandomization(a, b, opt.Permutations, seed)
				} else {
					p = pairedTTest(a, b)
				}
				if opt.Bonferroni && !math.IsNaN(p) {
					p = math.Min(1, p*float64(pairs))
				}
				pv[k][m] = p
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, rr := range rep.Runs {
		for _, m := range metrics {
			rr.PValues[m] = make([]float64, n)
			for j := range rr.PValues[m] {
				rr.PValues[m][j] = math.NaN()
			}
		}
	}
	for k, jb := range jobs {
		if pv[k] == nil {
			continue
		}
		for _, m := range metrics {
			p := pv[k][m]
			rep.Runs[jb.i].PValues[m][jb.j] = p
			rep.Runs[jb.j].PValues[m][jb.i] = p
			if math.IsNaN(p) || p >= opt.MaxP {
				continue
			}
			mi, mj := results[jb.i].Mean[m], results[jb.j].Mean[m]
			switch {
			case mi > mj:
				rep.Runs[jb.i].Wins[m] = append(rep.Runs[jb.i].Wins[m], jb.j)
			case mj > mi:
				rep.Runs[jb.j].Wins[m] = append(rep.Runs[jb.j].Wins[m], jb.i)
			}
		}
	}
	for _, rr := range rep.Runs {
		for _, m := range metrics {
			slices.Sort(rr.Wins[m])
		}
	}
	return rep, nil
}

// letter returns ranx's run label: a..z, then aa, ab, ...
func letter(i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		i = i/26 - 1
		if i < 0 {
			return s
		}
	}
}

func parallel(ctx context.Context, n, workers int, f func(i int) error) error {
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := f(i); err != nil {
				return err
			}
		}
		return nil
	}
	var (
		mu    sync.Mutex
		next  int
		first error
		wg    sync.WaitGroup
	)
	errs := make([]error, n)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				stop := first != nil
				mu.Unlock()
				if i >= n || stop {
					return
				}
				if err := ctx.Err(); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				if err := f(i); err != nil {
					errs[i] = err
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	// report the error of the lowest index, deterministically
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return first
}

// pairedTTest returns the two-sided p-value of the paired Student t-test
// (scipy.stats.ttest_rel). NaN when undefined (n < 2 or all differences 0).
func pairedTTest(a, b []float64) float64 {
	n := len(a)
	if n < 2 {
		return math.NaN()
	}
	d := make([]float64, n)
	for i := range a {
		d[i] = a[i] - b[i]
	}
	m := mean(d)
	sq := make([]float64, n)
	for i, x := range d {
		sq[i] = (x - m) * (x - m)
	}
	// numpy: var = mean(|d - m|^2) * n/(n-1), sums pairwise
	v := pairwiseSum(sq) / float64(n) * (float64(n) / float64(n-1))
	if v == 0 {
		if m == 0 {
			return math.NaN()
		}
		return 0
	}
	t := m / math.Sqrt(v/float64(n))
	return studentTwoSided(t, float64(n-1))
}

// studentTwoSided is 2·P(T > |t|) for Student's t with df degrees of
// freedom, the regularized incomplete beta I_x(df/2, 1/2), x = df/(df+t²).
// Near x = 1 (small |t|, p near 1) it is computed as 1 - I_{1-x}(1/2, df/2)
// with 1-x = t²/(df+t²) formed directly: the direct form loses ~1e-12 there,
// where scipy's stdtr does not.
func studentTwoSided(t, df float64) float64 {
	t2 := t * t
	if t2 < df {
		return math.Min(1, 1-mathext.RegIncBeta(0.5, df/2, t2/(df+t2)))
	}
	return math.Min(1, mathext.RegIncBeta(df/2, 0.5, df/(df+t2)))
}

// fisherRandomization returns the two-sided p-value of the paired
// randomization test: the share of random sign flips of the per-query
// differences whose mean is at least as extreme as the observed one, as
// (count+1)/(permutations+1).
func fisherRandomization(a, b []float64, perms int, seed uint64) float64 {
	n := len(a)
	if n == 0 {
		return math.NaN()
	}
	d := make([]float64, n)
	sum := 0.0
	for i := range a {
		d[i] = a[i] - b[i]
		sum += d[i]
	}
	obs := math.Abs(sum)
	if obs == 0 {
		return 1
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	count := 0
	for p := 0; p < perms; p++ {
		s := 0.0
		var bits uint64
		for i, x := range d {
			if i%64 == 0 {
				bits = rng.Uint64()
			}
			if bits&1 == 1 {
				s -= x
			} else {
				s += x
			}
			bits >>= 1
		}
		if math.Abs(s) >= obs*(1-1e-12) {
			count++
		}
	}
	return float64(count+1) / float64(perms+1)
}

func bootstrapSamples(nq, b int, seed uint64) [][]int32 {
	rng := rand.New(rand.NewPCG(seed, 0x6a09e667f3bcc909))
	out := make([][]int32, b)
	for s := range out {
		idx := make([]int32, nq)
		for i := range idx {
			idx[i] = int32(rng.IntN(nq))
		}
		out[s] = idx
	}
	return out
}

// bootstrapCI returns the 2.5 and 97.5 percentiles of the mean over the
// bootstrap samples (linear interpolation, as numpy.percentile).
func bootstrapCI(v []float64, samples [][]int32) [2]float64 {
	if len(v) == 0 {
		return [2]float64{}
	}
	means := make([]float64, len(samples))
	for s, idx := range samples {
		sum := 0.0
		for _, i := range idx {
			sum += v[i]
		}
		means[s] = sum / float64(len(idx))
	}
	slices.Sort(means)
	return [2]float64{percentile(means, 2.5), percentile(means, 97.5)}
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[hi]-sorted[lo])
}

// superscript maps a..z to Unicode modifier letters (ranx uses these; there
// is no superscript q, so ranx-style tables use "q").
var superscripts = map[rune]string{
	'a': "ᵃ", 'b': "ᵇ", 'c': "ᶜ", 'd': "ᵈ", 'e': "ᵉ", 'f': "ᶠ", 'g': "ᵍ", 'h': "ʰ", 'i': "ⁱ",
	'j': "ʲ", 'k': "ᵏ", 'l': "ˡ", 'm': "ᵐ", 'n': "ⁿ", 'o': "ᵒ", 'p': "ᵖ", 'q': "q", 'r': "ʳ",
	's': "ˢ", 't': "ᵗ", 'u': "ᵘ", 'v': "ᵛ", 'w': "ʷ", 'x': "ˣ", 'y': "ʸ", 'z': "ᶻ",
}

func toSuperscript(s string) string {
	var b strings.Builder
	for _, r := range s {
		if sup, ok := superscripts[r]; ok {
			b.WriteString(sup)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
