// Template for NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss over
// scores x [N, C, d...] and class indices t [N, d...]. One row per (n, d):
//
//   for r in N*D:                      parallel for reduction "none"
//     (SCE) m = max_c x[n,c,d]; s = sum_c exp(x[n,c,d] - m); ls = log(s)
//     (SCE) log_prob[n,c,d] = x[n,c,d] - m - ls          for every c
//     lp = SCE ? x[n,t,d] - m - ls : x[n,t,d]
//     w = weight[t] (1 without weights); 0 where t == ignore_index
//     loss = -lp * w  -> stored (none), or summed with w (sum, mean)
//   sum: the sum of losses; mean: that sum / the sum of applied weights
//
// As the reference does, values are computed in f64 and rounded once to the
// output dtype. A class index out of [0, C) is clamped for the loads (the
// reference rejects it; a kernel cannot).
#include <cmath>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleLoss(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& ls = *g.anchor;
  bool sce = ls.op() == "SoftmaxCrossEntropyLoss";
  const Value* x = ls.input(0);
  const Value* t = ls.input(1);
  const Value* w = ls.numInputs() > 2 ? ls.input(2) : nullptr;
  const Value* logProb = sce && ls.numOutputs() > 1 ? ls.output(1) : nullptr;
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(ls.describe(), ": ", ls.op(), " of ", dtypeName(dt), " has no CPU schedule");
  if (!isInteger(t->type().dtype))
    unsupported(ls.describe(), ": ", ls.op(), " with target of ", dtypeName(t->type().dtype), " has no CPU schedule");
  std::string red = ls.attrString("reduction", "mean");
  if (red != "none" && red != "sum" && red != "mean")
    unsupported(ls.describe(), ": ", ls.op(), " with reduction '", red, "' has no CPU schedule");
  std::vector<int64_t> xe = staticExtents(*x);
  if (xe.size() < 2) unsupported(ls.describe(), ": ", ls.op(), " of rank < 2 has no CPU schedule");
  int64_t N = xe[0], C = xe[1], D = 1;
  for (size_t i = 2; i < xe.size(); ++i) D *= xe[i];
  std::vector<int64_t> lossExt{N};
  for (size_t i = 2; i < xe.size(); ++i) lossExt.push_back(xe[i]);
  if (C == 0) unsupported(ls.describe(), ": ", ls.op(), " with no classes has no CPU schedule");
  if (w && staticExtents(*w) != std::vector<int64_t>{C})
    unsupported(ls.describe(), ": ", ls.op(), " weight must have shape [", C, "]");

  Type f64{DType::Float64, 1};
  auto fimm = [&](double v) { return floatImm(v, f64); };
  BufferRef xb = ctx.buffers.at(x).buffer, tb = ctx.buffers.at(t).buffer;
  BufferRef wb = w ? ctx.buffers.at(w).buffer : nullptr;
  BufferRef lpb = logProb ? ctx.buffers.at(logProb).buffer : nullptr;
  bool reduce = red != "none";
  // row: max, log-sum-exp of the row; tot: sum of losses, sum of weights.
  BufferRef row = makeBuffer("row", DType::Float64, 2, MemScope::Register);
  BufferRef tot = makeBuffer("tot", DType::Float64, 2, MemScope::Register);
  ExprRef m = load(row, intImm(0)), lse = load(row, intImm(1));
  ExprRef lsum = load(tot, intImm(0)), wsum = load(tot, intImm(1));

  LoopKind kind = !reduce && N * D > 1 && N * D * C >= ctx.knob(g, "parallel_min_elements", 1 << 14)
                      ? LoopKind::Parallel : LoopKind::Serial;
  StmtRef rows = loop("r", N * D, kind, [&](const ExprRef& r) {
    ExprRef n = binary(BinOp::Div, r, intImm(D)), d = binary(BinOp::Mod, r, intImm(D));
    auto offset = [&](const ExprRef& c) { return (n * C + c) * D + d; };
    auto xAt = [&](const ExprRef& c) { return cast(f64, load(xb, offset(c))); };
    std::vector<StmtRef> body;
    if (sce) {
      body.push_back(store(row, intImm(0), fimm(-INFINITY)));
      body.push_back(loop("c", C, LoopKind::Serial, [&](const ExprRef& c) {
        return store(row, intImm(0), kernel::max(m, xAt(c)));
      }));
      body.push_back(store(row, intImm(1), fimm(0)));
      body.push_back(loop("c", C, LoopKind::Serial, [&](const ExprRef& c) {
        return store(row, intImm(1), lse + call(Intrinsic::Exp, {xAt(c) - m}));
      }));
      body.push_back(store(row, intImm(1), call(Intrinsic::Log, {lse})));
      if (lpb)
        body.push_back(loop("c", C, LoopKind::Serial, [&](const ExprRef& c) {
          return store(lpb, offset(c), cast(scalarType(dt), xAt(c) - m - lse));
        }));
    }
    ExprRef cls = cast(i64(), load(tb, r));
    ExprRef safe = kernel::min(kernel::max(cls, intImm(0)), intImm(C - 1));
    ExprRef lp = sce ? xAt(safe) - m - lse : xAt(safe);
    ExprRef wt = wb ? cast(f64, load(wb, safe)) : fimm(1);
    if (ls.hasAttr("ignore_index")) {
      ExprRef ignored = binary(BinOp::EQ, cls, intImm(ls.attr("ignore_index").i()));
      wt = select(ignored, fimm(0), wt);
    }
    ExprRef loss = unary(UnOp::Neg, lp) * wt;
    if (ls.hasAttr("ignore_index"))
      loss = select(binary(BinOp::EQ, cls, intImm(ls.attr("ignore_index").i())), fimm(0), loss);
    if (!reduce) {
      body.push_back(storeAtLinear(g, ctx, r, lossExt, cast(scalarType(dt), loss)));
    } else {
      body.push_back(store(tot, intImm(0), lsum + loss));
      body.push_back(store(tot, intImm(1), wsum + wt));
    }
    return sce ? allocate(row, seq(body)) : seq(body);
  });
  if (!reduce) return rows;
  ExprRef result = red == "sum" ? lsum : binary(BinOp::Div, lsum, wsum);
  return allocate(tot, seq({store(tot, intImm(0), fimm(0)), store(tot, intImm(1), fimm(0)), rows,
                            storeThroughEpilogue(g, ctx, {}, cast(scalarType(dt), result))}));
}

}  // namespace dlc::cpu
