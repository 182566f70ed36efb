"""Teach the frame words the vertical position words before the motion modules train on them.

easel-tiny places objects by "left" / "right" / "top" / "bottom" (its captions name places with those
whole-word tokens), so its output for "moving to the left" and "... to the right" differs by a tenth and
the motion modules learn horizontal moves from that. "up" and "down" are letters to it (a hundredth), and
training the frame words by the diffusion loss alone did not move them: text conditions every frame alike,
so a change it makes pushes a frame that should be at the bottom and one that should be at the top the same way.
Here the frame words learn, on single frames, to make the frozen image UNet answer a caption that says "up" or
"down" as it answers the same caption saying "to the top" / "to the bottom" (textual inversion with the
model's own answer as the target); captions of other motions are their own target, so the rows of words
they share stay near zero.
"""
import random
import time

import torch

import clips
from train import add_noise

TARGET = dict(zip(clips.VERTICAL, ["moving to the top", "moving to the bottom"]))


def pair(spec, r):
    """(caption, target caption) for one clip: a vertical one with its motion phrase replaced."""
    text = clips.caption(spec, r)
    motion = spec["motion"]
    if motion not in TARGET:
        return text, text
    for phrase in sorted(clips.MOTION_PHRASES[motion], key=len, reverse=True):
        if phrase in text:
            return text, text.replace(phrase, TARGET[motion])
    return text, text


def distil(net, te, tok, lat, specs, ac, minutes, lr=5e-3, batch=32, log=print, seed=11):
    """Trains net.frame_words alone for `minutes`; returns the steps taken and the final loss."""
    words = net.frame_words
    opt = torch.optim.Adam(words.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    r = random.Random(seed)
    vertical = [i for i, s in enumerate(specs) if s["motion"] in TARGET]
    other = [i for i, s in enumerate(specs) if s["motion"] not in TARGET]
    start, step, run = time.time(), 0, None
    while time.time() - start < minutes * 60:
        idx = [r.choice(vertical) if k % 2 == 0 else r.choice(other) for k in range(batch)]
        frames = torch.tensor([r.randrange(lat.shape[1]) for _ in idx])
        x0 = lat[idx, frames].float()
        pairs = []
        for i in idx:
            spec = specs[i]
            if r.random() < 0.5:  # the clip backwards: the opposite motion, as the main training draws it
                spec = clips.reverse(spec)
            pairs.append(pair(spec, r))
        ids = torch.tensor([tok(p[0]) for p in pairs], dtype=torch.int32)
        tids = torch.tensor([tok(p[1]) for p in pairs], dtype=torch.int32)
        t = torch.randint(100, 1000, (batch,), generator=g)
        noise = torch.randn(x0.shape, generator=g)
        xt = add_noise(x0, noise, ac, t)
        with torch.no_grad():
            ctx, _ = te(ids)
            tctx, _ = te(tids)
            target = net.unet(xt, t, tctx)
        pred = net.unet(xt, t, ctx + words(ids.long()))
        loss = ((pred - target) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        run = loss.item() if run is None else 0.95 * run + 0.05 * loss.item()
        if step % 50 == 0:
            log(f"distil step {step} loss {run:.5f} elapsed {(time.time() - start) / 60:.1f} min")
    return step, run
