#!/usr/bin/env python3
"""The C example end to end: `dlc compile --target=x86` writes an artifact,
examples/c_api/run_model (linked against libdlc_runtime only) runs it and
prints its outputs, which must equal the reference target's outputs for the
same inputs (run_model fills float input i with sin(0.1 * i)).

usage: c_example_model_test.py --dlc PATH --run-model PATH --model MODEL --work DIR
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    for a in ("--dlc", "--run-model", "--model", "--work"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    so = os.path.join(args.work, "model.so")
    subprocess.run([args.dlc, "compile", args.model, "--target=x86", "-o", so], check=True)
    libs = subprocess.run(["ldd", args.run_model], capture_output=True, text=True).stdout
    if "libdlc_core" in libs or "libdlc_runtime" not in libs:
        print(f"FAIL: run_model must link libdlc_runtime and not libdlc_core:\n{libs}")
        return 1
    out = subprocess.run([args.run_model, so], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL: run_model exited {out.returncode}: {out.stderr}")
        return 1
    print(out.stdout, end="")
    inputs = {m.group(1): [int(d) for d in m.group(2).split("x")]
              for m in re.finditer(r"^input \d+: (\S+) f32\[([0-9x]+)\]", out.stdout, re.M)}
    arrays = {n: np.sin(0.1 * np.arange(int(np.prod(s)), dtype=np.float64)).astype(np.float32).reshape(s)
              for n, s in inputs.items()}
    npz_in = os.path.join(args.work, "in.npz")
    npz_out = os.path.join(args.work, "ref.npz")
    np.savez(npz_in, **arrays)
    subprocess.run([args.dlc, "run", args.model, "--target=reference", "--inputs", npz_in, "-o", npz_out], check=True)
    ref = np.load(npz_out)
    printed = {m.group(1): float(m.group(2)) for m in re.finditer(r"^output \d+: (\S+) .*sum=(\S+)$", out.stdout, re.M)}
    if set(printed) != set(ref.files):
        print(f"FAIL: run_model printed outputs {sorted(printed)}, the model has {sorted(ref.files)}")
        return 1
    for name, s in printed.items():
        want = float(ref[name].astype(np.float64).sum())
        if abs(s - want) > 1e-4 * max(1.0, abs(want)):
            print(f"FAIL: output {name}: run_model's sum {s}, reference {want}")
            return 1
    print(f"ok   run_model's outputs match the reference ({', '.join(sorted(printed))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
