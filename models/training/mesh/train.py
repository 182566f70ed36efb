#!/usr/bin/python3
"""Train easel-tiny-mesh (text/image -> latent by diffusion -> implicit SDF + colour), export it.

    /usr/bin/python3 models/training/mesh/train.py --ae-minutes 16 --prior-minutes 14

1. data: every training scene of world.py (one object at three sizes, two side by side; the
   held-out pairs excluded), their voxel grids and 8,192 distance/colour samples each, and
   framed views of the medium-size scenes (render.py); a BPE tokenizer on the captions.
2. autoencoder: ShapeEncoder + ImplicitDecoder on clamped-distance L1 and surface colour L1.
3. prior: the latents of every scene (normalised per dimension) denoised by Prior, conditioned
   on the text encoder's hidden states (a CLIPTextModel trained from scratch with it) or on
   ImageEncoder's tokens; 10 % empty conditions for classifier-free guidance; cosine schedule.
4. held-out check (IoU on a 48^3 grid, colour) and export: text_encoder/, tokenizer/, prior/,
   image_encoder/, shape_decoder/ (ONNX), scheduler/, model_index.json, training.json.

Resumable: each stage checkpoints into models/training/.work/mesh/ every --checkpoint-every
seconds and a re-run continues from there, counting the time already spent.
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

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import models as M  # noqa: E402
import nets  # noqa: E402
import render  # noqa: E402
import tokenizer as T  # noqa: E402
import world  # noqa: E402
from checkpoint_stage import Stage, log, save  # noqa: E402
from train import add_noise, lr_at  # noqa: E402

MODELS = os.path.normpath(os.path.join(TRAINING, ".."))
POINTS = 8192
VIEWS_PER_SINGLE = 24


def all_training_scenes():
    singles, pairs = [], []
    for s in world.SHAPES:
        for c in world.COLOR_NAMES:
            if (s, c) in world.HELDOUT_PAIRS:
                continue
            for size in ["small", None, "large"]:
                singles.append([world.obj(s, c, size)])
    base = [(s, c) for s in world.SHAPES for c in world.COLOR_NAMES if (s, c) not in world.HELDOUT_PAIRS]
    for a in base:
        for b in base:
            pairs.append([world.obj(a[0], a[1], None, (-world.PAIR_OFFSET, 0, 0), world.PAIR_SCALE),
                          world.obj(b[0], b[1], None, (world.PAIR_OFFSET, 0, 0), world.PAIR_SCALE)])
    return singles + pairs


def build_data(seed):
    scenes = all_training_scenes()
    g = torch.Generator().manual_seed(seed)
    r = random.Random(seed)
    n = len(scenes)
    grids = torch.zeros(n, 4, 32, 32, 32, dtype=torch.float16)
    pts = torch.zeros(n, POINTS, 7, dtype=torch.float16)
    for i, sc in enumerate(scenes):
        grids[i] = world.voxel_grid(sc).half()
        p, d, c = world.training_points(sc, POINTS, g)
        assert torch.isfinite(p).all() and torch.isfinite(d).all(), f"non-finite samples in {sc}"
        pts[i] = torch.cat([p, d[:, None], c], dim=1).half()
        if (i + 1) % 500 == 0:
            log(f"data: scenes {i + 1}/{n}")
    view_idx, views = [], []
    for i, sc in enumerate(scenes):
        if len(sc) == 2 or sc[0]["size"] is None:
            k = 1 if len(sc) == 2 else VIEWS_PER_SINGLE
            for _ in range(k):
                view_idx.append(i)
                views.append((render.view(sc, r) * 255).round().byte())
        if (i + 1) % 500 == 0:
            log(f"data: views of {i + 1}/{n} scenes")
    return {"scenes": scenes, "grids": grids, "points": pts, "view_idx": torch.tensor(view_idx),
            "views": torch.stack(views)}


def scene_sampler(data, share, g):
    """Indices of a batch's scenes with `share` of them single objects. The world has 162 singles
    against 2,916 pairs, so uniform draws showed "small" and "large" (and a lone object at all) in
    5 % of the steps: the first runs drew small held-out objects as nothing at all."""
    singles = sum(1 for sc in data["scenes"] if len(sc) == 1)
    n = len(data["scenes"])

    def draw(batch):
        single = torch.rand(batch, generator=g) < share
        return torch.where(single, torch.randint(0, singles, (batch,), generator=g),
                           torch.randint(singles, n, (batch,), generator=g))
    return draw


def caption_corpus(scenes):
    r = random.Random(1)
    texts = [world.caption(sc, r) for sc in scenes for _ in range(2)]
    words = sum(world.SHAPE_WORDS.values(), []) + world.COLOR_NAMES + ["small", "large", "and", "next", "to", "beside"]
    return texts + [" ".join(words)] * 5


# ----------------------------------------------------------------------------- stage 1
def train_autoencoder(a, data, work):
    enc, dec = nets.ShapeEncoder(), nets.ImplicitDecoder(freqs=a.freqs)
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr_ae, weight_decay=0.0)
    stage = Stage(os.path.join(work, "ae.pt"), "autoencoder", {"enc": enc, "dec": dec}, opt)
    budget = a.ae_minutes * 60
    if stage.finished(budget):
        return enc, dec, stage.elapsed
    t_start = time.time() - stage.elapsed
    last = time.time()
    g = torch.Generator().manual_seed(100 + stage.step)
    draw = scene_sampler(data, a.single_share, g)
    run = None
    while True:
        progress = (time.time() - t_start) / budget
        if progress >= 1:
            break
        for pg in opt.param_groups:
            pg["lr"] = lr_at(progress, a.lr_ae)
        idx = draw(a.ae_batch)
        grid = data["grids"][idx].float()
        sel = torch.randint(0, POINTS, (a.ae_batch, a.ae_points), generator=g)
        pts = torch.gather(data["points"][idx].float(), 1, sel[..., None].expand(-1, -1, 7))
        p, d, c = pts[..., :3], pts[..., 3], pts[..., 4:]
        z = enc(grid)
        # noise in units of each dimension's spread, the units the prior samples in: the decoder
        # learns to forgive a prior's small misses instead of reading them as another shape
        zn = z + a.latent_noise * z.detach().std(0) * torch.randn(z.shape, generator=g)
        pd, pc = dec(p, zn)
        delta = 0.1
        loss_d = (pd.clamp(-delta, delta) - d.clamp(-delta, delta)).abs().mean() / delta
        near = (d.abs() < 0.03).float()
        loss_c = ((pc - c).abs().mean(-1) * near).sum() / near.sum().clamp(min=1)
        loss = loss_d + loss_c + 1e-4 * (z ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        stage.step += 1
        v = torch.tensor([loss_d.item(), loss_c.item()])
        run = v if run is None else 0.98 * run + 0.02 * v
        if stage.step % 200 == 0:
            log(f"autoencoder step {stage.step} ({(time.time() - t_start) / 60:.1f} min): sdf {run[0]:.4f} colour {run[1]:.4f}")
        if time.time() - last > a.checkpoint_every:
            stage.save(time.time() - t_start)
            last = time.time()
    elapsed = time.time() - t_start
    stage.save(elapsed, done=True, loss=run.tolist())
    log(f"autoencoder: {stage.step} steps in {elapsed / 60:.1f} min")
    return enc, dec, elapsed


@torch.no_grad()
def encode_all(enc, data):
    zs = torch.cat([enc(data["grids"][i:i + 256].float()) for i in range(0, data["grids"].shape[0], 256)])
    mean, std = zs.mean(0), zs.std(0).clamp(min=1e-3)
    return zs, mean, std


# ----------------------------------------------------------------------------- stage 2
def ids_of(tok, texts):
    """Token ids cut after the longest prompt's end-of-text, and the mask of each prompt's own
    tokens (start to its first end-of-text): the text encoder is causal, so these hidden states are
    exactly those of the full 77-token call the engine makes, which then passes only that span."""
    rows = [tok(t) for t in texts]
    lengths = [r.index(tok.eot) + 1 for r in rows]
    n = max(lengths)
    ids = torch.tensor([r[:n] for r in rows], dtype=torch.int64)
    mask = torch.arange(n)[None] < torch.tensor(lengths)[:, None]
    return ids, mask


def views_to_pixels(v):
    return v.float().permute(0, 3, 1, 2) / 127.5 - 1


def null_image(n=1):
    return torch.zeros(n, 3, 64, 64) + (render.BACKGROUND * 2 - 1)


def train_prior(a, data, zn, tok, work):
    vocab = len(tok.encoder)
    tcfg = dict(vocab_size=vocab, hidden_size=nets.CTX, intermediate_size=512, num_hidden_layers=3,
                num_attention_heads=4, max_position_embeddings=77)
    te, ie, prior = M.TextEncoder(**tcfg), nets.ImageEncoder(), nets.Prior()
    params = list(te.parameters()) + list(ie.parameters()) + list(prior.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr_prior, weight_decay=0.0)
    path = os.path.join(work, "prior.pt")
    stage = Stage(path, "prior", {"te": te, "ie": ie, "prior": prior}, opt)
    was = stage.saved.get("prediction", "epsilon") if stage.saved else a.prediction
    if was != a.prediction:
        raise SystemExit(f"{path} predicts {was}, not {a.prediction}: move it away first")
    budget = a.prior_minutes * 60
    if stage.finished(budget):
        return te, ie, prior, tcfg, stage.elapsed
    ac = nets.cosine_alphas_cumprod()
    t_start = time.time() - stage.elapsed
    last = time.time()
    g = torch.Generator().manual_seed(200 + stage.step)
    r = random.Random(300 + stage.step)
    scenes = data["scenes"]
    draw = scene_sampler(data, a.single_share, g)
    nv = data["views"].shape[0]
    B = a.prior_batch // 2
    run = None
    while True:
        progress = (time.time() - t_start) / budget
        if progress >= 1:
            break
        for pg in opt.param_groups:
            pg["lr"] = lr_at(progress, a.lr_prior)
        ti = draw(B)
        texts = ["" if r.random() < a.uncond_p else world.caption(scenes[i], r) for i in ti.tolist()]
        ids, mask = ids_of(tok, texts)
        ctx_t, _ = te(ids)
        vi = torch.randint(0, nv, (B,), generator=g)
        pix = views_to_pixels(data["views"][vi])
        drop = torch.rand(B, generator=g) < a.uncond_p
        pix[drop] = null_image(int(drop.sum()))
        ctx_i = ie(pix)
        x0 = torch.cat([zn[ti], zn[data["view_idx"][vi]]])
        t = torch.randint(0, 1000, (2 * B,), generator=g)
        noise = torch.randn(x0.shape, generator=g)
        xt = add_noise(x0, noise, ac, t)
        # Shap-E's prior predicts the latent itself ("sample"): on a 64-number latent it learns the
        # condition's shape far sooner than an epsilon target, which the first run (eps) showed
        target = x0 if a.prediction == "sample" else noise
        out_t = prior(xt[:B], t[:B], ctx_t, mask)
        out_i = prior(xt[B:], t[B:], ctx_i)
        lt = F.mse_loss(out_t, target[:B])
        li = F.mse_loss(out_i, target[B:])
        loss = lt + li
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        stage.step += 1
        v = torch.tensor([lt.item(), li.item()])
        run = v if run is None else 0.99 * run + 0.01 * v
        if stage.step % 500 == 0:
            log(f"prior step {stage.step} ({(time.time() - t_start) / 60:.1f} min): text {run[0]:.4f} image {run[1]:.4f}")
        if time.time() - last > a.checkpoint_every:
            stage.save(time.time() - t_start, prediction=a.prediction)
            last = time.time()
    elapsed = time.time() - t_start
    stage.save(elapsed, done=True, loss=run.tolist(), prediction=a.prediction)
    log(f"prior: {stage.step} steps in {elapsed / 60:.1f} min")
    return te, ie, prior, tcfg, elapsed


# ----------------------------------------------------------------------------- held-out check
@torch.no_grad()
def ddim_sample(prior, ctx, ctx_null, prediction, steps=30, guidance=3.0, seed=1, mask=None, clip=4.0):
    """DDIM as the engine runs it (diffusers' DDIMScheduler: leading spacing, x0 clipped to
    +-clip_sample_range, eta 0): the cosine schedule's first steps have alpha_bar near 0, where an
    unclipped x0 estimate divides epsilon's error by sqrt(alpha_bar) and the sample is lost."""
    ac = nets.cosine_alphas_cumprod()
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(ctx.shape[0], nets.LATENT, generator=g)
    ratio = 1000 // steps
    ts = [i * ratio for i in range(steps)][::-1]
    for k, t in enumerate(ts):
        tt = torch.full((x.shape[0],), t)
        e = prior(x, tt, ctx, mask)
        if guidance != 1.0:
            e0 = prior(x, tt, ctx_null.expand(ctx.shape[0], -1, -1))
            e = e0 + guidance * (e - e0)
        a_t = ac[t]
        a_prev = ac[ts[k + 1]] if k + 1 < len(ts) else torch.tensor(1.0)
        if prediction == "sample":
            x0, e = e, (x - a_t.sqrt() * e) / (1 - a_t).sqrt()
        else:
            x0 = (x - (1 - a_t).sqrt() * e) / a_t.sqrt()
        x = a_prev.sqrt() * x0.clamp(-clip, clip) + (1 - a_prev).sqrt() * e
    return x


@torch.no_grad()
def judge(dec, z, scene, res=48):
    c = (torch.arange(res) + 0.5) / res * 2 - 1
    zz, yy, xx = torch.meshgrid(c, c, c, indexing="ij")
    p = torch.stack([xx, yy, zz], -1).reshape(-1, 3)
    pd, _ = dec(p[None], z[None])
    gd, _ = world.scene_sdf(scene, p)
    pred, gt = pd[0] < 0, gd < 0
    iou = (pred & gt).sum().item() / max(1, (pred | gt).sum().item())
    colours_ok = True
    g = torch.Generator().manual_seed(0)
    for k, o in enumerate(scene):
        surf = world.surface_points([o], 256, g)
        _, rgb = dec(surf[None], z[None])
        mean = (rgb[0].mean(0) * 255).tolist()
        name = min(world.COLOR_NAMES, key=lambda n: sum((x - y) ** 2 for x, y in zip(mean, world.COLORS[n])))
        colours_ok &= name == o["colour"]
    return iou, colours_ok


def heldout_report(dec, te, ie, prior, tok, mean, std, guidance, prediction):
    scenes = world.heldout_scenes()
    prompts = [world.canonical_caption(s) for s in scenes]
    with torch.no_grad():
        ids, mask = ids_of(tok, prompts)
        ctx, _ = te(ids)
        null, _ = te(ids_of(tok, [""])[0])
        z = ddim_sample(prior, ctx, null, prediction, guidance=guidance, mask=mask) * std + mean
    rows = [judge(dec, z[i], s) for i, s in enumerate(scenes)]
    ok = sum(1 for iou, col in rows if iou >= 0.6 and col)
    log(f"held-out text: {ok}/{len(rows)} with IoU >= 0.6 and colour right; mean IoU "
        f"{sum(r[0] for r in rows) / len(rows):.3f}")
    for p, (iou, col) in zip(prompts, rows):
        log(f"  {iou:.2f} {'ok ' if col else 'BAD'} {p}")
    views = heldout_views()
    with torch.no_grad():
        pix = torch.stack([v for _, v in views]).permute(0, 3, 1, 2) * 2 - 1
        ctx = ie(pix)
        zi = ddim_sample(prior, ctx, ie(null_image()), prediction, guidance=guidance) * std + mean
    rows_i = [judge(dec, zi[i], s) for i, (s, _) in enumerate(views)]
    ok_i = sum(1 for iou, col in rows_i if iou >= 0.6 and col)
    log(f"held-out views: {ok_i}/{len(rows_i)}; mean IoU {sum(r[0] for r in rows_i) / len(rows_i):.3f}")
    return {"text": {"passed": ok, "of": len(rows), "mean_iou": sum(r[0] for r in rows) / len(rows)},
            "image": {"passed": ok_i, "of": len(rows_i), "mean_iou": sum(r[0] for r in rows_i) / len(rows_i)}}


@torch.no_grad()
def autoencoder_ceiling(enc, dec):
    """The held-out scenes encoded from their true grids and decoded: the best any prior can reach."""
    rows = [judge(dec, enc(world.voxel_grid(s)[None])[0], s) for s in world.heldout_scenes()]
    ok = sum(1 for iou, col in rows if iou >= 0.6 and col)
    log(f"autoencoder on the held-out scenes: {ok}/{len(rows)} with IoU >= 0.6 and colour right; "
        f"mean IoU {sum(r[0] for r in rows) / len(rows):.3f}")


def heldout_views():
    """Held-out image prompts: medium-size held-out scenes from cameras outside training's range
    of framing, lit (shading 1) and drawn flat (shading 0)."""
    out = []
    for k, sc in enumerate(s for s in world.heldout_scenes() if len(s) == 2 or s[0]["size"] is None):
        az = [-20, 25, 0, 12][k % 4]
        out.append((sc, render.fixed_view(sc, az, 22, shading=1.0 if k % 3 else 0.0)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(MODELS, "easel-tiny-mesh"))
    ap.add_argument("--work", default=os.path.join(TRAINING, ".work", "mesh"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ae-minutes", type=float, default=16)
    ap.add_argument("--prior-minutes", type=float, default=14)
    ap.add_argument("--ae-batch", type=int, default=16)
    ap.add_argument("--ae-points", type=int, default=1024)
    ap.add_argument("--prior-batch", type=int, default=128)
    ap.add_argument("--lr-ae", type=float, default=1e-3)
    ap.add_argument("--single-share", type=float, default=0.5, help="share of single-object scenes per batch")
    ap.add_argument("--latent-noise", type=float, default=0.1, help="autoencoder latent noise, per-dimension std units")
    ap.add_argument("--freqs", type=int, default=6, help="octaves of the decoder's Fourier features")
    ap.add_argument("--lr-prior", type=float, default=5e-4)
    ap.add_argument("--uncond-p", type=float, default=0.1)
    ap.add_argument("--guidance", type=float, default=2.0)
    ap.add_argument("--prediction", choices=["sample", "epsilon"], default="sample")
    ap.add_argument("--checkpoint-every", type=float, default=240)
    ap.add_argument("--export-only", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(a.work, exist_ok=True)
    t0 = time.time()
    data_path = os.path.join(a.work, f"data-{a.seed}.pt")
    if os.path.exists(data_path):
        data = torch.load(data_path)
        data_seconds = data["seconds"]
    else:
        data = build_data(a.seed)
        data_seconds = time.time() - t0
        data["seconds"] = data_seconds
        save(data_path, data)
        log(f"data: {len(data['scenes'])} scenes, {data['views'].shape[0]} views in {data_seconds:.0f} s")
    tok_dir = os.path.join(a.work, "tokenizer")
    if not os.path.exists(os.path.join(tok_dir, "vocab.json")):
        T.write_tokenizer(tok_dir, T.train_bpe(caption_corpus(data["scenes"]), num_merges=300))
    tok = T.CLIPBPE(os.path.join(tok_dir, "vocab.json"), os.path.join(tok_dir, "merges.txt"))

    enc, dec, ae_seconds = train_autoencoder(a, data, a.work)
    zs, mean, std = encode_all(enc, data)
    autoencoder_ceiling(enc, dec)
    te, ie, prior, tcfg, prior_seconds = train_prior(a, data, (zs - mean) / std, tok, a.work)
    for m in (enc, dec, te, ie, prior):
        m.eval()
    report = heldout_report(dec, te, ie, prior, tok, mean, std, a.guidance, a.prediction)
    import export_mesh

    export_mesh.export(a.out, tok_dir, dec, te, ie, prior, tcfg, mean, std, {
        "command": "/usr/bin/python3 models/training/mesh/train.py " + " ".join(sys.argv[1:]),
        "data_seconds": round(data_seconds, 1),
        "autoencoder_minutes": round(ae_seconds / 60, 1),
        "prior_minutes": round(prior_seconds / 60, 1),
        "scenes": len(data["scenes"]),
        "views": int(data["views"].shape[0]),
        "heldout": report,
        "guidance_scale": a.guidance,
        "prediction_type": a.prediction,
        "threads": 2,
    })


if __name__ == "__main__":
    main()
