package catalog

import (
	"slices"
	"sort"
	"strings"
)

// Kind is what a model computes.
type Kind string

// Kinds of models.
const (
	Embedder     Kind = "embedder"      // one vector per text
	CrossEncoder Kind = "cross-encoder" // one score per (query, document)
	MultiVector  Kind = "multi-vector"  // one vector per token (ColBERT)
)

// Arch is the network architecture, as the ONNX export sees it.
type Arch string

// Architectures in the catalog.
const (
	ArchBERT         Arch = "bert"
	ArchDistilBERT   Arch = "distilbert"
	ArchModernBERT   Arch = "modernbert"
	ArchXLMRoberta   Arch = "xlm-roberta"
	ArchLUKE         Arch = "luke"
	ArchRetrievaBERT Arch = "retrieva-bert" // custom RoFormer-style code (trust_remote_code)
	ArchLlama        Arch = "llama"
	ArchPLaMo        Arch = "plamo" // custom code (trust_remote_code)
)

// TokenizerFamily names the tokenization pipeline a model needs.
type TokenizerFamily string

// Tokenizer families (see the tokenizer package).
const (
	// TokBertJapanese: NFKC, MeCab (UniDic 2.1.2 / unidic-lite) words, then
	// WordPiece over vocab.txt (BertJapaneseTokenizer).
	TokBertJapanese TokenizerFamily = "bert-japanese"
	// TokDistilBertJapanese: MeCab words, lower-cased, each encoded with
	// SentencePiece spiece.model (LINE DistilBERT tokenizer, remote code).
	TokDistilBertJapanese TokenizerFamily = "distilbert-japanese"
	// TokTokenizerJSON: a Hugging Face fast tokenizer (tokenizer.json).
	TokTokenizerJSON TokenizerFamily = "tokenizer.json"
	// TokSentencePiece: a SentencePiece model file (MLukeTokenizer with
	// fairseq id offsets, or a Llama-style tokenizer.model).
	TokSentencePiece TokenizerFamily = "sentencepiece"
	// TokCustom: a tokenizer implemented in the model's own Python code.
	TokCustom TokenizerFamily = "custom"
)

// Pooling turns token states into the output vector(s).
type Pooling string

// Pooling modes.
const (
	PoolNone      Pooling = ""          // cross-encoders: classification head
	PoolMean      Pooling = "mean"      // attention-masked mean
	PoolCLS       Pooling = "cls"       // first token
	PoolLastToken Pooling = "lasttoken" // last non-padding token
	PoolTokens    Pooling = "tokens"    // every token (multi-vector)
)

// ONNXSource says where the ONNX graph of a model comes from.
type ONNXSource string

// ONNX sources, in order of convenience.
const (
	// ONNXRepo: the model repository ships an onnx/ file (ONNX.File).
	ONNXRepo ONNXSource = "repo"
	// ONNXConversion: a third-party repository holds a conversion
	// (ONNX.Repo, ONNX.File).
	ONNXConversion ONNXSource = "conversion"
	// ONNXExport: export it yourself with the command in ONNX.Export.
	ONNXExport ONNXSource = "export"
	// ONNXNone: no known way to get an ONNX graph that jretrieve can run.
	ONNXNone ONNXSource = "none"
)

// ONNX describes how to obtain the ONNX graph of a model.
type ONNX struct {
	Source ONNXSource `json:"source,omitempty"`
	// Repo and File locate a ready-made graph (ONNXRepo, ONNXConversion).
	Repo string `json:"repo,omitempty"`
	File string `json:"file,omitempty"`
	// Export is the exact command that writes an exported model directory
	// (model.onnx + tokenizer and config files), run with Python,
	// transformers and optimum installed; empty when none is known.
	Export string `json:"export,omitempty"`
	// Community lists conversions reported by the catalog research,
	// unverified (some are CoreML, not ONNX).
	Community []string `json:"community,omitempty"`
}

// Support says whether jretrieve can run a model today.
type Support string

// Support levels.
const (
	// Ready: everything needed can be downloaded and run as is.
	Ready Support = "ready"
	// NeedsExport: runs once an ONNX graph was exported (ONNX.Export).
	NeedsExport Support = "needs-export"
	// Unsupported: cannot run yet; Model.Reason says why.
	Unsupported Support = "unsupported"
)

// Scores are published results. Zero means not published. JQaRA and JaCWIR
// figures follow the READMEs' protocols (fractions); JMTEB v1 figures are
// percentages.
type Scores struct {
	JQaRANDCG10    float64 `json:"jqara_ndcg@10,omitempty"`
	JQaRAMRR10     float64 `json:"jqara_mrr@10,omitempty"`
	JaCWIRMAP10    float64 `json:"jacwir_map@10,omitempty"`
	JaCWIRHit10    float64 `json:"jacwir_hit_rate@10,omitempty"`
	JMTEBAvg       float64 `json:"jmteb_avg,omitempty"`
	JMTEBRetrieval float64 `json:"jmteb_retrieval,omitempty"`
	JMTEBReranking float64 `json:"jmteb_reranking,omitempty"`
	// Other holds further published numbers, e.g.
	// "paper_table5/JQaRA nDCG@10" or "mteb_JQaRAReranking/ndcg@10"
	// (MTEB's variants are not comparable with the README protocol).
	Other map[string]float64 `json:"other,omitempty"`
}

// Model is one catalog entry.
type Model struct {
	// ID is the Hugging Face repository id, e.g. "cl-nagoya/ruri-v3-30m".
	ID     string `json:"id"`
	Kind   Kind   `json:"kind"`
	Family string `json:"family,omitempty"` // e.g. "Ruri v3"
	Arch   Arch   `json:"arch,omitempty"`
	// Architecture is the catalog's description of the network.
	Architecture string `json:"architecture,omitempty"`
	BaseModel    string `json:"base_model,omitempty"`
	Params       string `json:"params,omitempty"`
	// Dims is the length of an output vector: the embedding size, the
	// per-token size of multi-vector models, 0 for cross-encoders.
	Dims       int `json:"dims"`
	HiddenSize int `json:"hidden_size,omitempty"`
	Layers     int `json:"layers,omitempty"` // 0: unknown
	// MaxLength is the maximum number of tokens the model is used with
	// (sentence-transformers max_seq_length or the cross-encoder's max
	// length); the evaluators force 512 for JQaRA/JaCWIR.
	MaxLength int `json:"max_length,omitempty"`
	Vocab     int `json:"vocab,omitempty"` // 0: unknown

	Tokenizer        TokenizerFamily `json:"tokenizer,omitempty"`
	TokenizerClass   string          `json:"tokenizer_class,omitempty"`
	HasTokenizerJSON bool            `json:"has_tokenizer_json,omitempty"`
	NeedsMeCab       bool            `json:"needs_mecab,omitempty"`
	LowerCase        bool            `json:"lower_case,omitempty"`

	Pooling   Pooling `json:"pooling,omitempty"`
	Normalize bool    `json:"normalize,omitempty"` // L2-normalize outputs (cosine similarity)
	// QueryPrefix and DocumentPrefix are prepended to the raw text. For
	// multi-vector models they name marker tokens instead.
	QueryPrefix    string `json:"query_prefix,omitempty"`
	DocumentPrefix string `json:"document_prefix,omitempty"`
	// PromptsInModel: the prefixes live in the model's
	// config_sentence_transformers.json and are read from there.
	PromptsInModel bool `json:"prompts_in_model,omitempty"`
	// QueryPromptName and DocumentPromptName name the
	// config_sentence_transformers.json prompts of each role when they are
	// not the standard ones ("query"; "document"/"passage"/"corpus"), like
	// encode(prompt_name=...) in sentence-transformers.
	QueryPromptName    string `json:"query_prompt_name,omitempty"`
	DocumentPromptName string `json:"document_prompt_name,omitempty"`

	// Cross-encoder head.
	NumLabels  int    `json:"num_labels,omitempty"`
	Activation string `json:"activation,omitempty"` // "sigmoid" for one logit

	License         string `json:"license,omitempty"`
	NonCommercial   bool   `json:"non_commercial,omitempty"`
	TrustRemoteCode bool   `json:"trust_remote_code,omitempty"` // the Python model needs trust_remote_code=True
	Revision        string `json:"revision,omitempty"`          // commit pinned by the catalog research, if any
	WeightsDType    string `json:"weights_dtype,omitempty"`
	Library         string `json:"library,omitempty"` // non-default library (e.g. RAGatouille)

	Scores Scores `json:"scores,omitempty"`
	ONNX   ONNX   `json:"onnx,omitempty"`

	Support Support `json:"support"`
	// Reason explains Support: what is missing, or what to run first.
	Reason string `json:"reason,omitempty"`

	// Inferred lists the fields whose value is a hypothesis ([I] in the
	// catalog spec), as dotted paths of the spec's JSON ("pooling",
	// "tokenizer.nfkc", "cross_encoder.activation", ...), plus
	// "tokenizer.family", "onnx.conversion" and "onnx.export" when the
	// catalog's own judgement is unverified. Unknown lists the facts the
	// research could not find ([?]). Both are sorted.
	Inferred []string `json:"inferred,omitempty"`
	Unknown  []string `json:"unknown,omitempty"`
	Notes    []string `json:"notes,omitempty"`
}

// ShortName is the part of the id after the organisation.
func (m Model) ShortName() string {
	if i := strings.LastIndexByte(m.ID, '/'); i >= 0 {
		return m.ID[i+1:]
	}
	return m.ID
}

// IsInferred reports whether the fact at the JSON path is a hypothesis
// or unknown rather than confirmed.
func (m Model) IsInferred(path string) bool {
	return slices.Contains(m.Inferred, path) || slices.Contains(m.Unknown, path)
}

// All returns every model, sorted by kind (embedders, multi-vector,
// cross-encoders) then id. The slice is a copy.
func All() []Model {
	out := make([]Model, len(models))
	for i, m := range models {
		out[i] = clone(m)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if ki, kj := kindOrder(out[i].Kind), kindOrder(out[j].Kind); ki != kj {
			return ki < kj
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func kindOrder(k Kind) int {
	switch k {
	case Embedder:
		return 0
	case MultiVector:
		return 1
	}
	return 2
}

// Lookup finds a model by full id ("cl-nagoya/ruri-v3-30m") or by the
// short name after the organisation ("ruri-v3-30m"), case-insensitively.
// A short name shared by two organisations matches nothing.
func Lookup(name string) (Model, bool) {
	name = strings.TrimSpace(name)
	var found *Model
	n := 0
	for i := range models {
		m := &models[i]
		if strings.EqualFold(m.ID, name) {
			return clone(*m), true
		}
		if !strings.Contains(name, "/") && strings.EqualFold(m.ShortName(), name) {
			found = m
			n++
		}
	}
	if n == 1 {
		return clone(*found), true
	}
	return Model{}, false
}

func clone(m Model) Model {
	m.Inferred = slices.Clone(m.Inferred)
	m.Unknown = slices.Clone(m.Unknown)
	m.Notes = slices.Clone(m.Notes)
	m.ONNX.Community = slices.Clone(m.ONNX.Community)
	if m.Scores.Other != nil {
		o := make(map[string]float64, len(m.Scores.Other))
		for k, v := range m.Scores.Other {
			o[k] = v
		}
		m.Scores.Other = o
	}
	return m
}

// ConvertedArchs are the architectures whose ONNX graph jretrieve builds
// itself from the checkpoint on the Hub (package onnx/convert).
var ConvertedArchs = []Arch{ArchBERT, ArchDistilBERT, ArchModernBERT, ArchXLMRoberta, ArchLUKE, ArchLlama}

// Converted reports whether jretrieve runs the model through its own
// checkpoint-to-ONNX conversion: a model that publishes no ONNX graph, with
// an architecture in ConvertedArchs; multi-vector models only as colbert-ai
// (RAGatouille) HF_ColBERT checkpoints of BERT, whose projection the
// converter includes. Such a model runs by name: the checkpoint is
// downloaded and converted once on first use (see onnx/modeldir.Resolve).
func (m Model) Converted() bool {
	// TrustRemoteCode alone does not exclude a model: the LINE DistilBERT
	// models need it for their tokenizer only, which package tokenizer
	// implements; custom networks have architectures outside ConvertedArchs.
	if m.Support == Ready {
		return false
	}
	if m.Kind == MultiVector {
		return m.Arch == ArchBERT && m.Library == "RAGatouille"
	}
	for _, a := range ConvertedArchs {
		if m.Arch == a {
			return true
		}
	}
	return false
}
