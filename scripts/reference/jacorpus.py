"""The Japanese test corpus shared by the segmentation and tokenizer
references (imported by segmentation.py and bertjapanese.py).

Three parts, each a list of lines (str, valid UTF-8, no NUL):
  manpages     prose lines of Debian's manpages-ja (/usr/share/man/ja, roff
               stripped the way analysis/jatext does), in sorted file order
  sample       the questions and passages of jretrieve's embedded sample
               (datasets/sampledata/sample.jsonl)
  adversarial  unassigned code points, combining marks, full-width and
               half-width forms, emoji, long digit and Latin runs, control
               characters, single ASCII characters, unknown punctuation
"""
import glob
import gzip
import json
import re

MANDIR = "/usr/share/man/ja"

_font = re.compile(r"\\f(\[[^\]]*\]|\(..|.)")
_named = re.compile(r"\\(\(..|\[[^\]]*\]|\*\(..|\*\[[^\]]*\]|\*.|s[-+]?\d+|[&|^%:c])")
_escape = re.compile(r"\\(.)")
_textmacros = {".B", ".I", ".BI", ".IB", ".BR", ".RB", ".IR", ".RI", ".SH", ".SS", ".TP", ".IP"}


def _japanese(s):
    return any(0x3040 <= ord(c) <= 0x30FF or 0x4E00 <= ord(c) <= 0x9FFF for c in s)


def roff_text(data):
    out = []
    for line in data.split(b"\n"):
        try:
            l = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if l.startswith(".") or l.startswith("'"):
            f = l.split(" ", 1)
            if f[0].strip() in _textmacros and len(f) == 2:
                l = f[1].replace('"', "")
            else:
                continue
        l = _font.sub("", l)
        l = _named.sub("", l)
        l = l.replace("\\-", "-").replace("\\e", "\\")
        l = _escape.sub(r"\1", l)
        l = l.strip(" \t\r\n\v\f")
        if not l or "\0" in l or len(l.encode()) > 4000 or not _japanese(l):
            continue
        out.append(l)
    return out


def manpages():
    lines = []
    for p in sorted(glob.glob(MANDIR + "/**/*.gz", recursive=True)):
        try:
            with gzip.open(p) as f:
                lines.extend(roff_text(f.read()))
        except (OSError, EOFError):
            continue
    return lines


def sample(path="datasets/sampledata/sample.jsonl"):
    seen, out = set(), []
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        for s in (r["question"], r["title"], r["text"], r["title"] + " " + r["text"]):
            if s not in seen:
                seen.add(s)
                out.append(s)
    return out


def adversarial():
    a = [
        "", " ", "   ", "\t", "\n", "あ", " あ ", "\u3000あ\u3000", "あ\r", "\rあ", "あ\r\nい\n",
        "令和", "令和6年", "㋿6年", "平成31年4月30日", "令和元年5月1日", "れいわ", "令和の時代",
        "2024年12月6日", "１２月６日", "3.14159", "1,234,567円", "0", "7", "42", "０", "９", "１２３",
        "1" * 30, "１" * 30, "12345678901234567890123456789012345",
        "a", "Z", "A I", "AI", "ＡＩ", "ａｉ", "GPT-4o", "x86_64", "iPhone15Pro", "Hello World", "hello, world!",
        "a" * 40, "Ａ" * 30, "abc" * 20, "a1b2c3", "A1", "1A", "ABC123def",
        "東京2020オリンピック", "第3四半期", "ＡＩ技術の進歩", "1日2回", "３月３日", "Windows10とmacOS",
        "[", "\\", "]", "^", "_", "`", "［＼］＾＿｀", "{|}~", "@", "＠", "#$%&", "＃＄％＆",
        "♪", "★☆", "→←↑↓", "※", "〜", "～", "…", "‥", "・", "§", "¶", "♡", "◎○●", "【注意】", "〔〕", "〈〉《》",
        "ｱｲｳｴｵ", "ﾊﾟｿｺﾝ", "ｶﾞｷﾞｸﾞ", "ﾃｽﾄﾃﾞｰﾀ", "ｰ", "ア" * 25, "あ" * 30, "漢" * 26, "ｱ" * 26,
        "e\u0301", "か\u3099", "\u0301", "\u3099", "Ａ\u0308", "が", "ﾊﾞ",
        "\u0378", "\u0378\u0379あ", "\ue000", "\uf8ff字", "\ufffd", "\uffff", "\U0010ffff", "\U0002a6d6", "𠮷野家", "𩸽",
        "😀", "😀😃", "👨\u200d👩\u200d👧", "👍🏽", "🇯🇵", "❤️", "ハート❤️です", "絵文字😀テスト",
        "\x01\x02\x03", "a\x0bb", "a\x0cb", "\x1c\x1d\x1e\x1f", "a\x7fb", "a\x85b", "a\u2028b", "a\u2029b",
        "a\u00a0b", "a\u200bb", "\ufeffあ", "a\u3000b", "a\u2003b", "\u200d", "あ\u200cい",
        "αβγ", "Ελληνικά", "Щи", "Москва", "한국어", "ภาษาไทย", "العربية", "हिन्दी",
        "Ⅰ", "Ⅻ", "①②③", "㈱", "㍻", "㌔", "℃", "№", "™", "½", "²", "ﬁ",
        "これは、テストです。", "「引用」と『二重』", "（括弧）と(半角)", "Ｅメール", "e-mail", "C++", "C#", ".NET",
        "https://example.com/path?q=1", "user@example.jp", "090-1234-5678", "〒100-0001",
        "東京都千代田区", "すもももももももものうち", "にわにはにわにわとりがいる",
    ]
    for c in range(0x21, 0x7F):
        a.append(chr(c))
        a.append("あ" + chr(c) + "い")
    for c in range(0xFF01, 0xFF5F):
        a.append(chr(c))
    return a


def corpus():
    return {"manpages": manpages(), "sample": sample(), "adversarial": adversarial()}
