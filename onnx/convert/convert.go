package convert

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"github.com/jretrieve/jretrieve/internal/atomicfile"
	"google.golang.org/protobuf/proto"
)

// Version is the converter's version. It is part of the conversion cache
// key: bump it whenever a graph the converter writes changes.
const Version = "1"

// Options tunes a conversion.
type Options struct {
	// CopyWeights writes every weight into the data file beside the graph
	// instead of pointing fp32 initializers into the safetensors files.
	CopyWeights bool
	// Graph is the graph form: GraphPlain ("" or "plain") or GraphFused.
	Graph string
	// Quantize is QuantNone ("" or "none"), QuantInt8, QuantInt4 or
	// QuantInt8Block.
	Quantize string
}

// Key is the part of a cache key that the options contribute.
func (o Options) Key() string {
	if o.CopyWeights {
		return "copy" + o.formKey()
	}
	return "ref" + o.formKey()
}

// Result describes a written conversion.
type Result struct {
	// ONNX is the path of the written graph.
	ONNX string
	// Architecture is the config's architectures[0] (or model_type).
	Architecture string
	// Output is the graph's output: "last_hidden_state" or "logits".
	Output string
	// Data is the converted-weights file beside the graph ("" if none).
	Data string
	// Linked are the weight files the graph points into, as linked into
	// the output directory.
	Linked []string
}

// ONNXName is the file name of the written graph; DataName its external
// data file.
const (
	ONNXName = "model.onnx"
	DataName = "model.onnx.data"
)

// architecture describes how one transformers class converts.
type architecture struct {
	modelType string
	// prefixes are the tensor name prefixes of the base model, tried in
	// order (the first that holds probe wins).
	prefixes []string
	probe    string
	head     bool
	build    func(b *graph, c *config, head bool)
}

var architectures = map[string]architecture{
	"BertModel":                           {"bert", []string{"", "bert."}, "embeddings.word_embeddings.weight", false, buildBert},
	"BertForMaskedLM":                     {"bert", []string{"bert.", ""}, "embeddings.word_embeddings.weight", false, buildBert},
	"BertForPreTraining":                  {"bert", []string{"bert.", ""}, "embeddings.word_embeddings.weight", false, buildBert},
	"BertForSequenceClassification":       {"bert", []string{"bert."}, "embeddings.word_embeddings.weight", true, buildBert},
	"HF_ColBERT":                          {"bert", []string{"bert."}, "embeddings.word_embeddings.weight", false, buildColBERT},
	"DistilBertModel":                     {"distilbert", []string{"", "distilbert."}, "embeddings.word_embeddings.weight", false, buildDistilBert},
	"DistilBertForMaskedLM":               {"distilbert", []string{"distilbert.", ""}, "embeddings.word_embeddings.weight", false, buildDistilBert},
	"DistilBertForSequenceClassification": {"distilbert", []string{"distilbert."}, "embeddings.word_embeddings.weight", true, buildDistilBert},
	"XLMRobertaModel":                     {"xlm-roberta", []string{"", "roberta."}, "embeddings.word_embeddings.weight", false, buildXLMRoberta},
	"XLMRobertaForMaskedLM":               {"xlm-roberta", []string{"roberta.", ""}, "embeddings.word_embeddings.weight", false, buildXLMRoberta},
	"XLMRobertaForSequenceClassification": {"xlm-roberta", []string{"roberta."}, "embeddings.word_embeddings.weight", true, buildXLMRoberta},
	"LukeModel":                           {"luke", []string{"", "luke."}, "embeddings.word_embeddings.weight", false, buildLuke},
	"LlamaModel":                          {"llama", []string{"", "model."}, "embed_tokens.weight", false, buildLlama},
	"ModernBertModel":                     {"modernbert", []string{"", "model."}, "embeddings.tok_embeddings.weight", false, buildModernBert},
	"ModernBertForMaskedLM":               {"modernbert", []string{"model.", ""}, "embeddings.tok_embeddings.weight", false, buildModernBert},
	"ModernBertForSequenceClassification": {"modernbert", []string{"model."}, "embeddings.tok_embeddings.weight", true, buildModernBert},
}

// baseByType is the base-model class used when config.json names no
// architecture.
var baseByType = map[string]string{
	"bert":        "BertModel",
	"distilbert":  "DistilBertModel",
	"xlm-roberta": "XLMRobertaModel",
	"modernbert":  "ModernBertModel",
	"luke":        "LukeModel",
	"llama":       "LlamaModel",
}

// Supported returns the transformers classes the converter builds, sorted.
func Supported() []string {
	out := make([]string, 0, len(architectures))
	for a := range architectures {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// SupportsType reports whether the converter builds config model_type t.
func SupportsType(t string) bool {
	_, ok := baseByType[t]
	return ok
}

// Convert reads the Hugging Face checkpoint in dir (config.json and
// weights, see ReadCheckpoint) and writes outDir/model.onnx, equivalent to
// the transformers forward pass of config.json's architecture: the base
// model's last_hidden_state, or the logits of a sequence-classification
// head. outDir may be dir itself. fp32 weights stay in their safetensors
// file (linked into outDir when it is another directory) unless
// opts.CopyWeights; other weights are converted to fp32 in
// outDir/model.onnx.data. Any architecture or config flag the converter does
// not implement is an error naming it.
func Convert(ctx context.Context, dir, outDir string, opts Options) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	cfg, err := readConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, err
	}
	archName, arch, err := cfg.resolveArch()
	if err != nil {
		return nil, err
	}
	ckpt, err := ReadCheckpoint(dir)
	if err != nil {
		return nil, err
	}
	prefix, found := "", false
	for _, p := range arch.prefixes {
		if _, ok := ckpt.Tensors[p+arch.probe]; ok {
			prefix, found = p, true
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("convert: %s: no tensor %s under prefixes %q for %s", dir, arch.probe, arch.prefixes, archName)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	ext, err := newExternalData(outDir, DataName, !opts.CopyWeights)
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	if !opts.CopyWeights {
		for _, f := range ckpt.Files {
			if !strings.HasSuffix(f, ".safetensors") {
				continue // pytorch_model.bin: read into memory, converted
			}
			ok, err := linkWeights(f, filepath.Join(outDir, filepath.Base(f)))
			if err != nil {
				ext.abort()
				return nil, fmt.Errorf("convert: %w", err)
			}
			if ok {
				ext.refs[f] = filepath.Base(f)
			}
		}
	}
	b := newGraph(archName, ckpt, ext)
	b.prefix, b.base = prefix, prefix
	arch.build(b, cfg, arch.head)
	extraOpsets := b.finishForm(opts, cfg.int("max_position_embeddings", 512))
	if cfg.err != nil {
		ext.abort()
		return nil, cfg.err
	}
	if b.err == nil {
		b.checkLayersUsed(prefix)
	}
	if b.err != nil {
		ext.abort()
		return nil, fmt.Errorf("convert: %s (%s): %w", dir, archName, b.err)
	}
	if err := ctx.Err(); err != nil {
		ext.abort()
		return nil, err
	}
	res := &Result{Architecture: archName, Output: b.g.Output[0].Name}
	wrote, err := ext.finish(filepath.Join(outDir, DataName))
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	if wrote {
		res.Data = filepath.Join(outDir, DataName)
	} else {
		os.Remove(filepath.Join(outDir, DataName))
	}
	for _, src := range sortedKeys(ext.refs) {
		dst := filepath.Join(outDir, ext.refs[src])
		if !ext.used[src] {
			// Linked but not referenced (no fp32 tensor in it).
			if !sameFile(src, dst) {
				os.Remove(dst)
			}
			continue
		}
		res.Linked = append(res.Linked, dst)
	}
	model := &pb.ModelProto{
		IrVersion:       irVersion,
		ProducerName:    "jretrieve-convert",
		ProducerVersion: Version,
		OpsetImport:     []*pb.OperatorSetIdProto{{Domain: "", Version: opset}},
		Graph:           b.g,
		MetadataProps: []*pb.StringStringEntryProto{
			{Key: "architecture", Value: archName},
			{Key: "tensors", Value: strconv.Itoa(len(b.used))},
		},
	}
	if extraOpsets != nil {
		model.OpsetImport = append(model.OpsetImport, extraOpsets...)
		model.MetadataProps = append(model.MetadataProps,
			&pb.StringStringEntryProto{Key: "graph", Value: opts.graph()},
			&pb.StringStringEntryProto{Key: "quantize", Value: opts.quantize()})
	}
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(model)
	if err != nil {
		return nil, fmt.Errorf("convert: marshal graph: %w", err)
	}
	res.ONNX = filepath.Join(outDir, ONNXName)
	if err := atomicfile.Write(res.ONNX, func(w io.Writer) error {
		_, err := w.Write(raw)
		return err
	}); err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	return res, nil
}

// resolveArch finds the architecture config.json names (or its
// model_type's base model).
func (cfg *config) resolveArch() (string, architecture, error) {
	archName := cfg.architecture()
	modelType := cfg.str("model_type", "")
	if archName == "" {
		archName = baseByType[modelType]
		if archName == "" {
			return "", architecture{}, fmt.Errorf("convert: %s: model_type %q is not supported by the converter (supported: %s)", cfg.path, modelType, strings.Join(sortedKeys(baseByType), ", "))
		}
	}
	arch, ok := architectures[archName]
	if !ok {
		return "", architecture{}, fmt.Errorf("convert: %s: architecture %s is not supported by the converter (supported: %s)", cfg.path, archName, strings.Join(Supported(), ", "))
	}
	if modelType != arch.modelType {
		return "", architecture{}, fmt.Errorf("convert: %s: architecture %s with model_type %q (want %q)", cfg.path, archName, modelType, arch.modelType)
	}
	return archName, arch, nil
}

// layerRoots are the tensor name prefixes (under the base model's prefix)
// of the transformer blocks; layerUnused are per-layer tensors the graph
// may legitimately leave out (LUKE's entity-aware queries, for word
// inputs only).
var (
	layerRoots  = []string{"encoder.layer.", "transformer.layer.", "layers."}
	layerUnused = []string{".attention.self.w2e_query.", ".attention.self.e2w_query.", ".attention.self.e2e_query."}
)

// checkLayersUsed fails when a transformer-block tensor of the checkpoint
// is not in the graph: more layers than the config says, or a module the
// converter does not know would otherwise be silently dropped.
func (b *graph) checkLayersUsed(prefix string) {
	for _, name := range b.ckpt.Names() {
		if b.used[name] || !strings.HasPrefix(name, prefix) {
			continue
		}
		rest := name[len(prefix):]
		inLayer := false
		for _, r := range layerRoots {
			inLayer = inLayer || strings.HasPrefix(rest, r)
		}
		skip := false
		for _, u := range layerUnused {
			skip = skip || strings.Contains(rest, u)
		}
		if inLayer && !skip {
			b.fail("checkpoint tensor %s is not used by the network config.json describes (more layers, or a module the converter does not implement)", name)
			return
		}
	}
}

// linkWeights makes dst name the same bytes as src: nothing when they are
// already the same file, else a hard link. A symbolic link would not do:
// ONNX Runtime resolves it and refuses external data outside the model's
// directory. It reports false when no hard link can be made (another file
// system); the caller then copies the weights.
func linkWeights(src, dst string) (bool, error) {
	ss, err := os.Stat(src)
	if err != nil {
		return false, err
	}
	if ds, err := os.Stat(dst); err == nil && os.SameFile(ss, ds) {
		return true, nil
	}
	// Resolve src first: a Hugging Face snapshot file is itself a symbolic
	// link into the blob store.
	real, err := filepath.EvalSymlinks(src)
	if err != nil {
		return false, err
	}
	tmp := dst + ".link-tmp"
	os.Remove(tmp)
	if err := os.Link(real, tmp); err != nil {
		return false, nil
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return false, err
	}
	return true, nil
}

func sameFile(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb) && filepath.Clean(a) == filepath.Clean(b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
