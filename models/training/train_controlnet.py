#!/usr/bin/python3
"""Train easel-tiny's ControlNets (canny, scribble, seg) on top of the exported base model.

    /usr/bin/python3 models/training/train_controlnet.py --only canny --steps 1400
    /usr/bin/python3 models/training/train_controlnet.py --only scribble,seg --steps 500 --init-from canny

Each ControlNet starts as a copy of the frozen UNet's encoder half (controlnet.py) and learns,
with the UNet and text encoder frozen, stage 3's objective (epsilon MSE, min-SNR-5) on synthetic
scenes whose objects sit anywhere at any size (not only on the base data's nine positions), with
the hint computed from the picture by control_maps.py. So that the hint, not the prompt, decides
where things are and what outline they have, half of the captions name a wrong shape, none names
a position, and 30 % are empty; colours in the captions are always right (the hint has none).

Resumable: a checkpoint every --checkpoint-every steps in models/training/.work/controlnet/<name>/;
a re-run continues from it, counting the wall time already spent. When a ControlNet's budget
(--minutes, --steps) is spent it is exported as models/easel-tiny-controlnet/<name>/model.onnx (the diffusers
ControlNet interface) and judged on held-out scenes: the IoU of the drawn object with the hint's
region, with the hint and without it. The UNet graph that takes the residuals is written by
export_controlnet.py (models/easel-tiny/unet).
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
import torch.nn.functional as F  # noqa: E402

import control_maps  # noqa: E402
import controlnet as C  # noqa: E402
import dataset  # noqa: E402
import onnx_weights  # noqa: E402
import tokenizer as T  # noqa: E402
from train import add_noise, lr_at, object_mask, sd15_alphas_cumprod  # noqa: E402

WORK = os.path.join(HERE, ".work", "controlnet")
MODELS = os.path.normpath(os.path.join(HERE, ".."))
SEEDS = {"canny": 101, "scribble": 202, "seg": 303}
HELDOUT_SEED_OFFSET = 7_000


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def free_scene(index, seed):
    """One or two objects anywhere, at any size: (PIL image, caption, objects)."""
    r = random.Random(seed * 1_000_003 + index)
    background = r.choice(dataset.COLOR_NAMES)
    S = dataset.IMAGE_SIZE * dataset.SUPERSAMPLE
    n = 2 if r.random() < 0.25 else 1
    objects = []
    while len(objects) < n:
        radius = r.uniform(0.09, 0.22)
        cx, cy = r.uniform(radius + 0.03, 0.97 - radius), r.uniform(radius + 0.03, 0.97 - radius)
        if any(abs(cx - o["cx"]) < o["radius"] + radius and abs(cy - o["cy"]) < o["radius"] + radius for o in objects):
            continue
        colour = r.choice([c for c in dataset.COLOR_NAMES if c != background])
        objects.append({"shape": r.choice(dataset.SHAPES), "color": colour, "cx": cx, "cy": cy, "radius": radius})
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (S, S), dataset.COLORS[background])
    d = ImageDraw.Draw(im)
    for o in objects:
        dataset.draw_shape(d, o["shape"], o["cx"] * S, o["cy"] * S, o["radius"] * S, dataset.COLORS[o["color"]],
                           dataset.COLORS[background])
    im = im.resize((dataset.IMAGE_SIZE, dataset.IMAGE_SIZE), Image.BILINEAR)
    roll = r.random()
    if roll < 0.3:
        caption = ""
    else:
        words = []
        for o in objects:
            shape = o["shape"] if r.random() < 0.5 else r.choice(dataset.SHAPES)
            words.append(f"a {o['color']} {shape}")
        caption = f"{' and '.join(words)} on a {background} background"
    return im, caption, objects


@torch.no_grad()
def build_set(vae, scaling, tok, te, kind, n, seed):
    """Scaled latents, hints in [0, 1] ([n, 3, 128, 128]), text states, object cover per latent cell."""
    imgs = np.zeros((n, 128, 128, 3), np.uint8)
    hints = np.zeros((n, 128, 128, 3), np.uint8)
    caps = []
    for i in range(n):
        im, cap, _ = free_scene(i, seed)
        imgs[i] = np.asarray(im)
        hints[i] = control_maps.MAPS[kind](imgs[i])
        caps.append(cap)
    x = torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1
    lat = torch.cat([vae.encode(x[b:b + 100])[0] for b in range(0, n, 100)]) * scaling
    ids = torch.tensor([tok(c) for c in caps], dtype=torch.int32)
    ctx = torch.cat([te(ids[b:b + 200])[0] for b in range(0, n, 200)])
    cover = F.avg_pool2d(object_mask(x), 8)
    return lat, torch.from_numpy(hints).permute(0, 3, 1, 2).contiguous(), ctx, cover


def train_one(a, kind):
    work = os.path.join(a.work, kind)
    os.makedirs(work, exist_ok=True)
    ckpt_path = os.path.join(work, "ckpt.pt")
    te, vae, unet, bundle = onnx_weights.load_models(a.base)
    for p in list(te.parameters()) + list(unet.parameters()) + list(vae.parameters()):
        p.requires_grad_(False)
    tok = T.CLIPBPE(os.path.join(a.base, "tokenizer", "vocab.json"), os.path.join(a.base, "tokenizer", "merges.txt"))
    net = C.ControlNet.from_unet(unet, bundle["unet_config"])
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=0.0)
    state = {"step": 0, "seconds": 0.0, "loss": None}
    start_from = os.path.join(a.work, a.init_from, "ckpt.pt") if a.init_from and a.init_from != kind else None
    if not os.path.exists(ckpt_path) and start_from and os.path.exists(start_from):
        # Another ControlNet's weights as the start: it already knows where a hint puts an object;
        # what changes is how its hint looks. A fresh optimizer and step count.
        net.load_state_dict(torch.load(start_from, map_location="cpu")["controlnet"])
        log(f"{kind}: starts from {a.init_from}'s weights")
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location="cpu")
        net.load_state_dict(ck["controlnet"])
        opt.load_state_dict(ck["optimizer"])
        state = ck["state"]
        log(f"{kind}: resumed at step {state['step']} ({state['seconds'] / 60:.1f} min spent)")
    t_data = time.time()
    lat, hints, ctx, cover = build_set(vae, bundle["scaling_factor"], tok, te, kind, a.images, SEEDS[kind])
    log(f"{kind}: {a.images} scenes and hints in {time.time() - t_data:.0f} s")
    ac = sd15_alphas_cumprod()
    snr = ac / (1 - ac)
    w_t = torch.clamp(snr, max=5.0) / snr
    g = torch.Generator().manual_seed(SEEDS[kind] + state["step"])
    unet.train(False)
    net.train()
    budget = a.minutes * 60
    t0 = time.time() - state["seconds"]
    run = state["loss"]
    while True:
        progress = max(state["step"] / a.steps, (time.time() - t0) / budget)
        if progress >= 1.0:
            break
        for pg in opt.param_groups:
            pg["lr"] = lr_at(progress, a.lr, warm_frac=0.02)
        idx = torch.randint(0, lat.shape[0], (a.batch,), generator=g)
        t = torch.randint(0, 1000, (a.batch,), generator=g)
        noise = torch.randn(lat[idx].shape, generator=g)
        xt = add_noise(lat[idx], noise, ac, t)
        cond = hints[idx].float() / 255.0
        down, mid = net(xt, t, ctx[idx], cond, 1.0)
        pred = unet(xt, t, ctx[idx], down, mid)
        sq = (pred - noise) ** 2
        w = 1.0 + a.object_gain * cover[idx]
        loss = ((sq * w).sum(dim=(1, 2, 3)) / (w.sum(dim=(1, 2, 3)) * sq.shape[1]) * w_t[t]).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        per = sq.mean().item()
        run = per if run is None else 0.97 * run + 0.03 * per
        state["loss"] = run
        if state["step"] % 25 == 0:
            log(f"{kind} step {state['step']} loss {run:.4f} lr {opt.param_groups[0]['lr']:.2e} "
                f"{state['step'] / max(1e-6, time.time() - t0):.2f} it/s")
        if state["step"] % a.checkpoint_every == 0:
            state["seconds"] = time.time() - t0
            torch.save({"controlnet": net.state_dict(), "optimizer": opt.state_dict(), "state": state}, ckpt_path + ".tmp")
            os.replace(ckpt_path + ".tmp", ckpt_path)
    state["seconds"] = time.time() - t0
    torch.save({"controlnet": net.state_dict(), "optimizer": opt.state_dict(), "state": state}, ckpt_path)
    log(f"{kind}: {state['step']} steps in {state['seconds'] / 60:.1f} min, loss {run:.4f}")
    net.eval()
    return net, state


def bundle_config(base):
    return onnx_weights.configs(base)[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=os.path.join(MODELS, "easel-tiny"))
    ap.add_argument("--only", default="canny,scribble,seg")
    ap.add_argument("--out", default=os.path.join(MODELS, "easel-tiny-controlnet"))
    ap.add_argument("--work", default=WORK, help="checkpoints (a re-run resumes from them)")
    ap.add_argument("--images", type=int, default=4000)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--minutes", type=float, default=25.0, help="wall-clock bound per ControlNet")
    ap.add_argument("--object-gain", type=float, default=2.0)
    ap.add_argument("--init-from", default=None,
                    help="start a ControlNet that has no checkpoint from this one's weights (e.g. canny)")
    ap.add_argument("--checkpoint-every", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--heldout", type=int, default=24, help="held-out scenes judged after training")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    import export_controlnet
    import judge_controlnet

    report = {}
    for kind in a.only.split(","):
        net, state = train_one(a, kind)
        out = os.path.join(a.out, kind)
        export_controlnet.export_controlnet(net, out, kind, state, bundle_config(a.base))
        report[kind] = {"steps": state["step"], "minutes": round(state["seconds"] / 60, 1),
                        **judge_controlnet.judge_heldout(a.base, net, kind, a.heldout,
                                                         SEEDS[kind] + HELDOUT_SEED_OFFSET)}
        log(kind, json.dumps(report[kind]))
        with open(os.path.join(out, "training.json"), "w") as f:
            json.dump(report[kind], f, indent=2)
            f.write("\n")
    log("done", json.dumps(report))


if __name__ == "__main__":
    main()
