#!/usr/bin/env python3
"""Builds a small ONNX model, a two-layer perceptron with a symbolic batch
dim, with seeded weights; and checks dlc's outputs for it against ONNX Runtime.

    python3 make_onnx_mlp.py build DIR        # DIR/mlp.onnx and DIR/mlp_inputs.npz
    python3 make_onnx_mlp.py check DIR OUT    # compares OUT (.npz from dlc run) with ONNX Runtime
"""
import os
import sys

import numpy as np


def build(out_dir):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    w1 = rng.standard_normal((8, 16)).astype(np.float32) * 0.5
    b1 = rng.standard_normal(16).astype(np.float32) * 0.1
    w2 = rng.standard_normal((16, 4)).astype(np.float32) * 0.5
    b2 = rng.standard_normal(4).astype(np.float32) * 0.1
    inits = [numpy_helper.from_array(a, n) for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h1"], name="fc1"),
        helper.make_node("Add", ["h1", "b1"], ["h2"], name="fc1_bias"),
        helper.make_node("Relu", ["h2"], ["h3"], name="relu"),
        helper.make_node("MatMul", ["h3", "w2"], ["h4"], name="fc2"),
        helper.make_node("Add", ["h4", "b2"], ["h5"], name="fc2_bias"),
        helper.make_node("Sigmoid", ["h5"], ["probs"], name="sigmoid"),
    ]
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 4])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="examples/models/make_onnx_mlp.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    os.makedirs(out_dir, exist_ok=True)
    onnx.save(model, os.path.join(out_dir, "mlp.onnx"))
    x = np.random.default_rng(1).standard_normal((2, 8)).astype(np.float32)
    np.savez(os.path.join(out_dir, "mlp_inputs.npz"), x=x)


def check(out_dir, outputs):
    import onnxruntime as ort

    sess = ort.InferenceSession(os.path.join(out_dir, "mlp.onnx"), providers=["CPUExecutionProvider"])
    inputs = dict(np.load(os.path.join(out_dir, "mlp_inputs.npz")))
    want = sess.run(None, inputs)[0]
    got = np.load(outputs)["probs"]
    diff = float(np.max(np.abs(got - want)))
    print(f"dlc vs ONNX Runtime: shape {got.shape}, max abs difference {diff:.3g}")
    if got.shape != want.shape or diff > 1e-5:
        print("outputs differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        build(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
