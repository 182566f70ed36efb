"""A llama-architecture decoder, written as llama.cpp computes LLM_ARCH_LLAMA so the GGUF export is a plain copy.

RMSNorm before attention and before the SwiGLU feed-forward, rotary positions on adjacent pairs
(llama.cpp's "normal" rope: dims 2i and 2i+1 turn together, which is why no Q/K permutation is needed
on export, unlike Hugging Face checkpoints), no biases, the output projection tied to the embeddings.
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int
    dim: int = 192
    layers: int = 4
    heads: int = 6
    ffn: int = 512
    context: int = 512
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5

    def to_dict(self):
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope(x, theta):
    """x: (batch, heads, seq, head_dim); rotates pairs (2i, 2i+1) by position × theta^(-2i/head_dim)."""
    _, _, seq, hd = x.shape
    freqs = theta ** (-torch.arange(0, hd, 2, dtype=torch.float32) / hd)
    angles = torch.arange(seq, dtype=torch.float32)[:, None] * freqs[None, :]
    cos, sin = angles.cos(), angles.sin()
    even, odd = x[..., 0::2], x[..., 1::2]
    return torch.stack((even * cos - odd * sin, even * sin + odd * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.attn_norm = RMSNorm(c.dim, c.norm_eps)
        self.wq = nn.Linear(c.dim, c.dim, bias=False)
        self.wk = nn.Linear(c.dim, c.dim, bias=False)
        self.wv = nn.Linear(c.dim, c.dim, bias=False)
        self.wo = nn.Linear(c.dim, c.dim, bias=False)
        self.ffn_norm = RMSNorm(c.dim, c.norm_eps)
        self.gate = nn.Linear(c.dim, c.ffn, bias=False)
        self.up = nn.Linear(c.dim, c.ffn, bias=False)
        self.down = nn.Linear(c.ffn, c.dim, bias=False)

    def forward(self, x, mask):
        b, t, d = x.shape
        h = self.attn_norm(x)
        split = lambda y: y.view(b, t, self.c.heads, d // self.c.heads).transpose(1, 2)
        q, k, v = rope(split(self.wq(h)), self.c.rope_theta), rope(split(self.wk(h)), self.c.rope_theta), split(self.wv(h))
        # Debian's torch 1.13 has no scaled_dot_product_attention.
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
        att = scores.masked_fill(~mask, float('-inf')).softmax(-1) @ v
        x = x + self.wo(att.transpose(1, 2).reshape(b, t, d))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class ChatModel(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c.vocab_size, c.dim)
        self.blocks = nn.ModuleList(Block(c) for _ in range(c.layers))
        self.norm = RMSNorm(c.dim, c.norm_eps)
        nn.init.normal_(self.embed.weight, std=0.02)

    def forward(self, ids, pad_mask=None):
        t = ids.shape[1]
        mask = torch.ones(t, t, dtype=torch.bool).tril()
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x, mask)
        return self.norm(x) @ self.embed.weight.T
