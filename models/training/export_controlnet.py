#!/usr/bin/python3
"""ONNX exports for ControlNet on easel-tiny.

  export_controlnet(net, out, kind, state)   models/easel-tiny-controlnet/<kind>/model.onnx + config.json:
      inputs  sample [b,4,h,w], timestep int64 [b|1], encoder_hidden_states [b,77,128],
              controlnet_cond [b,3,8h,8w] in [0,1], conditioning_scale float32 [1]
      outputs down_block_res_samples_0..5 (the UNet's skip connections), mid_block_res_sample

  /usr/bin/python3 models/training/export_controlnet.py --unet [--base models/easel-tiny]
      re-exports the base model's unet/model.onnx with the residual inputs a ControlNet feeds:
      down_block_additional_residual_0..5, mid_block_additional_residual (zeros: the plain UNet,
      bit for bit). The engine feeds zeros when no ControlNet runs.
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import controlnet as C  # noqa: E402
import export_onnx  # noqa: E402
import models as M  # noqa: E402
import onnx_weights  # noqa: E402

HINTS = {
    "canny": "white Canny edges (thresholds 50/100) on black",
    "scribble": "thick white strokes on black (Canny edges dilated twice by a 3x3 cross)",
    "seg": "flat regions in ADE20K's palette: background (120,120,120), objects (180,120,120), (6,230,230)...",
}


def _controlnet_axes(n_down):
    axes = {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "steps"},
            "encoder_hidden_states": {0: "batch", 1: "sequence"},
            "controlnet_cond": {0: "batch", 2: "image_height", 3: "image_width"}}
    for i in range(n_down):
        axes[f"down_block_res_samples_{i}"] = {0: "batch", 2: f"height_{i}", 3: f"width_{i}"}
    axes["mid_block_res_sample"] = {0: "batch", 2: "mid_height", 3: "mid_width"}
    return axes


def export_controlnet(net, out, kind, state, config=None):
    fast, M.FAST_CPU = M.FAST_CPU, False
    n_down = len(net.controlnet_down_blocks)
    outputs = [f"down_block_res_samples_{i}" for i in range(n_down)] + ["mid_block_res_sample"]
    args = (torch.randn(2, 4, 16, 16), torch.tensor([999, 999], dtype=torch.int64), torch.randn(2, 77, 128),
            torch.rand(2, 3, 128, 128), torch.tensor([1.0]))
    with torch.no_grad():
        export_onnx._export(C.ControlNetExport(net.eval()), args, os.path.join(out, "model.onnx"),
                            ["sample", "timestep", "encoder_hidden_states", "controlnet_cond", "conditioning_scale"],
                            outputs, _controlnet_axes(n_down))
    M.FAST_CPU = fast
    cfg = config or {}
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"_class_name": "ControlNetModel", "_diffusers_version": "0.6.0",
                   "_note": "easel-tiny ControlNet (models/training/controlnet.py); interface of diffusers' ControlNetModel",
                   "base_model": "easel-tiny", "controlnet_type": kind, "hint": HINTS.get(kind, ""),
                   "conditioning_channels": 3, "conditioning_embedding_out_channels": list(C.COND_EMBEDDING_CHANNELS),
                   "block_out_channels": cfg.get("block_out_channels", [64, 96, 128]),
                   "down_block_residuals": n_down, "training_steps": state.get("step"),
                   "training_minutes": round(state.get("seconds", 0) / 60, 1)}, f, indent=2)
        f.write("\n")


def export_unet_with_residuals(base):
    fast, M.FAST_CPU = M.FAST_CPU, False
    _, _, unet, bundle = onnx_weights.load_models(base)
    shapes, mid = C.skip_shapes(unet, 2, 16, 16)
    n_down = len(shapes)
    residual_names = [f"down_block_additional_residual_{i}" for i in range(n_down)] + ["mid_block_additional_residual"]
    axes = {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "steps"},
            "encoder_hidden_states": {0: "batch", 1: "sequence"},
            "out_sample": {0: "batch", 2: "height", 3: "width"},
            "mid_attention_probs": {0: "batch_heads", 1: "tokens", 2: "keys"}}
    for i in range(n_down):
        axes[residual_names[i]] = {0: "batch", 2: f"height_{i}", 3: f"width_{i}"}
    axes["mid_block_additional_residual"] = {0: "batch", 2: "mid_height", 3: "mid_width"}
    args = (torch.randn(2, 4, 16, 16), torch.tensor([999, 999], dtype=torch.int64), torch.randn(2, 77, 128),
            *[torch.zeros(s) for s in shapes], torch.zeros(mid))
    unet.return_mid_attention_probs = True
    with torch.no_grad():
        export_onnx._export(unet, args, os.path.join(base, "unet", "model.onnx"),
                            ["sample", "timestep", "encoder_hidden_states", *residual_names],
                            ["out_sample", "mid_attention_probs"], axes)
    M.FAST_CPU = fast


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--unet", action="store_true", help="re-export <base>/unet/model.onnx with residual inputs")
    ap.add_argument("--base", default=os.path.join(HERE, "..", "easel-tiny"))
    a = ap.parse_args()
    if a.unet:
        export_unet_with_residuals(a.base)
