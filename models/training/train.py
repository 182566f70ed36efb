#!/usr/bin/python3
"""Train and export Easel's bundled tiny Stable-Diffusion-family model (easel-tiny).

One command (run from the repository root, as root if torch may need installing):

    /usr/bin/python3 models/training/train.py --out models/easel-tiny

Stages (each bounded by a step count, resumable from checkpoints in models/training/.work/):
  0. tokenizer   byte-level BPE (CLIP format) trained on the synthetic captions
  1. vae         KL autoencoder on random 64x64 crops of 128x128 synthetic images (L1+L2 + 1e-6 KL)
  2. latents     encode a fixed synthetic set (posterior mean) -> latents; scaling_factor = 1/std
  3. unet        UNet + text encoder jointly, epsilon-prediction diffusion loss on SD 1.5's
                 scaled_linear schedule (0.00085 -> 0.012, 1000 steps), min-SNR(5) weighting,
                 10% empty captions (classifier-free guidance), EMA weights
  4. export      ONNX (diffusers/optimum layout) + configs into --out (export_onnx.py)

If `import torch` fails this script runs `apt-get install -y python3-torch python3-numpy
python3-pil` (Debian packages; needs root) and re-executes itself.  Use /usr/bin/python3:
the Debian torch is only visible to the system interpreter.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def ensure_torch():
    try:
        import torch  # noqa: F401
        import numpy  # noqa: F401
        import PIL  # noqa: F401
    except ImportError:
        if os.environ.get("EASEL_TORCH_INSTALL_TRIED"):
            raise
        print("torch/numpy/PIL missing: apt-get install -y python3-torch python3-numpy python3-pil", flush=True)
        subprocess.check_call(["apt-get", "install", "-y", "python3-torch", "python3-numpy", "python3-pil"])
        os.environ["EASEL_TORCH_INSTALL_TRIED"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)


ensure_torch()

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import dataset  # noqa: E402
import models as M  # noqa: E402
import tokenizer as T  # noqa: E402


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def sd15_alphas_cumprod(n=1000, b0=0.00085, b1=0.012):
    betas = torch.linspace(b0 ** 0.5, b1 ** 0.5, n, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, 0).float()


def add_noise(x0, noise, alphas_cumprod, t):
    """diffusers' DDPMScheduler.add_noise: sqrt(a_t) x0 + sqrt(1 - a_t) noise, a_t over x0's trailing dims."""
    a_t = alphas_cumprod[t].reshape(tuple(t.shape) + (1,) * (x0.dim() - t.dim()))
    return a_t.sqrt() * x0 + (1 - a_t).sqrt() * noise


class Timings:
    def __init__(self, path):
        self.path = path
        self.d = json.load(open(path)) if os.path.exists(path) else {}

    def add(self, k, sec):
        self.d[k] = round(self.d.get(k, 0.0) + sec, 1)
        json.dump(self.d, open(self.path, "w"), indent=1)


def save_ckpt(path, obj):
    torch.save(obj, path + ".tmp")
    os.replace(path + ".tmp", path)


def object_mask(x):
    """1 where a batch of images in [-1, 1] differs from its background colour, else 0 ([n, 1, h, w]).
    The background is the top-left pixel: the synthetic backgrounds are flat and no object touches a corner."""
    return ((x - x[:, :, :1, :1]).abs().sum(1, keepdim=True) > 0.25).float()


def lr_at(progress, base, warm_frac=0.05, final=0.1):
    if progress < warm_frac:
        return base * progress / warm_frac
    p = (progress - warm_frac) / (1 - warm_frac)
    return base * (final + (1 - final) * 0.5 * (1 + math.cos(math.pi * min(1.0, p))))


# ----------------------------------------------------------------------------- stage 1
def train_vae(a, work, tm):
    if a.init_from:
        log(f"stage 1 vae: taken from {a.init_from} (not retrained: its latents define the model)")
        return a._init[1]
    path = os.path.join(work, "vae.pt")
    vae = M.AutoencoderKL(**M.VAE_CFG)
    opt = torch.optim.Adam(vae.parameters(), lr=a.vae_lr)
    step, elapsed = 0, 0.0
    if os.path.exists(path):
        ck = torch.load(path)
        vae.load_state_dict(ck["vae"])
        if ck.get("done"):
            log("stage 1 vae: done already")
            return vae
        opt.load_state_dict(ck["opt"])
        step, elapsed = ck["step"], ck["elapsed"]
        log(f"stage 1 vae: resume at step {step}")
    imgs, _ = dataset.build_arrays(a.vae_images, seed=1, log_every=0)
    imgs = torch.from_numpy(imgs).permute(0, 3, 1, 2).contiguous()  # uint8
    g = torch.Generator().manual_seed(1000 + step)
    t0 = time.time() - elapsed
    last_save = time.time()
    cs = a.vae_crop
    while step < a.vae_steps:
        idx = torch.randint(0, imgs.shape[0], (a.vae_batch,), generator=g)
        ox, oy = torch.randint(0, 128 - cs + 1, (2,), generator=g).tolist()
        x = imgs[idx, :, oy:oy + cs, ox:ox + cs].float() / 127.5 - 1
        for pg in opt.param_groups:
            pg["lr"] = lr_at(step / a.vae_steps, a.vae_lr, 0.02)
        mean, logvar = vae.encode(x)
        z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
        rec = vae.decode(z)
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).sum(dim=(1, 2, 3)).mean()
        l1 = (rec - x).abs().mean()
        l2 = F.mse_loss(rec, x)
        loss = l1 + l2 + a.vae_kl * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 50 == 0 or step == a.vae_steps:
            el = time.time() - t0
            log(f"vae step {step}/{a.vae_steps} l1 {l1.item():.4f} l2 {l2.item():.5f} kl {kl.item():.1f} "
                f"{step / max(el, 1e-6):.2f} it/s")
        if time.time() - last_save > a.ckpt_every or step == a.vae_steps:
            save_ckpt(path, {"vae": vae.state_dict(), "opt": opt.state_dict(), "step": step,
                             "elapsed": time.time() - t0, "done": step >= a.vae_steps})
            last_save = time.time()
    tm.add("stage1_vae_s", time.time() - t0 - elapsed)
    return vae


# ----------------------------------------------------------------------------- stage 2
@torch.no_grad()
def encode_latents(a, work, vae, tok, tm):
    path = os.path.join(work, "latents.pt")
    if os.path.exists(path):
        log("stage 2 latents: cached")
        return torch.load(path)
    t0 = time.time()
    vae.eval()
    lats, caps = [], []
    chunk = 1000
    for s in range(0, a.n_images, chunk):
        n = min(chunk, a.n_images - s)
        imgs = np.zeros((n, 128, 128, 3), np.uint8)
        for i in range(n):
            im, cap, _ = dataset.sample_example(s + i, seed=a.data_seed)
            imgs[i] = np.asarray(im)
            caps.append(cap)
        x = torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1
        for b in range(0, n, 100):
            lats.append(vae.encode(x[b:b + 100])[0])
        log(f"latents {s + n}/{a.n_images}")
    lats = torch.cat(lats)
    std = lats.std().item()
    # Continuing a model keeps its scaling_factor: the UNet learnt on latents scaled by it.
    scaling = a._init[3]["scaling_factor"] if a.init_from else round(1.0 / std, 5)
    ids = torch.tensor([tok(c) for c in caps], dtype=torch.int32)
    obj = {"latents": lats, "ids": ids, "captions": caps, "scaling_factor": scaling,
           "latent_mean": lats.mean().item(), "latent_std": std}
    save_ckpt(path, obj)
    log(f"stage 2: latents {tuple(lats.shape)} mean {lats.mean().item():.4f} std {std:.4f} -> scaling_factor {scaling}")
    tm.add("stage2_latents_s", time.time() - t0)
    return obj


# ----------------------------------------------------------------------------- stage 3
def train_unet(a, work, data, tok, tcfg, tm):
    path = os.path.join(work, "unet.pt")
    te = M.TextEncoder(**tcfg)
    unet = M.UNet(**M.UNET_CFG)
    params = list(te.parameters()) + list(unet.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=0.01)
    ema_te = M.TextEncoder(**tcfg)
    ema_unet = M.UNet(**M.UNET_CFG)
    if a.init_from:  # continue training an exported model: its (EMA) weights are the start
        te.load_state_dict(a._init[0].state_dict())
        unet.load_state_dict(a._init[2].state_dict())
    ema_te.load_state_dict(te.state_dict())
    ema_unet.load_state_dict(unet.state_dict())
    step, elapsed = 0, 0.0
    if os.path.exists(path):
        ck = torch.load(path)
        te.load_state_dict(ck["te"])
        unet.load_state_dict(ck["unet"])
        ema_te.load_state_dict(ck["ema_te"])
        ema_unet.load_state_dict(ck["ema_unet"])
        if ck.get("done") and not a.extend_minutes:
            log("stage 3 unet: done already")
            return ema_te, ema_unet
        opt.load_state_dict(ck["opt"])
        step, elapsed = ck["step"], ck["elapsed"]
        if ck.get("done"):  # --extend-minutes: a further short cosine segment at a lower lr
            log(f"stage 3 unet: extending by {a.extend_minutes} min from step {step}")
            a.unet_steps, a.unet_minutes, a.lr = 10 ** 9, a.extend_minutes, a.extend_lr
            ck_base_step, elapsed = step, 0.0
            a._ext = (step, ck["elapsed"])
        log(f"stage 3 unet: resume at step {step} ({elapsed:.0f}s)")
    ema_params = list(ema_te.parameters()) + list(ema_unet.parameters())
    lat = data["latents"] * data["scaling_factor"]
    ids = data["ids"]
    empty = torch.tensor(tok(""), dtype=torch.int32)
    ac = sd15_alphas_cumprod()
    snr = ac / (1 - ac)
    w_t = torch.clamp(snr, max=5.0) / snr  # min-SNR-5 weighting for epsilon prediction
    g = torch.Generator().manual_seed(2000 + step)
    t_start = time.time() - elapsed
    last_save = time.time()
    budget = a.unet_minutes * 60
    run_loss = None
    n0, tstep0 = step, time.time()
    done = False
    while not done:
        el = time.time() - t_start
        progress = max(step / a.unet_steps, el / budget)
        if getattr(a, "_ext", None):
            progress = el / budget
        if progress >= 1.0:
            done = True
            break
        for pg in opt.param_groups:
            pg["lr"] = lr_at(progress, a.lr)
        idx = torch.randint(0, lat.shape[0], (a.batch,), generator=g)
        x0 = lat[idx]
        b_ids = ids[idx].clone()
        drop = torch.rand(a.batch, generator=g) < a.uncond_p
        b_ids[drop] = empty
        t = torch.randint(0, 1000, (a.batch,), generator=g)
        noise = torch.randn(x0.shape, generator=g)
        xt = add_noise(x0, noise, ac, t)
        ctx, _ = te(b_ids)
        pred = unet(xt, t, ctx)
        per = ((pred - noise) ** 2).mean(dim=(1, 2, 3))
        loss = (per * w_t[t]).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        d = min(a.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, p in zip(ema_params, params):
                pe.mul_(d).add_(p.detach(), alpha=1 - d)
        run_loss = per.mean().item() if run_loss is None else 0.98 * run_loss + 0.02 * per.mean().item()
        if step % 25 == 0:
            ips = (step - n0) / (time.time() - tstep0)
            log(f"unet step {step}/{a.unet_steps} loss {run_loss:.4f} lr {opt.param_groups[0]['lr']:.2e} "
                f"{ips:.3f} it/s ({ips * a.batch:.1f} img/s) elapsed {(time.time() - t_start) / 60:.1f} min")
        if time.time() - last_save > a.ckpt_every:
            save_ckpt(path, {"te": te.state_dict(), "unet": unet.state_dict(), "ema_te": ema_te.state_dict(),
                             "ema_unet": ema_unet.state_dict(), "opt": opt.state_dict(), "step": step,
                             "elapsed": time.time() - t_start, "done": False})
            last_save = time.time()
            log(f"checkpoint at step {step}")
    save_ckpt(path, {"te": te.state_dict(), "unet": unet.state_dict(), "ema_te": ema_te.state_dict(),
                     "ema_unet": ema_unet.state_dict(), "opt": opt.state_dict(), "step": step,
                     "elapsed": time.time() - t_start, "done": True})
    tm.add("stage3_unet_s" if not getattr(a, "_ext", None) else "stage3_extension_s", time.time() - t_start - elapsed)
    tm.d["stage3_steps"] = step
    tm.add("stage3_steps", 0)
    log(f"stage 3 done: {step} steps, {(time.time() - t_start) / 60:.1f} min total")
    return ema_te, ema_unet


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="models/easel-tiny")
    ap.add_argument("--work", default=os.path.join(HERE, ".work", "run"))
    ap.add_argument("--smoke", action="store_true", help="tiny step counts to test the whole chain")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--vae-steps", type=int, default=2500)
    ap.add_argument("--vae-batch", type=int, default=16)
    ap.add_argument("--vae-crop", type=int, default=64)
    ap.add_argument("--vae-images", type=int, default=4000)
    ap.add_argument("--vae-lr", type=float, default=1e-3)
    ap.add_argument("--vae-kl", type=float, default=1e-6)
    ap.add_argument("--n-images", type=int, default=20000)
    ap.add_argument("--unet-steps", type=int, default=2600)
    ap.add_argument("--unet-minutes", type=float, default=55.0, help="hard wall-clock bound for stage 3")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--ema", type=float, default=0.998)
    ap.add_argument("--uncond-p", type=float, default=0.1)
    ap.add_argument("--ckpt-every", type=float, default=180.0, help="seconds between checkpoints")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--extend-minutes", type=float, default=0.0,
                    help="continue a finished stage 3 for this many minutes (cosine from --extend-lr)")
    ap.add_argument("--extend-lr", type=float, default=2e-4)
    ap.add_argument("--init-from", default=None,
                    help="an exported model directory to continue from: its tokenizer and VAE are kept, the "
                         "text encoder and UNet start from its weights (read back from the ONNX graphs); "
                         "use a fresh --work and, for new images, another --data-seed")
    ap.add_argument("--data-seed", type=int, default=0, help="seed of the synthetic images of stage 2")
    a = ap.parse_args()
    if a.smoke:
        a.vae_steps, a.vae_images, a.n_images, a.unet_steps, a.work = 40, 256, 512, 20, os.path.join(HERE, ".work", "smoke")
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    os.makedirs(a.work, exist_ok=True)
    tm = Timings(os.path.join(a.work, "timings.json"))
    t0 = time.time()

    tok_dir = os.path.join(a.work, "tokenizer")
    if a.init_from:
        import shutil

        import onnx_weights

        a._init = onnx_weights.load_models(a.init_from)
        shutil.copytree(os.path.join(a.init_from, "tokenizer"), tok_dir, dirs_exist_ok=True)
        vocab_size = a._init[3]["text_config"]["vocab_size"]
    else:
        vocab_size = T.build(tok_dir)
    tok = T.CLIPBPE(os.path.join(tok_dir, "vocab.json"), os.path.join(tok_dir, "merges.txt"))
    tcfg = dict(M.TEXT_CFG, vocab_size=vocab_size)
    log(f"stage 0 tokenizer: vocab {vocab_size}")
    log(f"params: text {M.count_params(M.TextEncoder(**tcfg))} vae {M.count_params(M.AutoencoderKL(**M.VAE_CFG))} "
        f"unet {M.count_params(M.UNet(**M.UNET_CFG))}")

    vae = train_vae(a, a.work, tm)
    data = encode_latents(a, a.work, vae, tok, tm)
    te, unet = train_unet(a, a.work, data, tok, tcfg, tm)

    weights = os.path.join(a.work, "weights.pt")
    torch.save({"text_encoder": te.state_dict(), "vae": vae.state_dict(), "unet": unet.state_dict(),
                "text_config": tcfg, "vae_config": M.VAE_CFG, "unet_config": M.UNET_CFG,
                "scaling_factor": data["scaling_factor"]}, weights)
    log(f"weights -> {weights}  (training total {(time.time() - t0) / 60:.1f} min this invocation)")
    if not a.no_export:
        import export_onnx

        t1 = time.time()
        export_onnx.export(weights, tok_dir, a.out)
        tm.add("export_s", time.time() - t1)
    log("all done", json.dumps(tm.d))


if __name__ == "__main__":
    main()
