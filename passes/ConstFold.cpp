// constfold: constant folding through the reference implementations (see ConstFold.h).
#include "ConstFold.h"

#include "Rewrite.h"
#include "dlc/ir/OpRegistry.h"
#include "dlc/support/Error.h"

namespace dlc::passes {

bool foldNode(Function& f, Node& n, const ConstFoldOptions& opts) {
  if (isNondeterministicOp(n.op()) || !n.def()) return false;
  std::vector<const Tensor*> inputs;
  for (const Value* in : n.inputs()) {
    if (in && !in->isConstant()) return false;
    inputs.push_back(in ? &in->constant() : nullptr);
  }
  for (const Value* o : n.outputs()) {
    auto count = o->type().numElements();
    if (count && *count > opts.maxElements) return false;
  }
  std::vector<Tensor> results;
  try {
    results = evaluateNode(n, inputs);
  } catch (const Error&) {  // Unsupported included: no reference implementation
    return false;
  }
  if (results.size() != n.numOutputs()) return false;
  for (size_t i = 0; i < results.size(); ++i) {
    const Tensor& t = results[i];
    if (!t.defined() || t.numel() > opts.maxElements) return false;
    if (t.dtype() != n.output(i)->type().dtype) return false;
  }
  std::vector<std::pair<Value*, std::string>> renames;
  for (size_t i = 0; i < results.size(); ++i) {
    Value* old = n.output(i);
    Value* c = f.addConstant(f.uniqueName(old->name() + ".folded"), std::move(results[i]));
    f.replaceAllUsesWith(old, c);
    renames.emplace_back(c, old->name());
  }
  f.eraseNode(&n);
  for (auto& [c, name] : renames) f.renameValue(c, name);
  return true;
}

bool foldConstants(Function& f, const ConstFoldOptions& opts) {
  bool changed = false;
  for (Node* n : f.nodes()) changed |= foldNode(f, *n, opts);  // in order: folds chains
  return changed;
}

namespace {

class ConstFoldPass : public FunctionPass {
 public:
  explicit ConstFoldPass(ConstFoldOptions opts) : opts_(opts) {}
  std::string_view name() const override { return "constfold"; }
  bool runOnFunction(Function& f, PassContext&) override { return foldConstants(f, opts_); }

 private:
  ConstFoldOptions opts_;
};

}  // namespace

std::unique_ptr<Pass> createConstFoldPass() { return createConstFoldPass(ConstFoldOptions{}); }
std::unique_ptr<Pass> createConstFoldPass(const ConstFoldOptions& opts) {
  return std::make_unique<ConstFoldPass>(opts);
}

}  // namespace dlc::passes
