#!/usr/bin/env python3
"""A random-weight graph with GFPGAN's ONNX interface, for tests only (it restores nothing).

GFPGAN's ONNX exports take `input` float32 [1, 3, 512, 512] in [-1, 1] (RGB) and give an image of
the same shape and range. This graph has that interface and a few KB of weights: a strided conv
down, a conv, a transposed conv back up, a residual add and tanh — so its output depends on its
input and stays in [-1, 1]. No face model has a licence that lets Easel ship it; this stands in
for one in the tests (load it with model_category face_restore).

Run with Debian's python3-torch: /usr/bin/python3 models/face-restore-random/make.py
"""
import os

import torch
from torch import nn


class RandomRestorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, 8, 4, stride=4)
        self.mid = nn.Conv2d(8, 8, 3, padding=1)
        self.up = nn.ConvTranspose2d(8, 3, 4, stride=4)

    def forward(self, x):
        h = torch.relu(self.down(x))
        h = torch.relu(self.mid(h))
        return torch.tanh(x + 0.1 * self.up(h))


def main():
    torch.manual_seed(26)
    model = RandomRestorer().eval()
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.onnx")
    torch.onnx.export(
        model,
        torch.zeros(1, 3, 512, 512),
        out,
        input_names=["input"],
        output_names=["output"],
        opset_version=11,
    )
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")


if __name__ == "__main__":
    main()
