"""chat-random: easel-chat-tiny's tokenizer and template on a 1-layer llama with random weights, for tests only.

    /usr/bin/python3 models/training/chat/make_random.py   # writes models/chat-random/chat-random.gguf

Its logits are nearly uniform over the vocabulary, so it almost never draws its end token: a reply
runs to max_tokens, which is what the tests of stopping a reply need (the trained model answers in a
few tokens). Also the file the e2e suite loads through load_model.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from dataset import all_text  # noqa: E402
from export_gguf import export  # noqa: E402
from model import ChatModel, Config  # noqa: E402
from tokenizer import Tokenizer  # noqa: E402

if __name__ == '__main__':
    torch.manual_seed(0)
    tok = Tokenizer(all_text())
    model = ChatModel(Config(vocab_size=len(tok), dim=32, layers=1, heads=2, ffn=64, context=4096))
    out = os.path.join(os.path.dirname(__file__), '..', '..', 'chat-random')
    os.makedirs(out, exist_ok=True)
    export(model, tok, os.path.join(out, 'chat-random.gguf'), name='chat-random')
    print('wrote', os.path.join(out, 'chat-random.gguf'))
