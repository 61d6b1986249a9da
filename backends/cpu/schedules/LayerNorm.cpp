// Template for LayerNormalization (axis, epsilon, Scale, optional B) over the
// trailing dims from `axis`: per row, the mean, then the variance about it,
// then the normalized, scaled and shifted output with a fused elementwise
// epilogue. Rows are the parallel loop.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleLayerNorm(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& ln = *g.anchor;
  for (size_t i = 1; i < ln.numOutputs(); ++i)
    if (ln.output(i)) unsupported(ln.describe(), ": LayerNormalization with Mean/InvStdDev outputs has no CPU schedule");
  const Value* x = ln.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(ln.describe(), ": LayerNormalization of ", dtypeName(dt), " has no CPU schedule");
  Type t = scalarType(dt);
  int64_t rank = static_cast<int64_t>(ext.size());
  int64_t axis = ln.attrInt("axis", -1);
  if (axis < 0) axis += rank;
  double eps = ln.attrFloat("epsilon", 1e-5);
  int64_t rows = 1, len = 1;
  for (int64_t i = 0; i < rank; ++i) (i < axis ? rows : len) *= ext[static_cast<size_t>(i)];
  std::vector<int64_t> normExt(ext.begin() + axis, ext.end());
  ExprBuilder prologue(ctx.buffers, nodesExcept(g, &ln));
  ExprBuilder params(ctx.buffers, {});
  BufferRef acc = makeBuffer("acc", dt, 2, MemScope::Register);
  LoopKind kind = rows * len >= ctx.knob(g, "parallel_min_elements", 1 << 14) && rows > 1 ? LoopKind::Parallel
                                                                                        : LoopKind::Serial;
  int lanes = len >= ctx.spec.floatLanes() && dt == DType::Float32 ? ctx.spec.floatLanes() : 1;
  return loop("row", rows, kind, [&](const ExprRef& row) {
    auto index = [&](const ExprRef& l) { return delinearize(row * len + l, ext); };
    auto xAt = [&](const ExprRef& l) { return prologue.at(x, index(l)); };
    ExprRef mean = load(acc, intImm(0)), var = load(acc, intImm(1));
    std::vector<StmtRef> body;
    body.push_back(store(acc, intImm(0), floatImm(0, t)));
    body.push_back(loop("l", len, LoopKind::Serial, [&](const ExprRef& l) { return store(acc, intImm(0), mean + xAt(l)); }));
    body.push_back(store(acc, intImm(0), binary(BinOp::Div, mean, floatImm(static_cast<double>(len), t))));
    body.push_back(store(acc, intImm(1), floatImm(0, t)));
    body.push_back(loop("l", len, LoopKind::Serial, [&](const ExprRef& l) {
      ExprRef d = xAt(l) - mean;
      return store(acc, intImm(1), var + d * d);
    }));
    body.push_back(store(acc, intImm(1), binary(BinOp::Div, floatImm(1, t),
                                                call(Intrinsic::Sqrt, {binary(BinOp::Div, var, floatImm(static_cast<double>(len), t)) +
                                                                       floatImm(eps, t)}))));
    body.push_back(vectorizedLoop("l", len, lanes, [&](const ExprRef& l) {
      std::vector<ExprRef> nidx = delinearize(l, normExt);
      ExprRef y = (xAt(l) - mean) * var * params.load(ln.input(1), broadcastIndex(nidx, staticExtents(*ln.input(1))));
      if (ln.input(2)) y = y + params.load(ln.input(2), broadcastIndex(nidx, staticExtents(*ln.input(2))));
      return storeThroughEpilogue(g, ctx, index(l), y);
    }));
    return allocate(acc, seq(body));
  });
}

}  // namespace dlc::cpu
