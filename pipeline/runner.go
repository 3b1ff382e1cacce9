package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jretrieve/jretrieve/bm25"
	"github.com/jretrieve/jretrieve/datasets"
	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
	"github.com/jretrieve/jretrieve/onnx"
	"github.com/jretrieve/jretrieve/vecsim"
)

// Task is what runs are computed on: a rerank dataset (each query scores
// its own candidates) or a retrieval task (each query searches the whole
// collection). Exactly one is set.
type Task struct {
	Rerank    *datasets.Dataset
	Retrieval *datasets.Retrieval
}

// Name returns the dataset's name.
func (t Task) Name() string {
	if t.Rerank != nil {
		return t.Rerank.Name
	}
	return t.Retrieval.Name
}

// Queries returns the task's queries.
func (t Task) Queries() []datasets.Query {
	if t.Rerank != nil {
		return t.Rerank.Queries
	}
	return t.Retrieval.Queries
}

// Qrels converts the task's judgments to eval.Qrels.
func (t Task) Qrels() *eval.Qrels {
	var js datasets.Qrels
	if t.Rerank != nil {
		js = t.Rerank.Qrels
	} else {
		js = t.Retrieval.Qrels
	}
	return js.Eval()
}

// Progress shows the progress of long steps. Start is called at the
// beginning of a step with the number of units of work (-1 if unknown).
type Progress interface {
	Start(label string, total int) Bar
}

// Bar is one step's progress.
type Bar interface {
	Set(done int)
	Done()
}

// CachedBar is a Bar that is told, before Done, how many of its units came
// from a cache rather than from work, so that it does not show them as work
// per second.
type CachedBar interface {
	Bar
	Cached(n int)
}

type noProgress struct{}

func (noProgress) Start(string, int) Bar { return noProgress{} }
func (noProgress) Set(int)               {}
func (noProgress) Done()                 {}

// Options configure Execute.
type Options struct {
	// Opener opens leaf models (default DefaultOpener(ModelOptions{})).
	Opener Opener
	// CacheDir holds the embedding cache; "" disables it.
	CacheDir string
	// RunDir caches every computed run (leaves, fusions, chains) as ranx
	// .lz4 files with a JSON sidecar; "" disables run caching.
	RunDir string
	// Force recomputes runs even when RunDir has them.
	Force bool
	// Settings describes the Opener's options that change scores (for
	// example the token limit). It is part of a cached run's identity: runs
	// cached under other settings are recomputed.
	Settings string
	// Workers scores that many queries concurrently with rerankers
	// (default GOMAXPROCS).
	Workers int
	// Depth is how many documents a first stage retrieves from a
	// collection (default 100).
	Depth int
	// EmbedChunk is the number of texts embedded between cache writes
	// (default 512).
	EmbedChunk int
	// Progress receives progress (default: none).
	Progress Progress

	// now is the clock timings are read from (default time.Now; tests
	// substitute one driven by fake models).
	now func() time.Time
}

// RunInfo is one computed (or cached) run.
type RunInfo struct {
	Name string // canonical model expression
	Run  *eval.Run
	// Seconds is the measured compute time of this run and everything
	// under it.
	Seconds float64
	// Docs is the number of (query, document) pairs the run ranks: the
	// candidates of a rerank dataset, or the collection's documents for a
	// retrieval. A fusion or a chain counts them once, not once per input
	// or stage: its throughput is that of the whole pipeline.
	Docs int
	// Texts is the number of texts the run's embedders needed (queries and
	// distinct documents, summed over leaves), EmbedHits how many of them
	// came from the embedding cache instead of the model.
	Texts, EmbedHits int
	// CostSeconds estimates the compute time without the embedding cache:
	// each stage's Seconds scaled by Texts/(Texts-EmbedHits), i.e. the
	// time per uncached text applied to all texts. It is -1 (unknown) when
	// some stage took all its embeddings from the cache, so that no model
	// work of it was timed.
	CostSeconds float64
	// Cached reports that the run was loaded from Options.RunDir; its
	// timings are those of the computation that wrote it.
	Cached bool
	// Tokens and PaddedTokens count what the run's neural encoders were
	// sent: the real tokens and the batch cells including padding (summed
	// over stages; zero when no encoder ran, e.g. BM25 or everything from
	// the embedding cache).
	Tokens, PaddedTokens int64
}

// PaddingWaste is the fraction of the encoders' batch cells that were
// padding, 1 - Tokens/PaddedTokens, or -1 when no encoder ran.
func (ri *RunInfo) PaddingWaste() float64 {
	if ri.PaddedTokens <= 0 {
		return -1
	}
	return 1 - float64(ri.Tokens)/float64(ri.PaddedTokens)
}

// EmbedCachedFraction is the fraction of the texts the run's embedders
// needed that came from the embedding cache (0 without embedders).
func (ri *RunInfo) EmbedCachedFraction() float64 {
	if ri.Texts == 0 {
		return 0
	}
	return float64(ri.EmbedHits) / float64(ri.Texts)
}

// DocsPerSecond is the throughput on uncached model work: Docs divided by
// CostSeconds, so that embedding-cache hits do not inflate it. It is 0
// when unknown (CostSeconds unknown or zero).
func (ri *RunInfo) DocsPerSecond() float64 {
	if ri.CostSeconds <= 0 {
		return 0
	}
	return float64(ri.Docs) / ri.CostSeconds
}

// stageCost is the estimated cost of one stage that ran for secs and
// needed texts embeddings, hits of them from the cache (see CostSeconds).
func stageCost(secs float64, texts, hits int) float64 {
	switch {
	case texts == 0 || hits == 0:
		return secs
	case hits >= texts:
		return -1
	}
	return secs * float64(texts) / float64(texts-hits)
}

// addCost sums stage costs; an unknown (-1) one makes the sum unknown.
func addCost(a, b float64) float64 {
	if a < 0 || b < 0 {
		return -1
	}
	return a + b
}

// Execute computes one run per expression on task. Models are opened once
// and shared between expressions; they are closed before Execute returns.
func Execute(ctx context.Context, task Task, specs []*Spec, opt Options) ([]*RunInfo, error) {
	if (task.Rerank == nil) == (task.Retrieval == nil) {
		return nil, errors.New("pipeline: task needs exactly one of Rerank or Retrieval")
	}
	if opt.Opener == nil {
		opt.Opener = DefaultOpener(ModelOptions{})
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.Depth <= 0 {
		opt.Depth = 100
	}
	if opt.EmbedChunk <= 0 {
		opt.EmbedChunk = 512
	}
	if opt.Progress == nil {
		opt.Progress = noProgress{}
	}
	if opt.now == nil {
		opt.now = time.Now
	}
	x := &executor{task: task, opt: opt, models: map[string]*Model{}, runs: map[string]*RunInfo{}}
	defer x.close()
	x.fingerprint = fingerprint(task)
	var out []*RunInfo
	for _, s := range specs {
		ri, err := x.run(ctx, s)
		if err != nil {
			return nil, err
		}
		out = append(out, ri)
	}
	return out, nil
}

type executor struct {
	task        Task
	opt         Options
	fingerprint string
	models      map[string]*Model
	runs        map[string]*RunInfo
	// collection (retrieval tasks), read once on demand
	docIDs   []string
	docTexts []string
	// texts embedded and embedding-cache hits since the last stage began
	texts, hits int
	// the stage's model and its encoder counts when the stage began
	stageModel *Model
	stats0     onnx.Stats
}

// encoderStats returns what m's encoder has done so far: the embedder's
// counts when it embeds, else the reranker's, if it keeps any.
func encoderStats(m *Model) onnx.Stats {
	var v any = m.Reranker
	if m.Embedder != nil {
		v = m.Embedder
	}
	if c, ok := v.(interface{ Stats() onnx.Stats }); ok {
		return c.Stats()
	}
	return onnx.Stats{}
}

// since is the time elapsed since start on the executor's clock.
func (x *executor) since(start time.Time) float64 { return x.opt.now().Sub(start).Seconds() }

// startStage resets the embedding counters, notes m's encoder counts and
// returns the start time.
func (x *executor) startStage(m *Model) time.Time {
	x.texts, x.hits = 0, 0
	x.stageModel, x.stats0 = m, encoderStats(m)
	return x.opt.now()
}

// stage returns the RunInfo of a stage that began at start.
func (x *executor) stage(start time.Time, r *eval.Run, docs int) *RunInfo {
	secs := x.since(start)
	st := encoderStats(x.stageModel)
	return &RunInfo{Run: r, Seconds: secs, Docs: docs, Texts: x.texts, EmbedHits: x.hits, CostSeconds: stageCost(secs, x.texts, x.hits),
		Tokens: st.Tokens - x.stats0.Tokens, PaddedTokens: st.PaddedTokens - x.stats0.PaddedTokens}
}

func (x *executor) close() {
	for _, m := range x.models {
		if m.Close != nil {
			m.Close()
		}
	}
}

func (x *executor) model(ctx context.Context, name string) (*Model, error) {
	if m, ok := x.models[name]; ok {
		return m, nil
	}
	m, err := x.opt.Opener.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	x.models[name] = m
	return m, nil
}

// runKey is the identity of a cached run.
type runKey struct {
	Expression   string  `json:"expression"`
	Dataset      string  `json:"dataset"`
	Data         string  `json:"data_sha256"`
	Depth        int     `json:"depth,omitempty"`
	Settings     string  `json:"settings,omitempty"`
	Models       string  `json:"models,omitempty"`
	Seconds      float64 `json:"seconds"`
	Docs         int     `json:"docs"`
	Texts        int     `json:"texts,omitempty"`
	EmbedHits    int     `json:"embedding_cache_hits,omitempty"`
	Tokens       int64   `json:"tokens,omitempty"`
	PaddedTokens int64   `json:"padded_tokens,omitempty"`
	// CostSeconds is absent in sidecars written before it existed: their
	// throughput is unknown.
	CostSeconds *float64 `json:"cost_seconds,omitempty"`
}

// RunFileName turns an expression into a file name (without extension).
func RunFileName(expr string) string {
	r := strings.NewReplacer("/", "__", ">", "_then_", "@", "_at_", "(", "_", ")", "_", ",", "+", " ", "")
	return r.Replace(expr)
}

// cachePaths returns where a run and its sidecar live. Sidecars go in a
// hidden subdirectory so that `jretrieve evaluate runs/*` sees runs only.
func (x *executor) cachePaths(name string) (run, meta string) {
	f := RunFileName(name)
	return filepath.Join(x.opt.RunDir, f+".lz4"), filepath.Join(x.opt.RunDir, ".meta", f+".json")
}

// modelStamps identifies the model files of the expression's leaves that
// are local directories (size and modification time of their ONNX graph),
// so that re-exporting a model into the same directory invalidates its
// cached runs without opening the model.
func modelStamps(s *Spec) string {
	var b strings.Builder
	for _, n := range s.Names() {
		for _, f := range []string{"model.onnx", filepath.Join("onnx", "model.onnx")} {
			if st := fileStamp(filepath.Join(n, f)); st != "" {
				b.WriteString(n + st + ";")
				break
			}
		}
	}
	return b.String()
}

func (x *executor) loadCached(s *Spec) *RunInfo {
	name := s.String()
	if x.opt.RunDir == "" || x.opt.Force {
		return nil
	}
	runPath, metaPath := x.cachePaths(name)
	b, err := os.ReadFile(metaPath)
	if err != nil {
		return nil
	}
	var k runKey
	if json.Unmarshal(b, &k) != nil || k.Expression != name || k.Data != x.fingerprint || k.Depth != x.depth() || k.Settings != x.opt.Settings ||
		k.Models != modelStamps(s) {
		return nil
	}
	r, err := eval.ReadRunFile(runPath)
	if err != nil {
		return nil
	}
	r.SetName(name)
	cost := -1.0
	if k.CostSeconds != nil {
		cost = *k.CostSeconds
	}
	return &RunInfo{Name: name, Run: r, Seconds: k.Seconds, Docs: k.Docs, Texts: k.Texts, EmbedHits: k.EmbedHits, CostSeconds: cost, Cached: true,
		Tokens: k.Tokens, PaddedTokens: k.PaddedTokens}
}

func (x *executor) depth() int {
	if x.task.Retrieval != nil {
		return x.opt.Depth
	}
	return 0
}

func (x *executor) saveCached(ri *RunInfo, s *Spec) error {
	if x.opt.RunDir == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(x.opt.RunDir, ".meta"), 0o755); err != nil {
		return err
	}
	runPath, metaPath := x.cachePaths(ri.Name)
	if err := eval.WriteRunFile(runPath, ri.Run); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(runKey{Expression: ri.Name, Dataset: x.task.Name(), Data: x.fingerprint,
		Depth: x.depth(), Settings: x.opt.Settings, Models: modelStamps(s), Seconds: ri.Seconds, Docs: ri.Docs,
		Texts: ri.Texts, EmbedHits: ri.EmbedHits, CostSeconds: &ri.CostSeconds, Tokens: ri.Tokens, PaddedTokens: ri.PaddedTokens}, "", "  ")
	return atomicfile.WriteFile(metaPath, append(b, '\n'))
}

func (x *executor) run(ctx context.Context, s *Spec) (*RunInfo, error) {
	name := s.String()
	if ri, ok := x.runs[name]; ok {
		return ri, nil
	}
	if ri := x.loadCached(s); ri != nil {
		x.runs[name] = ri
		return ri, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var ri *RunInfo
	var err error
	switch {
	case s.Fusion != nil:
		ri, err = x.fuse(ctx, s)
	case s.Rerank != nil:
		ri, err = x.chain(ctx, s)
	default:
		ri, err = x.leaf(ctx, s.Name)
	}
	if err != nil {
		return nil, err
	}
	ri.Name = name
	// Store the run as ranx stores it: each query sorted once in ranx
	// order. Evaluating it (ranx order again) then ranks ties exactly as
	// the JQaRA evaluator ranks its cached runs, and a run reloaded from
	// the cache evaluates the same as a fresh one.
	ri.Run = ri.Run.Ranked(eval.TiesRanx)
	ri.Run.SetName(name)
	if err := x.saveCached(ri, s); err != nil {
		return nil, fmt.Errorf("saving run %s: %w", name, err)
	}
	x.runs[name] = ri
	return ri, nil
}

func (x *executor) fuse(ctx context.Context, s *Spec) (*RunInfo, error) {
	var runs []*eval.Run
	total := &RunInfo{}
	for _, in := range s.Fusion.Inputs {
		ri, err := x.run(ctx, in)
		if err != nil {
			return nil, err
		}
		runs = append(runs, ri.Run)
		total.Seconds += ri.Seconds
		total.CostSeconds = addCost(total.CostSeconds, ri.CostSeconds)
		total.Texts += ri.Texts
		total.EmbedHits += ri.EmbedHits
		total.Tokens += ri.Tokens
		total.PaddedTokens += ri.PaddedTokens
		// The inputs rank the same candidates: count them once.
		total.Docs = max(total.Docs, ri.Docs)
	}
	start := x.opt.now()
	r, err := eval.Fuse(s.Fusion.Method, runs, eval.FuseOptions{Name: s.String()})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s, err)
	}
	total.Run = r
	secs := x.since(start)
	total.Seconds += secs
	total.CostSeconds = addCost(total.CostSeconds, secs)
	return total, nil
}

// candidates is one query's documents to score.
type candidates struct {
	ids   []string
	texts []string
}

func (x *executor) leaf(ctx context.Context, name string) (*RunInfo, error) {
	m, err := x.model(ctx, name)
	if err != nil {
		return nil, err
	}
	queries := x.task.Queries()
	start := x.startStage(m)
	if x.task.Rerank != nil {
		if m.Index != nil {
			return nil, fmt.Errorf("model %s retrieves from a collection; on the rerank dataset %s use bm25 (per-question Okapi) instead", name, x.task.Name())
		}
		d := x.task.Rerank
		cands := make([]candidates, len(queries))
		pairs := 0
		for i := range queries {
			for _, di := range d.Candidates[i] {
				cands[i].ids = append(cands[i].ids, d.Docs[di].ID)
				cands[i].texts = append(cands[i].texts, d.Docs[di].Text)
			}
			pairs += len(cands[i].ids)
		}
		r, err := x.score(ctx, m, queries, cands)
		if err != nil {
			return nil, err
		}
		return x.stage(start, r, pairs), nil
	}
	r, docs, err := x.retrieve(ctx, m)
	if err != nil {
		return nil, err
	}
	return x.stage(start, r, docs), nil
}

// score scores each query's candidates with m and returns the run, the
// documents of each query in candidate order.
func (x *executor) score(ctx context.Context, m *Model, queries []datasets.Query, cands []candidates) (*eval.Run, error) {
	scores := make([][]float64, len(queries))
	switch {
	case m.Embedder != nil:
		if err := x.scoreDense(ctx, m, queries, cands, scores); err != nil {
			return nil, err
		}
	case m.Reranker != nil:
		bar := x.opt.Progress.Start(m.Name+" scoring", len(queries))
		defer bar.Done()
		var (
			mu       sync.Mutex
			done     int
			firstErr error
			wg       sync.WaitGroup
		)
		next := make(chan int)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		for w := 0; w < x.opt.Workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					s, err := m.Reranker.Score(ctx, queries[i].Text, cands[i].texts)
					if err == nil && len(s) != len(cands[i].texts) {
						err = fmt.Errorf("%s returned %d scores for %d documents", m.Name, len(s), len(cands[i].texts))
					}
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = fmt.Errorf("%s on query %s: %w", m.Name, queries[i].ID, err)
						cancel()
					}
					scores[i] = s
					done++
					bar.Set(done)
					mu.Unlock()
				}
			}()
		}
	feed:
		for i := range queries {
			select {
			case next <- i:
			case <-ctx.Done():
				break feed
			}
		}
		close(next)
		wg.Wait()
		if firstErr != nil {
			return nil, firstErr
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("model %s cannot score candidates", m.Name)
	}
	r := eval.NewRun(m.Name)
	for i, q := range queries {
		r.AddQuery(q.ID)
		for j, id := range cands[i].ids {
			r.Add(q.ID, id, scores[i][j])
		}
	}
	return r, nil
}

func (x *executor) cacheFor(m *Model, role, prefix string) (*EmbeddingCache, error) {
	if x.opt.CacheDir == "" {
		return nil, nil
	}
	return OpenEmbeddingCache(x.opt.CacheDir, CacheKey{Model: m.Identity, Role: role, Prefix: prefix,
		MaxLength: m.MaxLength, Dim: m.Embedder.Dim()})
}

// embed embeds distinct texts on one side ("query" or "document") through the cache.
func (x *executor) embed(ctx context.Context, m *Model, role string, texts []string) ([]float32, error) {
	fn, prefix := m.Embedder.EmbedDocuments, m.DocumentPrefix
	if role == "query" {
		fn, prefix = m.Embedder.EmbedQueries, m.QueryPrefix
	}
	c, err := x.cacheFor(m, role, prefix)
	if err != nil {
		return nil, err
	}
	if c != nil {
		defer c.Close()
	}
	label := fmt.Sprintf("%s embedding %s", m.Name, map[string]string{"query": "queries", "document": "documents"}[role])
	if c != nil && c.Dropped() > 0 {
		label += fmt.Sprintf(" (%d damaged or old cache records dropped, embedded again)", c.Dropped())
	}
	bar := x.opt.Progress.Start(label, len(texts))
	defer bar.Done()
	vecs, hits, err := embedCached(ctx, c, m.Embedder.Dim(), fn, texts, x.opt.EmbedChunk, x.opt.Workers, bar.Set)
	x.texts += len(texts)
	x.hits += hits
	if cb, ok := bar.(CachedBar); ok && hits > 0 {
		cb.Cached(hits)
	}
	return vecs, err
}

func (x *executor) scoreDense(ctx context.Context, m *Model, queries []datasets.Query, cands []candidates, scores [][]float64) error {
	dim := m.Embedder.Dim()
	qtexts := make([]string, len(queries))
	for i, q := range queries {
		qtexts[i] = q.Text
	}
	qv, err := x.embed(ctx, m, "query", qtexts)
	if err != nil {
		return err
	}
	row := map[string]int{}
	var dtexts []string
	for _, c := range cands {
		for _, t := range c.texts {
			if _, ok := row[t]; !ok {
				row[t] = len(dtexts)
				dtexts = append(dtexts, t)
			}
		}
	}
	dv, err := x.embed(ctx, m, "document", dtexts)
	if err != nil {
		return err
	}
	for i := range queries {
		q := qv[i*dim : (i+1)*dim]
		s := make([]float64, len(cands[i].texts))
		for j, t := range cands[i].texts {
			r := row[t]
			s[j] = float64(vecsim.Cosine(q, dv[r*dim:(r+1)*dim]))
		}
		scores[i] = s
	}
	return nil
}

// loadCollection reads the retrieval corpus once.
func (x *executor) loadCollection(ctx context.Context) error {
	if x.docIDs != nil {
		return nil
	}
	r := x.task.Retrieval
	bar := x.opt.Progress.Start("reading collection", int(r.NumDocs))
	defer bar.Done()
	for d, err := range r.Docs(ctx) {
		if err != nil {
			return err
		}
		x.docIDs = append(x.docIDs, d.ID)
		x.docTexts = append(x.docTexts, d.Text)
		if len(x.docIDs)%10000 == 0 {
			bar.Set(len(x.docIDs))
		}
	}
	bar.Set(len(x.docIDs))
	if len(x.docIDs) == 0 {
		return fmt.Errorf("dataset %s: the collection is empty", r.Name)
	}
	return nil
}

// retrieve runs a first-stage retriever over the collection.
func (x *executor) retrieve(ctx context.Context, m *Model) (*eval.Run, int, error) {
	if err := x.loadCollection(ctx); err != nil {
		return nil, 0, err
	}
	queries := x.task.Queries()
	k := x.opt.Depth
	r := eval.NewRun(m.Name)
	switch {
	case m.Index != nil:
		bar := x.opt.Progress.Start(m.Name+" indexing", len(x.docIDs))
		bo := *m.Index
		bo.Progress = bar.Set
		seq := func(yield func(bm25.Doc, error) bool) {
			for i := range x.docIDs {
				if !yield(bm25.Doc{ID: x.docIDs[i], Text: x.docTexts[i]}, nil) {
					return
				}
			}
		}
		ix, err := bm25.Build(ctx, seq, bo)
		bar.Done()
		if err != nil {
			return nil, 0, err
		}
		bar = x.opt.Progress.Start(m.Name+" searching", len(queries))
		defer bar.Done()
		for i, q := range queries {
			hits, err := ix.SearchText(ctx, q.Text, k)
			if err != nil {
				return nil, 0, fmt.Errorf("%s on query %s: %w", m.Name, q.ID, err)
			}
			r.AddQuery(q.ID)
			for _, h := range hits {
				r.Add(q.ID, h.ID, h.Score)
			}
			bar.Set(i + 1)
		}
		return r, len(x.docIDs), nil
	case m.Embedder != nil:
		dim := m.Embedder.Dim()
		dv, err := x.embed(ctx, m, "document", x.docTexts)
		if err != nil {
			return nil, 0, err
		}
		flat := vecsim.NewFlat(dim)
		dm := vecsim.Matrix{Rows: len(x.docIDs), Dim: dim, Data: dv}
		dm.NormalizeRows()
		if err := flat.AddBatch(x.docIDs, dm); err != nil {
			return nil, 0, err
		}
		qtexts := make([]string, len(queries))
		for i, q := range queries {
			qtexts[i] = q.Text
		}
		qv, err := x.embed(ctx, m, "query", qtexts)
		if err != nil {
			return nil, 0, err
		}
		qm := vecsim.Matrix{Rows: len(queries), Dim: dim, Data: qv}
		qm.NormalizeRows()
		res, err := flat.SearchBatchContext(ctx, qm, k, x.opt.Workers)
		if err != nil {
			return nil, 0, err
		}
		for i, q := range queries {
			r.AddQuery(q.ID)
			for _, h := range res[i] {
				r.Add(q.ID, h.ID, float64(h.Score))
			}
		}
		return r, len(x.docIDs), nil
	default:
		return nil, 0, fmt.Errorf("model %s is a reranker and cannot search the collection of %s; put a retriever first, e.g. bm25-index>%s@100",
			m.Name, x.task.Name(), m.Name)
	}
}

// topDocs returns a query's documents of r ordered by score descending,
// ties in insertion order, cut at depth.
func topDocs(r *eval.Run, q string, depth int) (docs []string, rest []string) {
	ids, scores := r.Docs(q)
	idx := make([]int, len(ids))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	for n, i := range idx {
		if n < depth {
			docs = append(docs, ids[i])
		} else {
			rest = append(rest, ids[i])
		}
	}
	return docs, rest
}

func (x *executor) chain(ctx context.Context, s *Spec) (*RunInfo, error) {
	first, err := x.run(ctx, s.Rerank.First)
	if err != nil {
		return nil, err
	}
	if s.Rerank.Second.Name == "" {
		return nil, fmt.Errorf("%s: the reranker after > must be a model, not an expression", s)
	}
	m, err := x.model(ctx, s.Rerank.Second.Name)
	if err != nil {
		return nil, err
	}
	if m.Index != nil {
		return nil, fmt.Errorf("%s: %s retrieves from a collection and cannot rerank; use bm25", s, m.Name)
	}
	text, err := x.textLookup(ctx)
	if err != nil {
		return nil, err
	}
	queries := x.task.Queries()
	cands := make([]candidates, len(queries))
	rests := make([][]string, len(queries))
	for i, q := range queries {
		top, rest := topDocs(first.Run, q.ID, s.Rerank.Depth)
		for _, id := range top {
			t, ok := text(i, id)
			if !ok {
				return nil, fmt.Errorf("%s: no text for document %s of query %s", s, id, q.ID)
			}
			cands[i].ids = append(cands[i].ids, id)
			cands[i].texts = append(cands[i].texts, t)
		}
		rests[i] = rest
	}
	start := x.startStage(m)
	r, err := x.score(ctx, m, queries, cands)
	if err != nil {
		return nil, err
	}
	st := x.stage(start, r, 0)
	// Documents below the depth keep their first-stage order, under every reranked one.
	for i, q := range queries {
		low := 0.0
		_, sc := r.Docs(q.ID)
		for j, v := range sc {
			if j == 0 || v < low {
				low = v
			}
		}
		for j, id := range rests[i] {
			r.Add(q.ID, id, low-1-float64(j))
		}
	}
	// The second stage reranks candidates the first already counted.
	return &RunInfo{Run: r, Seconds: first.Seconds + st.Seconds, Docs: first.Docs, Texts: first.Texts + st.Texts,
		EmbedHits: first.EmbedHits + st.EmbedHits, CostSeconds: addCost(first.CostSeconds, st.CostSeconds),
		Tokens: first.Tokens + st.Tokens, PaddedTokens: first.PaddedTokens + st.PaddedTokens}, nil
}

// textLookup returns a function giving the text of document id for query i.
func (x *executor) textLookup(ctx context.Context) (func(i int, id string) (string, bool), error) {
	if d := x.task.Rerank; d != nil {
		return func(i int, id string) (string, bool) {
			for _, di := range d.Candidates[i] {
				if d.Docs[di].ID == id {
					return d.Docs[di].Text, true
				}
			}
			return "", false
		}, nil
	}
	if err := x.loadCollection(ctx); err != nil {
		return nil, err
	}
	byID := make(map[string]int, len(x.docIDs))
	for i, id := range x.docIDs {
		byID[id] = i
	}
	return func(_ int, id string) (string, bool) {
		j, ok := byID[id]
		if !ok {
			return "", false
		}
		return x.docTexts[j], true
	}, nil
}

// fingerprint hashes the task's queries and candidates (ids and texts), so
// cached runs are reused only on the same data.
func fingerprint(t Task) string {
	h := sha256.New()
	for _, q := range t.Queries() {
		fmt.Fprintf(h, "q\x00%s\x00%s\x00", q.ID, q.Text)
	}
	if d := t.Rerank; d != nil {
		for i := range d.Queries {
			for _, di := range d.Candidates[i] {
				fmt.Fprintf(h, "d\x00%s\x00%s\x00", d.Docs[di].ID, d.Docs[di].Text)
			}
			h.Write([]byte{0xff})
		}
	} else {
		fmt.Fprintf(h, "collection\x00%s\x00%d", t.Retrieval.Name, t.Retrieval.NumDocs)
	}
	return hex.EncodeToString(h.Sum(nil))
}
