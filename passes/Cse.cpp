// cse: common-subexpression elimination (see Cse.h).
#include "Cse.h"

#include <functional>
#include <unordered_map>

#include "Rewrite.h"

namespace dlc::passes {

namespace {

bool anyFunctionOutput(const Function& f, const Node& n) {
  for (const Value* o : n.outputs())
    if (isFunctionOutput(f, o)) return true;
  return false;
}

bool sameNode(const Node& a, const Node& b) {
  if (a.op() != b.op() || a.inputs() != b.inputs() || a.numOutputs() != b.numOutputs() ||
      a.attrs() != b.attrs())
    return false;
  for (size_t i = 0; i < a.numOutputs(); ++i)
    if (a.output(i)->type() != b.output(i)->type()) return false;
  return true;
}

size_t nodeHash(const Node& n) {
  size_t h = std::hash<std::string>()(n.op());
  for (const Value* in : n.inputs()) h = h * 31 + std::hash<const Value*>()(in);
  return h;
}

}  // namespace

bool dedupeConstants(Function& f) {
  std::unordered_map<size_t, std::vector<Value*>> seen;  // by byte size and dtype
  bool changed = false;
  std::vector<Value*> constants = f.constants();
  for (Value* c : constants) {
    const Tensor& t = c->constant();
    size_t key = t.byteSize() * 64 + static_cast<size_t>(t.dtype());
    Value* same = nullptr;
    for (Value* prev : seen[key])
      if (prev->type() == c->type() && prev->constant().bitwiseEqual(t)) same = prev;
    if (!same) {
      seen[key].push_back(c);
      continue;
    }
    if (isFunctionOutput(f, c)) continue;
    f.replaceAllUsesWith(c, same);
    changed = true;
  }
  if (changed) f.eraseUnusedConstants();
  return changed;
}

bool eliminateCommonSubexpressions(Function& f) {
  bool changed = dedupeConstants(f);
  std::unordered_map<size_t, std::vector<Node*>> seen;
  for (Node* n : f.nodes()) {
    if (isNondeterministicOp(n->op())) continue;
    auto& bucket = seen[nodeHash(*n)];
    Node* same = nullptr;
    for (Node* prev : bucket)
      if (sameNode(*prev, *n)) {
        same = prev;
        break;
      }
    if (!same || anyFunctionOutput(f, *n)) {
      if (!same) bucket.push_back(n);
      continue;
    }
    for (size_t i = 0; i < n->numOutputs(); ++i) f.replaceAllUsesWith(n->output(i), same->output(i));
    f.eraseNode(n);
    changed = true;
  }
  return changed;
}

namespace {

class CsePass : public FunctionPass {
 public:
  std::string_view name() const override { return "cse"; }
  bool runOnFunction(Function& f, PassContext&) override { return eliminateCommonSubexpressions(f); }
};

}  // namespace

std::unique_ptr<Pass> createCsePass() { return std::make_unique<CsePass>(); }

}  // namespace dlc::passes
