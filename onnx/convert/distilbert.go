package convert

// DistilBERT, as transformers' models/distilbert/modeling_distilbert.py:
// Embeddings, TransformerBlock (MultiHeadSelfAttention, FFN) and
// DistilBertForSequenceClassification.

type distilConfig struct {
	dim, layers, heads, hidden, vocab, maxPos int
	act                                       string
}

// distilEps is the LayerNorm epsilon DistilBERT hard-codes.
const distilEps = 1e-12

func readDistilConfig(c *config) distilConfig {
	c.checkCommon()
	dc := distilConfig{
		dim:    c.int("dim", -1),
		layers: c.int("n_layers", -1),
		heads:  c.int("n_heads", -1),
		hidden: c.int("hidden_dim", -1),
		vocab:  c.int("vocab_size", -1),
		maxPos: c.int("max_position_embeddings", 512),
		act:    c.str("activation", "gelu"),
	}
	if c.err == nil && (dc.heads <= 0 || dc.dim%dc.heads != 0) {
		c.fail("dim %d is not a multiple of n_heads %d", dc.dim, dc.heads)
	}
	return dc
}

// distilEmbeddings is Embeddings: word + position embeddings
// (position_ids = arange(S); sinusoidal tables are stored in the weights
// like learned ones), then LayerNorm.
func (b *graph) distilEmbeddings(cfg distilConfig, ids string) string {
	words := b.embedding(ids, "embeddings.word_embeddings", cfg.vocab, cfg.dim)
	posTable := b.weight("embeddings.position_embeddings.weight", cfg.maxPos, cfg.dim)
	pos := b.slice(posTable, b.ints(0), b.seqLen(ids), b.ints(0))
	return b.layerNorm(b.add(words, pos), "embeddings.LayerNorm", cfg.dim, distilEps, true)
}

// distilBlock is one TransformerBlock.
func (b *graph) distilBlock(cfg distilConfig, x, bias string, i int) string {
	p := "transformer.layer." + itoa(i)
	hd := cfg.dim / cfg.heads
	// MultiHeadSelfAttention
	q := b.heads(b.linear(x, p+".attention.q_lin", cfg.dim, cfg.dim, true), cfg.heads, hd)
	k := b.heads(b.linear(x, p+".attention.k_lin", cfg.dim, cfg.dim, true), cfg.heads, hd)
	v := b.heads(b.linear(x, p+".attention.v_lin", cfg.dim, cfg.dim, true), cfg.heads, hd)
	a := b.linear(b.attention(q, k, v, bias, cfg.heads, hd), p+".attention.out_lin", cfg.dim, cfg.dim, true)
	sa := b.layerNorm(b.add(a, x), p+".sa_layer_norm", cfg.dim, distilEps, true)
	// FFN
	h := b.activation(b.linear(sa, p+".ffn.lin1", cfg.dim, cfg.hidden, true), cfg.act, "activation")
	o := b.linear(h, p+".ffn.lin2", cfg.hidden, cfg.dim, true)
	return b.layerNorm(b.add(o, sa), p+".output_layer_norm", cfg.dim, distilEps, true)
}

// buildDistilBert writes DistilBertModel (last_hidden_state) or
// DistilBertForSequenceClassification (logits).
func buildDistilBert(b *graph, c *config, head bool) {
	cfg := readDistilConfig(c)
	if c.err != nil {
		return
	}
	ids := b.input("input_ids")
	mask := b.input("attention_mask")
	bias := b.maskBias(b.keyMask(mask))
	h := b.distilEmbeddings(cfg, ids)
	for i := range cfg.layers {
		h = b.distilBlock(cfg, h, bias, i)
	}
	if !head {
		b.output(h, "last_hidden_state", "batch", "sequence", cfg.dim)
		return
	}
	// pre_classifier -> ReLU -> classifier on hidden[:, 0].
	b.prefix = ""
	x := b.op("Relu", []string{b.linear(b.firstToken(h), "pre_classifier", cfg.dim, cfg.dim, true)})
	b.output(b.linear(x, "classifier", cfg.dim, c.numLabels(), true), "logits", "batch", c.numLabels())
}
