// dce: dead-code elimination. Erases every node none of whose results is used
// by another node or by a function output (walking backwards, so whole dead
// chains go in one run), then the constants nobody uses any more. Nodes of
// random-generator ops are erased like any other: inference graphs have no side
// effects.
//
// Golden tests: tests/passes/golden/dce.golden.
#pragma once

#include <memory>

#include "dlc/pass/Pass.h"

namespace dlc::passes {

// Erases dead nodes and unused constants of `f`; returns true if any went.
bool eraseDeadCode(Function& f);

std::unique_ptr<Pass> createDcePass();

}  // namespace dlc::passes
