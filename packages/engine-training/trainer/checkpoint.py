"""Resumable state: the trainable tensors, the optimiser, the step and the data generator, written
atomically so that a trainer killed mid-write leaves the previous checkpoint intact.
"""
import os

import torch


def save(path, step, params, optimizer, generator, running_loss):
    tmp = path + ".tmp"
    torch.save({
        "step": step,
        "params": {k: v.detach().clone() for k, v in params.items()},
        "optimizer": optimizer.state_dict(),
        "generator": generator.get_state(),
        "running_loss": running_loss,
    }, tmp)
    os.replace(tmp, path)


def load(path, params, optimizer, generator):
    """Restores into `params` (same keys) and returns (step, running_loss); (0, None) without a file."""
    if not os.path.exists(path):
        return 0, None
    state = torch.load(path, weights_only=False)
    missing = set(params) ^ set(state["params"])
    if missing:
        raise ValueError(f"checkpoint {path} does not match this training ({len(missing)} tensors differ)")
    with torch.no_grad():
        for k, v in params.items():
            v.copy_(state["params"][k])
    optimizer.load_state_dict(state["optimizer"])
    generator.set_state(state["generator"])
    return state["step"], state["running_loss"]
