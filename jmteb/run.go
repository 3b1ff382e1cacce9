package jmteb

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/jretrieve/jretrieve/datasets"
	"github.com/jretrieve/jretrieve/hub"
	"github.com/jretrieve/jretrieve/vecsim"
)

// Source locates the data files (parquet or JSON Lines) of one split of
// one config of the JMTEB dataset.
type Source interface {
	Files(ctx context.Context, config, split string) ([]string, error)
}

// Encoder embeds texts; role is "query" or "document" (the side whose
// prefix the model applies).
type Encoder interface {
	Encode(ctx context.Context, texts []string, role string) (vecsim.Matrix, error)
}

// HubRepo and HubRevision are where JMTEB's data is read from: the
// parquet export of the Hub dataset sbintuitions/JMTEB (files
// <config>/<split>/NNNN.parquet, or <config>/<split>-NNNNN-of-NNNNN.parquet).
const (
	HubRepo     = "sbintuitions/JMTEB"
	HubRevision = "refs/convert/parquet"
)

// HubSource reads the parquet export of a Hub dataset through the hub
// client (files go to the Hugging Face cache, shared with Python).
type HubSource struct {
	Client   *hub.Client
	Repo     string // default HubRepo
	Revision string // default HubRevision

	once  sync.Once
	files []hub.File
	err   error
}

func (s *HubSource) repo() hub.Repo {
	r, rev := s.Repo, s.Revision
	if r == "" {
		r = HubRepo
	}
	if rev == "" {
		rev = HubRevision
	}
	return hub.Dataset(r).At(rev)
}

// Files lists the split's parquet files and downloads them.
func (s *HubSource) Files(ctx context.Context, config, split string) ([]string, error) {
	s.once.Do(func() { s.files, s.err = s.Client.List(ctx, s.repo()) })
	if s.err != nil {
		return nil, s.err
	}
	var names []string
	for _, f := range s.files {
		p := f.Path
		if strings.HasSuffix(p, ".parquet") && (strings.HasPrefix(p, config+"/"+split+"/") || strings.HasPrefix(p, config+"/"+split+"-")) {
			names = append(names, p)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no parquet files for config %q split %q", s.repo().ID, config, split)
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		p, err := s.Client.Download(ctx, s.repo(), n)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// DirSource reads splits from a local directory in the same layout:
// <dir>/<config>/<split>/*.parquet (or *.jsonl), or
// <dir>/<config>/<split>-*.parquet (or .jsonl), for data exported with
// Python's datasets library (Dataset.to_parquet / to_json(lines=True)).
type DirSource string

// Files lists the split's files, sorted.
func (d DirSource) Files(_ context.Context, config, split string) ([]string, error) {
	var out []string
	for _, pat := range []string{"%s/%s/*.parquet", "%s/%s/*.jsonl", "%s/%s-*.parquet", "%s/%s-*.jsonl"} {
		m, err := filepath.Glob(filepath.Join(string(d), fmt.Sprintf(pat, config, split)))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no parquet or jsonl files for config %q split %q (want %s/%s/*.parquet)", string(d), config, split, config, split)
	}
	sort.Strings(out)
	return out, nil
}

func readAll(ctx context.Context, src Source, config, split string, cols []datasets.Column, fn func(row []datasets.Value) error) error {
	files, err := src.Files(ctx, config, split)
	if err != nil {
		return err
	}
	for _, f := range files {
		if _, err := datasets.ReadColumns(ctx, f, cols, fn); err != nil {
			return err
		}
	}
	return nil
}

// labels converts a label column as JMTEB's datasets do: integers are
// kept; any other labels are numbered by their sorted order (per split).
func labels(vals []datasets.Value) ([]int, error) {
	allInt := true
	for _, v := range vals {
		allInt = allInt && v.IsInt
	}
	out := make([]int, len(vals))
	if allInt {
		for i, v := range vals {
			n, err := strconv.Atoi(v.Str)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	set := map[string]int{}
	for _, v := range vals {
		set[v.Str] = 0
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		set[k] = i
	}
	for i, v := range vals {
		out[i] = set[v.Str]
	}
	return out, nil
}

func loadLabeled(ctx context.Context, src Source, enc Encoder, config, split string) (LabeledSet, error) {
	var texts []string
	var ls []datasets.Value
	err := readAll(ctx, src, config, split, []datasets.Column{{Name: "text", Type: datasets.String}, {Name: "label", Type: datasets.ID}},
		func(row []datasets.Value) error {
			texts = append(texts, row[0].Str)
			ls = append(ls, row[1])
			return nil
		})
	if err != nil {
		return LabeledSet{}, err
	}
	y, err := labels(ls)
	if err != nil {
		return LabeledSet{}, fmt.Errorf("%s/%s: label: %w", config, split, err)
	}
	x, err := enc.Encode(ctx, texts, "query")
	return LabeledSet{X: x, Y: y}, err
}

func loadPairs(ctx context.Context, src Source, enc Encoder, config, split string, float bool) (PairSet, []float64, []int, error) {
	var a, b []string
	var gold []float64
	var lab []datasets.Value
	lt := datasets.Float
	if !float {
		lt = datasets.ID
	}
	err := readAll(ctx, src, config, split, []datasets.Column{{Name: "sentence1", Type: datasets.String}, {Name: "sentence2", Type: datasets.String}, {Name: "label", Type: lt}},
		func(row []datasets.Value) error {
			a = append(a, row[0].Str)
			b = append(b, row[1].Str)
			gold = append(gold, row[2].Float)
			lab = append(lab, row[2])
			return nil
		})
	if err != nil {
		return PairSet{}, nil, nil, err
	}
	var ints []int
	if !float {
		if ints, err = labels(lab); err != nil {
			return PairSet{}, nil, nil, fmt.Errorf("%s/%s: label: %w", config, split, err)
		}
	}
	ea, err := enc.Encode(ctx, a, "query")
	if err != nil {
		return PairSet{}, nil, nil, err
	}
	eb, err := enc.Encode(ctx, b, "query")
	return PairSet{A: ea, B: eb}, gold, ints, err
}

func loadCorpus(ctx context.Context, src Source, enc Encoder, config string) (vecsim.Matrix, []string, map[string]int, error) {
	var ids, texts []string
	rows := map[string]int{}
	err := readAll(ctx, src, config, "corpus", []datasets.Column{{Name: "docid", Type: datasets.ID}, {Name: "text", Type: datasets.String}},
		func(row []datasets.Value) error {
			if _, dup := rows[row[0].Str]; !dup {
				rows[row[0].Str] = len(ids)
			}
			ids = append(ids, row[0].Str)
			texts = append(texts, row[1].Str)
			return nil
		})
	if err != nil {
		return vecsim.Matrix{}, nil, nil, err
	}
	m, err := enc.Encode(ctx, texts, "document")
	return m, ids, rows, err
}

// RunOptions select the protocol version and seed the clusterings.
type RunOptions struct {
	// Version is the JMTEB protocol: "v1" (default; the published v1
	// leaderboard) or "v2" (JMTEB 1.4, the 28-task suite), whose
	// retrieval also records accuracy@20/30/50 and mrr@50 (nDCG@10 is the
	// same).
	Version string
	Seed    uint64
}

// Run loads a task's splits from src, embeds them with enc and runs its
// evaluator. Classification, clustering, STS and pair-classification
// texts are embedded as queries; retrieval and reranking documents as
// documents.
func Run(ctx context.Context, t Task, src Source, enc Encoder, opt RunOptions) (*Result, error) {
	seed := opt.Seed
	wrap := func(r *Result, err error) (*Result, error) {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name, err)
		}
		return r, nil
	}
	switch t.Kind {
	case KindClassification, KindClustering:
		var sets []LabeledSet
		splits := []string{t.Val, t.Test}
		if t.Kind == KindClassification {
			splits = []string{t.Train, t.Val, t.Test}
		}
		for _, sp := range splits {
			s, err := loadLabeled(ctx, src, enc, t.Config, sp)
			if err != nil {
				return wrap(nil, err)
			}
			sets = append(sets, s)
		}
		if t.Kind == KindClassification {
			return wrap(Classification(ctx, sets[0], sets[1], sets[2]))
		}
		return wrap(Clustering(ctx, sets[0], sets[1], ClusteringOptions{Seed: seed}))
	case KindSTS, KindPairClassification:
		float := t.Kind == KindSTS
		vp, vg, vl, err := loadPairs(ctx, src, enc, t.Config, t.Val, float)
		if err != nil {
			return wrap(nil, err)
		}
		tp, tg, tl, err := loadPairs(ctx, src, enc, t.Config, t.Test, float)
		if err != nil {
			return wrap(nil, err)
		}
		if float {
			return wrap(STS(vp, vg, tp, tg))
		}
		return wrap(PairClassification(vp, vl, tp, tl))
	case KindRetrieval:
		corpus, ids, _, err := loadCorpus(ctx, src, enc, t.CorpusConfig)
		if err != nil {
			return wrap(nil, err)
		}
		var splits [2]RetrievalSplit
		for i, sp := range []string{t.Val, t.Test} {
			var qs []string
			var rel [][]string
			err := readAll(ctx, src, t.QueryConfig, sp, []datasets.Column{{Name: "query", Type: datasets.String}, {Name: "relevant_docs", Type: datasets.IDList}},
				func(row []datasets.Value) error {
					qs = append(qs, row[0].Str)
					rel = append(rel, append([]string(nil), row[1].List...))
					return nil
				})
			if err != nil {
				return wrap(nil, err)
			}
			q, err := enc.Encode(ctx, qs, "query")
			if err != nil {
				return wrap(nil, err)
			}
			splits[i] = RetrievalSplit{Queries: q, Relevant: rel}
		}
		ro := RetrievalOptions{DocChunkSize: t.DocChunkSize}
		if opt.Version == "v2" {
			ro.AccuracyAtK = []int{1, 3, 5, 10, 20, 30, 50}
		}
		return wrap(Retrieval(ctx, corpus, ids, splits[0], splits[1], ro))
	case KindReranking:
		corpus, _, rows, err := loadCorpus(ctx, src, enc, t.CorpusConfig)
		if err != nil {
			return wrap(nil, err)
		}
		var splits [2]RerankingSplit
		for i, sp := range []string{t.Val, t.Test} {
			var qs []string
			var cands [][]int
			var rels [][]float64
			err := readAll(ctx, src, t.QueryConfig, sp, []datasets.Column{{Name: "query", Type: datasets.String},
				{Name: "retrieved_docs", Type: datasets.IDList}, {Name: "relevance_scores", Type: datasets.IDList}},
				func(row []datasets.Value) error {
					c := make([]int, len(row[1].List))
					for j, d := range row[1].List {
						r, ok := rows[d]
						if !ok {
							return fmt.Errorf("retrieved document %q is not in the corpus", d)
						}
						c[j] = r
					}
					g := make([]float64, len(row[2].List))
					for j, s := range row[2].List {
						f, err := strconv.ParseFloat(s, 64)
						if err != nil {
							return fmt.Errorf("relevance score %q: %w", s, err)
						}
						g[j] = f
					}
					qs = append(qs, row[0].Str)
					cands = append(cands, c)
					rels = append(rels, g)
					return nil
				})
			if err != nil {
				return wrap(nil, err)
			}
			q, err := enc.Encode(ctx, qs, "query")
			if err != nil {
				return wrap(nil, err)
			}
			splits[i] = RerankingSplit{Queries: q, Candidates: cands, Relevance: rels}
		}
		return wrap(Reranking(corpus, splits[0], splits[1], nil))
	}
	return nil, fmt.Errorf("%s: unknown evaluator %s", t.Name, t.Kind)
}
