#!/usr/bin/python3
"""Regenerates testdata/line-like: a small unigram SentencePiece model laid
out like LINE DistilBERT Japanese (spiece.model with <pad>, <unk>, [CLS],
[SEP], [MASK]) and golden tokens from the reference logic of transformers'
BertJapaneseTokenizer with subword_tokenizer_type="sentencepiece"
(do_lower_case=True): text.lower() (PreTrainedTokenizer.tokenize), NFKC,
words, word.lower(), SentencepieceTokenizer.tokenize (preprocess_text with
remove_space=True, keep_accents=True; the digit-comma rule), PieceToId.
Words are whitespace-separated here (the Go test plugs a whitespace word
splitter), so MeCab is not involved.

Run from tokenizer/testdata with Debian's python3-sentencepiece and
manpages-ja installed: /usr/bin/python3 gen_line.py
Inputs: the golden texts of ../spm/testdata/unigram_bf plus digit/comma cases.
"""
import gzip, json, unicodedata
import sentencepiece as spm

SPIECE_UNDERLINE = "\u2581"
spm.SentencePieceTrainer.train(input='/tmp/spm_train.txt', model_prefix='line-like/spiece', num_threads=2,
                               model_type='unigram', vocab_size=1500, character_coverage=0.995,
                               input_sentence_size=20000, seed_sentencepiece_size=200000, minloglevel=2,
                               pad_id=0, unk_id=1, bos_id=-1, eos_id=-1,
                               control_symbols=['[CLS]', '[SEP]', '[MASK]'])
import os
os.remove('line-like/spiece.vocab')
sp = spm.SentencePieceProcessor(model_file='line-like/spiece.model')

def sp_tokenize(text):
    outputs = " ".join(text.strip().split())
    outputs = outputs.replace("``", '"').replace("''", '"')
    outputs = outputs.lower()
    pieces = sp.encode(outputs, out_type=str)
    new_pieces = []
    for piece in pieces:
        if len(piece) > 1 and piece[-1] == str(",") and piece[-2].isdigit():
            cur_pieces = sp.EncodeAsPieces(piece[:-1].replace(SPIECE_UNDERLINE, ""))
            if piece[0] != SPIECE_UNDERLINE and cur_pieces[0][0] == SPIECE_UNDERLINE:
                if len(cur_pieces[0]) == 1:
                    cur_pieces = cur_pieces[1:]
                else:
                    cur_pieces[0] = cur_pieces[0][1:]
            cur_pieces.append(piece[-1])
            new_pieces.extend(cur_pieces)
        else:
            new_pieces.append(piece)
    return new_pieces

texts = [json.loads(l)['text'] for l in gzip.open('../spm/testdata/unigram_bf.golden.jsonl.gz', 'rt')]
texts += ['1,000円 と 12,345 個', 'Ａ,Ｂ 9, 10,', 'ＡＢＣ Ｄｅｆ ＧＨＩ', '``quoted\'\' text']
with gzip.GzipFile('line-like/golden.jsonl.gz', 'wb', mtime=0) as gz:
    for t in texts:
        if any(c in t for c in ['[CLS]', '[SEP]', '[MASK]', '<pad>', '<unk>']):
            continue
        words = unicodedata.normalize('NFKC', t.lower()).split()
        toks = [p for w in words for p in sp_tokenize(w.lower())]
        ids = [sp.PieceToId(p) for p in toks]
        gz.write((json.dumps({'text': t, 'tokens': toks, 'ids': ids}, ensure_ascii=False) + '\n').encode())
