#!/usr/bin/python3
"""Export trained easel-tiny weights to the diffusers/optimum ONNX Stable Diffusion layout.

    /usr/bin/python3 models/training/export_onnx.py \
        --weights models/training/.work/run/weights.pt \
        --tokenizer models/training/.work/run/tokenizer --out models/easel-tiny

Layout / I/O (identical names and dtypes to SD 1.5's ONNX export):
  text_encoder/model.onnx  input_ids int32 [batch,sequence] -> last_hidden_state f32 [batch,sequence,W],
                           pooler_output f32 [batch,W]
  unet/model.onnx          sample f32 [batch,4,height,width], timestep int64 [steps] (steps = 1 or batch),
                           encoder_hidden_states f32 [batch,sequence,W] -> out_sample f32 [batch,4,height,width]
  vae_encoder/model.onnx   sample f32 [batch,3,H,W] -> latent_sample f32 [batch,4,H/8,W/8]  (posterior MEAN)
  vae_decoder/model.onnx   latent_sample f32 [batch,4,h,w] -> sample f32 [batch,3,8h,8w] (clamped to [-1,1])
plus tokenizer/, scheduler/, model_index.json and per-component config.json.
"""
import argparse
import json
import os
import shutil
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import models as M  # noqa: E402

OPSET = 14

# SD 1.5's betas with the sampler the model is evaluated with (evaluate.py: dpmpp_2m). PNDM's
# PLMS, SD 1.5's class, extrapolates easel-tiny's epsilon badly: red circles drawn yellow or green.
# No DPM-only keys (solver_type, algorithm_type...): a request for another scheduler reads this
# config too, and UniPC / DEIS refuse DPM's values.
SCHEDULER_CONFIG = {
    "_class_name": "DPMSolverMultistepScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "clip_sample": False,
    "num_train_timesteps": 1000,
    "prediction_type": "epsilon",
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
}

MODEL_INDEX = {
    "_class_name": "OnnxStableDiffusionPipeline",
    "_diffusers_version": "0.6.0",
    "feature_extractor": [None, None],
    "requires_safety_checker": False,
    "safety_checker": [None, None],
    "scheduler": ["diffusers", "DPMSolverMultistepScheduler"],
    "text_encoder": ["diffusers", "OnnxRuntimeModel"],
    "tokenizer": ["transformers", "CLIPTokenizer"],
    "unet": ["diffusers", "OnnxRuntimeModel"],
    "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
    "vae_encoder": ["diffusers", "OnnxRuntimeModel"],
}


def _dump(obj, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def load_models(weights):
    """weights: a train.py weights.pt, or an exported model directory (re-export)."""
    if os.path.isdir(weights):
        import onnx_weights

        return onnx_weights.load_models(weights)
    ck = torch.load(weights, map_location="cpu")
    te = M.TextEncoder(**ck["text_config"])
    te.load_state_dict(ck["text_encoder"])
    vae = M.AutoencoderKL(**ck["vae_config"])
    vae.load_state_dict(ck["vae"])
    unet = M.UNet(**ck["unet_config"])
    unet.load_state_dict(ck["unet"])
    for m in (te, vae, unet):
        m.eval()
    return te, vae, unet, ck


def _export(model, args, path, input_names, output_names, dynamic_axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torch.onnx.export(model, args, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=OPSET, do_constant_folding=True)
    msgs = [str(x.message) for x in w if "onnx" in str(x.message).lower() or "unsupported" in str(x.message).lower()]
    for m in msgs:
        print("  export warning:", m[:300])
    print(f"  {path}: {os.path.getsize(path) / 1e6:.2f} MB")
    return msgs


def export_vae_decoder(vae, out):
    """vae_decoder/model.onnx alone (train_decoder.py re-exports just this graph)."""
    fast, M.FAST_CPU = M.FAST_CPU, False
    with torch.no_grad():
        warns = _export(M.VaeDecoderExport(vae), (torch.randn(1, 4, 16, 16),),
                        os.path.join(out, "vae_decoder", "model.onnx"), ["latent_sample"], ["sample"],
                        {"latent_sample": {0: "batch", 2: "height", 3: "width"},
                         "sample": {0: "batch", 2: "height", 3: "width"}})
    M.FAST_CPU = fast
    return warns


def export(weights, tok_dir, out):
    M.FAST_CPU = False  # plain MatMul/Gemm in the graphs
    te, vae, unet, ck = load_models(weights)
    tcfg, ucfg, vcfg = ck["text_config"], ck["unet_config"], ck["vae_config"]
    W = tcfg["hidden_size"]
    os.makedirs(out, exist_ok=True)
    all_warn = []
    with torch.no_grad():
        ids = torch.full((2, 77), tcfg["vocab_size"] - 1, dtype=torch.int32)
        ids[:, 0] = tcfg["vocab_size"] - 2
        all_warn += _export(te, (ids,), os.path.join(out, "text_encoder", "model.onnx"), ["input_ids"],
                            ["last_hidden_state", "pooler_output"],
                            {"input_ids": {0: "batch", 1: "sequence"},
                             "last_hidden_state": {0: "batch", 1: "sequence"}, "pooler_output": {0: "batch"}})
        sample = torch.randn(2, 4, 16, 16)
        ts = torch.tensor([999, 999], dtype=torch.int64)
        ctx = torch.randn(2, 77, W)
        unet.return_mid_attention_probs = True
        all_warn += _export(unet, (sample, ts, ctx), os.path.join(out, "unet", "model.onnx"),
                            ["sample", "timestep", "encoder_hidden_states"], ["out_sample", "mid_attention_probs"],
                            {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "steps"},
                             "encoder_hidden_states": {0: "batch", 1: "sequence"},
                             "out_sample": {0: "batch", 2: "height", 3: "width"},
                             "mid_attention_probs": {0: "batch_heads", 1: "tokens", 2: "keys"}})
        unet.return_mid_attention_probs = False
        img = torch.rand(1, 3, 128, 128) * 2 - 1
        all_warn += _export(M.VaeEncoderExport(vae), (img,), os.path.join(out, "vae_encoder", "model.onnx"),
                            ["sample"], ["latent_sample"],
                            {"sample": {0: "batch", 2: "height", 3: "width"},
                             "latent_sample": {0: "batch", 2: "height", 3: "width"}})
        all_warn += export_vae_decoder(vae, out)
    M.FAST_CPU = True

    # tokenizer
    td = os.path.join(out, "tokenizer")
    os.makedirs(td, exist_ok=True)
    for f in ("vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json"):
        if os.path.abspath(os.path.join(tok_dir, f)) != os.path.abspath(os.path.join(td, f)):
            shutil.copy(os.path.join(tok_dir, f), os.path.join(td, f))
    _dump(SCHEDULER_CONFIG, os.path.join(out, "scheduler", "scheduler_config.json"))
    _dump(MODEL_INDEX, os.path.join(out, "model_index.json"))
    vocab = tcfg["vocab_size"]
    _dump({
        "_name_or_path": "easel-tiny/text_encoder",
        "architectures": ["CLIPTextModel"],
        "model_type": "clip_text_model",
        "hidden_act": "quick_gelu",
        "hidden_size": W,
        "intermediate_size": tcfg["intermediate_size"],
        "num_hidden_layers": tcfg["num_hidden_layers"],
        "num_attention_heads": tcfg["num_attention_heads"],
        "max_position_embeddings": tcfg["max_position_embeddings"],
        "vocab_size": vocab,
        "projection_dim": W,
        "layer_norm_eps": 1e-5,
        "bos_token_id": vocab - 2,
        "eos_token_id": vocab - 1,
        "pad_token_id": vocab - 1,
        "torch_dtype": "float32",
    }, os.path.join(out, "text_encoder", "config.json"))
    nlev = len(ucfg["block_out_channels"])
    _dump({
        "_class_name": "UNet2DConditionModel",
        "_diffusers_version": "0.6.0",
        "_note": "easel-tiny custom UNet (plain PyTorch, see models/training/models.py); keys mirror diffusers",
        "in_channels": ucfg["in_channels"],
        "out_channels": ucfg["out_channels"],
        "sample_size": 16,
        "cross_attention_dim": ucfg["cross_attention_dim"],
        "block_out_channels": ucfg["block_out_channels"],
        "layers_per_block": ucfg["layers_per_block"],
        "attention_head_dim": ucfg["attention_head_dim"],
        "down_block_types": ["CrossAttnDownBlock2D"] * nlev,
        "up_block_types": ["CrossAttnUpBlock2D"] * nlev,
        "flip_sin_to_cos": True,
        "freq_shift": 0,
        "act_fn": "silu",
        "norm_num_groups": 16,
    }, os.path.join(out, "unet", "config.json"))
    vae_json = {
        "_class_name": "AutoencoderKL",
        "_diffusers_version": "0.6.0",
        "_note": "encoder output latent_sample is the posterior mean",
        "in_channels": 3,
        "out_channels": 3,
        "latent_channels": vcfg["latent_channels"],
        "block_out_channels": vcfg["block_out_channels"],
        "layers_per_block": 1,
        "sample_size": 128,
        "scaling_factor": ck["scaling_factor"],
        "act_fn": "silu",
    }
    _dump(vae_json, os.path.join(out, "vae_decoder", "config.json"))
    _dump(vae_json, os.path.join(out, "vae_encoder", "config.json"))
    total = 0
    for root, _, files in os.walk(out):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    print(f"exported to {out}: {total / 1e6:.2f} MB total, {len(all_warn)} export warnings")
    return all_warn


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", default=os.path.join(HERE, ".work", "run", "weights.pt"),
                    help="train.py weights.pt, or an exported model directory to re-export")
    ap.add_argument("--tokenizer", default=os.path.join(HERE, ".work", "run", "tokenizer"))
    ap.add_argument("--out", default="models/easel-tiny")
    a = ap.parse_args()
    export(a.weights, a.tokenizer, a.out)
