"""Tiny random-weight torch modules with the graph interfaces of real diffusion exports (diffusers /
optimum ONNX): CLIP text encoders (with hidden states and projection), a T5 encoder, UNets with
SDXL's added conditioning, Flux's transformer, and VAEs with any latent width, scaling and shift.

Not image models: each keeps its outputs in a sane range (the UNet's prediction is ~0.9x its input
plus a small random term; the VAE round-trips block-constant images), so the pipelines can run any
scheduler end to end and tests can compare pixels with the reference (reference/families/).
The `build_*` functions create every module of a family in a fixed order from one seed, so
make_models.py (the ONNX export) and the reference rebuild the same weights.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

SMALL = 8


def sinusoid(t, dim):
    """Sinusoidal embedding of a float tensor [...]: cos and sin of t at dim/2 log-spaced frequencies."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.to(torch.float32)[..., None] * freqs
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def running_mean(z):
    return torch.cumsum(z, dim=1) / torch.arange(1, z.shape[1] + 1, dtype=z.dtype).view(1, -1, 1)


class ClipTextEncoder(nn.Module):
    """CLIPTextModel(WithProjection)-shaped: hidden_states[0..layers], last_hidden_state = LN(last),
    pooled = last_hidden_state at the EOS (highest id) position, text_embeds = its projection."""

    def __init__(self, vocab, width, layers=3, projection=None, seq=77):
        super().__init__()
        self.tok = nn.Embedding(vocab, SMALL)
        self.pos = nn.Parameter(torch.randn(seq, SMALL) * 0.1)
        self.proj_in = nn.Linear(SMALL, width)
        self.down = nn.ModuleList([nn.Linear(width, SMALL) for _ in range(layers)])
        self.up = nn.ModuleList([nn.Linear(SMALL, width) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)
        # low-rank stand-in for the real [width, projection] matrix (keeps the file small)
        self.text_projection = nn.Sequential(nn.Linear(width, SMALL, bias=False), nn.Linear(SMALL, projection, bias=False)) if projection else None

    def states(self, input_ids):
        ids = input_ids.long()
        h = self.proj_in(self.tok(ids) + self.pos[: ids.shape[1]])
        hidden = [h]
        for d, u in zip(self.down, self.up):
            h = h + u(running_mean(torch.tanh(d(h))))
            hidden.append(h)
        last = self.ln(h)
        pooled = last[torch.arange(last.shape[0]), ids.argmax(dim=-1)]
        return last, pooled, hidden


class T5Encoder(nn.Module):
    """T5EncoderModel-shaped: input_ids int64 [b, s] -> last_hidden_state [b, s, 4096] (RMS-normed)."""

    def __init__(self, vocab, width=4096, layers=2):
        super().__init__()
        self.tok = nn.Embedding(vocab, SMALL)
        self.mix = nn.ModuleList([nn.Linear(SMALL, SMALL) for _ in range(layers)])
        self.proj = nn.Linear(SMALL, width)
        self.norm = nn.Parameter(1 + 0.1 * torch.randn(width))

    def forward(self, input_ids):
        h = self.tok(input_ids)
        for m in self.mix:
            h = h + torch.tanh(m(running_mean(h)))
        out = self.proj(h)
        return out * torch.rsqrt(out.pow(2).mean(-1, keepdim=True) + 1e-6) * self.norm


class UNet(nn.Module):
    """UNet2DConditionModel-shaped: sample, timestep, encoder_hidden_states [+ SDXL's text_embeds and
    time_ids (addition_embed_type "text_time")] -> out_sample ~ 0.9·sample + 0.1·tanh(f(...))."""

    def __init__(self, ctx_width, text_embeds=0, time_ids=0, ch=16):
        super().__init__()
        self.ch = ch
        self.n_time_ids = time_ids
        self.conv_in = nn.Conv2d(4, ch, 3, padding=1)
        self.time = nn.Linear(ch, ch)
        self.add_embedding = nn.Linear(text_embeds + time_ids * SMALL, ch) if text_embeds else None
        self.ctx_k = nn.Linear(ctx_width, ch)
        self.ctx_v = nn.Linear(ctx_width, ch)
        self.mid = nn.Conv2d(ch, ch, 3, padding=1)
        self.conv_out = nn.Conv2d(ch, 4, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states, text_embeds=None, time_ids=None):
        b = sample.shape[0]
        temb = self.time(sinusoid(timestep.to(torch.float32).expand(b), self.ch))
        if self.add_embedding is not None:
            # SDXL: each time id gets a sinusoidal embedding, concatenated with the pooled text embedding
            added = torch.cat([text_embeds, sinusoid(time_ids, SMALL).reshape(b, -1)], dim=-1)
            temb = temb + self.add_embedding(added)
        x = F.silu(self.conv_in(sample) + temb[:, :, None, None])
        n, c, h, w = x.shape
        q = x.flatten(2).transpose(1, 2)
        k = self.ctx_k(encoder_hidden_states)
        v = self.ctx_v(encoder_hidden_states)
        attn = torch.softmax(torch.bmm(q, k.transpose(1, 2)) / math.sqrt(c), dim=-1)
        x = x + torch.bmm(attn, v).transpose(1, 2).reshape(n, c, h, w)
        x = F.silu(self.mid(x))
        return 0.9 * sample + 0.1 * torch.tanh(self.conv_out(x))


class FluxTransformer(nn.Module):
    """FluxTransformer2DModel-shaped (guidance_embeds): packed hidden_states [b, seq, 64], T5 states,
    CLIP pooled projection, timestep and guidance (the pipeline passes σ; the model embeds 1000·σ),
    img_ids [seq, 3] / txt_ids [txt, 3] position ids (rotary in the real model: here sinusoidal
    features of the ids) -> out_hidden_states [b, seq, 64], the velocity ~ 0.9·x + 0.1·tanh(f)."""

    def __init__(self, ctx_width=4096, pooled=768, ch=16):
        super().__init__()
        self.ch = ch
        self.x_embedder = nn.Linear(64, ch)
        self.pos = nn.Linear(3 * SMALL, ch)
        self.time = nn.Linear(2 * ch, ch)
        self.pooled = nn.Linear(pooled, ch)
        self.context = nn.Linear(ctx_width, ch)
        self.txt_pos = nn.Linear(3 * SMALL, ch)
        self.proj_out = nn.Linear(ch, 64)

    def forward(self, hidden_states, encoder_hidden_states, pooled_projections, timestep, img_ids, txt_ids, guidance):
        b, seq, _ = hidden_states.shape
        temb = self.time(torch.cat([sinusoid(timestep * 1000, self.ch), sinusoid(guidance * 1000, self.ch)], -1))
        temb = temb + self.pooled(pooled_projections)
        x = self.x_embedder(hidden_states) + self.pos(sinusoid(img_ids, SMALL).reshape(seq, -1))[None]
        x = F.silu(x + temb[:, None, :])
        ctx = self.context(encoder_hidden_states) + self.txt_pos(sinusoid(txt_ids, SMALL).reshape(txt_ids.shape[0], -1))[None]
        attn = torch.softmax(torch.bmm(x, ctx.transpose(1, 2)) / math.sqrt(self.ch), dim=-1)
        x = x + torch.bmm(attn, ctx)
        return 0.9 * hidden_states + 0.1 * torch.tanh(self.proj_out(x))


class VaeEncoder(nn.Module):
    """sample [b,3,H,W] -> latent_sample [b,C,H/8,W/8]: the raw latent z, with (z - shift)·scale ~ the
    8×8-pooled image (atanh), so decode(encode(x)) ~ x."""

    def __init__(self, channels, scaling, shift=0.0):
        super().__init__()
        self.channels, self.scaling, self.shift = channels, scaling, shift
        self.res = nn.Conv2d(3, channels, 3, padding=1)
        with torch.no_grad():
            self.res.weight.mul_(0.02)
            self.res.bias.zero_()

    def forward(self, sample):
        p = torch.clamp(F.avg_pool2d(sample, 8), -0.999, 0.999)
        pooled = 0.5 * torch.log((1 + p) / (1 - p))  # atanh, which opset 14 lacks
        rest = torch.zeros_like(pooled[:, :1]).expand(-1, self.channels - 3, -1, -1)
        lat = torch.cat([pooled, rest], dim=1) + F.avg_pool2d(self.res(sample), 8)
        return lat / self.scaling + self.shift


class VaeDecoder(nn.Module):
    def __init__(self, channels, scaling, shift=0.0):
        super().__init__()
        self.scaling, self.shift = scaling, shift
        self.res = nn.Conv2d(channels, 3, 3, padding=1)
        with torch.no_grad():
            self.res.weight.mul_(0.02)
            self.res.bias.zero_()

    def forward(self, latent_sample):
        z = (latent_sample - self.shift) * self.scaling
        return F.interpolate(torch.tanh(z[:, :3] + self.res(z)), scale_factor=8.0, mode="nearest")


def build_sd2(vocab, seed=0):
    torch.manual_seed(seed)
    return dict(text_encoder=ClipTextEncoder(vocab, 1024), unet=UNet(1024),
                vae_encoder=VaeEncoder(4, 0.18215), vae_decoder=VaeDecoder(4, 0.18215))


SDXL_SCALING = 0.13025


def build_sdxl(vocab, seed=0):
    torch.manual_seed(seed)
    return dict(text_encoder=ClipTextEncoder(vocab, 768), text_encoder_2=ClipTextEncoder(vocab, 1280, projection=1280),
                unet=UNet(2048, text_embeds=1280, time_ids=6),
                vae_encoder=VaeEncoder(4, SDXL_SCALING), vae_decoder=VaeDecoder(4, SDXL_SCALING))


def build_sdxl_refiner(vocab, seed=1):
    torch.manual_seed(seed)
    return dict(text_encoder_2=ClipTextEncoder(vocab, 1280, projection=1280),
                unet=UNet(1280, text_embeds=1280, time_ids=5),
                vae_encoder=VaeEncoder(4, SDXL_SCALING), vae_decoder=VaeDecoder(4, SDXL_SCALING))


FLUX_SCALING, FLUX_SHIFT = 0.3611, 0.1159


def build_flux(vocab, t5_vocab, seed=2):
    torch.manual_seed(seed)
    return dict(text_encoder=ClipTextEncoder(vocab, 768), text_encoder_2=T5Encoder(t5_vocab),
                transformer=FluxTransformer(), vae_encoder=VaeEncoder(16, FLUX_SCALING, FLUX_SHIFT),
                vae_decoder=VaeDecoder(16, FLUX_SCALING, FLUX_SHIFT))
