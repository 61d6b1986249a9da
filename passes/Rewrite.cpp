// Helpers shared by the graph passes (see Rewrite.h).
#include "Rewrite.h"

#include <algorithm>

namespace dlc::passes {

bool isFunctionOutput(const Function& f, const Value* v) {
  const auto& outs = f.outputs();
  return std::find(outs.begin(), outs.end(), v) != outs.end();
}

bool isUsed(const Function& f, const Value* v) {
  if (isFunctionOutput(f, v)) return true;
  for (const Node* n : f.nodes())
    for (const Value* in : n->inputs())
      if (in == v) return true;
  return false;
}

bool replaceNodeResult(Function& f, Node& node, Value* replacement) {
  Value* result = nullptr;
  for (Value* o : node.outputs()) {
    if (!isUsed(f, o)) continue;
    if (result) return false;  // more than one result in use
    result = o;
  }
  if (!result) {
    f.eraseNode(&node);
    return true;
  }
  if (result == replacement) return false;
  if (!isFunctionOutput(f, result)) {
    f.replaceAllUsesWith(result, replacement);
    f.eraseNode(&node);
    return true;
  }
  // The function output keeps its name and type: the replacement takes them over.
  if (replacement->kind() != Value::Kind::Result || isFunctionOutput(f, replacement) ||
      replacement->type() != result->type())
    return false;
  std::string name = result->name();
  f.replaceAllUsesWith(result, replacement);
  f.eraseNode(&node);
  f.renameValue(replacement, name);
  return true;
}

bool applyRewrites(Function& f, const std::vector<NodeRewrite>& rewrites) {
  bool changed = false;
  for (int sweep = 0; sweep < 64; ++sweep) {
    bool sweepChanged = false;
    for (Node* n : f.nodes()) {  // a snapshot: a rewrite may erase only `n`
      for (const NodeRewrite& r : rewrites) {
        if (r(f, *n)) {
          sweepChanged = true;
          break;  // `n` may be gone; the next sweep looks at it again
        }
      }
    }
    if (!sweepChanged) break;
    changed = true;
  }
  return changed;
}

bool isNondeterministicOp(const std::string& op) {
  return op.rfind("Random", 0) == 0 || op == "Bernoulli" || op == "Multinomial" ||
         op == "Dropout";  // Dropout in training mode draws a mask
}

Value* int64Const(Function& f, const std::string& name, const std::vector<int64_t>& v) {
  Tensor t(DType::Int64, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) t.setInt64(static_cast<int64_t>(i), v[i]);
  return f.addConstant(f.uniqueName(name), std::move(t));
}

}  // namespace dlc::passes
