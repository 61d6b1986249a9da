// Ops that create tensors from attributes, shapes or scalars: Constant,
// ConstantOfShape, Range, Shape, Size, EyeLike, OneHot.
#include <cmath>

#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

// ---- Constant ----

Tensor constantValue(const Node& node) {
  // Dotted keys are pass annotations (fuse.group), not values.
  AttrMap a;
  for (const auto& [k, v] : node.attrs())
    if (k.find('.') == std::string::npos) a.emplace(k, v);
  DLC_CHECK(a.size() == 1, node.describe(), ": exactly one value attribute is required, got ", a.size());
  const auto& [name, v] = *a.begin();
  if (name == "value") return v.t();
  if (name == "value_float") return Tensor::fromVector<float>({}, {static_cast<float>(v.f())});
  if (name == "value_int") return Tensor::fromVector<int64_t>({}, {v.i()});
  if (name == "value_ints") return Tensor::fromVector<int64_t>({static_cast<int64_t>(v.ints().size())}, v.ints());
  if (name == "value_floats") {
    std::vector<float> f(v.floats().begin(), v.floats().end());
    return Tensor::fromVector<float>({static_cast<int64_t>(f.size())}, f);
  }
  unsupported(node.describe(), ": string constants are not supported");
}

// ---- ConstantOfShape ----

Tensor fillValue(const Node& node) {
  if (!node.hasAttr("value")) return Tensor::fromVector<float>({1}, {0.0F});
  const Tensor& v = node.attr("value").t();
  DLC_CHECK(v.numel() == 1, node.describe(), ": value must hold one element, got ", v.numel());
  return v;
}

void inferConstantOfShape(InferContext& ctx) {
  DType dt = fillValue(ctx.node).dtype();
  if (std::optional<std::vector<int64_t>> ext = constInts(ctx, 0)) {
    for (int64_t e : *ext) DLC_CHECK(e >= 0, ctx.node.describe(), ": negative extent ", e);
    ctx.outputs = {TensorType::fromExtents(dt, *ext)};
    return;
  }
  std::optional<int64_t> len = staticLength(ctx, 0);
  ctx.outputs = {len ? TensorType(dt, unknownShape(*len)) : TensorType::unranked(dt)};
}

void refConstantOfShape(RefContext& ctx) {
  const Tensor& s = ctx.in(0);
  requireIntegerInput(ctx.node, s, "shape");
  std::vector<int64_t> ext = toInt64Vector(s);
  for (int64_t e : ext) DLC_CHECK(e >= 0, ctx.node.describe(), ": negative extent ", e);
  Tensor v = fillValue(ctx.node);
  Tensor out(v.dtype(), ext);
  for (int64_t i = 0; i < out.numel(); ++i) copyElement(v, 0, out, i);
  ctx.outputs = {out};
}

// ---- Range ----

int64_t rangeCount(const Node& node, const Tensor& start, const Tensor& limit, const Tensor& delta) {
  DLC_CHECK(start.numel() == 1 && limit.numel() == 1 && delta.numel() == 1, node.describe(),
            ": start, limit and delta must be scalars");
  DLC_CHECK(start.dtype() == limit.dtype() && start.dtype() == delta.dtype(), node.describe(),
            ": start, limit and delta must have one dtype");
  if (isFloat(start.dtype())) {
    double s = start.getDouble(0), l = limit.getDouble(0), d = delta.getDouble(0);
    DLC_CHECK(d != 0 && std::isfinite(s) && std::isfinite(l) && std::isfinite(d), node.describe(),
              ": delta must be non-zero and the bounds finite");
    return std::max<int64_t>(0, static_cast<int64_t>(std::ceil((l - s) / d)));
  }
  int64_t s = start.getInt64(0), l = limit.getInt64(0), d = delta.getInt64(0);
  DLC_CHECK(d != 0, node.describe(), ": delta must be non-zero");
  int64_t span = l - s;
  int64_t n = span / d + ((span % d != 0 && ((span > 0) == (d > 0))) ? 1 : 0);
  return std::max<int64_t>(0, n);
}

void inferRange(InferContext& ctx) {
  DType dt = ctx.in(0).dtype;
  if (ctx.constant(0) && ctx.constant(1) && ctx.constant(2)) {
    ctx.outputs = {TensorType(dt, {Dim(rangeCount(ctx.node, *ctx.constant(0), *ctx.constant(1), *ctx.constant(2)))})};
    return;
  }
  ctx.outputs = {TensorType(dt, {Dim()})};
}

void refRange(RefContext& ctx) {
  const Tensor& start = ctx.in(0);
  const Tensor& delta = ctx.in(2);
  int64_t n = rangeCount(ctx.node, start, ctx.in(1), delta);
  Tensor out(start.dtype(), {n});
  dispatchDType(start.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      fail(ctx.node.describe(), ": bool is not a valid dtype");
    } else {
      CalcT<T> s = loadAs<T>(start.data<T>(), 0), d = loadAs<T>(delta.data<T>(), 0);
      T* dst = out.data<T>();
      // Accumulate in the element type, as the definition's loop does.
      if constexpr (kIsFloatLike<T>) {
        if constexpr (std::is_same_v<T, double>) {
          for (int64_t i = 0; i < n; ++i) storeAs<T>(dst, i, s + static_cast<double>(i) * d);
        } else {
          for (int64_t i = 0; i < n; ++i)
            storeAs<T>(dst, i, static_cast<float>(s) + static_cast<float>(i) * static_cast<float>(d));
        }
      } else {
        for (int64_t i = 0; i < n; ++i) storeAs<T>(dst, i, s + static_cast<T>(i) * d);
      }
    }
  });
  ctx.outputs = {out};
}

// ---- Shape / Size ----

std::pair<int64_t, int64_t> shapeSlice(const Node& node, int64_t rank) {
  auto clampAxis = [&](int64_t a) {
    if (a < 0) a += rank;
    return std::clamp<int64_t>(a, 0, rank);
  };
  int64_t start = clampAxis(node.attrInt("start", 0));
  int64_t end = node.hasAttr("end") ? clampAxis(node.attrInt("end", rank)) : rank;
  return {start, std::max(start, end)};
}

// ---- EyeLike ----

DType eyeDType(const Node& node, DType in) {
  return node.hasAttr("dtype") ? dtypeFromOnnxCode(node, node.attrInt("dtype", 1)) : in;
}

// ---- OneHot ----

int64_t scalarDepth(const Node& node, const Tensor& depth) {
  DLC_CHECK(depth.numel() == 1, node.describe(), ": depth must be a scalar or 1-element tensor");
  double d = depth.getDouble(0);
  DLC_CHECK(d >= 1 && std::isfinite(d), node.describe(), ": depth must be positive, got ", d);
  return static_cast<int64_t>(d);
}

void inferOneHot(InferContext& ctx) {
  const TensorType& ind = ctx.in(0);
  DType dt = ctx.in(2).dtype;
  if (!ind.ranked) {
    ctx.outputs = {TensorType::unranked(dt)};
    return;
  }
  int64_t rank = ind.rank() + 1;
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", -1), rank);
  Shape s = ind.shape;
  const Tensor* depth = ctx.constant(1);
  s.insert(s.begin() + axis, depth ? Dim(scalarDepth(ctx.node, *depth)) : Dim());
  ctx.outputs = {TensorType(dt, s)};
}

void refOneHot(RefContext& ctx) {
  const Tensor& ind = ctx.in(0);
  const Tensor& values = ctx.in(2);
  DLC_CHECK(values.numel() == 2, ctx.node.describe(), ": values must hold [off, on], got ", values.numel(),
            " elements");
  int64_t depth = scalarDepth(ctx.node, ctx.in(1));
  int64_t rank = ind.rank() + 1;
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", -1), rank);
  std::vector<int64_t> ext = ind.extents();
  ext.insert(ext.begin() + axis, depth);
  Tensor out(values.dtype(), ext);
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < ext.size(); ++d) inner *= ext[d];
  for (int64_t i = 0; i < out.numel(); ++i) copyElement(values, 0, out, i);
  for (int64_t k = 0; k < ind.numel(); ++k) {
    double v = ind.getDouble(k);
    auto idx = static_cast<int64_t>(v);
    if (idx < 0) idx += depth;
    if (idx < 0 || idx >= depth) continue;
    int64_t outer = k / inner, in = k % inner;
    copyElement(values, 1, out, (outer * depth + idx) * inner + in);
  }
  ctx.outputs = {out};
}

}  // namespace

void registerGeneratorsOps(OpRegistry& r) {
  r.add(makeOp(
      "Constant", "A tensor given by one value attribute", 0, 0, PatternKind::Opaque,
      [](InferContext& ctx) { ctx.outputs = {constantValue(ctx.node).type()}; },
      [](RefContext& ctx) { ctx.outputs = {constantValue(ctx.node)}; },
      {optAttrNoDefault("value", AttrKind::Tensor), optAttrNoDefault("value_float", AttrKind::Float),
       optAttrNoDefault("value_floats", AttrKind::Floats), optAttrNoDefault("value_int", AttrKind::Int),
       optAttrNoDefault("value_ints", AttrKind::Ints), optAttrNoDefault("value_string", AttrKind::String),
       optAttrNoDefault("value_strings", AttrKind::Strings)}));
  r.add(makeOp("ConstantOfShape", "A tensor of the given shape filled with value (default f32 0)", 1, 1,
               PatternKind::Opaque, inferConstantOfShape, refConstantOfShape,
               {optAttrNoDefault("value", AttrKind::Tensor)}));
  r.add(makeOp("Range", "start, start + delta, ... up to limit (exclusive)", 3, 3, PatternKind::Opaque, inferRange,
               refRange));
  r.add(makeOp(
      "Shape", "The input's extents (dims start..end) as 1-D i64", 1, 1, PatternKind::Opaque,
      [](InferContext& ctx) {
        const TensorType& x = ctx.in(0);
        if (!x.ranked) {
          ctx.outputs = {TensorType(DType::Int64, {Dim()})};
          return;
        }
        auto [s, e] = shapeSlice(ctx.node, x.rank());
        ctx.outputs = {TensorType(DType::Int64, {Dim(e - s)})};
      },
      [](RefContext& ctx) {
        const Tensor& x = ctx.in(0);
        auto [s, e] = shapeSlice(ctx.node, x.rank());
        std::vector<int64_t> v(x.extents().begin() + s, x.extents().begin() + e);
        ctx.outputs = {Tensor::fromVector<int64_t>({e - s}, v)};
      },
      {optAttr("start", int64_t{0}), optAttrNoDefault("end", AttrKind::Int)}));
  r.add(makeOp(
      "Size", "The input's element count as an i64 scalar", 1, 1, PatternKind::Opaque,
      [](InferContext& ctx) { ctx.outputs = {TensorType(DType::Int64, {})}; },
      [](RefContext& ctx) { ctx.outputs = {Tensor::fromVector<int64_t>({}, {ctx.in(0).numel()})}; }));
  r.add(makeOp(
      "EyeLike", "Ones on diagonal k of a 2-D tensor shaped like the input", 1, 1, PatternKind::Opaque,
      [](InferContext& ctx) {
        TensorType t = ctx.in(0);
        DLC_CHECK(!t.ranked || t.rank() == 2, ctx.node.describe(), ": input must be 2-D, got ", t.str());
        t.dtype = eyeDType(ctx.node, t.dtype);
        ctx.outputs = {t};
      },
      [](RefContext& ctx) {
        const Tensor& x = ctx.in(0);
        DLC_CHECK(x.rank() == 2, ctx.node.describe(), ": input must be 2-D");
        Tensor out(eyeDType(ctx.node, x.dtype()), x.extents());
        int64_t k = ctx.node.attrInt("k", 0);
        for (int64_t i = 0; i < x.dim(0); ++i) {
          int64_t j = i + k;
          if (j >= 0 && j < x.dim(1)) out.setDouble(i * x.dim(1) + j, 1.0);
        }
        ctx.outputs = {out};
      },
      {optAttrNoDefault("dtype", AttrKind::Int), optAttr("k", int64_t{0})}));
  r.add(makeOp("OneHot", "values[1] where indices hit, values[0] elsewhere, along a new axis", 3, 3,
               PatternKind::Opaque, inferOneHot, refOneHot, {optAttr("axis", int64_t{-1})}));
}

}  // namespace dlc
