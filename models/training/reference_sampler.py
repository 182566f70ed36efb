#!/usr/bin/python3
"""PyTorch reference sampler for easel-tiny (used for pixel-parity and speed comparisons
against the TypeScript/onnxruntime pipeline).

    /usr/bin/python3 models/training/reference_sampler.py \
        --prompt "a red circle on a blue background" [--negative-prompt ""] \
        [--seed 0 | --noise init_noise.npy] [--steps 20] [--guidance 7.5] \
        [--scheduler dpmpp_2m|euler|ddim] [--height 128 --width 128] \
        --out out.png [--save-npy decoded.npy] [--save-latents latents.npy] [--timings timings.json]

Details (all follow diffusers' maths with SD 1.5's scheduler config: scaled_linear betas
0.00085->0.012 in float32, 1000 train steps, steps_offset 1, set_alpha_to_one false, epsilon):
  * tokenisation: own CLIP BPE (tokenizer.py) from <model>/tokenizer/{vocab.json,merges.txt};
    [SOT] ids [EOT] padded with EOT to 77 (int32).
  * classifier-free guidance: one UNet call on the batch [uncond(negative), cond];
    eps = eps_u + g * (eps_c - eps_u).  guidance <= 1 runs the cond branch only.
  * initial noise: torch.randn([1,4,H/8,W/8], generator=torch.Generator().manual_seed(seed)),
    float32; or --noise FILE.npy (float32, shape [1,4,H/8,W/8]) used as-is.  For euler the noise
    is multiplied by init_noise_sigma = sqrt(sigma_max^2+1) (as diffusers with "leading").
  * timesteps ("leading", steps_offset 1, --timestep-spacing to change):
      euler/ddim: (arange(steps) * (1000 // steps))[::-1] + 1           (20 steps: 951 ... 1)
      dpmpp_2m:   (arange(steps+1) * (1000 // (steps+1)))[::-1][:-1] + 1  (20 steps: 941 ... 48)
  * euler: EulerDiscreteScheduler (s_churn 0): model input x/sqrt(sigma^2+1); x += eps*(sigma_next-sigma),
    sigma_next = 0 at the end.
  * ddim: DDIMScheduler, eta 0, prev alpha of the final step = alphas_cumprod[0].
  * dpmpp_2m: DPMSolverMultistepScheduler(algorithm_type dpmsolver++, solver_order 2,
    solver_type midpoint, lower_order_final, final_sigmas_type "zero"): first step and last
    step first order, last step lands on the predicted x0.
  * decode: latents / scaling_factor -> VAE decoder -> [-1,1] (clamped); PNG = round((x+1)*127.5).
  * --save-npy writes the decoded float32 array [1,3,H,W] in [-1,1] (before quantisation).
  * --timings writes {"text_encoder_ms", "steps_ms": [...], "vae_decode_ms", "total_ms"}.
Weights: read from the exported ONNX graphs of --model-dir (default models/easel-tiny) by
onnx_weights.py, so a fresh clone can run it; --weights takes a train.py weights.pt instead.
Tokenizer from --model-dir.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import models as M  # noqa: E402
import onnx_weights  # noqa: E402
import tokenizer as T  # noqa: E402

SCHEDULERS = ("dpmpp_2m", "euler", "ddim")


def alphas_cumprod():
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, 1000, dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


def make_timesteps(name, steps, spacing="leading", offset=1, n_train=1000):
    if name == "dpmpp_2m":
        if spacing == "leading":
            ratio = n_train // (steps + 1)
            ts = (np.arange(0, steps + 1) * ratio).round()[::-1][:-1].copy().astype(np.int64) + offset
        elif spacing == "linspace":
            ts = np.linspace(0, n_train - 1, steps + 1).round()[::-1][:-1].copy().astype(np.int64)
        else:  # trailing
            ts = np.arange(n_train, 0, -n_train / steps).round().copy().astype(np.int64) - 1
        return ts
    if spacing == "leading":
        ratio = n_train // steps
        return (np.arange(0, steps) * ratio).round()[::-1].copy().astype(np.int64) + offset
    if spacing == "linspace":
        return np.linspace(0, n_train - 1, steps)[::-1].round().copy().astype(np.int64)
    return np.round(np.arange(n_train, 0, -n_train / steps)).astype(np.int64) - 1


class Pipeline:
    def __init__(self, weights, model_dir, threads=2):
        torch.set_num_threads(threads)
        if weights:
            ck = torch.load(weights, map_location="cpu")
            self.te = M.TextEncoder(**ck["text_config"])
            self.te.load_state_dict(ck["text_encoder"])
            self.vae = M.AutoencoderKL(**ck["vae_config"])
            self.vae.load_state_dict(ck["vae"])
            self.unet = M.UNet(**ck["unet_config"])
            self.unet.load_state_dict(ck["unet"])
        else:
            self.te, self.vae, self.unet, ck = onnx_weights.load_models(model_dir)
        for m in (self.te, self.vae, self.unet):
            m.eval()
        self.scaling = float(ck["scaling_factor"])
        td = os.path.join(model_dir, "tokenizer")
        self.tok = T.CLIPBPE(os.path.join(td, "vocab.json"), os.path.join(td, "merges.txt"))
        self.ac = alphas_cumprod()

    def encode_text(self, prompts):
        ids = torch.tensor([self.tok(p) for p in prompts], dtype=torch.int32)
        return self.te(ids)[0]

    def eps(self, x, t, ctx_u, ctx_c, g):
        n = x.shape[0]
        tt = torch.full((1,), int(t), dtype=torch.int64)
        if g <= 1.0:
            return self.unet(x, tt, ctx_c)
        out = self.unet(torch.cat([x, x]), tt, torch.cat([ctx_u, ctx_c]))
        eu, ec = out[:n], out[n:]
        return eu + g * (ec - eu)

    @torch.no_grad()
    def __call__(self, prompts, negative="", seed=0, noise=None, steps=20, guidance=7.5, scheduler="dpmpp_2m",
                 height=128, width=128, spacing="leading", timings=None):
        if isinstance(prompts, str):
            prompts = [prompts]
        n = len(prompts)
        negs = negative if isinstance(negative, list) else [negative] * n
        t0 = time.perf_counter()
        ctx_c = self.encode_text(prompts)
        ctx_u = self.encode_text(negs)
        t_text = time.perf_counter() - t0
        if noise is None:
            seeds = seed if isinstance(seed, list) else [seed + i for i in range(n)]
            noise = torch.cat([torch.randn((1, 4, height // 8, width // 8), generator=torch.Generator().manual_seed(s),
                                           dtype=torch.float32) for s in seeds])
        else:
            noise = torch.as_tensor(np.asarray(noise, dtype=np.float32))
        ts = make_timesteps(scheduler, steps, spacing)
        ac = self.ac
        step_ms = []
        x = noise.clone()
        if scheduler == "euler":
            all_sig = ((1 - ac) / ac) ** 0.5
            sig = np.interp(ts.astype(np.float64), np.arange(1000), all_sig.numpy().astype(np.float64)).astype(np.float32)
            sig = np.concatenate([sig, [0.0]]).astype(np.float32)
            x = x * float((sig.max() ** 2 + 1) ** 0.5)
            for i, t in enumerate(ts):
                s0 = time.perf_counter()
                s = float(sig[i])
                e = self.eps(x / ((s ** 2 + 1) ** 0.5), t, ctx_u, ctx_c, guidance)
                x = x + e * (float(sig[i + 1]) - s)
                step_ms.append((time.perf_counter() - s0) * 1000)
        elif scheduler == "ddim":
            ratio = 1000 // steps
            for t in ts:
                s0 = time.perf_counter()
                e = self.eps(x, t, ctx_u, ctx_c, guidance)
                pt = int(t) - ratio
                a_t = ac[int(t)]
                a_p = ac[pt] if pt >= 0 else ac[0]
                x0 = (x - (1 - a_t) ** 0.5 * e) / a_t ** 0.5
                x = a_p ** 0.5 * x0 + (1 - a_p) ** 0.5 * e
                step_ms.append((time.perf_counter() - s0) * 1000)
        elif scheduler == "dpmpp_2m":
            all_sig = (((1 - ac) / ac) ** 0.5).numpy().astype(np.float64)
            sig = np.interp(ts.astype(np.float64), np.arange(1000), all_sig)
            sig = np.concatenate([sig, [0.0]]).astype(np.float32)
            sig = torch.from_numpy(sig)

            def a_s(s):
                alpha = 1.0 / torch.sqrt(s ** 2 + 1)
                return alpha, s * alpha

            prev_x0 = None
            for i, t in enumerate(ts):
                s0 = time.perf_counter()
                e = self.eps(x, t, ctx_u, ctx_c, guidance)
                alpha_s0, sigma_s0 = a_s(sig[i])
                x0 = (x - sigma_s0 * e) / alpha_s0
                last = i == len(ts) - 1
                if last:  # final_sigmas_type "zero": first-order step to sigma 0 == predicted x0
                    x = x0
                else:
                    alpha_t, sigma_t = a_s(sig[i + 1])
                    lam_t = torch.log(alpha_t) - torch.log(sigma_t)
                    lam_s0 = torch.log(alpha_s0) - torch.log(sigma_s0)
                    h = lam_t - lam_s0
                    if prev_x0 is None:  # first step: first order
                        x = (sigma_t / sigma_s0) * x - (alpha_t * (torch.exp(-h) - 1.0)) * x0
                    else:
                        alpha_s1, sigma_s1 = a_s(sig[i - 1])
                        lam_s1 = torch.log(alpha_s1) - torch.log(sigma_s1)
                        r0 = (lam_s0 - lam_s1) / h
                        d0, d1 = x0, (1.0 / r0) * (x0 - prev_x0)
                        x = ((sigma_t / sigma_s0) * x - (alpha_t * (torch.exp(-h) - 1.0)) * d0
                             - 0.5 * (alpha_t * (torch.exp(-h) - 1.0)) * d1)
                prev_x0 = x0
                step_ms.append((time.perf_counter() - s0) * 1000)
        else:
            raise ValueError(f"scheduler must be one of {SCHEDULERS}")
        s0 = time.perf_counter()
        img = self.vae.decode(x / self.scaling).clamp(-1, 1)
        t_dec = time.perf_counter() - s0
        if timings is not None:
            timings.update({"text_encoder_ms": t_text * 1000, "steps_ms": step_ms, "vae_decode_ms": t_dec * 1000,
                            "total_ms": (time.perf_counter() - t0) * 1000, "timesteps": [int(t) for t in ts]})
        return img, x


def to_uint8(img):
    """[n,3,H,W] in [-1,1] -> uint8 [n,H,W,3]"""
    return ((img.permute(0, 2, 3, 1).numpy() + 1.0) * 127.5).round().clip(0, 255).astype(np.uint8)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prompt", required=True)
    ap.add_argument("--negative-prompt", default="")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", default=None, help=".npy float32 [1,4,H/8,W/8] initial noise (overrides --seed)")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--guidance", type=float, default=7.5)
    ap.add_argument("--scheduler", default="dpmpp_2m", choices=SCHEDULERS)
    ap.add_argument("--timestep-spacing", default="leading", choices=("leading", "linspace", "trailing"))
    ap.add_argument("--height", type=int, default=128)
    ap.add_argument("--width", type=int, default=128)
    ap.add_argument("--weights", default=None,
                    help="a train.py weights.pt; default: the weights of --model-dir's ONNX graphs")
    ap.add_argument("--model-dir", default=os.path.join(HERE, "..", "easel-tiny"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="out.png")
    ap.add_argument("--save-npy", default=None)
    ap.add_argument("--save-latents", default=None)
    ap.add_argument("--timings", default=None)
    a = ap.parse_args()
    pipe = Pipeline(a.weights, a.model_dir, a.threads)
    noise = np.load(a.noise) if a.noise else None
    tm = {}
    img, lat = pipe(a.prompt, a.negative_prompt, a.seed, noise, a.steps, a.guidance, a.scheduler, a.height, a.width,
                    a.timestep_spacing, tm)
    from PIL import Image

    Image.fromarray(to_uint8(img)[0]).save(a.out)
    if a.save_npy:
        np.save(a.save_npy, img.numpy().astype(np.float32))
    if a.save_latents:
        np.save(a.save_latents, lat.numpy().astype(np.float32))
    if a.timings:
        with open(a.timings, "w") as f:
            json.dump(tm, f, indent=1)
    print(f"wrote {a.out}  ({tm['total_ms']:.0f} ms, {len(tm['steps_ms'])} steps, "
          f"{np.mean(tm['steps_ms']):.1f} ms/step)")


if __name__ == "__main__":
    main()
