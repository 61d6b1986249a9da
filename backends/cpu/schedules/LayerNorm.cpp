// Template for LayerNormalization (axis, epsilon, Scale, optional B) over the
// trailing dims from `axis`: per row, the mean, then the variance about it,
// then the normalized, scaled and shifted output with a fused elementwise
// epilogue; the optional Mean and InvStdDev outputs take the row's statistics.
// Rows are the parallel loop; the mean and the variance are vector loops over
// the row into lane-wide partial sums (laneReduce, knob vector_lanes).
#include <algorithm>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleLayerNorm(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& ln = *g.anchor;
  const Value* x = ln.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(ln.describe(), ": LayerNormalization of ", dtypeName(dt), " has no CPU schedule");
  int64_t stashType = ln.attrInt("stash_type", 1);
  if (stashType != 1 && stashType != 11)
    unsupported(ln.describe(), ": LayerNormalization with stash_type ", stashType, " has no CPU schedule");
  // Statistics in the stash type; arithmetic in f64 when either is f64, the
  // statistics then rounded through the stash type as the reference does.
  Type st = scalarType(stashType == 1 ? DType::Float32 : DType::Float64);
  Type t = dt == DType::Float64 || st.scalar == DType::Float64 ? scalarType(DType::Float64) : scalarType(dt);
  auto stash = [&](ExprRef e) { return st == t ? e : cast(t, cast(st, e)); };
  auto toT = [&](ExprRef e) { return e->type.scalar == t.scalar ? e : cast(t, e); };
  // The optional Mean and InvStdDev outputs: one element per row.
  BufferRef statOut[2] = {nullptr, nullptr};
  for (size_t i = 1; i < ln.numOutputs() && i < 3; ++i)
    if (ln.output(i)) statOut[i - 1] = ctx.buffers.at(ln.output(i)).buffer;
  int64_t rank = static_cast<int64_t>(ext.size());
  int64_t axis = ln.attrInt("axis", -1);
  if (axis < 0) axis += rank;
  double eps = ln.attrFloat("epsilon", 1e-5);
  int64_t rows = 1, len = 1;
  for (int64_t i = 0; i < rank; ++i) (i < axis ? rows : len) *= ext[static_cast<size_t>(i)];
  std::vector<int64_t> normExt(ext.begin() + axis, ext.end());
  ExprBuilder prologue(ctx.buffers, nodesExcept(g, &ln));
  ExprBuilder params(ctx.buffers, {});
  // Direct (dense) loads where no index arithmetic is needed: x from its
  // buffer when no prologue computes it, a parameter of the normalized shape.
  bool xInGroup = false;
  for (const Node* n : g.nodes)
    for (const Value* o : n->outputs()) xInGroup |= n != &ln && o == x;
  BufferRef xb = xInGroup ? nullptr : ctx.buffers.at(x).buffer;
  auto param = [&](const Value* p, const ExprRef& l) {
    std::vector<int64_t> pe = staticExtents(*p);
    if (numElements(pe) == len) return toT(load(ctx.buffers.at(p).buffer, l));
    return toT(params.load(p, broadcastIndex(delinearize(l, normExt), pe)));
  };
  BufferRef acc = makeBuffer("acc", t.scalar, 2, MemScope::Register);
  LoopKind kind = rows * len >= ctx.knob(g, "parallel_min_elements", 1 << 14) && rows > 1 ? LoopKind::Parallel
                                                                                        : LoopKind::Serial;
  int lanes = len >= ctx.spec.floatLanes() && t.scalar == DType::Float32
                  ? static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes())) : 1;
  BufferRef part = makeBuffer("part", t.scalar, std::max(lanes, 1), MemScope::Register);
  auto sumOf = [](const ExprRef& a, const ExprRef& b) { return a + b; };
  return loop("row", rows, kind, [&](const ExprRef& row) {
    auto index = [&](const ExprRef& l) { return delinearize(row * len + l, ext); };
    auto xAt = [&](const ExprRef& l) { return toT(xInGroup ? prologue.at(x, index(l)) : load(xb, row * len + l)); };
    ExprRef mean = load(acc, intImm(0)), var = load(acc, intImm(1));
    std::vector<StmtRef> body;
    body.push_back(laneReduce("l", len, lanes, part, acc, intImm(0), floatImm(0, t), sumOf, xAt));
    body.push_back(store(acc, intImm(0), stash(binary(BinOp::Div, mean, floatImm(static_cast<double>(len), t)))));
    body.push_back(laneReduce("v", len, lanes, part, acc, intImm(1), floatImm(0, t), sumOf, [&](const ExprRef& l) {
      ExprRef d = xAt(l) - mean;
      return d * d;
    }));
    ExprRef variance = stash(binary(BinOp::Div, var, floatImm(static_cast<double>(len), t)));
    body.push_back(store(acc, intImm(1), stash(binary(BinOp::Div, floatImm(1, t),
                                                      call(Intrinsic::Sqrt, {variance + floatImm(eps, t)})))));
    for (int k = 0; k < 2; ++k)
      if (statOut[k]) body.push_back(store(statOut[k], row, cast(scalarType(statOut[k]->dtype), load(acc, intImm(k)))));
    body.push_back(vectorizedLoop("l", len, lanes, [&](const ExprRef& l) {
      ExprRef y = (xAt(l) - mean) * var * param(ln.input(1), l);
      if (ln.input(2)) y = y + param(ln.input(2), l);
      return storeAtLinear(g, ctx, row * len + l, ext, y->type.scalar == dt ? y : cast(scalarType(dt), y));
    }));
    return allocate(acc, allocate(part, seq(body)));
  });
}

}  // namespace dlc::cpu
