// Helpers shared by the graph passes: use queries that count function outputs,
// replacing a node's result while keeping function outputs' names and types,
// and a greedy driver that applies node rewrites until nothing changes (the
// counterpart of MLIR's pattern sets: passes publish `populateXRewrites` and
// other passes reuse them).
#pragma once

#include <functional>
#include <vector>

#include "dlc/ir/IR.h"

namespace dlc::passes {

// A rewrite looks at one node; it returns true if it changed the function. It
// may erase only the node it was given.
using NodeRewrite = std::function<bool(Function& f, Node& n)>;

bool isFunctionOutput(const Function& f, const Value* v);
// True if a node input or a function output refers to `v`.
bool isUsed(const Function& f, const Value* v);

// Makes every user of `node`'s single used result use `replacement` instead and
// erases `node`. If that result is a function output, `replacement` takes over
// its name, which is only possible when `replacement` is a node result that is
// not itself a function output and has the same type; otherwise nothing changes
// and false is returned. The node's other results must be unused.
bool replaceNodeResult(Function& f, Node& node, Value* replacement);

// Applies the rewrites to every node, in sweeps, until a sweep changes nothing.
bool applyRewrites(Function& f, const std::vector<NodeRewrite>& rewrites);

// A new rank-1 i64 constant holding `v`, named uniquely from `name`.
Value* int64Const(Function& f, const std::string& name, const std::vector<int64_t>& v);

// Ops whose results differ between runs (random generators): never folded or merged.
bool isNondeterministicOp(const std::string& op);

}  // namespace dlc::passes
