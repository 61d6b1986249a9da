// cse: common-subexpression elimination. Bit-identical constants (same dtype,
// shape and bytes) are merged into the first one; then a node with the same op,
// the same inputs, the same attributes and the same result types as an earlier
// node is replaced by that node. A duplicate whose result is a function output
// is kept (the output's name must not change), and random-generator ops are
// never merged.
//
// Golden tests: tests/passes/golden/cse.golden.
#pragma once

#include <memory>

#include "dlc/pass/Pass.h"

namespace dlc::passes {

bool dedupeConstants(Function& f);
bool eliminateCommonSubexpressions(Function& f);  // constants, then nodes

std::unique_ptr<Pass> createCsePass();

}  // namespace dlc::passes
