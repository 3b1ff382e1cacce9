package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/jretrieve/jretrieve/datasets"
	"github.com/jretrieve/jretrieve/hub"
)

func init() {
	register(&command{name: "dataset", summary: "show a dataset's size and write its qrels (TREC)", run: runDataset})
}

const datasetSynopsis = `[--limit N] [--qrels FILE] DATASET

DATASET is sample (embedded), jqara, jqara-dev, jqara-unused, jacwir,
jacwir-retrieval, a local .parquet/.jsonl file in JQaRA's schema, a BEIR
directory (queries.jsonl, corpus.jsonl, qrels/*.tsv) or a JaCWIR directory
(eval and collection files); retrieval:DATASET gives its retrieval form.

Examples:
  jretrieve dataset sample
  jretrieve dataset --qrels qrels.trec jqara`

func runDataset(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("dataset", datasetSynopsis, stderr)
	limit := fs.Int("limit", 0, "keep only the first `N` queries in sorted id order")
	qrelsOut := fs.String("qrels", "", "write the qrels in TREC format (as ranx saves them) to `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: want one DATASET", errUsage)
	}
	client := hub.New(hub.FromEnv())
	d, r, err := datasets.Open(ctx, fs.Arg(0), datasets.HubFetcher(client))
	if err != nil {
		return err
	}
	var qrels datasets.Qrels
	if d != nil {
		d = d.Limit(*limit)
		qrels = d.Qrels
		fmt.Fprintf(stdout, "%s: rerank, %d queries, %d query-candidate pairs, %d distinct passages, %d judgments\n",
			d.Name, len(d.Queries), d.NumPairs(), len(d.Docs), len(d.Qrels))
	} else {
		r = r.Limit(*limit)
		qrels = r.Qrels
		docs := "unknown number of"
		if r.NumDocs >= 0 {
			docs = fmt.Sprint(r.NumDocs)
		}
		fmt.Fprintf(stdout, "%s: retrieval, %d queries, %s documents, %d judgments\n", r.Name, len(r.Queries), docs, len(r.Qrels))
	}
	if *qrelsOut != "" {
		if err := writeDatasetFile(*qrelsOut, qrels.WriteTREC); err != nil {
			return err
		}
	}
	return nil
}

// writeDatasetFile writes path through a temporary file in the same
// directory, renamed into place once complete.
func writeDatasetFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
