// Normalization ops: BatchNormalization (inference), LayerNormalization,
// InstanceNormalization, GroupNormalization, LRN, MeanVarianceNormalization,
// and the softmax family (Softmax, LogSoftmax, Hardmax).
//
// Values are computed in double and rounded once to the output dtype.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

std::vector<double> toDoubles(const Node& node, const Tensor& t) {
  if (!isFloat(t.dtype())) unsupported(node.describe(), ": dtype ", dtypeName(t.dtype()));
  std::vector<double> v(static_cast<size_t>(t.numel()));
  dispatchDType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (kIsFloatLike<T>) {
      const T* p = t.data<T>();
      for (int64_t i = 0; i < t.numel(); ++i) v[static_cast<size_t>(i)] = loadAs<T>(p, i);
    }
  });
  return v;
}

Tensor fromDoubles(DType dtype, const std::vector<int64_t>& ext, const std::vector<double>& v) {
  Tensor out(dtype, ext);
  dispatchDType(dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (kIsFloatLike<T>) {
      T* p = out.data<T>();
      for (int64_t i = 0; i < out.numel(); ++i) storeAs<T>(p, i, v[static_cast<size_t>(i)]);
    }
  });
  return out;
}

int64_t product(const std::vector<int64_t>& e, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to; ++i) p *= e[i];
  return p;
}

// Rounds through float, as stash_type = 1 computes statistics in float32.
double stash(double v, bool f32) { return f32 ? static_cast<double>(static_cast<float>(v)) : v; }

// stash_type: 1 (float32) or 11 (float64); returns true for float32.
bool stashIsF32(const Node& node) {
  int64_t st = node.attrInt("stash_type", 1);
  if (st != 1 && st != 11) unsupported(node.describe(), ": stash_type ", st);
  return st == 1;
}

// ---- softmax family ------------------------------------------------------

enum class SoftKind { Softmax, LogSoftmax, Hardmax };

void softmaxRef(RefContext& ctx, SoftKind kind) {
  const Tensor& x = ctx.in(0);
  auto ext = x.extents();
  int64_t rank = x.rank();
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", -1), rank);
  bool legacy = ctx.node.attrInt("legacy_axis_2d", 0) != 0;
  size_t a = static_cast<size_t>(axis);
  int64_t outer = product(ext, 0, a);
  int64_t n = legacy ? product(ext, a, ext.size()) : (rank == 0 ? 1 : ext[a]);
  int64_t inner = legacy || rank == 0 ? 1 : product(ext, a + 1, ext.size());
  std::vector<double> v = toDoubles(ctx.node, x), out(v.size());
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t in = 0; in < inner; ++in) {
      auto at = [&](int64_t k) { return static_cast<size_t>((o * n + k) * inner + in); };
      if (n == 0) continue;
      double mx = v[at(0)];
      int64_t arg = 0;
      for (int64_t k = 1; k < n; ++k)
        if (v[at(k)] > mx) {
          mx = v[at(k)];
          arg = k;
        }
      if (kind == SoftKind::Hardmax) {
        for (int64_t k = 0; k < n; ++k) out[at(k)] = k == arg ? 1.0 : 0.0;
        continue;
      }
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += std::exp(v[at(k)] - mx);
      for (int64_t k = 0; k < n; ++k)
        out[at(k)] = kind == SoftKind::Softmax ? std::exp(v[at(k)] - mx) / sum : v[at(k)] - mx - std::log(sum);
    }
  }
  ctx.outputs = {fromDoubles(x.dtype(), ext, out)};
}

OpDef softmaxOp(const char* name, const char* summary, SoftKind kind) {
  return makeOp(name, summary, 1, 1, PatternKind::Opaque, inferSameAsInput0,
                [kind](RefContext& ctx) { softmaxRef(ctx, kind); },
                {optAttr("axis", Attribute(int64_t{-1})), optAttr("legacy_axis_2d", Attribute(int64_t{0}))});
}

// ---- batch / instance / group normalization -------------------------------

// Only inference mode (one output) is supported.
void checkBatchNormMode(const Node& node) {
  if (node.attrInt("training_mode", 0) != 0) unsupported(node.describe(), ": training_mode=1");
  if (node.numOutputs() > 1) unsupported(node.describe(), ": running statistics outputs (training)");
}

void batchNormInfer(InferContext& c) {
  checkBatchNormMode(c.node);
  c.outputs = {c.in(0)};
}

void batchNormRef(RefContext& ctx) {
  checkBatchNormMode(ctx.node);
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": input must have rank >= 2");
  int64_t c = x.dim(1), inner = product(x.extents(), 2, x.extents().size()), outer = x.dim(0);
  for (size_t i = 1; i < 5; ++i)
    DLC_CHECK(ctx.in(i).numel() == c, ctx.node.describe(), ": input ", i, " must have ", c, " elements");
  double eps = ctx.node.attrFloat("epsilon", 1e-5);
  std::vector<double> v = toDoubles(ctx.node, x), s = toDoubles(ctx.node, ctx.in(1)),
                      b = toDoubles(ctx.node, ctx.in(2)), m = toDoubles(ctx.node, ctx.in(3)),
                      var = toDoubles(ctx.node, ctx.in(4));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t ch = 0; ch < c; ++ch) {
      size_t k = static_cast<size_t>(ch);
      double scale = s[k] / std::sqrt(var[k] + eps), shift = b[k] - m[k] * scale;
      for (int64_t i = 0; i < inner; ++i) {
        double& e = v[static_cast<size_t>((o * c + ch) * inner + i)];
        e = e * scale + shift;
      }
    }
  ctx.outputs = {fromDoubles(x.dtype(), x.extents(), v)};
}

// Normalizes groups of `groupSize` consecutive elements; channel of group g is
// chanOf(g, element index) for scale/bias lookup.
void normalizeGroups(std::vector<double>& v, int64_t groups, int64_t groupSize, double eps, bool f32,
                     const std::function<void(int64_t, int64_t, double&)>& affine) {
  for (int64_t g = 0; g < groups; ++g) {
    double* p = v.data() + g * groupSize;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < groupSize; ++i) mean += p[i];
    mean = stash(mean / static_cast<double>(groupSize), f32);
    for (int64_t i = 0; i < groupSize; ++i) var += (p[i] - mean) * (p[i] - mean);
    var = stash(var / static_cast<double>(groupSize), f32);
    double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t i = 0; i < groupSize; ++i) {
      p[i] = (p[i] - mean) * inv;
      affine(g, i, p[i]);
    }
  }
}

void instanceNormRef(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": input must have rank >= 2");
  int64_t c = x.dim(1), inner = product(x.extents(), 2, x.extents().size());
  DLC_CHECK(ctx.in(1).numel() == c && ctx.in(2).numel() == c, ctx.node.describe(), ": scale and B must have ", c,
            " elements");
  std::vector<double> v = toDoubles(ctx.node, x), s = toDoubles(ctx.node, ctx.in(1)),
                      b = toDoubles(ctx.node, ctx.in(2));
  normalizeGroups(v, x.dim(0) * c, inner, ctx.node.attrFloat("epsilon", 1e-5), false,
                  [&](int64_t g, int64_t, double& e) {
                    size_t ch = static_cast<size_t>(g % c);
                    e = e * s[ch] + b[ch];
                  });
  ctx.outputs = {fromDoubles(x.dtype(), x.extents(), v)};
}

void groupNormRef(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": input must have rank >= 2");
  int64_t c = x.dim(1), inner = product(x.extents(), 2, x.extents().size());
  int64_t groups = ctx.node.attrInt("num_groups", 0);
  DLC_CHECK(groups > 0 && c % groups == 0, ctx.node.describe(), ": num_groups ", groups, " must divide channels ", c);
  bool perGroup = ctx.node.attrInt("legacy_per_group_scale", 0) != 0;
  int64_t want = perGroup ? groups : c;
  DLC_CHECK(ctx.in(1).numel() == want && ctx.in(2).numel() == want, ctx.node.describe(), ": scale and bias must have ",
            want, " elements");
  std::vector<double> v = toDoubles(ctx.node, x), s = toDoubles(ctx.node, ctx.in(1)),
                      b = toDoubles(ctx.node, ctx.in(2));
  int64_t cpg = c / groups, groupSize = cpg * inner;
  bool f32 = stashIsF32(ctx.node);
  normalizeGroups(v, x.dim(0) * groups, groupSize, ctx.node.attrFloat("epsilon", 1e-5), f32,
                  [&](int64_t g, int64_t i, double& e) {
                    int64_t gi = g % groups;
                    size_t k = static_cast<size_t>(perGroup ? gi : gi * cpg + i / inner);
                    e = e * s[k] + b[k];
                  });
  ctx.outputs = {fromDoubles(x.dtype(), x.extents(), v)};
}

// ---- layer normalization ---------------------------------------------------

void layerNormInfer(InferContext& c) {
  const TensorType& x = c.in(0);
  TensorType stat = x;
  stat.dtype = stashIsF32(c.node) ? DType::Float32 : DType::Float64;
  if (x.ranked) {
    int64_t r = static_cast<int64_t>(x.shape.size());
    int64_t axis = normalizeAxis(c.node, c.node.attrInt("axis", -1), r);
    for (int64_t i = axis; i < r; ++i) stat.shape[static_cast<size_t>(i)] = Dim(1);
  }
  c.outputs = {x};
  for (size_t i = 1; i < std::max<size_t>(1, c.node.numOutputs()); ++i) c.outputs.push_back(stat);
}

void layerNormRef(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  int64_t r = x.rank();
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", -1), r);
  bool f32 = stashIsF32(ctx.node);
  double eps = ctx.node.attrFloat("epsilon", 1e-5);
  auto ext = x.extents();
  std::vector<int64_t> normExt(ext.begin() + axis, ext.end());
  int64_t outer = product(ext, 0, static_cast<size_t>(axis)), n = product(normExt, 0, normExt.size());
  auto params = [&](size_t i, std::vector<double>& vals, std::vector<int64_t>& offs) {
    if (!ctx.has(i)) return;
    const Tensor& t = ctx.in(i);
    DLC_CHECK(broadcastExtents(ctx.node, t.extents(), normExt) == normExt, ctx.node.describe(), ": input ", i,
              " does not broadcast to the normalized shape");
    vals = toDoubles(ctx.node, t);
    offs = broadcastOffsets(normExt, t.extents());
  };
  std::vector<double> s, b;
  std::vector<int64_t> so, bo;
  params(1, s, so);
  params(2, b, bo);
  std::vector<double> v = toDoubles(ctx.node, x), means(static_cast<size_t>(outer)), invs(static_cast<size_t>(outer));
  for (int64_t o = 0; o < outer; ++o) {
    double* p = v.data() + o * n;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; ++i) mean += p[i];
    mean = stash(mean / static_cast<double>(n), f32);
    for (int64_t i = 0; i < n; ++i) var += (p[i] - mean) * (p[i] - mean);
    var = stash(var / static_cast<double>(n), f32);
    double inv = stash(1.0 / std::sqrt(var + eps), f32);
    means[static_cast<size_t>(o)] = mean;
    invs[static_cast<size_t>(o)] = inv;
    for (int64_t i = 0; i < n; ++i) {
      double e = (p[i] - mean) * inv;
      if (!s.empty()) e *= s[static_cast<size_t>(so[static_cast<size_t>(i)])];
      if (!b.empty()) e += b[static_cast<size_t>(bo[static_cast<size_t>(i)])];
      p[i] = e;
    }
  }
  ctx.outputs = {fromDoubles(x.dtype(), ext, v)};
  std::vector<int64_t> statExt = ext;
  for (int64_t i = axis; i < r; ++i) statExt[static_cast<size_t>(i)] = 1;
  DType sd = f32 ? DType::Float32 : DType::Float64;
  if (ctx.node.numOutputs() > 1) ctx.outputs.push_back(fromDoubles(sd, statExt, means));
  if (ctx.node.numOutputs() > 2) ctx.outputs.push_back(fromDoubles(sd, statExt, invs));
}

// ---- LRN and MVN -----------------------------------------------------------

void lrnRef(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": input must have rank >= 2");
  int64_t size = ctx.node.attrInt("size", 0);
  DLC_CHECK(size > 0, ctx.node.describe(), ": size must be positive");
  double alpha = ctx.node.attrFloat("alpha", 1e-4), beta = ctx.node.attrFloat("beta", 0.75),
         bias = ctx.node.attrFloat("bias", 1.0);
  int64_t c = x.dim(1), inner = product(x.extents(), 2, x.extents().size());
  int64_t lo = (size - 1) / 2, hi = size - 1 - lo;
  std::vector<double> v = toDoubles(ctx.node, x), out(v.size());
  for (int64_t n = 0; n < x.dim(0); ++n)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < inner; ++i) {
        double sq = 0;
        for (int64_t k = std::max<int64_t>(0, ch - lo); k <= std::min(c - 1, ch + hi); ++k) {
          double e = v[static_cast<size_t>((n * c + k) * inner + i)];
          sq += e * e;
        }
        size_t at = static_cast<size_t>((n * c + ch) * inner + i);
        out[at] = v[at] / std::pow(bias + alpha / static_cast<double>(size) * sq, beta);
      }
  ctx.outputs = {fromDoubles(x.dtype(), x.extents(), out)};
}

void mvnRef(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  int64_t r = x.rank();
  std::vector<bool> reduced(static_cast<size_t>(r), false);
  for (int64_t a : ctx.node.attrInts("axes", {0, 2, 3}))
    reduced[static_cast<size_t>(normalizeAxis(ctx.node, a, r))] = true;
  std::vector<int64_t> statExt = x.extents();
  for (int64_t i = 0; i < r; ++i)
    if (reduced[static_cast<size_t>(i)]) statExt[static_cast<size_t>(i)] = 1;
  auto offs = broadcastOffsets(x.extents(), statExt);
  int64_t ns = product(statExt, 0, statExt.size());
  double cnt = static_cast<double>(x.numel()) / static_cast<double>(std::max<int64_t>(ns, 1));
  std::vector<double> v = toDoubles(ctx.node, x), mean(static_cast<size_t>(ns)), sq(static_cast<size_t>(ns));
  for (size_t i = 0; i < v.size(); ++i) {
    mean[static_cast<size_t>(offs[i])] += v[i];
    sq[static_cast<size_t>(offs[i])] += v[i] * v[i];
  }
  for (size_t k = 0; k < mean.size(); ++k) {
    mean[k] /= cnt;
    sq[k] = std::sqrt(std::max(0.0, sq[k] / cnt - mean[k] * mean[k])) + 1e-9;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    size_t k = static_cast<size_t>(offs[i]);
    v[i] = (v[i] - mean[k]) / sq[k];
  }
  ctx.outputs = {fromDoubles(x.dtype(), x.extents(), v)};
}

}  // namespace

void registerNormalizationOps(OpRegistry& r) {
  r.add(softmaxOp("Softmax", "exp(x) / sum(exp(x)) along axis", SoftKind::Softmax));
  r.add(softmaxOp("LogSoftmax", "log(softmax(x)) along axis", SoftKind::LogSoftmax));
  r.add(softmaxOp("Hardmax", "one-hot of the first max along axis", SoftKind::Hardmax));
  r.add(makeOp("BatchNormalization", "inference-mode batch normalization", 5, 5, PatternKind::Opaque, batchNormInfer,
               batchNormRef,
               {optAttr("epsilon", Attribute(1e-5)), optAttr("momentum", Attribute(0.9)),
                optAttr("training_mode", Attribute(int64_t{0}))},
               1, 3));
  r.add(makeOp("InstanceNormalization", "per-instance, per-channel normalization", 3, 3, PatternKind::Opaque,
               inferSameAsInput0, instanceNormRef, {optAttr("epsilon", Attribute(1e-5))}));
  r.add(
      makeOp("GroupNormalization", "normalization over channel groups", 3, 3, PatternKind::Opaque, inferSameAsInput0,
             groupNormRef,
             {optAttr("epsilon", Attribute(1e-5)), reqAttr("num_groups", AttrKind::Int),
              optAttr("stash_type", Attribute(int64_t{1})), optAttr("legacy_per_group_scale", Attribute(int64_t{0}))}));
  r.add(makeOp("LayerNormalization", "normalization over the trailing axes from `axis`", 1, 3, PatternKind::Opaque,
               layerNormInfer, layerNormRef,
               {optAttr("axis", Attribute(int64_t{-1})), optAttr("epsilon", Attribute(1e-5)),
                optAttr("stash_type", Attribute(int64_t{1}))},
               1, 3));
  r.add(makeOp("LRN", "local response normalization across channels", 1, 1, PatternKind::Opaque, inferSameAsInput0,
               lrnRef,
               {optAttr("alpha", Attribute(1e-4)), optAttr("beta", Attribute(0.75)), optAttr("bias", Attribute(1.0)),
                reqAttr("size", AttrKind::Int)}));
  r.add(makeOp("MeanVarianceNormalization", "(x - mean) / std over axes", 1, 1, PatternKind::Opaque, inferSameAsInput0,
               mvnRef, {optAttr("axes", Attribute(std::vector<int64_t>{0, 2, 3}))}));
}

}  // namespace dlc
