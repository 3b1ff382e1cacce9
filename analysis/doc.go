// Package analysis segments Japanese text the way MeCab does, over the
// dictionaries shipped with kagome (github.com/ikawaha/kagome-dict/uni,
// UniDic 2.1.2, made into unidic-lite 1.0.8, and .../ipa, IPADIC 2.7.0).
//
// Dict Uni is unidic-lite exactly: unidic-lite is UniDic 2.1.2 with 令和
// entries, without its 129 single-character numeral and letter surfaces
// (0-9, A-Z, a-z, [\]^_` and their full-width forms: "2024" and "AI" are
// then one unknown word, not "2 0 2 4" and "A I"), and with an unk.def
// where unknown symbols are 記号,一般 instead of nouns. The data in
// unidiclite/ is derived from unidic-lite's own compiled files (sys.dic,
// unk.dic) by scripts/reference/unidiclite_dict.py: the deleted surfaces,
// the cost of ㋿, unk.dic's entries in MeCab's order, and MeCab's order of
// the entries of 79,652 surfaces (kagome's differs; it decides ties).
// unidic-lite's char.bin and matrix.bin are identical to chardef/unidic.def
// and kagome's matrix, and the resulting lexicon is sys.dic's: all 756,264
// entries (surface, connection ids, cost, part of speech, order) and
// unk.dic's (TestUniDicLiteFiles, with JRETRIEVE_UNIDIC_LITE_DIR).
//
// Measured agreement with fugashi 1.5.2 + unidic-lite 1.0.8
// (TestUniDicLiteReference, references from scripts/reference/segmentation.py):
// all 130,423 manpages-ja prose lines identical word for word (the committed
// subset: every 16th line), and the embedded sample (467 lines) and 449
// adversarial strings identical in words, parts of speech and unknown-word
// flags.
//
// The lattice is built by this package rather than by kagome's tokenizer so
// that the output follows MeCab's Tokenizer::lookup and Viterbi exactly:
//
//   - whitespace (char.def category SPACE: U+0020, TAB, LF, VT and, as in
//     MeCab's char.def, U+00D0) is skipped before each token and is never a
//     token; words never span it. CR and U+3000 are not SPACE in char.def:
//     MeCab and this package emit them as symbols.
//   - unknown words follow char.def in full: category bit sets (a character
//     may belong to several categories, e.g. 一 is KANJINUMERIC and KANJI),
//     INVOKE, GROUP with MeCab's 24-character grouping limit, and LENGTH
//     (candidates of 1..LENGTH characters), which kagome does not model.
//   - ties between equal-cost paths are broken as MeCab does.
//
// kagome stores neither char.def's category bit sets nor LENGTH, so the
// char.def of each dictionary is embedded (chardef/, taken from Debian's
// mecab-ipadic and unidic-mecab packages; UniDic 3.1.1's char.def is the
// one of 2.1.2 for every code point kagome knows, checked by the tests).
//
// Measured agreement (TestAgainstMecabIPA, manpages-ja prose, 1.73 million
// tokens): 99.9999% of mecab + mecab-ipadic-utf8 tokens are identical; the
// one differing line is a dictionary difference, not a segmentation one.
// Against unidic-mecab (UniDic 3.1.1, a different dictionary) uni agrees on
// 94% of tokens.
//
// Known divergences from the mecab command line:
//
//   - kagome's ipa dictionary was converted from IPADIC's EUC-JP source
//     with the CP932 mapping, Debian's with the JIS mapping: entries written
//     with EUC-JP 0xA1C1 are "～" (U+FF5E FULLWIDTH TILDE) in kagome and
//     "〜" (U+301C WAVE DASH) in mecab-ipadic-utf8 (likewise U+FF0D/U+2212
//     and U+2225/U+2016), so those characters are known words in one and
//     unknown in the other.
//
//   - mecab reads its input line by line (a newline ends a sentence, lines
//     longer than its input buffer of 8192 bytes are split); Wakati treats
//     its argument as one sentence, like MeCab's parse() API used by
//     fugashi, where newlines are SPACE.
//
//   - MeCab limits the dictionary look-up to 65535 bytes from each position;
//     no such limit here.
//
//   - invalid UTF-8 is rejected (ErrInvalidUTF8, or nil from Wakati and
//     Tokens) where MeCab decodes leniently.
//
// Options (NFKC, lower-casing, base forms, part-of-speech filter, stop
// words) are plain data so that a BM25 index can record how it was built.
// Dictionaries are loaded once, on first use, and shared.
//
// Dictionary images: decoding kagome's compressed dictionary costs about
// 1.4 s and 400 MB (UniDic) on every start. The first use of a dictionary
// therefore compiles what the lattice needs (trie, word costs and
// unidic-lite's changes, connection matrix, POS, unknown words; base forms
// in a second image when Options.BaseForm asks for them) into flat arrays
// written once, atomically, to $JRETRIEVE_CACHE/analysis or else
// <user cache dir>/jretrieve/analysis (UniDic about 105 MB plus 9 MB of
// base forms, IPADIC 22 + 5 MB). Later processes memory-map the image and
// use it in place: start-up takes milliseconds and only the pages a text
// touches become resident (the written file is dropped from the page
// cache so that it is read back in single pages). The file name carries
// the kagome-dict module versions and the image format, so an upgrade
// builds a new image; a file whose header or section table does not check
// out is rebuilt. Without a writable cache the image is kept in memory
// (the slow path, every start). The segmentation is the same either way:
// TestImageMatchesKagome compares every array of a mapped image with the
// dictionary built from kagome's decoding.
//
// Long texts: the lattice of a whole text would take about 400 bytes per
// input byte. Instead, once the lattice reaches compactNodes nodes, the
// part of the best path that every continuation shares (the chains of the
// nodes spanning the current position up to their common ancestor) is
// settled and emitted, and the nodes no continuation can reach are
// dropped. This never changes a token (TestCompactedEqualsWhole compares
// with the whole lattice on the manpages-ja corpus), unlike cutting the
// text into sentences (the connection cost couples the words on both
// sides of any cut, even at 。 or a newline). Memory is bounded by the
// stretch over which the candidate paths disagree: at most about 65,000
// nodes (2.6 MB) on the whole manpages-ja corpus given as one 9 MB text.
// AnalyzeFunc and TokensFunc hand tokens over as they are settled and can
// stop early, so that a caller needing only the first tokens does not
// analyse the rest.
package analysis
