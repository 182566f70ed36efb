#!/usr/bin/python3
"""Independent references for the model families, on their random-weight test models
(models/training/families/make_models.py rebuilds the same torch modules from the same seeds).

    /usr/bin/python3 packages/engine-diffusion/reference/families/make_fixtures.py

Written from the papers and diffusers' pipelines as documentation (StableDiffusionPipeline with
DDIM v-prediction; StableDiffusionXLPipeline + StableDiffusionXLImg2ImgPipeline with
denoising_end/denoising_start; FluxPipeline with FlowMatchEulerDiscreteScheduler's dynamic shift),
in float32 torch for the graphs and float64 numpy for the schedules -- not a port of the TypeScript.
Each family writes here: noise.npy (the initial noise the Jest test feeds), the conditioning it
checks (time ids, pooled embeds, sigmas, packed latents, ids), final latents and a pixel sample,
and fixtures.json (settings and the sha256 of the ONNX graphs the fixture belongs to).
"""
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models", "training", "families"))
sys.path.insert(0, os.path.join(ROOT, "models", "training"))
import t5_vocab  # noqa: E402
import tiny_graphs as G  # noqa: E402
from tokenizer import CLIPBPE  # noqa: E402

VOCAB = os.path.join(ROOT, "packages", "engine-diffusion", "reference", "tokenizer", "fixture-vocab")
BPE = CLIPBPE(os.path.join(VOCAB, "vocab.json"), os.path.join(VOCAB, "merges.txt"))
N_VOCAB = len(BPE.encoder)
PROMPT = "a red circle on a blue background"


def clip_ids(text, pad):
    ids = [BPE.sot] + BPE.encode(text)[:75] + [BPE.eot]
    return torch.tensor([ids + [pad] * (77 - len(ids))], dtype=torch.int64)


PAD_EOT = None  # filled below (the EOS id)
PAD_BANG = 0  # OpenCLIP's pad token "!" (SD 2.x, SDXL's tokenizer_2)


def save(folder, name, array):
    np.save(os.path.join(folder, f"{name}.npy"), np.ascontiguousarray(array, dtype=np.float32))


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def write_meta(folder, model_dirs, meta):
    graphs = {}
    for model in model_dirs:
        d = os.path.join(ROOT, "models", model)
        for root, _, files in os.walk(d):
            for f in files:
                if f == "model.onnx":
                    graphs[os.path.relpath(os.path.join(root, f), os.path.join(ROOT, "models"))] = sha(os.path.join(root, f))
    with open(os.path.join(folder, "fixtures.json"), "w") as f:
        json.dump({**meta, "onnx_sha256": dict(sorted(graphs.items()))}, f, indent=1)
        f.write("\n")


def alpha_bar_scaled_linear(n=1000, start=0.00085, end=0.012):
    return np.cumprod(1 - np.linspace(start ** 0.5, end ** 0.5, n) ** 2)


def leading(n, offset=1):
    return (np.arange(0, n) * (1000 // n))[::-1] + offset


def to_pixels(image):
    return torch.clamp(image / 2 + 0.5, 0, 1).numpy()


# ------------------------------------------------------------------------------------------ SD 2.x

def sd2(folder):
    """StableDiffusionPipeline + DDIMScheduler(prediction_type="v_prediction"), Salimans & Ho 2022:
    x0 = sqrt(a)·x − sqrt(1−a)·v, eps = sqrt(a)·v + sqrt(1−a)·x."""
    m = G.build_sd2(N_VOCAB)
    steps, g, H, W = 6, 7.5, 768, 768
    noise = np.random.default_rng(21).standard_normal((1, 4, H // 8, W // 8)).astype(np.float32)
    save(folder, "noise", noise)
    with torch.no_grad():
        ctx = torch.cat([m["text_encoder"].states(clip_ids(t, PAD_BANG))[0] for t in ("", PROMPT)])
        ab = alpha_bar_scaled_linear()
        ts = leading(steps)
        x = torch.from_numpy(noise).double()
        for i, t in enumerate(ts):
            out = m["unet"](torch.cat([x, x]).float(), torch.tensor([t, t]), ctx).double()
            v = out[:1] + g * (out[1:] - out[:1])
            a = ab[t]
            ap = ab[ts[i + 1]] if i + 1 < len(ts) else ab[0]
            x0 = math.sqrt(a) * x - math.sqrt(1 - a) * v
            eps = math.sqrt(a) * v + math.sqrt(1 - a) * x
            x = math.sqrt(ap) * x0 + math.sqrt(1 - ap) * eps
        image = m["vae_decoder"](x.float() / 0.18215)
    save(folder, "latents", x.numpy())
    save(folder, "pixels", to_pixels(image)[:, :, ::8, ::8])
    write_meta(folder, ["sd2-random"], dict(prompt=PROMPT, negative_prompt="", steps=steps, guidance=g, width=W,
                                            height=H, scheduler="DDIMScheduler", timesteps=[int(t) for t in ts]))


# ------------------------------------------------------------------------------------------ SDXL

def euler_sigmas(ts, ab):
    sig = np.sqrt((1 - ab) / ab)
    return np.append(np.interp(ts, np.arange(1000), sig), 0.0)


def sdxl_text(encoders, text):
    """Penultimate hidden states of each encoder, concatenated; the pooled text_embeds of the last."""
    states, pooled = [], None
    for enc, pad in encoders:
        last, raw_pooled, hidden = enc.states(clip_ids(text, pad))
        states.append(hidden[-2])
        if enc.text_projection is not None:
            pooled = enc.text_projection(raw_pooled)
    return torch.cat(states, dim=-1), pooled


def euler_loop(unet, x, ts, sigmas, ctx, pooled, time_ids, g, begin=0, end=None):
    end = len(ts) if end is None else end
    for i in range(begin, end):
        s = sigmas[i]
        x_in = (x / math.sqrt(s * s + 1)).float()
        out = unet(torch.cat([x_in, x_in]), torch.tensor([int(ts[i])] * 2), ctx, pooled, time_ids).double()
        eps = out[:1] + g * (out[1:] - out[:1])
        x0 = x - s * eps
        x = x + (sigmas[i + 1] - s) * (x - x0) / s
    return x


def sdxl(folder):
    base = G.build_sdxl(N_VOCAB)
    refiner = G.build_sdxl_refiner(N_VOCAB)
    steps, g, H, W, split = 10, 5.0, 512, 512, 0.8
    noise = np.random.default_rng(22).standard_normal((1, 4, H // 8, W // 8)).astype(np.float32)
    save(folder, "noise", noise)
    ab = alpha_bar_scaled_linear()
    ts = leading(steps).astype(np.float64)
    sigmas = euler_sigmas(ts, ab)
    cutoff = int(round(1000 - split * 1000))
    base_steps = int((ts >= cutoff).sum())  # denoising_end: the base stops before the cutoff timestep
    with torch.no_grad():
        # base: force_zeros_for_empty_prompt, so the empty negative prompt is zeros (embeds and pooled)
        cond, pooled = sdxl_text([(base["text_encoder"], PAD_EOT), (base["text_encoder_2"], PAD_BANG)], PROMPT)
        ctx = torch.cat([torch.zeros_like(cond), cond])
        pooled2 = torch.cat([torch.zeros_like(pooled), pooled])
        time_ids = torch.tensor([[H, W, 0, 0, H, W]] * 2, dtype=torch.float32)  # original size, crop top-left, target size
        x = torch.from_numpy(noise).double() * math.sqrt(sigmas.max() ** 2 + 1)
        full = euler_loop(base["unet"], x, ts, sigmas, ctx, pooled2, time_ids, g)
        handoff = euler_loop(base["unet"], x, ts, sigmas, ctx, pooled2, time_ids, g, end=base_steps)
        image = base["vae_decoder"](full.float() / G.SDXL_SCALING)
        # refiner: text_encoder_2 only; the negative prompt is encoded; time ids carry the aesthetic score
        r_cond, r_pooled = sdxl_text([(refiner["text_encoder_2"], PAD_BANG)], PROMPT)
        r_uncond, r_unpooled = sdxl_text([(refiner["text_encoder_2"], PAD_BANG)], "")
        r_time_ids = torch.tensor([[H, W, 0, 0, 2.5], [H, W, 0, 0, 6.0]], dtype=torch.float32)
        begin = len(ts) - int((ts < cutoff).sum())  # denoising_start: the refiner resumes at the cutoff
        refined = euler_loop(refiner["unet"], handoff, ts, sigmas, torch.cat([r_uncond, r_cond]),
                             torch.cat([r_unpooled, r_pooled]), r_time_ids, g, begin=begin)
        refined_image = refiner["vae_decoder"](refined.float() / G.SDXL_SCALING)
    save(folder, "pooled", pooled.numpy())
    save(folder, "prompt_embeds_head", cond[:, :4].numpy())
    save(folder, "refiner_pooled", r_pooled.numpy())
    save(folder, "latents", full.numpy())
    save(folder, "pixels", to_pixels(image)[:, :, ::8, ::8])
    save(folder, "refined_latents", refined.numpy())
    save(folder, "refined_pixels", to_pixels(refined_image)[:, :, ::8, ::8])
    write_meta(folder, ["sdxl-random", "sdxl-refiner-random"], dict(
        prompt=PROMPT, negative_prompt="", steps=steps, guidance=g, width=W, height=H, scheduler="EulerDiscreteScheduler",
        denoising_split=split, base_timesteps=[int(t) for t in ts[:base_steps]],
        refiner_timesteps=[int(t) for t in ts[begin:]], time_ids=time_ids[1].tolist(), refiner_time_ids=r_time_ids.tolist()))


# ------------------------------------------------------------------------------------------ Flux

def pack(latents):
    """FluxPipeline._pack_latents: 2×2 patches of the [b, c, h, w] latent as rows of c·4 values."""
    b, c, h, w = latents.shape
    return latents.reshape(b, c, h // 2, 2, w // 2, 2).permute(0, 2, 4, 1, 3, 5).reshape(b, (h // 2) * (w // 2), c * 4)


def unpack(packed, h, w):
    b, _, d = packed.shape
    return packed.reshape(b, h // 2, w // 2, d // 4, 2, 2).permute(0, 3, 1, 4, 2, 5).reshape(b, d // 4, h, w)


def flux_sigmas(steps, seq_len, cfg):
    """FlowMatchEulerDiscreteScheduler with use_dynamic_shifting, as FluxPipeline drives it: σ = linspace(1, 1/n),
    mu linear in the image's token count, σ' = e^mu / (e^mu + (1/σ − 1)); a final 0."""
    m = (cfg["max_shift"] - cfg["base_shift"]) / (cfg["max_image_seq_len"] - cfg["base_image_seq_len"])
    mu = seq_len * m + cfg["base_shift"] - m * cfg["base_image_seq_len"]
    s = np.linspace(1.0, 1.0 / steps, steps)
    s = math.exp(mu) / (math.exp(mu) + (1 / s - 1))
    return mu, np.append(s, 0.0)


def flux(folder):
    m = G.build_flux(N_VOCAB, len(t5_vocab.PIECES))
    steps, guidance, H, W = 4, 3.5, 256, 256
    h, w = 2 * (H // 16), 2 * (W // 16)
    cfg = json.load(open(os.path.join(ROOT, "models", "flux-random", "scheduler", "scheduler_config.json")))
    noise = np.random.default_rng(23).standard_normal((1, 16, h, w)).astype(np.float32)
    save(folder, "noise", noise)
    t5_ids = t5_vocab.encode(PROMPT)
    img_ids = np.zeros((h // 2, w // 2, 3), dtype=np.float32)
    img_ids[..., 1] = np.arange(h // 2)[:, None]
    img_ids[..., 2] = np.arange(w // 2)[None, :]
    img_ids = torch.from_numpy(img_ids.reshape(-1, 3))
    txt_ids = torch.zeros(512, 3)
    mu, sigmas = flux_sigmas(steps, (h // 2) * (w // 2), cfg)
    with torch.no_grad():
        pooled = m["text_encoder"].states(clip_ids(PROMPT, PAD_EOT))[1]
        t5 = m["text_encoder_2"](torch.tensor([t5_ids]))
        x = pack(torch.from_numpy(noise)).double()
        save(folder, "packed_noise", x.numpy())
        for i in range(steps):
            sigma = torch.tensor([sigmas[i]], dtype=torch.float32)
            v = m["transformer"](x.float(), t5, pooled, sigma, img_ids, txt_ids, torch.tensor([guidance])).double()
            x = x + (sigmas[i + 1] - sigmas[i]) * v
        latents = unpack(x, h, w)
        image = m["vae_decoder"]((latents / G.FLUX_SCALING + G.FLUX_SHIFT).float())
    save(folder, "pooled", pooled.numpy())
    save(folder, "latents", latents.numpy())
    save(folder, "pixels", to_pixels(image)[:, :, ::8, ::8])
    write_meta(folder, ["flux-random"], dict(prompt=PROMPT, steps=steps, guidance=guidance, width=W, height=H,
                                             mu=mu, sigmas=sigmas.tolist(), t5_ids=t5_ids[:12],
                                             img_ids_tail=img_ids[-2:].tolist()))


def main():
    global PAD_EOT
    PAD_EOT = BPE.eot
    for name, fn in (("sd2", sd2), ("sdxl", sdxl), ("flux", flux)):
        folder = os.path.join(HERE, name)
        os.makedirs(folder, exist_ok=True)
        fn(folder)
        print("wrote", folder)


if __name__ == "__main__":
    main()
