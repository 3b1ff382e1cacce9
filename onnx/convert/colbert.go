package convert

// ColBERT, as colbert-ai's HF_ColBERT (colbert/modeling/hf_colbert.py, the
// class JaColBERT v2 / v2.5 checkpoints name in config.json): a
// BertPreTrainedModel holding `bert` (BertModel) and `linear`
// (nn.Linear(hidden_size, dim, bias=False)). The graph outputs the
// projected token vectors linear(bert(...).last_hidden_state), [batch,
// sequence, dim]; masking and L2 normalization are embed's (MultiVector).

// buildColBERT writes HF_ColBERT's projected token vectors.
func buildColBERT(b *graph, c *config, head bool) {
	cfg := readBertConfig(c)
	if c.err != nil {
		return
	}
	ids := b.input("input_ids")
	mask := b.input("attention_mask")
	types := ""
	if cfg.typeVocab > 1 {
		types = b.input("token_type_ids")
	}
	h := b.bertEncoder(cfg, b.bertEmbeddings(cfg, ids, types), mask)
	// The projection lives outside the "bert." prefix; its output size is
	// the ColBERT dim (artifact.metadata's "dim"), read from the weight.
	b.prefix = ""
	w, ok := b.lookup("linear.weight")
	if !ok {
		b.fail("checkpoint has no tensor linear.weight (the ColBERT projection)")
		return
	}
	if len(w.Shape) != 2 || w.Shape[1] != cfg.hidden {
		b.fail("tensor linear.weight has shape %v, want [dim %d]", w.Shape, cfg.hidden)
		return
	}
	if b.has("linear.bias") {
		b.fail("tensor linear.bias: the ColBERT projection has no bias in HF_ColBERT")
		return
	}
	dim := w.Shape[0]
	b.output(b.linear(h, "linear", cfg.hidden, dim, false), "last_hidden_state", "batch", "sequence", dim)
}
