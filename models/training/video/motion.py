"""AnimateDiff's idea on easel-tiny: motion modules inserted into a frozen image UNet.

  * MotionModule - after every transformer block of the UNet (down, middle, up), a
                   temporal transformer: on the 16x16 map, for each latent cell, its frames
                   attend to each other (self-attention across time, with a sinusoidal
                   embedding of the frame's time in [0, 1]); on the coarse 8x8 and 4x4 maps
                   every (frame, cell) token attends to all others (full space-time
                   attention, as in Latte / CogVideoX: cheap there, and a move spans most
                   of those cells); every token also attends to the prompt's states (cross-attention;
                   AnimateDiff leaves this to the frozen spatial layers, which here never
                   learnt words of motion), then a GEGLU feed-forward. Each cell also gets
                   an embedding of its place in the frame (a motion is a place that changes
                   with time). proj_out starts at
                   zero, so an untrained module leaves the image model unchanged.
  * motion words - a learnt embedding of each prompt token, added to the frozen encoder's states
                   for the motion modules' cross-attention only (zero at first): easel-tiny's
                   encoder never saw words of motion ("up" and "down" are letters to it; its
                   states for "moving up" and "moving down" differ by under a quarter), so the
                   modules get each token's identity directly.
  * frame words  - (optional) a third learnt embedding of each prompt token, added to the states the frozen
                   image UNet's own cross-attention reads in every frame (textual inversion's idea): the
                   image UNet places objects by "left" and "right" (its output for the two differs by a
                   tenth) but not by "up" and "down" (a hundredth), and the modules' horizontal moves
                   ride on that; these rows can teach it the vertical words. Zero at first.
  * VideoUNet    - the image UNet's blocks run on every frame (batch x frames as one
                   batch, the same text states for all), a motion module after each.
                   Per-frame timesteps: img2video gives the first frame clean (timestep 0)
                   and the modules carry it into the others.
  * VideoUNetExport - the ONNX interface (README of packages/engine-video):
                   sample [batch, 4, frames, h, w], timestep broadcast to [batch, frames],
                   encoder_hidden_states [batch, seq, 128], frame_times [frames],
                   input_ids int64 [batch, seq] (the tokens behind the states; only when the
                   model has motion words) -> out_sample like sample.
"""
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import models as M  # noqa: E402

TIME_FREQUENCIES = 6  # sin/cos of (pi / 2) * 2^k * t, k < 6


# maps of at most this many cells (easel-tiny's 8x8 and 4x4) get full space-time attention; a move across
# the frame spans most of a coarse map's cells, which per-cell temporal attention cannot carry
FULL_ATTENTION_CELLS = 64
POSITION_FREQUENCIES = 4  # sin/cos of (pi / 2) * 2^k * x and * y, k < 4


def position_features(hh, ww):
    """A latent cell's place as fractions of the frame, x and y in [0, 1] -> [h*w, 4 * POSITION_FREQUENCIES].
    Motion is a place that changes with time: the modules need to know where a cell is."""
    ys = torch.arange(hh, dtype=torch.float32) / torch.clamp(torch.tensor(hh, dtype=torch.float32) - 1, min=1.0)
    xs = torch.arange(ww, dtype=torch.float32) / torch.clamp(torch.tensor(ww, dtype=torch.float32) - 1, min=1.0)
    y = ys[:, None].expand(hh, ww).reshape(-1)
    x = xs[None, :].expand(hh, ww).reshape(-1)
    k = torch.pow(2.0, torch.arange(POSITION_FREQUENCIES, dtype=torch.float32)) * (math.pi * 0.5)
    args = torch.cat([x[:, None] * k, y[:, None] * k], dim=-1)
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


def time_features(times):
    """times [b, f] in [0, 1] -> [b, f, 2 * TIME_FREQUENCIES]."""
    k = torch.arange(TIME_FREQUENCIES, dtype=torch.float32)
    args = times.float()[..., None] * (math.pi * 0.5) * torch.pow(2.0, k)
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


class MotionModule(nn.Module):
    def __init__(self, ch, ctx_dim, head_dim):
        super().__init__()
        self.norm = M.gn(ch)
        self.proj_in = nn.Linear(ch, ch)
        self.time_proj = nn.Linear(2 * TIME_FREQUENCIES, ch)
        self.pos_proj = nn.Linear(4 * POSITION_FREQUENCIES, ch)
        self.norm_cross = nn.LayerNorm(ch)
        self.attn_cross = M.Attention(ch, ctx_dim, head_dim)
        self.norm_temporal = nn.LayerNorm(ch)
        self.attn_temporal = M.Attention(ch, ch, head_dim)
        self.norm_ff = nn.LayerNorm(ch)
        self.ff1 = nn.Linear(ch, ch * 4)
        self.ff2 = nn.Linear(ch * 2, ch)
        self.proj_out = nn.Linear(ch, ch)
        nn.init.zeros_(self.proj_out.weight)
        nn.init.zeros_(self.proj_out.bias)

    def forward(self, x, frames, ctx, tfeat):
        """x [b*f, c, h, w]; ctx [b, seq, d]; tfeat [b, f, 2K] -> [b*f, c, h, w]."""
        bf, c, hh, ww = x.shape
        b = bf // frames
        h = self.norm(x).reshape(b, frames, c, hh * ww).permute(0, 1, 3, 2)  # [b, f, hw, c]
        h = M.lin(h, self.proj_in) + M.lin(tfeat, self.time_proj)[:, :, None, :] \
            + M.lin(position_features(hh, ww), self.pos_proj)[None, None]
        # cross-attention: every (frame, cell) token reads the prompt; K/V once per clip
        flat = h.reshape(b, frames * hh * ww, c)
        flat = flat + self.attn_cross(self.norm_cross(flat), ctx)
        if hh * ww <= FULL_ATTENTION_CELLS:
            # coarse maps: every (frame, cell) token attends to every other, so content can move across cells
            y = self.norm_temporal(flat)
            seq = flat + self.attn_temporal(y, y)
        else:
            # fine maps: the frames of one cell attend to each other (AnimateDiff's temporal attention)
            seq = flat.reshape(b, frames, hh * ww, c).transpose(1, 2).reshape(b * hh * ww, frames, c)
            y = self.norm_temporal(seq)
            seq = seq + self.attn_temporal(y, y)
            seq = seq.reshape(b, hh * ww, frames, c).transpose(1, 2).reshape(b, frames * hh * ww, c)
        a, g = M.lin(self.norm_ff(seq), self.ff1).chunk(2, dim=-1)
        seq = seq + M.lin(a * F.gelu(g), self.ff2)
        out = M.lin(seq, self.proj_out)  # [b, f*hw, c]
        out = out.reshape(b, frames, hh * ww, c).permute(0, 1, 3, 2).reshape(bf, c, hh, ww)
        return x + out


class VideoUNet(nn.Module):
    def __init__(self, unet, ucfg, vocab_size=None, frame_words=False):
        """vocab_size: learn the motion words; frame_words (with vocab_size): learn the frame words too."""
        super().__init__()
        self.unet = unet
        ctx_dim, head_dim = ucfg["cross_attention_dim"], ucfg["attention_head_dim"]
        self.words = None
        if vocab_size:
            self.words = nn.Embedding(vocab_size, ctx_dim)
            nn.init.zeros_(self.words.weight)
        self.frame_words = None
        if vocab_size and frame_words:
            self.frame_words = nn.Embedding(vocab_size, ctx_dim)
            nn.init.zeros_(self.frame_words.weight)
        self.down_motion = nn.ModuleList()
        for m in unet.down:
            if isinstance(m, nn.ModuleList):
                self.down_motion.append(MotionModule(m[0].conv2.out_channels, ctx_dim, head_dim))
        self.mid_motion = MotionModule(unet.mid1.conv2.out_channels, ctx_dim, head_dim)
        self.up_motion = nn.ModuleList()
        for m in unet.up:
            if isinstance(m, nn.ModuleList):
                self.up_motion.append(MotionModule(m[0].conv2.out_channels, ctx_dim, head_dim))

    def motion_parameters(self):
        return [p for n, p in self.named_parameters() if not n.startswith("unet.")]

    def motion_state_dict(self):
        return {k: v for k, v in self.state_dict().items() if not k.startswith("unet.")}

    def forward(self, sample, timesteps, ctx, times, ids=None):
        """sample [b*f, 4, h, w] (frames of a clip consecutive); timesteps [b*f]; ctx [b, seq, d];
        times [b, f] in [0, 1] (each clip's frames at their times); ids [b, seq], the prompt's tokens
        (used when the model has motion words). Returns epsilon [b*f, 4, h, w]."""
        u = self.unet
        motion_ctx = ctx if self.words is None else ctx + self.words(ids.long())
        frames = times.shape[-1]
        tfeat = time_features(times)
        emb = M.timestep_embedding(timesteps.reshape(-1), u.c0)
        emb = M.lin(F.silu(M.lin(emb, u.time_mlp[0])), u.time_mlp[2])
        b = ctx.shape[0]
        spatial_ctx = ctx if self.frame_words is None else ctx + self.frame_words(ids.long())
        frame_ctx = spatial_ctx[:, None].expand(b, frames, ctx.shape[1], ctx.shape[2]).reshape(b * frames, ctx.shape[1], ctx.shape[2])
        h = u.conv_in(sample)
        hs = [h]
        k = 0
        for m in u.down:
            if isinstance(m, nn.ModuleList):
                h = self.down_motion[k](m[1](m[0](h, emb), frame_ctx), frames, motion_ctx, tfeat)
                k += 1
            else:
                h = m(h)
            hs.append(h)
        h = u.mid_attn(u.mid1(h, emb), frame_ctx)
        h = u.mid2(self.mid_motion(h, frames, motion_ctx, tfeat), emb)
        k = 0
        for m in u.up:
            if isinstance(m, nn.ModuleList):
                h = self.up_motion[k](m[1](m[0](torch.cat([h, hs.pop()], dim=1), emb), frame_ctx), frames, motion_ctx, tfeat)
                k += 1
            else:
                h = m(h)
        return u.conv_out(F.silu(u.norm_out(h)))


class VideoUNetExport(nn.Module):
    """sample [b, 4, f, h, w] (diffusers' UNetMotionModel layout); timestep int64 of rank 2, broadcast to
    [b, f]; frame_times float32 [f], each frame's time in [0, 1] (0 .. 1 evenly: the whole trained motion)."""

    def __init__(self, video_unet):
        super().__init__()
        self.net = video_unet

    def forward(self, sample, timestep, encoder_hidden_states, frame_times, input_ids=None):
        b, c, f, hh, ww = sample.shape
        frames = sample.permute(0, 2, 1, 3, 4).reshape(b * f, c, hh, ww)
        steps = timestep.expand(b, f).reshape(-1)  # [b, f], [1, f], [b, 1] or [1, 1]
        times = frame_times.reshape(1, f).expand(b, f)
        out = self.net(frames, steps, encoder_hidden_states, times, input_ids)
        return out.reshape(b, f, c, hh, ww).permute(0, 2, 1, 3, 4)
