#!/usr/bin/python3
"""Score easel-tiny on the held-out prompts (heldout_prompts.json: (shape, colour, background)
triples never seen in training) with the PyTorch reference sampler and the pixel judge.

    /usr/bin/python3 models/training/evaluate.py [--steps 20 --guidance 7.5 --scheduler dpmpp_2m]
        [--seeds 1] [--weights train.py-weights.pt] [--grid grid.png] [--json out.json]

A prompt is "accepted" when colour, background and position are all right; shape accuracy
(template IoU, judge.py) is reported separately and as "accepted_with_shape".
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import judge as J  # noqa: E402
from reference_sampler import Pipeline, to_uint8  # noqa: E402

KEYS = ("color", "background", "position", "shape", "accepted", "accepted_with_shape")


def evaluate(pipe, items, steps, guidance, scheduler, seeds, batch=20, negative=""):
    rows = []
    imgs = []
    for seed in range(seeds):
        for s in range(0, len(items), batch):
            chunk = items[s:s + batch]
            img, _ = pipe([c["prompt"] for c in chunk], negative, [1000 * seed + s + i for i in range(len(chunk))],
                          None, steps, guidance, scheduler)
            for c, u8 in zip(chunk, to_uint8(img)):
                res = J.judge(u8)
                ok = J.score(res, c)
                rows.append({"prompt": c["prompt"], "seed": seed, "judged": res, "ok": ok})
                imgs.append(u8)
    summ = {k: round(float(np.mean([r["ok"][k] for r in rows])), 3) for k in KEYS}
    summ["n"] = len(rows)
    return summ, rows, imgs


def grid(imgs, cols=10):
    rows = (len(imgs) + cols - 1) // cols
    h, w, _ = imgs[0].shape
    g = Image.new("RGB", (cols * w, rows * h))
    for i, im in enumerate(imgs):
        g.paste(Image.fromarray(im), ((i % cols) * w, (i // cols) * h))
    return g


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default=None, help="train.py weights.pt; default: rebuilt from --model-dir")
    ap.add_argument("--model-dir", default=os.path.join(HERE, "..", "easel-tiny"))
    ap.add_argument("--prompts", default=os.path.join(HERE, "heldout_prompts.json"))
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--guidance", type=float, default=7.5)
    ap.add_argument("--scheduler", default="dpmpp_2m")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--grid", default=None)
    ap.add_argument("--json", default=None)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    items = json.load(open(a.prompts))
    pipe = Pipeline(a.weights, a.model_dir)
    t0 = time.time()
    summ, rows, imgs = evaluate(pipe, items, a.steps, a.guidance, a.scheduler, a.seeds)
    summ.update({"steps": a.steps, "guidance": a.guidance, "scheduler": a.scheduler, "seconds": round(time.time() - t0, 1)})
    if a.verbose:
        for r in rows:
            bad = [k for k in ("color", "background", "position", "shape") if not r["ok"][k]]
            print(("OK  " if r["ok"]["accepted"] else "BAD ") + r["prompt"],
                  "| got", {k: r["judged"].get(k) for k in ("color", "background", "position", "shape")}, "wrong:", bad)
    print(json.dumps(summ))
    if a.grid:
        grid(imgs).save(a.grid)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"summary": summ, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
