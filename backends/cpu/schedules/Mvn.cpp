// Template for MeanVarianceNormalization over `axes` (default N, H, W): per
// statistic element (the kept dims), in f64 as the reference: the sum and sum
// of squares over the reduced elements, std = sqrt(max(0, E[x^2] - mean^2)) +
// 1e-9, then (x - mean) / std stored through a fused elementwise epilogue.
// Statistic elements are the parallel loop.
#include <algorithm>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleMvn(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& n = *g.anchor;
  const Value* x = n.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(n.describe(), ": MeanVarianceNormalization of ", dtypeName(dt), " has no CPU schedule");
  int64_t rank = static_cast<int64_t>(ext.size());
  std::vector<bool> reduced(ext.size(), false);
  for (int64_t a : n.attrInts("axes", {0, 2, 3})) {
    if (a < -rank || a >= rank) fail(n.describe(), ": axis ", a, " is out of range for rank ", rank);
    reduced[static_cast<size_t>(a < 0 ? a + rank : a)] = true;
  }
  std::vector<int64_t> keptExt, redExt;
  for (size_t d = 0; d < ext.size(); ++d) (reduced[d] ? redExt : keptExt).push_back(ext[d]);
  int64_t stats = numElements(keptExt), count = numElements(redExt);
  if (stats * count == 0) return seq({});
  Type f64{DType::Float64, 1};
  BufferRef xb = ctx.buffers.at(x).buffer;
  BufferRef acc = makeBuffer("acc", DType::Float64, 2, MemScope::Register);  // sum, sum of squares -> mean, std
  LoopKind kind = stats > 1 && stats * count >= ctx.knob(g, "parallel_min_elements", 1 << 14) ? LoopKind::Parallel
                                                                                               : LoopKind::Serial;
  return loop("s", stats, kind, [&](const ExprRef& s) {
    std::vector<ExprRef> kept = delinearize(s, keptExt);
    auto index = [&](const ExprRef& r) {
      std::vector<ExprRef> red = delinearize(r, redExt), idx;
      size_t ki = 0, ri = 0;
      for (size_t d = 0; d < ext.size(); ++d) idx.push_back(reduced[d] ? red[ri++] : kept[ki++]);
      return idx;
    };
    auto xAt = [&](const std::vector<ExprRef>& idx) {
      ExprRef v = load(xb, linearize(idx, ext));
      return dt == DType::Float64 ? v : cast(f64, v);
    };
    ExprRef sum = load(acc, intImm(0)), sq = load(acc, intImm(1));
    ExprRef cnt = floatImm(static_cast<double>(count), f64);
    std::vector<StmtRef> body = {store(acc, intImm(0), floatImm(0, f64)), store(acc, intImm(1), floatImm(0, f64))};
    body.push_back(loop("r", count, LoopKind::Serial, [&](const ExprRef& r) {
      ExprRef v = xAt(index(r));
      return seq({store(acc, intImm(0), sum + v), store(acc, intImm(1), sq + v * v)});
    }));
    body.push_back(store(acc, intImm(0), binary(BinOp::Div, sum, cnt)));
    ExprRef var = binary(BinOp::Div, sq, cnt) - sum * sum;
    body.push_back(store(acc, intImm(1),
                         call(Intrinsic::Sqrt, {kernel::max(floatImm(0, f64), var)}) + floatImm(1e-9, f64)));
    body.push_back(loop("r", count, LoopKind::Serial, [&](const ExprRef& r) {
      std::vector<ExprRef> idx = index(r);
      ExprRef y = binary(BinOp::Div, xAt(idx) - sum, sq);
      return storeThroughEpilogue(g, ctx, idx, dt == DType::Float64 ? y : cast(scalarType(dt), y));
    }));
    return allocate(acc, seq(body));
  });
}

}  // namespace dlc::cpu
