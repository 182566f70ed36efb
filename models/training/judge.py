#!/usr/bin/python3
"""A simple pixel judge for easel-tiny samples (single main object on a flat background).

  background  median of the 3-pixel border -> nearest named colour (dataset.COLORS, RGB distance)
  object      pixels farther than FG_DIST from the background colour; colour = median of the
              largest connected blob -> nearest named colour
  position    blob centroid -> thirds of the image: top/bottom x left/right, "centre" if both middle
  shape       template matching: every shape is rendered at the blob centroid over a range of
              radii with dataset.draw_shape; best IoU wins (ring / cross / star / triangle / square /
              circle).  shape_iou is reported so callers can treat low-IoU shapes as unjudgeable.

    /usr/bin/python3 models/training/judge.py image.png [more.png ...]
    /usr/bin/python3 models/training/judge.py --self-test 300   # accuracy on ground-truth dataset images
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

import dataset  # noqa: E402

NAMES = list(dataset.COLORS)
PALETTE = np.array([dataset.COLORS[n] for n in NAMES], dtype=np.float32)
FG_DIST = 60.0


def nearest_colour(rgb):
    d = ((PALETTE - np.asarray(rgb, np.float32)[None]) ** 2).sum(1)
    return NAMES[int(d.argmin())]


def position_name(cx, cy, w, h):
    col = "left" if cx < w / 3 else ("right" if cx > 2 * w / 3 else "")
    row = "top" if cy < h / 3 else ("bottom" if cy > 2 * h / 3 else "")
    if not col and not row:
        return "centre"
    return (row + " " + col).strip()


def largest_component(mask):
    """4-connected components via iterative flood fill (images are tiny)."""
    h, w = mask.shape
    lab = np.zeros((h, w), np.int32)
    best, best_n, cur = 0, 0, 0
    for y0, x0 in zip(*np.nonzero(mask)):
        if lab[y0, x0]:
            continue
        cur += 1
        stack = [(y0, x0)]
        lab[y0, x0] = cur
        n = 0
        while stack:
            y, x = stack.pop()
            n += 1
            for yy, xx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if 0 <= yy < h and 0 <= xx < w and mask[yy, xx] and not lab[yy, xx]:
                    lab[yy, xx] = cur
                    stack.append((yy, xx))
        if n > best_n:
            best, best_n = cur, n
    return lab == best if best else mask


def shape_masks(cx, cy, r, size):
    out = {}
    for s in dataset.SHAPES:
        im = Image.new("L", (size, size), 0)
        draw = ImageDraw.Draw(im)
        dataset.draw_shape(draw, s, cx, cy, r, 255, 0)
        out[s] = np.asarray(im) > 127
    return out


def classify_shape(mask, cx, cy):
    size = mask.shape[0]
    area = mask.sum()
    best = (None, -1.0)
    r0 = max(3.0, (area / np.pi) ** 0.5)
    for r in r0 * np.linspace(0.7, 1.8, 23):
        for s, m in shape_masks(cx, cy, r, size).items():
            inter = (m & mask).sum()
            iou = inter / max(1, (m | mask).sum())
            if iou > best[1]:
                best = (s, float(iou))
    return best


def judge(img):
    """img: uint8 [H,W,3] (or PIL image). Returns a dict of judged attributes."""
    a = np.asarray(img.convert("RGB") if isinstance(img, Image.Image) else img).astype(np.float32)
    h, w, _ = a.shape
    b = 3
    border = np.concatenate([a[:b].reshape(-1, 3), a[-b:].reshape(-1, 3), a[:, :b].reshape(-1, 3),
                             a[:, -b:].reshape(-1, 3)])
    bg_rgb = np.median(border, axis=0)
    dist = np.sqrt(((a - bg_rgb[None, None]) ** 2).sum(-1))
    mask = dist > FG_DIST
    res = {"background": nearest_colour(bg_rgb), "background_rgb": bg_rgb.round().tolist()}
    if mask.sum() < 12:
        res.update({"color": None, "position": None, "shape": None, "shape_iou": 0.0, "area": int(mask.sum())})
        return res
    blob = largest_component(mask)
    ys, xs = np.nonzero(blob)
    cx, cy = xs.mean() + 0.5, ys.mean() + 0.5
    fg_rgb = np.median(a[blob], axis=0)
    shape, iou = classify_shape(blob, cx, cy)
    res.update({"color": nearest_colour(fg_rgb), "color_rgb": fg_rgb.round().tolist(),
                "position": position_name(cx, cy, w, h), "centroid": [round(float(cx), 1), round(float(cy), 1)],
                "shape": shape, "shape_iou": round(iou, 3), "area": int(blob.sum())})
    return res


def score(res, exp):
    ok = {k: res.get(k) == exp[k] for k in ("color", "background", "position", "shape")}
    ok["accepted"] = ok["color"] and ok["background"] and ok["position"]
    ok["accepted_with_shape"] = ok["accepted"] and ok["shape"]
    return ok


def self_test(n):
    keys = ("color", "background", "position", "shape", "accepted", "accepted_with_shape")
    tot = {k: 0 for k in keys}
    m = 0
    for i in range(n):
        im, cap, meta = dataset.sample_example(100000 + i, seed=7)
        if len(meta["objects"]) != 1:
            continue
        o = meta["objects"][0]
        ok = score(judge(im), {"color": o["color"], "background": meta["background"], "position": o["position"],
                               "shape": o["shape"]})
        m += 1
        for k in keys:
            tot[k] += ok[k]
    print(json.dumps({k: round(v / m, 3) for k, v in tot.items()} | {"n": m}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("images", nargs="*")
    ap.add_argument("--self-test", type=int, default=0)
    a = ap.parse_args()
    if a.self_test:
        self_test(a.self_test)
    for p in a.images:
        print(p, json.dumps(judge(Image.open(p))))
