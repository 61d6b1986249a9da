#!/usr/bin/env python3
"""Times a model with ONNX Runtime (CPU, all graph optimizations, the given
intra-op thread count), the way bench/runner.c times dlc: warm-up runs, then
timed runs. With --baseline it only imports numpy and onnxruntime (the
interpreter's own resident memory, reported next to ORT's).

usage: ort_runner.py MODEL.onnx INPUTS.npz THREADS WARMUP REPEAT | ort_runner.py --baseline
prints {"latency_ms": {"min", "median", "mean"}, "threads": T}
"""
import json
import sys
import time

import numpy as np
import onnxruntime as ort


def main():
    if sys.argv[1:] == ["--baseline"]:
        print(json.dumps({"baseline": True}))
        return
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    model, inputs, threads, warmup, repeat = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
    feed = dict(np.load(inputs))
    for _ in range(warmup):
        sess.run(None, feed)
    times = []
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        sess.run(None, feed)
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    n = len(times)
    median = times[n // 2] if n % 2 else (times[n // 2 - 1] + times[n // 2]) / 2
    print(json.dumps({"latency_ms": {"min": times[0], "median": median, "mean": sum(times) / n}, "threads": threads}))


if __name__ == "__main__":
    main()
