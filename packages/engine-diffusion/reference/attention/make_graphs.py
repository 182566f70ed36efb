#!/usr/bin/python3
"""Attention blocks as other exporters write them, for fuseAttention's tests: each a small
transformer block (self-attention, then cross-attention on a text context, output projections with
bias), exported from PyTorch the way an SD export of that code would carry it.

    /usr/bin/python3 packages/engine-diffusion/reference/attention/make_graphs.py

- matmul-scale.onnx: diffusers' early CrossAttention (head_to_batch_dim to [B*h, S, dh], then
  matmul(q, k^T) * scale);
- baddbmm.onnx: diffusers' AttnProcessor (get_attention_scores: baddbmm(empty, q, k^T, beta=0,
  alpha=scale), so the scores come out of an Add of a zeroed tensor);
- sdpa.onnx: the 4-D layout torch's scaled_dot_product_attention export writes ([B, h, S, dh],
  q and k^T each multiplied by sqrt(scale)), spelled out since this torch (1.13) has no SDPA.

Inputs: hidden_states [batch, sequence, 64], encoder_hidden_states [batch, tokens, 48]; output
out [batch, sequence, 64]. Seeded, so the files are the same each run.
"""
import os

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
DIM, CTX, HEADS = 64, 48, 4


class Attention(nn.Module):
    def __init__(self, ctx_dim, style):
        super().__init__()
        self.style = style
        self.to_q = nn.Linear(DIM, DIM, bias=False)
        self.to_k = nn.Linear(ctx_dim, DIM, bias=False)
        self.to_v = nn.Linear(ctx_dim, DIM, bias=False)
        self.to_out = nn.Linear(DIM, DIM)
        self.scale = (DIM // HEADS) ** -0.5

    def head_to_batch_dim(self, x):
        b, s, d = x.shape
        return x.reshape(b, s, HEADS, d // HEADS).permute(0, 2, 1, 3).reshape(b * HEADS, s, d // HEADS)

    def batch_to_head_dim(self, x):
        bh, s, dh = x.shape
        return x.reshape(bh // HEADS, HEADS, s, dh).permute(0, 2, 1, 3).reshape(bh // HEADS, s, dh * HEADS)

    def forward(self, x, ctx):
        q, k, v = self.to_q(x), self.to_k(ctx), self.to_v(ctx)
        if self.style == "sdpa":
            b, s, _ = q.shape
            split = lambda t: t.reshape(b, t.shape[1], HEADS, DIM // HEADS).transpose(1, 2)  # noqa: E731
            q, k, v = split(q), split(k), split(v)
            root = self.scale ** 0.5
            probs = torch.softmax((q * root) @ (k.transpose(-2, -1) * root), dim=-1)
            out = (probs @ v).transpose(1, 2).reshape(b, s, DIM)
        else:
            q, k, v = self.head_to_batch_dim(q), self.head_to_batch_dim(k), self.head_to_batch_dim(v)
            if self.style == "baddbmm":
                empty = torch.empty(q.shape[0], q.shape[1], k.shape[1], dtype=q.dtype)
                scores = torch.baddbmm(empty, q, k.transpose(-1, -2), beta=0, alpha=self.scale)
            else:
                scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale
            out = self.batch_to_head_dim(torch.softmax(scores, dim=-1) @ v)
        return self.to_out(out)


class Block(nn.Module):
    def __init__(self, style):
        super().__init__()
        self.self_attn = Attention(DIM, style)
        self.cross_attn = Attention(CTX, style)

    def forward(self, hidden_states, encoder_hidden_states):
        h = hidden_states + self.self_attn(hidden_states, hidden_states)
        return h + self.cross_attn(h, encoder_hidden_states)


def main():
    for style in ("matmul-scale", "baddbmm", "sdpa"):
        torch.manual_seed(0)
        block = Block(style).eval()
        x, ctx = torch.randn(2, 16, DIM), torch.randn(2, 7, CTX)
        torch.onnx.export(
            block, (x, ctx), os.path.join(HERE, f"{style}.onnx"), opset_version=14,
            input_names=["hidden_states", "encoder_hidden_states"], output_names=["out"],
            dynamic_axes={"hidden_states": {0: "batch", 1: "sequence"}, "encoder_hidden_states": {0: "batch", 1: "tokens"}, "out": {0: "batch", 1: "sequence"}},
        )
        print(style, os.path.getsize(os.path.join(HERE, f"{style}.onnx")), "bytes")


if __name__ == "__main__":
    main()
