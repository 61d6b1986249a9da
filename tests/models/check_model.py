#!/usr/bin/env python3
"""Runs a model made by make_models.py through `dlc run` and compares the
outputs with ONNX Runtime's (saved as NAME.expected.npz).

usage: check_model.py --dlc PATH --models-dir DIR --model NAME [--target reference]
                      [--rtol 1e-4] [--atol 1e-5]
An element matches when |got - expected| <= atol * max(1, max|expected|) +
rtol * |expected|: the absolute part scales with the output's magnitude, since
float32 round-off in a deep network grows with it (ONNX Runtime's own float32
result differs from a float64 evaluation by about 4e-6 of the largest logit).
Exit code 0 when every output matches, 1 otherwise.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--models-dir", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--target", default="reference")
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--atol", type=float, default=1e-5)
    args = ap.parse_args()

    base = os.path.join(args.models_dir, args.model)
    out = f"{base}.{args.target}.out.npz"
    if os.path.exists(out):
        os.remove(out)
    cmd = [args.dlc, "run", base + ".onnx", f"--target={args.target}", "--inputs", base + ".inputs.npz",
           "--output", out]
    start = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.time() - start
    if proc.returncode != 0:
        print(f"FAIL {args.model}: `{' '.join(cmd)}` exited {proc.returncode}\n{proc.stdout}{proc.stderr}")
        return 1
    expected = np.load(base + ".expected.npz")
    got = np.load(out)
    ok = True
    for name in expected.files:
        if name not in got.files:
            print(f"FAIL {args.model}: output '{name}' missing (got {got.files})")
            ok = False
            continue
        e, g = expected[name], got[name]
        if e.shape != g.shape or e.dtype != g.dtype:
            print(f"FAIL {args.model}: output '{name}' is {g.dtype}{list(g.shape)}, expected {e.dtype}{list(e.shape)}")
            ok = False
            continue
        err = np.abs(e.astype(np.float64) - g.astype(np.float64))
        scale = max(1.0, float(np.max(np.abs(e)))) if e.size else 1.0
        bound = args.atol * scale + args.rtol * np.abs(e.astype(np.float64))
        worst = float(np.max(err - bound)) if err.size else 0.0
        if worst > 0 or np.isnan(g).any() != np.isnan(e).any():
            i = int(np.argmax(err - bound))
            print(f"FAIL {args.model}: output '{name}' max abs error {float(err.max()):.3g}; worst at flat index {i}: "
                  f"expected {e.flat[i]!r}, got {g.flat[i]!r} (rtol {args.rtol}, atol {args.atol} x {scale:.3g})")
            ok = False
        else:
            print(f"ok   {args.model}: output '{name}' {list(e.shape)} matches ONNX Runtime "
                  f"(max abs error {float(err.max()):.3g}, rtol {args.rtol}, atol {args.atol}) in {elapsed:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
