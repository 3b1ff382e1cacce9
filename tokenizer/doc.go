// Package tokenizer turns text into model input ids exactly as the Hugging
// Face reference tokenizers do, in pure Go, for the four tokenizer families
// of the Japanese retrieval models in the catalog:
//
//  1. BertJapaneseTokenizer (tokenizer_class "BertJapaneseTokenizer",
//     word_tokenizer_type "mecab" or "character", subword_tokenizer_type
//     "wordpiece" or "character"): optional lower-casing, NFKC, MeCab
//     words (UniDic 2.1.2 = unidic-lite), greedy longest-match WordPiece
//     with "##" continuations and [UNK]; [CLS] A [SEP] (B [SEP]).
//     Ruri v1/v2 base/large, SimCSE-ja, fio, JaColBERT, ruri-reranker
//     base/large, japanese-reranker base/large.
//  2. LINE DistilBertJapaneseTokenizer (subword_tokenizer_type
//     "sentencepiece"): the same MeCab words, lower-cased, each encoded
//     with spiece.model. Ruri small (v1/v2) and rerankers built on it.
//  3. tokenizer.json fast tokenizers (Ruri v3 / ModernBERT-Ja, AMBER,
//     RoSEtta, XLM-R rerankers, bge-reranker-v2-m3).
//  4. SentencePiece models with fairseq ids (XLMRobertaTokenizer,
//     MLukeTokenizer: sentencepiece.bpe.model, <s>=0 <pad>=1 </s>=2 <unk>=3,
//     piece id + 1 otherwise). GLuCoSE-base-ja v1/v2.
//
// Load(dir) picks the family from tokenizer_config.json (tokenizer_class,
// word_tokenizer_type, subword_tokenizer_type, mecab_kwargs, do_lower_case,
// model_max_length), special_tokens_map.json, tokenizer.json, vocab.txt and
// spiece.model / sentencepiece.bpe.model, as transformers' AutoTokenizer
// would. An unsupported configuration is an error naming the file, field
// and value.
//
// Encodings hold int64 ids, token type ids and attention masks (the ONNX
// input types), token strings, byte offsets into the input text and a
// Truncated flag. Pairs are truncated with the longest_first strategy:
// the transformers slow-tokenizer rule for families 1, 2 and 4 and the
// tokenizers (Rust) rule for tokenizer.json. EncodeBatch and Pad pad to
// the longest row or to fixed buckets.
//
// The SentencePiece engine (subpackage spm) is a from-scratch port of
// Google's sentencepiece (unigram and BPE, precompiled normalization
// charsmaps, user-defined symbols, byte fallback); it reproduces
// python3-sentencepiece id for id on the models under spm/testdata.
//
// MeCab word segmentation goes through the WordSplitter interface;
// NewWordSplitter provides the default for a mecab_dic name.
package tokenizer
