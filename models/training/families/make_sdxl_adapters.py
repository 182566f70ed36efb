#!/usr/bin/python3
"""Write small LoRA and textual-inversion fixtures for models/sdxl-random, and the weights a merge
must give, computed here with NumPy from the committed graphs (independently of the engine).

    /usr/bin/python3 models/training/families/make_sdxl_adapters.py

  models/sdxl-random-adapters/kohya.safetensors  lora_te1_ / lora_te2_ / lora_unet_ keys with alphas,
                                                 and one lora_te2_ module that names no weight
  models/sdxl-random-adapters/peft.safetensors   text_encoder. / text_encoder_2. / unet. lora_A/lora_B
  models/sdxl-random-adapters/style.safetensors  an SDXL embedding: clip_l and clip_g, 2 vectors each
  models/sdxl-random-adapters/expected.safetensors
      "<lora>/<graph>/<initializer>": the initializer after W += strength · alpha/rank · up @ down
      (stored as the graph stores it: MatMul weights are [in, out], so the delta goes in transposed);
      "style/<graph>/<initializer>": the token table with the embedding's rows appended

The strength is in expected.safetensors' metadata; the module naming no weight in kohya's.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))
import safetensors_io  # noqa: E402

MODEL = os.path.join(ROOT, "models", "sdxl-random")
OUT = os.path.join(ROOT, "models", "sdxl-random-adapters")
STRENGTH = 0.8
MISSING = "lora_te2_no_such_layer"
rng = np.random.default_rng(30)


def graph_weights(graph_name):
    """{module scope with dots: (initializer name, array, layout)} for MatMul, Gemm and Conv weights."""
    graph = onnx.load(os.path.join(MODEL, graph_name, "model.onnx")).graph
    arrays = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    out = {}
    for node in graph.node:
        if node.op_type not in ("MatMul", "Gemm", "Conv") or len(node.input) < 2 or node.input[1] not in arrays:
            continue
        scope = node.name[1:node.name.rfind("/")].replace("/", ".")
        trans_b = any(a.name == "transB" and a.i == 1 for a in node.attribute)
        layout = "in_out" if node.op_type == "MatMul" or (node.op_type == "Gemm" and not trans_b) else "out_in"
        out[scope] = (node.input[1], arrays[node.input[1]], layout)
    return out, arrays


def low_rank(weight, layout, rank):
    """Random down [rank, in(, kh, kw)] and up [out, rank(, 1, 1)] for a weight."""
    if layout == "in_out":
        n_in, n_out, kernel = weight.shape[0], weight.shape[1], ()
    else:
        n_out, n_in, kernel = weight.shape[0], weight.shape[1], weight.shape[2:]
    down = (rng.standard_normal((rank, n_in, *kernel)) * 0.5).astype(np.float32)
    up = (rng.standard_normal((n_out, rank, *(1 for _ in kernel))) * 0.5).astype(np.float32)
    return down, up


def merged(weight, layout, down, up, scale):
    delta = (up.reshape(up.shape[0], -1).astype(np.float64) @ down.reshape(down.shape[0], -1).astype(np.float64)) * scale
    if layout == "in_out":
        return (weight + delta.T).astype(np.float32)
    return (weight + delta.reshape(weight.shape)).astype(np.float32)


def make_lora(name, targets, key, expected):
    """targets: (graph, scope, rank, alpha or None). key(graph, scope) -> (prefix, down suffix, up suffix)."""
    tensors = {}
    for graph, scope, rank, alpha in targets:
        weights, _ = graph_weights(graph)
        init, weight, layout = weights[scope]
        down, up = low_rank(weight, layout, rank)
        prefix, down_suffix, up_suffix = key(graph, scope)
        tensors[prefix + down_suffix], tensors[prefix + up_suffix] = down, up
        if alpha is not None:
            tensors[prefix + ".alpha"] = np.array(alpha, dtype=np.float32)
        scale = STRENGTH * (alpha if alpha is not None else rank) / rank
        expected[f"{name}/{graph}/{init}"] = merged(weight, layout, down, up, scale)
    return tensors


KOHYA_PREFIX = {"text_encoder": "lora_te1_", "text_encoder_2": "lora_te2_", "unet": "lora_unet_"}


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {}
    kohya = make_lora("kohya", [("text_encoder", "down.0", 2, 1.0), ("text_encoder_2", "up.1", 2, 4.0),
                                ("text_encoder_2", "text_projection.text_projection.1", 1, 0.5), ("unet", "ctx_k", 2, 1.0),
                                ("unet", "time", 2, 3.0)],
                      lambda g, s: (KOHYA_PREFIX[g] + s.replace(".", "_"), ".lora_down.weight", ".lora_up.weight"), expected)
    kohya[MISSING + ".lora_down.weight"] = np.ones((1, 8), np.float32)
    kohya[MISSING + ".lora_up.weight"] = np.ones((1280, 1), np.float32)
    safetensors_io.save(kohya, os.path.join(OUT, "kohya.safetensors"), {"names_no_weight": MISSING})

    peft = make_lora("peft", [("text_encoder", "up.0", 2, None), ("text_encoder_2", "down.2", 2, None),
                              ("unet", "conv_in", 2, None)],
                     lambda g, s: (f"{g}.{s}", ".lora_A.weight", ".lora_B.weight"), expected)
    safetensors_io.save(peft, os.path.join(OUT, "peft.safetensors"))

    style = {}
    for graph, key in (("text_encoder", "clip_l"), ("text_encoder_2", "clip_g")):
        _, arrays = graph_weights(graph)
        table_name = "encoder.tok.weight"
        table = arrays[table_name]
        style[key] = rng.standard_normal((2, table.shape[1])).astype(np.float32)
        expected[f"style/{graph}/{table_name}"] = np.concatenate([table, style[key]])
    safetensors_io.save(style, os.path.join(OUT, "style.safetensors"))
    safetensors_io.save(expected, os.path.join(OUT, "expected.safetensors"), {"strength": STRENGTH})
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("LoRA and embedding fixtures for `models/sdxl-random` (tests only), with the merged weights NumPy\n"
                "computes for them; made by `models/training/families/make_sdxl_adapters.py`. Apache-2.0.\n")
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
