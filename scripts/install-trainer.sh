#!/usr/bin/env bash
# Installs what the training service's trainer needs (packages/engine-training): Debian's Python
# with PyTorch, ONNX and NumPy, and OpenBLAS for torch. Idempotent: does nothing when they are there.
# Embedded Easel runs without them; only fine_tune / lora_fine_tune answer that they are missing.
set -euo pipefail
# Debian's torch calls the reference BLAS unless an optimised one is installed beside it: OpenBLAS makes
# its matrix products about 7x faster on these CPUs (update-alternatives switches libblas.so.3 to it).
have_openblas() { [ -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ] || [ "$(uname -m)" != x86_64 ]; }
/usr/bin/python3 -c 'import torch, onnx, numpy' 2>/dev/null && have_openblas && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
  echo "install-trainer.sh: need root (or sudo) to apt-get install python3-torch python3-onnx python3-numpy" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends python3-torch python3-onnx python3-numpy libopenblas0-pthread >/dev/null
echo "install-trainer.sh: installed torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
