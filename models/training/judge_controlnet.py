"""Does a picture follow its hint? The IoU of the drawn objects with the hint's region.

  hint_region(hint)    canny / scribble: what the outline encloses (the edges, dilated once, and every
                       pixel a flood fill from the border cannot reach through them); seg: every pixel not
                       in the palette's background colour
  drawn_region(img)    every pixel further than 48 (sum of |RGB| differences) from the border's colour
  judge_heldout(...)   held-out scenes, each drawn (DPM++ 2M, 20 steps, guidance 7.5) with the hint and
                       without it, from a prompt whose colours are right and whose shape word is random:
                       mean IoU with and without control

The TypeScript judge (packages/testing/src/judge/controlnet) measures the same things.
"""
import os

import cv2
import numpy as np
import torch

import control_maps
import reference_sampler as R
import train_controlnet as TC


def hint_region(hint, kind):
    if kind == "seg":
        return np.abs(hint.astype(np.int32) - np.array(control_maps.SEG_PALETTE[0])).sum(axis=2) > 0
    # One dilation closes the one-pixel gaps Canny leaves at sharp corners (a star's tips).
    edges = cv2.dilate((hint[:, :, 0] > 127).astype(np.uint8), np.ones((3, 3), np.uint8))
    h, w = edges.shape
    fill = edges * 255
    mask = np.zeros((h + 2, w + 2), np.uint8)
    for y, x in ((0, 0), (0, w - 1), (h - 1, 0), (h - 1, w - 1)):
        if fill[y, x] == 0:
            cv2.floodFill(fill, mask, (x, y), 128)
    # Strokes lie on both sides of the outline: give back what the dilations added outside it.
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    grown = 1 + (control_maps.SCRIBBLE_DILATIONS if kind == "scribble" else 0)
    return cv2.erode((fill != 128).astype(np.uint8), cross, iterations=grown) > 0


def drawn_region(img):
    background = control_maps.border_colour(img)
    return np.abs(img.astype(np.int32) - background[None, None]).sum(axis=2) > control_maps.SEG_BACKGROUND_DISTANCE


def iou(a, b):
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


class ControlledUNet:
    """The reference sampler's UNet call with a ControlNet's residuals added (hint fixed per batch)."""

    def __init__(self, unet, net, hint, scale=1.0):
        self.unet, self.net, self.hint, self.scale = unet, net, hint, scale

    def __call__(self, x, t, ctx):
        hint = self.hint.expand(x.shape[0], -1, -1, -1)
        down, mid = self.net(x, t.expand(x.shape[0]), ctx, hint, self.scale)
        return self.unet(x, t, ctx, down, mid)


@torch.no_grad()
def judge_heldout(base, net, kind, n, seed, steps=20):
    pipe = R.Pipeline(None, base)
    plain = pipe.unet
    scores_on, scores_off = [], []
    for i in range(n):
        im, caption, objects = TC.free_scene(i, seed)
        if not caption or len(objects) != 1:
            o = objects[0]
            bg = [c for c in ("blue", "white", "black", "green") if c != o["color"]][0]
            caption = f"a {o['color']} {o['shape']} on a {bg} background"
        img = np.asarray(im)
        hint = getattr(control_maps, kind)(img)
        region = hint_region(hint, kind)
        cond = torch.from_numpy(hint).permute(2, 0, 1)[None].float() / 255.0
        pipe.unet = ControlledUNet(plain, net, cond)
        on, _ = pipe(caption, seed=i, steps=steps)
        pipe.unet = plain
        off, _ = pipe(caption, seed=i, steps=steps)
        scores_on.append(iou(drawn_region(R.to_uint8(on)[0]), region))
        scores_off.append(iou(drawn_region(R.to_uint8(off)[0]), region))
    return {"heldout_scenes": n, "iou_with_hint": round(float(np.mean(scores_on)), 3),
            "iou_without_hint": round(float(np.mean(scores_off)), 3),
            "iou_with_hint_min": round(float(np.min(scores_on)), 3)}


if __name__ == "__main__":
    import argparse

    import controlnet as C
    import onnx_weights

    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", default="canny")
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--base", default=os.path.join(TC.MODELS, "easel-tiny"))
    a = ap.parse_args()
    torch.set_num_threads(2)
    _, _, unet, bundle = onnx_weights.load_models(a.base)
    net = C.ControlNet.from_unet(unet, bundle["unet_config"])
    ck = torch.load(os.path.join(TC.WORK, a.kind, "ckpt.pt"), map_location="cpu")
    net.load_state_dict(ck["controlnet"])
    net.eval()
    print(judge_heldout(a.base, net, a.kind, a.n, TC.SEEDS[a.kind] + TC.HELDOUT_SEED_OFFSET))
