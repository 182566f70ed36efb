"""A Stable Diffusion model directory (the diffusers/optimum ONNX layout) as the trainer uses it:
tokenizer, text encoder, VAE encoder and UNet graphs, and the noise schedule of its scheduler config.
"""
import json
import os

import torch

from onnx_graph import OnnxGraph
from onnx_ops import DTYPES

UNET_CONDITION_INPUTS = ("sample", "timestep", "encoder_hidden_states")


def _json(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def _elem_dtype(graph, name):
    for i in graph.inputs:
        if i.name == name:
            return DTYPES[i.type.tensor_type.elem_type]
    raise KeyError(name)


def alphas_cumprod(config):
    n = int(config.get("num_train_timesteps", 1000))
    start, end = float(config.get("beta_start", 0.00085)), float(config.get("beta_end", 0.012))
    schedule = config.get("beta_schedule", "scaled_linear")
    if config.get("trained_betas"):
        betas = torch.tensor(config["trained_betas"], dtype=torch.float64)
    elif schedule == "scaled_linear":
        betas = torch.linspace(start ** 0.5, end ** 0.5, n, dtype=torch.float64) ** 2
    elif schedule == "linear":
        betas = torch.linspace(start, end, n, dtype=torch.float64)
    else:
        raise ValueError(f"beta_schedule {schedule} is not supported by the trainer")
    return torch.cumprod(1.0 - betas, dim=0).float()


class SDModel:
    def __init__(self, root, tokenizer_class):
        self.root = root
        self.unet = OnnxGraph(os.path.join(root, "unet", "model.onnx"))
        self.text_encoder = OnnxGraph(os.path.join(root, "text_encoder", "model.onnx"))
        self.vae_encoder = OnnxGraph(os.path.join(root, "vae_encoder", "model.onnx"))
        self.tokenizer = tokenizer_class(os.path.join(root, "tokenizer", "vocab.json"), os.path.join(root, "tokenizer", "merges.txt"))
        scheduler = _json(os.path.join(root, "scheduler", "scheduler_config.json"), {})
        self.prediction_type = scheduler.get("prediction_type", "epsilon")
        if self.prediction_type not in ("epsilon", "v_prediction"):
            raise ValueError(f"prediction_type {self.prediction_type} is not supported by the trainer")
        self.alphas_cumprod = alphas_cumprod(scheduler)
        vae = _json(os.path.join(root, "vae_encoder", "config.json"), {}) or {}
        self.scaling_factor = float(vae.get("scaling_factor", 0.18215))
        self.resolution = int(vae.get("sample_size", 512))
        self._ids_dtype = _elem_dtype(self.text_encoder, "input_ids")
        self._t_dtype = _elem_dtype(self.unet, "timestep")

    def encode_text(self, prompts):
        ids = torch.tensor([self.tokenizer(p) for p in prompts], dtype=self._ids_dtype)
        return self.text_encoder({"input_ids": ids}, ["last_hidden_state"])[0]

    @torch.no_grad()
    def encode_images(self, pixels):
        """pixels: [N, 3, H, W] in [-1, 1] -> scaled latents."""
        latents = self.vae_encoder({"sample": pixels}, [self.vae_encoder.outputs[0]])[0]
        if latents.shape[1] == 8:  # mean and log-variance: take the mean
            latents = latents[:, :4]
        return latents * self.scaling_factor

    def predict(self, noisy, timesteps, context):
        feeds = {"sample": noisy, "timestep": timesteps.to(self._t_dtype), "encoder_hidden_states": context}
        for name in self.unet.input_names():
            if name not in feeds:
                # ControlNet residual inputs: zeros that broadcast (no control).
                dims = self.unet.input_dims(name)
                feeds[name] = torch.zeros([1 if d is None else d for d in dims])
        return self.unet(feeds, [self.unet.outputs[0]])[0]

    def target(self, latents, noise, timesteps):
        if self.prediction_type == "epsilon":
            return noise
        a = self.alphas_cumprod[timesteps].sqrt()[:, None, None, None]
        s = (1 - self.alphas_cumprod[timesteps]).sqrt()[:, None, None, None]
        return a * noise - s * latents

    def add_noise(self, latents, noise, timesteps):
        a = self.alphas_cumprod[timesteps].sqrt()[:, None, None, None]
        s = (1 - self.alphas_cumprod[timesteps]).sqrt()[:, None, None, None]
        return a * latents + s * noise
