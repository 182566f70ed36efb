#!/usr/bin/python3
"""Easel's trainer: DreamBooth (`fine_tune`) and LoRA / LyCORIS (`lora_fine_tune`) on a model
directory in the ONNX layout, spawned by the training service.

    /usr/bin/python3 train.py <work folder>

The work folder holds job.json (written by the service; fields in ../README.md) and the instance
(and class) images as raw RGB. The trainer answers on stdout, one JSON object a line: `loaded`,
`progress` (step, total, loss, eta_seconds), `checkpoint` (step), `done` (files) or `error`
(message); it logs on stderr. It resumes from <work>/checkpoint.pt when one is there.
"""
import json
import math
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# The CLIP tokenizer and the safetensors writer are the ones models/training trains easel-tiny with.
sys.path.insert(0, os.environ.get("EASEL_TRAINING_LIB", os.path.join(HERE, "..", "..", "..", "models", "training")))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import checkpoint  # noqa: E402
import lora  # noqa: E402
from graph_weights import index_weights  # noqa: E402
from protocol import emit, log  # noqa: E402


def read_images(work, names, size):
    pixels = []
    for name in names:
        raw = np.fromfile(os.path.join(work, name), dtype=np.uint8)
        if raw.size != size * size * 3:
            raise ValueError(f"{name}: expected {size}x{size} RGB, got {raw.size} bytes")
        pixels.append(raw.reshape(size, size, 3))
    x = torch.from_numpy(np.stack(pixels)).permute(0, 3, 1, 2).float()
    return x / 127.5 - 1.0


def trainable_weights(graph, component):
    """Every weight and bias of a graph's layers (named, or MatMul's anonymous ones), made trainable."""
    anonymous = {w.initializer for w in index_weights(graph).values()}
    params = {}
    for name, tensor in list(graph.initializers.items()):
        if not tensor.is_floating_point():
            continue
        if name.endswith(".weight") or name.endswith(".bias") or name in anonymous:
            p = torch.nn.Parameter(tensor.clone())
            graph.initializers[name] = p
            params[f"{component}/{name}"] = p
    return params


def dreambooth_params(job, model):
    """fine_tune trains the UNet and (as DreamBooth's train_text_encoder) the text encoder, which binds the rare token."""
    params = trainable_weights(model.unet, "unet")
    if job.get("train_text_encoder", True):
        params.update(trainable_weights(model.text_encoder, "text_encoder"))
    return params


def lora_params(job, model, generator):
    rank = int(job.get("rank", 8))
    with_convs = job.get("lora_type", "lora") == "lycoris"
    modules = lora.attach(model.unet, "unet", rank, rank, with_convs, generator)
    if job.get("train_text_encoder", True):
        modules.update(lora.attach(model.text_encoder, "te", rank, rank, False, generator))
    params = {}
    for key, low in modules.items():
        params[f"{key}.down"], params[f"{key}.up"] = low.down, low.up
    return modules, params


def export(job, work, model, modules, params):
    out = os.path.join(work, "output")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    import safetensors_io

    if job["mode"] == "lora":
        meta = {"ss_network_module": "networks.lora" if job.get("lora_type", "lora") == "lora" else "lycoris.kohya",
                "ss_network_dim": str(job.get("rank", 8)), "ss_network_alpha": str(job.get("rank", 8)),
                "ss_training_comment": job.get("instance_prompt", ""), "easel_base_model": job.get("base_model_id", "")}
        safetensors_io.save(lora.tensors(modules), os.path.join(out, "lora.safetensors"), meta)
        return ["lora.safetensors"]
    model_dir = os.path.join(out, "model")
    shutil.copytree(model.root, model_dir, ignore=shutil.ignore_patterns("model.onnx_data", "*.synced"))
    for component, graph in (("unet", model.unet), ("text_encoder", model.text_encoder)):
        replaced = {k.split("/", 1)[1]: v for k, v in params.items() if k.startswith(component + "/")}
        if replaced:
            graph.save_with(replaced, os.path.join(model_dir, component, "model.onnx"))
    with open(os.path.join(model_dir, "training.json"), "w") as f:
        json.dump({"base_model": job.get("base_model_id"), "instance_prompt": job.get("instance_prompt"),
                   "class_prompt": job.get("class_prompt"), "steps": job["max_train_steps"]}, f, indent=2)
    return sorted(os.path.relpath(os.path.join(d, n), out) for d, _s, files in os.walk(model_dir) for n in files)


def run(work):
    with open(os.path.join(work, "job.json")) as f:
        job = json.load(f)
    torch.set_num_threads(int(job.get("threads", 0)) or torch.get_num_threads())
    import tokenizer as T
    from sd_model import SDModel

    model = SDModel(job["base_model"], T.CLIPBPE)
    size = int(job["resolution"])
    instance = model.encode_images(read_images(work, job["instance_images"], size))
    prior = None
    if job.get("class_images"):
        prior = model.encode_images(read_images(work, job["class_images"], size))
    generator = torch.Generator().manual_seed(int(job.get("seed", 0)))
    if job["mode"] == "lora":
        modules, params = lora_params(job, model, generator)
    else:
        modules, params = None, dreambooth_params(job, model)
    optimizer = torch.optim.AdamW(list(params.values()), lr=float(job["learning_rate"]), weight_decay=1e-2)
    ckpt = os.path.join(work, "checkpoint.pt")
    step, running = checkpoint.load(ckpt, params, optimizer, generator)
    total = int(job["max_train_steps"])
    batch = int(job.get("batch_size", 4))
    every = int(job.get("checkpoint_every", 50))
    prior_weight = float(job.get("prior_loss_weight", 1.0))
    emit("loaded", trainable=sum(p.numel() for p in params.values()), resumed_from=step, total=total)
    log(f"{job['mode']}: {len(params)} trainable tensors, {instance.shape[0]} instance images"
        f"{'' if prior is None else f', {prior.shape[0]} class images'}, step {step} of {total}")
    started, first = time.time(), step
    n_train = len(model.alphas_cumprod)
    while step < total:
        idx = torch.randint(0, instance.shape[0], (batch,), generator=generator)
        latents = instance[idx]
        prompts = [job["instance_prompt"]] * batch
        if prior is not None:
            pidx = torch.randint(0, prior.shape[0], (batch,), generator=generator)
            latents = torch.cat([latents, prior[pidx]])
            prompts += [job["class_prompt"]] * batch
        noise = torch.randn(latents.shape, generator=generator)
        t = torch.randint(0, n_train, (latents.shape[0],), generator=generator)
        context = model.encode_text(prompts)
        pred = model.predict(model.add_noise(latents, noise, t), t, context)
        per = ((pred - model.target(latents, noise, t)) ** 2).mean(dim=(1, 2, 3))
        loss = per[:batch].mean() if prior is None else per[:batch].mean() + prior_weight * per[batch:].mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(params.values()), 1.0)
        optimizer.step()
        step += 1
        running = loss.item() if running is None else 0.9 * running + 0.1 * loss.item()
        if not math.isfinite(running):
            raise ValueError(f"the loss diverged at step {step} (learning_rate {job['learning_rate']} is too high)")
        rate = (time.time() - started) / (step - first)
        emit("progress", step=step, total=total, loss=round(running, 5), eta_seconds=round(rate * (total - step), 1))
        if step % every == 0 and step < total:
            checkpoint.save(ckpt, step, params, optimizer, generator, running)
            emit("checkpoint", step=step, path="checkpoint.pt")
    files = export(job, work, model, modules, params)
    emit("done", steps=step, loss=round(running or 0.0, 5), files=files, seconds=round(time.time() - started, 1))


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    try:
        run(sys.argv[1])
    except Exception as error:  # the service shows this message in the training's status
        log(f"{type(error).__name__}: {error}")
        emit("error", message=f"{type(error).__name__}: {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()
