#!/usr/bin/env python3
"""Runs examples/c_api/run_model on the tiny test artifact and checks what it
prints (its inputs and outputs with types, each output's first values and sum),
its --help, and its exit status on a bad artifact.

usage: c_example_test.py --run-model RUN_MODEL --artifacts DIR [--emulator CMD...]
"""
import argparse
import math
import os
import re
import subprocess
import sys


def run(cmd, expect_rc):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != expect_rc:
        print(p.stdout)
        print(p.stderr)
        raise SystemExit(f"FAIL: {' '.join(cmd)} exited with {p.returncode}, expected {expect_rc}")
    return p


def expected_outputs():
    """The tiny model (tests/runtime/artifacts/tiny_model.c) on run_model's inputs."""
    x = [math.sin(i * 0.1) for i in range(6)]
    y = x
    w = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    z = [max(a + b, 0.0) * c for a, b, c in zip(x, y, w)]
    idx = [i % 7 for i in range(4)]
    scaled = [v * k for v, k in zip(idx, [1, 2, 3, 4])]
    return {"z": ("f32[2x3]", z), "x_copy": ("f32[2x3]", x), "scaled": ("i32[4]", scaled)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run-model", required=True)
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("--emulator", nargs="*", default=[])
    a = ap.parse_args()
    exe = a.emulator + [a.run_model]
    tiny = os.path.join(a.artifacts, "tiny.so")

    p = run(exe + ["--help"], 0)
    if not p.stdout.startswith("usage: run_model MODEL.so"):
        raise SystemExit("FAIL: --help does not start with the usage line:\n" + p.stdout)

    p = run(exe + [tiny, "--threads", "2", "--profile"], 0)
    out = p.stdout
    print(out)
    lines = out.splitlines()
    want_head = [
        re.compile(r"^model .*tiny\.so: dlc \d+\.\d+\.\d+, \w+, 4 kernels, 5 steps, weights 48 bytes, arena 128 bytes$"),
        re.compile(r"^threads: 2$"),
        re.compile(r"^input 0: x f32\[2x3\]$"),
        re.compile(r"^input 1: y f32\[2x3\]$"),
        re.compile(r"^input 2: idx i32\[4\]$"),
    ]
    for i, rx in enumerate(want_head):
        if i >= len(lines) or not rx.match(lines[i]):
            raise SystemExit(f"FAIL: line {i} {lines[i] if i < len(lines) else '(missing)'!r} does not match {rx.pattern}")

    exp = expected_outputs()
    outputs = [l for l in lines if l.startswith("output ")]
    if len(outputs) != 3:
        raise SystemExit(f"FAIL: expected 3 output lines, got {len(outputs)}")
    for i, (name, line) in enumerate(zip(["z", "x_copy", "scaled"], outputs)):
        m = re.match(rf"^output {i}: {name} (\S+) = (.*) sum=(\S+)$", line)
        if not m:
            raise SystemExit(f"FAIL: output line {line!r} is not 'output {i}: {name} TYPE = VALUES sum=S'")
        typ, values = exp[name]
        if m.group(1) != typ:
            raise SystemExit(f"FAIL: {name} has type {m.group(1)}, expected {typ}")
        got = [float(v) for v in m.group(2).split()]
        if len(got) != len(values) or any(abs(g - v) > 1e-5 * max(1.0, abs(v)) for g, v in zip(got, values)):
            raise SystemExit(f"FAIL: {name} = {got}, expected {values}")
        if abs(float(m.group(3)) - sum(values)) > 1e-4:
            raise SystemExit(f"FAIL: {name} sum = {m.group(3)}, expected {sum(values)}")

    steps = [l for l in lines if l.startswith("step ")]
    kernels = [re.match(r"^step \d+: (\S+) \d+ ns$", l).group(1) for l in steps]
    if kernels != ["add_f32", "relu_f32", "mul_f32", "copy", "scale_i32"]:
        raise SystemExit(f"FAIL: profile steps {kernels}")

    bad = os.path.join(a.artifacts, "format2.so")
    p = run(exe + [bad], 1)
    want = f"run_model: load: {bad}: artifact format version 2, this runtime reads 1"
    if p.stderr.strip() != want:
        raise SystemExit(f"FAIL: stderr {p.stderr.strip()!r}, expected {want!r}")
    run(exe, 2)
    print("PASS")


if __name__ == "__main__":
    main()
