#!/usr/bin/env python3
"""Independent reference for src/text: Hugging Face's slow CLIPTokenizer (no-ftfy path) and
AUTOMATIC1111's parse_prompt_attention / tokenize_line, written from the published algorithms.

Run with Debian's python3 (needs python3-regex):  /usr/bin/python3 make_fixtures.py
Writes fixture-vocab/ (a tiny CLIP-format BPE trained here) and fixtures/*.json.
"""
import collections
import json
import os
import sys
import unicodedata

import regex

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))


# ---------- byte <-> unicode (CLIP / GPT-2) ----------
def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()
PAT = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE,
)


# ---------- tiny BPE training (CLIP vocab layout) ----------
def corpus():
    colours = ["red", "green", "blue", "yellow", "purple", "orange", "white", "black", "pink", "cyan"]
    shapes = ["circle", "square", "triangle", "star", "heart", "cross", "ring", "diamond"]
    places = ["on the left", "on the right", "at the top", "at the bottom", "in the middle", "in the corner"]
    extras = [
        "a photo of a cat sitting on a wooden table",
        "the quick brown fox jumps over the lazy dog",
        "a beautiful landscape painting of mountains at sunset, highly detailed",
        "portrait of a woman, oil painting, masterpiece, best quality",
        "an astronaut riding a horse on the moon",
        "a castle in the clouds, fantasy art, trending on artstation",
        "there's a small house near the river and it's raining",
        "they're walking through the forest where we've been before",
        "studio lighting, sharp focus, 4k, 8k, ultra realistic",
        "a bowl of fruit with apples, bananas and grapes",
    ]
    out = []
    for i, c in enumerate(colours):
        for j, s in enumerate(shapes):
            out.append(f"a {c} {s} {places[(i + j) % len(places)]}")
            if (i * j) % 3 == 0:
                out.append(f"a small {c} {s} and a large {colours[(i + 3) % len(colours)]} {shapes[(j + 1) % len(shapes)]}")
    out.extend(extras * 5)
    return out


def train_bpe(sentences, num_merges=400):
    words = collections.Counter()
    for s in sentences:
        for tok in PAT.findall(s.lower()):
            syms = [BYTE_ENCODER[b] for b in tok.encode("utf-8")]
            syms[-1] = syms[-1] + "</w>"
            words[tuple(syms)] += 1
    merges = []
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, f in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += f
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if pairs[best] < 2:
            break
        merges.append(best)
        nw = collections.Counter()
        for w, f in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            nw[tuple(out)] += f
        words = nw
    base = [BYTE_ENCODER[b] for b in sorted(BYTE_ENCODER)]
    # CLIP orders base symbols by bytes_to_unicode()'s value order.
    base = list(bytes_to_unicode().values())
    vocab_list = base + [v + "</w>" for v in base] + ["".join(m) for m in merges] + ["<|startoftext|>", "<|endoftext|>"]
    vocab = {}
    for t in vocab_list:
        if t not in vocab:
            vocab[t] = len(vocab)
    return vocab, merges


# ---------- HF slow CLIPTokenizer ----------
def _is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def _is_whitespace(ch):
    if ch in " \t\n\r":
        return True
    return unicodedata.category(ch) == "Zs"


def _is_cjk(cp):
    return (
        0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F
    )


def basic_tokenize(text):
    """BasicTokenizer(do_lower_case=True, strip_accents=False, do_split_on_punc=False).tokenize"""
    cleaned = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        cleaned.append(" " if _is_whitespace(ch) else ch)
    text = "".join(cleaned)
    text = "".join(f" {ch} " if _is_cjk(ord(ch)) else ch for ch in text)
    text = unicodedata.normalize("NFC", text)
    toks = [t.lower() for t in text.strip().split()]
    return " ".join(toks).split()


class RefClip:
    def __init__(self, vocab, merges, pad="<|endoftext|>", max_len=77):
        self.encoder = dict(vocab)
        self.ranks = {tuple(m): i for i, m in enumerate(merges)}
        self.cache = {"<|startoftext|>": "<|startoftext|>", "<|endoftext|>": "<|endoftext|>"}
        self.bos, self.eos, self.pad = vocab["<|startoftext|>"], vocab["<|endoftext|>"], vocab[pad]
        self.max_len = max_len
        self.added = []

    def add_token(self, t):
        if t not in self.encoder:
            self.encoder[t] = max(self.encoder.values()) + 1
        self.added.append(t)
        return self.encoder[t]

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            bigram = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if bigram not in self.ranks:
                break
            first, second = bigram
            new, i = [], 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                except ValueError:
                    new.extend(word[i:])
                    break
                new.extend(word[i:j])
                i = j
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new.append(first + second)
                    i += 2
                else:
                    new.append(word[i])
                    i += 1
            word = tuple(new)
        self.cache[token] = " ".join(word)
        return self.cache[token]

    def _plain(self, text):
        text = " ".join(basic_tokenize(text)).lower()
        ids = []
        for tok in PAT.findall(text):
            tok = "".join(BYTE_ENCODER[b] for b in tok.encode("utf-8"))
            ids.extend(self.encoder.get(s, self.eos) for s in self.bpe(tok).split(" "))
        return ids

    def encode(self, text):
        if not self.added:
            return self._plain(text)
        alt = regex.compile("|".join(regex.escape(t) for t in sorted(self.added, key=len, reverse=True)))
        ids, last = [], 0
        for m in alt.finditer(text):
            if m.start() > last:
                ids += self._plain(text[last:m.start()])
            ids.append(self.encoder[m.group(0)])
            last = m.end()
        if last < len(text):
            ids += self._plain(text[last:])
        return ids

    def tokenize(self, text):
        ids = [self.bos] + self.encode(text)[: self.max_len - 2] + [self.eos]
        return ids + [self.pad] * (self.max_len - len(ids))


# ---------- A1111 prompt parsing ----------
re_attention = regex.compile(
    r"""
\\\(|\\\)|\\\[|\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|]|[^\\()\[\]:]+|:
""",
    regex.X | regex.V0,
)
re_break = regex.compile(r"\s*\bBREAK\b\s*", regex.S)


def parse_prompt_attention(text):
    res, round_b, square_b = [], [], []

    def multiply_range(start, m):
        for p in range(start, len(res)):
            res[p][1] *= m

    for m in re_attention.finditer(text):
        t, w = m.group(0), m.group(1)
        if t.startswith("\\"):
            res.append([t[1:], 1.0])
        elif t == "(":
            round_b.append(len(res))
        elif t == "[":
            square_b.append(len(res))
        elif w is not None and round_b:
            multiply_range(round_b.pop(), float(w))
        elif t == ")" and round_b:
            multiply_range(round_b.pop(), 1.1)
        elif t == "]" and square_b:
            multiply_range(square_b.pop(), 1 / 1.1)
        else:
            for i, part in enumerate(regex.split(re_break, t)):
                if i > 0:
                    res.append(["BREAK", -1])
                res.append([part, 1.0])
    for pos in round_b:
        multiply_range(pos, 1.1)
    for pos in square_b:
        multiply_range(pos, 1 / 1.1)
    if not res:
        res = [["", 1.0]]
    i = 0
    while i + 1 < len(res):
        if res[i][1] == res[i + 1][1]:
            res[i][0] += res[i + 1][0]
            res.pop(i + 1)
        else:
            i += 1
    return res


def tokenize_line(tok, line, chunk_length=75, backtrack=20):
    parsed = parse_prompt_attention(line)
    tokenized = [tok.encode(t) for t, _ in parsed]
    comma = tok.encoder[",</w>"]
    chunks = []
    state = {"tokens": [], "mults": [], "count": 0, "last_comma": -1}

    def next_chunk(is_last=False):
        state["count"] += len(state["tokens"]) if is_last else chunk_length
        toks, mults = state["tokens"], state["mults"]
        to_add = chunk_length - len(toks)
        toks = toks + [tok.eos] * to_add
        mults = mults + [1.0] * to_add
        toks = [tok.bos] + toks + [tok.eos]
        mults = [1.0] + mults + [1.0]
        if tok.pad != tok.eos:  # A1111: everything after the first EOS becomes the pad id
            k = toks.index(tok.eos)
            toks = toks[: k + 1] + [tok.pad] * (len(toks) - k - 1)
        chunks.append({"ids": toks, "weights": mults})
        state.update(tokens=[], mults=[], last_comma=-1)

    for tokens, (text, weight) in zip(tokenized, parsed):
        if text == "BREAK" and weight == -1:
            next_chunk()
            continue
        for token in tokens:
            if token == comma:
                state["last_comma"] = len(state["tokens"])
            elif (backtrack != 0 and len(state["tokens"]) == chunk_length and state["last_comma"] != -1
                  and len(state["tokens"]) - state["last_comma"] <= backtrack):
                at = state["last_comma"] + 1
                rt, rm = state["tokens"][at:], state["mults"][at:]
                state["tokens"], state["mults"] = state["tokens"][:at], state["mults"][:at]
                next_chunk()
                state["tokens"], state["mults"] = rt, rm
            if len(state["tokens"]) == chunk_length:
                next_chunk()
            state["tokens"].append(token)
            state["mults"].append(weight)
    if state["tokens"] or not chunks:
        next_chunk(is_last=True)
    return chunks, state["count"]


# ---------- fixture strings ----------
LONG = ", ".join(f"a {c} {s}" for c in ["red", "green", "blue", "yellow", "purple"] for s in ["circle", "square", "star", "ring"])
TOKENIZER_CASES = [
    "", " ", "a", "A", "a red circle", "A RED Circle", "a red circle on the left",
    "  a   red\tcircle\n\non  the   left  ", "\u00a0a\u2003blue\u3000square\u2028star",
    "hello, world!", "hello,world", "what?!...", "a (red) [circle] {star}", "50% off -- $100 & more",
    "#hashtag @user", "'quoted' \"double\"", "e-mail / slash \\ back", "~!@#$%^&*()_+`-=[]{}|;:,.<>/?",
    "1", "42", "2024 was a year", "3.14159", "x1y2z3", "4k 8k 1080p", "v1.5", "١٢٣ arabic digits", "½ ² ③",
    "café", "CAFÉ", "cafe\u0301", "naïve façade", "straße", "STRASSE", "日本", "日本語のテキスト", "東京 tower",
    "ひらがな カタカナ", "한국어", "Ελληνικά", "русский текст", "emoji 🎨🖌️ art", "mixed日本text",
    "it's", "IT'S", "there's a house", "they're here", "we've been", "i'm ok", "you'll see", "he'd go",
    "don't", "can't won't", "rock'n'roll", "o'clock", "’curly’ apostrophe", "'s", "'re",
    "<|startoftext|>", "a <|endoftext|> b", "x<|endoftext|>y", "<|ENDOFTEXT|>", "<|startoftext|>a<|endoftext|>",
    "control\x00char\x07s\ufffdhere", "tab\tsep", "zero\u200bwidth", "soft\u00adhyphen",
    "the quick brown fox jumps over the lazy dog",
    "a photo of an astronaut riding a horse on the moon, highly detailed, 8k",
    "portrait of a woman, oil painting, masterpiece, best quality, sharp focus, studio lighting",
    "unknownwordzzz qwertyuiop", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    LONG, LONG + ", " + LONG, " ".join(["word"] * 100),
]

PROMPT_CASES = [
    "", "a red circle", "(red)", "((red))", "(((red)))", "[red]", "[[red]]", "(red:1.3)", "(red:0.5)",
    "(red: 1.3 )", "(red:+1.5)", "(red:-1)", "(red:.5)", "a (red) circle", "a ((red)) [circle]",
    "(a (red:1.5) circle)", "[a (red) circle]", "(red", "red)", "[red", "red]", "((red)", "(red))",
    "(red]", "[red)", "\\(red\\)", "\\[red\\]", "a \\\\ b", "a \\ b", "\\x", "red:1.3", "(red:1.3", "a:b",
    "(a:b)", "red:1.3)", "a BREAK b", "a BREAK", "BREAK b", "aBREAK b", "a  BREAK  BREAK b", "(a BREAK b)",
    "break lowercase", "(masterpiece:1.2), best quality, (red circle:1.4), [blue square]",
    "((a)) (b) c", "(a)(b)", "(a:1.1)(b)", "(()))", "[]", "()", "(:1.2)",
]

CHUNK_CASES = [
    "", "a red circle", "(red) circle, [blue] square", "a BREAK b", "a BREAK", "BREAK",
    LONG, LONG + ", " + LONG, " ".join(["word"] * 100), " ".join(["word"] * 75), " ".join(["word"] * 76),
    ", ".join(["red circle"] * 40), "(" + LONG + ":1.2), [more words here]",
    " ".join(["word"] * 60) + ", " + " ".join(["tail"] * 30),
    " ".join(["word"] * 50) + ", " + " ".join(["tail"] * 30),
    " ".join(["word"] * 74) + ", x y",
    # single-token words: comma at 70 -> the 4 words after it move to chunk 2 (backtrack)
    "a " * 70 + ", " + "b " * 10, "a " * 54 + ", " + "b " * 30, "a " * 55 + ", " + "b " * 30,
    "a " * 74 + ", b c", "a " * 75 + ", b", "(" + "a " * 70 + ":1.3), " + "[b] " * 10, ",".join(["w"] * 120), "a, b BREAK " + LONG,
]
ADDED = ["<my-embed>", "easelstyle"]


def write(name, obj):
    os.makedirs(os.path.join(HERE, "fixtures"), exist_ok=True)
    with open(os.path.join(HERE, "fixtures", name), "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")


def tokenizer_fixture(tok, source):
    cases = [{"text": t, "ids": tok.encode(t), "input_ids": tok.tokenize(t)} for t in TOKENIZER_CASES]
    return {"source": source, "bos": tok.bos, "eos": tok.eos, "pad": tok.pad, "max_length": tok.max_len, "cases": cases}


def main():
    vdir = os.path.join(HERE, "fixture-vocab")
    os.makedirs(vdir, exist_ok=True)
    vocab, merges = train_bpe(corpus())
    with open(os.path.join(vdir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(vdir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    with open(os.path.join(vdir, "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": 77, "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                   "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}, f, indent=1)

    tok = RefClip(vocab, merges)
    write("fixture-vocab.json", tokenizer_fixture(tok, "fixture-vocab"))
    sd2 = RefClip(vocab, merges, pad="!")
    fx = tokenizer_fixture(sd2, "fixture-vocab, pad_token '!'")
    fx["chunks"] = [{"prompt": p, "chunks": c, "tokenCount": n} for p in CHUNK_CASES for c, n in [tokenize_line(sd2, p)]]
    write("fixture-vocab-pad-bang.json", fx)

    added = RefClip(vocab, merges)
    added_ids = [added.add_token(t) for t in ADDED]
    texts = ["a <my-embed> circle", "<my-embed>", "x<my-embed>y", "easelstyle red", "EASELSTYLE red",
             "easelstyles", "(easelstyle:1.2) <my-embed>, star"]
    write("added-tokens.json", {"added": ADDED, "added_ids": added_ids,
                                "cases": [{"text": t, "ids": added.encode(t)} for t in texts]})

    write("prompt-attention.json", [{"prompt": p, "parsed": parse_prompt_attention(p)} for p in PROMPT_CASES])
    write("chunks.json", [{"prompt": p, "chunks": c, "tokenCount": n} for p in CHUNK_CASES for c, n in [tokenize_line(tok, p)]])

    tiny = os.path.join(REPO, "models", "easel-tiny", "tokenizer")
    if os.path.exists(os.path.join(tiny, "vocab.json")):
        with open(os.path.join(tiny, "vocab.json"), encoding="utf-8") as f:
            tv = json.load(f)
        with open(os.path.join(tiny, "merges.txt"), encoding="utf-8") as f:
            lines = f.read().split("\n")
        tm = [tuple(l.split(" ")) for i, l in enumerate(lines) if l and not (i == 0 and l.startswith("#version"))]
        cfg = {}
        for n in ("special_tokens_map.json", "tokenizer_config.json"):
            p = os.path.join(tiny, n)
            if os.path.exists(p):
                cfg.update(json.load(open(p)))
        pad = cfg.get("pad_token", "<|endoftext|>")
        pad = pad["content"] if isinstance(pad, dict) else pad
        write("easel-tiny.json", tokenizer_fixture(RefClip(tv, tm, pad=pad, max_len=cfg.get("model_max_length", 77)), "models/easel-tiny/tokenizer"))
    else:
        print("models/easel-tiny/tokenizer not present; skipped", file=sys.stderr)


if __name__ == "__main__":
    main()
