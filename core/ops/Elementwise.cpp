// Elementwise and broadcasting math: unary math, activations, binary arithmetic,
// comparison, logic, bitwise, variadic Max/Min/Sum/Mean, Where, Clip and Cast.
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

using UnaryFn = std::function<double(double)>;

// A unary float op: out = f(x) computed in double. `make` reads the node's
// attributes once and returns the per-element function.
OpDef unaryFloatOp(const char* name, const char* summary, std::function<UnaryFn(const Node&)> make,
                   std::vector<AttrSpec> attrs = {}) {
  return makeOp(
      name, summary, 1, 1, PatternKind::Elementwise, inferSameAsInput0,
      [make](RefContext& ctx) {
        const Tensor& x = ctx.in(0);
        if (!isFloat(x.dtype())) unsupported(ctx.node.describe(), ": dtype ", dtypeName(x.dtype()));
        UnaryFn f = make(ctx.node);
        ctx.outputs = {mapUnary(x, [&](double v) { return f(v); })};
      },
      std::move(attrs));
}

OpDef simpleUnary(const char* name, const char* summary, double (*f)(double)) {
  return unaryFloatOp(name, summary, [f](const Node&) { return UnaryFn(f); });
}

// A unary op over every numeric dtype (f receives CalcT<T>).
template <typename F>
OpDef unaryNumericOp(const char* name, const char* summary, F f) {
  return makeOp(name, summary, 1, 1, PatternKind::Elementwise, inferSameAsInput0, [f](RefContext& ctx) {
    const Tensor& x = ctx.in(0);
    if (x.dtype() == DType::Bool) unsupported(ctx.node.describe(), ": dtype bool");
    ctx.outputs = {mapUnary(x, [&](auto v) { return f(v); })};
  });
}

// A unary op producing bool from a float input.
template <typename F>
OpDef unaryPredicateOp(const char* name, const char* summary, F f, std::vector<AttrSpec> attrs = {}) {
  return makeOp(
      name, summary, 1, 1, PatternKind::Elementwise,
      [](InferContext& c) {
        TensorType t = c.in(0);
        t.dtype = DType::Bool;
        c.outputs = {t};
      },
      [f](RefContext& ctx) {
        const Tensor& x = ctx.in(0);
        if (!isFloat(x.dtype())) unsupported(ctx.node.describe(), ": dtype ", dtypeName(x.dtype()));
        ctx.outputs = {mapUnary(
            x, [&](double v) { return f(ctx.node, v); }, DType::Bool)};
      },
      std::move(attrs));
}

enum class Kinds { Numeric, Integer, Bool, Any };

bool dtypeAllowed(DType d, Kinds k) {
  switch (k) {
    case Kinds::Numeric:
      return d != DType::Bool;
    case Kinds::Integer:
      return isInteger(d);
    case Kinds::Bool:
      return d == DType::Bool;
    case Kinds::Any:
      return true;
  }
  return false;
}

// A binary op with broadcasting; f(node, a, b) receives CalcT<T> values.
template <typename F>
OpDef binaryOp(const char* name, const char* summary, Kinds kinds, F f, bool boolOut = false,
               std::vector<AttrSpec> attrs = {}) {
  return makeOp(
      name, summary, 2, 2, PatternKind::Broadcast,
      [boolOut](InferContext& c) { inferBroadcast(c, boolOut ? DType::Bool : DType::Undefined); },
      [f, kinds, boolOut](RefContext& ctx) {
        DType d = ctx.in(0).dtype();
        if (!dtypeAllowed(d, kinds)) unsupported(ctx.node.describe(), ": dtype ", dtypeName(d));
        const Node& node = ctx.node;
        ctx.outputs = {mapBinary(
            node, ctx.in(0), ctx.in(1), [&](auto a, auto b) { return f(node, a, b); },
            boolOut ? DType::Bool : DType::Undefined)};
      },
      std::move(attrs));
}

template <typename T>
constexpr bool kIsIntNotBool = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// Variadic op folding its inputs pairwise with broadcasting.
template <typename F>
OpDef variadicOp(const char* name, const char* summary, F f, bool mean = false) {
  return makeOp(
      name, summary, 1, -1, PatternKind::Broadcast, [](InferContext& c) { inferBroadcast(c); },
      [f, mean](RefContext& ctx) {
        Tensor acc = ctx.in(0);
        if (acc.dtype() == DType::Bool) unsupported(ctx.node.describe(), ": dtype bool");
        for (size_t i = 1; i < ctx.inputs.size(); ++i)
          acc = mapBinary(ctx.node, acc, ctx.in(i), [&](auto a, auto b) { return f(a, b); });
        if (mean) {
          double n = static_cast<double>(ctx.inputs.size());
          acc = mapUnary(acc, [&](auto v) { return static_cast<decltype(v)>(v / n); });
        }
        ctx.outputs = {acc};
      });
}

// ONNX TensorProto element type -> dlc DType (Undefined when dlc lacks it).
DType dtypeFromOnnx(int64_t code) {
  switch (code) {
    case 1:
      return DType::Float32;
    case 2:
      return DType::UInt8;
    case 3:
      return DType::Int8;
    case 4:
      return DType::UInt16;
    case 5:
      return DType::Int16;
    case 6:
      return DType::Int32;
    case 7:
      return DType::Int64;
    case 9:
      return DType::Bool;
    case 10:
      return DType::Float16;
    case 11:
      return DType::Float64;
    case 12:
      return DType::UInt32;
    case 13:
      return DType::UInt64;
    case 16:
      return DType::BFloat16;
    default:
      return DType::Undefined;
  }
}

DType castTarget(const Node& node) {
  int64_t to = node.attrInt("to", 0);
  DType d = dtypeFromOnnx(to);
  if (d == DType::Undefined) unsupported(node.describe(), ": cast to ONNX element type ", to);
  return d;
}

// Converts every element of `x` to `to`: floats to ints truncate toward zero
// (saturating out-of-range values, NaN -> 0); anything to bool is `!= 0`;
// to bfloat16 truncates the float32 bits.
Tensor castTensor(const Tensor& x, DType to) {
  Tensor out(to, x.extents());
  dispatchDType(x.dtype(), [&](auto tin) {
    using TI = decltype(tin);
    const TI* src = x.data<TI>();
    dispatchDType(to, [&](auto tout) {
      using TO = decltype(tout);
      TO* dst = out.data<TO>();
      for (int64_t i = 0; i < x.numel(); ++i) {
        auto v = loadAs<TI>(src, i);
        if constexpr (kIsIntNotBool<TO> && std::is_same_v<decltype(v), double>) {
          double lo = static_cast<double>(std::numeric_limits<TO>::lowest());
          double hi = static_cast<double>(std::numeric_limits<TO>::max());
          double t = std::isnan(v) ? 0.0 : std::trunc(v);
          dst[i] = t <= lo ? std::numeric_limits<TO>::lowest()
                           : (t >= hi ? std::numeric_limits<TO>::max() : static_cast<TO>(t));
        } else if constexpr (std::is_same_v<TO, BFloat16>) {
          // ONNX casts to bfloat16 by truncating the float32 bits (NaN stays NaN).
          float f = static_cast<float>(v);
          uint32_t bits;
          std::memcpy(&bits, &f, 4);
          dst[i].bits = std::isnan(f) ? floatToBFloat16(f) : static_cast<uint16_t>(bits >> 16);
        } else if constexpr (std::is_same_v<TO, bool>) {
          dst[i] = v != 0;
        } else if constexpr (kIsFloatLike<TO> && !std::is_same_v<decltype(v), double>) {
          storeAs<TO>(dst, i, static_cast<double>(v));
        } else {
          storeAs<TO>(dst, i, v);
        }
      }
    });
  });
  return out;
}

void addCastOps(OpRegistry& r) {
  r.add(makeOp(
      "Cast", "convert to the element type `to`", 1, 1, PatternKind::Elementwise,
      [](InferContext& c) {
        TensorType t = c.in(0);
        t.dtype = castTarget(c.node);
        c.outputs = {t};
      },
      [](RefContext& ctx) { ctx.outputs = {castTensor(ctx.in(0), castTarget(ctx.node))}; },
      {reqAttr("to", AttrKind::Int), optAttr("saturate", Attribute(int64_t{1}))}));
  r.add(makeOp(
      "CastLike", "convert to the element type of input 1", 2, 2, PatternKind::Elementwise,
      [](InferContext& c) {
        TensorType t = c.in(0);
        t.dtype = c.in(1).dtype;
        c.outputs = {t};
      },
      [](RefContext& ctx) { ctx.outputs = {castTensor(ctx.in(0), ctx.in(1).dtype())}; },
      {optAttr("saturate", Attribute(int64_t{1}))}));
}

void addWhereClip(OpRegistry& r) {
  r.add(makeOp(
      "Where", "condition ? x : y, with broadcasting", 3, 3, PatternKind::Broadcast,
      [](InferContext& c) {
        DLC_CHECK(c.in(0).dtype == DType::Bool, c.node.describe(), ": condition must be bool, got ",
                  dtypeName(c.in(0).dtype));
        DLC_CHECK(c.in(1).dtype == c.in(2).dtype, c.node.describe(), ": input dtypes differ (",
                  dtypeName(c.in(1).dtype), " vs ", dtypeName(c.in(2).dtype), ")");
        TensorType t = c.in(1);
        if (!c.in(0).ranked || !c.in(1).ranked || !c.in(2).ranked) {
          c.outputs = {TensorType::unranked(t.dtype)};
          return;
        }
        t.shape = broadcastShapes(c.node, broadcastShapes(c.node, c.in(0).shape, c.in(1).shape), c.in(2).shape);
        c.outputs = {t};
      },
      [](RefContext& ctx) {
        const Tensor &cond = ctx.in(0), &x = ctx.in(1), &y = ctx.in(2);
        DLC_CHECK(cond.dtype() == DType::Bool, ctx.node.describe(), ": condition must be bool");
        DLC_CHECK(x.dtype() == y.dtype(), ctx.node.describe(), ": input dtypes differ (", dtypeName(x.dtype()), " vs ",
                  dtypeName(y.dtype()), ")");
        std::vector<int64_t> ext =
            broadcastExtents(ctx.node, broadcastExtents(ctx.node, cond.extents(), x.extents()), y.extents());
        Tensor out(x.dtype(), ext);
        auto oc = broadcastOffsets(ext, cond.extents()), ox = broadcastOffsets(ext, x.extents()),
             oy = broadcastOffsets(ext, y.extents());
        size_t es = dtypeSize(x.dtype());
        const bool* pc = cond.data<bool>();
        auto* dst = static_cast<uint8_t*>(out.rawData());
        auto* px = static_cast<const uint8_t*>(x.rawData());
        auto* py = static_cast<const uint8_t*>(y.rawData());
        for (int64_t i = 0; i < out.numel(); ++i) {
          const uint8_t* s = pc[oc[i]] ? px + ox[i] * es : py + oy[i] * es;
          std::memcpy(dst + i * es, s, es);
        }
        ctx.outputs = {out};
      }));
  r.add(makeOp("Clip", "clamp x to [min, max] (optional scalar inputs)", 1, 3, PatternKind::Elementwise,
               inferSameAsInput0, [](RefContext& ctx) {
                 const Tensor& x = ctx.in(0);
                 if (x.dtype() == DType::Bool) unsupported(ctx.node.describe(), ": dtype bool");
                 for (size_t i = 1; i < 3; ++i) {
                   if (!ctx.has(i)) continue;
                   DLC_CHECK(ctx.in(i).numel() == 1, ctx.node.describe(), ": input ", i, " must be a scalar");
                   DLC_CHECK(ctx.in(i).dtype() == x.dtype(), ctx.node.describe(), ": input ", i, " dtype ",
                             dtypeName(ctx.in(i).dtype()), " differs from ", dtypeName(x.dtype()));
                 }
                 const Tensor* lo = ctx.has(1) ? &ctx.in(1) : nullptr;
                 const Tensor* hi = ctx.has(2) ? &ctx.in(2) : nullptr;
                 auto bound = [](const Tensor* t, auto like) {
                   using V = decltype(like);
                   if constexpr (std::is_floating_point_v<V>)
                     return static_cast<V>(t->getDouble(0));
                   else
                     return static_cast<V>(t->getInt64(0));
                 };
                 ctx.outputs = {mapUnary(x, [&](auto v) {
                   if (lo) v = std::max(v, bound(lo, v));
                   if (hi) v = std::min(v, bound(hi, v));
                   return v;
                 })};
               }));
}

// Pow: base and exponent may differ in dtype; the output has the base's dtype.
void addPow(OpRegistry& r) {
  r.add(makeOp(
      "Pow", "a ^ b with broadcasting", 2, 2, PatternKind::Broadcast,
      [](InferContext& c) {
        TensorType a = c.in(0), b = c.in(1);
        if (!a.ranked || !b.ranked) {
          c.outputs = {TensorType::unranked(a.dtype)};
          return;
        }
        a.shape = broadcastShapes(c.node, a.shape, b.shape);
        c.outputs = {a};
      },
      [](RefContext& ctx) {
        const Tensor &a = ctx.in(0), &b = ctx.in(1);
        if (a.dtype() == DType::Bool || b.dtype() == DType::Bool) unsupported(ctx.node.describe(), ": dtype bool");
        std::vector<int64_t> ext = broadcastExtents(ctx.node, a.extents(), b.extents());
        auto oa = broadcastOffsets(ext, a.extents()), ob = broadcastOffsets(ext, b.extents());
        Tensor out(a.dtype(), ext);
        dispatchDType(a.dtype(), [&](auto ta) {
          using TA = decltype(ta);
          dispatchDType(b.dtype(), [&](auto tb) {
            using TB = decltype(tb);
            const TA* pa = a.data<TA>();
            const TB* pb = b.data<TB>();
            TA* dst = out.data<TA>();
            for (int64_t i = 0; i < out.numel(); ++i) {
              auto x = loadAs<TA>(pa, oa[i]);
              auto y = loadAs<TB>(pb, ob[i]);
              if constexpr (kIsIntNotBool<decltype(x)> && kIsIntNotBool<decltype(y)>) {
                // Exact integer power by squaring (wrapping like the base type).
                using U = decltype(x);
                if (y < 0) {
                  dst[i] = static_cast<U>(x == 1 ? 1 : (x == -1 ? ((-y) % 2 ? -1 : 1) : 0));
                  continue;
                }
                U res = 1, base = x;
                uint64_t e = static_cast<uint64_t>(y);
                while (e) {
                  if (e & 1) res = static_cast<U>(res * base);
                  base = static_cast<U>(base * base);
                  e >>= 1;
                }
                dst[i] = res;
              } else {
                double v = std::pow(static_cast<double>(x), static_cast<double>(y));
                if constexpr (kIsIntNotBool<decltype(x)>)
                  dst[i] = static_cast<decltype(x)>(std::trunc(v));
                else
                  storeAs<TA>(dst, i, v);
              }
            }
          });
        });
        ctx.outputs = {out};
      }));
}

void addUnaryOps(OpRegistry& r) {
  r.add(simpleUnary("Exp", "exp(x)", [](double v) { return std::exp(v); }));
  r.add(simpleUnary("Log", "log(x)", [](double v) { return std::log(v); }));
  r.add(simpleUnary("Sqrt", "sqrt(x)", [](double v) { return std::sqrt(v); }));
  r.add(simpleUnary("Reciprocal", "1 / x", [](double v) { return 1.0 / v; }));
  r.add(simpleUnary("Floor", "floor(x)", [](double v) { return std::floor(v); }));
  r.add(simpleUnary("Ceil", "ceil(x)", [](double v) { return std::ceil(v); }));
  r.add(simpleUnary("Round", "round half to even", [](double v) { return std::nearbyint(v); }));
  r.add(simpleUnary("Erf", "erf(x)", [](double v) { return std::erf(v); }));
  r.add(simpleUnary("Sin", "sin(x)", [](double v) { return std::sin(v); }));
  r.add(simpleUnary("Cos", "cos(x)", [](double v) { return std::cos(v); }));
  r.add(simpleUnary("Tan", "tan(x)", [](double v) { return std::tan(v); }));
  r.add(simpleUnary("Asin", "asin(x)", [](double v) { return std::asin(v); }));
  r.add(simpleUnary("Acos", "acos(x)", [](double v) { return std::acos(v); }));
  r.add(simpleUnary("Atan", "atan(x)", [](double v) { return std::atan(v); }));
  r.add(simpleUnary("Sinh", "sinh(x)", [](double v) { return std::sinh(v); }));
  r.add(simpleUnary("Cosh", "cosh(x)", [](double v) { return std::cosh(v); }));
  r.add(simpleUnary("Asinh", "asinh(x)", [](double v) { return std::asinh(v); }));
  r.add(simpleUnary("Acosh", "acosh(x)", [](double v) { return std::acosh(v); }));
  r.add(simpleUnary("Atanh", "atanh(x)", [](double v) { return std::atanh(v); }));

  r.add(unaryNumericOp("Neg", "-x", [](auto v) { return static_cast<decltype(v)>(-v); }));
  r.add(unaryNumericOp("Abs", "|x|", [](auto v) {
    using T = decltype(v);
    if constexpr (std::is_unsigned_v<T>)
      return v;
    else
      return static_cast<T>(v < 0 ? -v : v);
  }));
  r.add(unaryNumericOp("Sign", "sign(x)", [](auto v) {
    using T = decltype(v);
    return static_cast<T>(v > 0 ? 1 : (v < 0 ? -1 : 0));
  }));
  r.add(unaryPredicateOp("IsNaN", "x is NaN", [](const Node&, double v) { return std::isnan(v); }));
  r.add(unaryPredicateOp(
      "IsInf", "x is +inf / -inf (as selected)",
      [](const Node& n, double v) {
        if (!std::isinf(v)) return false;
        return v > 0 ? n.attrInt("detect_positive", 1) != 0 : n.attrInt("detect_negative", 1) != 0;
      },
      {optAttr("detect_negative", Attribute(int64_t{1})), optAttr("detect_positive", Attribute(int64_t{1}))}));
}

double softplus(double v) { return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v)); }

void addActivations(OpRegistry& r) {
  r.add(unaryNumericOp("Relu", "max(x, 0)", [](auto v) {
    using T = decltype(v);
    return v < 0 ? T(0) : v;
  }));
  r.add(simpleUnary("Sigmoid", "1 / (1 + exp(-x))", [](double v) { return 1.0 / (1.0 + std::exp(-v)); }));
  r.add(simpleUnary("Tanh", "tanh(x)", [](double v) { return std::tanh(v); }));
  r.add(simpleUnary("Softplus", "log(1 + exp(x))", softplus));
  r.add(simpleUnary("Softsign", "x / (1 + |x|)", [](double v) { return v / (1.0 + std::fabs(v)); }));
  r.add(simpleUnary("Mish", "x * tanh(softplus(x))", [](double v) { return v * std::tanh(softplus(v)); }));
  r.add(simpleUnary("HardSwish", "x * max(0, min(1, x/6 + 1/2))",
                    [](double v) { return v * std::max(0.0, std::min(1.0, v / 6.0 + 0.5)); }));
  r.add(unaryFloatOp("LeakyRelu", "x < 0 ? alpha*x : x",
                     [](const Node& n) {
                       double a = n.attrFloat("alpha", 0.01);
                       return UnaryFn([a](double v) { return v < 0 ? a * v : v; });
                     },
                     {optAttr("alpha", Attribute(0.01))}));
  r.add(unaryFloatOp("Elu", "x < 0 ? alpha*(exp(x)-1) : x",
                     [](const Node& n) {
                       double a = n.attrFloat("alpha", 1.0);
                       return UnaryFn([a](double v) { return v < 0 ? a * std::expm1(v) : v; });
                     },
                     {optAttr("alpha", Attribute(1.0))}));
  r.add(unaryFloatOp("Celu", "max(0,x) + min(0, alpha*(exp(x/alpha)-1))",
                     [](const Node& n) {
                       double a = n.attrFloat("alpha", 1.0);
                       return UnaryFn(
                           [a](double v) { return std::max(0.0, v) + std::min(0.0, a * std::expm1(v / a)); });
                     },
                     {optAttr("alpha", Attribute(1.0))}));
  constexpr double kSeluAlpha = 1.67326319217681884765625, kSeluGamma = 1.05070102214813232421875;
  r.add(unaryFloatOp("Selu", "gamma * (x <= 0 ? alpha*(exp(x)-1) : x)",
                     [](const Node& n) {
                       double a = n.attrFloat("alpha", kSeluAlpha), g = n.attrFloat("gamma", kSeluGamma);
                       return UnaryFn([a, g](double v) { return v <= 0 ? g * a * std::expm1(v) : g * v; });
                     },
                     {optAttr("alpha", Attribute(kSeluAlpha)), optAttr("gamma", Attribute(kSeluGamma))}));
  r.add(unaryFloatOp("HardSigmoid", "max(0, min(1, alpha*x + beta))",
                     [](const Node& n) {
                       double a = n.attrFloat("alpha", 0.2), b = n.attrFloat("beta", 0.5);
                       return UnaryFn([a, b](double v) { return std::max(0.0, std::min(1.0, a * v + b)); });
                     },
                     {optAttr("alpha", Attribute(0.2)), optAttr("beta", Attribute(0.5))}));
  r.add(unaryFloatOp("ThresholdedRelu", "x > alpha ? x : 0",
                     [](const Node& n) {
                       double a = n.attrFloat("alpha", 1.0);
                       return UnaryFn([a](double v) { return v > a ? v : 0.0; });
                     },
                     {optAttr("alpha", Attribute(1.0))}));
  r.add(unaryFloatOp("Shrink", "x < -lambd ? x+bias : (x > lambd ? x-bias : 0)",
                     [](const Node& n) {
                       double b = n.attrFloat("bias", 0.0), l = n.attrFloat("lambd", 0.5);
                       return UnaryFn([b, l](double v) { return v < -l ? v + b : (v > l ? v - b : 0.0); });
                     },
                     {optAttr("bias", Attribute(0.0)), optAttr("lambd", Attribute(0.5))}));
  r.add(unaryFloatOp("Gelu", "x * Phi(x) (approximate: none | tanh)",
                     [](const Node& n) {
                       std::string approx = n.attrString("approximate", "none");
                       if (approx == "tanh")
                         return UnaryFn([](double v) {
                           return 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v)));
                         });
                       if (approx != "none") fail(n.describe(), ": unknown approximate '", approx, "'");
                       return UnaryFn([](double v) { return 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))); });
                     },
                     {optAttr("approximate", Attribute(std::string("none")))}));
  r.add(binaryOp("PRelu", "x < 0 ? slope*x : x", Kinds::Numeric,
                 [](const Node&, auto x, auto s) { return static_cast<decltype(x)>(x < 0 ? s * x : x); }));
}

void addBinaryOps(OpRegistry& r) {
  auto numeric = Kinds::Numeric;
  r.add(binaryOp("Add", "a + b", numeric, [](const Node&, auto a, auto b) { return static_cast<decltype(a)>(a + b); }));
  r.add(binaryOp("Sub", "a - b", numeric, [](const Node&, auto a, auto b) { return static_cast<decltype(a)>(a - b); }));
  r.add(binaryOp("Mul", "a * b", numeric, [](const Node&, auto a, auto b) { return static_cast<decltype(a)>(a * b); }));
  r.add(binaryOp("Div", "a / b (integers truncate toward zero)", numeric, [](const Node& n, auto a, auto b) {
    using T = decltype(a);
    if constexpr (std::is_integral_v<T>) {
      if (b == 0) fail(n.describe(), ": integer division by zero");
      return static_cast<T>(a / b);
    } else {
      return a / b;
    }
  }));
  r.add(binaryOp("Mod", "remainder (sign of divisor; fmod=1: sign of dividend)", numeric,
                 [](const Node& n, auto a, auto b) {
                   using T = decltype(a);
                   bool fm = n.attrInt("fmod", 0) != 0;
                   if constexpr (std::is_integral_v<T>) {
                     if (b == 0) fail(n.describe(), ": integer modulo by zero");
                     T m = static_cast<T>(a % b);
                     if constexpr (std::is_signed_v<T>)
                       if (!fm && m != 0 && ((m < 0) != (b < 0))) m = static_cast<T>(m + b);
                     return m;
                   } else {
                     T m = std::fmod(a, b);
                     if (!fm && m != 0 && ((m < 0) != (b < 0))) m += b;
                     return m;
                   }
                 },
                 false, {optAttr("fmod", Attribute(int64_t{0}))}));

  r.add(binaryOp(
      "Equal", "a == b", Kinds::Any, [](const Node&, auto a, auto b) { return a == b; }, true));
  r.add(binaryOp(
      "Less", "a < b", numeric, [](const Node&, auto a, auto b) { return a < b; }, true));
  r.add(binaryOp(
      "Greater", "a > b", numeric, [](const Node&, auto a, auto b) { return a > b; }, true));
  r.add(binaryOp(
      "LessOrEqual", "a <= b", numeric, [](const Node&, auto a, auto b) { return a <= b; }, true));
  r.add(binaryOp(
      "GreaterOrEqual", "a >= b", numeric, [](const Node&, auto a, auto b) { return a >= b; }, true));

  r.add(binaryOp(
      "And", "a && b", Kinds::Bool, [](const Node&, auto a, auto b) { return a && b; }, true));
  r.add(binaryOp(
      "Or", "a || b", Kinds::Bool, [](const Node&, auto a, auto b) { return a || b; }, true));
  r.add(binaryOp(
      "Xor", "a != b", Kinds::Bool, [](const Node&, auto a, auto b) { return a != b; }, true));
  r.add(makeOp("Not", "!x", 1, 1, PatternKind::Elementwise, inferSameAsInput0, [](RefContext& ctx) {
    if (ctx.in(0).dtype() != DType::Bool) unsupported(ctx.node.describe(), ": dtype ", dtypeName(ctx.in(0).dtype()));
    ctx.outputs = {mapUnary(ctx.in(0), [](auto v) { return !v; })};
  }));

  auto bitwise = [](auto op) {
    return [op](const Node&, auto a, auto b) {
      using T = decltype(a);
      if constexpr (kIsIntNotBool<T>)
        return static_cast<T>(op(a, b));
      else
        return T{};
    };
  };
  r.add(binaryOp("BitwiseAnd", "a & b", Kinds::Integer, bitwise([](auto a, auto b) { return a & b; })));
  r.add(binaryOp("BitwiseOr", "a | b", Kinds::Integer, bitwise([](auto a, auto b) { return a | b; })));
  r.add(binaryOp("BitwiseXor", "a ^ b", Kinds::Integer, bitwise([](auto a, auto b) { return a ^ b; })));
  r.add(makeOp("BitwiseNot", "~x", 1, 1, PatternKind::Elementwise, inferSameAsInput0, [](RefContext& ctx) {
    if (!isInteger(ctx.in(0).dtype())) unsupported(ctx.node.describe(), ": dtype ", dtypeName(ctx.in(0).dtype()));
    ctx.outputs = {mapUnary(ctx.in(0), [](auto v) {
      using T = decltype(v);
      if constexpr (kIsIntNotBool<T>)
        return static_cast<T>(~v);
      else
        return v;
    })};
  }));
  r.add(binaryOp("BitShift", "x << y or x >> y (direction LEFT | RIGHT; unsigned ints)", Kinds::Integer,
                 [](const Node& n, auto a, auto b) {
                   using T = decltype(a);
                   if constexpr (std::is_unsigned_v<T> && !std::is_same_v<T, bool>) {
                     std::string dir = n.attrString("direction", "");
                     if (b >= sizeof(T) * 8) return T{0};
                     if (dir == "LEFT") return static_cast<T>(a << b);
                     if (dir == "RIGHT") return static_cast<T>(a >> b);
                     fail(n.describe(), ": direction must be LEFT or RIGHT, got '", dir, "'");
                   } else {
                     unsupported(n.describe(), ": BitShift of a signed type");
                     return T{};
                   }
                 },
                 false, {reqAttr("direction", AttrKind::String)}));

  r.add(variadicOp("Max", "elementwise max of all inputs", [](auto a, auto b) {
    if constexpr (std::is_floating_point_v<decltype(a)>)
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<decltype(a)>::quiet_NaN();
    return a < b ? b : a;
  }));
  r.add(variadicOp("Min", "elementwise min of all inputs", [](auto a, auto b) {
    if constexpr (std::is_floating_point_v<decltype(a)>)
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<decltype(a)>::quiet_NaN();
    return b < a ? b : a;
  }));
  r.add(variadicOp("Sum", "elementwise sum of all inputs",
                   [](auto a, auto b) { return static_cast<decltype(a)>(a + b); }));
  r.add(variadicOp(
      "Mean", "elementwise mean of all inputs", [](auto a, auto b) { return static_cast<decltype(a)>(a + b); }, true));
}

}  // namespace

void registerElementwiseOps(OpRegistry& r) {
  addUnaryOps(r);
  addActivations(r);
  addBinaryOps(r);
  addPow(r);
  addWhereClip(r);
  addCastOps(r);
}

}  // namespace dlc
