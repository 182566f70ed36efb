#!/usr/bin/python3
"""Write the random-weight test models of the model families, each with its real ONNX export's
file layout, graph input/output names, dtypes and config files (diffusers / optimum), and tiny
seeded weights (tiny_graphs.py). Not image models.

    /usr/bin/python3 models/training/families/make_models.py [--family sd2|sdxl|flux]

  models/sd2-random           SD 2.1: OpenCLIP text width 1024, v-prediction (DDIM config), 768² native
  models/sdxl-random          SDXL base: text_encoder (768, hidden_states.0..3), text_encoder_2 (1280,
                              text_embeds + hidden_states.0..3), UNet with text_embeds [b,1280] and
                              time_ids [b,6], VAE scaling 0.13025, 1024² native
  models/sdxl-refiner-random  SDXL refiner: text_encoder_2 only, UNet context 1280, time_ids [b,5]
                              (aesthetic score), requires_aesthetics_score
  models/flux-random          FLUX.1-dev: CLIP-L (pooled) + T5 (4096, tokenizer.json), transformer on
                              packed latents [b,seq,64] with img_ids/txt_ids/guidance, 16-channel VAE
                              with scaling 0.3611 and shift 0.1159, FlowMatchEuler with dynamic shift

fp32 throughout, as optimum exports by default (its fp16 export needs a GPU). Opset 14.
"""
import argparse
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)
import tiny_graphs as G  # noqa: E402
import t5_vocab  # noqa: E402

CLIP_VOCAB = os.path.join(ROOT, "packages", "engine-diffusion", "reference", "tokenizer", "fixture-vocab")
ONNX = ["onnxruntime", "OnnxRuntimeModel"]


def clip_vocab_size():
    return len(json.load(open(os.path.join(CLIP_VOCAB, "vocab.json"))))


def export(module, args, path, inputs, outputs, axes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=14, do_constant_folding=True)


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


class Outputs(torch.nn.Module):
    """Picks a text encoder's named outputs in the order the export lists them."""

    def __init__(self, encoder, names):
        super().__init__()
        self.encoder, self.names = encoder, names

    def forward(self, input_ids):
        last, pooled, hidden = self.encoder.states(input_ids)
        values = {"last_hidden_state": last, "pooler_output": pooled}
        if self.encoder.text_projection is not None:
            values["text_embeds"] = self.encoder.text_projection(pooled)
        values.update({f"hidden_states.{i}": h for i, h in enumerate(hidden)})
        return tuple(values[n] for n in self.names)


def export_clip(encoder, out, folder, names, ids_dtype):
    axes = {n: {0: "batch_size", 1: "sequence_length"} for n in ["input_ids", *names]}
    for n in ("pooler_output", "text_embeds"):
        if n in names:
            axes[n] = {0: "batch_size"}
    export(Outputs(encoder, names), (torch.zeros(1, 77, dtype=ids_dtype),), os.path.join(out, folder, "model.onnx"),
           ["input_ids"], names, axes)


def hidden_names(encoder):
    return [f"hidden_states.{i}" for i in range(len(encoder.down) + 1)]


def export_vae(m, out, channels):
    image_axes = {0: "batch_size", 2: "height", 3: "width"}
    latent_axes = {0: "batch_size", 2: "height_latent", 3: "width_latent"}
    export(m["vae_encoder"], (torch.rand(1, 3, 64, 64) * 2 - 1,), os.path.join(out, "vae_encoder", "model.onnx"),
           ["sample"], ["latent_sample"], {"sample": image_axes, "latent_sample": latent_axes})
    export(m["vae_decoder"], (torch.randn(1, channels, 8, 8),), os.path.join(out, "vae_decoder", "model.onnx"),
           ["latent_sample"], ["sample"], {"latent_sample": latent_axes, "sample": image_axes})


def vae_config(channels, scaling, shift=None):
    cfg = {"_class_name": "AutoencoderKL", "block_out_channels": [128, 256, 512, 512], "in_channels": 3,
           "latent_channels": channels, "out_channels": 3, "sample_size": 1024, "scaling_factor": scaling}
    if shift is not None:
        cfg["shift_factor"] = shift
    return cfg


def write_vae_configs(out, cfg):
    for folder in ("vae_encoder", "vae_decoder"):
        write_json(os.path.join(out, folder, "config.json"), cfg)


def write_clip_tokenizer(out, folder, pad):
    tok = os.path.join(out, folder)
    os.makedirs(tok, exist_ok=True)
    for name in ("vocab.json", "merges.txt"):
        shutil.copyfile(os.path.join(CLIP_VOCAB, name), os.path.join(tok, name))
    special = {"bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "pad_token": pad, "unk_token": "<|endoftext|>"}
    write_json(os.path.join(tok, "tokenizer_config.json"), {**special, "model_max_length": 77, "do_lower_case": True,
                                                           "tokenizer_class": "CLIPTokenizer"})
    write_json(os.path.join(tok, "special_tokens_map.json"), special)


def unet_axes(extra):
    axes = {"sample": {0: "batch_size", 2: "height", 3: "width"}, "timestep": {0: "steps"},
            "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"},
            "out_sample": {0: "batch_size", 2: "height", 3: "width"}}
    for n in extra:
        axes[n] = {0: "batch_size"}
    return axes


def readme(out, text):
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(f"# {os.path.basename(out)}\n\n{text}\nRegenerate with `/usr/bin/python3 models/training/families/make_models.py"
                f"` (torch 1.13). Not an image model: random weights with the real export's interface "
                "(see make_models.py's docstring).\n")


def make_sd2(out):
    m = G.build_sd2(clip_vocab_size())
    export_clip(m["text_encoder"], out, "text_encoder", ["last_hidden_state", "pooler_output"], torch.int32)
    args = (torch.randn(2, 4, 8, 8), torch.tensor([1, 1]), torch.randn(2, 77, 1024))
    export(m["unet"], args, os.path.join(out, "unet", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"],
           ["out_sample"], unet_axes([]))
    export_vae(m, out, 4)
    write_vae_configs(out, {**vae_config(4, 0.18215), "sample_size": 768})
    write_clip_tokenizer(out, "tokenizer", "!")
    write_json(os.path.join(out, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel", "in_channels": 4, "out_channels": 4, "sample_size": 96,
        "cross_attention_dim": 1024, "attention_head_dim": [5, 10, 20, 20], "use_linear_projection": True})
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), {
        "_class_name": "DDIMScheduler", "_diffusers_version": "0.8.0", "beta_end": 0.012, "beta_schedule": "scaled_linear",
        "beta_start": 0.00085, "clip_sample": False, "num_train_timesteps": 1000, "prediction_type": "v_prediction",
        "set_alpha_to_one": False, "skip_prk_steps": True, "steps_offset": 1, "trained_betas": None})
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": "0.8.0", "feature_extractor": [None, None],
        "requires_safety_checker": False, "safety_checker": [None, None], "scheduler": ["diffusers", "DDIMScheduler"],
        "text_encoder": ONNX, "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ONNX, "vae_decoder": ONNX,
        "vae_encoder": ONNX})
    readme(out, "Stable Diffusion 2.1's ONNX interface: text width 1024, OpenCLIP tokenizer config (pad `!`), "
                "v-prediction, native 768×768.\n")


def sdxl_unet_args(ctx, n_ids):
    return (torch.randn(2, 4, 8, 8), torch.tensor([1, 1]), torch.randn(2, 77, ctx), torch.randn(2, 1280),
            torch.rand(2, n_ids) * 1024)


SDXL_UNET_INPUTS = ["sample", "timestep", "encoder_hidden_states", "text_embeds", "time_ids"]
SDXL_SCHEDULER = {
    "_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.19.0", "beta_end": 0.012,
    "beta_schedule": "scaled_linear", "beta_start": 0.00085, "clip_sample": False, "interpolation_type": "linear",
    "num_train_timesteps": 1000, "prediction_type": "epsilon", "sample_max_value": 1.0, "set_alpha_to_one": False,
    "skip_prk_steps": True, "steps_offset": 1, "timestep_spacing": "leading", "trained_betas": None,
    "use_karras_sigmas": False}


def make_sdxl(out):
    m = G.build_sdxl(clip_vocab_size())
    te, te2 = m["text_encoder"], m["text_encoder_2"]
    export_clip(te, out, "text_encoder", ["last_hidden_state", "pooler_output", *hidden_names(te)], torch.int32)
    export_clip(te2, out, "text_encoder_2", ["text_embeds", "last_hidden_state", *hidden_names(te2)], torch.int32)
    export(m["unet"], sdxl_unet_args(2048, 6), os.path.join(out, "unet", "model.onnx"), SDXL_UNET_INPUTS, ["out_sample"],
           unet_axes(["text_embeds", "time_ids"]))
    export_vae(m, out, 4)
    write_vae_configs(out, {**vae_config(4, G.SDXL_SCALING), "force_upcast": True})
    write_clip_tokenizer(out, "tokenizer", "<|endoftext|>")
    write_clip_tokenizer(out, "tokenizer_2", "!")
    write_json(os.path.join(out, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel", "in_channels": 4, "out_channels": 4, "sample_size": 128,
        "cross_attention_dim": 2048, "addition_embed_type": "text_time", "addition_time_embed_dim": 256,
        "projection_class_embeddings_input_dim": 2816})
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), SDXL_SCHEDULER)
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "StableDiffusionXLPipeline", "_diffusers_version": "0.19.0", "force_zeros_for_empty_prompt": True,
        "scheduler": ["diffusers", "EulerDiscreteScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
        "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"], "tokenizer": ["transformers", "CLIPTokenizer"],
        "tokenizer_2": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
        # Easel's pairing for the API's `refiner: yes` (diffusers ignores keys starting with "_")
        "_easel_refiner": "sdxl-refiner-random"})
    readme(out, "SDXL base's ONNX interface (optimum's export): two text encoders, the UNet's text_embeds and "
                "time_ids inputs, VAE scaling 0.13025, native 1024×1024.\n")


def make_sdxl_refiner(out):
    m = G.build_sdxl_refiner(clip_vocab_size())
    te2 = m["text_encoder_2"]
    export_clip(te2, out, "text_encoder_2", ["text_embeds", "last_hidden_state", *hidden_names(te2)], torch.int32)
    export(m["unet"], sdxl_unet_args(1280, 5), os.path.join(out, "unet", "model.onnx"), SDXL_UNET_INPUTS, ["out_sample"],
           unet_axes(["text_embeds", "time_ids"]))
    export_vae(m, out, 4)
    write_vae_configs(out, {**vae_config(4, G.SDXL_SCALING), "force_upcast": True})
    write_clip_tokenizer(out, "tokenizer_2", "!")
    write_json(os.path.join(out, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel", "in_channels": 4, "out_channels": 4, "sample_size": 128,
        "cross_attention_dim": 1280, "addition_embed_type": "text_time", "addition_time_embed_dim": 256,
        "projection_class_embeddings_input_dim": 2560})
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), SDXL_SCHEDULER)
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "StableDiffusionXLImg2ImgPipeline", "_diffusers_version": "0.19.0",
        "force_zeros_for_empty_prompt": False, "requires_aesthetics_score": True,
        "scheduler": ["diffusers", "EulerDiscreteScheduler"], "text_encoder": [None, None],
        "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"], "tokenizer": [None, None],
        "tokenizer_2": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"]})
    readme(out, "The SDXL refiner's ONNX interface: text_encoder_2 only (context 1280), time_ids with the "
                "aesthetic score [b,5]; the second stage after sdxl-random (denoising_start).\n")


class FluxT5(torch.nn.Module):
    def __init__(self, t5):
        super().__init__()
        self.t5 = t5

    def forward(self, input_ids):
        return self.t5(input_ids)


def make_flux(out):
    m = G.build_flux(clip_vocab_size(), len(t5_vocab.PIECES))
    export_clip(m["text_encoder"], out, "text_encoder", ["last_hidden_state", "pooler_output"], torch.int64)
    export(FluxT5(m["text_encoder_2"]), (torch.zeros(1, 512, dtype=torch.int64),),
           os.path.join(out, "text_encoder_2", "model.onnx"), ["input_ids"], ["last_hidden_state"],
           {"input_ids": {0: "batch_size", 1: "sequence_length"}, "last_hidden_state": {0: "batch_size", 1: "sequence_length"}})
    seq, txt = 16, 512
    args = (torch.randn(1, seq, 64), torch.randn(1, txt, 4096), torch.randn(1, 768), torch.tensor([1.0]),
            torch.zeros(seq, 3), torch.zeros(txt, 3), torch.tensor([3.5]))
    export(m["transformer"], args, os.path.join(out, "transformer", "model.onnx"),
           ["hidden_states", "encoder_hidden_states", "pooled_projections", "timestep", "img_ids", "txt_ids", "guidance"],
           ["out_hidden_states"],
           {"hidden_states": {0: "batch_size", 1: "packed_height_width"},
            "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"}, "pooled_projections": {0: "batch_size"},
            "timestep": {0: "batch_size"}, "img_ids": {0: "packed_height_width"}, "txt_ids": {0: "sequence_length"},
            "guidance": {0: "batch_size"}, "out_hidden_states": {0: "batch_size", 1: "packed_height_width"}})
    export_vae(m, out, 16)
    write_vae_configs(out, vae_config(16, G.FLUX_SCALING, G.FLUX_SHIFT))
    write_clip_tokenizer(out, "tokenizer", "<|endoftext|>")
    t5_vocab.write_tokenizer(os.path.join(out, "tokenizer_2"))
    write_json(os.path.join(out, "transformer", "config.json"), {
        "_class_name": "FluxTransformer2DModel", "attention_head_dim": 128, "guidance_embeds": True, "in_channels": 64,
        "joint_attention_dim": 4096, "num_attention_heads": 24, "num_layers": 19, "num_single_layers": 38,
        "patch_size": 1, "pooled_projection_dim": 768})
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), {
        "_class_name": "FlowMatchEulerDiscreteScheduler", "_diffusers_version": "0.30.0", "base_image_seq_len": 256,
        "base_shift": 0.5, "max_image_seq_len": 4096, "max_shift": 1.15, "num_train_timesteps": 1000, "shift": 3.0,
        "use_dynamic_shifting": True})
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "FluxPipeline", "_diffusers_version": "0.30.0",
        "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
        "text_encoder_2": ["transformers", "T5EncoderModel"], "tokenizer": ["transformers", "CLIPTokenizer"],
        "tokenizer_2": ["transformers", "T5TokenizerFast"], "transformer": ["diffusers", "FluxTransformer2DModel"],
        "vae": ["diffusers", "AutoencoderKL"]})
    readme(out, "FLUX.1-dev's ONNX interface (optimum's export): CLIP-L pooled + T5 (tokenizer.json), the "
                "transformer on packed 2×2 latent patches with img_ids/txt_ids and the guidance embedding, 16-channel "
                "VAE (scaling 0.3611, shift 0.1159), FlowMatchEulerDiscrete with dynamic shift. T5's `spiece.model` "
                "is absent (the engine reads tokenizer.json).\n")


FAMILIES = {
    "sd2": [("sd2-random", make_sd2)],
    "sdxl": [("sdxl-random", make_sdxl), ("sdxl-refiner-random", make_sdxl_refiner)],
    "flux": [("flux-random", make_flux)],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", choices=sorted(FAMILIES), action="append")
    a = ap.parse_args()
    for family in a.family or sorted(FAMILIES):
        for name, make in FAMILIES[family]:
            out = os.path.join(ROOT, "models", name)
            shutil.rmtree(out, ignore_errors=True)
            make(out)
            print("wrote", out)


if __name__ == "__main__":
    main()
