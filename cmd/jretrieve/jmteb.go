package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/jretrieve/jretrieve/hub"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
	"github.com/jretrieve/jretrieve/jmteb"
	"github.com/jretrieve/jretrieve/pipeline"
	"github.com/jretrieve/jretrieve/vecsim"
)

func init() {
	register(&command{name: "jmteb", summary: "run the JMTEB benchmark (Japanese embedding tasks) on embedders", run: runJMTEB})
}

const jmtebSynopsis = `--model M [--model M2]... [--tasks LIST | --task-set v1|v2] [--published DIR] [flags]

Runs the JMTEB tasks (github.com/sbintuitions/JMTEB) with JMTEB's protocols
on each embedder: retrieval and reranking (nDCG@10), STS (Spearman),
classification (macro-F1 of k-NN or logistic regression, chosen on the
validation split), clustering (V-measure of the best of four algorithms)
and pair classification (binary F1). Datasets are read from the parquet
export of the Hub dataset sbintuitions/JMTEB (files
<config>/<split>/*.parquet at refs/convert/parquet; --dataset-repo and
--revision choose another) into the Hugging Face cache, or from a local
directory in that layout (--data); embeddings go through the same cache as
jretrieve eval.

Writes <out>/<model>/summary.json in JMTEB's exact format (it drops into
JMTEB's docs/results and make_leaderboard.py) and
<out>/<model>/<Category>/scores_<task>.json, and prints each task's score,
the leaderboard's per-category and overall averages and, with --published,
the published scores of the same model (a summary.json, or a directory of
<org>/<model>/summary.json such as JMTEB's docs/results).

Task sets: v1 (16 tasks, the published leaderboard; default), v2 (28 tasks).
Tasks: ` + "%s" + `

Examples:
  jretrieve jmteb --model cl-nagoya/ruri-small --published path/to/JMTEB/docs/results
  jretrieve jmteb --model cl-nagoya/ruri-v3-30m --task-set v2 --tasks jsts,jsick`

func runJMTEB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("jmteb", fmt.Sprintf(jmtebSynopsis, strings.Join(jmteb.TaskNames(), ", ")), stderr)
	var models multiFlag
	fs.Var(&models, "model", "embedder: a model `directory` (ONNX, or a checkpoint converted on first use), catalog name or Hub id (repeatable)")
	tasks := fs.String("tasks", "", "comma-separated task `names` (default: the --task-set)")
	set := fs.String("task-set", "v1", "task `set` and protocol: v1 (16 tasks) or v2 (28 tasks, JMTEB 1.4)")
	published := fs.String("published", "", "published results: a summary.json or a `dir` of <org>/<model>/summary.json")
	out := fs.String("out", "jretrieve-out/jmteb", "output `dir`")
	cacheDir := fs.String("cache", defaultCacheDir("embeddings"), "embedding cache `dir` (empty: no cache)")
	threads := fs.Int("threads", 1, "ONNX Runtime intra-op threads per model")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "concurrent embedding batches")
	batch := fs.Int("batch-size", 32, "sequences per model call")
	maxLen := fs.Int("max-length", 512, "token limit (0: the model's own)")
	backend := fs.String("backend", "auto", backendHelp)
	ortLib := fs.String("ort-lib", "", "`path` of libonnxruntime.so")
	repo := fs.String("dataset-repo", jmteb.HubRepo, "Hub dataset `repo` holding the tasks' parquet files")
	revision := fs.String("revision", jmteb.HubRevision, "`revision` of --dataset-repo")
	dataDir := fs.String("data", "", "read the tasks from a local `dir` (<config>/<split>/*.parquet or *.jsonl) instead of the Hub")
	seed := fs.Uint64("seed", 0, "`seed` of the k-means clusterings (JMTEB leaves them unseeded)")
	quiet := fs.Bool("q", false, "no progress output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	if len(models) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: --model is required", errUsage)
	}
	if err := checkBackend(*backend); err != nil {
		return err
	}
	ts, err := jmteb.SelectTasks(*set, *tasks)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	// --task-set also selects the protocol of --tasks (v2: JMTEB 1.4's)
	version := *set
	hopt := hub.FromEnv()
	if !*quiet && isTerminal(stderr) {
		bars := &downloadBars{w: stderr}
		hopt.Progress = bars.report
	}
	client := hub.New(hopt)
	var src jmteb.Source = &jmteb.HubSource{Client: client, Repo: *repo, Revision: *revision}
	if *dataDir != "" {
		src = jmteb.DirSource(*dataDir)
	}
	be := chooseBackend(*backend, *ortLib, true, stderr, "jmteb")
	opener := pipeline.DefaultOpener(pipeline.ModelOptions{
		Threads: *threads, BatchSize: *batch, MaxLength: *maxLen, Backend: be, Library: *ortLib,
		Resolve: catalogResolver(client),
	})
	var sums []*jmteb.Summary
	for _, name := range models {
		m, err := opener.Open(ctx, name)
		if err != nil {
			return err
		}
		if m.Embedder == nil {
			if m.Close != nil {
				m.Close()
			}
			return fmt.Errorf("%w: %s is not an embedder (JMTEB evaluates bi-encoders)", errUsage, name)
		}
		enc := &cachedEncoder{m: m, cacheDir: *cacheDir, workers: *workers}
		dir := filepath.Join(*out, modelDirName(name))
		s := &jmteb.Summary{}
		for _, t := range ts {
			if !*quiet {
				fmt.Fprintf(stderr, "jretrieve jmteb: %s: %s (%s)\n", name, t.Name, t.Category())
			}
			r, err := jmteb.Run(ctx, t, src, enc, jmteb.RunOptions{Version: version, Seed: *seed})
			if err != nil {
				if m.Close != nil {
					m.Close()
				}
				if errors.Is(err, context.Canceled) {
					return fmt.Errorf("interrupted; embeddings are cached in %s: %w", *cacheDir, err)
				}
				return fmt.Errorf("model %s: %w", name, err)
			}
			s.Add(t.Category(), t.Name, r)
			b, err := r.MarshalJSON()
			if err != nil {
				return fmt.Errorf("%s: %w", t.Name, err)
			}
			p := filepath.Join(dir, t.Category(), "scores_"+t.Name+".json")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := atomicfile.WriteFile(p, b); err != nil {
				return err
			}
			// the summary so far, so an interrupted run keeps its tasks
			if err := s.WriteFile(filepath.Join(dir, "summary.json")); err != nil {
				return err
			}
		}
		if m.Close != nil {
			m.Close()
		}
		sums = append(sums, s)
	}
	var pubs []*jmteb.Summary
	if *published != "" {
		for _, name := range models {
			p, err := findPublished(*published, name)
			if err != nil {
				return err
			}
			if p == "" {
				fmt.Fprintf(stderr, "jretrieve jmteb: no published summary for %s under %s\n", name, *published)
				pubs = append(pubs, nil)
				continue
			}
			s, err := jmteb.ReadSummaryFile(p)
			if err != nil {
				return err
			}
			pubs = append(pubs, s)
		}
	}
	return writeJMTEBTable(stdout, models, ts, sums, pubs)
}

// cachedEncoder embeds through the embedding cache with the same keys as
// jretrieve eval, so texts embedded there are not embedded again.
type cachedEncoder struct {
	m        *pipeline.Model
	cacheDir string
	workers  int
}

func (e *cachedEncoder) Encode(ctx context.Context, texts []string, role string) (vecsim.Matrix, error) {
	fn, prefix := e.m.Embedder.EmbedDocuments, e.m.DocumentPrefix
	if role == "query" {
		fn, prefix = e.m.Embedder.EmbedQueries, e.m.QueryPrefix
	}
	dim := e.m.Embedder.Dim()
	var c *pipeline.EmbeddingCache
	if e.cacheDir != "" {
		var err error
		c, err = pipeline.OpenEmbeddingCache(e.cacheDir, pipeline.CacheKey{Model: e.m.Identity, Role: role, Prefix: prefix,
			MaxLength: e.m.MaxLength, Dim: dim})
		if err != nil {
			return vecsim.Matrix{}, err
		}
		defer c.Close()
	}
	v, err := pipeline.EmbedCached(ctx, c, dim, fn, texts, 256, e.workers, nil)
	if err != nil {
		return vecsim.Matrix{}, err
	}
	return vecsim.Matrix{Rows: len(texts), Dim: dim, Data: v}, nil
}

// modelDirName names a model's output directory: the last element of a
// path, or org/name for a catalog name.
func modelDirName(name string) string {
	if st, err := os.Stat(name); err == nil && st.IsDir() {
		return filepath.Base(filepath.Clean(name))
	}
	return strings.NewReplacer("/", "_", "\\", "_").Replace(name)
}

// findPublished returns the published summary.json for a model: path
// itself when it is a file, else <path>/<org>/<model>/summary.json where
// org/model equals the model name or model equals its directory's base
// name (without an "-onnx" suffix).
func findPublished(path, model string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("--published: %w", err)
	}
	if !st.IsDir() {
		return path, nil
	}
	if p := filepath.Join(path, filepath.FromSlash(model), "summary.json"); fileExists(p) {
		return p, nil
	}
	base := strings.TrimSuffix(filepath.Base(filepath.Clean(model)), "-onnx")
	matches, _ := filepath.Glob(filepath.Join(path, "*", base, "summary.json"))
	if len(matches) > 0 {
		return matches[0], nil
	}
	return "", nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// writeJMTEBTable prints per task the score of each model (x100, as the
// leaderboard shows them) and the published one, then the averages.
func writeJMTEBTable(w io.Writer, models []string, ts []jmteb.Task, sums, pubs []*jmteb.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	hdr := []string{"Category", "Task", "Metric"}
	for i, m := range models {
		hdr = append(hdr, modelDirName(m))
		if len(pubs) > i && pubs[i] != nil {
			hdr = append(hdr, "published", "diff")
		}
	}
	fmt.Fprintln(tw, strings.Join(hdr, "\t"))
	row := func(cells []string) { fmt.Fprintln(tw, strings.Join(cells, "\t")) }
	for _, t := range ts {
		cells := []string{t.Category(), t.Name, ""}
		for i, s := range sums {
			e, _ := s.Get(t.Name)
			cells[2] = e.Metric
			cells = append(cells, fmt.Sprintf("%.2f", e.Value*100))
			if len(pubs) > i && pubs[i] != nil {
				if p, ok := pubs[i].Get(t.Name); ok {
					cells = append(cells, fmt.Sprintf("%.2f", p.Value*100), fmt.Sprintf("%+.2f", (e.Value-p.Value)*100))
				} else {
					cells = append(cells, "-", "-")
				}
			}
		}
		row(cells)
	}
	avgRow := func(label string, get func(a jmteb.Averages) (float64, bool)) {
		cells := []string{label, "", ""}
		for i, s := range sums {
			v, _ := get(s.Averages())
			cells = append(cells, fmt.Sprintf("%.2f", v*100))
			if len(pubs) > i && pubs[i] != nil {
				// the published average over the same tasks
				sub := &jmteb.Summary{}
				for _, t := range ts {
					if p, ok := pubs[i].Get(t.Name); ok {
						sub.Entries = append(sub.Entries, p)
					}
				}
				if pv, ok := get(sub.Averages()); ok && len(sub.Entries) == len(ts) {
					cells = append(cells, fmt.Sprintf("%.2f", pv*100), fmt.Sprintf("%+.2f", (v-pv)*100))
				} else {
					cells = append(cells, "-", "-")
				}
			}
		}
		row(cells)
	}
	present := map[string]bool{}
	for _, t := range ts {
		present[t.Category()] = true
	}
	for _, c := range jmteb.LeaderboardCategories {
		if present[c] {
			avgRow("Avg. "+c, func(a jmteb.Averages) (float64, bool) { v, ok := a.Category[c]; return v, ok })
		}
	}
	avgRow("Avg. (all tasks)", func(a jmteb.Averages) (float64, bool) { return a.Overall, a.Tasks > 0 })
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "Scores x100 as on JMTEB's leaderboard; Avg. (all tasks) is the mean over tasks, as the leaderboard's Avg. column.")
	return err
}
