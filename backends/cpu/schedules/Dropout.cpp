// Template for Dropout at inference (training_mode false, or a ratio of 0):
// the output is the input and the optional mask is all true. The loop nest is
// the injective one: outer dims parallel when large, last dim vectorized; the
// output goes through a fused elementwise epilogue.
#include <optional>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

// A one-element constant input's value, or nothing when absent; refuses a
// runtime value (the kernel cannot check it).
std::optional<double> scalarInput(const Node& n, size_t i, const char* what) {
  if (n.numInputs() <= i || !n.input(i)) return std::nullopt;
  const Value* v = n.input(i);
  if (v->kind() != Value::Kind::Constant || v->constant().numel() != 1)
    unsupported(n.describe(), ": Dropout with a runtime ", what, " has no CPU schedule");
  return v->constant().getDouble(0);
}

}  // namespace

StmtRef scheduleDropout(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& dr = *g.anchor;
  std::optional<double> mode = scalarInput(dr, 2, "training_mode");
  bool training = mode && *mode != 0;
  // The ratio must be known in training mode; at inference only checked when known.
  const Value* rv = dr.numInputs() > 1 ? dr.input(1) : nullptr;
  bool known = rv && rv->kind() == Value::Kind::Constant && rv->constant().numel() == 1;
  std::optional<double> ratio = training || known ? scalarInput(dr, 1, "ratio") : std::nullopt;
  double r = ratio ? *ratio : 0.5;
  if (ratio && !(r >= 0 && r < 1)) unsupported(dr.describe(), ": Dropout ratio ", r, " outside [0, 1)");
  if (training && r != 0) unsupported(dr.describe(), ": Dropout in training mode with a non-zero ratio has no CPU schedule");
  const Value* x = dr.input(0);
  const Value* mask = dr.numOutputs() > 1 ? dr.output(1) : nullptr;
  std::vector<int64_t> ext = staticExtents(*x);
  int64_t total = numElements(ext);
  if (total == 0) return seq({});
  int64_t inner = ext.empty() ? 1 : ext.back(), outer = total / inner;
  std::vector<int64_t> outerExt(ext.begin(), ext.empty() ? ext.end() : ext.end() - 1);
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  LoopKind kind = total >= ctx.knob(g, "parallel_min_elements", 1 << 15) && outer > 1 ? LoopKind::Parallel
                                                                                     : LoopKind::Serial;
  ExprBuilder in(ctx.buffers, {});
  return loop("o", outer, kind, [&](const ExprRef& o) {
    std::vector<ExprRef> head = delinearize(o, outerExt);
    return vectorizedLoop("i", inner, lanes, [&](const ExprRef& i) {
      std::vector<ExprRef> idx = head;
      if (!ext.empty()) idx.push_back(i);
      StmtRef y = storeThroughEpilogue(g, ctx, idx, in.load(x, idx));
      if (!mask) return y;
      return seq({y, store(ctx.buffers.at(mask).buffer, linearize(idx, ext), constant(boolean(), 1))});
    });
  });
}

}  // namespace dlc::cpu
