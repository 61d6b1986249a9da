// Template for InstanceNormalization and GroupNormalization over x [N, C, ...]:
// each (n, group) is a run of consecutive elements (one channel's spatial
// elements for InstanceNormalization, num_groups' channels for
// GroupNormalization). Per run, in f64 as the reference: the mean, the
// variance about it (both rounded through f32 for GroupNormalization with
// stash_type 1), then (x - mean) * inv * scale[ch] + bias[ch] (vectorized) with a
// fused elementwise epilogue. Runs are the parallel loop.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleGroupNorm(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& gn = *g.anchor;
  bool instance = gn.op() == "InstanceNormalization";
  const Value* x = gn.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(gn.describe(), ": ", gn.op(), " of ", dtypeName(dt), " has no CPU schedule");
  if (ext.size() < 2) unsupported(gn.describe(), ": ", gn.op(), " of rank < 2 has no CPU schedule");
  int64_t N = ext[0], C = ext[1], inner = 1;
  for (size_t i = 2; i < ext.size(); ++i) inner *= ext[i];
  int64_t groups = instance ? C : gn.attrInt("num_groups", 0);
  if (groups <= 0 || C % groups != 0)
    unsupported(gn.describe(), ": ", gn.op(), " num_groups ", groups, " must divide channels ", C);
  bool perGroup = !instance && gn.attrInt("legacy_per_group_scale", 0) != 0;
  int64_t stashType = instance ? 11 : gn.attrInt("stash_type", 1);
  if (stashType != 1 && stashType != 11)
    unsupported(gn.describe(), ": ", gn.op(), " with stash_type ", stashType, " has no CPU schedule");
  int64_t want = perGroup ? groups : C;
  for (size_t i = 1; i < 3; ++i)
    if (!gn.input(i) || numElements(staticExtents(*gn.input(i))) != want || !isFloat(gn.input(i)->type().dtype))
      unsupported(gn.describe(), ": ", gn.op(), " scale and bias must have ", want, " float elements");
  int64_t cpg = C / groups, size = cpg * inner;
  if (N * C * inner == 0) return seq({});
  Type f64{DType::Float64, 1};
  auto toF64 = [&](ExprRef v) { return v->type == f64 ? v : cast(f64, v); };
  auto stash = [&](ExprRef v) { return stashType == 1 ? cast(f64, cast(kernel::f32(), v)) : v; };
  double eps = gn.attrFloat("epsilon", 1e-5);
  BufferRef xb = ctx.buffers.at(x).buffer;
  BufferRef sb = ctx.buffers.at(gn.input(1)).buffer, bb = ctx.buffers.at(gn.input(2)).buffer;
  BufferRef acc = makeBuffer("acc", DType::Float64, 2, MemScope::Register);  // mean, then var and inv
  LoopKind kind = N * C * inner >= ctx.knob(g, "parallel_min_elements", 1 << 14) && N * groups > 1
                      ? LoopKind::Parallel : LoopKind::Serial;
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  return loop("run", N * groups, kind, [&](const ExprRef& run) {
    auto xAt = [&](const ExprRef& i) { return toF64(load(xb, run * size + i)); };
    ExprRef mean = load(acc, intImm(0)), var = load(acc, intImm(1));
    ExprRef len = floatImm(static_cast<double>(size), f64);
    std::vector<StmtRef> body;
    body.push_back(store(acc, intImm(0), floatImm(0, f64)));
    body.push_back(loop("i", size, LoopKind::Serial, [&](const ExprRef& i) { return store(acc, intImm(0), mean + xAt(i)); }));
    body.push_back(store(acc, intImm(0), stash(binary(BinOp::Div, mean, len))));
    body.push_back(store(acc, intImm(1), floatImm(0, f64)));
    body.push_back(loop("i", size, LoopKind::Serial, [&](const ExprRef& i) {
      ExprRef d = xAt(i) - mean;
      return store(acc, intImm(1), var + d * d);
    }));
    body.push_back(store(acc, intImm(1), binary(BinOp::Div, floatImm(1, f64),
                                                call(Intrinsic::Sqrt, {stash(binary(BinOp::Div, var, len)) +
                                                                       floatImm(eps, f64)}))));
    ExprRef gi = binary(BinOp::Mod, run, intImm(groups));
    body.push_back(vectorizedLoop("i", size, lanes, [&](const ExprRef& i) {
      ExprRef ch = perGroup ? gi : gi * cpg + binary(BinOp::Div, i, intImm(inner));
      ExprRef y = (xAt(i) - mean) * var * toF64(load(sb, ch)) + toF64(load(bb, ch));
      if (dt != DType::Float64) y = cast(scalarType(dt), y);
      return storeAtLinear(g, ctx, run * size + i, ext, y);
    }));
    return allocate(acc, seq(body));
  });
}

}  // namespace dlc::cpu
