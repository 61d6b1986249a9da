// constfold: constant folding through the reference implementations (see ConstFold.h).
#include "ConstFold.h"

#include <algorithm>
#include <optional>

#include "Rewrite.h"
#include "dlc/ir/Verifier.h"
#include "dlc/ir/OpRegistry.h"
#include "dlc/support/Error.h"

namespace dlc::passes {

namespace {

// Shape and Size read only their input's type: with a static type they are
// constants whatever the input's values.
std::optional<Tensor> shapeOf(const Node& n) {
  if ((n.op() != "Shape" && n.op() != "Size") || n.numInputs() != 1 || !n.input(0)) return std::nullopt;
  const TensorType& t = n.input(0)->type();
  if (!t.isStatic()) return std::nullopt;
  std::vector<int64_t> ext = t.extents();
  if (n.op() == "Size") {
    int64_t count = 1;
    for (int64_t e : ext) count *= e;
    return Tensor::fromVector<int64_t>({}, {count});
  }
  auto rank = static_cast<int64_t>(ext.size());
  auto norm = [&](int64_t a) { return std::clamp<int64_t>(a < 0 ? a + rank : a, 0, rank); };
  int64_t start = norm(n.attrInt("start", 0)), end = norm(n.attrInt("end", rank));
  std::vector<int64_t> dims(ext.begin() + start, ext.begin() + std::max(start, end));
  return Tensor::fromVector<int64_t>({static_cast<int64_t>(dims.size())}, dims);
}

}  // namespace

bool foldNode(Function& f, Node& n, const ConstFoldOptions& opts) {
  if (isNondeterministicOp(n.op()) || !n.def()) return false;
  if (std::optional<Tensor> s = shapeOf(n)) {
    if (s->dtype() != n.output(0)->type().dtype) return false;
    Value* old = n.output(0);
    std::string name = old->name();
    Value* c = f.addConstant(f.uniqueName(name + ".folded"), std::move(*s));
    f.replaceAllUsesWith(old, c);
    f.eraseNode(&n);
    f.renameValue(c, name);
    return true;
  }
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
  // Constant shapes and axes can make the types of later nodes static.
  if (changed) inferTypes(f);
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
