#include "ops/ConvHelpers.h"

#include <algorithm>

#include "ops/DataOps.h"

namespace dlc::ops {
namespace {

int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t ceilDiv(int64_t a, int64_t b) { return -floorDiv(-a, b); }

std::vector<int64_t> perDim(const Node& node, const char* name, size_t rank, int64_t dflt) {
  std::vector<int64_t> v = node.attrInts(name, {});
  if (v.empty()) return std::vector<int64_t>(rank, dflt);
  DLC_CHECK(v.size() == rank, node.describe(), ": ", name, " has ", v.size(), " values for ", rank, " spatial dims");
  return v;
}

}  // namespace

std::vector<int64_t> kernelExtents(const Node& node, const std::vector<int64_t>& weightExtents) {
  std::vector<int64_t> k = node.attrInts("kernel_shape", {});
  std::vector<int64_t> fromW(weightExtents.begin() + std::min<size_t>(2, weightExtents.size()), weightExtents.end());
  if (k.empty()) return fromW;
  DLC_CHECK(k == fromW, node.describe(), ": kernel_shape does not match the weight's spatial dims");
  return k;
}

WindowGeom windowGeom(const Node& node, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel,
                      bool pooling) {
  size_t r = in.size();
  DLC_CHECK(kernel.size() == r, node.describe(), ": kernel has ", kernel.size(), " dims for ", r, " spatial dims");
  WindowGeom g;
  g.in = in;
  g.kernel = kernel;
  g.stride = perDim(node, "strides", r, 1);
  g.dilation = perDim(node, "dilations", r, 1);
  std::vector<int64_t> pads = node.attrInts("pads", {});
  if (pads.empty()) pads.assign(2 * r, 0);
  DLC_CHECK(pads.size() == 2 * r, node.describe(), ": pads has ", pads.size(), " values for ", r, " spatial dims");
  std::string autoPad = node.attrString("auto_pad", "NOTSET");
  bool ceilMode = pooling && node.attrInt("ceil_mode", 0) != 0;
  g.padBegin.resize(r);
  g.padEnd.resize(r);
  g.out.resize(r);
  for (size_t i = 0; i < r; ++i) {
    DLC_CHECK(g.stride[i] > 0 && g.dilation[i] > 0 && kernel[i] > 0, node.describe(),
              ": strides, dilations and kernel extents must be positive");
    int64_t span = (kernel[i] - 1) * g.dilation[i] + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      g.out[i] = ceilDiv(in[i], g.stride[i]);
      int64_t total = std::max<int64_t>(0, (g.out[i] - 1) * g.stride[i] + span - in[i]);
      int64_t small = total / 2;
      g.padBegin[i] = autoPad == "SAME_UPPER" ? small : total - small;
      g.padEnd[i] = total - g.padBegin[i];
      continue;
    }
    if (autoPad == "VALID") {
      g.padBegin[i] = g.padEnd[i] = 0;
    } else {
      DLC_CHECK(autoPad == "NOTSET", node.describe(), ": unknown auto_pad '", autoPad, "'");
      g.padBegin[i] = pads[i];
      g.padEnd[i] = pads[i + r];
      DLC_CHECK(g.padBegin[i] >= 0 && g.padEnd[i] >= 0, node.describe(), ": negative pads");
    }
    int64_t num = in[i] + g.padBegin[i] + g.padEnd[i] - span;
    DLC_CHECK(num >= 0, node.describe(), ": kernel (extent ", span, ") larger than the padded input (extent ",
              in[i] + g.padBegin[i] + g.padEnd[i], ")");
    g.out[i] = (ceilMode ? ceilDiv(num, g.stride[i]) : floorDiv(num, g.stride[i])) + 1;
    // A window must start inside the input or its leading pad.
    if (ceilMode && (g.out[i] - 1) * g.stride[i] >= in[i] + g.padBegin[i]) --g.out[i];
  }
  return g;
}

Shape windowOutDims(const Node& node, const Shape& inSpatial, const std::vector<int64_t>& kernel, bool pooling) {
  std::vector<int64_t> in;
  for (const Dim& d : inSpatial) in.push_back(d.isStatic() ? d.value : -1);
  // Compute with a stand-in extent (larger than any window) for unknown dims,
  // so attribute errors still surface, then drop those results.
  std::vector<int64_t> probe = in;
  for (int64_t& e : probe)
    if (e < 0) e = int64_t{1} << 40;
  WindowGeom g = windowGeom(node, probe, kernel, pooling);
  Shape out;
  for (size_t i = 0; i < in.size(); ++i) out.push_back(in[i] < 0 ? Dim() : Dim(g.out[i]));
  return out;
}

std::vector<int64_t> to3d(const std::vector<int64_t>& v, int64_t fill) {
  std::vector<int64_t> r(3, fill);
  for (size_t i = 0; i < v.size() && i < 3; ++i) r[3 - v.size() + i] = v[i];
  return r;
}

void convForward(const WindowGeom& g, int64_t N, int64_t C, int64_t M, int64_t groups, const double* x, const double* w,
                 const double* bias, double* y) {
  std::vector<int64_t> in = to3d(g.in, 1), k = to3d(g.kernel, 1), out = to3d(g.out, 1);
  std::vector<int64_t> s = to3d(g.stride, 1), d = to3d(g.dilation, 1), p = to3d(g.padBegin, 0);
  const int64_t Cg = C / groups, Mg = M / groups;
  const int64_t inSize = in[0] * in[1] * in[2], outSize = out[0] * out[1] * out[2], kSize = k[0] * k[1] * k[2];
  // For each dim and kernel offset: the output range whose input index is in bounds.
  std::vector<std::vector<int64_t>> lo(3), hi(3);
  for (int dim = 0; dim < 3; ++dim) {
    for (int64_t kk = 0; kk < k[dim]; ++kk) {
      int64_t a = out[dim], b = 0;
      for (int64_t o = 0; o < out[dim]; ++o) {
        int64_t i = o * s[dim] - p[dim] + kk * d[dim];
        if (i >= 0 && i < in[dim]) {
          a = std::min(a, o);
          b = o + 1;
        }
      }
      lo[dim].push_back(a);
      hi[dim].push_back(std::max(a, b));
    }
  }
  const int64_t sw = s[2];
  // A 1x1 kernel with unit strides and no pads reads whole planes: one
  // contiguous multiply-add per (output, input) channel pair.
  const bool pointwise =
      kSize == 1 && s == std::vector<int64_t>{1, 1, 1} && p == std::vector<int64_t>{0, 0, 0} && outSize == inSize;
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t m = 0; m < M; ++m) {
      const int64_t gi = m / Mg;
      double* acc = y + (n * M + m) * outSize;
      std::fill(acc, acc + outSize, bias ? bias[m] : 0.0);
      for (int64_t c = 0; c < Cg; ++c) {
        const double* xc = x + (n * C + gi * Cg + c) * inSize;
        const double* wc = w + (m * Cg + c) * kSize;
        if (pointwise) {
          const double wv = wc[0];
          for (int64_t i = 0; i < outSize; ++i) acc[i] += wv * xc[i];
          continue;
        }
        for (int64_t kd = 0; kd < k[0]; ++kd) {
          for (int64_t kh = 0; kh < k[1]; ++kh) {
            for (int64_t kw = 0; kw < k[2]; ++kw) {
              const double wv = wc[(kd * k[1] + kh) * k[2] + kw];
              const int64_t owLo = lo[2][static_cast<size_t>(kw)], owHi = hi[2][static_cast<size_t>(kw)];
              if (owLo >= owHi) continue;
              const int64_t iwBase = kw * d[2] - p[2];
              for (int64_t od = lo[0][static_cast<size_t>(kd)]; od < hi[0][static_cast<size_t>(kd)]; ++od) {
                const int64_t id = od * s[0] - p[0] + kd * d[0];
                for (int64_t oh = lo[1][static_cast<size_t>(kh)]; oh < hi[1][static_cast<size_t>(kh)]; ++oh) {
                  const int64_t ih = oh * s[1] - p[1] + kh * d[1];
                  const double* xr = xc + (id * in[1] + ih) * in[2] + iwBase;
                  double* ar = acc + (od * out[1] + oh) * out[2];
                  if (sw == 1) {
                    for (int64_t ow = owLo; ow < owHi; ++ow) ar[ow] += wv * xr[ow];
                  } else {
                    for (int64_t ow = owLo; ow < owHi; ++ow) ar[ow] += wv * xr[ow * sw];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

std::vector<double> toDoubles(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.numel()));
  dispatchDType(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) v[static_cast<size_t>(i)] = static_cast<double>(loadAs<T>(p, i));
  });
  return v;
}

Tensor fromDoubles(DType dtype, const std::vector<int64_t>& extents, const std::vector<double>& v) {
  Tensor t(dtype, extents);
  dispatchDType(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) storeAs<T>(p, i, v[static_cast<size_t>(i)]);
  });
  return t;
}

size_t checkConvOperands(const Node& node, const std::vector<int64_t>& x, const std::vector<int64_t>& w,
                         int64_t groups) {
  DLC_CHECK(x.size() >= 3 && x.size() <= 5, node.describe(), ": input must have rank 3 to 5, got ", x.size());
  DLC_CHECK(w.size() == x.size(), node.describe(), ": weight rank ", w.size(), " differs from input rank ", x.size());
  DLC_CHECK(groups >= 1, node.describe(), ": group must be >= 1");
  DLC_CHECK(x[1] == w[1] * groups, node.describe(), ": input has ", x[1], " channels, weight expects ", w[1] * groups,
            " (", w[1], " x group ", groups, ")");
  DLC_CHECK(w[0] % groups == 0, node.describe(), ": ", w[0], " output channels not divisible by group ", groups);
  return x.size() - 2;
}

TensorType inferConvType(InferContext& ctx, DType outDType, size_t wIndex) {
  const TensorType& x = ctx.in(0);
  const TensorType& w = ctx.in(wIndex);
  if (!x.ranked || !w.ranked ||
      !TensorType(w.dtype, Shape(w.shape.begin() + std::min<size_t>(2, w.shape.size()), w.shape.end())).isStatic())
    return x.ranked ? TensorType(outDType, unknownShape(x.rank())) : TensorType::unranked(outDType);
  DLC_CHECK(x.rank() >= 3 && x.rank() == w.rank(), ctx.node.describe(), ": input rank ", x.rank(), " and weight rank ",
            w.rank(), " must match and be >= 3");
  std::vector<int64_t> wext;
  for (const Dim& d : w.shape) wext.push_back(d.isStatic() ? d.value : 1);
  std::vector<int64_t> kernel = kernelExtents(ctx.node, wext);
  int64_t groups = ctx.node.attrInt("group", 1);
  if (x.shape[1].isStatic() && w.shape[1].isStatic())
    DLC_CHECK(x.shape[1].value == w.shape[1].value * groups, ctx.node.describe(), ": input has ", x.shape[1].value,
              " channels, weight expects ", w.shape[1].value * groups);
  Shape out = {x.shape[0], w.shape[0]};
  Shape sp = windowOutDims(ctx.node, Shape(x.shape.begin() + 2, x.shape.end()), kernel, false);
  out.insert(out.end(), sp.begin(), sp.end());
  return TensorType(outDType, out);
}

}  // namespace dlc::ops
