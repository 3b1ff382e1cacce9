package main

import (
	"context"
	"fmt"
	"io"

	"github.com/jretrieve/jretrieve/eval"
)

func init() {
	register(&command{name: "convert", summary: "convert a run between TREC, ranx JSON and ranx .lz4", run: runConvert})
}

const convertSynopsis = `[flags] IN OUT

Reads the run IN (format detected from its content) and writes it to OUT in
the format named by OUT's extension (.lz4, .json, else TREC) or --to. The
.lz4 output is what ranx's Run.save writes and Run.from_file reads. Scores
are written to round-trip exactly and documents keep IN's order (TREC
lines carry the rank), so that ranx evaluates OUT as IN, tied scores
included; OUT is read back and a warning says when it differs.

Example:
  jretrieve convert runs/bm25.lz4 bm25.trec`

func runConvert(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("convert", convertSynopsis, stderr)
	to := fs.String("to", "", "output `format`: trec, json or lz4 (default: from OUT's extension)")
	name := fs.String("name", "", "run `name` (TREC tag; default: IN's base name)")
	paths, err := evParseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(paths) != 2 {
		fs.Usage()
		return fmt.Errorf("%w: want IN and OUT, got %d arguments", errUsage, len(paths))
	}
	f, err := evOutputFormat(paths[1], *to)
	if err != nil {
		return err
	}
	run, err := eval.ReadRunFile(paths[0])
	if err != nil {
		return err
	}
	if *name != "" {
		run.SetName(*name)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := eval.WriteRunFileFormat(paths[1], run, f); err != nil {
		return err
	}
	// Check that OUT reads back as the same run (documents, insertion
	// order, scores to the bit): then every metric is unchanged. Say so
	// when it is not (e.g. TREC cannot hold a query without documents).
	back, err := eval.ReadRunFile(paths[1])
	if err != nil {
		fmt.Fprintf(stderr, "jretrieve convert: warning: %s does not read back (%v); evaluating it can differ from %s\n", paths[1], err, paths[0])
		return nil
	}
	if d := run.Diff(back); d != "" {
		fmt.Fprintf(stderr, "jretrieve convert: warning: %s differs from %s (%s); evaluating it can give other numbers\n", paths[1], paths[0], d)
	}
	return nil
}
