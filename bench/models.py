"""The benchmark models, built with seeded random weights: ResNet-18,
ResNet-50 (v1.5), MobileNetV2 and a BERT-base encoder (12 layers, hidden 768,
12 heads, sequence 128, opset 17 LayerNormalization). The builders are the test
suite's (tests/models/make_models.py); ResNet-18 is added here."""
import os
import sys

import numpy as np
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "models"))
import make_models as mm  # noqa: E402


def resnet18(seed=18):
    b = mm.Builder(seed)
    x = b.conv_bn("input", 3, 64, 7, stride=2)
    x = b.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 64
    for stage, width in enumerate([64, 128, 256, 512]):
        for i in range(2):
            stride = 2 if (i == 0 and stage > 0) else 1
            y = b.conv_bn(x, cin, width, 3, stride=stride)
            y = b.conv_bn(y, width, width, 3, act=None)
            if stride != 1 or cin != width:
                x = b.conv_bn(x, cin, width, 1, stride=stride, act=None)
            x = b.node("Relu", [b.node("Add", [y, x])])
            cin = width
    b.classifier(x, cin)
    b.nodes[-1].output[0] = "logits"
    return b.model("resnet18", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
                   [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])]), \
        {"input": b.rng.standard_normal((1, 3, 224, 224)).astype(np.float32)}


def bert_base(seed=7):
    return mm.bert(seed, layers=12, hidden=768, heads=12, seq=128, vocab=30522, ffn=3072)


MODELS = {
    "resnet18": resnet18,
    "resnet50": mm.resnet50,
    "mobilenetv2": mm.mobilenetv2,
    "bert-base": bert_base,
}


def flops(model):
    """Multiply-adds x 2 of Conv, ConvTranspose-free graphs' Conv, MatMul and Gemm
    nodes, from ONNX shape inference."""
    import onnx
    m = onnx.shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        shapes[vi.name] = dims
    for init in m.graph.initializer:
        shapes[init.name] = list(init.dims)
    total = 0
    for n in m.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        if n.op_type == "Conv":
            w, y = shapes[n.input[1]], shapes[n.output[0]]
            total += 2 * int(np.prod(y)) * int(np.prod(w[1:]))
        elif n.op_type == "MatMul":
            a, c = shapes[n.input[0]], shapes[n.output[0]]
            total += 2 * int(np.prod(c)) * a[-1]
        elif n.op_type == "Gemm":
            a, c = shapes[n.input[0]], shapes[n.output[0]]
            k = a[0] if attrs.get("transA", 0) else a[-1]
            total += 2 * int(np.prod(c)) * k
    return total
