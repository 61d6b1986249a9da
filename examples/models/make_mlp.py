#!/usr/bin/env python3
"""Writes examples/models/mlp.dlcir: a two-layer perceptron in dlc text IR,
with some redundancy for the optimizer to remove (an Identity, a multiply by
ones, a subtract of zeros, an unused Tanh and a bias computed from two
constants). The weights are small exact binary fractions given by formulas, so
tests can rebuild them with numpy (`weights()`).

    python3 examples/models/make_mlp.py > examples/models/mlp.dlcir
"""
import sys

import numpy as np


def weights():
    i, j = np.meshgrid(np.arange(8), np.arange(4), indexing="ij")
    w1 = (((3 * i + 5 * j) % 11) - 5) / 8
    i, j = np.meshgrid(np.arange(4), np.arange(4), indexing="ij")
    w2 = (((7 * i + 2 * j) % 9) - 4) / 8
    return {
        "w1": w1.astype(np.float32),
        "b1": ((np.arange(4) - 1.5) / 4).astype(np.float32),
        "one": np.ones(4, np.float32),
        "zero": np.zeros(4, np.float32),
        "w2": w2.astype(np.float32),
        "b2a": np.array([0.25, -0.5, 0.75, 0.0], np.float32),
        "b2b": np.array([0.125, 0.125, -0.25, 0.5], np.float32),
    }


def reference(x):
    """What the model computes, in numpy."""
    w = weights()
    h = np.maximum(x.astype(np.float32) @ w["w1"] + w["b1"], 0)
    h = h * w["one"] - w["zero"]
    h = h @ w["w2"] + (w["b2a"] + w["b2b"])
    return 1 / (1 + np.exp(-h))


def tensor_type(a):
    return "tensor<" + "".join(f"{d}x" for d in a.shape) + "f32>"


def constant(a):
    if a.size > 16:  # large constants are written as their little-endian bytes
        return f"{tensor_type(a)} 0x{a.astype('<f4').tobytes().hex().upper()}"
    return f"{tensor_type(a)} [{', '.join(repr(float(v)) for v in a.reshape(-1))}]"


def text():
    lines = ['module @mlp attributes {producer = "examples/models/make_mlp.py"} {',
             "  func @main(%x: tensor<4x8xf32>) {"]
    for name, a in weights().items():
        lines.append(f"    %{name} = const {constant(a)}")
    t = "tensor<4x4xf32>"
    lines += [
        f"    %h1 = MatMul(%x, %w1) : {t}",
        f"    %h2 = Add(%h1, %b1) : {t}",
        f"    %h3 = Relu(%h2) : {t}",
        f"    %h4 = Identity(%h3) : {t}",
        f"    %h5 = Mul(%h4, %one) : {t}",
        f"    %h6 = Sub(%h5, %zero) : {t}",
        f"    %unused = Tanh(%h3) : {t}",
        f"    %b2 = Add(%b2a, %b2b) : tensor<4xf32>",
        f"    %h7 = MatMul(%h6, %w2) : {t}",
        f"    %h8 = Add(%h7, %b2) : {t}",
        f"    %y = Sigmoid(%h8) : {t}",
        "    return %y",
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(text())
