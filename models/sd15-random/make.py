#!/usr/bin/python3
"""Write `models/sd15-random` (or `models/sd15-random-inpaint` with --inpaint): a model
directory with Stable Diffusion 1.5's ONNX layout, graph input/output names, dtypes and
ranks, SD 1.5's config files and tiny, seeded random weights (the whole folder < 3 MB).

    /usr/bin/python3 models/sd15-random/make.py [--inpaint] [--out DIR] [--seed 0]

Graphs (opset 14, torch.onnx.export, fp32, dynamic batch/height/width):
  text_encoder  input_ids int32 [b,77] -> last_hidden_state [b,77,768], pooler_output [b,768]
                (--inpaint also: hidden_states.0..2 [b,77,768], as optimum's output_hidden_states
                export names them; its final LayerNorm has no affine part so clip_skip 2 is exact)
  unet          sample float32 [b,4|9,h,w], timestep int64 [b], encoder_hidden_states [b,77,768]
                (4 channels only: + down_block_additional_residual_0..11 and mid_block_additional_residual,
                SD 1.5's skip connections as a ControlNet feeds them) -> out_sample [b,4,h,w]
  vae_encoder   sample [b,3,H,W] -> latent_sample [b,4,H/8,W/8]
  vae_decoder   latent_sample [b,4,h,w] -> sample [b,3,8h,8w]
The VAE is structured so that decode(encode(x)) ~ x (8x8 average pooling and atanh, then tanh
and nearest up-sampling, plus a small random residual); the UNet predicts eps ~ 0.9 x its input
plus a small random term, so sampled images stay in range: img2img/inpaint tests can check pixels. The
--inpaint variant writes no vae config.json, so loaders must probe the VAE factor.
Tokenizer: the tiny CLIP-format BPE vocab of packages/engine-diffusion/reference/tokenizer/fixture-vocab.
"""
import argparse
import json
import math
import os
import shutil

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
VOCAB_DIR = os.path.join(ROOT, "packages", "engine-diffusion", "reference", "tokenizer", "fixture-vocab")
WIDTH = 768
SMALL = 8


class TextEncoder(nn.Module):
    def __init__(self, vocab, hidden_states):
        super().__init__()
        self.hidden_states = hidden_states
        self.tok = nn.Embedding(vocab, SMALL)
        self.pos = nn.Parameter(torch.randn(77, SMALL) * 0.1)
        self.proj = nn.Linear(SMALL, WIDTH)
        self.down = nn.ModuleList([nn.Linear(WIDTH, SMALL) for _ in range(2)])
        self.up = nn.ModuleList([nn.Linear(SMALL, WIDTH) for _ in range(2)])
        self.ln = nn.LayerNorm(WIDTH, elementwise_affine=not hidden_states)

    def forward(self, input_ids):
        ids = input_ids.long()
        h = self.proj(self.tok(ids) + self.pos[: ids.shape[1]])
        states = [h]
        for d, u in zip(self.down, self.up):
            # causal-ish mixing: add the running mean over the sequence so tokens interact
            z = torch.tanh(d(h))
            z = torch.cumsum(z, dim=1) / torch.arange(1, z.shape[1] + 1, dtype=z.dtype).view(1, -1, 1)
            h = h + u(z)
            states.append(h)
        last = self.ln(h)
        pooled = last[torch.arange(last.shape[0]), ids.argmax(dim=-1)]
        if self.hidden_states:
            return (last, pooled, *states)
        return last, pooled


# The ControlNet residuals an SD 1.5 UNet takes: its 12 skip connections (channels, downsampling) and the middle block.
SD15_DOWN_RESIDUALS = [(320, 1), (320, 1), (320, 1), (320, 2), (640, 2), (640, 2), (640, 4), (1280, 4), (1280, 4),
                       (1280, 8), (1280, 8), (1280, 8)]
SD15_MID_RESIDUAL = (1280, 8)


def residual_names():
    return [f"down_block_additional_residual_{i}" for i in range(len(SD15_DOWN_RESIDUALS))] + \
        ["mid_block_additional_residual"]


class UNet(nn.Module):
    def __init__(self, in_channels, ch=16):
        super().__init__()
        self.ch = ch
        self.conv_in = nn.Conv2d(in_channels, ch, 3, padding=1)
        self.time = nn.Linear(ch, ch)
        self.ctx_k = nn.Linear(WIDTH, ch)
        self.ctx_v = nn.Linear(WIDTH, ch)
        self.mid = nn.Conv2d(ch, ch, 3, padding=1)
        self.conv_out = nn.Conv2d(ch, 4, 3, padding=1)

    def forward(self, sample, timestep, encoder_hidden_states, *residuals):
        b = sample.shape[0]
        t = timestep.to(torch.float32).expand(b)
        half = self.ch // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        args = t[:, None] * freqs[None, :]
        temb = self.time(torch.cat([torch.cos(args), torch.sin(args)], dim=-1))
        x = self.conv_in(sample) + temb[:, :, None, None]
        x = F.silu(x)
        n, c, h, w = x.shape
        q = x.flatten(2).transpose(1, 2)  # [b, hw, c]
        k = self.ctx_k(encoder_hidden_states)  # [b, s, c]
        v = self.ctx_v(encoder_hidden_states)
        attn = torch.softmax(torch.bmm(q, k.transpose(1, 2)) / math.sqrt(c), dim=-1)
        x = x + torch.bmm(attn, v).transpose(1, 2).reshape(n, c, h, w)
        x = F.silu(self.mid(x))
        # ControlNet residuals (zeros: no change): each one's channel mean, brought to the latent size
        for r in residuals:
            x = x + F.interpolate(r.mean(dim=1, keepdim=True), size=(h, w), mode="nearest")
        # eps ~ 0.9 * (unit-variance) input: keeps sampled latents in a sane range for every scheduler
        return 0.9 * sample[:, :4] + 0.1 * torch.tanh(self.conv_out(x))


class VaeEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.res = nn.Conv2d(3, 4, 3, padding=1)
        with torch.no_grad():
            self.res.weight.mul_(0.02)
            self.res.bias.zero_()

    def forward(self, sample):
        pooled = torch.atanh(torch.clamp(F.avg_pool2d(sample, 8), -0.999, 0.999))
        zero = torch.zeros_like(pooled[:, :1])
        lat = torch.cat([pooled, zero], dim=1) + F.avg_pool2d(self.res(sample), 8)
        return lat / 0.18215


class VaeDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.res = nn.Conv2d(4, 3, 3, padding=1)
        with torch.no_grad():
            self.res.weight.mul_(0.02)
            self.res.bias.zero_()

    def forward(self, latent_sample):
        z = latent_sample * 0.18215
        return F.interpolate(torch.tanh(z[:, :3] + self.res(z)), scale_factor=8.0, mode="nearest")


def export(module, args, path, inputs, outputs, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=14, do_constant_folding=True)


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inpaint", action="store_true")
    ap.add_argument("--out", default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", choices=["unet"], help="write just this graph (the others keep their bytes)")
    a = ap.parse_args()
    out = a.out or os.path.join(ROOT, "models", "sd15-random-inpaint" if a.inpaint else "sd15-random")
    torch.manual_seed(a.seed)
    os.makedirs(out, exist_ok=True)
    vocab = json.load(open(os.path.join(VOCAB_DIR, "vocab.json")))
    in_ch = 9 if a.inpaint else 4

    te = TextEncoder(len(vocab), a.inpaint)
    te_outputs = ["last_hidden_state", "pooler_output"] + ([f"hidden_states.{i}" for i in range(3)] if a.inpaint else [])
    te_axes = {n: {0: "batch", 1: "sequence"} for n in ["input_ids", "last_hidden_state"] + te_outputs[2:]}
    te_axes["pooler_output"] = {0: "batch"}
    if not a.only:
        export(te, (torch.zeros(1, 77, dtype=torch.int32),), os.path.join(out, "text_encoder", "model.onnx"),
               ["input_ids"], te_outputs, te_axes)

    unet = UNet(in_ch)
    unet_axes = {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "steps"},
                 "encoder_hidden_states": {0: "batch", 1: "sequence"}, "out_sample": {0: "batch", 2: "height", 3: "width"}}
    unet_inputs = ["sample", "timestep", "encoder_hidden_states"]
    unet_args = (torch.randn(2, in_ch, 8, 8), torch.tensor([1, 1], dtype=torch.int64), torch.randn(2, 77, WIDTH))
    if not a.inpaint:  # the text-to-image UNet takes a ControlNet's residuals too
        shapes = SD15_DOWN_RESIDUALS + [SD15_MID_RESIDUAL]
        unet_inputs += residual_names()
        unet_args += tuple(torch.zeros(2, c, 8 // f, 8 // f) for c, f in shapes)
        for name in residual_names():
            unet_axes[name] = {0: "batch", 2: f"{name}_height", 3: f"{name}_width"}
    export(unet, unet_args, os.path.join(out, "unet", "model.onnx"), unet_inputs, ["out_sample"], unet_axes)
    if a.only:
        print("wrote", os.path.join(out, "unet"))
        return

    export(VaeEncoder(), (torch.randn(1, 3, 64, 64),), os.path.join(out, "vae_encoder", "model.onnx"), ["sample"],
           ["latent_sample"], {"sample": {0: "batch", 2: "height", 3: "width"},
                               "latent_sample": {0: "batch", 2: "height", 3: "width"}})
    export(VaeDecoder(), (torch.randn(1, 4, 8, 8),), os.path.join(out, "vae_decoder", "model.onnx"), ["latent_sample"],
           ["sample"], {"latent_sample": {0: "batch", 2: "height", 3: "width"},
                        "sample": {0: "batch", 2: "height", 3: "width"}})

    tok = os.path.join(out, "tokenizer")
    os.makedirs(tok, exist_ok=True)
    for name in ("vocab.json", "merges.txt"):
        shutil.copyfile(os.path.join(VOCAB_DIR, name), os.path.join(tok, name))
    write_json(os.path.join(tok, "tokenizer_config.json"), {
        "model_max_length": 77, "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "do_lower_case": True,
        "tokenizer_class": "CLIPTokenizer"})
    write_json(os.path.join(tok, "special_tokens_map.json"), {
        "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>"})
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), {
        "_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
        "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False, "num_train_timesteps": 1000,
        "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None})
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "OnnxStableDiffusionInpaintPipeline" if a.inpaint else "OnnxStableDiffusionPipeline",
        "_diffusers_version": "0.6.0", "feature_extractor": [None, None], "requires_safety_checker": False,
        "safety_checker": [None, None], "scheduler": ["diffusers", "PNDMScheduler"],
        "text_encoder": ["onnxruntime", "OnnxRuntimeModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["onnxruntime", "OnnxRuntimeModel"], "vae_decoder": ["onnxruntime", "OnnxRuntimeModel"],
        "vae_encoder": ["onnxruntime", "OnnxRuntimeModel"]})
    if not a.inpaint:
        vae_cfg = {"_class_name": "AutoencoderKL", "block_out_channels": [128, 256, 512, 512], "in_channels": 3,
                   "latent_channels": 4, "out_channels": 3, "sample_size": 512, "scaling_factor": 0.18215}
        write_json(os.path.join(out, "vae_decoder", "config.json"), vae_cfg)
        write_json(os.path.join(out, "vae_encoder", "config.json"), vae_cfg)
        write_json(os.path.join(out, "unet", "config.json"), {
            "_class_name": "UNet2DConditionModel", "in_channels": in_ch, "out_channels": 4, "sample_size": 64,
            "cross_attention_dim": 768, "prediction_type": "epsilon"})
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(f"# {os.path.basename(out)}\n\nRandom-weight test model with Stable Diffusion 1.5's ONNX graph "
                f"interface (UNet in_channels {in_ch}). Not an image model. Regenerate with\n"
                f"`/usr/bin/python3 models/sd15-random/make.py{' --inpaint' if a.inpaint else ''}` "
                "(torch 1.13, seed 0). See make.py's docstring for the graphs.\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
