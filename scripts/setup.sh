#!/usr/bin/env bash
# Installs what building and testing dlc needs, and nothing when it is all there
# (then it prints nothing). Safe to run again and again.
#
#   1. Debian packages (apt): checked with dpkg-query; `apt-get update` and
#      `apt-get install` run only for missing ones, through sudo when not root.
#   2. A Python virtual environment at <repo>/.venv with pinned packages,
#      installed only when missing or at another version.
#
# Works on a fresh Debian 12 that has git and a compiler toolchain.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

APT_PACKAGES=(
  cmake ninja-build ccache g++ clang libclang-rt-14-dev
  libboost-dev libboost-filesystem-dev
  libgtest-dev libgmock-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  python3 python3-venv python3-pip
  zlib1g-dev
  llvm-16-dev libzstd-dev libedit-dev libffi-dev libxml2-dev libtinfo-dev
  qemu-user g++-aarch64-linux-gnu
)
PIP_PACKAGES=(numpy==1.26.4 onnx==1.17.0 onnxruntime==1.20.1)

say() { echo "setup: $*"; }

# ---- 1. Debian packages ------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "setup: error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- 2. Python virtual environment --------------------------------------------
if ! "$VENV/bin/python3" -c "import pip" >/dev/null 2>&1; then
  say "creating the Python environment $VENV"
  python3 -m venv --clear "$VENV"
fi

# The pinned packages whose installed version differs (or which are absent).
wrong=()
mapfile -t wrong < <("$VENV/bin/python3" - "${PIP_PACKAGES[@]}" <<'EOF'
import sys
from importlib import metadata
for spec in sys.argv[1:]:
    name, want = spec.split("==")
    try:
        have = metadata.version(name)
    except metadata.PackageNotFoundError:
        have = None
    if have != want:
        print(spec)
EOF
)
if ((${#wrong[@]})); then
  say "installing Python packages into $VENV: ${wrong[*]}"
  "$VENV/bin/python3" -m pip install -q --disable-pip-version-check "${wrong[@]}"
fi
