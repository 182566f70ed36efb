"""Byte-level BPE in OpenAI CLIP's format (vocab.json + merges.txt), trained on the captions.

Format (same as openai/clip-vit-large-patch14 used by SD 1.5):
  vocab = 256 byte-unicode symbols, the same 256 with "</w>", one entry per merge
          (in merge order), then "<|startoftext|>", "<|endoftext|>" (last two ids).
  merges.txt: "#version: 0.2" then one "a b" pair per line.
Text normalisation: html-unescape-free whitespace clean + lower-case (ftfy is not
needed for our ASCII captions); pre-tokenisation with CLIP's regex
  <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+
(expressed with Python `re` classes below).

The CLIPBPE class is also the tokenizer used by reference_sampler.py.
"""
import json
import os
import re
from collections import Counter

SOT = "<|startoftext|>"
EOT = "<|endoftext|>"
MAX_LEN = 77

PAT = re.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+""",
    re.IGNORECASE,
)


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


def clean(text):
    return re.sub(r"\s+", " ", text).strip().lower()


def pretokenize(text):
    return [ "".join(BYTE_ENCODER[b] for b in t.encode("utf-8")) for t in PAT.findall(clean(text))]


def get_pairs(word):
    return set(zip(word[:-1], word[1:]))


class CLIPBPE:
    def __init__(self, vocab_path, merges_path):
        with open(vocab_path, encoding="utf-8") as f:
            self.encoder = json.load(f)
        with open(merges_path, encoding="utf-8") as f:
            lines = f.read().strip().split("\n")[1:]
        merges = [tuple(l.split()) for l in lines if l]
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.cache = {SOT: SOT, EOT: EOT}
        self.sot = self.encoder[SOT]
        self.eot = self.encoder[EOT]

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        pairs = get_pairs(word)
        if not pairs:
            return token + "</w>"
        while True:
            bigram = min(pairs, key=lambda p: self.bpe_ranks.get(p, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        out = " ".join(word)
        self.cache[token] = out
        return out

    def encode(self, text):
        ids = []
        for tok in pretokenize(text):
            ids.extend(self.encoder[t] for t in self.bpe(tok).split(" "))
        return ids

    def __call__(self, text, max_length=MAX_LEN):
        """SD-1.5 style: [SOT] + ids + [EOT], truncated to 77, padded with EOT."""
        ids = [self.sot] + self.encode(text)[: max_length - 2] + [self.eot]
        return ids + [self.eot] * (max_length - len(ids))


def train_bpe(texts, num_merges=500, min_freq=2):
    words = Counter()
    for t in texts:
        for tok in pretokenize(t):
            words[tuple(tok[:-1]) + (tok[-1] + "</w>",)] += 1
    merges = []
    words = dict(words)
    for _ in range(num_merges):
        pairs = Counter()
        for w, f in words.items():
            for p in zip(w[:-1], w[1:]):
                pairs[p] += f
        if not pairs:
            break
        best_f = max(pairs.values())
        if best_f < min_freq:
            break
        best = min(p for p, f in pairs.items() if f == best_f)  # deterministic tie-break
        merges.append(best)
        a, b = best
        nw = {}
        for w, f in words.items():
            out = []
            i = 0
            while i < len(w):
                if i < len(w) - 1 and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            nw[tuple(out)] = nw.get(tuple(out), 0) + f
        words = nw
    return merges


def write_tokenizer(out_dir, merges):
    os.makedirs(out_dir, exist_ok=True)
    vocab = list(BYTE_ENCODER.values())
    vocab = vocab + [v + "</w>" for v in vocab]
    for m in merges:
        vocab.append("".join(m))
    vocab.extend([SOT, EOT])
    encoder = {}
    for i, v in enumerate(vocab):
        assert v not in encoder, v
        encoder[v] = i
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(encoder, f, ensure_ascii=False)
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")

    def added(content):
        return {"__type": "AddedToken", "content": content, "lstrip": False, "normalized": True,
                "rstrip": False, "single_word": False}

    special = {
        "bos_token": {k: v for k, v in added(SOT).items() if k != "__type"},
        "eos_token": {k: v for k, v in added(EOT).items() if k != "__type"},
        "pad_token": EOT,
        "unk_token": {k: v for k, v in added(EOT).items() if k != "__type"},
    }
    with open(os.path.join(out_dir, "special_tokens_map.json"), "w") as f:
        json.dump(special, f, indent=2)
    cfg = {
        "add_prefix_space": False,
        "bos_token": added(SOT),
        "do_lower_case": True,
        "eos_token": added(EOT),
        "errors": "replace",
        "model_max_length": MAX_LEN,
        "name_or_path": "easel-tiny",
        "pad_token": EOT,
        "special_tokens_map_file": "./special_tokens_map.json",
        "tokenizer_class": "CLIPTokenizer",
        "_class_name": "CLIPTokenizer",
        "unk_token": added(EOT),
    }
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    return len(vocab)


def build(out_dir, num_merges=600):
    import dataset

    texts = dataset.all_caption_corpus(20000) + [p["prompt"] for p in dataset.heldout_prompts()]
    # make sure every vocabulary word (and digits / punctuation users might type) is seen
    texts += [" ".join(dataset.SHAPES + dataset.COLOR_NAMES + ["center", "centre", "middle", "corner"])] * 5
    merges = train_bpe(texts, num_merges=num_merges)
    n = write_tokenizer(out_dir, merges)
    return n


if __name__ == "__main__":
    import argparse
    import sys

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="models/easel-tiny/tokenizer")
    a = ap.parse_args()
    n = build(a.out)
    tok = CLIPBPE(os.path.join(a.out, "vocab.json"), os.path.join(a.out, "merges.txt"))
    print("vocab size", n)
    ids = tok("a red circle on a blue background")
    print(ids[:12])
