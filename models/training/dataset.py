"""Synthetic captioned images for Easel's bundled tiny Stable-Diffusion-family model.

Everything is procedural (PIL) and deterministic by seed.  An image shows one or
two flat-coloured shapes on a flat background; the caption describes them in one
of several phrasings.

Conventions the rest of the tool-chain relies on:
  * a caption without a position word means the object is in the centre;
  * a caption without a size word means medium size ("small"/"large" otherwise);
  * (shape, colour, background) triples listed in heldout_prompts.json never
    occur in training images (neither as a single object nor in a pair).

CLI:  /usr/bin/python3 models/training/dataset.py --heldout models/training/heldout_prompts.json
      (re-writes the held-out fixture; --preview DIR writes a few sample PNGs)
"""
import argparse
import json
import math
import os
import random

from PIL import Image, ImageDraw

IMAGE_SIZE = 128
SUPERSAMPLE = 2

SHAPES = ["circle", "square", "triangle", "star", "ring", "cross"]
# clearly separable RGB values (also used by judge.py)
COLORS = {
    "red": (220, 30, 30),
    "green": (30, 170, 50),
    "blue": (30, 60, 220),
    "yellow": (245, 225, 40),
    "orange": (245, 140, 20),
    "purple": (130, 40, 170),
    "white": (245, 245, 245),
    "black": (15, 15, 15),
    "pink": (250, 140, 200),
    "cyan": (40, 215, 225),
}
COLOR_NAMES = list(COLORS)
# position name -> (x, y) centre as a fraction of the image side
POSITIONS = {
    "top left": (0.21, 0.21),
    "top": (0.5, 0.21),
    "top right": (0.79, 0.21),
    "left": (0.21, 0.5),
    "centre": (0.5, 0.5),
    "right": (0.79, 0.5),
    "bottom left": (0.21, 0.79),
    "bottom": (0.5, 0.79),
    "bottom right": (0.79, 0.79),
}
POSITION_NAMES = list(POSITIONS)
# radius as a fraction of the image side
SIZES = {"small": 0.10, None: 0.14, "large": 0.18}

POS_PHRASES = {
    "top left": ["in the top left", "at the top left", "in the top left corner"],
    "top right": ["in the top right", "at the top right", "in the top right corner"],
    "bottom left": ["in the bottom left", "at the bottom left", "in the bottom left corner"],
    "bottom right": ["in the bottom right", "at the bottom right", "in the bottom right corner"],
    "top": ["at the top", "at the top"],
    "bottom": ["at the bottom", "at the bottom"],
    "left": ["on the left", "at the left"],
    "right": ["on the right", "at the right"],
    "centre": ["in the centre", "in the center", "in the middle"],
}


def _rng_triples(seed=1234, n=40):
    """The held-out (shape, colour, background) triples: deterministic."""
    r = random.Random(seed)
    triples = [(s, c, b) for s in SHAPES for c in COLOR_NAMES for b in COLOR_NAMES if c != b]
    triples.remove(("circle", "red", "blue"))  # the flagship prompt stays in training
    r.shuffle(triples)
    # make sure every shape / colour / background still appears in training
    return sorted(triples[:n])


HELDOUT_TRIPLES = set(_rng_triples())


# ----------------------------------------------------------------------------- drawing
def _star_points(cx, cy, r, n=5, inner=0.45):
    pts = []
    for i in range(2 * n):
        rr = r if i % 2 == 0 else r * inner
        a = -math.pi / 2 + i * math.pi / n
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def draw_shape(d, shape, cx, cy, r, fill, bg):
    if shape == "circle":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif shape == "square":
        h = r * 0.88
        d.rectangle([cx - h, cy - h, cx + h, cy + h], fill=fill)
    elif shape == "triangle":
        # equilateral, pointing up, centroid at (cx, cy)
        pts = [(cx + r * math.cos(a), cy + r * math.sin(a)) for a in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)]
        d.polygon(pts, fill=fill)
    elif shape == "star":
        d.polygon(_star_points(cx, cy, r * 1.1), fill=fill)
    elif shape == "ring":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        ri = r * 0.55
        d.ellipse([cx - ri, cy - ri, cx + ri, cy + ri], fill=bg)
    elif shape == "cross":
        w = r * 0.36
        d.rectangle([cx - r, cy - w, cx + r, cy + w], fill=fill)
        d.rectangle([cx - w, cy - r, cx + w, cy + r], fill=fill)
    elif shape == "frame":  # a hollow square; only in the adapters' data (train_adapters.py): the base model never sees it
        h = r * 0.88
        d.rectangle([cx - h, cy - h, cx + h, cy + h], fill=fill)
        hi = h * 0.55
        d.rectangle([cx - hi, cy - hi, cx + hi, cy + hi], fill=bg)
    else:
        raise ValueError(shape)


# Styles of the adapters' LoRAs (train_adapters.py); the base data set is plain ("flat").
STRIPE_PERIOD = 16  # px at 128x128: wide enough for the VAE's 8-px latent cells to carry it
OUTLINE_WIDTH = 4  # px at 128x128
OUTLINE_COLOR = (15, 15, 15)


def draw_styled(im, shape, cx, cy, r, fill, bg, style, scale):
    """Draw `shape` onto the PIL image `im` in a style: striped (horizontal bands of the colour
    and the background) or outlined (the flat shape inside a black outline)."""
    d = ImageDraw.Draw(im)
    if style == "outlined":
        mask = Image.new("L", im.size, 0)
        draw_shape(ImageDraw.Draw(mask), shape, cx, cy, r, 255, 0)
        from PIL import ImageFilter

        grown = mask.filter(ImageFilter.MaxFilter(2 * OUTLINE_WIDTH * scale + 1))
        im.paste(OUTLINE_COLOR, (0, 0), grown)
        im.paste(fill, (0, 0), mask)
        return
    if style == "striped":
        mask = Image.new("L", im.size, 0)
        draw_shape(ImageDraw.Draw(mask), shape, cx, cy, r, 255, 0)
        bands = Image.new("L", im.size, 0)
        bd = ImageDraw.Draw(bands)
        period = STRIPE_PERIOD * scale
        for y in range(0, im.size[1], period):
            bd.rectangle([0, y, im.size[0], y + period // 2 - 1], fill=255)
        from PIL import ImageChops

        im.paste(fill, (0, 0), ImageChops.multiply(mask, bands))
        return
    draw_shape(d, shape, cx, cy, r, fill, bg)


def render(objects, background, size=IMAGE_SIZE, jitter=(0.0, 0.0), style=None):
    """objects: list of dicts {shape, color, position, size}. Returns a PIL RGB image.
    style: None (flat), "striped" or "outlined" (the adapters' LoRA data)."""
    S = size * SUPERSAMPLE
    bg = COLORS[background]
    im = Image.new("RGB", (S, S), bg)
    d = ImageDraw.Draw(im)
    for i, o in enumerate(objects):
        fx, fy = POSITIONS[o["position"]]
        jx, jy = jitter if i == 0 else (0.0, 0.0)
        r = SIZES[o.get("size")] * S
        if style:
            draw_styled(im, o["shape"], (fx + jx) * S, (fy + jy) * S, r, COLORS[o["color"]], bg, style, SUPERSAMPLE)
        else:
            draw_shape(d, o["shape"], (fx + jx) * S, (fy + jy) * S, r, COLORS[o["color"]], bg)
    return im.resize((size, size), Image.BILINEAR if SUPERSAMPLE == 2 else Image.LANCZOS)


# ----------------------------------------------------------------------------- captions
def _obj_phrase(r, o, with_article=True, allow_omit_centre=True):
    words = []
    if o.get("size"):
        words.append(o["size"])
    words += [o["color"], o["shape"]]
    p = " ".join(words)
    if with_article:
        p = "a " + p
    pos = o["position"]
    if pos != "centre" or not allow_omit_centre:
        p += " " + r.choice(POS_PHRASES[pos])
    return p


def caption_for(r, objects, background, centre_explicit):
    o = objects
    allow_omit = not centre_explicit
    if len(o) == 1:
        style = r.randrange(5)
        if style == 0:
            return f"{_obj_phrase(r, o[0], True, allow_omit)} on a {background} background"
        if style == 1:
            return f"{_obj_phrase(r, o[0], False, allow_omit)}, {background} background"
        if style == 2:
            return f"{_obj_phrase(r, o[0], True, allow_omit)} against a {background} background"
        if style == 3:
            return f"a {background} background with {_obj_phrase(r, o[0], True, allow_omit)}"
        return f"{_obj_phrase(r, o[0], True, allow_omit)} on {background}"
    a = _obj_phrase(r, o[0], True, False)
    b = _obj_phrase(r, o[1], True, False)
    style = r.randrange(3)
    if style == 0:
        return f"{a} and {b} on a {background} background"
    if style == 1:
        return f"{a} and {b}, {background} background"
    return f"a {background} background with {a} and {b}"


def sample_example(index, seed=0):
    """Deterministic (image, caption, meta) for a given index/seed."""
    r = random.Random(seed * 1_000_003 + index)
    n_obj = 2 if r.random() < 0.2 else 1
    while True:
        background = r.choice(COLOR_NAMES)
        objs = []
        used_pos = set()
        ok = True
        for k in range(n_obj):
            shape = r.choice(SHAPES)
            color = r.choice([c for c in COLOR_NAMES if c != background])
            if (shape, color, background) in HELDOUT_TRIPLES:
                ok = False
                break
            if n_obj == 1:
                # single objects: centre is common (prompts without a position)
                pos = "centre" if r.random() < 0.3 else r.choice(POSITION_NAMES)
                size = r.choice(["small", None, None, "large"])
            else:
                pos = r.choice([p for p in POSITION_NAMES if p not in used_pos and p != "centre"])
                # keep pairs apart: forbid neighbouring cells
                size = r.choice(["small", None])
            if n_obj == 2 and used_pos:
                (ax, ay), (bx, by) = POSITIONS[next(iter(used_pos))], POSITIONS[pos]
                if abs(ax - bx) < 0.3 and abs(ay - by) < 0.3:
                    ok = False
                    break
            used_pos.add(pos)
            objs.append({"shape": shape, "color": color, "position": pos, "size": size})
        if ok:
            break
    jitter = (r.uniform(-0.03, 0.03), r.uniform(-0.03, 0.03))
    img = render(objs, background, jitter=jitter)
    cap = caption_for(r, objs, background, centre_explicit=r.random() < 0.4)
    return img, cap, {"objects": objs, "background": background}


def build_arrays(n, seed=0, log_every=2000):
    """Returns (uint8 array [n,128,128,3], list of captions)."""
    import numpy as np

    imgs = np.zeros((n, IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)
    caps = []
    for i in range(n):
        im, cap, _ = sample_example(i, seed)
        imgs[i] = np.asarray(im)
        caps.append(cap)
        if log_every and (i + 1) % log_every == 0:
            print(f"  dataset {i + 1}/{n}", flush=True)
    return imgs, caps


def all_caption_corpus(n=20000, seed=0):
    r = random.Random(seed)
    out = []
    for i in range(n):
        rr = random.Random(seed * 7919 + i)
        n_obj = 2 if rr.random() < 0.2 else 1
        bg = rr.choice(COLOR_NAMES)
        objs = []
        for k in range(n_obj):
            objs.append({"shape": rr.choice(SHAPES), "color": rr.choice(COLOR_NAMES),
                         "position": rr.choice(POSITION_NAMES), "size": rr.choice(["small", None, "large"])})
        out.append(caption_for(rr, objs, bg, rr.random() < 0.4))
    return out


# ----------------------------------------------------------------------------- held-out fixture
def heldout_prompts(seed=4321):
    r = random.Random(seed)
    out = []
    for i, (shape, color, bg) in enumerate(sorted(HELDOUT_TRIPLES)):
        if i % 3 == 0:
            pos = "centre"
            prompt = f"a {color} {shape} on a {bg} background"
        else:
            pos = r.choice([p for p in POSITION_NAMES if p != "centre"])
            o = {"shape": shape, "color": color, "position": pos, "size": None}
            prompt = f"{_obj_phrase(r, o, True)} on a {bg} background"
        out.append({"prompt": prompt, "shape": shape, "color": color, "background": bg, "position": pos})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heldout", default=os.path.join(os.path.dirname(__file__), "heldout_prompts.json"))
    ap.add_argument("--preview", default=None)
    ap.add_argument("--n", type=int, default=16)
    a = ap.parse_args()
    with open(a.heldout, "w") as f:
        json.dump(heldout_prompts(), f, indent=1)
        f.write("\n")
    print("wrote", a.heldout)
    if a.preview:
        os.makedirs(a.preview, exist_ok=True)
        for i in range(a.n):
            im, cap, _ = sample_example(i)
            im.save(os.path.join(a.preview, f"{i:03d}.png"))
            print(i, cap)


if __name__ == "__main__":
    main()
