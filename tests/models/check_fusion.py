#!/usr/bin/env python3
"""Checks what fusion leaves of ResNet-50: no BatchNormalization (all folded
into conv weights) and one kernel per conv plus the max pool, the global
average pool (with its flatten), the classifier gemm and the three input
subsamplings of the strided 1x1 downsample convs (conv-subsample: one Slice
each); every Relu and residual Add is fused into a conv's kernel.

usage: check_fusion.py --dlc PATH --model resnet50.onnx
"""
import argparse
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dlc", required=True)
    ap.add_argument("--model", required=True)
    args = ap.parse_args()
    out = subprocess.run([args.dlc, "inspect", args.model, "-O2", "--no-ir"], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"FAIL: dlc inspect exited {out.returncode}: {out.stderr}")
        return 1
    text = out.stdout
    ops = dict((m.group(1), int(m.group(2))) for m in re.finditer(r"^\s+(\w+):\s+(\d+)$", text, re.M))
    kernels = re.search(r"kernels: (\d+)", text)
    if not kernels:
        print("FAIL: no kernel count in dlc inspect's output\n" + text)
        return 1
    kernels = int(kernels.group(1))
    convs = ops.get("Conv", 0)
    slices = ops.get("Slice", 0)
    want = convs + 3 + slices  # + MaxPool, GlobalAveragePool(+Flatten), Gemm, Slices
    problems = []
    if slices != 3:
        problems.append(f"{slices} Slice, expected one for each of the 3 strided 1x1 downsample convs")
    if ops.get("BatchNormalization", 0):
        problems.append(f"{ops['BatchNormalization']} BatchNormalization left")
    if convs != 53:
        problems.append(f"{convs} Conv, expected the 53 of ResNet-50")
    if kernels > want:
        problems.append(f"{kernels} kernels, expected at most {want} ({convs} convs + pool, pool, classifier, slices)")
    if problems:
        print("FAIL: " + "; ".join(problems) + "\n" + text)
        return 1
    print(f"ok   resnet50: {kernels} kernels for {convs} convs (+ max pool, global pool, classifier, {slices} slices); "
          "no BatchNormalization")
    return 0


if __name__ == "__main__":
    sys.exit(main())
