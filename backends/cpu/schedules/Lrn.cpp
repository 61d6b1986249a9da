// Template for LRN across channels of x [N, C, ...]: per (n, channel), the
// window's sum of squares is unrolled into one expression (out-of-range
// channels contribute 0), so the spatial loop vectorizes; y = x / pow(bias +
// alpha / size * sum, beta) in f64 as the reference, with a fused elementwise
// epilogue. (n, channel) pairs are the parallel loop.
#include <algorithm>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleLrn(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& lrn = *g.anchor;
  const Value* x = lrn.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(lrn.describe(), ": LRN of ", dtypeName(dt), " has no CPU schedule");
  if (ext.size() < 2) unsupported(lrn.describe(), ": LRN of rank < 2 has no CPU schedule");
  int64_t size = lrn.attrInt("size", 0);
  int64_t maxWindow = ctx.knob(g, "unroll_max_window", 64);
  if (size <= 0 || size > maxWindow)
    unsupported(lrn.describe(), ": LRN of size ", size, " (more than ", maxWindow, " unrolled) has no CPU schedule");
  double alpha = lrn.attrFloat("alpha", 1e-4), beta = lrn.attrFloat("beta", 0.75), bias = lrn.attrFloat("bias", 1.0);
  int64_t N = ext[0], C = ext[1], inner = 1;
  for (size_t i = 2; i < ext.size(); ++i) inner *= ext[i];
  if (N * C * inner == 0) return seq({});
  int64_t lo = (size - 1) / 2, hi = size - 1 - lo;
  Type f64{DType::Float64, 1};
  BufferRef xb = ctx.buffers.at(x).buffer;
  auto xAt = [&](const ExprRef& off) {
    ExprRef v = load(xb, off);
    return dt == DType::Float64 ? v : cast(f64, v);
  };
  LoopKind kind = N * C * inner * size >= ctx.knob(g, "parallel_min_work", 1 << 15) && N * C > 1
                      ? LoopKind::Parallel : LoopKind::Serial;
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  return loop("nc", N * C, kind, [&](const ExprRef& nc) {
    ExprRef n = binary(BinOp::Div, nc, intImm(C)), c = binary(BinOp::Mod, nc, intImm(C));
    return vectorizedLoop("i", inner, lanes, [&](const ExprRef& i) {
      ExprRef sq = floatImm(0, f64);
      for (int64_t k = -lo; k <= hi; ++k) {
        ExprRef ck = c + intImm(k);
        ExprRef valid = binary(BinOp::And, binary(BinOp::GE, ck, intImm(0)), binary(BinOp::LT, ck, intImm(C)));
        ExprRef safe = kernel::min(kernel::max(ck, intImm(0)), intImm(C - 1));
        ExprRef e = xAt((n * C + safe) * inner + i);
        sq = sq + select(valid, e * e, floatImm(0, f64));
      }
      ExprRef off = nc * inner + i;
      ExprRef den = call(Intrinsic::Pow, {floatImm(bias, f64) + floatImm(alpha / static_cast<double>(size), f64) * sq,
                                          floatImm(beta, f64)});
      ExprRef y = binary(BinOp::Div, xAt(off), den);
      if (dt != DType::Float64) y = cast(scalarType(dt), y);
      return storeAtLinear(g, ctx, off, ext, y);
    });
  });
}

}  // namespace dlc::cpu
