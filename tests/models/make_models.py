#!/usr/bin/env python3
"""Builds the standard test models as ONNX files with seeded random weights.

  resnet50     ResNet-50 v1.5 (1x3x224x224 -> 1x1000)
  mobilenetv2  MobileNetV2 (1x3x224x224 -> 1x1000)
  bert         a BERT-style encoder: 4 layers, hidden 256, 4 heads, seq 128

For each model NAME it writes NAME.onnx, NAME.inputs.npz (seeded inputs) and
NAME.expected.npz (ONNX Runtime's outputs for those inputs).

usage: make_models.py OUTDIR [--models resnet50,mobilenetv2,bert] [--no-expected]
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


class Builder:
    """Accumulates nodes and initializers with unique names."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.inits = []
        self.count = 0

    def name(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def const(self, base, array):
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def node(self, op, inputs, n_out=1, **attrs):
        outs = [self.name(op.lower()) for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=self.name(op), **attrs))
        return outs[0] if n_out == 1 else outs

    def weight(self, base, shape, fan_in):
        w = self.rng.standard_normal(shape).astype(np.float32) * np.float32(np.sqrt(2.0 / fan_in))
        return self.const(base, w)

    def conv_bn(self, x, cin, cout, k, stride=1, group=1, act="relu"):
        w = self.weight("w", (cout, cin // group, k, k), cin // group * k * k)
        y = self.node("Conv", [x, w], kernel_shape=[k, k], strides=[stride, stride],
                      pads=[k // 2] * 4, group=group)
        scale = self.const("bn_scale", self.rng.uniform(0.5, 1.5, cout).astype(np.float32))
        bias = self.const("bn_bias", self.rng.uniform(-0.2, 0.2, cout).astype(np.float32))
        mean = self.const("bn_mean", self.rng.uniform(-0.2, 0.2, cout).astype(np.float32))
        var = self.const("bn_var", self.rng.uniform(0.5, 1.5, cout).astype(np.float32))
        y = self.node("BatchNormalization", [y, scale, bias, mean, var], epsilon=1e-5)
        if act == "relu":
            y = self.node("Relu", [y])
        elif act == "relu6":
            lo = self.const("clip_min", np.array(0.0, np.float32))
            hi = self.const("clip_max", np.array(6.0, np.float32))
            y = self.node("Clip", [y, lo, hi])
        return y

    def classifier(self, x, cin, classes=1000):
        y = self.node("GlobalAveragePool", [x])
        y = self.node("Flatten", [y], axis=1)
        w = self.weight("fc_w", (classes, cin), cin)
        b = self.const("fc_b", np.zeros(classes, np.float32))
        return self.node("Gemm", [y, w, b], transB=1)

    def model(self, name, inputs, outputs):
        graph = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dlc-tests")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def resnet50(seed=50):
    b = Builder(seed)
    x = b.conv_bn("input", 3, 64, 7, stride=2)
    x = b.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for stage, (width, blocks) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)]):
        for i in range(blocks):
            stride = 2 if (i == 0 and stage > 0) else 1
            cout = width * 4
            y = b.conv_bn(x, cin, width, 1)
            y = b.conv_bn(y, width, width, 3, stride=stride)
            y = b.conv_bn(y, width, cout, 1, act=None)
            if i == 0:
                x = b.conv_bn(x, cin, cout, 1, stride=stride, act=None)
            x = b.node("Relu", [b.node("Add", [y, x])])
            cin = cout
    out = b.classifier(x, cin)
    b.nodes[-1].output[0] = "logits"
    return b.model("resnet50", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
                   [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])]), \
        {"input": b.rng.standard_normal((1, 3, 224, 224)).astype(np.float32)}


def mobilenetv2(seed=2):
    b = Builder(seed)
    x = b.conv_bn("input", 3, 32, 3, stride=2, act="relu6")
    cin = 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
                       (6, 160, 3, 2), (6, 320, 1, 1)]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = cin * t
            y = x
            if t != 1:
                y = b.conv_bn(y, cin, hidden, 1, act="relu6")
            y = b.conv_bn(y, hidden, hidden, 3, stride=stride, group=hidden, act="relu6")
            y = b.conv_bn(y, hidden, c, 1, act=None)
            x = b.node("Add", [x, y]) if (stride == 1 and cin == c) else y
            cin = c
    x = b.conv_bn(x, cin, 1280, 1, act="relu6")
    b.classifier(x, 1280)
    b.nodes[-1].output[0] = "logits"
    return b.model("mobilenetv2", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
                   [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])]), \
        {"input": b.rng.standard_normal((1, 3, 224, 224)).astype(np.float32)}


def bert(seed=7, layers=4, hidden=256, heads=4, seq=128, vocab=1000, ffn=1024):
    b = Builder(seed)
    head_dim = hidden // heads

    def dense(x, cin, cout):
        w = b.const("dense_w", (b.rng.standard_normal((cin, cout)) * 0.02).astype(np.float32))
        bias = b.const("dense_b", (b.rng.standard_normal(cout) * 0.02).astype(np.float32))
        return b.node("Add", [b.node("MatMul", [x, w]), bias])

    def layer_norm(x):
        g = b.const("ln_g", b.rng.uniform(0.8, 1.2, hidden).astype(np.float32))
        beta = b.const("ln_b", b.rng.uniform(-0.1, 0.1, hidden).astype(np.float32))
        return b.node("LayerNormalization", [x, g, beta], axis=-1, epsilon=1e-12)

    word = b.const("word_emb", (b.rng.standard_normal((vocab, hidden)) * 0.02).astype(np.float32))
    pos = b.const("pos_emb", (b.rng.standard_normal((1, seq, hidden)) * 0.02).astype(np.float32))
    x = b.node("Add", [b.node("Gather", [word, "input_ids"], axis=0), pos])
    x = layer_norm(x)
    # Additive attention mask from the 0/1 mask: (1 - mask) * -10000, shape [1,1,1,seq].
    m = b.node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    m = b.node("Unsqueeze", [m, b.const("axes", np.array([1, 2], np.int64))])
    m = b.node("Mul", [b.node("Sub", [b.const("one", np.array(1.0, np.float32)), m]),
                       b.const("neg", np.array(-10000.0, np.float32))])
    split_shape = b.const("heads_shape", np.array([1, seq, heads, head_dim], np.int64))
    merge_shape = b.const("merge_shape", np.array([1, seq, hidden], np.int64))
    scale = b.const("scale", np.array(np.sqrt(head_dim), np.float32))
    for _ in range(layers):
        def heads_of(t, perm):
            return b.node("Transpose", [b.node("Reshape", [t, split_shape])], perm=perm)
        q = heads_of(dense(x, hidden, hidden), [0, 2, 1, 3])
        k = heads_of(dense(x, hidden, hidden), [0, 2, 3, 1])
        v = heads_of(dense(x, hidden, hidden), [0, 2, 1, 3])
        s = b.node("Add", [b.node("Div", [b.node("MatMul", [q, k]), scale]), m])
        p = b.node("Softmax", [s], axis=-1)
        ctx = b.node("Transpose", [b.node("MatMul", [p, v])], perm=[0, 2, 1, 3])
        ctx = b.node("Reshape", [ctx, merge_shape])
        x = layer_norm(b.node("Add", [dense(ctx, hidden, hidden), x]))
        h = dense(x, hidden, ffn)
        # GELU as exported by frameworks: 0.5 * h * (1 + erf(h / sqrt(2)))
        g = b.node("Erf", [b.node("Div", [h, b.const("sqrt2", np.array(np.sqrt(2.0), np.float32))])])
        g = b.node("Mul", [b.node("Mul", [h, b.node("Add", [g, b.const("one", np.array(1.0, np.float32))])]),
                           b.const("half", np.array(0.5, np.float32))])
        x = layer_norm(b.node("Add", [dense(g, ffn, hidden), x]))
    b.nodes[-1].output[0] = "last_hidden_state"
    ids = b.rng.integers(0, vocab, (1, seq)).astype(np.int64)
    mask = np.ones((1, seq), np.int64)
    mask[0, seq - 16:] = 0
    return b.model("bert_encoder",
                   [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, seq]),
                    helper.make_tensor_value_info("attention_mask", TensorProto.INT64, [1, seq])],
                   [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, [1, seq, hidden])]), \
        {"input_ids": ids, "attention_mask": mask}


MODELS = {"resnet50": resnet50, "mobilenetv2": mobilenetv2, "bert": bert}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--no-expected", action="store_true", help="skip running ONNX Runtime")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    for name in args.models.split(","):
        if name not in MODELS:
            sys.exit(f"make_models.py: unknown model '{name}' (known: {', '.join(MODELS)})")
        model, inputs = MODELS[name]()
        path = os.path.join(args.outdir, name + ".onnx")
        onnx.save(model, path)
        np.savez(os.path.join(args.outdir, name + ".inputs.npz"), **inputs)
        if not args.no_expected:
            import onnxruntime as ort
            so = ort.SessionOptions()
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
            outs = sess.run(None, inputs)
            np.savez(os.path.join(args.outdir, name + ".expected.npz"),
                     **{o.name: v for o, v in zip(sess.get_outputs(), outs)})
        print(f"wrote {path} ({len(model.graph.node)} nodes)")


if __name__ == "__main__":
    main()
