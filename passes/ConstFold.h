// constfold: constant folding. A node whose inputs are all constants (absent
// optional inputs are fine) is evaluated with its op's reference implementation
// and its results become constants that keep the results' names. Nodes are left
// alone when the op has no reference implementation (dlc::Unsupported), when
// evaluation fails (dlc::Error: the runtime will report it), when a result would
// exceed `maxElements`, and for random-generator ops.
//
// Golden tests: tests/passes/golden/constfold.golden.
#pragma once

#include <cstdint>
#include <memory>

#include "dlc/pass/Pass.h"

namespace dlc::passes {

struct ConstFoldOptions {
  int64_t maxElements = int64_t{1} << 20;  // per result
};

// Folds `n` into constants if possible; returns true if it did (`n` is then gone).
bool foldNode(Function& f, Node& n, const ConstFoldOptions& opts = {});
bool foldConstants(Function& f, const ConstFoldOptions& opts = {});

std::unique_ptr<Pass> createConstFoldPass();
std::unique_ptr<Pass> createConstFoldPass(const ConstFoldOptions& opts);

}  // namespace dlc::passes
