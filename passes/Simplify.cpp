// simplify: no-op removal and reshape/transpose chain merging (see Simplify.h).
#include "Simplify.h"

#include <numeric>

namespace dlc::passes {

namespace {

Node* producerOf(const Value* v, const std::string& op) {
  if (!v || v->kind() != Value::Kind::Result) return nullptr;
  Node* p = v->producer();
  return p && p->op() == op ? p : nullptr;
}

bool removeIdentity(Function& f, Node& n) {
  if (n.op() != "Identity" || n.numInputs() != 1 || !n.input(0)) return false;
  return replaceNodeResult(f, n, n.input(0));
}

bool removeInferenceDropout(Function& f, Node& n) {
  if (n.op() != "Dropout" || !n.input(0)) return false;
  if (n.numOutputs() > 1 && isUsed(f, n.output(1))) return false;
  if (const Value* mode = n.input(2)) {
    if (!mode->isConstant() || mode->constant().numel() != 1) return false;
    if (mode->constant().getDouble(0) != 0.0) return false;
  }
  if (n.output(0)->type() != n.input(0)->type()) return false;
  return replaceNodeResult(f, n, n.input(0));
}

bool removeNoopReshape(Function& f, Node& n) {
  if (n.op() != "Reshape" || !n.input(0)) return false;
  const TensorType& in = n.input(0)->type();
  if (!in.isStatic() || in != n.output(0)->type()) return false;
  return replaceNodeResult(f, n, n.input(0));
}

bool mergeReshapes(Function& f, Node& n) {
  if (n.op() != "Reshape") return false;
  Node* inner = producerOf(n.input(0), "Reshape");
  if (!inner || !inner->input(0)) return false;
  // A 0 in the outer shape copies a dim of the inner result: only safe with allowzero.
  if (n.attrInt("allowzero", 0) == 0) {
    const Value* shape = n.input(1);
    if (!shape || !shape->isConstant()) return false;
    const Tensor& s = shape->constant();
    for (int64_t i = 0; i < s.numel(); ++i)
      if (s.getInt64(i) == 0) return false;
  }
  n.setInput(0, inner->input(0));
  (void)f;
  return true;
}

std::vector<int64_t> transposePerm(const Node& n) {
  const Value* in = n.input(0);
  if (!in) return {};
  if (n.hasAttr("perm")) return n.attr("perm").ints();
  if (!in->type().ranked) return {};
  std::vector<int64_t> perm(static_cast<size_t>(in->type().rank()));
  std::iota(perm.rbegin(), perm.rend(), int64_t{0});
  return perm;
}

bool isIdentityPerm(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

bool removeIdentityTranspose(Function& f, Node& n) {
  if (n.op() != "Transpose" || !n.input(0)) return false;
  std::vector<int64_t> perm = transposePerm(n);
  if (!n.input(0)->type().ranked || perm.size() != static_cast<size_t>(n.input(0)->type().rank()) ||
      !isIdentityPerm(perm))
    return false;
  return replaceNodeResult(f, n, n.input(0));
}

bool mergeTransposes(Function& f, Node& n) {
  if (n.op() != "Transpose") return false;
  Node* inner = producerOf(n.input(0), "Transpose");
  if (!inner || !inner->input(0)) return false;
  std::vector<int64_t> outer = transposePerm(n), first = transposePerm(*inner);
  if (outer.empty() || outer.size() != first.size()) return false;
  // out dim i = inner result dim outer[i] = input dim first[outer[i]].
  std::vector<int64_t> composed(outer.size());
  for (size_t i = 0; i < outer.size(); ++i) {
    if (outer[i] < 0 || outer[i] >= static_cast<int64_t>(first.size())) return false;
    composed[i] = first[static_cast<size_t>(outer[i])];
  }
  // The identity: drop both, unless a function output's name or type forbids
  // it; then one identity Transpose remains.
  if (isIdentityPerm(composed) && inner->input(0)->type() == n.output(0)->type() &&
      replaceNodeResult(f, n, inner->input(0)))
    return true;
  n.setInput(0, inner->input(0));
  n.attrs()["perm"] = Attribute(composed);
  return true;
}

}  // namespace

void populateSimplifyRewrites(std::vector<NodeRewrite>& rewrites) {
  rewrites.push_back(removeIdentity);
  rewrites.push_back(removeInferenceDropout);
  rewrites.push_back(removeNoopReshape);
  rewrites.push_back(mergeReshapes);
  rewrites.push_back(removeIdentityTranspose);
  rewrites.push_back(mergeTransposes);
}

namespace {

class SimplifyPass : public FunctionPass {
 public:
  SimplifyPass() { populateSimplifyRewrites(rewrites_); }
  std::string_view name() const override { return "simplify"; }
  bool runOnFunction(Function& f, PassContext&) override { return applyRewrites(f, rewrites_); }

 private:
  std::vector<NodeRewrite> rewrites_;
};

}  // namespace

std::unique_ptr<Pass> createSimplifyPass() { return std::make_unique<SimplifyPass>(); }

}  // namespace dlc::passes
