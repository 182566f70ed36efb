#!/usr/bin/python3
"""Write easel-tiny-mesh's held-out set for the judge in packages/testing and the tests:

    /usr/bin/python3 models/training/mesh/heldout.py

- heldout_mesh.json: every held-out text prompt with its scene (shape, colour, centre, scale of
  each object, as world.py defines the primitives), and the held-out views' files and scenes;
- heldout_views/*.png: those views, 128x128, lit or drawn flat, from cameras the training views
  did not use exactly (world.py holds the held-out pairs out of training altogether).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import torch  # noqa: E402
from PIL import Image  # noqa: E402

import render  # noqa: E402
import world  # noqa: E402


def spec(scene):
    return [{k: o[k] for k in ("shape", "colour", "size", "center", "scale")} for o in scene]


def main():
    torch.set_num_threads(1)
    scenes = world.heldout_scenes()
    out = {
        "//": "Written by models/training/mesh/heldout.py from world.py: the primitives' definitions are in world.py's docstring.",
        "colours": {k: list(v) for k, v in world.COLORS.items()},
        "prompts": [{"prompt": world.canonical_caption(s), "objects": spec(s)} for s in scenes],
        "views": [],
    }
    os.makedirs(os.path.join(HERE, "heldout_views"), exist_ok=True)
    for k, sc in enumerate(s for s in scenes if len(s) == 2 or s[0]["size"] is None):
        az = [-20, 25, 0, 12][k % 4]
        shading = 1.0 if k % 3 else 0.0
        img = render.fixed_view(sc, az, 22, shading=shading, res=192, out=128)
        name = f"view-{k:02d}.png"
        Image.fromarray((img * 255).round().byte().numpy()).save(os.path.join(HERE, "heldout_views", name))
        out["views"].append({"file": f"heldout_views/{name}", "caption": world.canonical_caption(sc), "azimuth": az,
                             "shading": shading, "objects": spec(sc)})
    with open(os.path.join(HERE, "heldout_mesh.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(len(out["prompts"]), "prompts,", len(out["views"]), "views")


if __name__ == "__main__":
    main()
