#!/usr/bin/env bash
# Installs what dag-gan needs on a fresh Debian/Ubuntu machine and builds it:
#   1. libtorch and OpenBLAS (for the native `torch` backend), when apt-get can install them;
#   2. the npm dependencies (npm ci, from package-lock.json);
#   3. the TypeScript build and the native addon (skipped with one line if libtorch is absent:
#      dag-gan then runs on the portable wasm backend).
# Safe to run again: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

system_packages=(libtorch-dev libopenblas0-pthread)
missing=()
for package in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]} (for the native torch backend)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
    echo "setup: installing ${missing[*]} with sudo (for the native torch backend)"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: ${missing[*]} not installed and apt-get unavailable: the torch backend is skipped"
  fi
fi

# `npm ci` runs the package's `prepare` script, which builds the TypeScript and the addon.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm run --silent build
  npm run --silent build:native
fi
