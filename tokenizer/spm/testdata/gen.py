#!/usr/bin/python3
"""Regenerates the SentencePiece reference models and golden encodings.

Requires Debian's python3-sentencepiece (Google's reference implementation,
0.1.97 when generated) and manpages-ja (training text). Run from this
directory:  /usr/bin/python3 gen.py

Training text: Japanese lines of /usr/share/man/ja/man1 with roff stripped.
Test sentences: deterministic random mixtures of short substrings of that
text, full-width/half-width forms, rare kanji, emoji, combining marks, odd
whitespace and control characters (so that NFKC, unknown characters and
byte fallback are exercised). Output per model: <name>.model and
<name>.golden.jsonl.gz with {"text","pieces","ids"} per line.
"""
import glob, gzip, io, json, random, re, unicodedata
import sentencepiece as spm

rnd = random.Random(20240605)
lines = []
for f in sorted(glob.glob('/usr/share/man/ja/man1/*.gz')):
    for l in gzip.open(f, 'rt', encoding='utf-8', errors='replace'):
        if l.startswith('.') or l.startswith("'"):
            continue
        l = re.sub(r'\\f[BIRP]|\\\(..|\\[-&e]', '', l).strip()
        if re.search(r'[\u3040-\u30ff\u4e00-\u9fff]', l) and len(l) >= 8:
            lines.append(l)
with open('/tmp/spm_train.txt', 'w') as f:
    f.write('\n'.join(lines))

MODELS = {
    # name: trainer kwargs
    'unigram_bf': dict(model_type='unigram', vocab_size=2000, byte_fallback=True,
                       character_coverage=0.995, normalization_rule_name='nmt_nfkc'),
    'unigram_unk': dict(model_type='unigram', vocab_size=1200, character_coverage=0.98,
                        normalization_rule_name='nfkc', user_defined_symbols=['<mask>', '[SEP]', '株式会社']),
    'bpe_bf': dict(model_type='bpe', vocab_size=2000, byte_fallback=True,
                   character_coverage=0.995, normalization_rule_name='nmt_nfkc'),
    'bpe_id': dict(model_type='bpe', vocab_size=1500, character_coverage=0.98,
                   normalization_rule_name='identity', add_dummy_prefix=False,
                   remove_extra_whitespaces=False, user_defined_symbols=['<mask>', 'コマンド']),
}

extras = (list('ＡＢＣａｂｃ０１２３４５６７８９') + list('ｱｲｳｴｵｶﾞｷﾞﾊﾟｰ｡｢｣') +
          ['𠮷', '𩸽', '髙', '﨑', '☃', '😀', '👍🏽', 'é', 'e\u0301', 'ﬁ', '①', '㈱', '㌔', '™',
           '\u3000', '  ', '\t', '\u200b', '\ufeff', '\u00a0', 'Ω', 'Å', 'ß', 'ǅ', '\u2581', '▁▁',
           '<mask>', '[SEP]', '<s>', '株式会社', '\x7f', '\x01', '한국어', 'ไทย', 'Ελληνικά'])

def sample():
    k = rnd.randint(1, 5)
    parts = []
    for _ in range(k):
        r = rnd.random()
        if r < 0.7:
            l = rnd.choice(lines)
            i = rnd.randrange(len(l))
            parts.append(l[i:i + rnd.randint(1, 20)])
        elif r < 0.9:
            parts.append(rnd.choice(extras))
        else:
            parts.append(chr(rnd.choice([rnd.randint(0x4e00, 0x9fff), rnd.randint(0x3040, 0x30ff),
                                         rnd.randint(0x20, 0x7e), rnd.randint(0xac00, 0xd7a3),
                                         rnd.randint(0x1f300, 0x1f6ff), rnd.randint(0x20000, 0x2a6df)])))
        if rnd.random() < 0.3:
            parts.append(rnd.choice([' ', '  ', '\u3000', '']))
    return ''.join(parts)

tests = [sample() for _ in range(3000)]
tests = ['', ' ', '  こんにちは  世界  ', '東京都に住んでいます。', 'ＡＢＣ１２３ｱｲｳ'] + tests
for name, kw in MODELS.items():
    spm.SentencePieceTrainer.train(input='/tmp/spm_train.txt', model_prefix=name, num_threads=2,
                                   input_sentence_size=20000, shuffle_input_sentence=True, seed_sentencepiece_size=200000,
                                   minloglevel=2, **kw)
    sp = spm.SentencePieceProcessor(model_file=name + '.model')
    with gzip.GzipFile(name + '.golden.jsonl.gz', 'wb', mtime=0) as gz:
        for t in tests:
            pieces = sp.encode(t, out_type=str)
            ids = sp.encode(t)
            gz.write((json.dumps({'text': t, 'pieces': pieces, 'ids': ids}, ensure_ascii=False) + '\n').encode())
    print(name, sp.get_piece_size())

import os
for name in MODELS:
    os.remove(name + '.vocab')
