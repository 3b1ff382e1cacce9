package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/jretrieve/jretrieve/eval"
)

func init() {
	register(&command{name: "fuse", summary: "fuse runs (ranx's methods: RRF, CombSUM, CombMNZ, ...) into a hybrid run", run: runFuse})
}

const fuseSynopsis = `-o OUT [flags] RUN...

Combines the RUNs (TREC, ranx JSON or ranx .lz4) into one run and writes it
to OUT in the format named by its extension (.lz4, .json, else TREC) unless
--format is given.

Example:
  jretrieve fuse --method rrf -o hybrid.lz4 bm25.lz4 ruri-base.lz4`

func runFuse(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fuse", fuseSynopsis, stderr)
	method := fs.String("method", "rrf", "fusion `method` (ranx's): "+strings.Join(eval.FuseMethods(), ", "))
	k := fs.Float64("k", 60, "RRF constant k in 1/(k + rank)")
	norm := fs.String("norm", "minmax", "score `normalization` applied to each run first (ranx's): "+strings.Join(eval.FuseNorms(), ", "))
	gamma := fs.Float64("gamma", 1, "gmnz exponent")
	sigma := fs.Float64("sigma", 0.01, "logn_isr constant")
	phi := fs.Float64("phi", 0.8, "rbc persistence")
	weights := fs.String("weights", "", "comma-separated per-run `weights` (default 1 each)")
	ties := fs.String("ties", "ranx", "tie `policy` used to rank each run for RRF: ranx, trec or stable")
	name := fs.String("name", "fused", "`name` of the fused run (TREC tag)")
	out := fs.String("o", "", "output `file` (required)")
	format := fs.String("format", "", "output `format`: trec, json or lz4 (default: from the extension of -o)")
	paths, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return fmt.Errorf("%w: -o is required", errUsage)
	}
	if len(paths) < 2 {
		fs.Usage()
		return fmt.Errorf("%w: need at least two runs to fuse", errUsage)
	}
	policy, err := eval.ParseTiePolicy(*ties)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	opt := eval.FuseOptions{Name: *name, K: *k, Norm: *norm, Ties: policy, Gamma: *gamma, Sigma: *sigma, Phi: *phi}
	if *k <= 0 {
		return fmt.Errorf("%w: -k must be positive", errUsage)
	}
	if *weights != "" {
		for _, w := range evSplitList(*weights) {
			f, err := strconv.ParseFloat(w, 64)
			if err != nil {
				return fmt.Errorf("%w: bad weight %q", errUsage, w)
			}
			opt.Weights = append(opt.Weights, f)
		}
		if len(opt.Weights) != len(paths) {
			return fmt.Errorf("%w: %d weights for %d runs", errUsage, len(opt.Weights), len(paths))
		}
	}
	f, err := evOutputFormat(*out, *format)
	if err != nil {
		return err
	}
	runs := make([]*eval.Run, len(paths))
	err = evParallel(ctx, len(paths), runtime.GOMAXPROCS(0), func(i int) error {
		r, err := eval.ReadRunFile(paths[i])
		runs[i] = r
		return err
	})
	if err != nil {
		return err
	}
	fused, err := eval.Fuse(*method, runs, opt)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return eval.WriteRunFileFormat(*out, fused, f)
}

// evOutputFormat resolves the format of an output run file.
func evOutputFormat(path, flagValue string) (eval.Format, error) {
	if flagValue != "" {
		f, err := eval.ParseFormat(flagValue)
		if err != nil {
			return "", fmt.Errorf("%w: %v", errUsage, err)
		}
		return f, nil
	}
	if f := eval.FormatFromPath(path); f != "" {
		return f, nil
	}
	return eval.FormatTREC, nil
}
