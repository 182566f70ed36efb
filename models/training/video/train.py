#!/usr/bin/python3
"""Train easel-tiny's motion module (AnimateDiff's approach) on synthetic clips, export it.

    /usr/bin/python3 models/training/video/train.py --minutes 70

1. data: --clips clips of 8 frames at random sorted times in [0, 1] (clips.py), encoded by
   easel-tiny's frozen VAE encoder (posterior mean x scaling_factor); cached.
2. motion modules (motion.py) trained with the image UNet and text encoder frozen: epsilon
   MSE with min-SNR-5 over the frames, SD 1.5's schedule, 10 % empty captions (for
   classifier-free guidance), a fresh caption phrasing every draw, half the clips played
   backwards (the opposite motion: exact in latent space), and a quarter given their first
   frame clean at timestep 0 with no loss on it (what img2video does at inference).
3. export: models/easel-tiny-motion/unet/model.onnx (the whole video UNet: the interface in
   motion.py and packages/engine-video/README.md), motion_module.safetensors (the modules
   alone, AnimateDiff's "motion adapter" idea), config.json, training.json.

Resumable: a checkpoint every --checkpoint-every seconds in models/training/.work/video/;
a re-run continues from it, counting the wall time already spent.
"""
import argparse
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, TRAINING)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import clips  # noqa: E402
import motion  # noqa: E402
import onnx_weights  # noqa: E402
import safetensors_io  # noqa: E402
import tokenizer as T  # noqa: E402
from checkpoint_stage import save  # noqa: E402
from train import add_noise, lr_at, sd15_alphas_cumprod  # noqa: E402

MODELS = os.path.normpath(os.path.join(TRAINING, ".."))
FRAMES = 8


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


@torch.no_grad()
def build_data(vae, scaling, n, seed):
    r = random.Random(seed)
    specs, times = [], []
    lat = torch.zeros(n, FRAMES, 4, 16, 16)
    batch = []
    for i in range(n):
        spec = clips.sample_clip_spec(i, seed)
        ts = clips.frame_times(FRAMES, r)
        specs.append(spec)
        times.append(ts)
        batch.append(np.stack([np.asarray(clips.render_frame(spec, t)) for t in ts]))
        if len(batch) == 16 or i == n - 1:
            x = torch.from_numpy(np.concatenate(batch)).permute(0, 3, 1, 2).float() / 127.5 - 1
            z = vae.encode(x)[0] * scaling
            lat[i + 1 - len(batch):i + 1] = z.reshape(len(batch), FRAMES, 4, 16, 16)
            batch = []
        if (i + 1) % 1000 == 0:
            log(f"data {i + 1}/{n}")
    return {"latents": lat.half(), "specs": specs, "times": torch.tensor(times)}


def load_optimizer(opt, ck, net):
    """The checkpoint's Adam state, matched by parameter name: a module added since (zero-initialised)
    starts with a fresh state while the others keep theirs."""
    names = optimizer_names(net)
    saved = ck.get("opt_names") or [n for n in names if n in ck["net"]]
    if saved == names and len(ck["opt"]["param_groups"]) == len(opt.param_groups):
        opt.load_state_dict(ck["opt"])
        return
    state = ck["opt"]["state"]
    by_name = {saved[i]: state[i] for i in state}
    params = [p for g in opt.param_groups for p in g["params"]]
    for n, p in zip(names, params):
        if n in by_name:
            opt.state[p] = {k: (v.clone() if torch.is_tensor(v) else v) for k, v in by_name[n].items()}
    log(f"optimizer state matched by name: {len(by_name)} of {len(names)} parameters kept theirs")


def parameter_group(name):
    """Which learning-rate group a trained parameter is in: the motion words, the frame words, the modules."""
    if name.startswith("words."):
        return "words"
    if name.startswith("frame_words."):
        return "frame_words"
    return "modules"


GROUPS = ["modules", "words", "frame_words"]


def optimizer_names(net):
    """The trained parameters' names in the optimizer's order: the modules, the motion words, the frame words."""
    names = [n for n, _ in net.named_parameters() if not n.startswith("unet.")]
    return [n for g in GROUPS for n in names if parameter_group(n) == g]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default=os.path.join(MODELS, "easel-tiny"))
    ap.add_argument("--out", default=os.path.join(MODELS, "easel-tiny-motion"))
    ap.add_argument("--work", default=os.path.join(TRAINING, ".work", "video"))
    ap.add_argument("--clips", type=int, default=8000)
    ap.add_argument("--data-seed", type=int, default=0)
    ap.add_argument("--minutes", type=float, default=70)
    ap.add_argument("--steps", type=int, default=10 ** 9)
    ap.add_argument("--batch", type=int, default=16, help="clips per step (x --train-frames frames)")
    ap.add_argument("--train-frames", type=int, default=4,
                    help="frames of each cached 8-frame clip a step trains on (sorted, at their own times): "
                         "fewer frames, more clips for the same compute")
    ap.add_argument("--no-motion-words", action="store_true", help="without the learnt token embedding (motion.py)")
    ap.add_argument("--frame-words", action="store_true",
                    help="learn token embeddings added to the frozen image UNet's own text states (motion.py)")
    ap.add_argument("--distil-minutes", type=float, default=0.0,
                    help="with --frame-words: first teach them the vertical position words for this long (distil_words.py)")
    ap.add_argument("--frame-words-lr-scale", type=float, default=1.0, help="their learning rate over --lr")
    ap.add_argument("--init-from", default=None,
                    help="a motion_module.safetensors to start from (parameters it lacks keep their initialisation); "
                         "its own training minutes count against the budget: say them with --prior-minutes")
    ap.add_argument("--prior-minutes", type=float, default=0.0,
                    help="training minutes already spent on --init-from's weights (recorded in training.json)")
    ap.add_argument("--shared-noise", type=float, default=0.0,
                    help="share of each frame's noise common to the clip (PYoCo's mixed prior; the engine samples the same)")
    ap.add_argument("--vertical-share", type=float, default=None,
                    help="draw clips moving up or down this share of the time (default: as the data holds them); "
                         "left and right ride on easel-tiny's own position words, up and down must be learnt from the letters")
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--words-lr-scale", type=float, default=1.0,
                    help="learning rate of the motion words over --lr: each token's row learns only from the clips "
                         "that name it, and at 1 they stayed near a tenth of the encoder's state norm")
    ap.add_argument("--ema", type=float, default=0.995)
    ap.add_argument("--uncond-p", type=float, default=0.1)
    ap.add_argument("--first-frame-p", type=float, default=0.25)
    ap.add_argument("--checkpoint-every", type=float, default=300)
    ap.add_argument("--export-only", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(a.work, exist_ok=True)
    te, vae, unet, bundle = onnx_weights.load_models(a.base)
    for p in list(te.parameters()) + list(vae.parameters()) + list(unet.parameters()):
        p.requires_grad_(False)
    scaling = bundle["scaling_factor"]
    tok = T.CLIPBPE(os.path.join(a.base, "tokenizer", "vocab.json"), os.path.join(a.base, "tokenizer", "merges.txt"))

    data_path = os.path.join(a.work, f"data-{a.clips}-{a.data_seed}.pt")
    t0 = time.time()
    if os.path.exists(data_path):
        data = torch.load(data_path)
    else:
        data = build_data(vae, scaling, a.clips, a.data_seed)
        save(data_path, data)
        log(f"data: {a.clips} clips in {time.time() - t0:.0f}s")
    data_seconds = time.time() - t0

    vocab = None if a.no_motion_words else len(tok.encoder)
    net = motion.VideoUNet(unet, bundle["unet_config"], vocab, a.frame_words)
    ema = motion.VideoUNet(unet, bundle["unet_config"], vocab, a.frame_words)
    if a.init_from and not os.path.exists(os.path.join(a.work, "ckpt.pt")):
        start = {k: torch.from_numpy(v.copy()) for k, v in safetensors_io.load(a.init_from)[0].items()}
        missing, unexpected = net.load_state_dict(start, strict=False)
        if unexpected:
            raise SystemExit(f"--init-from has parameters this model lacks: {unexpected[:5]}")
        log(f"started from {a.init_from}: {len(start)} tensors; new: {[n for n in missing if not n.startswith('unet.')]}")
    ema.load_state_dict(net.state_dict())
    params = net.motion_parameters()
    by_name, names = dict(net.named_parameters()), optimizer_names(net)
    scales = {"modules": 1.0, "words": a.words_lr_scale, "frame_words": a.frame_words_lr_scale}
    groups = [{"params": [by_name[n] for n in names if parameter_group(n) == g], "lr_scale": scales[g]} for g in GROUPS]
    opt = torch.optim.AdamW([g for g in groups if g["params"]], lr=a.lr, weight_decay=0.0)
    ck_path = os.path.join(a.work, "ckpt.pt")
    step, elapsed, run_loss = 0, 0.0, None
    if os.path.exists(ck_path):
        ck = torch.load(ck_path)
        net.load_state_dict(ck["net"], strict=False)
        ema.load_state_dict(ck["ema"], strict=False)
        load_optimizer(opt, ck, net)
        step, elapsed, run_loss = ck["step"], ck["elapsed"], ck.get("loss")
        log(f"resume at step {step} ({elapsed / 60:.1f} min)")
    ema_params = ema.motion_parameters()

    def checkpoint(step, elapsed, loss):
        save(ck_path, {"net": net.motion_state_dict(), "ema": ema.motion_state_dict(), "opt": opt.state_dict(),
                       "opt_names": optimizer_names(net), "step": step, "elapsed": elapsed, "loss": loss})

    lat = data["latents"]
    times_all = data["times"]
    specs = data["specs"]
    empty = tok("")
    ac = sd15_alphas_cumprod()
    distil_steps = None
    if a.distil_minutes > 0 and a.frame_words and step == 0:
        import distil_words

        distil_steps, distil_loss = distil_words.distil(net, te, tok, lat, specs, ac, a.distil_minutes, log=log)
        ema.load_state_dict(net.state_dict())
        log(f"frame words distilled: {distil_steps} steps, loss {distil_loss:.5f}")
    snr = ac / (1 - ac)
    w_t = torch.clamp(snr, max=5.0) / snr
    draw_weights = None
    if a.vertical_share is not None:
        vertical = torch.tensor([sp["motion"] in clips.VERTICAL for sp in specs])
        draw_weights = torch.where(vertical, a.vertical_share / vertical.sum(), (1 - a.vertical_share) / (~vertical).sum())
    g = torch.Generator().manual_seed(3000 + step)
    r = random.Random(5000 + step)
    budget = (a.minutes - (a.distil_minutes if a.frame_words else 0)) * 60  # --minutes covers both stages
    t_start = time.time() - elapsed
    last_save = time.time()
    n0, tick = step, time.time()
    while not a.export_only:
        progress = max(step / a.steps, (time.time() - t_start) / budget)
        if progress >= 1.0:
            break
        for pg in opt.param_groups:
            pg["lr"] = lr_at(progress, a.lr) * pg.get("lr_scale", 1.0)
        if draw_weights is None:
            idx = torch.randint(0, lat.shape[0], (a.batch,), generator=g).tolist()
        else:
            idx = torch.multinomial(draw_weights, a.batch, replacement=True, generator=g).tolist()
        x0s, caps, tss = [], [], []
        for i in idx:
            # the clip's ends (times 0 and 1: the whole move, and img2video's first frame) and inner frames at random
            keep_frames = [0] + sorted(r.sample(range(1, FRAMES - 1), a.train_frames - 2)) + [FRAMES - 1]
            x, ts, spec = lat[i, keep_frames].float(), times_all[i, keep_frames], specs[i]
            if r.random() < 0.5:
                x, ts, spec = x.flip(0), (1 - ts).flip(0), clips.reverse(spec)
            x0s.append(x)
            tss.append(ts)
            caps.append("" if r.random() < a.uncond_p else clips.caption(spec, r))
        x0 = torch.stack(x0s)  # [B, F, 4, 16, 16]
        B, F = a.batch, a.train_frames
        t = torch.randint(0, 1000, (B, 1), generator=g).expand(B, F).clone()
        first = torch.rand(B, generator=g) < a.first_frame_p
        t[first, 0] = 0
        noise = torch.randn(x0.shape, generator=g)
        if a.shared_noise > 0:
            # frames start alike: the model must move one object between them, not draw each frame anew
            common = torch.randn((B, 1) + tuple(x0.shape[2:]), generator=g)
            noise = a.shared_noise ** 0.5 * common + (1 - a.shared_noise) ** 0.5 * noise
        xt = add_noise(x0, noise, ac, t)
        xt[first, 0] = x0[first, 0]
        ids = torch.tensor([empty if c == "" else tok(c) for c in caps], dtype=torch.int32)
        with torch.no_grad():
            ctx, _ = te(ids)
        pred = net(xt.reshape(B * F, 4, 16, 16), t.reshape(-1), ctx, torch.stack(tss), ids)
        per = ((pred.reshape(B, F, 4, 16, 16) - noise) ** 2).mean(dim=(2, 3, 4))  # [B, F]
        keep = torch.ones(B, F)
        keep[first, 0] = 0
        loss = (per * w_t[t] * keep).sum() / keep.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        d = min(a.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, p in zip(ema_params, params):
                pe.mul_(d).add_(p.detach(), alpha=1 - d)
        value = ((per * keep).sum() / keep.sum()).item()
        run_loss = value if run_loss is None else 0.98 * run_loss + 0.02 * value
        if step % 25 == 0:
            ips = (step - n0) / (time.time() - tick)
            log(f"step {step} loss {run_loss:.4f} lr {opt.param_groups[0]['lr']:.2e} {ips:.3f} it/s "
                f"elapsed {(time.time() - t_start) / 60:.1f} min")
        if time.time() - last_save > a.checkpoint_every:
            checkpoint(step, time.time() - t_start, run_loss)
            last_save = time.time()
            log(f"checkpoint at step {step}")
    if not a.export_only:
        elapsed = time.time() - t_start
        checkpoint(step, elapsed, run_loss)
        log(f"training done: {step} steps, {elapsed / 60:.1f} min, loss {run_loss:.4f}")
    import export_motion

    export_motion.export(ema, bundle, a.out, a.shared_noise)
    with open(os.path.join(a.out, "training.json"), "w") as f:
        json.dump({"steps": step, "train_minutes": round(elapsed / 60, 1), "data_seconds": round(data_seconds),
                   "clips": a.clips, "frames_per_clip": FRAMES, "train_frames": a.train_frames,
                   "motion_words": vocab is not None, "batch_clips": a.batch, "lr": a.lr, "ema": a.ema,
                   "final_loss": run_loss, "first_frame_p": a.first_frame_p, "uncond_p": a.uncond_p,
                   "shared_noise": a.shared_noise, "words_lr_scale": a.words_lr_scale, "vertical_share": a.vertical_share,
                   "frame_words": a.frame_words, "frame_words_lr_scale": a.frame_words_lr_scale,
                   "distil_minutes": a.distil_minutes,
                   "init_from": os.path.basename(a.init_from) if a.init_from else None,
                   "prior_train_minutes": a.prior_minutes,
                   "total_train_minutes": round(a.prior_minutes + (a.distil_minutes if a.frame_words else 0) + elapsed / 60, 1)}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
