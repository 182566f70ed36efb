#!/usr/bin/python3
"""Check the TypeScript engine's LoRA merge against PyTorch on easel-tiny's adapters.

The engine (packages/engine-diffusion, built) merges each LoRA into the UNet and text-encoder
graphs; this script rebuilds the torch modules from those merged graphs (onnx_weights.py) and
compares every adapted weight with W + strength * scale * up @ down computed here from the file
(kohya: scale = alpha / rank; diffusers/PEFT: scale folded into lora_B, so 1).

    /usr/bin/python3 models/training/check_lora_merge.py [--adapters models/easel-tiny-adapters]

Prints the largest |difference| per LoRA; exits 1 above 1e-5. Needs python3-torch, python3-onnx, node.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import models as M  # noqa: E402
import onnx_weights  # noqa: E402
import safetensors_io  # noqa: E402

DUMP = r"""
const [base, lora, strength, out] = process.argv.slice(1);
const dist = process.env.ENGINE_DIST;
const { adaptGraphs } = require(dist + '/adapters/adapt-model');
const { ClipTokenizer } = require(dist + '/text/clip-tokenizer');
const fs = require('fs');
(async () => {
  const tok = await ClipTokenizer.fromDirectory(base + '/tokenizer');
  const r = await adaptGraphs({ textEncoders: [{ name: 'text_encoder', path: base + '/text_encoder/model.onnx', tokenizer: tok }], unet: base + '/unet/model.onnx' },
    { loras: [{ name: 'x', path: lora, strength: Number(strength) }] });
  for (const [g, bytes] of [['unet', r.unet], ['text_encoder', r.textEncoders.get('text_encoder')]]) {
    fs.mkdirSync(out + '/' + g, { recursive: true });
    fs.writeFileSync(out + '/' + g + '/model.onnx', bytes);
  }
  console.log(JSON.stringify(r.report.loras[0]));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def reference_deltas(tensors):
    """{(component, normalized path): up @ down * scale} from kohya or diffusers keys."""
    out = {}
    for k in tensors:
        if k.endswith(".lora_down.weight"):
            stem = k[: -len(".lora_down.weight")]
            comp = "unet" if stem.startswith("lora_unet_") else "te"
            path = stem.split("_", 2)[2]
            down, up = tensors[k], tensors[stem + ".lora_up.weight"]
            alpha = float(tensors[stem + ".alpha"]) if stem + ".alpha" in tensors else down.shape[0]
            out[(comp, path)] = up @ down * (alpha / down.shape[0])
        elif k.endswith(".lora_A.weight"):
            stem = k[: -len(".lora_A.weight")]
            comp, path = stem.split(".", 1)
            out[("unet" if comp == "unet" else "te", path.replace(".", "_"))] = tensors[stem + ".lora_B.weight"] @ tensors[k]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=os.path.join(REPO, "models", "easel-tiny"))
    ap.add_argument("--adapters", default=os.path.join(REPO, "models", "easel-tiny-adapters"))
    ap.add_argument("--strength", type=float, default=0.7)
    a = ap.parse_args()
    tcfg, ucfg, _, _ = onnx_weights.configs(a.base)
    te0, _, unet0, _ = onnx_weights.load_models(a.base)
    base = {"unet": unet0.state_dict(), "te": te0.state_dict()}
    worst_all = 0.0
    for name in ("striped", "outlined"):
        path = os.path.join(a.adapters, f"{name}.safetensors")
        tensors = safetensors_io.load(path)[0]
        with tempfile.TemporaryDirectory() as out:
            env = dict(os.environ, ENGINE_DIST=os.path.join(REPO, "packages", "engine-diffusion", "dist"))
            report = json.loads(subprocess.run(["node", "-e", DUMP, a.base, path, str(a.strength), out], env=env,
                                               check=True, capture_output=True, text=True).stdout)
            merged = {"unet": onnx_weights.load_into(M.UNet(**ucfg), os.path.join(out, "unet", "model.onnx")).state_dict(),
                      "te": onnx_weights.load_into(M.TextEncoder(**tcfg), os.path.join(out, "text_encoder", "model.onnx")).state_dict()}
        worst, checked = 0.0, 0
        for (comp, npath), delta in reference_deltas(tensors).items():
            key = next(k for k in base[comp] if k.endswith(".weight") and k[: -len(".weight")].replace(".", "_") == npath)
            expect = base[comp][key].numpy() + a.strength * delta
            worst = max(worst, float(np.abs(merged[comp][key].numpy() - expect).max()))
            checked += 1
        print(f"{name}: {checked} modules (engine applied {report['applied']}, unmapped {len(report['unmapped'])}), "
              f"strength {a.strength}: max |engine - torch| = {worst:.3g}")
        worst_all = max(worst_all, worst)
    sys.exit(0 if worst_all <= 1e-5 else 1)


if __name__ == "__main__":
    main()
