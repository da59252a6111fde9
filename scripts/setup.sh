#!/usr/bin/env bash
# Installs what supportkit needs on a fresh Debian/Ubuntu machine and is a no-op when everything is there:
# the system libraries the package links (libxml2, SQLite, libcurl, OpenBLAS, oneDNN) and the local embedding model.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libxml2-dev libsqlite3-dev libcurl4-openssl-dev libopenblas-dev libdnnl-dev pkg-config python3-pip unzip)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# python3 with pip may come from elsewhere (pyenv); only ask apt for pip when none is usable.
if python3 -m pip --version >/dev/null 2>&1; then
  missing=("${missing[@]/python3-pip}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "installing system packages: ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "error: swift is not on PATH; install Swift 6.1 or newer" >&2; exit 1; }
bash scripts/fetch-model.sh
