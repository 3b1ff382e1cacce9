// Package modeldir reads a Hugging Face / sentence-transformers model
// directory the way sentence-transformers does, so that jretrieve pools,
// normalizes, prefixes, truncates and activates exactly like the Python
// reference:
//
//   - modules.json: the module chain (Transformer, Pooling, Normalize).
//     Modules jretrieve cannot run (Dense, custom code) are an error naming the
//     module, never silently skipped.
//   - 1_Pooling/config.json (the Pooling module's path): pooling_mode_* flags
//     and include_prompt.
//   - config_sentence_transformers.json: prompts and default_prompt_name
//     (Config.RolePrompt resolves a role's prompt as encode_query /
//     encode_document / encode(prompt_name=...) do).
//   - sentence_bert_config.json: max_seq_length and do_lower_case.
//   - config.json: model_type, hidden size, max_position_embeddings,
//     pad_token_id, num_labels / id2label, and the cross-encoder activation
//     (sentence_transformers.activation_fn or the older
//     sbert_ce_default_activation_function; else Sigmoid for one label and
//     Identity, the raw logits, for two or more, as CrossEncoder does).
//   - tokenizer_config.json: model_max_length (fallback for the max length).
//   - the ONNX file: model.onnx, else onnx/model.onnx.
//
// A directory, catalog model or Hub repository with a checkpoint but no
// ONNX file is converted by package onnx/convert, once, into
// CacheDir()/converted/<key> (ConvertedDir; the key names the repository
// and commit, or a local directory's path and file stamps, the converter
// version and its options); Resolve returns that directory, a complete
// model directory with the configuration and tokenizer files hard-linked
// or copied beside model.onnx. An official ONNX file keeps priority.
package modeldir
