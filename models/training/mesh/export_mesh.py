"""Write easel-tiny-mesh's directory (interface documented in packages/engine-mesh/README.md):

  text_encoder/model.onnx   input_ids int32 [batch, 77] -> last_hidden_state f32 [batch, 77, 128],
                            pooler_output (CLIPTextModel's interface, SD's export names)
  tokenizer/                CLIP BPE (vocab.json, merges.txt) trained on the captions
  image_encoder/model.onnx  pixel_values f32 [batch, 3, 64, 64] in [-1, 1] -> image_embeds [batch, 16, 128]
  prior/model.onnx          sample f32 [batch, 64], timestep f32 [batch],
                            encoder_hidden_states f32 [batch, tokens, 128] -> out_sample (the clean latent, or epsilon:
                            scheduler_config's prediction_type)
  prior/config.json         latent size, the latent's per-dimension mean and std (sample * std + mean
                            is what the decoder reads), the image encoder's framing
  shape_decoder/model.onnx  points f32 [n, 3] in [-1, 1]^3, latent f32 [1, 64] -> sdf f32 [n]
                            (negative inside), color f32 [n, 3] in [0, 1]
  scheduler/scheduler_config.json, model_index.json, training.json
"""
import os
import shutil

import torch

import models as M
from export_onnx import _dump, _export  # one ONNX export and config writer for every bundled model
import nets
import render

SCHEDULER = {
    "_class_name": "DDIMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_schedule": "squaredcos_cap_v2",
    # the cosine schedule starts where alpha_bar ~ 0: x0 estimates are clipped to the latent's range (it is normalised)
    "clip_sample": True,
    "clip_sample_range": 4.0,
    "num_train_timesteps": 1000,
    "prediction_type": "sample",  # train.py's --prediction decides
    "set_alpha_to_one": True,
    "steps_offset": 0,
    "trained_betas": None,
}
MODEL_INDEX = {
    "_class_name": "EaselShapEPipeline",
    "_diffusers_version": "0.6.0",
    "text_encoder": ["diffusers", "OnnxRuntimeModel"],
    "tokenizer": ["transformers", "CLIPTokenizer"],
    "image_encoder": ["diffusers", "OnnxRuntimeModel"],
    "prior": ["diffusers", "OnnxRuntimeModel"],
    "shape_decoder": ["diffusers", "OnnxRuntimeModel"],
    "scheduler": ["diffusers", "DDIMScheduler"],
}


class PriorExport(torch.nn.Module):
    def __init__(self, prior):
        super().__init__()
        self.prior = prior

    def forward(self, sample, timestep, encoder_hidden_states):
        return self.prior(sample, timestep, encoder_hidden_states)


@torch.no_grad()
def export(out, tok_dir, dec, te, ie, prior, tcfg, mean, std, training):
    M.FAST_CPU = False
    os.makedirs(out, exist_ok=True)
    vocab = tcfg["vocab_size"]
    ids = torch.full((1, 77), vocab - 1, dtype=torch.int32)
    ids[:, 0] = vocab - 2
    _export(te, (ids,), os.path.join(out, "text_encoder", "model.onnx"), ["input_ids"],
            ["last_hidden_state", "pooler_output"],
            {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"},
             "pooler_output": {0: "batch"}})
    _export(ie, (torch.zeros(1, 3, 64, 64),), os.path.join(out, "image_encoder", "model.onnx"), ["pixel_values"],
            ["image_embeds"], {"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}})
    _export(PriorExport(prior), (torch.zeros(2, nets.LATENT), torch.tensor([999.0, 999.0]), torch.zeros(2, 77, nets.CTX)),
            os.path.join(out, "prior", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
            {"sample": {0: "batch"}, "timestep": {0: "batch"}, "encoder_hidden_states": {0: "batch", 1: "tokens"},
             "out_sample": {0: "batch"}})
    _export(nets.DecoderExport(dec), (torch.zeros(1000, 3), torch.zeros(1, nets.LATENT)),
            os.path.join(out, "shape_decoder", "model.onnx"), ["points", "latent"], ["sdf", "color"],
            {"points": {0: "points"}, "sdf": {0: "points"}, "color": {0: "points"}})
    M.FAST_CPU = True
    td = os.path.join(out, "tokenizer")
    os.makedirs(td, exist_ok=True)
    for f in ("vocab.json", "merges.txt", "special_tokens_map.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(tok_dir, f), os.path.join(td, f))
    _dump({
        "_name_or_path": "easel-tiny-mesh/text_encoder", "architectures": ["CLIPTextModel"],
        "model_type": "clip_text_model", "hidden_act": "quick_gelu", "hidden_size": tcfg["hidden_size"],
        "intermediate_size": tcfg["intermediate_size"], "num_hidden_layers": tcfg["num_hidden_layers"],
        "num_attention_heads": tcfg["num_attention_heads"], "max_position_embeddings": 77, "vocab_size": vocab,
        "projection_dim": tcfg["hidden_size"], "layer_norm_eps": 1e-5, "bos_token_id": vocab - 2,
        "eos_token_id": vocab - 1, "pad_token_id": vocab - 1, "torch_dtype": "float32",
    }, os.path.join(out, "text_encoder", "config.json"))
    _dump({
        "_class_name": "EaselShapEPrior",
        "latent_dim": nets.LATENT,
        "cross_attention_dim": nets.CTX,
        "latent_mean": [round(float(x), 6) for x in mean],
        "latent_std": [round(float(x), 6) for x in std],
        "image_size": 64,
        "image_background": render.BACKGROUND,
        "foreground_ratio": 0.85,
        "bounds": [-1.0, 1.0],
    }, os.path.join(out, "prior", "config.json"))
    _dump({**SCHEDULER, "prediction_type": training["prediction_type"]}, os.path.join(out, "scheduler", "scheduler_config.json"))
    _dump(MODEL_INDEX, os.path.join(out, "model_index.json"))
    _dump(training, os.path.join(out, "training.json"))
