// Quantization: QuantizeLinear / DequantizeLinear (per-tensor, per-axis and
// blocked), DynamicQuantizeLinear, and the integer products MatMulInteger,
// ConvInteger, QLinearMatMul, QLinearConv.
//
// Note on rounding: quantizing divides in the input's float type (the result
// is rounded to that type before rounding half to even to an integer), as the
// ONNX definition computes; requantizing the integer products computes
// acc * (scale_a * scale_b / scale_y) + zero_point, then rounds half to even
// and saturates.
#include <cmath>
#include <limits>

#include "ops/ConvHelpers.h"
#include "ops/DataOps.h"
#include "ops/Linalg.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

bool isQuantDType(DType t) {
  return t == DType::UInt8 || t == DType::Int8 || t == DType::UInt16 || t == DType::Int16 || t == DType::Int32;
}

void requireQuantDType(const Node& node, DType t, const char* what) {
  if (!isQuantDType(t)) unsupported(node.describe(), ": ", what, " of dtype ", dtypeName(t));
}

// Saturation bounds of an integer dtype.
std::pair<double, double> intRange(DType t) {
  return dispatchDType(t, [](auto tag) -> std::pair<double, double> {
    using T = decltype(tag);
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
      return {static_cast<double>(std::numeric_limits<T>::lowest()),
              static_cast<double>(std::numeric_limits<T>::max())};
    else
      return {0.0, 0.0};
  });
}

// Rounds a double to the precision of a float dtype (f16/bf16/f32/f64).
double roundTo(DType t, double v) {
  switch (t) {
    case DType::Float32: return static_cast<float>(v);
    case DType::Float16: return halfToFloat(floatToHalf(static_cast<float>(v)));
    case DType::BFloat16: return bfloat16ToFloat(floatToBFloat16(static_cast<float>(v)));
    default: return v;
  }
}

// For each element of a tensor of extents `x`, the offset of its scale / zero
// point in a parameter of extents `p`: per-tensor (one element), per-axis
// (1-D of x[axis]) or blocked (x's rank, x[axis] split in blocks).
std::vector<int64_t> paramOffsets(const Node& node, const std::vector<int64_t>& x, const std::vector<int64_t>& p,
                                  int64_t axisAttr, int64_t blockSize, const char* what) {
  int64_t n = checkedNumElements(x);
  int64_t pn = checkedNumElements(p);
  if (pn == 1 && (p.size() <= 1 || blockSize == 0)) return std::vector<int64_t>(static_cast<size_t>(n), 0);
  auto rank = static_cast<int64_t>(x.size());
  int64_t axis = normalizeAxis(node, axisAttr, rank);
  std::vector<int64_t> offs(static_cast<size_t>(n));
  std::vector<int64_t> xs = stridesOf(x);
  if (blockSize <= 0) {
    DLC_CHECK(p.size() == 1 && p[0] == x[static_cast<size_t>(axis)], node.describe(), ": ", what,
              " must be a scalar or 1-D of extent ", x[static_cast<size_t>(axis)], " (axis ", axis, ")");
    for (int64_t i = 0; i < n; ++i) offs[static_cast<size_t>(i)] = (i / xs[static_cast<size_t>(axis)]) % p[0];
    return offs;
  }
  DLC_CHECK(static_cast<int64_t>(p.size()) == rank, node.describe(), ": blocked ", what, " must have rank ", rank);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t want = d == axis ? (x[static_cast<size_t>(d)] + blockSize - 1) / blockSize : x[static_cast<size_t>(d)];
    DLC_CHECK(p[static_cast<size_t>(d)] == want, node.describe(), ": blocked ", what, " has extent ",
              p[static_cast<size_t>(d)], " at dim ", d, ", expected ", want);
  }
  std::vector<int64_t> ps = stridesOf(p);
  forEachIndex(x, [&](const std::vector<int64_t>& idx, int64_t k) {
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t v = idx[static_cast<size_t>(d)];
      off += (d == axis ? v / blockSize : v) * ps[static_cast<size_t>(d)];
    }
    offs[static_cast<size_t>(k)] = off;
  });
  return offs;
}

// ---- QuantizeLinear ----

DType quantizeOutDType(const Node& node, const TensorType* zp) {
  if (zp) return zp->dtype;
  int64_t code = node.attrInt("output_dtype", 0);
  return code == 0 ? DType::UInt8 : dtypeFromOnnxCode(node, code);
}

void inferQuantize(InferContext& ctx) {
  DType out = quantizeOutDType(ctx.node, ctx.has(2) ? &ctx.in(2) : nullptr);
  TensorType t = ctx.in(0);
  t.dtype = out;
  ctx.outputs = {t};
}

void refQuantize(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& scale = ctx.in(1);
  if (!isFloat(x.dtype())) unsupported(ctx.node.describe(), ": input of dtype ", dtypeName(x.dtype()));
  TensorType zpType = ctx.has(2) ? ctx.in(2).type() : TensorType();
  DType out = quantizeOutDType(ctx.node, ctx.has(2) ? &zpType : nullptr);
  if (ctx.has(2) && ctx.node.attrInt("output_dtype", 0) != 0)
    DLC_CHECK(dtypeFromOnnxCode(ctx.node, ctx.node.attrInt("output_dtype", 0)) == out, ctx.node.describe(),
              ": output_dtype differs from the zero point's dtype");
  requireQuantDType(ctx.node, out, "output");
  int64_t axis = ctx.node.attrInt("axis", 1), block = ctx.node.attrInt("block_size", 0);
  std::vector<int64_t> so = paramOffsets(ctx.node, x.extents(), scale.extents(), axis, block, "y_scale");
  std::vector<double> sv = toDoubles(scale), xv = toDoubles(x), zv;
  std::vector<int64_t> zo;
  if (ctx.has(2)) {
    zo = paramOffsets(ctx.node, x.extents(), ctx.in(2).extents(), axis, block, "y_zero_point");
    zv = toDoubles(ctx.in(2));
  }
  auto [lo, hi] = intRange(out);
  std::vector<double> y(xv.size());
  for (size_t i = 0; i < xv.size(); ++i) {
    double q = std::nearbyint(roundTo(x.dtype(), xv[i] / sv[static_cast<size_t>(so[i])]));
    if (!zv.empty()) q += zv[static_cast<size_t>(zo[i])];
    y[i] = std::isnan(q) ? 0.0 : std::min(hi, std::max(lo, q));
  }
  ctx.outputs = {fromDoubles(out, x.extents(), y)};
}

// ---- DequantizeLinear ----

void inferDequantize(InferContext& ctx) {
  TensorType t = ctx.in(0);
  t.dtype = ctx.in(1).dtype;
  ctx.outputs = {t};
}

void refDequantize(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& scale = ctx.in(1);
  requireQuantDType(ctx.node, x.dtype(), "input");
  if (!isFloat(scale.dtype())) unsupported(ctx.node.describe(), ": x_scale of dtype ", dtypeName(scale.dtype()));
  int64_t axis = ctx.node.attrInt("axis", 1), block = ctx.node.attrInt("block_size", 0);
  std::vector<int64_t> so = paramOffsets(ctx.node, x.extents(), scale.extents(), axis, block, "x_scale");
  std::vector<double> sv = toDoubles(scale), xv = toDoubles(x), zv;
  std::vector<int64_t> zo;
  if (ctx.has(2)) {
    DLC_CHECK(ctx.in(2).dtype() == x.dtype(), ctx.node.describe(), ": x_zero_point dtype differs from the input's");
    zo = paramOffsets(ctx.node, x.extents(), ctx.in(2).extents(), axis, block, "x_zero_point");
    zv = toDoubles(ctx.in(2));
  }
  std::vector<double> y(xv.size());
  for (size_t i = 0; i < xv.size(); ++i) {
    // (x - zero_point) in f32, as the ONNX definition computes it.
    double d = static_cast<float>(xv[i]);
    if (!zv.empty()) d = static_cast<float>(d - static_cast<float>(zv[static_cast<size_t>(zo[i])]));
    y[i] = d * sv[static_cast<size_t>(so[i])];
  }
  ctx.outputs = {fromDoubles(scale.dtype(), x.extents(), y)};
}

// ---- DynamicQuantizeLinear ----

void refDynamicQuantize(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  if (x.dtype() != DType::Float32) unsupported(ctx.node.describe(), ": input of dtype ", dtypeName(x.dtype()));
  const float* p = x.data<float>();
  float maxv = 0, minv = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    maxv = std::max(maxv, p[i]);
    minv = std::min(minv, p[i]);
  }
  // All in f32, as the ONNX definition computes it.
  float scale = (maxv == minv ? 1.0f : (maxv - minv)) / 255.0f;
  float zp0 = 0.0f - minv / scale;
  float zp = std::nearbyint(std::min(255.0f, std::max(0.0f, zp0)));
  Tensor y(DType::UInt8, x.extents());
  for (int64_t i = 0; i < x.numel(); ++i) {
    float q = std::nearbyint(p[i] / scale) + zp;
    y.data<uint8_t>()[i] = static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, q)));
  }
  ctx.outputs = {y, Tensor::fromVector<float>({}, {scale}),
                 Tensor::fromVector<uint8_t>({}, {static_cast<uint8_t>(zp)})};
}

// ---- Integer products ----

void requireInt8(const Node& node, const Tensor& t, const char* what) {
  if (t.dtype() != DType::Int8 && t.dtype() != DType::UInt8)
    unsupported(node.describe(), ": ", what, " of dtype ", dtypeName(t.dtype()));
}

// x - zero_point as doubles, with the zero point a scalar or one value per
// slice along `axis` of x (axis < 0: scalar only).
std::vector<double> centered(const Node& node, const Tensor& x, const Tensor* zp, int64_t axis, const char* what) {
  std::vector<double> v = toDoubles(x);
  if (!zp) return v;
  DLC_CHECK(zp->dtype() == x.dtype(), node.describe(), ": ", what, " dtype differs from its operand's");
  std::vector<double> z = toDoubles(*zp);
  if (z.size() == 1) {
    for (double& e : v) e -= z[0];
    return v;
  }
  if (zp->rank() > 1) unsupported(node.describe(), ": ", what, " of rank ", zp->rank(), " (per batch and row/column)");
  DLC_CHECK(axis >= 0 && axis < x.rank() && static_cast<int64_t>(z.size()) == x.dim(axis) && zp->rank() == 1,
            node.describe(), ": ", what, " must be a scalar",
            axis >= 0 ? concat(" or 1-D of extent ", x.dim(axis)) : "");
  int64_t stride = stridesOf(x.extents())[static_cast<size_t>(axis)];
  for (size_t i = 0; i < v.size(); ++i)
    v[i] -= z[static_cast<size_t>((static_cast<int64_t>(i) / stride) % x.dim(axis))];
  return v;
}

void inferMatMulInteger(InferContext& ctx) {
  ctx.outputs = {inferMatMulType(ctx.node, ctx.in(0), ctx.in(1), DType::Int32)};
}

void refMatMulInteger(RefContext& ctx) {
  const Tensor& a = ctx.in(0);
  const Tensor& b = ctx.in(1);
  requireInt8(ctx.node, a, "A");
  requireInt8(ctx.node, b, "B");
  MatMulShape s = matMulShape(ctx.node, a.extents(), b.extents());
  // a_zero_point: scalar or per row (dim -2 of A); b_zero_point: scalar or per column (last dim of B).
  std::vector<double> av =
      centered(ctx.node, a, ctx.has(2) ? &ctx.in(2) : nullptr, a.rank() >= 2 ? a.rank() - 2 : -1, "a_zero_point");
  std::vector<double> bv =
      centered(ctx.node, b, ctx.has(3) ? &ctx.in(3) : nullptr, b.rank() >= 2 ? b.rank() - 1 : -1, "b_zero_point");
  ctx.outputs = {fromDoubles(DType::Int32, s.outExt, matMulDoubles(s, av.data(), bv.data()))};
}

// Rounds v * scale + zero point half to even into the output dtype's range.
std::vector<double> requantize(const std::vector<double>& acc, const std::vector<double>& mult, int64_t multStride,
                               int64_t multCount, double zp, DType out) {
  auto [lo, hi] = intRange(out);
  std::vector<double> y(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    double m =
        mult.size() == 1 ? mult[0] : mult[static_cast<size_t>((static_cast<int64_t>(i) / multStride) % multCount)];
    y[i] = std::nearbyint(std::min(hi, std::max(lo, acc[i] * m + zp)));
  }
  return y;
}

double scalarOf(const Node& node, const Tensor& t, const char* what) {
  DLC_CHECK(t.numel() == 1, node.describe(), ": ", what, " must hold one value");
  return t.getDouble(0);
}

// A per-row (A) or per-column (B) parameter: one value, or `extent` values.
std::vector<double> perSlice(const Node& node, const Tensor& t, int64_t extent, const char* what) {
  if (t.rank() > 1 && t.numel() != 1)
    unsupported(node.describe(), ": ", what, " of rank ", t.rank(), " (per batch and row/column)");
  DLC_CHECK(t.numel() == 1 || (t.rank() == 1 && t.numel() == extent), node.describe(), ": ", what,
            " must be a scalar or 1-D of extent ", extent);
  return toDoubles(t);
}

void refQLinearMatMul(RefContext& ctx) {
  const Tensor& a = ctx.in(0);
  const Tensor& b = ctx.in(3);
  requireInt8(ctx.node, a, "a");
  requireInt8(ctx.node, b, "b");
  DType sd = ctx.in(1).dtype();
  DType out = ctx.in(7).dtype();
  requireQuantDType(ctx.node, out, "y_zero_point");
  MatMulShape s = matMulShape(ctx.node, a.extents(), b.extents());
  // a's scale / zero point: scalar or per row (dim -2); b's: scalar or per column (dim -1).
  int64_t rowAxis = a.rank() >= 2 ? a.rank() - 2 : -1, colAxis = b.rank() >= 2 ? b.rank() - 1 : -1;
  std::vector<double> av = centered(ctx.node, a, &ctx.in(2), rowAxis, "a_zero_point");
  std::vector<double> bv = centered(ctx.node, b, &ctx.in(5), colAxis, "b_zero_point");
  std::vector<double> acc = matMulDoubles(s, av.data(), bv.data());
  std::vector<double> as = perSlice(ctx.node, ctx.in(1), s.M, "a_scale");
  std::vector<double> bs = perSlice(ctx.node, ctx.in(4), s.N, "b_scale");
  double ys = scalarOf(ctx.node, ctx.in(6), "y_scale"), zp = scalarOf(ctx.node, ctx.in(7), "y_zero_point");
  // The multiplier of output (m, n), rounded like the scales' float type.
  std::vector<double> mult(static_cast<size_t>(s.M * s.N));
  for (int64_t m = 0; m < s.M; ++m)
    for (int64_t n = 0; n < s.N; ++n)
      mult[static_cast<size_t>(m * s.N + n)] =
          roundTo(sd, roundTo(sd, as[as.size() == 1 ? 0 : static_cast<size_t>(m)] *
                                      bs[bs.size() == 1 ? 0 : static_cast<size_t>(n)]) /
                          ys);
  std::vector<double> y = requantize(acc, mult, 1, s.M * s.N, zp, out);
  ctx.outputs = {fromDoubles(out, s.outExt, y)};
}

void inferQLinearMatMul(InferContext& ctx) {
  ctx.outputs = {inferMatMulType(ctx.node, ctx.in(0), ctx.in(3), ctx.in(7).dtype)};
}

std::vector<AttrSpec> convAttrs() {
  return {optAttr("auto_pad", "NOTSET"),
          optAttrNoDefault("dilations", AttrKind::Ints),
          optAttr("group", int64_t{1}),
          optAttrNoDefault("kernel_shape", AttrKind::Ints),
          optAttrNoDefault("pads", AttrKind::Ints),
          optAttrNoDefault("strides", AttrKind::Ints)};
}

// The integer convolution of (x - x_zp) and (w - w_zp), w_zp scalar or per
// output channel; `outExt` receives the output extents.
std::vector<double> convInteger(const Node& node, const Tensor& x, const Tensor* xzp, const Tensor& w,
                                const Tensor* wzp, const std::vector<double>* bias, std::vector<int64_t>& outExt) {
  requireInt8(node, x, "x");
  requireInt8(node, w, "w");
  int64_t groups = node.attrInt("group", 1);
  checkConvOperands(node, x.extents(), w.extents(), groups);
  if (xzp) DLC_CHECK(xzp->numel() == 1, node.describe(), ": x_zero_point must hold one value");
  std::vector<double> xv = centered(node, x, xzp, -1, "x_zero_point");
  std::vector<double> wv = centered(node, w, wzp, 0, "w_zero_point");
  WindowGeom g = windowGeom(node, std::vector<int64_t>(x.extents().begin() + 2, x.extents().end()),
                            kernelExtents(node, w.extents()), false);
  outExt = {x.dim(0), w.dim(0)};
  outExt.insert(outExt.end(), g.out.begin(), g.out.end());
  std::vector<double> y(static_cast<size_t>(checkedNumElements(outExt)));
  convForward(g, x.dim(0), x.dim(1), w.dim(0), groups, xv.data(), wv.data(), bias ? bias->data() : nullptr, y.data());
  return y;
}

void refConvInteger(RefContext& ctx) {
  std::vector<int64_t> outExt;
  std::vector<double> y = convInteger(ctx.node, ctx.in(0), ctx.has(2) ? &ctx.in(2) : nullptr, ctx.in(1),
                                      ctx.has(3) ? &ctx.in(3) : nullptr, nullptr, outExt);
  ctx.outputs = {fromDoubles(DType::Int32, outExt, y)};
}

void refQLinearConv(RefContext& ctx) {
  const Tensor& w = ctx.in(3);
  std::vector<double> bias;
  if (ctx.has(8)) {
    DLC_CHECK(ctx.in(8).dtype() == DType::Int32 && ctx.in(8).numel() == w.dim(0), ctx.node.describe(),
              ": B must be i32 of shape [", w.dim(0), "]");
    bias = toDoubles(ctx.in(8));
  }
  std::vector<int64_t> outExt;
  std::vector<double> acc =
      convInteger(ctx.node, ctx.in(0), &ctx.in(2), w, &ctx.in(5), bias.empty() ? nullptr : &bias, outExt);
  DType sd = ctx.in(1).dtype(), out = ctx.in(7).dtype();
  requireQuantDType(ctx.node, out, "y_zero_point");
  double xs = scalarOf(ctx.node, ctx.in(1), "x_scale"), ys = scalarOf(ctx.node, ctx.in(6), "y_scale");
  std::vector<double> ws = toDoubles(ctx.in(4));
  DLC_CHECK(ws.size() == 1 || static_cast<int64_t>(ws.size()) == w.dim(0), ctx.node.describe(),
            ": w_scale must be a scalar or 1-D of extent ", w.dim(0));
  std::vector<double> mult;
  for (double s : ws) mult.push_back(roundTo(sd, roundTo(sd, xs * s) / ys));
  int64_t plane = 1;
  for (size_t i = 2; i < outExt.size(); ++i) plane *= outExt[i];
  double zp = scalarOf(ctx.node, ctx.in(7), "y_zero_point");
  ctx.outputs = {fromDoubles(out, outExt, requantize(acc, mult, plane, w.dim(0), zp, out))};
}

}  // namespace

void registerQuantizationOps(OpRegistry& r) {
  r.add(makeOp("QuantizeLinear", "saturate(round(x / y_scale) + y_zero_point), per tensor, axis or block", 2, 3,
               PatternKind::Broadcast, inferQuantize, refQuantize,
               {optAttr("axis", int64_t{1}), optAttr("block_size", int64_t{0}), optAttr("output_dtype", int64_t{0}),
                optAttr("saturate", int64_t{1})}));
  r.add(makeOp("DequantizeLinear", "(x - x_zero_point) * x_scale, per tensor, axis or block", 2, 3,
               PatternKind::Broadcast, inferDequantize, refDequantize,
               {optAttr("axis", int64_t{1}), optAttr("block_size", int64_t{0})}));
  r.add(makeOp(
      "DynamicQuantizeLinear", "Quantize f32 to u8 with scale and zero point computed from the data", 1, 1,
      PatternKind::Opaque,
      [](InferContext& ctx) {
        TensorType y = ctx.in(0);
        y.dtype = DType::UInt8;
        ctx.outputs = {y, TensorType(DType::Float32, {}), TensorType(DType::UInt8, {})};
      },
      refDynamicQuantize, {}, 3, 3));
  r.add(makeOp("MatMulInteger", "i32 matmul of (A - a_zero_point) and (B - b_zero_point)", 2, 4,
               PatternKind::ComplexOutFusable, inferMatMulInteger, refMatMulInteger));
  r.add(makeOp("QLinearMatMul", "Quantized matmul requantized to y_scale and y_zero_point", 8, 8,
               PatternKind::ComplexOutFusable, inferQLinearMatMul, refQLinearMatMul));
  r.add(makeOp(
      "ConvInteger", "i32 convolution of (x - x_zero_point) and (w - w_zero_point)", 2, 4,
      PatternKind::ComplexOutFusable, [](InferContext& ctx) { ctx.outputs = {inferConvType(ctx, DType::Int32, 1)}; },
      refConvInteger, convAttrs()));
  r.add(makeOp(
      "QLinearConv", "Quantized convolution requantized to y_scale and y_zero_point", 8, 9,
      PatternKind::ComplexOutFusable, [](InferContext& ctx) { ctx.outputs = {inferConvType(ctx, ctx.in(7).dtype, 3)}; },
      refQLinearConv, convAttrs()));
}

}  // namespace dlc
