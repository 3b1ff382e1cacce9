package catalog

// Shape is the size of a model's network beyond HiddenSize, Layers and
// Vocab: what config.json says about heads, feed-forward width and
// positions. It is enough to build a checkpoint of the model's exact shape
// with random weights (jretrieve models --speed times models that way when
// they are not in the local cache: speed does not depend on the values).
type Shape struct {
	Layers       int // num_hidden_layers (when Model.Layers is 0)
	Heads        int // num_attention_heads
	KVHeads      int // num_key_value_heads (Llama; 0: = Heads)
	Intermediate int // intermediate_size (ModernBERT: per GLU half; DistilBERT: hidden_dim)
	MaxPositions int // max_position_embeddings
	TypeVocab    int // type_vocab_size (BERT-style; 0: none)
	// Source says where the figures come from.
	Source string
}

// ShapeSource is the provenance of every Shape in the catalog.
const ShapeSource = "published config.json values, transcribed from memory by the catalog maintainers (not checked against the files); " +
	"a test checks the parameter count of each shape against the catalog's Params figure"

var (
	shapeBERTBase  = Shape{Heads: 12, Intermediate: 3072, MaxPositions: 512, TypeVocab: 2, Source: ShapeSource}
	shapeBERTLarge = Shape{Heads: 16, Intermediate: 4096, MaxPositions: 512, TypeVocab: 2, Source: ShapeSource}
	shapeDistil    = Shape{Heads: 12, Intermediate: 3072, MaxPositions: 512, Source: ShapeSource}
	shapeLUKE      = Shape{Heads: 12, Intermediate: 3072, MaxPositions: 514, TypeVocab: 1, Source: ShapeSource}
	shapeMB30      = Shape{Heads: 4, Intermediate: 1024, MaxPositions: 8192, Source: ShapeSource}
	shapeMB70      = Shape{Heads: 6, Intermediate: 1536, MaxPositions: 8192, Source: ShapeSource}
	shapeMB130     = Shape{Heads: 8, Intermediate: 2048, MaxPositions: 8192, Source: ShapeSource}
	shapeMB310     = Shape{Heads: 12, Intermediate: 3072, MaxPositions: 8192, Source: ShapeSource}
	shapeXLMRSmall = Shape{Heads: 12, Intermediate: 1536, MaxPositions: 514, TypeVocab: 1, Source: ShapeSource}
	shapeXLMRM3    = Shape{Heads: 16, Intermediate: 4096, MaxPositions: 8194, TypeVocab: 1, Source: ShapeSource}
	// sarashina2.1-1b: 24 layers, 16 heads of 112, 8 key-value heads.
	shapeSarashina = Shape{Layers: 24, Heads: 16, KVHeads: 8, Intermediate: 6272, MaxPositions: 8192, Source: ShapeSource}
)

var shapes = map[string]Shape{
	"bclavie/fio-base-japanese-v0.1":                       shapeBERTBase,
	"cl-nagoya/ruri-base":                                  shapeBERTBase,
	"cl-nagoya/ruri-base-v2":                               shapeBERTBase,
	"cl-nagoya/ruri-large":                                 shapeBERTLarge,
	"cl-nagoya/ruri-large-v2":                              shapeBERTLarge,
	"cl-nagoya/ruri-small":                                 shapeDistil,
	"cl-nagoya/ruri-small-v2":                              shapeDistil,
	"cl-nagoya/ruri-v3-30m":                                shapeMB30,
	"cl-nagoya/ruri-v3-70m":                                shapeMB70,
	"cl-nagoya/ruri-v3-130m":                               shapeMB130,
	"cl-nagoya/ruri-v3-310m":                               shapeMB310,
	"cl-nagoya/sup-simcse-ja-base":                         shapeBERTBase,
	"cl-nagoya/sup-simcse-ja-large":                        shapeBERTLarge,
	"cl-nagoya/unsup-simcse-ja-base":                       shapeBERTBase,
	"cl-nagoya/unsup-simcse-ja-large":                      shapeBERTLarge,
	"pkshatech/GLuCoSE-base-ja":                            shapeLUKE,
	"pkshatech/GLuCoSE-base-ja-v2":                         shapeLUKE,
	"retrieva-jp/amber-base":                               shapeMB130,
	"retrieva-jp/amber-large":                              shapeMB310,
	"sbintuitions/sarashina-embedding-v1-1b":               shapeSarashina,
	"answerdotai/JaColBERTv2.5":                            shapeBERTBase,
	"bclavie/JaColBERTv2":                                  shapeBERTBase,
	"cl-nagoya/ruri-reranker-base":                         shapeBERTBase,
	"cl-nagoya/ruri-reranker-large":                        shapeBERTLarge,
	"cl-nagoya/ruri-reranker-small":                        shapeDistil,
	"cl-nagoya/ruri-reranker-stage1-base":                  shapeBERTBase,
	"cl-nagoya/ruri-reranker-stage1-large":                 shapeBERTLarge,
	"cl-nagoya/ruri-reranker-stage1-small":                 shapeDistil,
	"cl-nagoya/ruri-v3-reranker-310m":                      shapeMB310,
	"hotchpotch/japanese-bge-reranker-v2-m3-v1":            shapeXLMRM3,
	"hotchpotch/japanese-reranker-cross-encoder-base-v1":   shapeBERTBase,
	"hotchpotch/japanese-reranker-cross-encoder-large-v1":  shapeBERTLarge,
	"hotchpotch/japanese-reranker-cross-encoder-small-v1":  shapeXLMRSmall,
	"hotchpotch/japanese-reranker-cross-encoder-xsmall-v1": shapeXLMRSmall,
}

// Shape returns the model's network shape, when the catalog knows it.
func (m Model) Shape() (Shape, bool) {
	s, ok := shapes[m.ID]
	if ok && s.Layers == 0 {
		s.Layers = m.Layers
	}
	return s, ok
}
