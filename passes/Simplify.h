// simplify: removes no-op nodes and merges chains. Identity goes; Dropout goes
// at inference (its mask result unused, training_mode absent or a constant
// false); Reshape of Reshape becomes one Reshape (when the outer shape has no
// copy-from-input zeros, or allowzero=1); a Reshape to its input's static shape
// goes; a Transpose with the identity perm goes; Transpose of Transpose becomes
// one Transpose, or goes when the perms compose to the identity. A function
// output keeps its name and type: a removal that would change them is skipped.
// Nodes left dead by a merge are for dce.
//
// Golden tests: tests/passes/golden/simplify.golden.
#pragma once

#include <memory>
#include <vector>

#include "Rewrite.h"
#include "dlc/pass/Pass.h"

namespace dlc::passes {

// Adds the rewrites above to `rewrites` (for reuse by other passes).
void populateSimplifyRewrites(std::vector<NodeRewrite>& rewrites);

std::unique_ptr<Pass> createSimplifyPass();

}  // namespace dlc::passes
