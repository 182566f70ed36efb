"""A tiny T5 (SentencePiece Unigram) tokenizer in the `tokenizer.json` format that T5TokenizerFast
saves (as in FLUX.1's and SD3's `tokenizer_2` / `tokenizer_3`): <pad> 0, </s> 1, <unk> 2, then
"▁word" pieces and single letters, Metaspace pre-tokenisation, "</s>" appended by the template.

`encode` is the reference: for text made only of whole words in WORDS each word is one piece
(a whole-word piece scores higher than any split into letters), so it is a plain lookup.
"""
import json
import os

SPECIAL = ["<pad>", "</s>", "<unk>"]
WORDS = ["a", "an", "the", "red", "green", "blue", "yellow", "white", "black", "circle", "square", "triangle",
         "cat", "dog", "house", "on", "in", "of", "with", "background", "small", "large", "left", "right",
         "photo", "painting", "sky", "tree", "and"]
LETTERS = list("abcdefghijklmnopqrstuvwxyz0123456789.,!?'")
PIECES = SPECIAL + ["▁"] + [f"▁{w}" for w in WORDS] + LETTERS
IDS = {p: i for i, p in enumerate(PIECES)}


def encode(text, max_length=512):
    ids = [IDS[f"▁{w}"] for w in text.lower().split()][: max_length - 1] + [IDS["</s>"]]
    return ids + [IDS["<pad>"]] * (max_length - len(ids))


def tokenizer_json():
    def score(piece):
        if piece in SPECIAL:
            return 0.0
        if piece == "▁":
            return -3.0
        return -5.0 if piece.startswith("▁") else -8.0

    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, t in enumerate(SPECIAL)]
    metaspace = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True}
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [{"type": "Lowercase"},
                                                           {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, metaspace]},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}},
        "decoder": metaspace,
        "model": {"type": "Unigram", "unk_id": 2, "vocab": [[p, score(p)] for p in PIECES], "byte_fallback": False},
    }


def write_tokenizer(folder):
    os.makedirs(folder, exist_ok=True)
    special = {"eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}
    files = {"tokenizer.json": tokenizer_json(), "special_tokens_map.json": special,
             "tokenizer_config.json": {**special, "model_max_length": 512, "extra_ids": 0, "legacy": True,
                                       "tokenizer_class": "T5Tokenizer"}}
    for name, obj in files.items():
        with open(os.path.join(folder, name), "w") as f:
            json.dump(obj, f, indent=1, ensure_ascii=False)
            f.write("\n")
