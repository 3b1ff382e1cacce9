package convert

// BERT, as transformers' models/bert/modeling_bert.py: BertEmbeddings,
// BertLayer (BertSelfAttention, BertSelfOutput, BertIntermediate,
// BertOutput), BertPooler and BertForSequenceClassification.

type bertConfig struct {
	hidden, layers, heads, intermediate int
	vocab, maxPos, typeVocab            int
	eps                                 float64
	act                                 string
	pad                                 int
}

func readBertConfig(c *config) bertConfig {
	c.checkCommon()
	c.only("position_embedding_type", "absolute")
	c.only("use_cache", true, false)
	bc := bertConfig{
		hidden:       c.int("hidden_size", -1),
		layers:       c.int("num_hidden_layers", -1),
		heads:        c.int("num_attention_heads", -1),
		intermediate: c.int("intermediate_size", -1),
		vocab:        c.int("vocab_size", -1),
		maxPos:       c.int("max_position_embeddings", 512),
		typeVocab:    c.int("type_vocab_size", 2),
		eps:          c.float("layer_norm_eps", 1e-12),
		act:          c.str("hidden_act", "gelu"),
		pad:          c.int("pad_token_id", 0),
	}
	if c.err == nil && (bc.heads <= 0 || bc.hidden%bc.heads != 0) {
		c.fail("hidden_size %d is not a multiple of num_attention_heads %d", bc.hidden, bc.heads)
	}
	return bc
}

// bertEmbeddings is BertEmbeddings: word + token type + absolute position
// embeddings (position_ids = arange(S)), then LayerNorm.
func (b *graph) bertEmbeddings(cfg bertConfig, ids, types string) string {
	words := b.embedding(ids, "embeddings.word_embeddings", cfg.vocab, cfg.hidden)
	var tt string
	if types != "" {
		tt = b.embedding(types, "embeddings.token_type_embeddings", cfg.typeVocab, cfg.hidden)
	} else {
		// token_type_ids default to zeros: row 0 of the table.
		table := b.weight("embeddings.token_type_embeddings.weight", cfg.typeVocab, cfg.hidden)
		tt = b.op("Gather", []string{table, b.constI64([]int64{0})}, aInt("axis", 0))
	}
	emb := b.add(words, tt)
	posTable := b.weight("embeddings.position_embeddings.weight", cfg.maxPos, cfg.hidden)
	pos := b.slice(posTable, b.ints(0), b.seqLen(ids), b.ints(0))
	emb = b.add(emb, pos)
	return b.layerNorm(emb, "embeddings.LayerNorm", cfg.hidden, cfg.eps, true)
}

// bertLayer is one BertLayer (post-LayerNorm transformer block).
func (b *graph) bertLayer(cfg bertConfig, x, bias string, i int) string {
	p := "encoder.layer." + itoa(i)
	hd := cfg.hidden / cfg.heads
	// BertSelfAttention
	q := b.heads(b.linear(x, p+".attention.self.query", cfg.hidden, cfg.hidden, true), cfg.heads, hd)
	k := b.heads(b.linear(x, p+".attention.self.key", cfg.hidden, cfg.hidden, true), cfg.heads, hd)
	v := b.heads(b.linear(x, p+".attention.self.value", cfg.hidden, cfg.hidden, true), cfg.heads, hd)
	ctx := b.attention(q, k, v, bias, cfg.heads, hd)
	// BertSelfOutput
	a := b.linear(ctx, p+".attention.output.dense", cfg.hidden, cfg.hidden, true)
	a = b.layerNorm(b.add(a, x), p+".attention.output.LayerNorm", cfg.hidden, cfg.eps, true)
	// BertIntermediate
	h := b.activation(b.linear(a, p+".intermediate.dense", cfg.hidden, cfg.intermediate, true), cfg.act, "hidden_act")
	// BertOutput
	o := b.linear(h, p+".output.dense", cfg.intermediate, cfg.hidden, true)
	return b.layerNorm(b.add(o, a), p+".output.LayerNorm", cfg.hidden, cfg.eps, true)
}

// bertEncoder runs the embeddings output through every layer.
func (b *graph) bertEncoder(cfg bertConfig, emb, mask string) string {
	bias := b.maskBias(b.keyMask(mask))
	h := emb
	for i := range cfg.layers {
		h = b.bertLayer(cfg, h, bias, i)
	}
	return h
}

// buildBert writes BertModel (last_hidden_state) or
// BertForSequenceClassification (logits).
func buildBert(b *graph, c *config, head bool) {
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
	if !head {
		b.output(h, "last_hidden_state", "batch", "sequence", cfg.hidden)
		return
	}
	// BertPooler: tanh(dense(hidden[:, 0])).
	pooled := b.op("Tanh", []string{b.linear(b.firstToken(h), "pooler.dense", cfg.hidden, cfg.hidden, true)})
	// The classifier lives outside the "bert." prefix.
	b.prefix = ""
	logits := b.linear(pooled, "classifier", cfg.hidden, c.numLabels(), true)
	b.output(logits, "logits", "batch", c.numLabels())
}
