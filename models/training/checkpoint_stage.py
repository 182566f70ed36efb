"""A resumable training stage for the service models' scripts (mesh/train.py, voice/train.py):
modules and optimiser in one checkpoint file with the steps and seconds spent so far."""
import os
import time

import torch


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, flush=True)


def save(path, obj):
    """torch.save through a temporary file: a stop mid-write never leaves a broken checkpoint."""
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


class Stage:
    """One resumable stage. A re-run continues from its checkpoint; a finished stage given a longer
    budget goes on (its schedule warms up again from where it stands)."""

    def __init__(self, path, name, modules, opt):
        self.path, self.name, self.modules, self.opt = path, name, modules, opt
        self.step, self.elapsed, self.saved = 0, 0.0, {}
        if os.path.exists(path):
            self.saved = torch.load(path)
            for key, m in modules.items():
                m.load_state_dict(self.saved[key])
            opt.load_state_dict(self.saved["opt"])
            self.step, self.elapsed = self.saved["step"], self.saved["elapsed"]
            log(f"{name}: resume at step {self.step} ({self.elapsed / 60:.1f} min)")

    def finished(self, budget_seconds):
        return self.saved.get("done", False) and self.elapsed >= budget_seconds

    def save(self, elapsed, **extra):
        save(self.path, {**{k: m.state_dict() for k, m in self.modules.items()}, "opt": self.opt.state_dict(),
                         "step": self.step, "elapsed": elapsed, **extra})
