"""Control maps ("hints") computed from images, for training easel-tiny's ControlNets.

These are the same algorithms, with the same parameters, as Easel's TypeScript preprocessors
(packages/control-hints: OpenCV's WASM build), so a hint made by `auto_hint: yes` looks like
what the ControlNet was trained on:

  canny       cv.Canny on the grey image, thresholds 50 / 100: white edges on black. lllyasviel's 100 / 200
              find no edge at all around a fifth of the synthetic scenes (colours of close luminance, edges
              softened by the 2x supersampling); 50 / 100 misses 8 %
  scribble    the Canny edges dilated by a 3x3 cross twice: thick white strokes on black
  seg         flat colour regions: the background (the colour of the border) in the first colour of
              ADE20K's palette, each other connected region in the next colours, largest first

Images and maps are uint8 RGB arrays [h, w, 3].
"""
import cv2
import numpy as np

CANNY_LOW, CANNY_HIGH = 50, 100
SCRIBBLE_DILATIONS = 2
# ADE20K's first colours (wall, building, sky, floor, tree, ceiling, road, bed): what seg ControlNets read.
SEG_PALETTE = [(120, 120, 120), (180, 120, 120), (6, 230, 230), (80, 50, 50), (4, 200, 3), (120, 120, 80),
               (140, 140, 140), (204, 5, 255)]
SEG_MIN_AREA_FRACTION = 0.002
# Pixels further than this (sum of absolute RGB differences) from the background colour are foreground.
SEG_BACKGROUND_DISTANCE = 48


def grey(img):
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)


def canny(img):
    edges = cv2.Canny(grey(img), CANNY_LOW, CANNY_HIGH)
    return np.repeat(edges[:, :, None], 3, axis=2)


def scribble(img):
    edges = cv2.Canny(grey(img), CANNY_LOW, CANNY_HIGH)
    kernel = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    thick = cv2.dilate(edges, kernel, iterations=SCRIBBLE_DILATIONS)
    return np.repeat(thick[:, :, None], 3, axis=2)


def border_colour(img):
    border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]]).astype(np.int32)
    values, counts = np.unique(border, axis=0, return_counts=True)
    return values[np.argmax(counts)]


def seg(img):
    background = border_colour(img)
    distance = np.abs(img.astype(np.int32) - background[None, None]).sum(axis=2)
    foreground = (distance > SEG_BACKGROUND_DISTANCE).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(foreground, connectivity=8)
    out = np.empty_like(img)
    out[:] = SEG_PALETTE[0]
    min_area = SEG_MIN_AREA_FRACTION * img.shape[0] * img.shape[1]
    regions = sorted(range(1, count), key=lambda i: -stats[i, cv2.CC_STAT_AREA])
    for rank, label in enumerate(r for r in regions if stats[r, cv2.CC_STAT_AREA] >= min_area):
        out[labels == label] = SEG_PALETTE[1 + rank % (len(SEG_PALETTE) - 1)]
    return out


MAPS = {"canny": canny, "scribble": scribble, "seg": seg}
