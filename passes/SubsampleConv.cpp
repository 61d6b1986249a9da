// conv-subsample: strided 1x1 convs read a strided Slice (see SubsampleConv.h).
#include "SubsampleConv.h"

#include "Rewrite.h"

namespace dlc::passes {
namespace {

bool allEqual(const std::vector<int64_t>& v, int64_t x) {
  for (int64_t e : v)
    if (e != x) return false;
  return true;
}

// The rewrite of one Conv, when it is a 2-D 1x1 conv with static shapes,
// strides > 1 on some axis and no padding.
bool rewrite(Function& f, Node& conv) {
  if (conv.op() != "Conv" || conv.numInputs() < 2) return false;
  const TensorType& x = conv.input(0)->type();
  const TensorType& w = conv.input(1)->type();
  if (!x.isStatic() || !w.isStatic() || x.rank() != 4 || w.rank() != 4) return false;
  if (w.shape[2].value != 1 || w.shape[3].value != 1) return false;
  std::vector<int64_t> strides = conv.attrInts("strides", {1, 1});
  if (strides.size() != 2 || allEqual(strides, 1) || strides[0] < 1 || strides[1] < 1) return false;
  if (!allEqual(conv.attrInts("pads", {0, 0, 0, 0}), 0)) return false;
  std::string autoPad = conv.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID") return false;
  int64_t h = x.shape[2].value, wd = x.shape[3].value;
  int64_t oh = (h - 1) / strides[0] + 1, ow = (wd - 1) / strides[1] + 1;
  const TensorType& y = conv.output(0)->type();
  if (!y.isStatic() || y.shape[2].value != oh || y.shape[3].value != ow) return false;
  std::string base = conv.output(0)->name() + ".sub";
  Value* starts = int64Const(f, base + ".starts", {0, 0});
  Value* ends = int64Const(f, base + ".ends", {h, wd});
  Value* axes = int64Const(f, base + ".axes", {2, 3});
  Value* steps = int64Const(f, base + ".steps", strides);
  TensorType sub(x.dtype, {x.shape[0], x.shape[1], Dim(oh), Dim(ow)});
  Node* slice = f.addNode("Slice", {conv.input(0), starts, ends, axes, steps}, {}, {sub});
  AttrMap attrs = conv.attrs();
  attrs["strides"] = std::vector<int64_t>{1, 1};
  attrs.erase("auto_pad");
  std::vector<Value*> ins = conv.inputs();
  ins[0] = slice->output(0);
  Node* dense = f.addNode("Conv", ins, attrs, {y});
  dense->setName(conv.name());
  f.topoSort();
  if (!replaceNodeResult(f, conv, dense->output(0))) {
    f.eraseNode(dense);
    f.eraseNode(slice);
    f.eraseUnusedConstants();
    return false;
  }
  f.topoSort();
  return true;
}

class SubsampleConvPass : public FunctionPass {
 public:
  std::string_view name() const override { return "conv-subsample"; }
  bool runOnFunction(Function& f, PassContext&) override { return subsampleConvs(f); }
};

}  // namespace

bool subsampleConvs(Function& f) {
  bool changed = false;
  for (Node* n : f.nodes())
    if (rewrite(f, *n)) changed = true;
  return changed;
}

std::unique_ptr<Pass> createSubsampleConvPass() { return std::make_unique<SubsampleConvPass>(); }

}  // namespace dlc::passes
