// nchwc: convolutions and the elementwise ops between them in the blocked
// layout NCHW[b]c, [N, C/b, H, W, b], so that a conv kernel that computes b
// output channels of one pixel as one vector stores it as one vector, and the
// next conv reads b input channels of a pixel from one cache line (the layout
// oneDNN and ONNX Runtime's NCHWc transformer use on CPUs).
//
// Which nodes go blocked, per function:
//   - Conv (2-D, static f32 shapes, constant OIHW weights, group 1, C and M
//     multiples of b) becomes NchwcConv: it reads a blocked input when its
//     producer is blocked, else NCHW, and writes blocked;
//   - elementwise ops (Add, Sub, Mul, Div, Max, Min, Relu, Sigmoid, Tanh,
//     LeakyRelu, HardSigmoid, HardSwish) with a blocked operand whose other
//     operands are values of the output's shape or scalar constants; an
//     operand from an NCHW producer (ResNet-18's identity residual, read from
//     an NCHW MaxPool) is blocked once by a Reshape and a Transpose
//     ([0, 1, 3, 4, 2]), and convs reading that value read the blocked copy;
//   - Slice of a blocked value over H and W only (conv-subsample's strided
//     reads);
//   - GlobalAveragePool of a blocked value becomes ReduceMean over H and W of
//     the blocked value, [N, C/b, 1, 1, b], unblocked to [N, C, 1, 1].
// A node stays NCHW when one of its results would have to be converted back
// for a consumer that is not blocked (or is a function output) and that
// result has more than 16384 elements; this is settled to a fixed point, so a
// MobileNet block whose 1x1 convs feed depthwise convs stays NCHW entirely.
// A blocked value with a small NCHW consumer is unblocked by a Transpose
// ([0, 1, 4, 2, 3]) and a Reshape. Exact: the same products in the same
// order, only addresses change. When it changes the function it drops the
// fusion annotations (fuse.group, fuse.anchor), which named the old nodes.
//
// Not in the -O pipeline: a target whose conv schedules use the layout runs
// it with its vector width as b (backends/cpu/Lower.cpp). Tests:
// tests/passes/golden/nchwc.golden (structure) and the CPU model tests
// (values against the reference).
#pragma once

#include <cstdint>
#include <memory>

#include "dlc/pass/Pass.h"

namespace dlc::passes {

// Rewrites `f` with block size `block` (> 1); returns true if it changed.
bool nchwcLayout(Function& f, int64_t block);
// The pass by name (`dlc opt --passes=nchwc`), with block 16.
std::unique_ptr<Pass> createNchwcLayoutPass();

}  // namespace dlc::passes
