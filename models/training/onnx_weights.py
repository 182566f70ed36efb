"""Rebuild the torch modules of models.py from an exported model directory (the ONNX graphs).

The export keeps most parameters under their state-dict names, but torch.onnx turns every
nn.Linear without a Gemm into a MatMul on an anonymous, transposed initializer
(`onnx::MatMul_123`) and every GroupNorm's affine into Mul/Add on anonymous [C,1,1] ones.
The node that consumes such an initializer carries the module's scope in its name
(`/down.0.1/attn2/to_q/MatMul`, `/down.0.0/norm1/Mul`), which is how they are found again.

So the reference sampler, the parity fixtures and further training (LoRA, embeddings,
resuming) all start from the committed model alone, with no git-ignored checkpoint.
Needs Debian's python3-onnx (build-time only).
"""
import json
import os

import numpy as np
import torch

import models as M


def _initializers(path):
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(path).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    scoped = {}
    for node in graph.node:
        if len(node.input) < 2 or node.input[1] not in arrays:
            continue
        value = arrays[node.input[1]]
        scope = node.name[1:node.name.rfind("/")].replace("/", ".")
        if node.op_type == "MatMul" and node.name.endswith("/MatMul"):
            scoped[scope + ".weight"] = value.T
        # GroupNorm is exported as InstanceNormalization followed by Mul (gamma) and Add (beta).
        elif node.op_type == "Mul" and node.name.endswith("/Mul") and value.ndim == 3:
            scoped[scope + ".weight"] = value.reshape(-1)
        elif node.op_type == "Add" and node.name.endswith("/Add") and value.ndim == 3:
            scoped[scope + ".bias"] = value.reshape(-1)
    return arrays, scoped


def load_into(module, onnx_path, prefix=""):
    """Copy every parameter and buffer of `module` from the graph; raise on anything missing."""
    arrays, scoped = _initializers(onnx_path)
    state = module.state_dict()
    missing = []
    for key, tensor in state.items():
        name = prefix + key
        value = arrays.get(name)
        if value is None:
            # Scopes leave out the export wrapper's attribute (`vae.`).
            value = scoped.get(name, scoped.get(key))
        if value is None or tuple(value.shape) != tuple(tensor.shape):
            missing.append(f"{name} {tuple(tensor.shape)} (found {None if value is None else value.shape})")
            continue
        state[key] = torch.from_numpy(np.array(value, copy=True)).to(tensor.dtype)
    if missing:
        raise ValueError(f"{onnx_path}: {len(missing)} weights not found: " + "; ".join(missing[:8]))
    module.load_state_dict(state)
    return module


def _json(path):
    with open(path) as f:
        return json.load(f)


def configs(model_dir):
    """The torch constructors' arguments, read back from the exported config files."""
    t = _json(os.path.join(model_dir, "text_encoder", "config.json"))
    u = _json(os.path.join(model_dir, "unet", "config.json"))
    v = _json(os.path.join(model_dir, "vae_decoder", "config.json"))
    tcfg = {k: t[k] for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                              "num_attention_heads", "max_position_embeddings")}
    ucfg = {k: u[k] for k in ("block_out_channels", "in_channels", "out_channels", "cross_attention_dim",
                              "attention_head_dim", "layers_per_block")}
    vcfg = {k: v[k] for k in ("block_out_channels", "latent_channels", "in_channels", "out_channels")}
    return tcfg, ucfg, vcfg, float(v["scaling_factor"])


def load_models(model_dir):
    """(text_encoder, vae, unet, bundle) with the weights of the exported graphs; bundle is
    shaped like train.py's weights.pt (configs and scaling_factor included)."""
    tcfg, ucfg, vcfg, scaling = configs(model_dir)
    te = load_into(M.TextEncoder(**tcfg), os.path.join(model_dir, "text_encoder", "model.onnx"))
    unet = load_into(M.UNet(**ucfg), os.path.join(model_dir, "unet", "model.onnx"))
    vae = M.AutoencoderKL(**vcfg)
    # Each VAE graph holds half of the autoencoder, under the export wrapper's `vae.` prefix.
    encoder_half = torch.nn.ModuleDict({"encoder": vae.encoder, "quant_conv": vae.quant_conv})
    decoder_half = torch.nn.ModuleDict({"decoder": vae.decoder, "post_quant_conv": vae.post_quant_conv})
    load_into(encoder_half, os.path.join(model_dir, "vae_encoder", "model.onnx"), prefix="vae.")
    load_into(decoder_half, os.path.join(model_dir, "vae_decoder", "model.onnx"), prefix="vae.")
    for m in (te, unet, vae):
        m.eval()
    bundle = {"text_encoder": te.state_dict(), "vae": vae.state_dict(), "unet": unet.state_dict(),
              "text_config": tcfg, "vae_config": vcfg, "unet_config": ucfg, "scaling_factor": scaling}
    return te, vae, unet, bundle
