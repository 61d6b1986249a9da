// conv-subsample: a 1x1 Conv with strides > 1 and no padding reads one input
// pixel in sh*sw; it becomes a strided Slice of its input (steps = strides on
// H and W) and a stride-1 Conv. The conv then reads a dense input a
// quarter of the size (stride 2), which stays in cache across the output
// channel blocks, and is a plain GEMM over pixels (ResNet's downsample convs).
// Exact: the same products are summed in the same order. Tests:
// tests/passes/golden/conv-subsample.golden; values through the x86 conv
// cases (tests/cpu/check_cpu_ops.py) and the ResNet-50 model tests.
#pragma once

#include <memory>

#include "dlc/pass/Pass.h"

namespace dlc::passes {

// Returns true if the function changed.
bool subsampleConvs(Function& f);
std::unique_ptr<Pass> createSubsampleConvPass();

}  // namespace dlc::passes
