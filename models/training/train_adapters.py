#!/usr/bin/python3
"""Train easel-tiny's adapters on top of the exported base model (read back from its ONNX graphs):

  striped.safetensors   LoRA, kohya key naming (lora_unet_* / lora_te_*, lora_down/lora_up/alpha):
                        shapes filled with horizontal bands of their colour and the background
  outlined.safetensors  LoRA, diffusers/PEFT key naming (unet.*.lora_A/lora_B, text_encoder.*),
                        scale alpha/rank folded into lora_B: flat shapes inside a black outline
  frame.safetensors     textual-inversion embedding (A1111 layout, `emb_params` [4, 128]) for a
                        shape the base model never saw, a hollow square; its token is the word "frame"

    /usr/bin/python3 models/training/train_adapters.py --base models/easel-tiny \
        --out models/easel-tiny-adapters [--minutes 6]

LoRAs: rank 8 on every attention projection and feed-forward linear of the UNet and on the text
encoder's q/k/v/out projections; captions are the base data set's (no trigger word), so a loaded
LoRA styles every prompt. The embedding trains four new rows of the token embedding with the base
frozen, started from the words "square" and "ring", its loss weighted 5x on the object's latent cells
(the background is what the prompt's colour words already draw). A heart was tried first (one and
four vectors): the frozen base, which draws only its six shapes, found no heart in 8 minutes;
a frame is a shape it never saw whose parts (a square outline, a hole) it can compose.
Loss, noise schedule and classifier-free-guidance dropout are stage 3's (train.py).
Each adapter is bounded by --minutes of wall time and a step count; re-running skips finished ones.
"""
import argparse
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import dataset  # noqa: E402
import models as M  # noqa: E402
import onnx_weights  # noqa: E402
import safetensors_io  # noqa: E402
import tokenizer as T  # noqa: E402
from train import add_noise, lr_at, object_mask, sd15_alphas_cumprod  # noqa: E402

UNET_TARGETS = ("attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out", "attn2.to_q", "attn2.to_k",
                "attn2.to_v", "attn2.to_out", "ff1", "ff2")
TE_TARGETS = ("q_proj", "k_proj", "v_proj", "out_proj")
EMBEDDING_WORD = "frame"


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


class LoRALinear(nn.Module):
    """W + (alpha/rank)·up·down over a frozen nn.Linear. `weight`/`bias` are what models.lin() reads."""

    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        self.down = nn.Parameter(torch.randn(rank, base.in_features) / rank)
        self.up = nn.Parameter(torch.zeros(base.out_features, rank))
        self.rank, self.alpha = rank, alpha

    @property
    def weight(self):
        return self.base.weight + (self.alpha / self.rank) * (self.up @ self.down)

    @property
    def bias(self):
        return self.base.bias

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


def attach_loras(root, targets, rank, alpha):
    """Replace every targeted nn.Linear under `root` by a LoRALinear; returns {module path: lora}."""
    found = {}
    for path, module in list(root.named_modules()):
        for name, child in list(module.named_children()):
            full = f"{path}.{name}" if path else name
            if isinstance(child, nn.Linear) and any(full.endswith(t) for t in targets):
                lora = LoRALinear(child, rank, alpha)
                setattr(module, name, lora)
                found[full] = lora
    return found


class ExtendedEmbedding(nn.Module):
    """The frozen token embedding plus trainable rows appended after the last id."""

    def __init__(self, base, init_rows):
        super().__init__()
        self.base = base
        base.weight.requires_grad_(False)
        self.rows = nn.Parameter(init_rows.clone())

    def forward(self, ids):
        return F.embedding(ids, torch.cat([self.base.weight, self.rows]))


def encode_caption(tok, caption, extra_ids=None):
    """CLIP ids like tokenizer.CLIPBPE.__call__, with the embedding's word as its own new id(s)."""
    if not extra_ids:
        return tok(caption)
    ids = []
    for i, piece in enumerate(caption.split(EMBEDDING_WORD)):
        if i:
            ids.extend(extra_ids)
        ids.extend(tok.encode(piece))
    ids = [tok.sot] + ids[: T.MAX_LEN - 2] + [tok.eot]
    return ids + [tok.eot] * (T.MAX_LEN - len(ids))


def styled_example(index, seed, style, shape_override=None):
    """One object, the base data's colours/positions/sizes/phrasings, drawn in `style`."""
    r = random.Random(seed * 1_000_003 + index)
    background = r.choice(dataset.COLOR_NAMES)
    colours = [c for c in dataset.COLOR_NAMES if c != background]
    if style == "outlined":  # the outline is black: keep it visible
        colours = [c for c in colours if c != "black"]
        if background == "black":
            background = "white"
            colours = [c for c in dataset.COLOR_NAMES if c not in ("white", "black")]
    obj = {"shape": shape_override or r.choice(dataset.SHAPES), "color": r.choice(colours),
           "position": "centre" if r.random() < 0.3 else r.choice(dataset.POSITION_NAMES),
           "size": r.choice(["small", None, None, "large"])}
    jitter = (r.uniform(-0.03, 0.03), r.uniform(-0.03, 0.03))
    img = dataset.render([obj], background, jitter=jitter, style=style)
    return img, dataset.caption_for(r, [obj], background, centre_explicit=r.random() < 0.4)


@torch.no_grad()
def encode_set(vae, scaling, n, seed, style, shape_override=None):
    """(scaled latents, captions, object cover): cover is, per latent cell, the fraction of its
    8x8 pixels that differ from the background colour (the top-left pixel: backgrounds are flat)."""
    imgs, caps = np.zeros((n, 128, 128, 3), np.uint8), []
    for i in range(n):
        im, cap = styled_example(i, seed, style, shape_override)
        imgs[i] = np.asarray(im)
        caps.append(cap)
    x = torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1
    lat = torch.cat([vae.encode(x[b:b + 100])[0] for b in range(0, n, 100)]) * scaling
    cover = F.avg_pool2d(object_mask(x), 8)
    return lat, caps, cover


def diffusion_steps(te, unet, params, lat, ids, empty, a, label, cover=None, object_gain=0.0):
    """Stage 3's objective (epsilon MSE, min-SNR-5, 10 % empty captions) on `params` only.
    With `cover` and object_gain > 0 each latent cell's error is weighted 1 + gain·cover: the
    flat background is what the prompt's colour words already draw, the object is what is learnt."""
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=0.0)
    ac = sd15_alphas_cumprod()
    snr = ac / (1 - ac)
    w_t = torch.clamp(snr, max=5.0) / snr
    g = torch.Generator().manual_seed(77)
    t0, step, run = time.time(), 0, None
    budget = a.minutes * 60
    while True:
        progress = max(step / a.steps, (time.time() - t0) / budget)
        if progress >= 1.0:
            break
        for pg in opt.param_groups:
            pg["lr"] = lr_at(progress, a.lr, warm_frac=0.03)
        idx = torch.randint(0, lat.shape[0], (a.batch,), generator=g)
        b_ids = ids[idx].clone()
        b_ids[torch.rand(a.batch, generator=g) < 0.1] = empty
        t = torch.randint(0, 1000, (a.batch,), generator=g)
        noise = torch.randn(lat[idx].shape, generator=g)
        xt = add_noise(lat[idx], noise, ac, t)
        pred = unet(xt, t, te(b_ids)[0])
        sq = (pred - noise) ** 2
        per = sq.mean(dim=(1, 2, 3))
        if cover is not None and object_gain > 0:
            w = 1.0 + object_gain * cover[idx]
            loss = ((sq * w).sum(dim=(1, 2, 3)) / (w.sum(dim=(1, 2, 3)) * sq.shape[1]) * w_t[t]).mean()
        else:
            loss = (per * w_t[t]).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        run = per.mean().item() if run is None else 0.95 * run + 0.05 * per.mean().item()
        if step % 20 == 0:
            log(f"{label} step {step} loss {run:.4f} lr {opt.param_groups[0]['lr']:.2e} "
                f"{step / (time.time() - t0):.2f} it/s")
    return step, time.time() - t0


def lora_tensors(unet_loras, te_loras, naming):
    out = {}
    for prefix, loras in (("unet", unet_loras), ("te", te_loras)):
        for path, lora in loras.items():
            down = lora.down.detach().numpy().astype(np.float32)
            up = lora.up.detach().numpy().astype(np.float32)
            if naming == "kohya":
                key = f"lora_{prefix}_{path.replace('.', '_')}"
                out[f"{key}.lora_down.weight"] = down
                out[f"{key}.lora_up.weight"] = up
                out[f"{key}.alpha"] = np.array(lora.alpha, dtype=np.float32)
            else:  # diffusers / PEFT: no alpha tensor, so its scale is folded into lora_B
                key = f"{'unet' if prefix == 'unet' else 'text_encoder'}.{path}"
                out[f"{key}.lora_A.weight"] = down
                out[f"{key}.lora_B.weight"] = up * (lora.alpha / lora.rank)
    return out


def train_lora(a, style, naming, seed):
    path = os.path.join(a.out, f"{style}.safetensors")
    if os.path.exists(path) and not a.force:
        log(f"{style}: exists, skipped")
        return None
    te, vae, unet, ck = onnx_weights.load_models(a.base)
    tok = T.CLIPBPE(os.path.join(a.base, "tokenizer", "vocab.json"), os.path.join(a.base, "tokenizer", "merges.txt"))
    lat, caps, _ = encode_set(vae, ck["scaling_factor"], a.images, seed, style)
    ids = torch.tensor([tok(c) for c in caps], dtype=torch.int32)
    unet_loras = attach_loras(unet, UNET_TARGETS, a.rank, a.rank)
    te_loras = attach_loras(te, TE_TARGETS, a.rank, a.rank)
    params = [p for lo in list(unet_loras.values()) + list(te_loras.values()) for p in (lo.down, lo.up)]
    te.train(), unet.train()
    steps, secs = diffusion_steps(te, unet, params, lat, ids, torch.tensor(tok(""), dtype=torch.int32), a, style)
    meta = {"format": "pt", "ss_network_module": "networks.lora", "ss_network_dim": a.rank, "ss_network_alpha": a.rank,
            "easel_base_model": "easel-tiny", "easel_style": style, "easel_key_naming": naming,
            "easel_steps": steps, "easel_train_seconds": round(secs)}
    safetensors_io.save(lora_tensors(unet_loras, te_loras, naming), path, meta)
    log(f"{style}: {len(unet_loras)} UNet + {len(te_loras)} text-encoder LoRAs, {steps} steps, {secs:.0f} s -> {path}")
    return {"steps": steps, "seconds": round(secs)}


def train_embedding(a, seed=31):
    path = os.path.join(a.out, f"{EMBEDDING_WORD}.safetensors")
    if os.path.exists(path) and not a.force:
        log(f"{EMBEDDING_WORD}: exists, skipped")
        return None
    te, vae, unet, ck = onnx_weights.load_models(a.base)
    for p in list(te.parameters()) + list(unet.parameters()):
        p.requires_grad_(False)
    tok = T.CLIPBPE(os.path.join(a.base, "tokenizer", "vocab.json"), os.path.join(a.base, "tokenizer", "merges.txt"))
    vocab = te.token_embedding.weight.shape[0]
    # Start from the shapes the base model knows, one word per vector in turn ("circle" first).
    n = a.embedding_vectors
    words = a.embedding_init.split(",")
    table = te.token_embedding.weight
    init = torch.cat([table[tok.encode(words[i % len(words)])].mean(0, keepdim=True) for i in range(n)])
    te.token_embedding = ExtendedEmbedding(te.token_embedding, init)
    lat, caps, cover = encode_set(vae, ck["scaling_factor"], a.images, seed, None, shape_override=EMBEDDING_WORD)
    ids = torch.tensor([encode_caption(tok, c, list(range(vocab, vocab + n))) for c in caps], dtype=torch.int32)
    ea = argparse.Namespace(**{**vars(a), "lr": a.embedding_lr, "steps": a.embedding_steps})
    steps, secs = diffusion_steps(te, unet, [te.token_embedding.rows], lat, ids,
                                  torch.tensor(tok(""), dtype=torch.int32), ea, EMBEDDING_WORD,
                                  cover, a.embedding_object_gain)
    safetensors_io.save({"emb_params": te.token_embedding.rows.detach().numpy().astype(np.float32)}, path,
                        {"easel_base_model": "easel-tiny", "easel_token": EMBEDDING_WORD, "easel_steps": steps,
                         "easel_vectors": n, "easel_train_seconds": round(secs)})
    log(f"{EMBEDDING_WORD}: {n} vector(s), {steps} steps, {secs:.0f} s -> {path}")
    return {"steps": steps, "seconds": round(secs)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=os.path.join(HERE, "..", "easel-tiny"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "easel-tiny-adapters"))
    ap.add_argument("--only", default="striped,outlined," + EMBEDDING_WORD)
    ap.add_argument("--images", type=int, default=2000)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--minutes", type=float, default=6.0, help="wall-clock bound per adapter")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--force", action="store_true", help="retrain adapters that exist")
    ap.add_argument("--embedding-vectors", type=int, default=4, help="vectors (new tokens) of the embedding")
    ap.add_argument("--embedding-init", default="square,ring", help="comma-separated words whose embeddings start the vectors")
    ap.add_argument("--embedding-object-gain", type=float, default=4.0,
                    help="weight the embedding's loss on the object's latent cells by 1 + this")
    ap.add_argument("--embedding-lr", type=float, default=5e-3)
    ap.add_argument("--embedding-steps", type=int, default=3000)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    os.makedirs(a.out, exist_ok=True)
    only = set(a.only.split(","))
    report = {}
    if "striped" in only:
        report["striped"] = train_lora(a, "striped", "kohya", seed=11)
    if "outlined" in only:
        report["outlined"] = train_lora(a, "outlined", "diffusers", seed=21)
    if EMBEDDING_WORD in only:
        report[EMBEDDING_WORD] = train_embedding(a)
    log("done", json.dumps(report))


if __name__ == "__main__":
    main()
