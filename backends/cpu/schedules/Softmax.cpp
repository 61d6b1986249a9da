// Template for Softmax and LogSoftmax along one axis, three passes over each
// row in one kernel: the row's max, the sum of exp(x - max), then the output
// (with a fused elementwise epilogue). Rows are the parallel loop; with an
// inner extent (axis not last) the rows are strided.
#include <cmath>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleSoftmax(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& sm = *g.anchor;
  bool logSoft = sm.op() == "LogSoftmax";
  const Value* x = sm.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(sm.describe(), ": ", sm.op(), " of ", dtypeName(dt), " has no CPU schedule");
  Type t = scalarType(dt);
  int64_t rank = static_cast<int64_t>(ext.size());
  if (rank == 0) unsupported(sm.describe(), ": ", sm.op(), " of a scalar has no CPU schedule");
  int64_t axis = sm.attrInt("axis", -1);
  if (axis < 0) axis += rank;
  int64_t outer = 1, inner = 1, len = ext[static_cast<size_t>(axis)];
  for (int64_t i = 0; i < axis; ++i) outer *= ext[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= ext[static_cast<size_t>(i)];
  ExprBuilder prologue(ctx.buffers, nodesExcept(g, &sm));
  BufferRef acc = makeBuffer("acc", dt, 2, MemScope::Register);
  LoopKind kind = outer * inner * len >= ctx.knob(g, "parallel_min_elements", 1 << 14) && outer * inner > 1
                      ? LoopKind::Parallel : LoopKind::Serial;
  return loop("row", outer * inner, kind, [&](const ExprRef& row) {
    ExprRef o = binary(BinOp::Div, row, intImm(inner)), in = binary(BinOp::Mod, row, intImm(inner));
    auto index = [&](const ExprRef& l) { return delinearize((o * len + l) * inner + in, ext); };
    auto xAt = [&](const ExprRef& l) { return prologue.at(x, index(l)); };
    ExprRef m = load(acc, intImm(0)), s = load(acc, intImm(1));
    std::vector<StmtRef> body;
    body.push_back(store(acc, intImm(0), floatImm(-INFINITY, t)));
    body.push_back(loop("l", len, LoopKind::Serial, [&](const ExprRef& l) {
      return store(acc, intImm(0), kernel::max(m, xAt(l)));
    }));
    body.push_back(store(acc, intImm(1), floatImm(0, t)));
    body.push_back(loop("l", len, LoopKind::Serial, [&](const ExprRef& l) {
      return store(acc, intImm(1), s + call(Intrinsic::Exp, {xAt(l) - m}));
    }));
    int lanes = inner == 1 && len >= ctx.spec.floatLanes() && dt == DType::Float32 ? ctx.spec.floatLanes() : 1;
    body.push_back(vectorizedLoop("l", len, lanes, [&](const ExprRef& l) {
      ExprRef v = logSoft ? xAt(l) - m - call(Intrinsic::Log, {s})
                          : binary(BinOp::Div, call(Intrinsic::Exp, {xAt(l) - m}), s);
      return storeThroughEpilogue(g, ctx, index(l), v);
    }));
    return allocate(acc, seq(body));
  });
}

}  // namespace dlc::cpu
