// dce: dead-code elimination (see Dce.h).
#include "Dce.h"

#include <unordered_map>

namespace dlc::passes {

bool eraseDeadCode(Function& f) {
  std::unordered_map<const Value*, int> uses;
  for (const Value* o : f.outputs()) ++uses[o];
  std::vector<Node*> nodes = f.nodes();
  for (const Node* n : nodes)
    for (const Value* in : n->inputs())
      if (in) ++uses[in];
  bool changed = false;
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    Node* n = *it;
    bool dead = true;
    for (const Value* o : n->outputs()) dead &= uses[o] == 0;
    if (!dead) continue;
    for (const Value* in : n->inputs())
      if (in) --uses[in];
    f.eraseNode(n);
    changed = true;
  }
  size_t constants = f.constants().size();
  f.eraseUnusedConstants();
  return changed || f.constants().size() != constants;
}

namespace {

class DcePass : public FunctionPass {
 public:
  std::string_view name() const override { return "dce"; }
  bool runOnFunction(Function& f, PassContext&) override { return eraseDeadCode(f); }
};

}  // namespace

std::unique_ptr<Pass> createDcePass() { return std::make_unique<DcePass>(); }

}  // namespace dlc::passes
