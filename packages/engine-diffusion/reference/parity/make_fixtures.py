#!/usr/bin/python3
"""Pixel-parity fixtures: the PyTorch reference sampler (models/training/reference_sampler.py)
on easel-tiny's torch weights, from a fixed initial noise, for euler, dpmpp_2m and ddim.

    /usr/bin/python3 packages/engine-diffusion/reference/parity/make_fixtures.py

Writes here: noise.npy (float32 [1,4,16,16], numpy default_rng(1234).standard_normal),
<scheduler>.npy (decoded float32 [1,3,128,128] in [-1,1], before quantisation) and
fixtures.json (settings, plus sha256 of the ONNX graphs the fixture belongs to).
The Jest test (src/pipeline/parity.test.ts) feeds noise.npy to the TS pipeline.
"""
import hashlib
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "models", "training"))
import reference_sampler as R  # noqa: E402

MODEL = os.path.join(ROOT, "models", "easel-tiny")
SETTINGS = {"prompt": "a red circle on a blue background", "negative_prompt": "", "steps": 10, "guidance": 7.5,
            "height": 128, "width": 128}
SCHEDULERS = {"euler": "EulerDiscreteScheduler", "dpmpp_2m": "DPMSolverMultistepScheduler", "ddim": "DDIMScheduler"}


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    noise = np.random.default_rng(1234).standard_normal((1, 4, 16, 16)).astype(np.float32)
    np.save(os.path.join(HERE, "noise.npy"), noise)
    pipe = R.Pipeline(None, MODEL, threads=2)  # weights rebuilt from MODEL's ONNX graphs
    for name in SCHEDULERS:
        img, _ = pipe(SETTINGS["prompt"], SETTINGS["negative_prompt"], 0, noise, SETTINGS["steps"], SETTINGS["guidance"],
                      name, SETTINGS["height"], SETTINGS["width"])
        np.save(os.path.join(HERE, f"{name}.npy"), img.numpy().astype(np.float32))
        print("wrote", name)
    graphs = {g: sha(os.path.join(MODEL, g, "model.onnx")) for g in ("text_encoder", "unet", "vae_decoder")}
    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump({**SETTINGS, "noise": "noise.npy", "schedulers": SCHEDULERS, "model": "models/easel-tiny",
                   "onnx_sha256": graphs}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
