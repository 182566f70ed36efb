#!/usr/bin/python3
"""Write torch reference inputs/outputs for the exported ONNX graphs, then (optionally) run
verify_onnx.js with onnxruntime-node to compare.  Used after export:

    /usr/bin/python3 models/training/verify_onnx.py --weights models/training/.work/run/weights.pt \
        --model-dir models/easel-tiny && node models/training/verify_onnx.js models/easel-tiny models/training/.work/verify
"""
import argparse, json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import numpy as np
import torch
import models as M
from reference_sampler import Pipeline

ap = argparse.ArgumentParser()
ap.add_argument("--weights", default=None, help="train.py weights.pt; default: rebuilt from --model-dir")
ap.add_argument("--model-dir", default=os.path.join(HERE, "..", "easel-tiny"))
ap.add_argument("--dir", default=os.path.join(HERE, ".work", "verify"))
a = ap.parse_args()
os.makedirs(a.dir, exist_ok=True)
torch.set_num_threads(1)
p = Pipeline(a.weights, a.model_dir, threads=1)
man = {}
def put(name, arr):
    arr = np.ascontiguousarray(arr)
    arr.tofile(os.path.join(a.dir, name + ".bin"))
    man[name] = {"shape": list(arr.shape), "dtype": str(arr.dtype)}
with torch.no_grad():
    ids = np.array([p.tok("a red circle on a blue background"), p.tok("")], dtype=np.int32)
    hs, pooled = p.te(torch.from_numpy(ids))
    put("te_input_ids", ids); put("te_last_hidden_state", hs.numpy()); put("te_pooler_output", pooled.numpy())
    g = torch.Generator().manual_seed(0)
    s = torch.randn(2, 4, 16, 24, generator=g)
    t = np.array([501], dtype=np.int64)
    out = p.unet(s, torch.from_numpy(t), hs)
    put("unet_sample", s.numpy()); put("unet_timestep", t); put("unet_encoder_hidden_states", hs.numpy()); put("unet_out_sample", out.numpy())
    z = torch.randn(1, 4, 16, 16, generator=g)
    img = p.vae.decode(z).clamp(-1, 1)
    put("vaed_latent_sample", z.numpy()); put("vaed_sample", img.numpy())
    lat = p.vae.encode(img)[0]
    put("vaee_sample", img.numpy()); put("vaee_latent_sample", lat.numpy())
json.dump(man, open(os.path.join(a.dir, "manifest.json"), "w"), indent=1)
print("wrote", a.dir)
