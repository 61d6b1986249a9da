// fold-bn: BatchNormalization folded into Conv weights, or lowered to Mul + Add
// (see FoldBatchNorm.h).
#include "FoldBatchNorm.h"

#include <cmath>

#include "Rewrite.h"
#include "dlc/support/Error.h"

namespace dlc::passes {
namespace {

bool isConst(const Value* v) { return v && v->kind() == Value::Kind::Constant; }

// scale[c] = gamma / sqrt(var + eps), shift[c] = beta - mean * scale, when the
// node is an inference BatchNormalization with constant per-channel operands.
bool channelAffine(const Node& bn, std::vector<double>& scale, std::vector<double>& shift) {
  if (bn.op() != "BatchNormalization" || bn.numInputs() != 5 || bn.numOutputs() != 1) return false;
  if (bn.hasAttr("training_mode") && bn.attrInt("training_mode", 0) != 0) return false;
  for (size_t i = 1; i < 5; ++i)
    if (!isConst(bn.input(i))) return false;
  const TensorType& x = bn.input(0)->type();
  if (!x.ranked || x.rank() < 2 || !x.shape[1].isStatic() || !isFloat(x.dtype)) return false;
  int64_t c = x.shape[1].value;
  for (size_t i = 1; i < 5; ++i)
    if (bn.input(i)->constant().numel() != c) return false;
  double eps = bn.attrFloat("epsilon", 1e-5);
  const Tensor &g = bn.input(1)->constant(), &b = bn.input(2)->constant(), &m = bn.input(3)->constant(),
               &v = bn.input(4)->constant();
  scale.resize(static_cast<size_t>(c));
  shift.resize(static_cast<size_t>(c));
  for (int64_t i = 0; i < c; ++i) {
    double s = g.getDouble(i) / std::sqrt(v.getDouble(i) + eps);
    scale[static_cast<size_t>(i)] = s;
    shift[static_cast<size_t>(i)] = b.getDouble(i) - m.getDouble(i) * s;
  }
  return true;
}

// Folds into a Conv with constant weights whose result only this BN reads.
bool foldIntoConv(Function& f, Node& bn, const std::vector<double>& scale, const std::vector<double>& shift,
                  const std::unordered_map<const Value*, std::vector<Node*>>& uses) {
  Value* x = bn.input(0);
  Node* conv = x->kind() == Value::Kind::Result ? x->producer() : nullptr;
  if (!conv || conv->op() != "Conv" || !isConst(conv->input(1))) return false;
  if (conv->numInputs() > 2 && conv->input(2) && !isConst(conv->input(2))) return false;
  auto it = uses.find(x);
  if (it == uses.end() || it->second.size() != 1 || isFunctionOutput(f, x)) return false;
  const Tensor& w = conv->input(1)->constant();
  if (w.dtype() != x->type().dtype || w.rank() < 1 || w.dim(0) != static_cast<int64_t>(scale.size())) return false;
  int64_t per = w.numel() / w.dim(0);
  Tensor nw(w.dtype(), w.extents());
  for (int64_t i = 0; i < w.numel(); ++i) nw.setDouble(i, w.getDouble(i) * scale[static_cast<size_t>(i / per)]);
  Tensor nb(w.dtype(), {w.dim(0)});
  const Value* oldB = conv->numInputs() > 2 ? conv->input(2) : nullptr;
  for (int64_t c = 0; c < w.dim(0); ++c) {
    double b0 = oldB ? oldB->constant().getDouble(c) : 0.0;
    nb.setDouble(c, b0 * scale[static_cast<size_t>(c)] + shift[static_cast<size_t>(c)]);
  }
  Value* wv = f.addConstant(f.uniqueName(conv->input(1)->name() + ".bn"), std::move(nw));
  Value* bv = f.addConstant(f.uniqueName(bn.output(0)->name() + ".bias"), std::move(nb));
  Node* folded = f.addNode("Conv", {conv->input(0), wv, bv}, conv->attrs(), {bn.output(0)->type()});
  folded->setName(conv->name());
  f.topoSort();
  if (!replaceNodeResult(f, bn, folded->output(0))) {
    f.eraseNode(folded);
    return false;
  }
  f.eraseNode(conv);
  f.topoSort();
  return true;
}

// y = x * scale + shift with constants shaped [C, 1, ..., 1].
bool lowerToMulAdd(Function& f, Node& bn, const std::vector<double>& scale, const std::vector<double>& shift) {
  Value* x = bn.input(0);
  const TensorType& t = x->type();
  std::vector<int64_t> ext{static_cast<int64_t>(scale.size())};
  for (int64_t i = 2; i < t.rank(); ++i) ext.push_back(1);
  Tensor s(t.dtype, ext), b(t.dtype, ext);
  for (size_t c = 0; c < scale.size(); ++c) {
    s.setDouble(static_cast<int64_t>(c), scale[c]);
    b.setDouble(static_cast<int64_t>(c), shift[c]);
  }
  Value* sv = f.addConstant(f.uniqueName(bn.output(0)->name() + ".scale"), std::move(s));
  Value* bv = f.addConstant(f.uniqueName(bn.output(0)->name() + ".shift"), std::move(b));
  Node* mul = f.addNode("Mul", {x, sv}, {}, {bn.output(0)->type()});
  Node* add = f.addNode("Add", {mul->output(0), bv}, {}, {bn.output(0)->type()});
  f.topoSort();
  if (!replaceNodeResult(f, bn, add->output(0))) {
    f.eraseNode(add);
    f.eraseNode(mul);
    return false;
  }
  f.topoSort();
  return true;
}

class FoldBatchNormPass : public FunctionPass {
 public:
  std::string_view name() const override { return "fold-bn"; }
  bool runOnFunction(Function& f, PassContext&) override { return foldBatchNorms(f); }
};

}  // namespace

bool foldBatchNorms(Function& f) {
  bool changed = false;
  for (Node* bn : f.nodes()) {
    std::vector<double> scale, shift;
    if (!channelAffine(*bn, scale, shift)) continue;
    auto uses = f.computeUses();
    if (foldIntoConv(f, *bn, scale, shift, uses) || lowerToMulAdd(f, *bn, scale, shift)) changed = true;
  }
  if (changed) f.eraseUnusedConstants();
  return changed;
}

std::unique_ptr<Pass> createFoldBatchNormPass() { return std::make_unique<FoldBatchNormPass>(); }

}  // namespace dlc::passes
