package modeldir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Pooling modes, as named by sentence-transformers.
const (
	PoolCLS         = "cls"
	PoolMean        = "mean"
	PoolMax         = "max"
	PoolMeanSqrtLen = "mean_sqrt_len_tokens"
	PoolLastToken   = "lasttoken"
)

// Activations applied to cross-encoder logits.
const (
	ActSigmoid  = "sigmoid"
	ActIdentity = "identity"
	ActSoftmax  = "softmax" // two or more labels: probability of the positive label (opt-in)
	ActTanh     = "tanh"
)

// Config is what jretrieve needs from a model directory.
type Config struct {
	Dir  string
	ONNX string // path of the ONNX file; "" when none was found (see CheckONNX)

	ModelType             string   // config.json model_type
	Architectures         []string // config.json architectures
	HiddenSize            int
	MaxPositionEmbeddings int
	VocabSize             int // config.json vocab_size (0 if absent): rows of the token embedding table
	TypeVocabSize         int // config.json type_vocab_size (0 if absent)
	PadTokenID            int64
	NumLabels             int               // 0 when config.json declares none
	ID2Label              map[int]string    // config.json id2label
	Activation            string            // cross-encoder activation (Act*)
	SentenceTransformers  bool              // modules.json present
	Pooling               string            // Pool*; "" without a Pooling module
	IncludePrompt         bool              // Pooling include_prompt (default true)
	Normalize             bool              // a Normalize module follows pooling
	MaxSeqLength          int               // resolved maximum sequence length (tokens)
	Prompts               map[string]string // config_sentence_transformers.json prompts
	DefaultPromptName     string
	DoLowerCase           bool // sentence_bert_config.json do_lower_case: lower-case inputs before tokenizing
	ModelMaxLength        int  // tokenizer_config.json model_max_length (0 if absent/huge)
	sbertMaxSeqLengthSeen bool
}

// Read reads the model directory dir.
func Read(dir string) (*Config, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("modeldir: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("modeldir: %s is not a directory", dir)
	}
	c := &Config{Dir: dir, IncludePrompt: true, Prompts: map[string]string{}}
	if err := c.readConfig(); err != nil {
		return nil, err
	}
	if err := c.readModules(); err != nil {
		return nil, err
	}
	if err := c.readPrompts(); err != nil {
		return nil, err
	}
	if err := c.readTokenizerConfig(); err != nil {
		return nil, err
	}
	c.resolveMaxLength()
	for _, cand := range []string{"model.onnx", filepath.Join("onnx", "model.onnx")} {
		p := filepath.Join(dir, cand)
		if _, err := os.Stat(p); err == nil {
			c.ONNX = p
			break
		}
	}
	return c, nil
}

// CheckONNX reports an error when the directory has no ONNX file.
func (c *Config) CheckONNX() error {
	if c.ONNX == "" {
		return fmt.Errorf("modeldir: %s: no model.onnx or onnx/model.onnx (export the model with Optimum: optimum-cli export onnx --model ID --task feature-extraction DIR)", c.Dir)
	}
	if _, err := os.Stat(c.ONNX); err != nil {
		return fmt.Errorf("modeldir: %w", err)
	}
	return c.checkWeights()
}

// Upper bounds of config.json sizes, far above any real encoder (hidden
// sizes reach 16384, vocabularies a few hundred thousand): larger values
// are refused before anything is allocated from them.
const (
	maxHiddenSize = 1 << 17
	maxVocabSize  = 1 << 24
	maxPositions  = 1 << 24
	maxLabels     = 1 << 16
)

// checkSizes bounds the sizes read from config.json.
func (c *Config) checkSizes(p string) error {
	for _, f := range []struct {
		key   string
		v     int
		limit int
	}{
		{"hidden_size", c.HiddenSize, maxHiddenSize},
		{"vocab_size", c.VocabSize, maxVocabSize},
		{"type_vocab_size", c.TypeVocabSize, maxVocabSize},
		{"max_position_embeddings", c.MaxPositionEmbeddings, maxPositions},
		{"num_labels", c.NumLabels, maxLabels},
	} {
		if f.v < 0 || f.v > f.limit {
			return fmt.Errorf("modeldir: %s: %s is %d, outside [0, %d]: not a model this program can run (damaged config.json?)", p, f.key, f.v, f.limit)
		}
	}
	return nil
}

// checkWeights compares hidden_size and vocab_size with the size of the
// ONNX weights: the token embedding table alone holds vocab_size x
// hidden_size weights (and any layer hidden_size^2), at least half a byte
// each (4-bit quantization). A config.json that claims more describes
// another model.
func (c *Config) checkWeights() error {
	h := int64(c.HiddenSize)
	if h <= 0 {
		return nil
	}
	minParams := h * h
	if v := int64(c.VocabSize); v*h > minParams {
		minParams = v * h
	}
	need := minParams / 2
	have := weightBytes(c.ONNX, true)
	if have < need {
		have = weightBytes(c.ONNX, false)
	}
	if have < need {
		return fmt.Errorf("modeldir: %s: hidden_size %d and vocab_size %d mean at least %d weights, but %s and its data files hold %d bytes: config.json does not describe this model",
			filepath.Join(c.Dir, "config.json"), c.HiddenSize, c.VocabSize, minParams, c.ONNX, have)
	}
	return nil
}

// weightBytes sums the size of the ONNX file and of the files beside it
// that hold its external data (named after it, e.g. model.onnx_data), or,
// with named false, of every file in its directory.
func weightBytes(onnxPath string, named bool) int64 {
	dir, base := filepath.Split(onnxPath)
	ents, err := os.ReadDir(filepath.Clean(dir))
	if err != nil {
		return 0
	}
	var n int64
	for _, e := range ents {
		if named && !strings.HasPrefix(e.Name(), base) {
			continue
		}
		// Stat, not the entry's Lstat: Hugging Face snapshot files are
		// symbolic links into the blob store.
		if fi, err := os.Stat(filepath.Join(dir, e.Name())); err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
	}
	return n
}

// readJSON decodes dir/name into v. It returns (false, nil) if the file is absent.
func (c *Config) readJSON(name string, v any) (bool, error) {
	p := filepath.Join(c.Dir, name)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("modeldir: %w", err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return false, fmt.Errorf("modeldir: %s: %w", p, err)
	}
	return true, nil
}

func num(m map[string]any, key string) (int64, bool, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	n, isNum := v.(json.Number)
	if !isNum {
		return 0, false, fmt.Errorf("field %q is %T, want a number", key, v)
	}
	i, err := n.Int64()
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil {
			return 0, false, fmt.Errorf("field %q: %w", key, err)
		}
		if f > 1e15 {
			return 0, false, nil // "infinite" model_max_length
		}
		i = int64(f)
	}
	return i, true, nil
}

func (c *Config) readConfig() error {
	var m map[string]any
	ok, err := c.readJSON("config.json", &m)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("modeldir: %s: no config.json", c.Dir)
	}
	p := filepath.Join(c.Dir, "config.json")
	if s, ok := m["model_type"].(string); ok {
		c.ModelType = s
	}
	if a, ok := m["architectures"].([]any); ok {
		for _, x := range a {
			if s, ok := x.(string); ok {
				c.Architectures = append(c.Architectures, s)
			}
		}
	}
	for _, k := range []string{"hidden_size", "dim", "d_model"} {
		v, ok, err := num(m, k)
		if err != nil {
			return fmt.Errorf("modeldir: %s: %w", p, err)
		}
		if ok {
			c.HiddenSize = int(v)
			break
		}
	}
	if v, ok, err := num(m, "max_position_embeddings"); err != nil {
		return fmt.Errorf("modeldir: %s: %w", p, err)
	} else if ok {
		c.MaxPositionEmbeddings = int(v)
	}
	for _, f := range []struct {
		key string
		dst *int
	}{{"vocab_size", &c.VocabSize}, {"type_vocab_size", &c.TypeVocabSize}} {
		v, ok, err := num(m, f.key)
		if err != nil {
			return fmt.Errorf("modeldir: %s: %w", p, err)
		}
		if ok && v < 0 {
			return fmt.Errorf("modeldir: %s: field %q is %d, want >= 0", p, f.key, v)
		}
		if ok {
			*f.dst = int(v)
		}
	}
	if v, ok, err := num(m, "pad_token_id"); err != nil {
		return fmt.Errorf("modeldir: %s: %w", p, err)
	} else if ok {
		c.PadTokenID = v
	}
	if raw, ok := m["id2label"].(map[string]any); ok {
		c.ID2Label = map[int]string{}
		for k, v := range raw {
			i, err := strconv.Atoi(k)
			if err != nil {
				return fmt.Errorf("modeldir: %s: id2label key %q: %w", p, k, err)
			}
			s, _ := v.(string)
			c.ID2Label[i] = s
		}
		c.NumLabels = len(raw)
	}
	if v, ok, err := num(m, "num_labels"); err != nil {
		return fmt.Errorf("modeldir: %s: %w", p, err)
	} else if ok {
		c.NumLabels = int(v)
	}
	if err := c.checkSizes(p); err != nil {
		return err
	}
	// Cross-encoder activation, as sentence_transformers.CrossEncoder resolves it.
	fn := ""
	if st, ok := m["sentence_transformers"].(map[string]any); ok {
		fn, _ = st["activation_fn"].(string)
	}
	if fn == "" {
		fn, _ = m["sbert_ce_default_activation_function"].(string)
	}
	switch {
	case fn == "":
		// sentence-transformers' CrossEncoder: Sigmoid for one label, else
		// Identity (raw logits).
		switch {
		case c.NumLabels <= 1:
			c.Activation = ActSigmoid
		default:
			c.Activation = ActIdentity
		}
	case strings.HasSuffix(fn, ".Sigmoid"):
		c.Activation = ActSigmoid
	case strings.HasSuffix(fn, ".Identity"):
		c.Activation = ActIdentity
	case strings.HasSuffix(fn, ".Tanh"):
		c.Activation = ActTanh
	case strings.HasSuffix(fn, ".Softmax"):
		c.Activation = ActSoftmax
	default:
		return fmt.Errorf("modeldir: %s: unsupported cross-encoder activation_fn %q", p, fn)
	}
	return nil
}

type module struct {
	Idx  int    `json:"idx"`
	Name string `json:"name"`
	Path string `json:"path"`
	Type string `json:"type"`
}

func (c *Config) readModules() error {
	var mods []module
	ok, err := c.readJSON("modules.json", &mods)
	if err != nil || !ok {
		return err
	}
	c.SentenceTransformers = true
	p := filepath.Join(c.Dir, "modules.json")
	sort.SliceStable(mods, func(a, b int) bool { return mods[a].Idx < mods[b].Idx })
	for i, mod := range mods {
		short := mod.Type[strings.LastIndex(mod.Type, ".")+1:]
		switch short {
		case "Transformer":
			if i != 0 {
				return fmt.Errorf("modeldir: %s: module %d: Transformer must come first", p, i)
			}
		case "Pooling":
			if err := c.readPooling(filepath.Join(mod.Path, "config.json")); err != nil {
				return err
			}
		case "Normalize":
			c.Normalize = true
		default:
			return fmt.Errorf("modeldir: %s: module %d (%s, type %q) is not supported by jretrieve", p, i, mod.Path, mod.Type)
		}
	}
	var sb map[string]any
	if ok, err := c.readJSON("sentence_bert_config.json", &sb); err != nil {
		return err
	} else if ok {
		v, has, err := num(sb, "max_seq_length")
		if err != nil {
			return fmt.Errorf("modeldir: %s: %w", filepath.Join(c.Dir, "sentence_bert_config.json"), err)
		}
		if has {
			c.MaxSeqLength = int(v)
			c.sbertMaxSeqLengthSeen = true
		}
		if b, ok := sb["do_lower_case"].(bool); ok {
			c.DoLowerCase = b
		}
	}
	return nil
}

func (c *Config) readPooling(rel string) error {
	var m map[string]any
	ok, err := c.readJSON(rel, &m)
	if err != nil {
		return err
	}
	p := filepath.Join(c.Dir, rel)
	if !ok {
		return fmt.Errorf("modeldir: %s: missing (named by modules.json)", p)
	}
	var modes []string
	for key, mode := range map[string]string{
		"pooling_mode_cls_token":            PoolCLS,
		"pooling_mode_mean_tokens":          PoolMean,
		"pooling_mode_max_tokens":           PoolMax,
		"pooling_mode_mean_sqrt_len_tokens": PoolMeanSqrtLen,
		"pooling_mode_lasttoken":            PoolLastToken,
		"pooling_mode_weightedmean_tokens":  "weightedmean",
	} {
		if b, _ := m[key].(bool); b {
			modes = append(modes, mode)
		}
	}
	if s, ok := m["pooling_mode"].(string); ok && len(modes) == 0 {
		switch s {
		case "cls", "mean", "max", "lasttoken":
			modes = append(modes, s)
		}
	}
	sort.Strings(modes)
	switch {
	case len(modes) == 0:
		return fmt.Errorf("modeldir: %s: no pooling_mode_* flag set", p)
	case len(modes) > 1:
		return fmt.Errorf("modeldir: %s: combined pooling modes %v are not supported", p, modes)
	case modes[0] == "weightedmean":
		return fmt.Errorf("modeldir: %s: pooling_mode_weightedmean_tokens is not supported", p)
	}
	c.Pooling = modes[0]
	if b, ok := m["include_prompt"].(bool); ok {
		c.IncludePrompt = b
	}
	return nil
}

func (c *Config) readPrompts() error {
	var m struct {
		Prompts           map[string]string `json:"prompts"`
		DefaultPromptName *string           `json:"default_prompt_name"`
	}
	if _, err := c.readJSON("config_sentence_transformers.json", &m); err != nil {
		return err
	}
	for k, v := range m.Prompts {
		c.Prompts[k] = v
	}
	if m.DefaultPromptName != nil {
		c.DefaultPromptName = *m.DefaultPromptName
	}
	return nil
}

func (c *Config) readTokenizerConfig() error {
	var m map[string]any
	ok, err := c.readJSON("tokenizer_config.json", &m)
	if err != nil || !ok {
		return err
	}
	v, has, err := num(m, "model_max_length")
	if err != nil {
		return fmt.Errorf("modeldir: %s: %w", filepath.Join(c.Dir, "tokenizer_config.json"), err)
	}
	if has && v > 0 && v < 1<<30 {
		c.ModelMaxLength = int(v)
	}
	return nil
}

// positionLimit is the usable number of positions: RoBERTa-style models
// reserve padding_idx+1 positions.
func (c *Config) positionLimit() int {
	n := c.MaxPositionEmbeddings
	switch c.ModelType {
	case "roberta", "xlm-roberta", "camembert", "luke", "mluke":
		if n > 2 {
			n -= 2
		}
	}
	return n
}

// absolutePositions lists the model types whose position ids index a
// learned table of max_position_embeddings rows.
var absolutePositions = map[string]bool{"bert": true, "roberta": true, "xlm-roberta": true, "camembert": true,
	"distilbert": true, "electra": true, "luke": true, "mluke": true}

// CheckTokenizer reports an error when a tokenizer of vocab ids (its
// VocabSize, the largest id plus one) can produce ids outside the model's
// token embedding table (config.json vocab_size): ONNX Runtime rejects such
// ids, the pure-Go backend would read past the table.
func (c *Config) CheckTokenizer(vocab int, family string) error {
	if c.VocabSize > 0 && vocab > c.VocabSize {
		return fmt.Errorf("modeldir: %s: vocab_size is %d but the %s tokenizer has %d ids: ids %d..%d are outside the embedding table (tokenizer files and model do not match)",
			filepath.Join(c.Dir, "config.json"), c.VocabSize, family, vocab, c.VocabSize, vocab-1)
	}
	return nil
}

// CheckInput checks a padded batch of rows x seqLen ids (and token type ids,
// nil when the model takes none) against the model's embedding tables
// before any backend runs it: token ids below vocab_size, type ids below
// type_vocab_size, and for models with learned absolute positions a
// sequence length within max_position_embeddings.
func (c *Config) CheckInput(ids, typeIDs []int64, seqLen int) error {
	file := filepath.Join(c.Dir, "config.json")
	if c.VocabSize > 0 {
		for k, id := range ids {
			if id < 0 || id >= int64(c.VocabSize) {
				return fmt.Errorf("modeldir: token id %d (sequence %d, position %d) is outside vocab_size %d of %s (tokenizer files and model do not match)",
					id, k/max(seqLen, 1), k%max(seqLen, 1), c.VocabSize, file)
			}
		}
	}
	if c.TypeVocabSize > 0 {
		for k, id := range typeIDs {
			if id < 0 || id >= int64(c.TypeVocabSize) {
				return fmt.Errorf("modeldir: token type id %d (sequence %d, position %d) is outside type_vocab_size %d of %s",
					id, k/max(seqLen, 1), k%max(seqLen, 1), c.TypeVocabSize, file)
			}
		}
	}
	if lim := c.positionLimit(); absolutePositions[c.ModelType] && lim > 0 && seqLen > lim {
		return fmt.Errorf("modeldir: sequence length %d exceeds the %d positions of %s (max_position_embeddings %d); use a max length of at most %d",
			seqLen, lim, file, c.MaxPositionEmbeddings, lim)
	}
	return nil
}

// resolveMaxLength mirrors sentence-transformers' Transformer module: an
// explicit max_seq_length wins; otherwise the smaller of the tokenizer's
// model_max_length and the model's position limit.
func (c *Config) resolveMaxLength() {
	if c.sbertMaxSeqLengthSeen && c.MaxSeqLength > 0 {
		return
	}
	lim := c.positionLimit()
	switch {
	case c.ModelMaxLength > 0 && lim > 0:
		c.MaxSeqLength = min(c.ModelMaxLength, lim)
	case c.ModelMaxLength > 0:
		c.MaxSeqLength = c.ModelMaxLength
	case lim > 0:
		c.MaxSeqLength = lim
	default:
		c.MaxSeqLength = 512
	}
}

// Prompt returns the prompt named name ("query", "document", ...), trying
// the names sentence-transformers' encode_document tries for documents
// ("document", then "passage", then "corpus"; "passage" also finds
// "document" and "corpus"). ok is false if the directory defines none of them.
func (c *Config) Prompt(name string) (string, bool) {
	names := []string{name}
	switch name {
	case "document":
		names = append(names, "passage", "corpus")
	case "passage":
		names = append(names, "document", "corpus")
	}
	for _, n := range names {
		if p, ok := c.Prompts[n]; ok {
			return p, true
		}
	}
	return "", false
}

// Roles of RolePrompt.
const (
	RoleQuery    = "query"
	RoleDocument = "document"
)

// RolePrompt resolves the prompt for a role ("query" or "document") the way
// sentence-transformers does: an explicit prompt name (e.g. AMBER's
// "Retrieval-query", from the catalog or an option) must exist; otherwise
// encode_query's "query", or encode_document's "document", "passage",
// "corpus" in that order; otherwise the directory's default_prompt_name
// (what encode() applies when no prompt is named). It returns the prompt
// name used ("" when none) and its text.
func (c *Config) RolePrompt(role, explicit string) (name, prompt string, err error) {
	if explicit != "" {
		p, ok := c.Prompts[explicit]
		if !ok {
			keys := make([]string, 0, len(c.Prompts))
			for k := range c.Prompts {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			return "", "", fmt.Errorf("modeldir: %s: prompt name %q (for %s) not in config_sentence_transformers.json prompts %q", c.Dir, explicit, role, keys)
		}
		return explicit, p, nil
	}
	names := []string{"query"}
	if role == RoleDocument {
		names = []string{"document", "passage", "corpus"}
	}
	for _, n := range names {
		if p, ok := c.Prompts[n]; ok {
			return n, p, nil
		}
	}
	if c.DefaultPromptName != "" {
		p, ok := c.Prompts[c.DefaultPromptName]
		if !ok {
			return "", "", fmt.Errorf("modeldir: %s: default_prompt_name %q not in config_sentence_transformers.json prompts", c.Dir, c.DefaultPromptName)
		}
		return c.DefaultPromptName, p, nil
	}
	return "", "", nil
}

// PositiveLabel returns the index of the "relevant" label for a
// multi-label cross-encoder: the label named like relevant/positive/entailment/true
// if any, else the last one.
func (c *Config) PositiveLabel() int {
	ids := make([]int, 0, len(c.ID2Label))
	for i := range c.ID2Label {
		ids = append(ids, i)
	}
	sort.Ints(ids) // deterministic when several labels look positive: the lowest id wins
	for _, i := range ids {
		name := c.ID2Label[i]
		switch strings.ToLower(name) {
		case "relevant", "positive", "entailment", "true", "yes", "label_1":
			if c.NumLabels == 2 || strings.ToLower(name) != "label_1" {
				return i
			}
		}
	}
	return max(c.NumLabels-1, 0)
}
