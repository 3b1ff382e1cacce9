package convert

import pb "github.com/advancedclimatesystems/gonnx/onnx"

// XLM-RoBERTa, as transformers' models/xlm_roberta/modeling_xlm_roberta.py:
// the BERT encoder ("Copied from" BertLayer) under XLMRobertaEmbeddings,
// whose position ids count non-padding tokens from padding_idx + 1, and
// XLMRobertaClassificationHead.

// xlmrEmbeddings is XLMRobertaEmbeddings.
func (b *graph) xlmrEmbeddings(cfg bertConfig, ids, types string) string {
	words := b.embedding(ids, "embeddings.word_embeddings", cfg.vocab, cfg.hidden)
	var tt string
	if types != "" {
		tt = b.embedding(types, "embeddings.token_type_embeddings", cfg.typeVocab, cfg.hidden)
	} else {
		table := b.weight("embeddings.token_type_embeddings.weight", cfg.typeVocab, cfg.hidden)
		tt = b.op("Gather", []string{table, b.constI64([]int64{0})}, aInt("axis", 0))
	}
	emb := b.add(words, tt)
	pos := b.embedding(b.paddedPositions(ids, cfg.pad), "embeddings.position_embeddings", cfg.maxPos, cfg.hidden)
	emb = b.add(emb, pos)
	return b.layerNorm(emb, "embeddings.LayerNorm", cfg.hidden, cfg.eps, true)
}

// buildXLMRoberta writes XLMRobertaModel (last_hidden_state) or
// XLMRobertaForSequenceClassification (logits).
func buildXLMRoberta(b *graph, c *config, head bool) {
	cfg := readBertConfig(c)
	if !c.has("pad_token_id") {
		cfg.pad = 1
	}
	if c.err != nil {
		return
	}
	ids := b.input("input_ids")
	mask := b.input("attention_mask")
	types := ""
	if cfg.typeVocab > 1 {
		types = b.input("token_type_ids")
	}
	h := b.bertEncoder(cfg, b.xlmrEmbeddings(cfg, ids, types), mask)
	if !head {
		b.output(h, "last_hidden_state", "batch", "sequence", cfg.hidden)
		return
	}
	// XLMRobertaClassificationHead: out_proj(tanh(dense(hidden[:, 0]))).
	b.prefix = ""
	x := b.op("Tanh", []string{b.linear(b.firstToken(h), "classifier.dense", cfg.hidden, cfg.hidden, true)})
	b.output(b.linear(x, "classifier.out_proj", cfg.hidden, c.numLabels(), true), "logits", "batch", c.numLabels())
}

// paddedPositions is create_position_ids_from_input_ids (RoBERTa, XLM-R,
// LUKE): cumsum(ids != pad) * (ids != pad) + pad.
func (b *graph) paddedPositions(ids string, padID int) string {
	pad := b.constI64([]int64{int64(padID)})
	notPad := b.cast(b.op("Not", []string{b.op("Equal", []string{ids, pad})}), pb.TensorProto_INT64)
	cum := b.op("CumSum", []string{notPad, b.constI64([]int64{1})})
	return b.add(b.mul(cum, notPad), pad)
}
