// Package convert builds ONNX graphs from Hugging Face checkpoints in Go, so
// that catalog models run without a Python export step.
//
// Convert reads a model directory's config.json and weights
// (model.safetensors, sharded model.safetensors + model.safetensors.index.json,
// or pytorch_model.bin read by gopickle with a restricted unpickler that
// accepts tensors and OrderedDict only; fp32, fp16 or bf16) and writes
// model.onnx computing the same forward pass
// as the transformers class named by config.json's architectures[0]:
//
//   - bert.go: BertModel / BertForMaskedLM / BertForPreTraining
//     (last_hidden_state) and BertForSequenceClassification (logits);
//   - colbert.go: HF_ColBERT (JaColBERT): BertModel + the ColBERT linear
//     projection, projected token vectors;
//   - distilbert.go: DistilBertModel and DistilBertForSequenceClassification;
//   - xlmroberta.go: XLMRobertaModel and XLMRobertaForSequenceClassification;
//   - luke.go: LukeModel for word inputs only (GLuCoSE), no entity inputs;
//   - modernbert.go: ModernBertModel and ModernBertForSequenceClassification
//     (full and sliding-window layers, one rope theta each; Wqkv's q, k, v
//     and Wi's two halves are separate linears over row ranges of the
//     checkpoint tensors, so ONNX Runtime copies no split outputs);
//   - llama.go: LlamaModel, the decoder
//     sarashina-embedding-v1-1b uses as an encoder: RMSNorm, causal
//     grouped-query attention with default rope, SwiGLU MLP; the
//     embedding is its last token (lasttoken pooling, outside the graph).
//
// Each architecture file reads like its transformers modeling file; the
// layers they share (linear, LayerNorm, embeddings, attention, activations,
// pooling) are written once in layers.go on a small graph builder
// (graph.go). The ONNX messages are the generated protobuf types of
// github.com/advancedclimatesystems/gonnx/onnx; nothing is hand-encoded.
//
// The graphs use opset 17 and only operators that both ONNX Runtime and
// the pure-Go backend (onnx/gobackend: GoMLX through onnx-gomlx) implement:
// Gather, MatMul, Transpose, Reshape, Slice, Concat, Add/Sub/Mul/Div, Erf,
// Tanh, Relu, Sigmoid, Cos, Sin, Neg, Abs, LayerNormalization, Softmax,
// Where, Equal/Greater/LessOrEqual/Not/And, Cast, CumSum, Range, Shape,
// Squeeze/Unsqueeze, ReduceSum, Sqrt. Inputs are int64 input_ids and
// attention_mask [batch, sequence] (plus token_type_ids for BERT-style
// models with more than one token type); the output is last_hidden_state
// [batch, sequence, hidden] or logits [batch, labels].
//
// Options.Graph = GraphFused and Options.Quantize = QuantInt8 rewrite the
// built graph (fused.go, fused_rotary.go, fused_gqa.go, quantize.go):
// strict pattern matches of the subgraphs the layers write are replaced by
// ONNX Runtime contrib operators (domain com.microsoft) —
// EmbedLayerNormalization, Attention, SkipLayerNormalization,
// BiasGelu/Gelu/FastGelu; RotaryEmbedding and MultiHeadAttention for
// ModernBERT; for Llama GroupQueryAttention (causal, key/value heads not
// repeated, after one packed QKV linear, a Split and RotaryEmbedding on q
// and k; plain attention when head_dim is not a multiple of 8, which the
// CPU kernel needs) and SimplifiedLayerNormalization /
// SkipSimplifiedLayerNormalization for RMSNorm — and linears by
// DynamicQuantizeMatMul with int8 weights quantized per output channel
// (the packed QKV too; QAttention for a fused Attention). Such graphs run
// on ONNX Runtime only; anything not matched stays plain.
// GroupQueryAttention takes each row's length from the attention mask
// (seqlens_k = its sum - 1), so the fused Llama graph is exact for
// right-padded batches (what jretrieve feeds: non-pad positions equal
// their unpadded values, pad positions are unspecified) but not for masks
// with holes or left padding, which the plain graph handles; its rotary
// caches cover max_position_embeddings positions, a longer input is an
// ONNX Runtime error.
//
// Options.Quantize = QuantInt4 or QuantInt8Block (quantize_nbits.go)
// write the linears of the transformer blocks as com.microsoft
// MatMulNBits: weights in blocks of 32 inputs per output, 4 or 8 bits,
// asymmetric (a float32 scale and a zero point per block, the block's
// range shrunk by the factor, 1 down to 0.7, with the least squared
// error), accuracy_level 4 (ONNX Runtime quantizes the activations to int8
// per block). A fused Attention keeps its packed float32 q, k, v weight
// (unfused into MatMulNBits + MultiHeadAttention it measured slower). The
// heads (pooler, classifier, projections) stay float32: they run once per
// sequence and would only lose accuracy. Quality on real weights
// (all-MiniLM-L6-v2, 12 texts, plain graph, cosine of token vectors to
// fp32 / of sentence vectors to sentence-transformers): int8-block min
// 0.9989 / 0.9987; int4 min 0.896 / 0.910 (means 0.929 / 0.964; fused,
// with q, k, v float32: 0.928 / 0.938); int8 (per-tensor activations) min
// 0.962 / 0.971. int4 is the smallest graph, not the fastest: on this x86-64
// CPU (AVX-512 VNNI, AMX) DynamicQuantizeMatMul's int8 GEMMs are several
// times faster than MatMulNBits (see bench/fused.sh).
//
// Weights: fp32 tensors of safetensors files stay where they are: the
// initializers are ONNX external data pointing at their offsets in the
// safetensors file, which is hard-linked (else symlinked) into the output
// directory when that is another directory. Other dtypes are converted to
// fp32 into model.onnx.data beside the graph (Options.CopyWeights sends
// every weight there). Linear weights keep their [out, in] layout and are
// transposed by a Transpose node, which ONNX Runtime folds at load.
//
// Anything the converter does not implement is an error naming it: an
// architecture, a model_type, a config flag (position_embedding_type,
// is_decoder, rope scaling, a rope type, an activation, sliding_window), or a tensor
// missing from the checkpoint or shaped differently from what the config
// implies. It never builds a silently different network.
package convert
