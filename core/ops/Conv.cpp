// Convolutions: Conv and ConvTranspose over 1-D, 2-D and 3-D inputs with
// groups, strides, dilations, pads and auto_pad. The kernels (ConvHelpers.cpp)
// work on double buffers; float dtypes are converted in and rounded once out.
#include <algorithm>

#include "ops/ConvHelpers.h"
#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

std::vector<AttrSpec> convAttrs() {
  return {optAttr("auto_pad", "NOTSET"),
          optAttrNoDefault("dilations", AttrKind::Ints),
          optAttr("group", int64_t{1}),
          optAttrNoDefault("kernel_shape", AttrKind::Ints),
          optAttrNoDefault("pads", AttrKind::Ints),
          optAttrNoDefault("strides", AttrKind::Ints)};
}

void requireFloat(const Node& node, const Tensor& t, const char* what) {
  if (!isFloat(t.dtype())) unsupported(node.describe(), ": ", what, " of dtype ", dtypeName(t.dtype()));
}

// ---- Conv ----

void inferConv(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  DLC_CHECK(ctx.in(1).dtype == x.dtype, ctx.node.describe(), ": input and weight dtypes differ");
  ctx.outputs = {inferConvType(ctx, x.dtype, 1)};
}

void refConv(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& w = ctx.in(1);
  requireFloat(ctx.node, x, "input");
  DLC_CHECK(w.dtype() == x.dtype(), ctx.node.describe(), ": input and weight dtypes differ");
  int64_t groups = ctx.node.attrInt("group", 1);
  checkConvOperands(ctx.node, x.extents(), w.extents(), groups);
  std::vector<int64_t> kernel = kernelExtents(ctx.node, w.extents());
  WindowGeom g = windowGeom(ctx.node, std::vector<int64_t>(x.extents().begin() + 2, x.extents().end()), kernel, false);
  const int64_t N = x.dim(0), C = x.dim(1), M = w.dim(0);
  std::vector<double> bias;
  if (ctx.has(2)) {
    DLC_CHECK(ctx.in(2).numel() == M && ctx.in(2).rank() == 1, ctx.node.describe(), ": bias must have shape [", M, "]");
    bias = toDoubles(ctx.in(2));
  }
  std::vector<int64_t> outExt = {N, M};
  outExt.insert(outExt.end(), g.out.begin(), g.out.end());
  std::vector<double> y(static_cast<size_t>(checkedNumElements(outExt)));
  std::vector<double> xd = toDoubles(x), wd = toDoubles(w);
  convForward(g, N, C, M, groups, xd.data(), wd.data(), bias.empty() ? nullptr : bias.data(), y.data());
  ctx.outputs = {fromDoubles(x.dtype(), outExt, y)};
}

// ---- NchwcConv ----
// A 2-D Conv (group 1) whose output is in the blocked layout NCHW[b]c,
// [N, M/b, OH, OW, b], b = the `block` attribute: element (n, m, h, w) at
// [n, m / b, h, w, m % b]. Its input is blocked the same way, [N, C/b, H, W, b],
// or plain NCHW. Weights (OIHW) and bias as Conv's. Made by the nchwc pass
// (passes/NchwcLayout.cpp) for targets whose conv kernels store a vector of b
// channels at a time; not an ONNX op.

// The NCHW extents of a (possibly blocked) activation.
std::vector<int64_t> unblockedExtents(const Node& node, const std::vector<int64_t>& e, int64_t b) {
  if (e.size() == 4) return e;
  DLC_CHECK(e.size() == 5 && e[4] == b, node.describe(), ": input is neither NCHW nor NCHW", b, "c");
  return {e[0], e[1] * b, e[2], e[3]};
}

int64_t blockOf(const Node& node) {
  int64_t b = node.attrInt("block", 0);
  DLC_CHECK(b >= 1, node.describe(), ": block must be a positive channel count, not ", b);
  return b;
}

WindowGeom nchwcGeom(const Node& node, const std::vector<int64_t>& x, const std::vector<int64_t>& w) {
  DLC_CHECK(w.size() == 4 && w[1] == x[1], node.describe(), ": weights must be [M, C, KH, KW] with C = ", x[1]);
  DLC_CHECK(node.attrInt("group", 1) == 1, node.describe(), ": only group 1 is blocked");
  return windowGeom(node, {x[2], x[3]}, kernelExtents(node, w), false);
}

void inferNchwcConv(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  const TensorType& w = ctx.in(1);
  DLC_CHECK(x.isStatic() && w.isStatic(), ctx.node.describe(), ": needs static shapes");
  int64_t b = blockOf(ctx.node);
  std::vector<int64_t> xe = unblockedExtents(ctx.node, x.extents(), b);
  WindowGeom g = nchwcGeom(ctx.node, xe, w.extents());
  int64_t M = w.shape[0].value;
  DLC_CHECK(M % b == 0, ctx.node.describe(), ": ", M, " output channels are not a multiple of the block ", b);
  ctx.outputs = {TensorType(x.dtype, {Dim(xe[0]), Dim(M / b), Dim(g.out[0]), Dim(g.out[1]), Dim(b)})};
}

void refNchwcConv(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& w = ctx.in(1);
  requireFloat(ctx.node, x, "input");
  int64_t b = blockOf(ctx.node);
  std::vector<int64_t> xe = unblockedExtents(ctx.node, x.extents(), b);
  WindowGeom g = nchwcGeom(ctx.node, xe, w.extents());
  const int64_t N = xe[0], C = xe[1], H = xe[2], W = xe[3], M = w.dim(0);
  DLC_CHECK(M % b == 0, ctx.node.describe(), ": ", M, " output channels are not a multiple of the block ", b);
  std::vector<double> xb = toDoubles(x), xd(xb.size());
  if (x.rank() == 5) {  // unblock
    for (int64_t n = 0; n < N; ++n)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t p = 0; p < H * W; ++p)
          xd[static_cast<size_t>((n * C + c) * H * W + p)] = xb[static_cast<size_t>(((n * (C / b) + c / b) * H * W + p) * b + c % b)];
  } else {
    xd = xb;
  }
  std::vector<double> bias;
  if (ctx.has(2)) {
    DLC_CHECK(ctx.in(2).numel() == M && ctx.in(2).rank() == 1, ctx.node.describe(), ": bias must have shape [", M, "]");
    bias = toDoubles(ctx.in(2));
  }
  int64_t P = g.out[0] * g.out[1];
  std::vector<double> y(static_cast<size_t>(N * M * P)), yb(y.size());
  std::vector<double> wd = toDoubles(w);
  convForward(g, N, C, M, 1, xd.data(), wd.data(), bias.empty() ? nullptr : bias.data(), y.data());
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t p = 0; p < P; ++p)
        yb[static_cast<size_t>(((n * (M / b) + m / b) * P + p) * b + m % b)] = y[static_cast<size_t>((n * M + m) * P + p)];
  ctx.outputs = {fromDoubles(x.dtype(), {N, M / b, g.out[0], g.out[1], b}, yb)};
}

// ---- ConvTranspose ----

// Geometry of a transposed convolution: pads and output extents per spatial dim.
struct TransposeGeom {
  std::vector<int64_t> in, kernel, stride, dilation, padBegin, out;
};

TransposeGeom transposeGeom(const Node& node, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel) {
  size_t r = in.size();
  auto perDim = [&](const char* name, int64_t dflt) {
    std::vector<int64_t> v = node.attrInts(name, {});
    if (v.empty()) return std::vector<int64_t>(r, dflt);
    DLC_CHECK(v.size() == r, node.describe(), ": ", name, " has ", v.size(), " values for ", r, " spatial dims");
    return v;
  };
  TransposeGeom g;
  g.in = in;
  g.kernel = kernel;
  g.stride = perDim("strides", 1);
  g.dilation = perDim("dilations", 1);
  std::vector<int64_t> outPad = perDim("output_padding", 0);
  std::vector<int64_t> pads = node.attrInts("pads", {});
  if (pads.empty()) pads.assign(2 * r, 0);
  DLC_CHECK(pads.size() == 2 * r, node.describe(), ": pads has ", pads.size(), " values for ", r, " spatial dims");
  std::vector<int64_t> outShape = node.attrInts("output_shape", {});
  if (outShape.size() == r + 2) outShape.erase(outShape.begin(), outShape.begin() + 2);
  DLC_CHECK(outShape.empty() || outShape.size() == r, node.describe(), ": output_shape has ", outShape.size(),
            " values for ", r, " spatial dims");
  std::string autoPad = node.attrString("auto_pad", "NOTSET");
  DLC_CHECK(autoPad == "NOTSET" || autoPad == "VALID" || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER",
            node.describe(), ": unknown auto_pad '", autoPad, "'");
  g.padBegin.resize(r);
  g.out.resize(r);
  for (size_t i = 0; i < r; ++i) {
    DLC_CHECK(g.stride[i] > 0 && g.dilation[i] > 0 && kernel[i] > 0, node.describe(),
              ": strides, dilations and kernel extents must be positive");
    int64_t full = g.stride[i] * (in[i] - 1) + outPad[i] + (kernel[i] - 1) * g.dilation[i] + 1;
    bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
    if (!outShape.empty() || same) {
      int64_t target = !outShape.empty() ? outShape[i] : in[i] * g.stride[i];
      // A negative total extends the output with zeros (negative pads).
      int64_t total = full - target;
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);  // floor(total / 2)
      g.padBegin[i] = autoPad == "SAME_UPPER" ? half : total - half;
      g.out[i] = target;
    } else if (autoPad == "VALID") {
      g.padBegin[i] = 0;
      g.out[i] = full;
    } else {
      g.padBegin[i] = pads[i];
      g.out[i] = full - pads[i] - pads[i + r];
    }
    DLC_CHECK(g.out[i] > 0, node.describe(), ": output extent ", g.out[i], " is not positive");
  }
  return g;
}

void inferConvTranspose(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  const TensorType& w = ctx.in(1);
  DLC_CHECK(w.dtype == x.dtype, ctx.node.describe(), ": input and weight dtypes differ");
  if (!x.ranked || !w.ranked) {
    ctx.outputs = {x.ranked ? TensorType(x.dtype, unknownShape(x.rank())) : TensorType::unranked(x.dtype)};
    return;
  }
  DLC_CHECK(x.rank() >= 3 && x.rank() == w.rank(), ctx.node.describe(), ": input rank ", x.rank(), " and weight rank ",
            w.rank(), " must match and be >= 3");
  int64_t groups = ctx.node.attrInt("group", 1);
  Shape out = {x.shape[0], w.shape[1].isStatic() ? Dim(w.shape[1].value * groups) : Dim()};
  std::vector<int64_t> in, wext;
  bool known = true;
  for (size_t i = 2; i < x.shape.size(); ++i) {
    known = known && x.shape[i].isStatic() && w.shape[i].isStatic();
    in.push_back(x.shape[i].isStatic() ? x.shape[i].value : 1);
  }
  for (const Dim& d : w.shape) wext.push_back(d.isStatic() ? d.value : 1);
  std::vector<int64_t> outShape = ctx.node.attrInts("output_shape", {});
  if (outShape.size() == x.shape.size()) outShape.erase(outShape.begin(), outShape.begin() + 2);
  if (!known && outShape.size() + 2 == x.shape.size()) {
    for (int64_t e : outShape) out.emplace_back(e);  // output_shape fixes the extents
  } else if (!known) {
    for (size_t i = 2; i < x.shape.size(); ++i) out.emplace_back(Dim());
  } else {
    TransposeGeom g = transposeGeom(ctx.node, in, kernelExtents(ctx.node, wext));
    for (int64_t e : g.out) out.emplace_back(e);
  }
  ctx.outputs = {TensorType(x.dtype, out)};
}

void refConvTranspose(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& w = ctx.in(1);
  requireFloat(ctx.node, x, "input");
  DLC_CHECK(w.dtype() == x.dtype(), ctx.node.describe(), ": input and weight dtypes differ");
  DLC_CHECK(x.rank() >= 3 && x.rank() <= 5 && w.rank() == x.rank(), ctx.node.describe(),
            ": input and weight must have the same rank, 3 to 5");
  int64_t groups = ctx.node.attrInt("group", 1);
  const int64_t N = x.dim(0), C = x.dim(1), Mg = w.dim(1), M = Mg * groups;
  DLC_CHECK(groups >= 1 && C % groups == 0 && w.dim(0) == C, ctx.node.describe(), ": weight has ", w.dim(0),
            " input channels, input has ", C, " (group ", groups, ")");
  const int64_t Cg = C / groups;
  TransposeGeom tg = transposeGeom(ctx.node, std::vector<int64_t>(x.extents().begin() + 2, x.extents().end()),
                                   kernelExtents(ctx.node, w.extents()));
  std::vector<double> bias;
  if (ctx.has(2)) {
    DLC_CHECK(ctx.in(2).numel() == M, ctx.node.describe(), ": bias must have shape [", M, "]");
    bias = toDoubles(ctx.in(2));
  }
  std::vector<int64_t> in = to3d(tg.in, 1), k = to3d(tg.kernel, 1), out = to3d(tg.out, 1);
  std::vector<int64_t> s = to3d(tg.stride, 1), d = to3d(tg.dilation, 1), p = to3d(tg.padBegin, 0);
  const int64_t inSize = in[0] * in[1] * in[2], outSize = out[0] * out[1] * out[2], kSize = k[0] * k[1] * k[2];
  std::vector<int64_t> outExt = {N, M};
  outExt.insert(outExt.end(), tg.out.begin(), tg.out.end());
  std::vector<double> y(static_cast<size_t>(checkedNumElements(outExt)));
  std::vector<double> xd = toDoubles(x), wd = toDoubles(w);
  // Scatter: each input element adds x * w into the outputs its kernel covers.
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t m = 0; m < M; ++m) {
      double* acc = y.data() + (n * M + m) * outSize;
      std::fill(acc, acc + outSize, bias.empty() ? 0.0 : bias[static_cast<size_t>(m)]);
      const int64_t gi = m / Mg, mm = m % Mg;
      for (int64_t c = 0; c < Cg; ++c) {
        const int64_t ci = gi * Cg + c;
        const double* xc = xd.data() + (n * C + ci) * inSize;
        const double* wc = wd.data() + (ci * Mg + mm) * kSize;
        for (int64_t kd = 0; kd < k[0]; ++kd)
          for (int64_t kh = 0; kh < k[1]; ++kh)
            for (int64_t kw = 0; kw < k[2]; ++kw) {
              const double wv = wc[(kd * k[1] + kh) * k[2] + kw];
              for (int64_t id = 0; id < in[0]; ++id) {
                const int64_t od = id * s[0] - p[0] + kd * d[0];
                if (od < 0 || od >= out[0]) continue;
                for (int64_t ih = 0; ih < in[1]; ++ih) {
                  const int64_t oh = ih * s[1] - p[1] + kh * d[1];
                  if (oh < 0 || oh >= out[1]) continue;
                  const double* xr = xc + (id * in[1] + ih) * in[2];
                  double* ar = acc + (od * out[1] + oh) * out[2];
                  for (int64_t iw = 0; iw < in[2]; ++iw) {
                    const int64_t ow = iw * s[2] - p[2] + kw * d[2];
                    if (ow >= 0 && ow < out[2]) ar[ow] += wv * xr[iw];
                  }
                }
              }
            }
      }
    }
  }
  ctx.outputs = {fromDoubles(x.dtype(), outExt, y)};
}

}  // namespace

void registerConvOps(OpRegistry& r) {
  r.add(makeOp("Conv", "N-D convolution with groups, strides, dilations and pads", 2, 3, PatternKind::ComplexOutFusable,
               inferConv, refConv, convAttrs()));
  std::vector<AttrSpec> bAttrs = convAttrs();
  bAttrs.push_back(optAttr("block", int64_t{0}));
  r.add(makeOp("NchwcConv", "2-D convolution into the blocked NCHW[b]c layout (made by the nchwc pass)", 2, 3,
               PatternKind::ComplexOutFusable, inferNchwcConv, refNchwcConv, bAttrs));
  std::vector<AttrSpec> tAttrs = convAttrs();
  tAttrs.push_back(optAttrNoDefault("output_padding", AttrKind::Ints));
  tAttrs.push_back(optAttrNoDefault("output_shape", AttrKind::Ints));
  r.add(makeOp("ConvTranspose", "N-D transposed convolution (output_padding, output_shape)", 2, 3,
               PatternKind::ComplexOutFusable, inferConvTranspose, refConvTranspose, tAttrs));
}

}  // namespace dlc
