package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jretrieve/jretrieve/eval"
	"github.com/jretrieve/jretrieve/hub"
	"github.com/jretrieve/jretrieve/onnx/convert"
	"github.com/jretrieve/jretrieve/onnx/modeldir"
)

func init() {
	register(&command{name: "convert", summary: "convert a model checkpoint to ONNX (MODEL), or a run between TREC, ranx JSON and .lz4 (IN OUT)", run: runConvert})
}

const convertSynopsis = `[flags] MODEL_OR_DIR | IN OUT

With one argument, converts a Hugging Face checkpoint (config.json and
model.safetensors, sharded or not; fp32, fp16 or bf16; or
pytorch_model.bin) to ONNX in Go: a
model directory, a catalog name or a Hub repository id (downloaded into
the Hugging Face cache). Without --out the result goes to jretrieve's
cache, where eval, embed, index and rag find it (they also convert on
first use; this only does it ahead); with --out DIR, DIR becomes a
complete model directory (model.onnx, config and tokenizer files, the
fp32 weights hard-linked or converted copies). Supported: BERT,
DistilBERT, XLM-RoBERTa, ModernBERT (and their sequence-classification
heads), LUKE (word inputs), ColBERT (HF_ColBERT, JaColBERT) and Llama
(LlamaModel, sarashina-embedding-v1-1b); anything else is an error naming
the architecture or config flag.

With two arguments, reads the run IN (format detected from its content)
and writes it to OUT in the format named by OUT's extension (.lz4, .json,
else TREC) or --to. The .lz4 output is what ranx's Run.save writes and
Run.from_file reads. Scores are written to round-trip exactly and
documents keep IN's order (TREC lines carry the rank), so that ranx
evaluates OUT as IN, tied scores included; OUT is read back and a warning
says when it differs.

Example:
  jretrieve convert cl-nagoya/ruri-v3-30m
  jretrieve convert ./my-bert-checkpoint --out ./my-bert-onnx
  jretrieve convert runs/bm25.lz4 bm25.trec`

func runConvert(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("convert", convertSynopsis, stderr)
	to := fs.String("to", "", "run conversion: output `format`: trec, json or lz4 (default: from OUT's extension)")
	name := fs.String("name", "", "run conversion: run `name` (TREC tag; default: IN's base name)")
	out := fs.String("out", "", "model conversion: write the model directory to `DIR` (default: jretrieve's cache)")
	copyWeights := fs.Bool("copy-weights", false, "model conversion: copy every weight into model.onnx.data instead of pointing into the safetensors files")
	form := addFormFlags(fs)
	paths, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch len(paths) {
	case 1:
		if st, err := os.Stat(paths[0]); err == nil && !st.IsDir() {
			fs.Usage()
			return fmt.Errorf("%w: %s is a file: want IN and OUT to convert a run, or one model directory or name", errUsage, paths[0])
		}
		if *to != "" || *name != "" {
			return fmt.Errorf("%w: --to and --name apply to run conversion (IN OUT)", errUsage)
		}
		opts, err := form.options(*copyWeights)
		if err != nil {
			return err
		}
		return convertModel(ctx, paths[0], *out, opts, stdout)
	case 2:
		if *out != "" || *copyWeights || *form.graph != convert.GraphPlain || *form.quantize != convert.QuantNone {
			return fmt.Errorf("%w: --out, --copy-weights, --graph and --quantize apply to model conversion (one MODEL_OR_DIR argument)", errUsage)
		}
	default:
		fs.Usage()
		return fmt.Errorf("%w: want MODEL_OR_DIR, or IN and OUT; got %d arguments", errUsage, len(paths))
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

// convertModel converts the checkpoint of model into out, or into the
// cache when out is empty, and prints where the graph went.
func convertModel(ctx context.Context, model, out string, opts convert.Options, stdout io.Writer) error {
	dir, repo, commit, err := modeldir.Checkpoint(ctx, model, hub.New(hub.FromEnv()))
	if err != nil {
		return err
	}
	if out == "" {
		d, err := modeldir.ConvertedDir(ctx, dir, repo, commit, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", d)
		return nil
	}
	res, err := modeldir.ConvertInto(ctx, dir, out, opts)
	if err != nil {
		return err
	}
	weights := "weights in " + strings.Join(append(append([]string{}, res.Linked...), res.Data), ", ")
	fmt.Fprintf(stdout, "%s: %s -> %s (%s)\n", res.Architecture, res.Output, res.ONNX, strings.TrimSuffix(weights, ", "))
	return nil
}
