// Template for Hardmax along one axis (or, with legacy_axis_2d, over the
// flattened dims from it): per row, the index of the first maximum in
// registers, then 1 there and 0 elsewhere (with a fused elementwise epilogue).
// Rows are the parallel loop; with an inner extent the rows are strided.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleHardmax(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& hm = *g.anchor;
  const Value* x = hm.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(hm.describe(), ": Hardmax of ", dtypeName(dt), " has no CPU schedule");
  Type t = scalarType(dt);
  int64_t rank = static_cast<int64_t>(ext.size());
  int64_t axis = hm.attrInt("axis", -1);
  if (axis < 0) axis += rank;
  if (rank > 0 && (axis < 0 || axis >= rank)) unsupported(hm.describe(), ": Hardmax axis out of range");
  bool legacy = hm.attrInt("legacy_axis_2d", 0) != 0;
  int64_t outer = 1, len = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t e = ext[static_cast<size_t>(i)];
    if (i < axis) outer *= e;
    else if (i == axis || legacy) len *= e;
    else inner *= e;
  }
  if (len == 0 || outer * inner == 0) return seq({});
  BufferRef best = makeBuffer("best", dt, 1, MemScope::Register);
  BufferRef at = makeBuffer("at", DType::Int64, 1, MemScope::Register);
  BufferRef xb = ctx.buffers.at(x).buffer;
  LoopKind kind = outer * inner * len >= ctx.knob(g, "parallel_min_elements", 1 << 14) && outer * inner > 1
                      ? LoopKind::Parallel : LoopKind::Serial;
  int lanes = inner == 1 && len >= ctx.spec.floatLanes() && dt == DType::Float32 ? ctx.spec.floatLanes() : 1;
  return loop("row", outer * inner, kind, [&](const ExprRef& row) {
    ExprRef o = binary(BinOp::Div, row, intImm(inner)), in = binary(BinOp::Mod, row, intImm(inner));
    auto offset = [&](const ExprRef& k) { return (o * len + k) * inner + in; };
    ExprRef b = load(best, intImm(0)), a = load(at, intImm(0));
    std::vector<StmtRef> body;
    body.push_back(store(best, intImm(0), load(xb, offset(intImm(0)))));
    body.push_back(store(at, intImm(0), intImm(0)));
    // Strictly greater: ties (and NaNs) keep the first index.
    Var k = makeVar("k");
    ExprRef v = load(xb, offset(varRef(k)));
    ExprRef better = binary(BinOp::GT, v, b);
    body.push_back(forLoop(k, intImm(1), intImm(len - 1), LoopKind::Serial,
                           seq({store(at, intImm(0), select(better, varRef(k), a)),
                                store(best, intImm(0), select(better, v, b))})));
    body.push_back(vectorizedLoop("l", len, lanes, [&](const ExprRef& l) {
      ExprRef y = select(binary(BinOp::EQ, l, a), floatImm(1, t), floatImm(0, t));
      return storeAtLinear(g, ctx, offset(l), ext, y);
    }));
    return allocate(best, allocate(at, seq(body)));
  });
}

}  // namespace dlc::cpu
