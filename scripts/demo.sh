#!/usr/bin/env bash
# Builds dlc (release preset, build/) and shows it at work on the example
# models in examples/models/: each step prints the command it runs, then its
# output. Add a step with `step "what it shows" command args...`; the demo
# stops at the first step that fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

export CCACHE_BASEDIR="$ROOT"
JOBS="${DLC_JOBS:-$(nproc)}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "==> configuring and building dlc (build/)"
if ! cmake --preset release -DDLC_PYTHON="$ROOT/.venv/bin/python3" >"$log" 2>&1; then
  cat "$log" >&2
  echo "demo: error: configuring failed" >&2
  exit 1
fi
if ! cmake --build build -j "$JOBS" >"$log" 2>&1; then
  cat "$log" >&2
  echo "demo: error: building failed" >&2
  exit 1
fi

DLC="$ROOT/build/bin/dlc"
OUT="$ROOT/build/demo"
mkdir -p "$OUT"

step() {
  local what="$1"
  shift
  echo
  echo "==> $what"
  echo "\$ ${*/#$ROOT\//}"
  "$@"
}

step "what is loaded: plugins, frontends, passes, targets" \
  "$DLC" plugins
step "a small model: its IR and op statistics" \
  "$DLC" inspect examples/models/mlp.dlcir
step "optimizing it at -O2: the IR after every pass (stderr), and the time each took" \
  "$DLC" compile examples/models/mlp.dlcir -O2 --print-after-all --time-passes -o "$OUT/mlp.opt.dlcir"
step "the optimized model's statistics, to compare with the ones above" \
  "$DLC" inspect "$OUT/mlp.opt.dlcir" --no-ir
step "running it on the reference target (random inputs, seeded)" \
  "$DLC" run "$OUT/mlp.opt.dlcir" --target=reference --print

PY="$ROOT/.venv/bin/python3"
step "an ONNX model with a symbolic batch dim, built with the onnx package" \
  "$PY" examples/models/make_onnx_mlp.py build "$OUT"
step "importing it, with the batch fixed to 2" \
  "$DLC" inspect "$OUT/mlp.onnx" --input-shapes x=2x8 --no-ir
step "running it on the reference target" \
  "$DLC" run "$OUT/mlp.onnx" --inputs "$OUT/mlp_inputs.npz" -o "$OUT/mlp_outputs.npz" --print
step "the same outputs as ONNX Runtime" \
  "$PY" examples/models/make_onnx_mlp.py check "$OUT" "$OUT/mlp_outputs.npz"

step "compiling it for this CPU (target x86): one shared library with kernels, weights and plan" \
  "$DLC" compile "$OUT/mlp.onnx" --input-shapes x=2x8 --target=x86 -O3 -o "$OUT/mlp.so"
step "what the artifact holds" \
  "$DLC" inspect "$OUT/mlp.so"
step "running the artifact: the same outputs as above" \
  "$DLC" run "$OUT/mlp.so" --inputs "$OUT/mlp_inputs.npz" -o "$OUT/mlp_x86_outputs.npz" --print
step "and the same as ONNX Runtime" \
  "$PY" examples/models/make_onnx_mlp.py check "$OUT" "$OUT/mlp_x86_outputs.npz"
step "timing it" \
  "$DLC" bench "$OUT/mlp.so" --repeat 100 --threads 1

echo
echo "demo: done; its files are in ${OUT#$ROOT/}/"
