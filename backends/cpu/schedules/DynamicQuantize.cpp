// Template for DynamicQuantizeLinear (f32 -> u8 with a scale and zero point
// from the data), in one kernel:
//   1. min and max of x and 0, in registers (vectors of partial min/max, then
//      the lanes combined; NaN is skipped);
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

  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  if (lanes < 1 || total < lanes) lanes = 1;

  // 1. min and max (NaN compares false and is skipped): `lanes` partial maxima
  // and minima over vectors of x (acc[0, lanes) and acc[lanes, 2 lanes)), the
  // tail into lane 0, then the lanes combined into acc[0] and acc[lanes]. The
  // partials start at 0 and never hold -0, so the order does not matter.
  BufferRef acc = makeBuffer("minmax", DType::Float32, 2 * lanes, MemScope::Register);
  auto update = [&](const ExprRef& l, const ExprRef& v) {
    ExprRef m = load(acc, l), n = load(acc, l + lanes);
    return seq({store(acc, l, select(binary(BinOp::LT, m, v), v, m)),
                store(acc, l + lanes, select(binary(BinOp::LT, v, n), v, n))});
  };
  std::vector<StmtRef> body;
  body.push_back(loop("l", 2 * lanes, LoopKind::Serial, [&](const ExprRef& l) { return store(acc, l, fc(0)); }));
  int64_t chunks = total / lanes;
  body.push_back(loop("c", chunks, LoopKind::Serial, [&](const ExprRef& c) {
    Var v = makeVar("v");
    StmtRef st = update(varRef(v), xAt(c * lanes + varRef(v)));
    return lanes > 1 ? forLoop(v, intImm(0), intImm(lanes), LoopKind::Vectorized, st) : update(intImm(0), xAt(c));
  }));
  if (chunks * lanes < total)
    body.push_back(loop("t", total - chunks * lanes, LoopKind::Serial,
                        [&](const ExprRef& t) { return update(intImm(0), xAt(intImm(chunks * lanes) + t)); }));
  if (lanes > 1)
    body.push_back(loop("l", lanes - 1, LoopKind::Serial, [&](const ExprRef& l) {
      ExprRef m = load(acc, intImm(0)), n = load(acc, intImm(lanes));
      ExprRef pm = load(acc, l + 1), pn = load(acc, l + (lanes + 1));
      return seq({store(acc, intImm(0), select(binary(BinOp::LT, m, pm), pm, m)),
                  store(acc, intImm(lanes), select(binary(BinOp::LT, pn, n), pn, n))});
    }));
  ExprRef mx = load(acc, intImm(0)), mn = load(acc, intImm(lanes));

  // 2. scale and zero point.
  Var scale = makeVar("scale", f), zp = makeVar("zp", f);
  ExprRef range = select(binary(BinOp::EQ, mx, mn), fc(1), mx - mn);
  ExprRef zp0 = fc(0) - binary(BinOp::Div, mn, varRef(scale));
  ExprRef lo = select(binary(BinOp::LT, fc(0), zp0), zp0, fc(0));
  ExprRef zpv = call(Intrinsic::Round, {select(binary(BinOp::LT, lo, fc(255)), lo, fc(255))});

  // 3. the quantized tensor.
  int64_t inner = ext.empty() ? 1 : ext.back();
  int64_t outer = inner ? total / inner : 0;
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
