#!/usr/bin/env python3
"""A random-weight voice in Piper's format, for tests: en_US-random-medium.onnx + .onnx.json.

It has Piper's interface exactly (inputs `input` int64 [1, n], `input_lengths` int64 [1], `scales`
float32 [3] = [noise_scale, length_scale, noise_w]; output `output` float32 [1, 1, 1, samples] at
22,050 Hz, 256 samples a frame) and VITS's shape in miniature: phoneme embeddings, a duration per
phoneme (exp of a projection, plus noise × noise_w, × length_scale), frames repeated by duration,
noise × noise_scale on the frames (RandomNormalLike, as VITS's prior sampling), a decoder to
samples. Random weights: it speaks noise and proves the interface.

Run: /usr/bin/python3 models/training/piper/make_random_voice.py  (Debian's python3-torch, python3-onnx)
"""
import json
import os

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "piper-random")
NAME = "en_US-random-medium"
HOP = 256
RATE = 22050

# Piper's specials, then the IPA the engine's ARPAbet map writes (one codepoint each) and punctuation.
SYMBOLS = ["_", "^", "$", " ", "!", ",", ".", "?"] + list("abdefhijklmnopstuvwzæðŋɑɔəɚɛɡɪɹɾʃʊʌʒθː")


class RandomVits(nn.Module):
    def __init__(self, symbols: int, channels: int = 16):
        super().__init__()
        self.embed = nn.Embedding(symbols, channels)
        self.encode = nn.Conv1d(channels, channels, 3, padding=1)
        self.duration = nn.Linear(channels, 1)
        self.decode = nn.Linear(channels, HOP)
        with torch.no_grad():
            self.duration.weight.mul_(0.1)
            self.duration.bias.fill_(2.2)  # about 9 frames (104 ms) a symbol before noise

    def forward(self, input, input_lengths, scales):
        noise_scale, length_scale, noise_w = scales[0], scales[1], scales[2]
        h = self.embed(input[0, : input_lengths[0]])  # [n, c]
        h = torch.tanh(self.encode(h.t().unsqueeze(0))[0].t())
        logw = self.duration(h)[:, 0]
        logw = logw + 0.3 * noise_w * torch.randn_like(logw)
        frames = torch.ceil(torch.exp(logw) * length_scale).clamp(min=1)
        ends = torch.cumsum(frames, 0)
        starts = ends - frames
        t = torch.arange(0, ends[-1].long(), dtype=torch.long).to(h.dtype)
        align = ((t[:, None] >= starts[None, :]) & (t[:, None] < ends[None, :])).to(h.dtype)  # [T, n]
        z = align @ h
        z = z + noise_scale * torch.randn_like(z)
        audio = 0.3 * torch.tanh(self.decode(z)).reshape(1, 1, 1, -1)
        return audio


def main():
    torch.manual_seed(24)
    model = RandomVits(len(SYMBOLS)).eval()
    os.makedirs(OUT, exist_ok=True)
    onnx_path = os.path.join(OUT, NAME + ".onnx")
    example = (torch.tensor([[1, 0, 10, 0, 2]], dtype=torch.long), torch.tensor([5], dtype=torch.long), torch.tensor([0.667, 1.0, 0.8]))
    torch.onnx.export(
        model,
        example,
        onnx_path,
        input_names=["input", "input_lengths", "scales"],
        output_names=["output"],
        dynamic_axes={"input": {0: "batch_size", 1: "phonemes"}, "input_lengths": {0: "batch_size"}, "output": {0: "batch_size", 3: "time"}},
        opset_version=15,
    )
    config = {
        "audio": {"sample_rate": RATE, "quality": "medium"},
        "espeak": {"voice": "en-us"},
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": {s: [i] for i, s in enumerate(SYMBOLS)},
        "num_symbols": len(SYMBOLS),
        "num_speakers": 1,
        "speaker_id_map": {},
        "piper_version": "1.0.0",
        "language": {"code": "en_US", "family": "en", "region": "US", "name_native": "English", "name_english": "English", "country_english": "United States"},
        "dataset": "random",
    }
    with open(os.path.join(OUT, NAME + ".onnx.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(onnx_path, os.path.getsize(onnx_path), "bytes")


if __name__ == "__main__":
    main()
