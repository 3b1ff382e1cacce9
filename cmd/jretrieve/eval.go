package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/jretrieve/jretrieve/catalog"
	"github.com/jretrieve/jretrieve/datasets"
	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/hub"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
	"github.com/jretrieve/jretrieve/onnx/convert"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
	"github.com/jretrieve/jretrieve/pipeline"
)

func init() {
	register(&command{name: "eval", summary: "run models on a dataset and compare them (the main job)", run: runEval})
	defaultCommand = "eval"
}

const evalSynopsis = `[--dataset D] [--model M]... [flags]

Runs every model on the dataset, writes one run per model, evaluates all of
them together with ranx's metrics and prints the comparison table with
significance letters and tie ranges. Runs (ranx .lz4 and TREC), a JSON and a
Markdown report and plots are written to --out.

Datasets: sample (embedded, offline; default), jqara (hotchpotch/JQaRA test
split, 1,667 x 100), jqara-dev, jacwir (JaCWIR rerank, 5,000 x 100),
jacwir-retrieval (JaCWIR over its ~500,000-document collection), a local file
in JQaRA's schema (.parquet or .jsonl), a BEIR-style directory
(queries.jsonl, corpus.jsonl, qrels/test.tsv), a local JaCWIR directory, or
retrieval:SPEC (a rerank dataset searched as a collection of its passages).

Models (--model, repeatable):
  bm25                 JQaRA's baseline: rank_bm25 BM25Okapi per question over
                       its candidates, unidic-lite words (fugashi -Owakati)
  bm25-ipa             the same over IPADIC words
  bm25-index           BM25 inverted index over a collection (retrieval datasets)
  DIR                  a model directory (embedder or cross-encoder): an ONNX
                       export, or a checkpoint converted to ONNX on first use
  NAME                 a catalog model (jretrieve models) or Hub repository id,
                       e.g. cl-nagoya/ruri-v3-30m (downloaded, then converted)
  rrf(A,B,...)         fusion (also combsum, combmnz)
  A>B@N                rerank the top N of A with B

Examples:
  jretrieve eval
  jretrieve eval --dataset jqara --model bm25 --model ruri-v3-30m --model 'rrf(bm25,ruri-v3-30m)'`

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", evalSynopsis, stderr)
	dataset := fs.String("dataset", "sample", "`dataset`: sample, jqara, jqara-dev, jacwir, jacwir-retrieval, a file or a BEIR directory")
	var models multiFlag
	fs.Var(&models, "model", "model `expression` (repeatable; default: bm25 and bm25-ipa)")
	metrics := fs.String("metrics", "", "comma-separated ranx `metrics` (default: the dataset's published ones)")
	out := fs.String("out", "", "output `dir` for runs, reports and plots (default jretrieve-out/<dataset>)")
	cacheDir := fs.String("cache", defaultCacheDir("embeddings"), "embedding cache `dir` (empty: no cache)")
	limit := fs.Int("limit", 0, "evaluate only the first `N` queries (sorted by id, like the JQaRA evaluator's debug mode)")
	threads := fs.Int("threads", 1, "ONNX Runtime intra-op threads per model")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "queries scored concurrently by rerankers")
	batch := fs.Int("batch-size", 32, "sequences per model call")
	maxLen := fs.Int("max-length", 512, "token limit of the models (JQaRA's evaluator uses 512; 0: the model's own)")
	depth := fs.Int("depth", 100, "documents a first stage retrieves from a collection")
	backend := fs.String("backend", "auto", backendHelp)
	ortLib := fs.String("ort-lib", "", "`path` of libonnxruntime.so (default: $JRETRIEVE_ORT_LIB, then the cache filled by scripts/install-onnxruntime.sh)")
	form := addFormFlags(fs)
	format := fs.String("format", "text", "table `format` on stdout: text, markdown, csv, json or latex")
	ties := fs.String("ties", "ranx", "tie `policy`: ranx, trec or stable")
	test := fs.String("test", "student", "significance `test`: student, fisher or none")
	makeComparable := fs.Bool("make-comparable", false, "drop queries without any relevant document instead of failing (ranx's make_comparable)")
	force := fs.Bool("force", false, "recompute runs even when --out has them")
	noPlots := fs.Bool("no-plots", false, "do not write plots")
	quiet := fs.Bool("q", false, "no progress output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected arguments %q (models go after --model)", errUsage, fs.Args())
	}
	if err := checkBackend(*backend); err != nil {
		return err
	}
	copts, err := form.options(false)
	if err != nil {
		return err
	}
	if *limit < 0 {
		return fmt.Errorf("%w: --limit %d (want 0 for all queries, or N > 0)", errUsage, *limit)
	}
	if len(models) == 0 {
		models = multiFlag{"bm25", "bm25-ipa"}
	}
	var specs []*pipeline.Spec
	for _, m := range models {
		s, err := pipeline.ParseSpec(m)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		specs = append(specs, s)
	}
	policy, err := eval.ParseTiePolicy(*ties)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if !evValidFormat(*format) {
		return fmt.Errorf("%w: unknown --format %q (want %s)", errUsage, *format, strings.Join(eval.ReportFormats(), ", "))
	}

	var prog pipeline.Progress = lineProgress{w: stderr}
	if *quiet {
		prog = nil
	} else if isTerminal(stderr) {
		prog = barProgress{w: stderr}
	}
	hopt := hub.FromEnv()
	if prog != nil && isTerminal(stderr) {
		bars := &downloadBars{w: stderr}
		hopt.Progress = bars.report
	}
	client := hub.New(hopt)

	task, defMetrics, err := openDataset(ctx, *dataset, client)
	if err != nil {
		return err
	}
	if *limit > 0 {
		if task.Rerank != nil {
			task.Rerank = task.Rerank.Limit(*limit)
		} else {
			task.Retrieval = task.Retrieval.Limit(*limit)
		}
	}
	ms := evSplitList(*metrics)
	if len(ms) == 0 {
		ms = defMetrics
	}
	if *out == "" {
		*out = filepath.Join("jretrieve-out", task.Name())
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	be := chooseBackend(*backend, *ortLib, needsEncoder(specs), stderr, "eval")
	if err := checkBackendFor(copts, be); err != nil && needsEncoder(specs) {
		return err
	}
	base := pipeline.DefaultOpener(pipeline.ModelOptions{
		Threads: *threads, BatchSize: *batch, MaxLength: *maxLen, Backend: be, Library: *ortLib,
		Resolve: catalogResolverWith(client, copts), ResolveDirs: copts.RequiresORT(),
	})
	// say which prompt each embedder's roles use (models may open concurrently)
	var logMu sync.Mutex
	opener := pipeline.OpenerFunc(func(ctx context.Context, name string) (*pipeline.Model, error) {
		m, err := base.Open(ctx, name)
		if err == nil && m.Prompts != "" && !*quiet {
			logMu.Lock()
			fmt.Fprintf(stderr, "jretrieve eval: %s: %s\n", name, m.Prompts)
			logMu.Unlock()
		}
		return m, err
	})
	settings := fmt.Sprintf("max-length=%d", *maxLen)
	if copts.RequiresORT() {
		settings += fmt.Sprintf(" graph=%s quantize=%s", copts.Graph, copts.Quantize)
	}
	start := time.Now()
	infos, err := pipeline.Execute(ctx, task, specs, pipeline.Options{
		Opener: opener, CacheDir: *cacheDir, RunDir: filepath.Join(*out, "runs"), Force: *force,
		Workers: *workers, Depth: *depth, Progress: prog, Settings: settings,
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted; finished runs and embeddings are cached in %s and %s: %w", *out, *cacheDir, err)
		}
		return err
	}
	runs := make([]*eval.Run, len(infos))
	throughput := map[string]float64{}
	for i, ri := range infos {
		if sfx := formSuffix(copts); sfx != "" && exprNeedsEncoder(ri.Name) {
			ri.Name += sfx
			ri.Run.SetName(ri.Name)
		}
		runs[i] = ri.Run
		throughput[ri.Name] = ri.DocsPerSecond()
		if err := eval.WriteRunFileFormat(filepath.Join(*out, "runs", pipeline.RunFileName(ri.Name)+".trec"), ri.Run, eval.FormatTREC); err != nil {
			return err
		}
	}
	copt := eval.CompareOptions{Options: eval.Options{Ties: policy, MakeComparable: *makeComparable}, Test: *test}
	rep, err := eval.CompareContext(ctx, task.Qrels(), runs, ms, copt)
	if err != nil {
		return err
	}
	if err := rep.Write(stdout, *format); err != nil {
		return err
	}
	for _, f := range []struct{ name, format string }{{"report.json", "json"}, {"report.md", "markdown"}, {"report.txt", "text"}} {
		if err := writeReport(filepath.Join(*out, f.name), rep, f.format); err != nil {
			return err
		}
	}
	if err := writeTimings(filepath.Join(*out, "timings.tsv"), infos); err != nil {
		return err
	}
	if !*noPlots {
		if _, err := pipeline.WritePlots(filepath.Join(*out, "plots"), rep, throughput); err != nil {
			return err
		}
	}
	if names := unknownThroughput(infos); len(names) > 0 && !*quiet {
		fmt.Fprintf(stderr, "jretrieve eval: note: no uncached model work was timed for %s (embeddings from the cache %s, or a run cached by an older version): throughput unknown, left out of the throughput plot; --force --cache '' times it\n",
			strings.Join(names, ", "), *cacheDir)
	}
	if !*quiet {
		fmt.Fprintf(stderr, "%d queries, %d runs in %.1fs; runs, reports and plots in %s\n",
			len(task.Queries()), len(infos), time.Since(start).Seconds(), *out)
	}
	return nil
}

// exprNeedsEncoder reports whether model expression expr names a neural
// model.
func exprNeedsEncoder(expr string) bool {
	s, err := pipeline.ParseSpec(expr)
	return err == nil && needsEncoder([]*pipeline.Spec{s})
}

// needsEncoder reports whether an expression names a neural model.
func needsEncoder(specs []*pipeline.Spec) bool {
	for _, s := range specs {
		for _, n := range s.Names() {
			switch n {
			case "bm25", "bm25-ipa", "bm25-index":
			default:
				return true
			}
		}
	}
	return false
}

// openDataset resolves --dataset (see datasets.Open) and returns the task
// and its default metrics: the published ones of JQaRA (nDCG@10, MRR@10
// and @100) and JaCWIR (MAP@10, HIT_RATE@10), retrieval metrics for
// collections.
func openDataset(ctx context.Context, name string, client *hub.Client) (pipeline.Task, []string, error) {
	d, r, err := datasets.Open(ctx, name, datasets.HubFetcher(client))
	if err != nil {
		if _, serr := os.Stat(name); serr != nil && !strings.Contains(name, ":") && !knownDataset(name) {
			return pipeline.Task{}, nil, fmt.Errorf("%w: --dataset %q is not sample, jqara, jqara-dev, jacwir, jacwir-retrieval or an existing path", errUsage, name)
		}
		return pipeline.Task{}, nil, err
	}
	switch {
	case r != nil:
		return pipeline.Task{Retrieval: r}, []string{"ndcg@10", "mrr@10", "recall@100", "hit_rate@10"}, nil
	case strings.HasPrefix(name, "jacwir"):
		return pipeline.Task{Rerank: d}, []string{"map@10", "hit_rate@10", "ndcg@10", "mrr@10"}, nil
	default:
		return pipeline.Task{Rerank: d}, []string{"ndcg@10", "mrr@10", "ndcg@100", "mrr@100"}, nil
	}
}

func knownDataset(name string) bool {
	switch name {
	case "sample", "jqara", "jqara-test", "jqara-dev", "jqara-unused", "jacwir", "jacwir-retrieval":
		return true
	}
	return false
}

// catalogResolver turns model names into local ONNX model directories: an
// export under $JRETRIEVE_MODELS/<name> first, then modeldir.Resolve (the
// catalog's ONNX repository or conversion through the hub; models that need
// an export fail with the exact command).
func catalogResolver(client *hub.Client) func(ctx context.Context, name string) (string, error) {
	return catalogResolverWith(client, convert.Options{})
}

// catalogResolverWith is catalogResolver converting checkpoints with opts
// (a non-default graph form or quantization skips $JRETRIEVE_MODELS, whose
// exports are plain graphs).
func catalogResolverWith(client *hub.Client, opts convert.Options) func(ctx context.Context, name string) (string, error) {
	return func(ctx context.Context, name string) (string, error) {
		if root := os.Getenv("JRETRIEVE_MODELS"); root != "" && !opts.RequiresORT() {
			cands := []string{path.Base(name), strings.ReplaceAll(name, "/", "__")}
			if m, ok := catalog.Lookup(name); ok {
				cands = append(cands, path.Base(m.ID), strings.ReplaceAll(m.ID, "/", "__"))
			}
			for _, c := range cands {
				dir := filepath.Join(root, c)
				if st, err := os.Stat(dir); err == nil && st.IsDir() {
					return dir, nil
				}
			}
		}
		src, err := modeldir.ResolveWith(ctx, name, client, opts)
		if err != nil {
			if errors.Is(err, modeldir.ErrNeedsExport) {
				return "", fmt.Errorf("%w\n(or put the exported directory in $JRETRIEVE_MODELS/%s)", err, path.Base(name))
			}
			return "", err
		}
		return src.Dir, nil
	}
}

func defaultCacheDir(sub string) string {
	if d := os.Getenv("JRETRIEVE_CACHE"); d != "" {
		return filepath.Join(d, sub)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "jretrieve", sub)
}

func writeReport(path string, rep *eval.Report, format string) error {
	var b strings.Builder
	if err := rep.Write(&b, format); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, []byte(b.String()))
}

// writeTimings writes timings.tsv: per run the pairs it ranks, the
// measured seconds, the throughput on uncached model work (empty when no
// uncached work was timed: all embeddings came from the cache), whether the
// run came from the run cache (its timings are then those of the run that
// wrote it), the texts its embedders needed, the fraction of them taken
// from the embedding cache, and the padding waste: the fraction of the
// batch cells its neural encoders were sent that were padding (empty when
// no encoder ran).
func writeTimings(path string, infos []*pipeline.RunInfo) error {
	var b strings.Builder
	b.WriteString("run\tpairs\tseconds\tdocs_per_second\trun_cached\tembedded_texts\tembedding_cache_fraction\tpadding_waste\n")
	for _, ri := range infos {
		rate := ""
		if r := ri.DocsPerSecond(); r > 0 {
			rate = fmt.Sprintf("%.1f", r)
		}
		waste := ""
		if w := ri.PaddingWaste(); w >= 0 {
			waste = fmt.Sprintf("%.3f", w)
		}
		fmt.Fprintf(&b, "%s\t%d\t%.3f\t%s\t%v\t%d\t%.3f\t%s\n", ri.Name, ri.Docs, ri.Seconds, rate, ri.Cached, ri.Texts, ri.EmbedCachedFraction(), waste)
	}
	return atomicfile.WriteFile(path, []byte(b.String()))
}

// unknownThroughput lists the runs whose throughput is unknown (and so
// missing from the quality-versus-throughput plot).
func unknownThroughput(infos []*pipeline.RunInfo) []string {
	var out []string
	for _, ri := range infos {
		if ri.DocsPerSecond() <= 0 {
			out = append(out, ri.Name)
		}
	}
	return out
}

// barProgress draws progress bars with rate and ETA on a terminal.
type barProgress struct{ w io.Writer }

func (p barProgress) Start(label string, total int) pipeline.Bar {
	b := progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionFullWidth(),
		progressbar.OptionClearOnFinish(),
	)
	return &bar{b: b}
}

type bar struct{ b *progressbar.ProgressBar }

func (b *bar) Set(n int) { b.b.Set(n) }
func (b *bar) Done()     { b.b.Finish() }

// lineProgress prints one line per finished step (stderr is not a terminal).
type lineProgress struct{ w io.Writer }

func (p lineProgress) Start(label string, total int) pipeline.Bar {
	return &lineBar{w: p.w, label: label, start: time.Now()}
}

type lineBar struct {
	w      io.Writer
	label  string
	start  time.Time
	n      int
	cached int
}

func (b *lineBar) Set(n int) { b.n = n }

// Cached records that n of the units came from a cache: they are reported
// as such and left out of the rate, which is work per second.
func (b *lineBar) Cached(n int) { b.cached = n }

func (b *lineBar) Done() {
	secs := time.Since(b.start).Seconds()
	rate, from := "", ""
	if work := b.n - b.cached; secs > 0 && work > 0 {
		rate = fmt.Sprintf(", %.0f/s", float64(work)/secs)
	}
	if b.cached > 0 {
		from = fmt.Sprintf(" (%d from the cache)", b.cached)
	}
	fmt.Fprintf(b.w, "%s: %d in %.1fs%s%s\n", b.label, b.n, secs, from, rate)
}
