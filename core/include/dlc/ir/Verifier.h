// Checks a module's structural invariants: known ops, arity, attribute kinds,
// defined-before-use (topological order), unique value names, output types
// matching what inference gives. Errors name the node.
#pragma once

#include "dlc/ir/IR.h"

namespace dlc {

// Throws dlc::Error with a message naming the function and node.
void verifyModule(const Module& m);
void verifyFunction(const Function& f);

// Re-runs type inference for every node in order, updating result types.
void inferTypes(Function& f);
void inferTypes(Module& m);

}  // namespace dlc
