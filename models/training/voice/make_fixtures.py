#!/usr/bin/python3
"""packages/engine-voice/src/cloning/fixtures/: a short 16-bit WAV (a training speaker's first
utterance, its first 0.6 s) and features.py's log-mel and log-magnitude of it, for mel.test.ts.

    /usr/bin/python3 models/training/voice/make_fixtures.py <a 16-bit mono 16 kHz WAV>
"""
import json
import os
import sys
import wave

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import features as FE  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "..", "packages", "engine-voice", "src", "cloning", "fixtures")

with wave.open(sys.argv[1]) as w:
    pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)[: int(0.6 * w.getframerate())]
    rate = w.getframerate()
os.makedirs(OUT, exist_ok=True)
with wave.open(os.path.join(OUT, "speech.wav"), "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(rate)
    w.writeframes(pcm.tobytes())
x = torch.from_numpy(pcm.astype(np.float64) / 32768)
f = FE.Features(FE.CLONER)
mel, mag = f.both(x)
with open(os.path.join(OUT, "features.json"), "w") as fh:
    json.dump({"params": FE.CLONER, "log_mel": [[round(v, 5) for v in r] for r in mel.tolist()],
               "log_magnitude_rows": [0, 10, 20], "log_magnitude": [[round(v, 5) for v in mag[i].tolist()] for i in (0, 10, 20)]}, fh)
print(mel.shape, mag.shape)
