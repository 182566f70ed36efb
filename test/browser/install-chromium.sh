#!/usr/bin/env bash
# Installs Debian's Chromium for test/browser (playwright-core drives it; it downloads no browser of
# its own). Idempotent: does nothing when /usr/bin/chromium is there.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
  echo "install-chromium.sh: need root (or sudo) to apt-get install chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "install-chromium.sh: installed $(/usr/bin/chromium --version)"
