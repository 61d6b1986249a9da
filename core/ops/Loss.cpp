// Loss ops: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.
//
// Both take scores [N, C, d1..dk] and class indices [N, d1..dk]. Per element,
// loss = -w[t] * logp[n, t, d] with w the optional class weights (1 without
// them) and 0 where t == ignore_index. Reduction "none" keeps [N, d1..dk],
// "sum" adds, "mean" divides the sum by the sum of the applied weights.
#include <cmath>
#include <optional>

#include "ops/ConvHelpers.h"
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc::ops {
namespace {

std::string reductionOf(const Node& node) {
  std::string r = node.attrString("reduction", "mean");
  DLC_CHECK(r == "none" || r == "sum" || r == "mean", node.describe(), ": reduction must be none, sum or mean, got '",
            r, "'");
  return r;
}

void inferLoss(InferContext& ctx, bool logProbOutput) {
  const TensorType& x = ctx.in(0);
  const TensorType& t = ctx.in(1);
  DLC_CHECK(isFloat(x.dtype), ctx.node.describe(), ": scores must be floating point, got ", dtypeName(x.dtype));
  DLC_CHECK(isInteger(t.dtype), ctx.node.describe(), ": target must be an integer tensor, got ",
            dtypeName(t.dtype));
  if (ctx.has(2)) {
    const TensorType& w = ctx.in(2);
    DLC_CHECK(w.dtype == x.dtype, ctx.node.describe(), ": weight dtype differs from the scores'");
    DLC_CHECK(!w.ranked || w.rank() == 1, ctx.node.describe(), ": weight must be 1-D");
  }
  std::string red = reductionOf(ctx.node);
  Shape lossShape;
  bool lossRanked = true;
  if (x.ranked) {
    DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": scores must have rank >= 2, got ", x.str());
    if (t.ranked) {
      DLC_CHECK(t.rank() == x.rank() - 1, ctx.node.describe(), ": target ", t.str(), " must have rank ",
                x.rank() - 1, " for scores ", x.str());
      for (int64_t i = 0; i < t.rank(); ++i) {
        const Dim& a = x.shape[static_cast<size_t>(i == 0 ? 0 : i + 1)];
        const Dim& b = t.shape[static_cast<size_t>(i)];
        DLC_CHECK(!(a.isStatic() && b.isStatic()) || a == b, ctx.node.describe(), ": target ", t.str(),
                  " does not match scores ", x.str());
      }
    }
    lossShape.push_back(x.shape[0]);
    for (int64_t i = 2; i < x.rank(); ++i) lossShape.push_back(x.shape[static_cast<size_t>(i)]);
  } else if (t.ranked) {
    lossShape = t.shape;
  } else {
    lossRanked = false;
  }
  TensorType loss = red != "none" ? TensorType(x.dtype, {})
                    : lossRanked  ? TensorType(x.dtype, lossShape)
                                  : TensorType::unranked(x.dtype);
  ctx.outputs = {loss};
  if (logProbOutput && ctx.node.numOutputs() > 1) ctx.outputs.push_back(x);
}

// logp holds [N, C, D] log-probabilities (or raw scores for NLL).
Tensor computeLoss(const RefContext& ctx, const std::vector<double>& logp, const std::vector<int64_t>& xExt) {
  const Node& node = ctx.node;
  const Tensor& t = ctx.in(1);
  const int64_t N = xExt[0], C = xExt[1];
  int64_t D = 1;
  for (size_t i = 2; i < xExt.size(); ++i) D *= xExt[i];
  std::vector<int64_t> tExt{N};
  for (size_t i = 2; i < xExt.size(); ++i) tExt.push_back(xExt[i]);
  DLC_CHECK(t.extents() == tExt, node.describe(), ": target ", t.type().str(), " does not match scores ",
            TensorType::fromExtents(DType::Float32, xExt).str());
  std::vector<int64_t> target = toInt64Vector(t);
  std::optional<int64_t> ignore;
  if (node.hasAttr("ignore_index")) ignore = node.attr("ignore_index").i();
  std::vector<double> weight;
  if (ctx.has(2)) {
    weight = toDoubles(ctx.in(2));
    DLC_CHECK(ctx.in(2).rank() == 1 && static_cast<int64_t>(weight.size()) == C, node.describe(),
              ": weight must have shape [", C, "]");
  }
  std::vector<double> loss(static_cast<size_t>(N * D));
  double wsum = 0, lsum = 0;
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t d = 0; d < D; ++d) {
      size_t o = static_cast<size_t>(n * D + d);
      int64_t c = target[o];
      if (ignore && c == *ignore) {
        loss[o] = 0;
        continue;
      }
      DLC_CHECK(c >= 0 && c < C, node.describe(), ": target class ", c, " out of range [0, ", C, ")");
      double w = weight.empty() ? 1.0 : weight[static_cast<size_t>(c)];
      loss[o] = -logp[static_cast<size_t>((n * C + c) * D + d)] * w;
      wsum += w;
      lsum += loss[o];
    }
  }
  DType dt = ctx.in(0).dtype();
  std::string red = reductionOf(node);
  if (red == "none") return fromDoubles(dt, tExt, loss);
  if (red == "sum") return fromDoubles(dt, {}, {lsum});
  return fromDoubles(dt, {}, {lsum / wsum});
}

void refNll(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": scores must have rank >= 2");
  ctx.outputs = {computeLoss(ctx, toDoubles(x), x.extents())};
}

void refSce(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": scores must have rank >= 2");
  const int64_t N = x.dim(0), C = x.dim(1);
  const int64_t D = N * C == 0 ? 0 : x.numel() / (N * C);
  std::vector<double> v = toDoubles(x);
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t d = 0; d < D; ++d) {
      double mx = -INFINITY;
      for (int64_t c = 0; c < C; ++c) mx = std::max(mx, v[static_cast<size_t>((n * C + c) * D + d)]);
      double s = 0;
      for (int64_t c = 0; c < C; ++c) s += std::exp(v[static_cast<size_t>((n * C + c) * D + d)] - mx);
      double ls = std::log(s);
      for (int64_t c = 0; c < C; ++c) {
        double& e = v[static_cast<size_t>((n * C + c) * D + d)];
        e = e - mx - ls;
      }
    }
  }
  ctx.outputs = {computeLoss(ctx, v, x.extents())};
  if (ctx.node.numOutputs() > 1) ctx.outputs.push_back(fromDoubles(x.dtype(), x.extents(), v));
}

}  // namespace
}  // namespace dlc::ops

namespace dlc {
using namespace ops;

void registerLossOps(OpRegistry& r) {
  r.add(makeOp("NegativeLogLikelihoodLoss", "Negative log-likelihood loss over class scores [N, C, d...]", 2, 3,
               PatternKind::Opaque, [](InferContext& c) { inferLoss(c, false); }, refNll,
               {optAttr("reduction", "mean"), optAttrNoDefault("ignore_index", AttrKind::Int)}));
  r.add(makeOp("SoftmaxCrossEntropyLoss", "Cross-entropy of softmax(scores) over axis 1 (optionally log_prob)", 2, 3,
               PatternKind::Opaque, [](InferContext& c) { inferLoss(c, true); }, refSce,
               {optAttr("reduction", "mean"), optAttrNoDefault("ignore_index", AttrKind::Int)}, 1, 2));
}

}  // namespace dlc
