// Pooling: MaxPool (with the Indices output), AveragePool, LpPool, their
// Global* forms, and MaxUnpool. Windows follow ConvHelpers' geometry
// (strides, dilations, pads, auto_pad, ceil_mode).
//
// Note on AveragePool's divisor: with count_include_pad the divisor is the
// whole window (kernel volume), including positions past the end pad that
// ceil_mode adds, as the ONNX reference computes; without it, only positions
// inside the input count.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/ConvHelpers.h"
#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

enum class PoolKind { Max, Average, Lp };

std::vector<AttrSpec> poolAttrs(PoolKind kind) {
  std::vector<AttrSpec> a = {optAttr("auto_pad", "NOTSET"),
                             optAttr("ceil_mode", int64_t{0}),
                             optAttrNoDefault("dilations", AttrKind::Ints),
                             reqAttr("kernel_shape", AttrKind::Ints),
                             optAttrNoDefault("pads", AttrKind::Ints),
                             optAttrNoDefault("strides", AttrKind::Ints)};
  if (kind == PoolKind::Max) a.push_back(optAttr("storage_order", int64_t{0}));
  if (kind == PoolKind::Average) a.push_back(optAttr("count_include_pad", int64_t{0}));
  if (kind == PoolKind::Lp) a.push_back(optAttr("p", int64_t{2}));
  return a;
}

void inferPool(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {x, TensorType::unranked(DType::Int64)};
    return;
  }
  DLC_CHECK(x.rank() >= 3, ctx.node.describe(), ": input must have rank >= 3, got ", x.rank());
  std::vector<int64_t> kernel = ctx.node.attrInts("kernel_shape", {});
  DLC_CHECK(static_cast<int64_t>(kernel.size()) == x.rank() - 2, ctx.node.describe(), ": kernel_shape has ",
            kernel.size(), " values for ", x.rank() - 2, " spatial dims");
  Shape out = {x.shape[0], x.shape[1]};
  Shape sp = windowOutDims(ctx.node, Shape(x.shape.begin() + 2, x.shape.end()), kernel, true);
  out.insert(out.end(), sp.begin(), sp.end());
  ctx.outputs = {TensorType(x.dtype, out), TensorType(DType::Int64, out)};
}

template <typename T>
void poolKernel(const Node& node, PoolKind kind, const Tensor& x, const WindowGeom& g, Tensor& y, Tensor* indices) {
  std::vector<int64_t> in = to3d(g.in, 1), k = to3d(g.kernel, 1), out = to3d(g.out, 1);
  std::vector<int64_t> s = to3d(g.stride, 1), d = to3d(g.dilation, 1), pb = to3d(g.padBegin, 0);
  const int64_t planes = x.dim(0) * x.dim(1);
  const int64_t inSize = in[0] * in[1] * in[2], outSize = out[0] * out[1] * out[2];
  const bool includePad = node.attrInt("count_include_pad", 0) != 0;
  const bool colMajor = node.attrInt("storage_order", 0) != 0;
  const double p = kind == PoolKind::Lp ? static_cast<double>(node.attrInt("p", 2)) : 1.0;
  const T* px = x.data<T>();
  T* py = y.data<T>();
  int64_t* pi = indices ? indices->data<int64_t>() : nullptr;
  using C = CalcT<T>;
  for (int64_t pl = 0; pl < planes; ++pl) {
    const int64_t xBase = pl * inSize;
    for (int64_t od = 0; od < out[0]; ++od)
      for (int64_t oh = 0; oh < out[1]; ++oh)
        for (int64_t ow = 0; ow < out[2]; ++ow) {
          const int64_t o[3] = {od, oh, ow};
          C best = std::numeric_limits<C>::lowest();
          if constexpr (std::is_floating_point_v<C>) best = -std::numeric_limits<C>::infinity();
          int64_t bestIdx = -1;
          double sum = 0;
          int64_t valid = 0;
          for (int64_t kd = 0; kd < k[0]; ++kd) {
            const int64_t id = o[0] * s[0] - pb[0] + kd * d[0];
            for (int64_t kh = 0; kh < k[1]; ++kh) {
              const int64_t ih = o[1] * s[1] - pb[1] + kh * d[1];
              for (int64_t kw = 0; kw < k[2]; ++kw) {
                const int64_t iw = o[2] * s[2] - pb[2] + kw * d[2];
                const int64_t ii[3] = {id, ih, iw};
                bool inside = true;
                for (int dim = 0; dim < 3; ++dim) inside = inside && ii[dim] >= 0 && ii[dim] < in[dim];
                if (!inside) continue;
                ++valid;
                const int64_t off = (id * in[1] + ih) * in[2] + iw;
                C v = loadAs<T>(px, xBase + off);
                if (kind == PoolKind::Max) {
                  if (bestIdx < 0 || v > best) {
                    best = v;
                    // storage_order = 1: column-major spatial offset (padded dims add 0).
                    bestIdx = colMajor ? id + ih * in[0] + iw * in[0] * in[1] : off;
                  }
                } else if (kind == PoolKind::Average) {
                  sum += static_cast<double>(v);
                } else {
                  sum += std::pow(std::fabs(static_cast<double>(v)), p);
                }
              }
            }
          }
          const int64_t yo = pl * outSize + (od * out[1] + oh) * out[2] + ow;
          if (kind == PoolKind::Max) {
            storeAs<T>(py, yo, best);
            if (pi) pi[yo] = bestIdx < 0 ? -1 : xBase + bestIdx;
          } else if (kind == PoolKind::Average) {
            int64_t div = includePad ? k[0] * k[1] * k[2] : valid;
            storeAs<T>(py, yo, div > 0 ? sum / static_cast<double>(div) : std::nan(""));
          } else {
            storeAs<T>(py, yo, std::pow(sum, 1.0 / p));
          }
        }
  }
}

void runPool(RefContext& ctx, PoolKind kind, bool global) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 3 && x.rank() <= 5, ctx.node.describe(), ": input must have rank 3 to 5, got ", x.rank());
  std::vector<int64_t> spatial(x.extents().begin() + 2, x.extents().end());
  WindowGeom g;
  if (global) {
    g.in = g.kernel = spatial;
    g.stride = g.dilation = std::vector<int64_t>(spatial.size(), 1);
    g.padBegin = g.padEnd = std::vector<int64_t>(spatial.size(), 0);
    g.out = std::vector<int64_t>(spatial.size(), 1);
  } else {
    g = windowGeom(ctx.node, spatial, ctx.node.attrInts("kernel_shape", {}), true);
  }
  if (kind == PoolKind::Lp) DLC_CHECK(ctx.node.attrInt("p", 2) > 0, ctx.node.describe(), ": p must be positive");
  std::vector<int64_t> outExt = {x.dim(0), x.dim(1)};
  outExt.insert(outExt.end(), g.out.begin(), g.out.end());
  Tensor y(x.dtype(), outExt);
  Tensor idx(DType::Int64, outExt);
  bool wantIdx = ctx.node.numOutputs() > 1;
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      unsupported(ctx.node.describe(), ": bool input");
    } else {
      if (kind != PoolKind::Max && !kIsFloatLike<T>) unsupported(ctx.node.describe(), ": dtype ", dtypeName(x.dtype()));
      poolKernel<T>(ctx.node, kind, x, g, y, wantIdx ? &idx : nullptr);
    }
  });
  ctx.outputs = {y};
  if (wantIdx) ctx.outputs.push_back(idx);
}

void inferGlobalPool(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  DLC_CHECK(x.rank() >= 3, ctx.node.describe(), ": input must have rank >= 3, got ", x.rank());
  Shape out = x.shape;
  for (size_t i = 2; i < out.size(); ++i) out[i] = Dim(1);
  ctx.outputs = {TensorType(x.dtype, out)};
}

// ---- MaxUnpool ----

std::vector<int64_t> unpoolExtents(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> kernel = ctx.node.attrInts("kernel_shape", {});
  size_t r = static_cast<size_t>(x.rank() - 2);
  DLC_CHECK(kernel.size() == r, ctx.node.describe(), ": kernel_shape has ", kernel.size(), " values for ", r,
            " spatial dims");
  std::vector<int64_t> strides = ctx.node.attrInts("strides", std::vector<int64_t>(r, 1));
  std::vector<int64_t> pads = ctx.node.attrInts("pads", std::vector<int64_t>(2 * r, 0));
  DLC_CHECK(strides.size() == r && pads.size() == 2 * r, ctx.node.describe(), ": strides/pads sizes do not match ", r,
            " spatial dims");
  std::vector<int64_t> out = {x.dim(0), x.dim(1)};
  for (size_t i = 0; i < r; ++i)
    out.push_back((x.dim(static_cast<int64_t>(i) + 2) - 1) * strides[i] - pads[i] - pads[i + r] + kernel[i]);
  return out;
}

void refMaxUnpool(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  DLC_CHECK(x.rank() >= 3, ctx.node.describe(), ": input must have rank >= 3");
  requireIntegerInput(ctx.node, ind, "indices");
  DLC_CHECK(ind.extents() == x.extents(), ctx.node.describe(), ": indices shape differs from the input's");
  // Indices address the default-shaped output; an output_shape input places
  // that result at the origin of a larger zero tensor.
  std::vector<int64_t> ext = unpoolExtents(ctx);
  Tensor y(x.dtype(), ext);
  std::vector<int64_t> iv = toInt64Vector(ind);
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t j = iv[static_cast<size_t>(i)];
    DLC_CHECK(j >= 0 && j < y.numel(), ctx.node.describe(), ": index ", j, " out of range [0, ", y.numel(), ")");
    copyElement(x, i, y, j);
  }
  if (ctx.has(2)) {
    std::vector<int64_t> shape = toInt64Vector(ctx.in(2));
    DLC_CHECK(shape.size() == ext.size(), ctx.node.describe(), ": output_shape has ", shape.size(), " values for rank ",
              ext.size());
    for (size_t d = 0; d < ext.size(); ++d)
      DLC_CHECK(shape[d] >= ext[d], ctx.node.describe(), ": output_shape ", shape[d], " smaller than ", ext[d],
                " at dim ", d);
    Tensor big(x.dtype(), shape);
    std::vector<int64_t> bs = stridesOf(shape);
    forEachIndex(ext, [&](const std::vector<int64_t>& idx, int64_t k) { copyElement(y, k, big, offsetOf(idx, bs)); });
    y = big;
  }
  ctx.outputs = {y};
}

void inferMaxUnpool(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  if (ctx.has(2)) {
    std::optional<std::vector<int64_t>> shape = constInts(ctx, 2);
    ctx.outputs = {shape ? TensorType::fromExtents(x.dtype, *shape) : TensorType(x.dtype, unknownShape(x.rank()))};
    return;
  }
  DLC_CHECK(x.rank() >= 3, ctx.node.describe(), ": input must have rank >= 3, got ", x.rank());
  std::vector<int64_t> kernel = ctx.node.attrInts("kernel_shape", {});
  size_t r = static_cast<size_t>(x.rank() - 2);
  DLC_CHECK(kernel.size() == r, ctx.node.describe(), ": kernel_shape has ", kernel.size(), " values for ", r,
            " spatial dims");
  std::vector<int64_t> strides = ctx.node.attrInts("strides", std::vector<int64_t>(r, 1));
  std::vector<int64_t> pads = ctx.node.attrInts("pads", std::vector<int64_t>(2 * r, 0));
  DLC_CHECK(strides.size() == r && pads.size() == 2 * r, ctx.node.describe(), ": strides/pads sizes do not match ", r,
            " spatial dims");
  Shape out = {x.shape[0], x.shape[1]};
  for (size_t i = 0; i < r; ++i) {
    const Dim& d = x.shape[i + 2];
    out.push_back(d.isStatic() ? Dim((d.value - 1) * strides[i] - pads[i] - pads[i + r] + kernel[i]) : Dim());
  }
  ctx.outputs = {TensorType(x.dtype, out)};
}

}  // namespace

void registerPoolingOps(OpRegistry& r) {
  r.add(makeOp(
      "MaxPool", "Maximum over sliding windows, with optional flat Indices", 1, 1, PatternKind::Opaque, inferPool,
      [](RefContext& c) { runPool(c, PoolKind::Max, false); }, poolAttrs(PoolKind::Max), 1, 2));
  r.add(makeOp(
      "AveragePool", "Mean over sliding windows", 1, 1, PatternKind::Opaque, inferPool,
      [](RefContext& c) { runPool(c, PoolKind::Average, false); }, poolAttrs(PoolKind::Average)));
  r.add(makeOp(
      "LpPool", "Lp norm over sliding windows", 1, 1, PatternKind::Opaque, inferPool,
      [](RefContext& c) { runPool(c, PoolKind::Lp, false); }, poolAttrs(PoolKind::Lp)));
  r.add(makeOp("GlobalMaxPool", "Maximum over all spatial dims", 1, 1, PatternKind::Reduction, inferGlobalPool,
               [](RefContext& c) { runPool(c, PoolKind::Max, true); }));
  r.add(makeOp("GlobalAveragePool", "Mean over all spatial dims", 1, 1, PatternKind::Reduction, inferGlobalPool,
               [](RefContext& c) { runPool(c, PoolKind::Average, true); }));
  r.add(makeOp("GlobalLpPool", "Lp norm over all spatial dims", 1, 1, PatternKind::Reduction, inferGlobalPool,
               [](RefContext& c) { runPool(c, PoolKind::Lp, true); }, {optAttr("p", int64_t{2})}));
  r.add(makeOp("MaxUnpool", "Scatter pooled values back to their Indices", 2, 3, PatternKind::Opaque, inferMaxUnpool,
               refMaxUnpool,
               {reqAttr("kernel_shape", AttrKind::Ints), optAttrNoDefault("pads", AttrKind::Ints),
                optAttrNoDefault("strides", AttrKind::Ints)}));
}

}  // namespace dlc
