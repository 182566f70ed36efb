#!/usr/bin/env bash
# Installs what test/helm/chart.test.ts needs to build its chart renderer: Go and
# the Go sources of sprig (Helm's template functions), ghodss/yaml (Helm's YAML
# handling) and gojsonschema (Helm 3's values.schema.json validator), all Debian
# packages. Idempotent: does nothing (and prints nothing) when they are present.
set -euo pipefail

packages=(golang-go golang-github-masterminds-sprig-dev golang-github-ghodss-yaml-dev golang-github-xeipuuv-gojsonschema-dev)
gocode=/usr/share/gocode/src/github.com

present() {
  command -v go >/dev/null 2>&1 &&
    [ -d "$gocode/Masterminds/sprig" ] && [ -d "$gocode/Masterminds/semver" ] &&
    [ -d "$gocode/ghodss/yaml" ] && [ -d "$gocode/xeipuuv/gojsonschema" ]
}

present && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo -n)
else
  echo "install-toolchain.sh: need root (or sudo) to apt-get install ${packages[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

if ! present; then
  echo "install-toolchain.sh: installed ${packages[*]} but the Go toolchain or sources are still missing" >&2
  exit 1
fi
echo "install-toolchain.sh: installed $(go version)"
