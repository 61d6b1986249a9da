// Template for DynamicQuantizeLinear (f32 -> u8 with a scale and zero point
// from the data), in one kernel:
//   1. min and max of x and 0, in registers (a serial pass; NaN is skipped);
//   2. scale = (max - min, or 1 if equal) / 255 and zero point =
//      round(clamp(-min / scale, 0, 255)), stored to their one-element outputs;
//   3. y = saturate(round(x / scale) + zero point): outer dims parallel when
//      there is enough work, the last dim vectorized.
// All arithmetic in f32 and rounding half to even, as the reference.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleDynamicQuantize(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& dq = *g.anchor;
  if (g.nodes.size() != 1) unsupported(dq.describe(), ": DynamicQuantizeLinear fused with other ops has no CPU schedule");
  const Value* x = dq.input(0);
  if (x->type().dtype != DType::Float32)
    unsupported(dq.describe(), ": DynamicQuantizeLinear of ", dtypeName(x->type().dtype), " has no CPU schedule");
  const ValueBuffer& xb = ctx.buffers.at(x);
  const ValueBuffer& yb = ctx.buffers.at(dq.output(0));
  const ValueBuffer& sb = ctx.buffers.at(dq.output(1));
  const ValueBuffer& zb = ctx.buffers.at(dq.output(2));
  std::vector<int64_t> ext = xb.extents;
  int64_t total = numElements(ext);
  Type f = f32(), u8{DType::UInt8, 1};
  auto fc = [&](double v) { return floatImm(v, f); };
  auto xAt = [&](const ExprRef& i) { return load(xb.buffer, i); };

  // 1. min and max (NaN compares false and is skipped).
  BufferRef acc = makeBuffer("minmax", DType::Float32, 2, MemScope::Register);
  ExprRef mx = load(acc, intImm(0)), mn = load(acc, intImm(1));
  std::vector<StmtRef> body = {store(acc, intImm(0), fc(0)), store(acc, intImm(1), fc(0))};
  body.push_back(loop("i", total, LoopKind::Serial, [&](const ExprRef& i) {
    ExprRef v = xAt(i);
    return seq({store(acc, intImm(0), select(binary(BinOp::LT, mx, v), v, mx)),
                store(acc, intImm(1), select(binary(BinOp::LT, v, mn), v, mn))});
  }));

  // 2. scale and zero point.
  Var scale = makeVar("scale", f), zp = makeVar("zp", f);
  ExprRef range = select(binary(BinOp::EQ, mx, mn), fc(1), mx - mn);
  ExprRef zp0 = fc(0) - binary(BinOp::Div, mn, varRef(scale));
  ExprRef lo = select(binary(BinOp::LT, fc(0), zp0), zp0, fc(0));
  ExprRef zpv = call(Intrinsic::Round, {select(binary(BinOp::LT, lo, fc(255)), lo, fc(255))});

  // 3. the quantized tensor.
  int64_t inner = ext.empty() ? 1 : ext.back();
  int64_t outer = inner ? total / inner : 0;
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  LoopKind kind = total >= ctx.knob(g, "parallel_min_elements", 1 << 15) && outer > 1 ? LoopKind::Parallel
                                                                                         : LoopKind::Serial;
  StmtRef quantize = loop("o", outer, kind, [&](const ExprRef& o) {
    return vectorizedLoop("i", inner, lanes, [&](const ExprRef& i) {
      ExprRef at = o * inner + i;
      ExprRef q = call(Intrinsic::Round, {binary(BinOp::Div, xAt(at), varRef(scale))}) + varRef(zp);
      return store(yb.buffer, at, cast(u8, q));  // saturating, NaN -> 0
    });
  });
  StmtRef rest = seq({store(sb.buffer, intImm(0), varRef(scale)), store(zb.buffer, intImm(0), cast(u8, varRef(zp))),
                      quantize});
  body.push_back(letStmt(scale, binary(BinOp::Div, range, fc(255)), letStmt(zp, zpv, rest)));
  return allocate(acc, seq(body));
}

}  // namespace dlc::cpu
