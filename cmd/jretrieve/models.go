package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jretrieve/jretrieve/catalog"
	"github.com/jretrieve/jretrieve/onnx/ort"
)

// flagSet reports whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func init() {
	register(&command{
		name:    "models",
		summary: "list the model catalog (embedders, rerankers): dims, license, whether they run",
		run:     runModels,
	})
}

func runModels(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("models", "[--json] [--kind embedder|cross-encoder|multi-vector] [MODEL]\n       jretrieve models --speed [--threads N] [--graph G] [--quantize Q] [--kind K] [MODEL|DIR...]", stderr)
	asJSON := fs.Bool("json", false, "print JSON (all fields)")
	kind := fs.String("kind", "", "only models of this kind: embedder, cross-encoder or multi-vector")
	speed := fs.Bool("speed", false, "measure each model's throughput on this machine (a short calibration at JQaRA-length passages, cached) and project the time of a full JQaRA and JaCWIR evaluation")
	threads := fs.Int("threads", runtime.NumCPU(), "--speed: ONNX Runtime intra-op `threads`")
	form := addFormFlags(fs)
	ortLib := fs.String("ort-lib", "", "--speed: `path` of libonnxruntime.so (default: $JRETRIEVE_ORT_LIB, then the cache)")
	calib := fs.Duration("calibrate", 5*time.Second, "--speed: time each model for about this `long` (at least one batch)")
	refresh := fs.Bool("refresh", false, "--speed: measure again instead of reading the cache")
	cacheDir := fs.String("cache", defaultCacheDir("speed"), "--speed: measurement cache `dir` (empty: no cache)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	switch catalog.Kind(*kind) {
	case "", catalog.Embedder, catalog.CrossEncoder, catalog.MultiVector:
	default:
		return fmt.Errorf("%w: --kind %q: want embedder, cross-encoder or multi-vector", errUsage, *kind)
	}
	if *speed {
		if *threads < 1 {
			return fmt.Errorf("%w: --threads %d (want 1 or more)", errUsage, *threads)
		}
		if *calib <= 0 {
			return fmt.Errorf("%w: --calibrate %s (want a positive duration)", errUsage, *calib)
		}
		copts, err := form.options(false)
		if err != nil {
			return err
		}
		if _, err := ort.FindLibrary(*ortLib); err != nil && speedMeasureHook == nil {
			return fmt.Errorf("--speed times models on ONNX Runtime: %w (install it with ./scripts/install-onnxruntime.sh)", err)
		}
		return runSpeed(ctx, pos, *kind, speedOptions{threads: *threads, form: copts, ortLib: *ortLib,
			calibrate: *calib, refresh: *refresh, cacheDir: *cacheDir, stderr: stderr, json: *asJSON}, stdout)
	}
	for _, f := range []string{"threads", "graph", "quantize", "ort-lib", "calibrate", "refresh", "cache"} {
		if flagSet(fs, f) {
			return fmt.Errorf("%w: --%s applies to --speed only", errUsage, f)
		}
	}
	if len(pos) > 1 {
		return fmt.Errorf("%w: at most one MODEL", errUsage)
	}
	if len(pos) == 1 {
		m, ok := catalog.Lookup(pos[0])
		if !ok {
			return fmt.Errorf("model %q is not in the catalog (see 'jretrieve models')", pos[0])
		}
		if *asJSON {
			return writeJSON(stdout, m)
		}
		return describeModel(stdout, m)
	}
	var list []catalog.Model
	for _, m := range catalog.All() {
		if *kind == "" || m.Kind == catalog.Kind(*kind) {
			list = append(list, m)
		}
	}
	if *asJSON {
		return writeJSON(stdout, list)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tKIND\tDIMS\tMAX LEN\tLICENSE\tTOKENIZER\tRUNS\tONNX")
	for _, m := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n",
			m.ID, m.Kind, dimsColumn(m), m.MaxLength, licenseColumn(m), m.Tokenizer, runsColumn(m), onnxColumn(m))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nRUNS: yes = downloadable ONNX, or converted by jretrieve from the checkpoint on first use; export = run the ONNX export first ('jretrieve models MODEL' prints the command); no = not supported yet.")
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func dimsColumn(m catalog.Model) string {
	switch {
	case m.Kind == catalog.CrossEncoder:
		return "-"
	case m.Kind == catalog.MultiVector:
		return strconv.Itoa(m.Dims) + "/tok"
	}
	return strconv.Itoa(m.Dims)
}

func licenseColumn(m catalog.Model) string {
	l := m.License
	if m.NonCommercial {
		return "non-commercial"
	}
	if i := strings.Index(l, " ("); i > 0 {
		l = l[:i]
	}
	return l
}

func runsColumn(m catalog.Model) string {
	if m.Converted() {
		return "yes"
	}
	switch m.Support {
	case catalog.Ready:
		return "yes"
	case catalog.NeedsExport:
		return "export"
	}
	return "no"
}

func onnxColumn(m catalog.Model) string {
	o := m.ONNX
	if o.Source != catalog.ONNXRepo && m.Converted() {
		return "converted from checkpoint"
	}
	switch o.Source {
	case catalog.ONNXRepo:
		return "repo " + o.File
	case catalog.ONNXConversion:
		s := "conversion " + o.Repo
		if m.IsInferred("onnx.conversion") {
			s += " (unverified)"
		}
		if o.Export != "" {
			s += " or export"
		}
		return s
	case catalog.ONNXExport:
		if strings.HasPrefix(o.Export, "optimum-cli") {
			return "optimum export"
		}
		return "torch.onnx script"
	}
	return "-"
}

// describeModel prints one model, one "key: value" line per fact.
func describeModel(w io.Writer, m catalog.Model) error {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
		}
	}
	num := func(n int) string {
		if n == 0 {
			return "unknown"
		}
		return strconv.Itoa(n)
	}
	score := func(v float64) string {
		if v == 0 {
			return "-"
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	line("id", m.ID)
	line("kind", string(m.Kind))
	line("family", m.Family)
	line("architecture", m.Architecture)
	line("base model", m.BaseModel)
	line("params", m.Params)
	line("dims", dimsColumn(m))
	line("hidden size", num(m.HiddenSize))
	line("layers", num(m.Layers))
	line("max length", num(m.MaxLength))
	line("vocab", num(m.Vocab))
	line("tokenizer", fmt.Sprintf("%s (MeCab: %v, tokenizer.json: %v, lower-case: %v)", m.Tokenizer, m.NeedsMeCab, m.HasTokenizerJSON, m.LowerCase))
	line("tokenizer class", m.TokenizerClass)
	if m.Kind != catalog.CrossEncoder {
		line("pooling", fmt.Sprintf("%s (normalize: %v)", m.Pooling, m.Normalize))
		if m.PromptsInModel {
			line("prefixes", "from the model's config_sentence_transformers.json")
		} else {
			line("query prefix", strconv.Quote(m.QueryPrefix))
			line("document prefix", strconv.Quote(m.DocumentPrefix))
		}
	} else {
		line("head", fmt.Sprintf("%d label(s), %s", m.NumLabels, m.Activation))
	}
	line("license", m.License)
	line("trust_remote_code", map[bool]string{true: "required in Python"}[m.TrustRemoteCode])
	line("revision", m.Revision)
	line("weights", m.WeightsDType)
	line("library", m.Library)
	s := m.Scores
	if s.JQaRANDCG10 != 0 {
		line("JQaRA nDCG@10 / MRR@10", score(s.JQaRANDCG10)+" / "+score(s.JQaRAMRR10))
	}
	if s.JaCWIRMAP10 != 0 {
		line("JaCWIR MAP@10 / HIT@10", score(s.JaCWIRMAP10)+" / "+score(s.JaCWIRHit10))
	}
	if s.JMTEBAvg != 0 {
		line("JMTEB v1 avg / retrieval / reranking", score(s.JMTEBAvg)+" / "+score(s.JMTEBRetrieval)+" / "+score(s.JMTEBReranking))
	}
	keys := make([]string, 0, len(s.Other))
	for k := range s.Other {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		line(k, score(s.Other[k]))
	}
	if m.Converted() {
		line("runs", "yes (jretrieve converts the checkpoint to ONNX on first use; 'jretrieve convert "+m.ID+"' does it ahead)")
		line("without conversion", string(m.Support)+": "+m.Reason)
	} else {
		line("runs", runsColumn(m)+" ("+string(m.Support)+")")
		line("why", m.Reason)
	}
	line("onnx", onnxColumn(m))
	line("onnx repo", strings.TrimSpace(m.ONNX.Repo+" "+m.ONNX.File))
	line("export command", m.ONNX.Export)
	line("community conversions", strings.Join(m.ONNX.Community, "; "))
	line("inferred (hypotheses)", strings.Join(m.Inferred, ", "))
	line("unknown", strings.Join(m.Unknown, ", "))
	for _, n := range m.Notes {
		line("note", n)
	}
	return tw.Flush()
}
