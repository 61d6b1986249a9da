// fold-bn: folds inference BatchNormalization into the preceding Conv's
// weights and bias (scale = gamma / sqrt(var + eps): W' = W * scale per output
// channel, B' = (B - mean) * scale + beta), and rewrites a BatchNormalization
// it cannot fold into Mul + Add by constant per-channel vectors, which fuse as
// elementwise ops. Tests: tests/passes/golden/fold-bn.golden and
// tests/passes/FoldBatchNormTest.cpp (values checked on the reference).
#pragma once

#include <memory>

#include "dlc/pass/Pass.h"

namespace dlc::passes {

// Returns true if the function changed.
bool foldBatchNorms(Function& f);
std::unique_ptr<Pass> createFoldBatchNormPass();

}  // namespace dlc::passes
