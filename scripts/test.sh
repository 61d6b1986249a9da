#!/usr/bin/env bash
# Builds dlc (release preset, build/) and runs the whole test suite.
# Extra arguments go to ctest, e.g. `bash scripts/test.sh -R cli`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

export CCACHE_BASEDIR="$ROOT"
JOBS="${DLC_JOBS:-$(nproc)}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! cmake --preset release -DDLC_PYTHON="$ROOT/.venv/bin/python3" >"$log" 2>&1; then
  cat "$log" >&2
  echo "test: error: configuring failed" >&2
  exit 1
fi
cmake --build build -j "$JOBS"
ctest --test-dir build -j2 --output-on-failure "$@"
