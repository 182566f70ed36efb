"""Synthetic captioned clips for easel-tiny's motion module: the shapes world, moving.

A clip shows one flat shape on a flat background doing one thing over the clip's time
t in [0, 1]: moving left / right / up / down, growing, shrinking, changing colour, or
staying still. Frames are rendered at any times (training draws them at random sorted
times, with 0 and 1 always in), so a model trained on 8 frames can be asked for 16.

The held-out set: easel-tiny's held-out (shape, colour, background) triples (dataset.py),
each with one of the four directions; those triples never occur in training clips, as in
the base model's data.

CLI: /usr/bin/python3 models/training/video/clips.py --heldout models/training/video/heldout_motion.json
     (--preview DIR writes a few clips as PNG strips)
"""
import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from PIL import Image, ImageDraw  # noqa: E402

import dataset  # noqa: E402

DIRECTIONS = ["left", "right", "up", "down"]
VERTICAL = ("up", "down")  # the directions easel-tiny has no whole-word tokens for
MOTIONS = DIRECTIONS + ["growing", "shrinking", "colour", "still"]
# how often each motion is drawn for training
MOTION_WEIGHTS = {"left": 3, "right": 3, "up": 3, "down": 3, "growing": 2, "shrinking": 2, "colour": 2, "still": 1}
REVERSED = {"left": "right", "right": "left", "up": "down", "down": "up", "growing": "shrinking",
            "shrinking": "growing", "colour": "colour", "still": "still"}
TRAVEL = (0.22, 0.78)  # a moving object's centre goes from one end of this span to the other
RADIUS = {"small": 0.10, None: 0.14, "large": 0.18}
GROW = (0.07, 0.21)

MOTION_PHRASES = {
    "left": ["moving to the left", "moving left", "sliding to the left"],
    "right": ["moving to the right", "moving right", "sliding to the right"],
    # "top" and "bottom" are easel-tiny's own position words (as "left" and "right" are): they tie the
    # letters of "up" and "down", which its tokenizer spells out, to places the base model already draws
    "up": ["moving up", "moving upwards", "rising", "moving up to the top", "rising to the top"],
    "down": ["moving down", "moving downwards", "falling", "moving down to the bottom", "falling to the bottom"],
    "growing": ["growing", "getting bigger"],
    "shrinking": ["shrinking", "getting smaller"],
}


def sample_clip_spec(index, seed=0):
    """A clip's description (deterministic by index/seed): a dict the renderer and captioner read."""
    r = random.Random(seed * 1_000_003 + index)
    motion = r.choices(list(MOTION_WEIGHTS), weights=list(MOTION_WEIGHTS.values()))[0]
    while True:
        background = r.choice(dataset.COLOR_NAMES)
        shape = r.choice(dataset.SHAPES)
        color = r.choice([c for c in dataset.COLOR_NAMES if c != background])
        if (shape, color, background) not in dataset.HELDOUT_TRIPLES:
            break
    to_color = None
    if motion == "colour":
        to_color = r.choice([c for c in dataset.COLOR_NAMES if c not in (background, color)])
    size = r.choice(["small", None, None, "large"]) if motion not in ("growing", "shrinking") else None
    # the cross-axis stays put: a row (or column) near the middle, with a little jitter
    cross = r.choice([0.3, 0.5, 0.5, 0.7]) + r.uniform(-0.03, 0.03)
    if motion in ("left", "right", "up", "down"):
        span = (TRAVEL[0] + r.uniform(-0.03, 0.03), TRAVEL[1] + r.uniform(-0.03, 0.03))
    else:
        span = None
    centre = (r.uniform(0.35, 0.65), r.uniform(0.35, 0.65))
    return {"motion": motion, "shape": shape, "color": color, "to_color": to_color, "background": background,
            "size": size, "cross": cross, "span": span, "centre": centre}


def reverse(spec):
    """The same clip played backwards: a clip of the opposite motion."""
    out = dict(spec)
    out["motion"] = REVERSED[spec["motion"]]
    if spec["motion"] == "colour":
        out["color"], out["to_color"] = spec["to_color"], spec["color"]
    if spec["span"] is not None:
        out["span"] = (spec["span"][1], spec["span"][0])
    return out


def state_at(spec, t):
    """(cx, cy, radius, rgb) of the object at time t in [0, 1], as fractions of the side."""
    m = spec["motion"]
    cx, cy = spec["centre"]
    radius = RADIUS[spec["size"]]
    rgb = dataset.COLORS[spec["color"]]
    if m in ("left", "right", "up", "down"):
        a, b = spec["span"]
        if m in ("left", "up"):
            a, b = max(a, b), min(a, b)
        else:
            a, b = min(a, b), max(a, b)
        pos = a + (b - a) * t
        cx, cy = (pos, spec["cross"]) if m in ("left", "right") else (spec["cross"], pos)
    elif m in ("growing", "shrinking"):
        lo, hi = GROW
        radius = lo + (hi - lo) * (t if m == "growing" else 1 - t)
    elif m == "colour":
        # the change happens in the middle third, so most frames show one named colour
        k = min(1.0, max(0.0, (t - 1 / 3) * 3))
        c0, c1 = dataset.COLORS[spec["color"]], dataset.COLORS[spec["to_color"]]
        rgb = tuple(round(x + (y - x) * k) for x, y in zip(c0, c1))
    return cx, cy, radius, rgb


def render_frame(spec, t, size=dataset.IMAGE_SIZE):
    S = size * dataset.SUPERSAMPLE
    bg = dataset.COLORS[spec["background"]]
    im = Image.new("RGB", (S, S), bg)
    cx, cy, radius, rgb = state_at(spec, t)
    dataset.draw_shape(ImageDraw.Draw(im), spec["shape"], cx * S, cy * S, radius * S, rgb, bg)
    return im.resize((size, size), Image.BILINEAR)


def caption(spec, r):
    """One of several phrasings; `r` a random.Random (a fresh phrasing every time it is asked)."""
    m, bg = spec["motion"], spec["background"]
    size = f"{spec['size']} " if spec.get("size") else ""
    if m == "colour":
        obj = f"a {size}{spec['shape']}"
        what = r.choice([f"{obj} changing from {spec['color']} to {spec['to_color']}",
                         f"a {size}{spec['color']} {spec['shape']} turning {spec['to_color']}"])
    elif m == "still":
        what = f"a {size}{spec['color']} {spec['shape']}"
    else:
        what = f"a {size}{spec['color']} {spec['shape']} {r.choice(MOTION_PHRASES[m])}"
    style = r.randrange(4)
    if style == 0:
        return f"{what} on a {bg} background"
    if style == 1:
        return f"{what}, {bg} background"
    if style == 2:
        return f"a {bg} background with {what}"
    return f"{what} on {bg}"


def frame_times(n, r):
    """n sorted times in [0, 1], 0 and 1 included, the rest uniformly drawn (n >= 2)."""
    inner = sorted(r.random() for _ in range(n - 2))
    return [0.0] + inner + [1.0]


def heldout_motion(seed=2024):
    """The held-out set: each of easel-tiny's held-out triples with a direction (10 of each)."""
    r = random.Random(seed)
    dirs = DIRECTIONS * 10
    r.shuffle(dirs)
    out = []
    for (shape, color, bg), d in zip(sorted(dataset.HELDOUT_TRIPLES), dirs):
        spec = {"motion": d, "shape": shape, "color": color, "background": bg}
        prompt = f"a {color} {shape} {MOTION_PHRASES[d][0]} on a {bg} background"
        out.append({"prompt": prompt, **spec})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", default=os.path.join(HERE, "heldout_motion.json"))
    ap.add_argument("--preview", default=None)
    a = ap.parse_args()
    with open(a.heldout, "w") as f:
        json.dump(heldout_motion(), f, indent=1)
        f.write("\n")
    print("wrote", a.heldout)
    if a.preview:
        os.makedirs(a.preview, exist_ok=True)
        r = random.Random(0)
        for i in range(12):
            spec = sample_clip_spec(i)
            ts = [k / 7 for k in range(8)]
            strip = Image.new("RGB", (128 * 8, 128))
            for k, t in enumerate(ts):
                strip.paste(render_frame(spec, t), (128 * k, 0))
            strip.save(os.path.join(a.preview, f"clip{i:02d}.png"))
            print(i, caption(spec, r))


if __name__ == "__main__":
    main()
