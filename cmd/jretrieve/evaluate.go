package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/term"

	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
)

func init() {
	register(&command{name: "evaluate", summary: "evaluate and compare runs with ranx metrics", run: runEvaluate})
}

const evaluateSynopsis = `--qrels FILE [flags] RUN...

Evaluates each RUN (TREC run, ranx JSON or ranx .lz4; detected from the
content and extension) on the qrels with ranx's metrics and tie order, tests
every pair of runs for significance, and prints the comparison table. A
metric's range over all orders of tied scores is shown as [lo, hi] when ties
move it by more than --tie-threshold.

Example:
  jretrieve evaluate --qrels qrels.trec --metrics ndcg@10,mrr@10 runs/*.lz4`

func runEvaluate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("evaluate", evaluateSynopsis, stderr)
	qrelsPath := fs.String("qrels", "", "TREC qrels `file` (required)")
	metrics := fs.String("metrics", "ndcg@10,mrr@10,ndcg@100,mrr@100", "comma-separated ranx `metrics`: "+strings.Join(eval.MetricNames(), ", ")+", each with optional @k and -l<level> (rbp with its persistence: rbp.95)")
	ties := fs.String("ties", "ranx", "tie `policy`: ranx (numba quicksort, as published), trec (doc id descending) or stable (file order)")
	format := fs.String("format", "text", "output `format`: text, markdown, csv, json or latex")
	makeComparable := fs.Bool("make-comparable", false, "score qrels queries missing from a run 0 and drop run queries not in the qrels (default: error)")
	test := fs.String("test", "student", "significance `test`: student (paired t-test), fisher (randomization) or none")
	maxP := fs.Float64("max-p", 0.01, "significance level")
	bonferroni := fs.Bool("bonferroni", false, "Bonferroni-correct p-values for the number of run pairs")
	perms := fs.Int("permutations", 1000, "permutations of the Fisher randomization test")
	ci := fs.Bool("ci", false, "add bootstrap 95% confidence intervals")
	bootstrap := fs.Int("bootstrap", 1000, "bootstrap samples for --ci")
	seed := fs.Uint64("seed", 42, "seed of the randomization test and the bootstrap")
	tieThreshold := fs.Float64("tie-threshold", 0.0005, "show a tie range when it exceeds this (0: every non-empty range)")
	jobs := fs.Int("j", runtime.GOMAXPROCS(0), "runs decoded and evaluated in parallel")
	out := fs.String("o", "", "write the table to `file` instead of stdout")
	perQuery := fs.String("per-query", "", "also write per-query values (CSV: run,query,metric,value,tie_low,tie_high) to `file`")
	paths, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *qrelsPath == "" {
		fs.Usage()
		return fmt.Errorf("%w: --qrels is required", errUsage)
	}
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: no run files given", errUsage)
	}
	policy, err := eval.ParseTiePolicy(*ties)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if !evValidFormat(*format) {
		return fmt.Errorf("%w: unknown --format %q (want %s)", errUsage, *format, strings.Join(eval.ReportFormats(), ", "))
	}
	if *bootstrap <= 0 {
		return fmt.Errorf("%w: --bootstrap must be positive", errUsage)
	}
	if os.Getenv("GOGC") == "" {
		// Short-lived and allocation-heavy (decoded runs): trade a little
		// memory for about 20% less CPU spent in the garbage collector.
		debug.SetGCPercent(400)
	}
	qrels, err := eval.ReadTRECQrelsFile(*qrelsPath)
	if err != nil {
		return err
	}
	opt := eval.Options{Ties: policy, MakeComparable: *makeComparable}
	ev, err := eval.NewEvaluator(qrels, evSplitList(*metrics), opt)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	names := evRunNames(paths)
	prog := newEvProgress(stderr, "evaluate", len(paths))
	results := make([]*eval.Result, len(paths))
	err = evParallel(ctx, len(paths), *jobs, func(i int) error {
		run, err := eval.ReadRunFile(paths[i])
		if err != nil {
			return err
		}
		run.SetName(names[i])
		res, err := ev.Evaluate(run)
		if err != nil {
			return fmt.Errorf("%s: %w", paths[i], err)
		}
		results[i] = res
		prog.inc()
		return nil
	})
	prog.done()
	if err != nil {
		return err
	}
	copt := eval.CompareOptions{
		Options: opt, Test: *test, MaxP: *maxP, Permutations: *perms, Seed: *seed,
		Bonferroni: *bonferroni, Bootstrap: -1, TieThreshold: *tieThreshold, ShowCI: *ci, Workers: *jobs,
	}
	if *ci {
		copt.Bootstrap = *bootstrap
	}
	if *tieThreshold == 0 {
		copt.TieThreshold = -1
	}
	if *maxP <= 0 || *maxP > 1 {
		return fmt.Errorf("%w: --max-p must be in (0, 1]", errUsage)
	}
	rep, err := eval.CompareResults(ctx, results, copt)
	if err != nil {
		return err
	}
	if *perQuery != "" {
		if err := atomicfile.Write(*perQuery, rep.WritePerQuery); err != nil {
			return err
		}
	}
	if *out != "" {
		return atomicfile.Write(*out, func(w io.Writer) error { return rep.Write(w, *format) })
	}
	return rep.Write(stdout, *format)
}

func evValidFormat(f string) bool {
	for _, x := range eval.ReportFormats() {
		if strings.EqualFold(f, x) {
			return true
		}
	}
	return false
}

// evRunNames names runs after their files; when two base names collide the
// paths as given are used.
func evRunNames(paths []string) []string {
	names := make([]string, len(paths))
	count := map[string]int{}
	for i, p := range paths {
		names[i] = eval.RunNameFromPath(p)
		count[names[i]]++
	}
	for i, p := range paths {
		if count[names[i]] > 1 {
			names[i] = p
		}
	}
	return names
}

func evSplitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// evParallel runs f(0..n-1) on up to workers goroutines and returns
// the error of the lowest failing index.
func evParallel(ctx context.Context, n, workers int, f func(i int) error) error {
	if workers < 1 {
		workers = 1
	}
	errs := make([]error, n)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || failed.Load() {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[i] = err
					failed.Store(true)
					return
				}
				if err := f(i); err != nil {
					errs[i] = err
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// evProgress prints "name: i/n" on stderr when it is a terminal.
type evProgress struct {
	w     io.Writer
	name  string
	n     int
	done_ atomic.Int64
	on    bool
	mu    sync.Mutex
}

func newEvProgress(w io.Writer, name string, n int) *evProgress {
	p := &evProgress{w: w, name: name, n: n}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && n > 1 {
		p.on = true
	}
	return p
}

func (p *evProgress) inc() {
	d := p.done_.Add(1)
	if !p.on {
		return
	}
	p.mu.Lock()
	fmt.Fprintf(p.w, "\r%s: %d/%d", p.name, d, p.n)
	p.mu.Unlock()
}

func (p *evProgress) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
