package main

import (
	"context"
	"fmt"
	"io"

	"github.com/jretrieve/jretrieve/datasets"
	"github.com/jretrieve/jretrieve/hub"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
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
	if *limit < 0 {
		return fmt.Errorf("%w: --limit %d (want 0 for all queries, or N > 0)", errUsage, *limit)
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
		if err := atomicfile.Write(*qrelsOut, qrels.WriteTREC); err != nil {
			return err
		}
	}
	return nil
}
