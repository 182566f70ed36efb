"""easel-tiny-mesh's networks (Shap-E's approach at small scale).

- ShapeEncoder: a scene's voxel grid (distance + colour, 32^3) -> latent z [64] (training only:
  it defines the latent space the prior samples in).
- ImplicitDecoder: (points [N, 3], z) -> signed distance and colour at each point; marching
  cubes runs on its distance field, the mesh's vertex colours come from its colour field.
- ImageEncoder: a framed 64x64 view -> 16 condition tokens of the text encoder's width, so the
  one prior is conditioned on text or on an image.
- Prior: epsilon-prediction denoiser of z given the condition tokens (learned queries read
  the tokens by cross-attention; residual MLP blocks modulated by time and condition).
The text encoder is models.TextEncoder (CLIPTextModel's interface), trained with the prior.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

LATENT = 64
CTX = 128


def fourier(p, n=8):
    freqs = (2.0 ** torch.arange(n, dtype=torch.float32)) * math.pi
    a = p[..., None] * freqs  # [..., 3, n]
    return torch.cat([p, torch.sin(a).flatten(-2), torch.cos(a).flatten(-2)], dim=-1)


class ShapeEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.Sequential(
            nn.Conv3d(4, 32, 4, 2, 1), nn.SiLU(),
            nn.Conv3d(32, 64, 4, 2, 1), nn.SiLU(),
            nn.Conv3d(64, 128, 4, 2, 1), nn.SiLU(),
        )
        self.out = nn.Linear(128 * 4 * 4 * 4, LATENT)

    def forward(self, grid):
        return self.out(self.convs(grid).flatten(1))


class ImplicitDecoder(nn.Module):
    def __init__(self, width=192, freqs=8):
        super().__init__()
        self.freqs = freqs
        fin = 3 + 6 * freqs
        self.x_in = nn.Linear(fin, width)
        self.z_in = nn.Linear(LATENT, width)
        self.l1 = nn.Linear(width, width)
        self.z_mid = nn.Linear(LATENT, width)
        self.l2 = nn.Linear(width, width)
        self.l3 = nn.Linear(width, width)
        self.out = nn.Linear(width, 4)

    def forward(self, points, z):
        """points [B, N, 3], z [B, LATENT] -> sdf [B, N], rgb [B, N, 3] in [0, 1]."""
        h = F.silu(self.x_in(fourier(points, self.freqs)) + self.z_in(z)[:, None])
        h = F.silu(self.l1(h))
        h = F.silu(self.l2(h) + self.z_mid(z)[:, None])
        h = F.silu(self.l3(h))
        o = self.out(h)
        return o[..., 0] * 0.1, torch.sigmoid(o[..., 1:])


class DecoderExport(nn.Module):
    """shape_decoder/model.onnx: points [N, 3], latent [1, LATENT] -> sdf [N], color [N, 3]."""

    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, points, latent):
        sdf, rgb = self.dec(points[None], latent)
        return sdf[0], rgb[0]


class ImageEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.Sequential(
            nn.Conv2d(3, 32, 3, 2, 1), nn.SiLU(),
            nn.Conv2d(32, 64, 3, 2, 1), nn.SiLU(),
            nn.Conv2d(64, 128, 3, 2, 1), nn.SiLU(),
            nn.Conv2d(128, CTX, 3, 2, 1),
        )
        self.pos = nn.Parameter(torch.randn(16, CTX) * 0.02)
        self.norm = nn.LayerNorm(CTX)

    def forward(self, pixel_values):
        """pixel_values [B, 3, 64, 64] in [-1, 1] -> tokens [B, 16, CTX]."""
        x = self.convs(pixel_values).flatten(2).transpose(1, 2)
        return self.norm(x + self.pos)


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=-1)


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.LayerNorm(width, elementwise_affine=False)
        self.mod = nn.Linear(width, 2 * width)
        self.fc1 = nn.Linear(width, 2 * width)
        self.fc2 = nn.Linear(2 * width, width)
        nn.init.zeros_(self.fc2.weight)
        nn.init.zeros_(self.fc2.bias)

    def forward(self, h, c):
        scale, shift = self.mod(c).chunk(2, dim=-1)
        return h + self.fc2(F.silu(self.fc1(self.norm(h) * (1 + scale) + shift)))


class Prior(nn.Module):
    def __init__(self, width=384, queries=8, blocks=4, heads=4):
        super().__init__()
        self.heads = heads
        self.queries = nn.Parameter(torch.randn(queries, CTX) * 0.02)
        self.q = nn.Linear(CTX, CTX, bias=False)
        self.k = nn.Linear(CTX, CTX, bias=False)
        self.v = nn.Linear(CTX, CTX, bias=False)
        self.cond = nn.Linear(queries * CTX, width)
        self.time = nn.Sequential(nn.Linear(128, width), nn.SiLU(), nn.Linear(width, width))
        self.z_in = nn.Linear(LATENT, width)
        self.blocks = nn.ModuleList([Block(width) for _ in range(blocks)])
        self.norm = nn.LayerNorm(width)
        self.out = nn.Linear(width, LATENT)

    def read(self, ctx, key_mask=None):
        """Learned queries attend over the condition tokens -> [B, width]. key_mask [B, L] (True =
        read) lets a batch of prompts of different lengths train as if each came alone; the engine
        passes each prompt's tokens up to its end-of-text token and no mask."""
        B, L, D = ctx.shape
        h, dh = self.heads, D // self.heads
        q = self.q(self.queries).reshape(1, -1, h, dh).transpose(1, 2)  # [1, h, Q, dh]
        k = self.k(ctx).reshape(B, L, h, dh).transpose(1, 2)
        v = self.v(ctx).reshape(B, L, h, dh).transpose(1, 2)
        s = q @ k.transpose(-1, -2) / math.sqrt(dh)
        if key_mask is not None:
            s = s.masked_fill(~key_mask[:, None, None, :], -1e9)
        a = torch.softmax(s, dim=-1)
        o = (a @ v).transpose(1, 2).reshape(B, -1)
        return self.cond(o)

    def forward(self, sample, timestep, encoder_hidden_states, key_mask=None):
        c = F.silu(self.time(timestep_embedding(timestep, 128)) + self.read(encoder_hidden_states, key_mask))
        h = self.z_in(sample)
        for b in self.blocks:
            h = b(h, c)
        return self.out(self.norm(h))


def cosine_alphas_cumprod(n=1000, max_beta=0.999):
    """diffusers' betas_for_alpha_bar (squaredcos_cap_v2), as the engine's scheduler computes it."""
    def bar(t):
        return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2

    betas = [min(1 - bar((i + 1) / n) / bar(i / n), max_beta) for i in range(n)]
    return torch.cumprod(1 - torch.tensor(betas, dtype=torch.float64), 0).float()
