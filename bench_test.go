package jretrieve_test

// Reranking benchmarks on the embedded sample (datasets.Sample: 50 Japanese
// questions x 20 candidates, 139 distinct passages). Every benchmark reports,
// beside ns/op, docs/s and the quality of what it ranked (nDCG@10 and MRR@10
// through package eval), so that benchstat shows speed and quality together:
//
//	go test -bench . -run '^$' -count 6 > new.txt
//	benchstat old.txt new.txt
//
// Models: the tiny fixtures of testdata/models (random weights: quality is
// meaningless, speed and plumbing are real) run on ONNX Runtime when its
// library is installed, else on the pure-Go backend; every sub-directory of
// $JRETRIEVE_MODELS holding an ONNX export is benchmarked too (a bi-encoder,
// or a cross-encoder when config.json declares a classification head).
// $JRETRIEVE_BENCH_THREADS sets the ONNX Runtime intra-op threads (default 1).

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/jretrieve/jretrieve/analysis"
	"github.com/jretrieve/jretrieve/bm25"
	"github.com/jretrieve/jretrieve/datasets"
	"github.com/jretrieve/jretrieve/embed"
	"github.com/jretrieve/jretrieve/eval"
	_ "github.com/jretrieve/jretrieve/onnx/gobackend"
	"github.com/jretrieve/jretrieve/onnx/onnxtest"
	"github.com/jretrieve/jretrieve/onnx/ort"
	"github.com/jretrieve/jretrieve/pipeline"
	"github.com/jretrieve/jretrieve/rag"
	"github.com/jretrieve/jretrieve/rag/ragtest"
	"github.com/jretrieve/jretrieve/rerank"
	"github.com/jretrieve/jretrieve/vecsim"
)

var benchMetrics = []string{"ndcg@10", "mrr@10"}

type sampleSet struct {
	ds      *datasets.Dataset
	qrels   *eval.Qrels    // rerank protocol (per-query candidates)
	rqrels  *eval.Qrels    // retrieval over the distinct passages
	corpus  []rag.Document // the distinct passages, for retrieval
	queries []string
	pairs   int // (query, candidate) pairs
}

var loadSample = sync.OnceValue(func() *sampleSet {
	ds := datasets.Sample()
	r := ds.Retrieval()
	s := &sampleSet{ds: ds, qrels: ds.Qrels.Eval(), rqrels: r.Qrels.Eval(), pairs: ds.NumPairs()}
	for d, err := range r.Docs(context.Background()) {
		if err != nil {
			panic(err)
		}
		s.corpus = append(s.corpus, rag.Document{ID: d.ID, Text: d.Text})
	}
	for _, q := range ds.Queries {
		s.queries = append(s.queries, q.Text)
	}
	return s
})

// report adds docs/s (docsPerOp documents per iteration) and the quality of
// run to the benchmark's results.
func report(b *testing.B, iters int, docsPerOp float64, run *eval.Run, qrels *eval.Qrels) {
	b.Helper()
	if sec := b.Elapsed().Seconds(); sec > 0 {
		b.ReportMetric(docsPerOp*float64(iters)/sec, "docs/s")
	}
	res, err := eval.Evaluate(qrels, run, benchMetrics, eval.Options{MakeComparable: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.Mean["ndcg@10"], "nDCG@10")
	b.ReportMetric(res.Mean["mrr@10"], "MRR@10")
}

// rerankSample scores every query's candidates with r (JQaRA protocol).
func rerankSample(ctx context.Context, s *sampleSet, r rerank.Reranker) (*eval.Run, error) {
	run := eval.NewRun("bench")
	for i, q := range s.ds.Queries {
		cands := s.ds.CandidateDocs(i)
		texts := make([]string, len(cands))
		for j, d := range cands {
			texts[j] = d.Text
		}
		scores, err := r.Score(ctx, q.Text, texts)
		if err != nil {
			return nil, err
		}
		for j, d := range cands {
			run.Add(q.ID, d.ID, scores[j])
		}
	}
	return run, nil
}

// embedSample ranks every query's candidates by the inner product of
// embeddings; each distinct passage is embedded once, as `jretrieve eval`
// does.
func embedSample(ctx context.Context, s *sampleSet, e embed.Embedder) (*eval.Run, error) {
	texts := make([]string, len(s.ds.Docs))
	for i, d := range s.ds.Docs {
		texts[i] = d.Text
	}
	dv, err := e.EmbedDocuments(ctx, texts)
	if err != nil {
		return nil, err
	}
	qv, err := e.EmbedQueries(ctx, s.queries)
	if err != nil {
		return nil, err
	}
	dim := e.Dim()
	run := eval.NewRun("bench")
	for i, q := range s.ds.Queries {
		qr := qv[i*dim : (i+1)*dim]
		for _, c := range s.ds.Candidates[i] {
			run.Add(q.ID, s.ds.Docs[c].ID, float64(vecsim.Dot(qr, dv[int(c)*dim:(int(c)+1)*dim])))
		}
	}
	return run, nil
}

type benchModel struct {
	name, dir string
	cross     bool
}

// benchModels lists the tiny fixtures and the models under $JRETRIEVE_MODELS.
func benchModels(b *testing.B) []benchModel {
	var ms []benchModel
	for _, n := range onnxtest.Embedders {
		ms = append(ms, benchModel{name: n, dir: onnxtest.Dir(n)})
	}
	for _, n := range onnxtest.CrossEncoders {
		ms = append(ms, benchModel{name: n, dir: onnxtest.Dir(n), cross: true})
	}
	root := os.Getenv("JRETRIEVE_MODELS")
	if root == "" {
		return ms
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		b.Fatalf("JRETRIEVE_MODELS: %v", err)
	}
	for _, e := range ents {
		dir, _ := filepath.Abs(filepath.Join(root, e.Name()))
		if !hasONNX(dir) || slices.ContainsFunc(ms, func(m benchModel) bool { return m.dir == dir }) {
			continue
		}
		ms = append(ms, benchModel{name: e.Name(), dir: dir, cross: pipeline.IsCrossEncoderDir(dir)})
	}
	return ms
}

func hasONNX(dir string) bool {
	for _, f := range []string{"model.onnx", "onnx/model.onnx"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// backend is "ort" when ONNX Runtime is installed, else "go" (an error when
// JRETRIEVE_REQUIRE_NATIVE=1).
var backend = sync.OnceValues(func() (string, error) {
	if err := ort.Init(""); err != nil {
		if !errors.Is(err, ort.ErrNoLibrary) || os.Getenv("JRETRIEVE_REQUIRE_NATIVE") == "1" {
			return "", err
		}
		return "go", nil
	}
	return "ort", nil
})

func benchThreads() int {
	n, _ := strconv.Atoi(os.Getenv("JRETRIEVE_BENCH_THREADS"))
	return max(n, 1)
}

func openEmbedder(b *testing.B, m benchModel) *embed.Model {
	b.Helper()
	be, err := backend()
	if err != nil {
		b.Fatal(err)
	}
	e, err := embed.Open(context.Background(), m.dir, embed.WithBackend(be), embed.WithThreads(benchThreads()))
	if err != nil {
		b.Fatalf("%s: %v", m.name, err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

func openCrossEncoder(b *testing.B, m benchModel) *rerank.CrossEncoder {
	b.Helper()
	be, err := backend()
	if err != nil {
		b.Fatal(err)
	}
	ce, err := rerank.OpenCrossEncoder(context.Background(), m.dir, rerank.CrossEncoderOptions{Backend: be, Threads: benchThreads()})
	if err != nil {
		b.Fatalf("%s: %v", m.name, err)
	}
	b.Cleanup(func() { ce.Close() })
	return ce
}

// BenchmarkRerank ranks the candidates of every sample question (1,000
// pairs per op). docs/s counts (question, candidate) pairs.
func BenchmarkRerank(b *testing.B) {
	s := loadSample()
	ctx := context.Background()
	run := func(b *testing.B, rank func() (*eval.Run, error)) {
		var r *eval.Run
		iters := 0
		for b.Loop() {
			var err error
			if r, err = rank(); err != nil {
				b.Fatal(err)
			}
			iters++
		}
		report(b, iters, float64(s.pairs), r, s.qrels)
	}
	for _, dict := range []analysis.Dict{analysis.Uni, analysis.IPA} {
		name := "bm25"
		if dict == analysis.IPA {
			name = "bm25-ipa"
		}
		b.Run("model="+name, func(b *testing.B) {
			a, err := analysis.New(analysis.Options{Dict: dict})
			if err != nil {
				b.Fatal(err)
			}
			a.Tokens("辞書を読み込む") // load the dictionary outside the timing
			okapi := bm25.NewOkapi(a, bm25.DefaultOkapiParams)
			run(b, func() (*eval.Run, error) { return rerankSample(ctx, s, okapi) })
		})
	}
	b.Run("model=hash-bigram", func(b *testing.B) {
		e := ragtest.New(256)
		run(b, func() (*eval.Run, error) { return embedSample(ctx, s, e) })
	})
	for _, m := range benchModels(b) {
		b.Run("model="+m.name, func(b *testing.B) {
			if m.cross {
				ce := openCrossEncoder(b, m)
				run(b, func() (*eval.Run, error) { return rerankSample(ctx, s, ce) })
				return
			}
			e := openEmbedder(b, m)
			run(b, func() (*eval.Run, error) { return embedSample(ctx, s, e) })
		})
	}
}

// BenchmarkVecsim searches the 50 sample questions, embedded by the
// weightless hash-bigram embedder, among the 139 sample passages plus random
// unit-vector distractors up to n documents, top 10, one thread. docs/s
// counts document vectors scored.
func BenchmarkVecsim(b *testing.B) {
	s := loadSample()
	const dim = 256
	e := ragtest.New(dim)
	ctx := context.Background()
	texts := make([]string, len(s.corpus))
	for i, d := range s.corpus {
		texts[i] = d.Text
	}
	dv, err := e.EmbedDocuments(ctx, texts)
	if err != nil {
		b.Fatal(err)
	}
	qv, err := e.EmbedQueries(ctx, s.queries)
	if err != nil {
		b.Fatal(err)
	}
	queries := vecsim.Matrix{Rows: len(s.queries), Dim: dim, Data: qv}
	for _, n := range []int{1000, 10000, 100000} {
		flat := vecsim.NewFlat(dim)
		ids := make([]string, n)
		m := vecsim.NewMatrix(n, dim)
		copy(m.Data, dv)
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		for i := range n {
			if i < len(s.corpus) {
				ids[i] = s.corpus[i].ID
				continue
			}
			ids[i] = "noise-" + strconv.Itoa(i)
			row := m.Row(i)
			for j := range row {
				row[j] = float32(rng.NormFloat64())
			}
			vecsim.Normalize(row)
		}
		if err := flat.AddBatch(ids, m); err != nil {
			b.Fatal(err)
		}
		toRun := func(res [][]vecsim.Result) *eval.Run {
			run := eval.NewRun("bench")
			for i, q := range s.ds.Queries {
				run.AddQuery(q.ID)
				for _, h := range res[i] {
					run.Add(q.ID, h.ID, float64(h.Score))
				}
			}
			return run
		}
		b.Run(fmt.Sprintf("n=%d/index=flat", n), func(b *testing.B) {
			var res [][]vecsim.Result
			iters := 0
			for b.Loop() {
				res = flat.SearchBatch(queries, 10, 1)
				iters++
			}
			report(b, iters, float64(n*queries.Rows), toRun(res), s.rqrels)
		})
		b.Run(fmt.Sprintf("n=%d/index=int8", n), func(b *testing.B) {
			x := vecsim.NewInt8Index(flat, vecsim.ScalePerDim)
			var res [][]vecsim.Result
			iters := 0
			for b.Loop() {
				res = x.SearchBatch(queries, 10, 40, 1)
				iters++
			}
			report(b, iters, float64(n*queries.Rows), toRun(res), s.rqrels)
		})
	}
}

type retrieverFunc func(ctx context.Context, q string, k int) ([]rag.Hit, error)

func (f retrieverFunc) Retrieve(ctx context.Context, q string, k int) ([]rag.Hit, error) {
	return f(ctx, q, k)
}

// BenchmarkPipeline runs package rag's retrievers over the 139 distinct
// sample passages for the 50 questions, top 10: BM25 alone (and the bare
// bm25.Index it wraps, the anchor of rag's overhead), BM25 fused with
// a dense retriever (RRF), and that hybrid reranked at depth 20 by each
// cross-encoder. Documents are indexed (and embedded) outside the timing;
// query embedding, search, fusion and reranking are timed. docs/s counts
// collection documents searched (139 per question); queries/s is reported
// too.
func BenchmarkPipeline(b *testing.B) {
	s := loadSample()
	ctx := context.Background()
	hash := ragtest.New(256)
	base, err := rag.Build(ctx, s.corpus, rag.BuildOptions{Embedder: hash})
	if err != nil {
		b.Fatal(err)
	}
	lexical, err := base.BM25()
	if err != nil {
		b.Fatal(err)
	}
	hashDense, err := base.Dense(hash)
	if err != nil {
		b.Fatal(err)
	}
	lexical.Retrieve(ctx, "辞書", 1) // load the dictionary outside the timing
	run := func(b *testing.B, r rag.Retriever) {
		var out *eval.Run
		iters := 0
		for b.Loop() {
			out = eval.NewRun("bench")
			for _, q := range s.ds.Queries {
				hits, err := r.Retrieve(ctx, q.Text, 10)
				if err != nil {
					b.Fatal(err)
				}
				out.AddQuery(q.ID)
				for _, h := range hits {
					out.Add(q.ID, h.ID, h.Score)
				}
			}
			iters++
		}
		if sec := b.Elapsed().Seconds(); sec > 0 {
			b.ReportMetric(float64(len(s.queries)*iters)/sec, "queries/s")
		}
		report(b, iters, float64(len(s.corpus)*len(s.queries)), out, s.rqrels)
	}
	b.Run("first=bm25/rerank=none", func(b *testing.B) { run(b, lexical) })
	// the anchor of the rag overhead: the same index searched directly
	b.Run("first=bm25-bare/rerank=none", func(b *testing.B) {
		ix := base.Index()
		run(b, retrieverFunc(func(ctx context.Context, q string, k int) ([]rag.Hit, error) {
			hs, err := ix.SearchText(ctx, q, k)
			out := make([]rag.Hit, len(hs))
			for i, h := range hs {
				out[i] = rag.Hit{Document: rag.Document{ID: h.ID}, Index: h.Doc, Score: h.Score}
			}
			return out, err
		}))
	})
	b.Run("first=rrf-bm25-hash-bigram/rerank=none", func(b *testing.B) { run(b, rag.Fuse(rag.RRF, lexical, hashDense)) })
	models := benchModels(b)
	for _, m := range models {
		if m.cross {
			continue
		}
		b.Run("first=rrf-bm25-"+m.name+"/rerank=none", func(b *testing.B) {
			e := openEmbedder(b, m)
			st, err := rag.Build(ctx, s.corpus, rag.BuildOptions{Embedder: e, NoBM25: true})
			if err != nil {
				b.Fatal(err)
			}
			dense, err := st.Dense(e)
			if err != nil {
				b.Fatal(err)
			}
			run(b, rag.Fuse(rag.RRF, lexical, dense))
		})
	}
	for _, m := range slices.DeleteFunc(slices.Clone(models), func(m benchModel) bool { return !m.cross }) {
		b.Run("first=rrf-bm25-hash-bigram/rerank="+m.name, func(b *testing.B) {
			ce := openCrossEncoder(b, m)
			run(b, rag.Rerank(rag.Fuse(rag.RRF, lexical, hashDense), ce, 20))
		})
	}
}
