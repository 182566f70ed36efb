"""Tiny Stable-Diffusion-family networks in plain PyTorch (no diffusers/transformers).

  * TextEncoder  - CLIP-style: token + learned position embeddings, causal pre-LN
                   transformer, quick_gelu MLP, final LayerNorm;
                   pooler_output = state at the first argmax(input_ids) (= first EOS).
  * AutoencoderKL - 4 latent channels, down-sampling factor 8 (block_out_channels of
                   length 4), encoder -> (mean, logvar) -> quant_conv, post_quant_conv -> decoder.
  * UNet         - epsilon-prediction UNet on the latents: sinusoidal timestep embedding
                   (flip_sin_to_cos, freq_shift 0 like SD), ResBlocks, transformer blocks
                   with self- and cross-attention on the text states at every resolution.
Everything is written to trace cleanly with torch.onnx.export (opset 14+).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# ----------------------------------------------------------------------------- configs
TEXT_CFG = dict(vocab_size=626, hidden_size=128, intermediate_size=512, num_hidden_layers=3,
                num_attention_heads=4, max_position_embeddings=77)
VAE_CFG = dict(block_out_channels=[16, 32, 64, 64], latent_channels=4, in_channels=3, out_channels=3)
UNET_CFG = dict(block_out_channels=[64, 96, 128], in_channels=4, out_channels=4, cross_attention_dim=128,
                attention_head_dim=32, layers_per_block=1)


# This Debian torch build links the *reference* BLAS: nn.Linear / bmm are ~10-30x slower
# than oneDNN convolutions on this CPU.  With FAST_CPU=True, linears run as 1x1 conv1d and
# attention products as grouped conv1d (same maths, same weights).  The ONNX export sets
# FAST_CPU=False so the graphs contain plain MatMul/Gemm.
FAST_CPU = True


def lin(x, layer):
    if not FAST_CPU:
        return layer(x)
    shp = x.shape
    y = F.conv1d(x.reshape(-1, shp[-1]).t()[None], layer.weight[:, :, None], layer.bias)[0].t()
    return y.reshape(*shp[:-1], y.shape[-1])


def attention_core(q, k, v, mask=None, probs_out=None):
    """q [G,n,d] (already scaled), k/v [G,m,d], mask [n,m] additive -> [G,n,d].
    probs_out (a list) receives the softmax probabilities [G,n,m] (self-attention guidance)."""
    if not FAST_CPU or probs_out is not None:
        s = q @ k.transpose(-1, -2)
        if mask is not None:
            s = s + mask
        probs = torch.softmax(s, dim=-1)
        if probs_out is not None:
            probs_out.append(probs)
        return probs @ v
    G, n, d = q.shape
    m = k.shape[1]
    s = F.conv1d(q.transpose(1, 2).reshape(1, G * d, n), k.reshape(G * m, d, 1), groups=G).reshape(G, m, n)
    if mask is not None:
        s = s + mask.t()
    a = torch.softmax(s, dim=1)
    o = F.conv1d(a.reshape(1, G * m, n), v.transpose(1, 2).reshape(G * d, m, 1), groups=G)
    return o.reshape(G, d, n).transpose(1, 2)


def count_params(m):
    return sum(p.numel() for p in m.parameters())


# ----------------------------------------------------------------------------- text encoder
class CLIPLayer(nn.Module):
    def __init__(self, d, heads, inter):
        super().__init__()
        self.heads = heads
        self.layer_norm1 = nn.LayerNorm(d)
        self.q_proj = nn.Linear(d, d)
        self.k_proj = nn.Linear(d, d)
        self.v_proj = nn.Linear(d, d)
        self.out_proj = nn.Linear(d, d)
        self.layer_norm2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, inter)
        self.fc2 = nn.Linear(inter, d)

    def forward(self, x, mask):
        b, n, d = x.shape
        h = self.heads
        y = self.layer_norm1(x)
        q = lin(y, self.q_proj).reshape(b, n, h, d // h).transpose(1, 2).reshape(b * h, n, d // h) * (d // h) ** -0.5
        k = lin(y, self.k_proj).reshape(b, n, h, d // h).transpose(1, 2).reshape(b * h, n, d // h)
        v = lin(y, self.v_proj).reshape(b, n, h, d // h).transpose(1, 2).reshape(b * h, n, d // h)
        y = attention_core(q, k, v, mask).reshape(b, h, n, d // h).transpose(1, 2).reshape(b, n, d)
        x = x + lin(y, self.out_proj)
        y = lin(self.layer_norm2(x), self.fc1)
        y = y * torch.sigmoid(1.702 * y)  # quick_gelu
        return x + lin(y, self.fc2)


class TextEncoder(nn.Module):
    def __init__(self, vocab_size, hidden_size, intermediate_size, num_hidden_layers, num_attention_heads,
                 max_position_embeddings):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, hidden_size)
        self.position_embedding = nn.Embedding(max_position_embeddings, hidden_size)
        self.layers = nn.ModuleList(
            [CLIPLayer(hidden_size, num_attention_heads, intermediate_size) for _ in range(num_hidden_layers)])
        self.final_layer_norm = nn.LayerNorm(hidden_size)
        L = max_position_embeddings
        self.register_buffer("causal_mask", torch.triu(torch.full((L, L), -1e9), 1), persistent=False)
        self.register_buffer("position_ids", torch.arange(L), persistent=False)
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.position_embedding.weight, std=0.01)

    def forward(self, input_ids):
        ids = input_ids.long()
        n = ids.shape[1]
        x = self.token_embedding(ids) + self.position_embedding(self.position_ids[:n])
        mask = self.causal_mask[:n, :n]
        for layer in self.layers:
            x = layer(x, mask)
        x = self.final_layer_norm(x)
        eos = torch.argmax(input_ids.float(), dim=-1)  # first occurrence of the highest id (EOS)
        pooled = torch.gather(x, 1, eos[:, None, None].expand(-1, 1, x.shape[2]))[:, 0]
        return x, pooled


# ----------------------------------------------------------------------------- shared blocks
def gn(c):
    return nn.GroupNorm(min(32, c // 4) if c >= 16 else 4, c, eps=1e-6)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb=None):
        super().__init__()
        self.norm1 = gn(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout) if temb else None
        self.norm2 = gn(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb=None):
        h = self.conv1(F.silu(self.norm1(x)))
        if self.temb is not None:
            h = h + lin(F.silu(emb), self.temb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


# ----------------------------------------------------------------------------- VAE
class Encoder(nn.Module):
    def __init__(self, chs, zc):
        super().__init__()
        self.conv_in = nn.Conv2d(3, chs[0], 3, padding=1)
        blocks = []
        for i in range(len(chs) - 1):
            blocks.append(nn.Conv2d(chs[i], chs[i + 1], 3, stride=2, padding=1))
            blocks.append(ResBlock(chs[i + 1], chs[i + 1]))
        self.blocks = nn.ModuleList(blocks)
        self.mid = ResBlock(chs[-1], chs[-1])
        self.norm_out = gn(chs[-1])
        self.conv_out = nn.Conv2d(chs[-1], 2 * zc, 3, padding=1)

    def forward(self, x):
        h = self.conv_in(x)
        for b in self.blocks:
            h = b(h)
        h = self.mid(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, chs, zc):
        super().__init__()
        r = list(reversed(chs))
        self.conv_in = nn.Conv2d(zc, r[0], 3, padding=1)
        self.mid = ResBlock(r[0], r[0])
        blocks = []
        for i in range(len(r) - 1):
            blocks.append(ResBlock(r[i], r[i]) if i > 0 else nn.Identity())
            blocks.append(nn.Upsample(scale_factor=2.0, mode="nearest"))
            blocks.append(nn.Conv2d(r[i], r[i + 1], 3, padding=1))
        self.blocks = nn.ModuleList(blocks)
        self.norm_out = gn(r[-1])
        self.conv_out = nn.Conv2d(r[-1], 3, 3, padding=1)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for b in self.blocks:
            h = b(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class AutoencoderKL(nn.Module):
    def __init__(self, block_out_channels, latent_channels=4, in_channels=3, out_channels=3):
        super().__init__()
        self.encoder = Encoder(block_out_channels, latent_channels)
        self.decoder = Decoder(block_out_channels, latent_channels)
        self.quant_conv = nn.Conv2d(2 * latent_channels, 2 * latent_channels, 1)
        self.post_quant_conv = nn.Conv2d(latent_channels, latent_channels, 1)

    def encode(self, x):
        mean, logvar = self.quant_conv(self.encoder(x)).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)

    def decode(self, z):
        return self.decoder(self.post_quant_conv(z))


class VaeEncoderExport(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, sample):
        return self.vae.encode(sample)[0]  # posterior mean (deterministic)


class VaeDecoderExport(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent_sample):
        return self.vae.decode(latent_sample).clamp(-1, 1)


# ----------------------------------------------------------------------------- UNet
def timestep_embedding(t, dim, max_period=10000.0):
    """diffusers get_timestep_embedding(flip_sin_to_cos=True, downscale_freq_shift=0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class Attention(nn.Module):
    def __init__(self, dim, ctx_dim, head_dim):
        super().__init__()
        self.heads = max(1, dim // head_dim)
        self.to_q = nn.Linear(dim, dim, bias=False)
        self.to_k = nn.Linear(ctx_dim, dim, bias=False)
        self.to_v = nn.Linear(ctx_dim, dim, bias=False)
        self.to_out = nn.Linear(dim, dim)
        self.probs_out = None  # a list to receive the attention probabilities, when asked

    def forward(self, x, ctx):
        b, n, d = x.shape
        h = self.heads
        m = ctx.shape[1]
        bc = ctx.shape[0]
        q = lin(x, self.to_q).reshape(b, n, h, d // h).transpose(1, 2).reshape(b * h, n, d // h) * (d // h) ** -0.5
        k = lin(ctx, self.to_k).reshape(bc, m, h, d // h).transpose(1, 2).reshape(bc * h, m, d // h)
        v = lin(ctx, self.to_v).reshape(bc, m, h, d // h).transpose(1, 2).reshape(bc * h, m, d // h)
        o = attention_core(q, k, v, probs_out=self.probs_out).reshape(b, h, n, d // h).transpose(1, 2).reshape(b, n, d)
        return lin(o, self.to_out)


class Transformer2D(nn.Module):
    def __init__(self, ch, ctx_dim, head_dim, self_attn=True):
        super().__init__()
        self.norm = gn(ch)
        self.proj_in = nn.Conv2d(ch, ch, 1)
        self.self_attn = self_attn
        if self_attn:
            self.norm1 = nn.LayerNorm(ch)
            self.attn1 = Attention(ch, ch, head_dim)
        self.norm2 = nn.LayerNorm(ch)
        self.attn2 = Attention(ch, ctx_dim, head_dim)
        self.norm3 = nn.LayerNorm(ch)
        self.ff1 = nn.Linear(ch, ch * 2 * 2)
        self.ff2 = nn.Linear(ch * 2, ch)
        self.proj_out = nn.Conv2d(ch, ch, 1)

    def forward(self, x, ctx):
        b, c, hh, ww = x.shape
        h = self.proj_in(self.norm(x))
        h = h.reshape(b, c, hh * ww).transpose(1, 2)
        if self.self_attn:
            y = self.norm1(h)
            h = h + self.attn1(y, y)
        h = h + self.attn2(self.norm2(h), ctx)
        a, g = lin(self.norm3(h), self.ff1).chunk(2, dim=-1)
        h = h + lin(a * F.gelu(g), self.ff2)  # GEGLU
        h = h.transpose(1, 2).reshape(b, c, hh, ww)
        return x + self.proj_out(h)


class UNet(nn.Module):
    def __init__(self, block_out_channels, in_channels=4, out_channels=4, cross_attention_dim=128,
                 attention_head_dim=32, layers_per_block=1):
        super().__init__()
        chs = block_out_channels
        self.c0 = chs[0]
        temb = chs[0] * 4
        self.time_mlp = nn.Sequential(nn.Linear(chs[0], temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(in_channels, chs[0], 3, padding=1)
        self.down = nn.ModuleList()
        skip_ch = [chs[0]]
        cur = chs[0]
        for i, c in enumerate(chs):
            for _ in range(layers_per_block):
                self.down.append(nn.ModuleList([ResBlock(cur, c, temb),
                                                Transformer2D(c, cross_attention_dim, attention_head_dim, self_attn=i > 0)]))
                cur = c
                skip_ch.append(cur)
            if i < len(chs) - 1:
                self.down.append(nn.Conv2d(cur, cur, 3, stride=2, padding=1))
                skip_ch.append(cur)
        self.mid1 = ResBlock(cur, cur, temb)
        self.mid_attn = Transformer2D(cur, cross_attention_dim, attention_head_dim)
        self.mid2 = ResBlock(cur, cur, temb)
        self.up = nn.ModuleList()
        for i, c in reversed(list(enumerate(chs))):
            for _ in range(layers_per_block + 1):
                self.up.append(nn.ModuleList([ResBlock(cur + skip_ch.pop(), c, temb),
                                              Transformer2D(c, cross_attention_dim, attention_head_dim, self_attn=i > 0)]))
                cur = c
            if i > 0:
                self.up.append(nn.Sequential(nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(cur, cur, 3, padding=1)))
        self.norm_out = gn(cur)
        self.conv_out = nn.Conv2d(cur, out_channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)
        # The export sets this: a second output, `mid_attention_probs` [batch*heads, h*w, h*w],
        # the mid block's self-attention probabilities that self-attention guidance (SAG) needs.
        self.return_mid_attention_probs = False

    def forward(self, sample, timestep, encoder_hidden_states, *residuals):
        # timestep may be [1] or [batch] (diffusers' ONNX pipeline passes shape [1]); it broadcasts.
        # residuals: a ControlNet's outputs, (list of down residuals, mid residual) or, for the ONNX
        # export, the same tensors flat; added to the skip connections and to the middle block's output
        # as diffusers' UNet2DConditionModel adds its down/mid_block_additional_residuals.
        down_residuals = mid_residual = None
        if len(residuals) == 2 and isinstance(residuals[0], (list, tuple)):
            down_residuals, mid_residual = residuals
        elif residuals:
            down_residuals, mid_residual = residuals[:-1], residuals[-1]
        emb = timestep_embedding(timestep.reshape(-1), self.c0)
        emb = lin(F.silu(lin(emb, self.time_mlp[0])), self.time_mlp[2])
        ctx = encoder_hidden_states
        h = self.conv_in(sample)
        hs = [h]
        for m in self.down:
            if isinstance(m, nn.ModuleList):
                h = m[1](m[0](h, emb), ctx)
            else:
                h = m(h)
            hs.append(h)
        if down_residuals is not None:
            hs = [s + r for s, r in zip(hs, down_residuals)]
        probs = [] if self.return_mid_attention_probs else None
        self.mid_attn.attn1.probs_out = probs
        h = self.mid2(self.mid_attn(self.mid1(h, emb), ctx), emb)
        self.mid_attn.attn1.probs_out = None
        if mid_residual is not None:
            h = h + mid_residual
        for m in self.up:
            if isinstance(m, nn.ModuleList):
                h = m[1](m[0](torch.cat([h, hs.pop()], dim=1), emb), ctx)
            else:
                h = m(h)
        out = self.conv_out(F.silu(self.norm_out(h)))
        return (out, probs[0]) if probs is not None else out


def build_all(vocab_size=None):
    tcfg = dict(TEXT_CFG)
    if vocab_size:
        tcfg["vocab_size"] = vocab_size
    return TextEncoder(**tcfg), AutoencoderKL(**VAE_CFG), UNet(**UNET_CFG), tcfg


if __name__ == "__main__":
    import time

    torch.set_num_threads(2)
    te, vae, unet, _ = build_all()
    for n, m in [("text", te), ("vae", vae), ("unet", unet)]:
        print(n, count_params(m))
    ids = torch.randint(0, 626, (64, 77))
    x = torch.randn(64, 4, 16, 16)
    t = torch.randint(0, 1000, (64,))
    opt = torch.optim.AdamW(list(te.parameters()) + list(unet.parameters()), 1e-4)
    for i in range(4):
        t0 = time.time()
        ctx, _ = te(ids)
        loss = F.mse_loss(unet(x, t, ctx), x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print("unet+te step b64", time.time() - t0)
    img = torch.randn(16, 3, 64, 64)
    optv = torch.optim.AdamW(vae.parameters(), 1e-4)
    for i in range(3):
        t0 = time.time()
        m, lv = vae.encode(img)
        loss = F.mse_loss(vae.decode(m), img)
        optv.zero_grad()
        loss.backward()
        optv.step()
        print("vae step b16@64", time.time() - t0)
    with torch.no_grad():
        t0 = time.time()
        vae.encode(torch.randn(64, 3, 128, 128))
        print("encode 64@128", time.time() - t0)
