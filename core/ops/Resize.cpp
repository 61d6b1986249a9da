// Resize: nearest, linear and cubic interpolation over any subset of axes,
// with every coordinate transformation mode, antialiasing, cropping by roi and
// aspect-ratio policies.
//
// Note on the algorithm: interpolation is separable. For each resized axis we
// compute, per output coordinate, the input coordinate it maps to (x_ori) and
// a short list of taps (input index, weight). The output is produced one axis
// at a time, last axis first, accumulating in double:
//
//   out[.., x, ..] = sum_k  w_k(x) * in[.., idx_k(x), ..]
//
// Taps around x_ori start at i0 = ceil(x_ori) - 1, so the fractional position
// ratio = x_ori - i0 lies in (0, 1]; indices outside the axis are clamped to
// its edge (or dropped and the weights renormalized with exclude_outside).
// With tf_crop_and_resize, an output coordinate whose x_ori falls outside the
// input on any axis takes extrapolation_value.
#include <cmath>

#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

struct Tap {
  int64_t index;
  double weight;
};

struct AxisPlan {
  std::vector<std::vector<Tap>> taps;  // per output coordinate
  std::vector<bool> outside;           // per output coordinate (tf_crop_and_resize)
  bool identity = true;
};

struct ResizeParams {
  std::string mode, coordMode, nearestMode, aspectPolicy;
  double cubicA = -0.75, extrapolation = 0;
  bool excludeOutside = false, antialias = false;
  std::vector<int64_t> axes;      // resized axes, normalized
  std::vector<double> scales;     // per dim of the input
  std::vector<int64_t> outSizes;  // per dim of the input
  std::vector<double> roiStart, roiEnd;  // per dim
};

void checkAttrs(const Node& node, ResizeParams& p) {
  p.mode = node.attrString("mode", "nearest");
  p.coordMode = node.attrString("coordinate_transformation_mode", "half_pixel");
  p.nearestMode = node.attrString("nearest_mode", "round_prefer_floor");
  p.aspectPolicy = node.attrString("keep_aspect_ratio_policy", "stretch");
  p.cubicA = node.attrFloat("cubic_coeff_a", -0.75);
  p.extrapolation = node.attrFloat("extrapolation_value", 0.0);
  p.excludeOutside = node.attrInt("exclude_outside", 0) != 0;
  p.antialias = node.attrInt("antialias", 0) != 0;
  DLC_CHECK(p.mode == "nearest" || p.mode == "linear" || p.mode == "cubic", node.describe(), ": unknown mode '",
            p.mode, "'");
  static const char* kCoord[] = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                 "asymmetric", "tf_crop_and_resize"};
  DLC_CHECK(std::find(std::begin(kCoord), std::end(kCoord), p.coordMode) != std::end(kCoord), node.describe(),
            ": unknown coordinate_transformation_mode '", p.coordMode, "'");
  DLC_CHECK(p.nearestMode == "round_prefer_floor" || p.nearestMode == "round_prefer_ceil" ||
                p.nearestMode == "floor" || p.nearestMode == "ceil",
            node.describe(), ": unknown nearest_mode '", p.nearestMode, "'");
  DLC_CHECK(p.aspectPolicy == "stretch" || p.aspectPolicy == "not_larger" || p.aspectPolicy == "not_smaller",
            node.describe(), ": unknown keep_aspect_ratio_policy '", p.aspectPolicy, "'");
}

std::vector<int64_t> resizeAxes(const Node& node, int64_t rank) {
  if (!node.hasAttr("axes")) {
    std::vector<int64_t> all;
    for (int64_t i = 0; i < rank; ++i) all.push_back(i);
    return all;
  }
  return normalizeAxes(node, node.attrInts("axes", {}), rank);
}

// Output extents and per-dim scales from the scales or sizes values.
void computeSizes(const Node& node, const std::vector<int64_t>& in, ResizeParams& p,
                  const std::vector<double>* scales, const std::vector<int64_t>* sizes) {
  size_t r = in.size();
  p.scales.assign(r, 1.0);
  p.outSizes = in;
  if (scales) {
    DLC_CHECK(scales->size() == p.axes.size(), node.describe(), ": scales has ", scales->size(), " entries for ",
              p.axes.size(), " axes");
    for (size_t i = 0; i < p.axes.size(); ++i) {
      auto d = static_cast<size_t>(p.axes[i]);
      double s = (*scales)[i];
      DLC_CHECK(s > 0, node.describe(), ": scales must be positive, got ", s);
      p.scales[d] = s;
      // floor(extent * scale); the roi does not shrink the output (as in
      // ONNX's own shape inference and reference).
      p.outSizes[d] = static_cast<int64_t>(std::floor(static_cast<double>(in[d]) * s));
    }
    return;
  }
  DLC_CHECK(sizes, node.describe(), ": one of scales and sizes is required");
  DLC_CHECK(sizes->size() == p.axes.size(), node.describe(), ": sizes has ", sizes->size(), " entries for ",
            p.axes.size(), " axes");
  for (size_t i = 0; i < p.axes.size(); ++i) {
    auto d = static_cast<size_t>(p.axes[i]);
    DLC_CHECK((*sizes)[i] >= 0, node.describe(), ": negative size ", (*sizes)[i]);
    DLC_CHECK(in[d] > 0, node.describe(), ": cannot resize an empty axis to a size");
    p.outSizes[d] = (*sizes)[i];
    p.scales[d] = static_cast<double>((*sizes)[i]) / static_cast<double>(in[d]);
  }
  if (p.aspectPolicy == "stretch" || p.axes.empty()) return;
  double s = p.scales[static_cast<size_t>(p.axes[0])];
  for (int64_t a : p.axes) {
    double v = p.scales[static_cast<size_t>(a)];
    s = p.aspectPolicy == "not_larger" ? std::min(s, v) : std::max(s, v);
  }
  for (int64_t a : p.axes) {
    auto d = static_cast<size_t>(a);
    p.scales[d] = s;
    p.outSizes[d] = static_cast<int64_t>(s * static_cast<double>(in[d]) + 0.5);
  }
}

double cubicWeight(double x, double a) {
  x = std::fabs(x);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

// Tap offsets (relative to i0) and weights for a fractional position `ratio`.
std::vector<std::pair<int64_t, double>> kernel(const ResizeParams& p, double ratio, double scale) {
  std::vector<std::pair<int64_t, double>> k;
  if (p.mode == "nearest") {
    bool up;
    if (ratio == 1.0 || p.nearestMode == "ceil")
      up = true;
    else if (p.nearestMode == "floor")
      up = false;
    else if (p.nearestMode == "round_prefer_floor")
      up = ratio > 0.5;
    else
      up = ratio >= 0.5;
    k.push_back({up ? 1 : 0, 1.0});
    return k;
  }
  bool aa = p.antialias && scale < 1.0;
  double s = aa ? scale : 1.0;
  if (p.mode == "linear") {
    int64_t start = aa ? static_cast<int64_t>(std::floor(-1.0 / s)) + 1 : 0;
    int64_t n = 2 - 2 * start;
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
      double arg = (static_cast<double>(start + i) - ratio) * s;
      double w = std::clamp(1.0 - std::fabs(arg), 0.0, 1.0);
      k.push_back({start + i, w});
      sum += w;
    }
    if (aa)
      for (auto& t : k) t.second /= sum;
    return k;
  }
  // cubic
  int64_t start = aa ? static_cast<int64_t>(std::floor(-2.0 / s)) + 1 : -1;
  int64_t n = 2 - 2 * start;
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    double w = cubicWeight(s * (static_cast<double>(start + i) - ratio), p.cubicA);
    k.push_back({start + i, w});
    sum += w;
  }
  if (aa)
    for (auto& t : k) t.second /= sum;
  return k;
}

AxisPlan planAxis(const ResizeParams& p, size_t d, int64_t inW) {
  AxisPlan plan;
  int64_t outW = p.outSizes[d];
  double scale = p.scales[d];
  double outWf = scale * static_cast<double>(inW);
  for (int64_t x = 0; x < outW; ++x) {
    auto xf = static_cast<double>(x);
    double xo = 0;
    bool outside = false;
    const std::string& cm = p.coordMode;
    if (cm == "align_corners") {
      xo = outWf == 1 ? 0.0 : xf * static_cast<double>(inW - 1) / (outWf - 1);
    } else if (cm == "asymmetric") {
      xo = xf / scale;
    } else if (cm == "tf_crop_and_resize") {
      double r0 = p.roiStart.empty() ? 0.0 : p.roiStart[d], r1 = p.roiEnd.empty() ? 1.0 : p.roiEnd[d];
      xo = outWf == 1 ? (r1 - r0) * static_cast<double>(inW - 1) / 2
                      : xf * (r1 - r0) * static_cast<double>(inW - 1) / (outWf - 1);
      xo += r0 * static_cast<double>(inW - 1);
      outside = xo < 0 || xo > static_cast<double>(inW - 1);
    } else if (cm == "pytorch_half_pixel") {
      xo = outWf == 1 ? -0.5 : (xf + 0.5) / scale - 0.5;
    } else if (cm == "half_pixel") {
      xo = (xf + 0.5) / scale - 0.5;
    } else {  // half_pixel_symmetric
      double adjustment = static_cast<double>(outW) / outWf;
      double center = static_cast<double>(inW) / 2;
      xo = center * (1 - adjustment) + (xf + 0.5) / scale - 0.5;
    }
    plan.outside.push_back(outside);
    std::vector<Tap> taps;
    if (!outside) {
      auto i0 = static_cast<int64_t>(std::ceil(xo)) - 1;
      double ratio = xo - static_cast<double>(i0);
      double sum = 0;
      for (auto [off, w] : kernel(p, ratio, scale)) {
        int64_t i = i0 + off;
        bool in = i >= 0 && i < inW;
        if (p.excludeOutside && !in) continue;
        if (w == 0) continue;
        taps.push_back({std::clamp<int64_t>(i, 0, inW - 1), w});
        sum += w;
      }
      if (p.excludeOutside && sum != 0)
        for (Tap& t : taps) t.weight /= sum;
    }
    if (outside || outW != inW || taps.size() != 1 || taps[0].index != x || taps[0].weight != 1.0)
      plan.identity = false;
    plan.taps.push_back(std::move(taps));
  }
  return plan;
}

// Applies one axis plan to a row-major double buffer of extents `ext`.
std::vector<double> resizeAxis(const std::vector<double>& in, std::vector<int64_t>& ext, size_t d,
                               const AxisPlan& plan) {
  int64_t outer = 1, inner = 1;
  for (size_t i = 0; i < d; ++i) outer *= ext[i];
  for (size_t i = d + 1; i < ext.size(); ++i) inner *= ext[i];
  int64_t inW = ext[d], outW = static_cast<int64_t>(plan.taps.size());
  std::vector<double> out(static_cast<size_t>(outer * outW * inner), 0.0);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t x = 0; x < outW; ++x) {
      double* dst = &out[static_cast<size_t>((o * outW + x) * inner)];
      for (const Tap& t : plan.taps[static_cast<size_t>(x)]) {
        const double* src = &in[static_cast<size_t>((o * inW + t.index) * inner)];
        for (int64_t i = 0; i < inner; ++i) dst[i] += t.weight * src[i];
      }
    }
  ext[d] = outW;
  return out;
}

// Reads the optional scales/sizes/roi inputs; empty tensors count as absent.
const Tensor* presentInput(const RefContext& ctx, size_t i) {
  return ctx.has(i) && ctx.in(i).numel() > 0 ? &ctx.in(i) : nullptr;
}

void refResize(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  ResizeParams p;
  checkAttrs(ctx.node, p);
  int64_t rank = x.rank();
  p.axes = resizeAxes(ctx.node, rank);
  if (const Tensor* roi = presentInput(ctx, 1); roi && p.coordMode == "tf_crop_and_resize") {
    size_t n = p.axes.size();
    DLC_CHECK(static_cast<size_t>(roi->numel()) == 2 * n, ctx.node.describe(), ": roi has ", roi->numel(),
              " entries, expected ", 2 * n);
    p.roiStart.assign(static_cast<size_t>(rank), 0.0);
    p.roiEnd.assign(static_cast<size_t>(rank), 1.0);
    for (size_t i = 0; i < n; ++i) {
      p.roiStart[static_cast<size_t>(p.axes[i])] = roi->getDouble(static_cast<int64_t>(i));
      p.roiEnd[static_cast<size_t>(p.axes[i])] = roi->getDouble(static_cast<int64_t>(n + i));
    }
  }
  const Tensor* scalesT = presentInput(ctx, 2);
  const Tensor* sizesT = presentInput(ctx, 3);
  DLC_CHECK(!(scalesT && sizesT), ctx.node.describe(), ": only one of scales and sizes may be given");
  std::vector<double> scales;
  std::vector<int64_t> sizes;
  if (scalesT) {
    DLC_CHECK(isFloat(scalesT->dtype()), ctx.node.describe(), ": scales must be a float tensor");
    for (int64_t i = 0; i < scalesT->numel(); ++i) scales.push_back(scalesT->getDouble(i));
  }
  if (sizesT) {
    requireIntegerInput(ctx.node, *sizesT, "sizes");
    sizes = toInt64Vector(*sizesT);
  }
  computeSizes(ctx.node, x.extents(), p, scalesT ? &scales : nullptr, sizesT ? &sizes : nullptr);
  if (!isFloat(x.dtype()) && p.mode != "nearest")
    unsupported(ctx.node.describe(), ": ", p.mode, " resize of ", dtypeName(x.dtype()));

  std::vector<AxisPlan> plans;
  for (int64_t d = 0; d < rank; ++d) plans.push_back(planAxis(p, static_cast<size_t>(d), x.dim(d)));
  Tensor out(x.dtype(), p.outSizes);
  if (out.numel() == 0) {
    ctx.outputs = {out};
    return;
  }
  DLC_CHECK(x.numel() > 0, ctx.node.describe(), ": cannot resize an empty input to a non-empty output");

  if (p.mode == "nearest") {
    // Exactly one tap per coordinate: copy elements, no arithmetic.
    std::vector<int64_t> st = stridesOf(x.extents());
    forEachIndex(out.extents(), [&](const std::vector<int64_t>& i, int64_t k) {
      int64_t off = 0;
      for (size_t d = 0; d < i.size(); ++d) {
        const AxisPlan& pl = plans[d];
        if (pl.outside[static_cast<size_t>(i[d])]) {
          out.setDouble(k, p.extrapolation);
          return;
        }
        off += pl.taps[static_cast<size_t>(i[d])][0].index * st[d];
      }
      copyElement(x, off, out, k);
    });
    ctx.outputs = {out};
    return;
  }

  std::vector<double> buf(static_cast<size_t>(x.numel()));
  for (int64_t i = 0; i < x.numel(); ++i) buf[static_cast<size_t>(i)] = x.getDouble(i);
  std::vector<int64_t> ext = x.extents();
  for (size_t d = static_cast<size_t>(rank); d-- > 0;)
    if (!plans[d].identity) buf = resizeAxis(buf, ext, d, plans[d]);
  forEachIndex(out.extents(), [&](const std::vector<int64_t>& i, int64_t k) {
    bool outside = false;
    for (size_t d = 0; d < i.size(); ++d) outside = outside || plans[d].outside[static_cast<size_t>(i[d])];
    out.setDouble(k, outside ? p.extrapolation : buf[static_cast<size_t>(k)]);
  });
  ctx.outputs = {out};
}

void inferResize(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  ResizeParams p;
  checkAttrs(ctx.node, p);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  p.axes = resizeAxes(ctx.node, x.rank());
  auto emptyOrAbsent = [&](size_t i) {
    if (!ctx.has(i)) return true;
    std::optional<int64_t> len = staticLength(ctx, i);
    return len && *len == 0;
  };
  bool useScales = !emptyOrAbsent(2);
  bool useSizes = !emptyOrAbsent(3);
  const Tensor* known = useScales ? ctx.constant(2) : (useSizes ? ctx.constant(3) : nullptr);
  Shape s = x.shape;
  if (!known) {
    for (int64_t a : p.axes) s[static_cast<size_t>(a)] = Dim();
    ctx.outputs = {TensorType(x.dtype, s)};
    return;
  }
  std::vector<double> scales;
  std::vector<int64_t> sizes;
  if (useScales)
    for (int64_t i = 0; i < known->numel(); ++i) scales.push_back(known->getDouble(i));
  else
    sizes = toInt64Vector(*known);
  // Symbolic dims: a resized one is unknown unless its size is given (and the
  // aspect policy does not mix axes) or its scale is exactly 1; others pass.
  std::vector<int64_t> ext;
  bool axesStatic = true;
  for (size_t d = 0; d < s.size(); ++d) {
    bool resized = std::find(p.axes.begin(), p.axes.end(), static_cast<int64_t>(d)) != p.axes.end();
    if (resized && !s[d].isStatic()) axesStatic = false;
    ext.push_back(s[d].isStatic() ? s[d].value : 1);
  }
  computeSizes(ctx.node, ext, p, useScales ? &scales : nullptr, useScales ? nullptr : &sizes);
  for (int64_t a : p.axes) {
    auto d = static_cast<size_t>(a);
    if (useScales) {
      if (s[d].isStatic())
        s[d] = Dim(p.outSizes[d]);
      else if (p.scales[d] != 1.0)
        s[d] = Dim();
    } else {
      s[d] = p.aspectPolicy == "stretch" || axesStatic ? Dim(p.outSizes[d]) : Dim();
    }
  }
  ctx.outputs = {TensorType(x.dtype, s)};
}

}  // namespace

void registerResizeOps(OpRegistry& r) {
  r.add(makeOp("Resize", "Interpolating resize (nearest, linear, cubic) by scales or sizes", 1, 4,
               PatternKind::Injective, inferResize, refResize,
               {optAttr("antialias", int64_t{0}), optAttrNoDefault("axes", AttrKind::Ints),
                optAttr("coordinate_transformation_mode", "half_pixel"), optAttr("cubic_coeff_a", -0.75),
                optAttr("exclude_outside", int64_t{0}), optAttr("extrapolation_value", 0.0),
                optAttr("keep_aspect_ratio_policy", "stretch"), optAttr("mode", "nearest"),
                optAttr("nearest_mode", "round_prefer_floor")}));
}

}  // namespace dlc
