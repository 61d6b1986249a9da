// annotate-macs: a pass shipped as an out-of-tree plugin (libdlc_custom_pass.so).
//
// It sets the attribute `macs` on every MatMul, Gemm and Conv node to the number
// of multiply-accumulates the node performs, computed from static shapes. Nodes
// whose shapes are not all static are left alone. The attribute shows in the
// printed IR:
//
//   %y = MatMul(%x, %w) {macs = 240} : tensor<2x3x5xf32>
//
// The counts:
//   MatMul  out[..., M, N] with inner dim K       numel(out) * K
//   Gemm    Y[M, N] = op(A)[M, K] * op(B)[K, N]   M * N * K
//   Conv    Y[N, M, out...], W[M, C/group, k...]  numel(Y) * (C/group) * prod(k)
//
// Tested by tests/plugins/install_test.py, which builds this folder against an
// installed dlc and runs the pass through `dlc compile`.
#include <optional>

#include "dlc/ir/IR.h"
#include "dlc/ir/OpRegistry.h"
#include "dlc/pass/Pass.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"

namespace {

using dlc::Node;

std::optional<std::vector<int64_t>> staticExtents(const dlc::Value* v) {
  if (!v || !v->type().isStatic()) return std::nullopt;
  return v->type().extents();
}

int64_t product(const std::vector<int64_t>& xs, size_t from = 0) {
  int64_t p = 1;
  for (size_t i = from; i < xs.size(); ++i) p *= xs[i];
  return p;
}

std::optional<int64_t> matmulMacs(const Node& n) {
  auto a = staticExtents(n.input(0));
  auto y = staticExtents(n.output(0));
  if (!a || !y || a->empty()) return std::nullopt;
  return product(*y) * a->back();  // K is A's last dim (also for a 1-D A)
}

std::optional<int64_t> gemmMacs(const Node& n) {
  auto a = staticExtents(n.input(0));
  auto y = staticExtents(n.output(0));
  if (!a || !y || a->size() != 2) return std::nullopt;
  const int64_t k = n.attrInt("transA", 0) ? (*a)[0] : (*a)[1];
  return product(*y) * k;
}

std::optional<int64_t> convMacs(const Node& n) {
  auto w = staticExtents(n.input(1));
  auto y = staticExtents(n.output(0));
  if (!w || !y || w->size() < 2) return std::nullopt;
  return product(*y) * product(*w, 1);  // (C/group) * prod(kernel)
}

class AnnotateMacs : public dlc::FunctionPass {
 public:
  std::string_view name() const override { return "annotate-macs"; }

  bool runOnFunction(dlc::Function& f, dlc::PassContext&) override {
    bool changed = false;
    for (Node* n : f.nodes()) {
      std::optional<int64_t> macs;
      if (n->op() == "MatMul") macs = matmulMacs(*n);
      else if (n->op() == "Gemm") macs = gemmMacs(*n);
      else if (n->op() == "Conv") macs = convMacs(*n);
      if (!macs) continue;
      auto it = n->attrs().find("macs");
      if (it != n->attrs().end() && it->second.kind() == dlc::AttrKind::Int &&
          it->second.i() == *macs) {
        continue;
      }
      n->attrs()["macs"] = dlc::Attribute(*macs);
      changed = true;
    }
    return changed;
  }
};

void registerCustomPass(dlc::Registry& r) {
  // Declare `macs` as an optional int attribute of the ops it annotates, so
  // annotated nodes still verify and the printed IR parses back.
  for (const char* op : {"MatMul", "Gemm", "Conv"}) {
    r.attachOpAttr(op, "dlc.attr-schema", dlc::AttrSpec{"macs", dlc::AttrKind::Int, false, std::nullopt});
  }

  dlc::PassInfo info;
  info.name = "annotate-macs";
  info.summary = "set `macs` on MatMul/Gemm/Conv nodes to their multiply-accumulate count";
  info.slot = dlc::PipelineSlot::None;  // run by name: --passes=annotate-macs
  info.create = [] { return std::make_unique<AnnotateMacs>(); };
  r.addPass(std::move(info));
}

}  // namespace

DLC_DEFINE_PLUGIN("custom-pass", "0.1.0", registerCustomPass)
