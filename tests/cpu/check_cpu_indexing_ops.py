#!/usr/bin/env python3
"""The indexing, recurrent and signal templates (Split, ScatterElements,
ScatterND, TopK, Einsum, RNN/GRU/LSTM, DFT, Det) and the indexing ops inlined
into fused groups (GatherND, ReverseSequence, CenterCropPad, Pad edge/reflect/
wrap), each in a small model with neighbouring ops so fusion is exercised;
checked against ONNX Runtime like check_cpu_ops.py, whose runner this reuses.

usage: check_cpu_indexing_ops.py --dlc PATH --work DIR [--filter SUBSTRING] [--target x86]
"""
import sys

import numpy as np
from onnx import helper

import check_cpu_ops as base
from check_cpu_ops import Case, rand


def i64(*v):
    return np.array(v, np.int64)


def cases():
    return [
        Case("split_uneven_then_mul",
             [helper.make_node("Split", ["x", "sp"], ["a", "b", "c"], axis=1),
              helper.make_node("Mul", ["a", "s"], ["y0"]), helper.make_node("Relu", ["c"], ["y2"])],
             {"x": rand(2, 10, 3)}, ["y0", "b", "y2"], {"sp": i64(2, 5, 3), "s": rand(3)}, opset=18),
        Case("scatternd_add_relu",
             [helper.make_node("ScatterND", ["x", "idx", "u"], ["s"], reduction="add"),
              helper.make_node("Relu", ["s"], ["y"])],
             {"x": rand(4, 3, 5)}, ["y"], {"idx": i64(1, 3, 1, -4).reshape(4, 1), "u": rand(4, 3, 5)}),
        Case("scatter_elements_mul_neg_axis",
             [helper.make_node("ScatterElements", ["x", "idx", "u"], ["y"], axis=-1, reduction="mul")],
             {"x": rand(3, 6)}, ["y"], {"idx": i64(0, 5, 0, -1, 2, 2, 1, 1, 4).reshape(3, 3), "u": rand(3, 3)}),
        Case("gathernd_batch_in_chain",
             [helper.make_node("Exp", ["x"], ["e"]),
              helper.make_node("GatherND", ["e", "idx"], ["g"], batch_dims=1),
              helper.make_node("Add", ["g", "b"], ["y"])],
             {"x": rand(2, 4, 3, 5)}, ["y"], {"idx": i64(0, 1, 3, -1, 2, 2, 1, 0).reshape(2, 2, 2), "b": rand(5)}),
        Case("reversesequence_batch_axis0",
             [helper.make_node("Tanh", ["x"], ["t"]),
              helper.make_node("ReverseSequence", ["t", "lens"], ["y"], batch_axis=0, time_axis=1)],
             {"x": rand(3, 5, 2)}, ["y"], {"lens": i64(5, 1, 3)}),
        Case("center_crop_pad_mixed",
             [helper.make_node("Sigmoid", ["x"], ["s"]),
              helper.make_node("CenterCropPad", ["s", "shape"], ["y"], axes=[0, 2])],
             {"x": rand(7, 3, 4)}, ["y"], {"shape": i64(4, 9)}, opset=18),
        Case("pad_reflect",
             [helper.make_node("Pad", ["x", "pads"], ["y"], mode="reflect")],
             {"x": rand(2, 5, 6)}, ["y"], {"pads": i64(0, 3, 1, 0, 2, 4)}),
        Case("pad_wrap_edge",
             [helper.make_node("Pad", ["x", "p1"], ["w"], mode="wrap"),
              helper.make_node("Pad", ["w", "p2"], ["y"], mode="edge")],
             {"x": rand(3, 4)}, ["y"], {"p1": i64(2, 3, 1, 2), "p2": i64(1, 0, 0, 2)}, opset=19),
        Case("topk_smallest_axis0_ties",
             [helper.make_node("Round", ["x"], ["r"]),
              helper.make_node("TopK", ["r", "k"], ["y", "i"], axis=0, largest=0)],
             {"x": rand(9, 4) * 2}, ["y"], {"k": i64(4)}),
        Case("einsum_batch_matmul_bias",
             [helper.make_node("Einsum", ["a", "w"], ["e"], equation="bij,jk->bik"),
              helper.make_node("Add", ["e", "b"], ["y"])],
             {"a": rand(2, 3, 7)}, ["y"], {"w": rand(7, 37), "b": rand(37)}),
        Case("einsum_ellipsis_diagonal",
             [helper.make_node("Einsum", ["a"], ["y"], equation="...ii->...i")], {"a": rand(2, 3, 4, 4)}, ["y"]),
        Case("lstm_bidirectional_peepholes",
             [helper.make_node("LSTM", ["x", "w", "r", "b", "", "", "", "p"], ["y", "yh", "yc"],
                               hidden_size=5, direction="bidirectional")],
             {"x": rand(4, 2, 3)}, ["y", "yh", "yc"],
             {"w": rand(2, 20, 3) * 0.5, "r": rand(2, 20, 5) * 0.5, "b": rand(2, 40) * 0.5, "p": rand(2, 15) * 0.5}),
        Case("gru_reverse_linear_before_reset",
             [helper.make_node("GRU", ["x", "w", "r", "b"], ["y", "yh"], hidden_size=4, direction="reverse",
                               linear_before_reset=1)],
             {"x": rand(3, 2, 6)}, ["y", "yh"],
             {"w": rand(1, 12, 6) * 0.5, "r": rand(1, 12, 4) * 0.5, "b": rand(1, 24) * 0.5}),
        Case("rnn_bidirectional_relu",
             [helper.make_node("RNN", ["x", "w", "r"], ["y", "yh"], hidden_size=3, direction="bidirectional",
                               activations=["Relu", "Tanh"])],
             {"x": rand(5, 2, 4)}, ["y", "yh"], {"w": rand(2, 3, 4), "r": rand(2, 3, 3)}, opset=14),
        Case("dft_onesided_axis1",
             [helper.make_node("DFT", ["x", "", "axis"], ["y"], onesided=1)],
             {"x": rand(2, 9, 3, 1)}, ["y"], {"axis": i64(1).reshape(())}, opset=20),
        Case("det_batch",
             [helper.make_node("Det", ["x"], ["d"]), helper.make_node("Abs", ["d"], ["y"])],
             {"x": rand(3, 2, 5, 5)}, ["y"]),
    ]


if __name__ == "__main__":
    base.cases = cases
    sys.exit(base.main())
