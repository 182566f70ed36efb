#!/usr/bin/python3
"""Write `models/sd15-random-controlnet`: a ControlNet with the interface of an SD 1.5 ControlNet
exported to ONNX (diffusers' ControlNetModel) and tiny, seeded random weights. Not a control model:
it lets the tests run the engine's ControlNet path against SD 1.5's shapes, beside models/sd15-random
(whose UNet takes the residuals).

    /usr/bin/python3 models/sd15-random-controlnet/make.py [--out DIR] [--seed 0]

  inputs   sample float32 [b,4,h,w], timestep int64 [b], encoder_hidden_states [b,77,768],
           controlnet_cond float32 [b,3,8h,8w] (the hint in [0,1]), conditioning_scale float32 [1]
  outputs  down_block_res_samples_0..11 [b,320|640|1280, h/1..h/8, w/1..w/8] (SD 1.5's skip
           connections), mid_block_res_sample [b,1280,h/8,w/8]; every output times conditioning_scale
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "sd15-random"))
from make import SD15_DOWN_RESIDUALS, SD15_MID_RESIDUAL, WIDTH, export  # noqa: E402

FEATURES = 8


class RandomControlNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.sample_in = nn.Conv2d(4, FEATURES, 3, padding=1)
        self.cond_in = nn.Conv2d(3, FEATURES, 3, padding=1)
        self.ctx = nn.Linear(WIDTH, FEATURES)
        shapes = SD15_DOWN_RESIDUALS + [SD15_MID_RESIDUAL]
        self.factors = [f for _, f in shapes]
        self.outs = nn.ModuleList([nn.Conv2d(FEATURES, c, 1) for c, _ in shapes])
        with torch.no_grad():  # a bias, so the residuals move the toy UNet's output visibly (past 8-bit rounding)
            for conv in self.outs:
                conv.bias.fill_(0.2)

    def forward(self, sample, timestep, encoder_hidden_states, controlnet_cond, conditioning_scale):
        t = timestep.to(torch.float32).reshape(-1, 1, 1, 1) / 1000.0
        h = self.sample_in(sample) + F.avg_pool2d(self.cond_in(controlnet_cond), 8) + t
        h = torch.tanh(h + self.ctx(encoder_hidden_states.mean(dim=1))[:, :, None, None])
        outs = []
        for factor, conv in zip(self.factors, self.outs):
            x = F.avg_pool2d(h, factor) if factor > 1 else h
            outs.append(conv(x) * conditioning_scale)
        return tuple(outs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    n = len(SD15_DOWN_RESIDUALS)
    outputs = [f"down_block_res_samples_{i}" for i in range(n)] + ["mid_block_res_sample"]
    axes = {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "steps"},
            "encoder_hidden_states": {0: "batch", 1: "sequence"},
            "controlnet_cond": {0: "batch", 2: "image_height", 3: "image_width"}}
    for name in outputs:
        axes[name] = {0: "batch", 2: f"{name}_height", 3: f"{name}_width"}
    args = (torch.randn(2, 4, 8, 8), torch.tensor([1, 1], dtype=torch.int64), torch.randn(2, 77, WIDTH),
            torch.rand(2, 3, 64, 64), torch.tensor([1.0]))
    export(RandomControlNet(), args, os.path.join(a.out, "model.onnx"),
           ["sample", "timestep", "encoder_hidden_states", "controlnet_cond", "conditioning_scale"], outputs, axes)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump({"_class_name": "ControlNetModel", "_note": "random weights, SD 1.5's ONNX interface (make.py)",
                   "cross_attention_dim": WIDTH, "conditioning_channels": 3,
                   "block_out_channels": [320, 640, 1280, 1280]}, f, indent=2)
        f.write("\n")
    print("wrote", a.out)


if __name__ == "__main__":
    main()
