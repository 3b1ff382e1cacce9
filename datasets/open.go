package datasets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jretrieve/jretrieve/hub"
)

// HubFetcher returns a Fetcher that downloads dataset files through c
// (into the huggingface_hub-compatible cache).
func HubFetcher(c *hub.Client) Fetcher {
	return FetchFunc(func(ctx context.Context, repo, file string) (string, error) {
		return c.Download(ctx, hub.Dataset(repo), file)
	})
}

// Names lists the dataset names Open accepts besides paths.
var Names = []string{"sample", "jqara", "jqara-test", "jqara-dev", "jqara-unused", "jacwir", "jacwir-retrieval"}

// Open resolves a dataset spec to a rerank Dataset or a Retrieval task
// (exactly one of the two is non-nil):
//
//	sample                      the embedded sample (no network)
//	jqara, jqara-<split>        JQaRA test (or dev, unused) through f
//	jacwir                      JaCWIR rerank (positive + 99 negatives) through f
//	jacwir-retrieval            JaCWIR over its whole collection through f
//	FILE.parquet, FILE.jsonl    a local file in JQaRA's schema
//	DIR                         a BEIR directory (queries.jsonl, corpus.jsonl,
//	                            qrels/test.tsv, or the only qrels/*.tsv), or a
//	                            JaCWIR directory (eval and collection files as
//	                            eval.parquet / eval.jsonl / eval/*.parquet ...)
//	retrieval:SPEC              SPEC as a retrieval task: a rerank dataset
//	                            becomes retrieval over its distinct passages,
//	                            a JaCWIR directory retrieval over its collection
//
// f may be nil when no download is needed.
func Open(ctx context.Context, spec string, f Fetcher) (*Dataset, *Retrieval, error) {
	if rest, ok := strings.CutPrefix(spec, "retrieval:"); ok {
		if dir, ok := jacwirDir(rest); ok {
			r, err := OpenJaCWIRRetrieval(ctx, dir[0], dir[1])
			if r != nil {
				r.Name = filepath.Base(filepath.Clean(rest)) + "-retrieval"
			}
			return nil, r, err
		}
		if rest == "jacwir" {
			rest = "jacwir-retrieval"
		}
		d, r, err := Open(ctx, rest, f)
		if err != nil || r != nil {
			return nil, r, err
		}
		r = d.Retrieval()
		r.Name = d.Name + "-retrieval"
		return nil, r, nil
	}
	needFetch := func() error {
		if f == nil {
			return fmt.Errorf("dataset %q must be downloaded but no hub client is configured", spec)
		}
		return nil
	}
	switch spec {
	case "sample":
		return Sample(), nil, nil
	case "jqara", "jqara-test", "jqara-dev", "jqara-unused":
		if err := needFetch(); err != nil {
			return nil, nil, err
		}
		split := strings.TrimPrefix(strings.TrimPrefix(spec, "jqara"), "-")
		if split == "" {
			split = "test"
		}
		d, err := LoadJQaRA(ctx, f, split)
		return d, nil, err
	case "jacwir":
		if err := needFetch(); err != nil {
			return nil, nil, err
		}
		d, err := LoadJaCWIR(ctx, f)
		return d, nil, err
	case "jacwir-retrieval":
		if err := needFetch(); err != nil {
			return nil, nil, err
		}
		r, err := LoadJaCWIRRetrieval(ctx, f)
		return nil, r, err
	}
	st, err := os.Stat(spec)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !strings.ContainsAny(spec, `/\.`) {
			return nil, nil, fmt.Errorf("unknown dataset %q (want %s, or a file or directory)", spec, strings.Join(Names, ", "))
		}
		return nil, nil, err
	}
	if !st.IsDir() {
		d, err := OpenJQaRA(ctx, spec)
		return d, nil, err
	}
	if dir, ok := jacwirDir(spec); ok {
		d, err := OpenJaCWIR(ctx, dir[0], dir[1])
		if d != nil {
			d.Name = filepath.Base(filepath.Clean(spec))
		}
		return d, nil, err
	}
	if _, err := os.Stat(filepath.Join(spec, "queries.jsonl")); err == nil {
		split := "test"
		if _, err := os.Stat(filepath.Join(spec, "qrels", "test.tsv")); err != nil {
			tsv, _ := filepath.Glob(filepath.Join(spec, "qrels", "*.tsv"))
			if len(tsv) != 1 {
				return nil, nil, fmt.Errorf("%s: no qrels/test.tsv and %d other qrels/*.tsv files", spec, len(tsv))
			}
			split = strings.TrimSuffix(filepath.Base(tsv[0]), ".tsv")
		}
		r, err := OpenBEIR(ctx, spec, split)
		return nil, r, err
	}
	return nil, nil, fmt.Errorf("%s: not a dataset directory (want queries.jsonl + corpus.jsonl + qrels/, or JaCWIR eval + collection files)", spec)
}

// jacwirDir finds the eval and collection files of a local JaCWIR
// directory: eval.{parquet,jsonl} or eval/*.{parquet,jsonl}, and the same
// for collection.
func jacwirDir(dir string) ([2]string, bool) {
	var out [2]string
	for i, name := range []string{"eval", "collection"} {
		var found []string
		for _, ext := range []string{".parquet", ".jsonl"} {
			if _, err := os.Stat(filepath.Join(dir, name+ext)); err == nil {
				found = append(found, filepath.Join(dir, name+ext))
			}
			m, _ := filepath.Glob(filepath.Join(dir, name, "*"+ext))
			found = append(found, m...)
		}
		if len(found) != 1 {
			return out, false
		}
		sort.Strings(found)
		out[i] = found[0]
	}
	return out, true
}
