// Inlines a fused group's elementwise, broadcast and injective nodes into one
// expression per output element (see Lowering.h).
//
// Note on indices: every value is addressed by a multi-dimensional index over
// its own static extents. An elementwise op passes the index through, a
// broadcast op maps it numpy-style onto each operand, and an injective op maps
// it to the one element of its input it reads (Transpose permutes, Reshape
// relinearizes, Slice offsets and strides, Concat and Pad select between
// operands with clamped, always in-bounds loads). Values from outside the group
// are loads from their buffers; a one-element constant becomes an immediate.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include "Lowering.h"
#include "dlc/ir/OpRegistry.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
namespace {
using namespace kernel;

ExprRef imm(double v, Type t) {
  if (isFloat(t.scalar)) return floatImm(v, t);
  return intImm(static_cast<int64_t>(v), t);
}

ExprRef fimm(double v, const ExprRef& like) { return floatImm(v, like->type.element()); }

ExprRef call1(Intrinsic f, ExprRef a) { return call(f, {std::move(a)}); }

ExprRef bin(BinOp op, ExprRef a, ExprRef b) { return binary(op, std::move(a), std::move(b)); }

// The constant integer vector of an input (axes, shapes, pads), or nothing.
std::optional<std::vector<int64_t>> constInts(const Node& n, size_t i) {
  const Value* v = n.input(i);
  if (!v || v->kind() != Value::Kind::Constant) return std::nullopt;
  const Tensor& t = v->constant();
  if (!isInteger(t.dtype())) return std::nullopt;
  std::vector<int64_t> out;
  for (int64_t k = 0; k < t.numel(); ++k) out.push_back(t.getInt64(k));
  return out;
}

int64_t normAxis(int64_t a, int64_t rank) { return a < 0 ? a + rank : a; }

ExprRef clampIndex(const ExprRef& i, int64_t extent) {
  return kernel::min(kernel::max(i, intImm(0)), intImm(std::max<int64_t>(extent - 1, 0)));
}

bool isHalfLike(DType d) { return d == DType::Float16 || d == DType::BFloat16; }

// f32 -> the bf16 value the reference gives: the float32 bits truncated (round
// toward zero), NaN kept. From e, x rounded to nearest bf16: when |e| > |x| the
// answer is e's neighbour toward zero, which is RNE(e * (1 - 2^-8)) (the
// product is exact in f32); e = inf from a finite x gives the largest bf16.
// f32 denormals truncate on the fixed bf16 grid of 2^-133: x - fmod(x, 2^-133).
ExprRef truncToBFloat16(const ExprRef& x) {
  Type bf{DType::BFloat16, 1}, ft = x->type;
  auto wide = [&](ExprRef v) { return cast(ft, std::move(v)); };
  ExprRef ax = call(Intrinsic::Abs, {x});
  ExprRef e = wide(cast(bf, x));
  ExprRef below = wide(cast(bf, e * floatImm(1.0 - 1.0 / 256.0, ft)));
  ExprRef maxBf = select(bin(BinOp::LT, x, floatImm(0, ft)), floatImm(-3.3895313892515355e38, ft),
                         floatImm(3.3895313892515355e38, ft));
  ExprRef normal = select(bin(BinOp::LE, call(Intrinsic::Abs, {e}), ax), e,
                          select(call(Intrinsic::IsInf, {e}), maxBf, below));
  ExprRef tiny = x - bin(BinOp::Mod, x, floatImm(std::ldexp(1.0, -133), ft));
  ExprRef v = select(bin(BinOp::LT, ax, floatImm(std::ldexp(1.0, -126), ft)), tiny, normal);
  return cast(bf, select(call(Intrinsic::IsNaN, {x}), x, select(call(Intrinsic::IsInf, {x}), x, v)));
}

// Float -> integer conversion as the reference does it: truncate, saturate, NaN -> 0.
// f16/bf16 are widened to f32 (exactly) first; conversions to them round
// through f32 (to f16 to nearest even, to bf16 toward zero).
ExprRef castExpr(const ExprRef& a0, DType to) {
  Type t = scalarType(to);
  ExprRef a = a0;
  if (isHalfLike(a->type.scalar) && a->type.scalar != to) a = cast(Type{DType::Float32, a->type.lanes}, a);
  if (isHalfLike(to) && a->type.scalar != to) {
    ExprRef w = a->type.scalar == DType::Float32 ? a : cast(Type{DType::Float32, a->type.lanes}, a);
    return to == DType::BFloat16 ? truncToBFloat16(w) : cast(t, w);
  }
  DType from = a->type.scalar;
  if (to == DType::Bool) return bin(BinOp::NE, a, imm(0, a->type.element()));
  if (from == DType::Bool) return cast(t, a);
  if (isFloat(from) && isInteger(to)) {
    double lo = 0, hi = 0;
    switch (to) {
      case DType::Int8: lo = -128, hi = 127; break;
      case DType::Int16: lo = -32768, hi = 32767; break;
      case DType::Int32: lo = -2147483648.0, hi = 2147483647.0; break;
      case DType::Int64: lo = -9223372036854775808.0, hi = 9223372036854774784.0; break;
      case DType::UInt8: lo = 0, hi = 255; break;
      case DType::UInt16: lo = 0, hi = 65535; break;
      case DType::UInt32: lo = 0, hi = 4294967295.0; break;
      default: lo = 0, hi = 18446744073709549568.0; break;
    }
    Type ft = a->type.element();
    ExprRef clamped = kernel::min(kernel::max(a, floatImm(lo, ft)), floatImm(hi, ft));
    ExprRef nan = call1(Intrinsic::IsNaN, a);
    return select(nan, intImm(0, t), cast(t, clamped));
  }
  return cast(t, a);
}

// Integer Div (truncating) and Mod (C remainder with fmod, else the sign of
// the divisor). The reference reports division by zero as an error; a kernel
// cannot, so x / 0 and x % 0 give 0 here (the hardware would trap). The
// signed overflow MIN / -1 wraps to MIN (and MIN % -1 is 0).
ExprRef intDivMod(bool div, bool fmod, const ExprRef& p, const ExprRef& q) {
  Type t = p->type;
  bool sg = isSigned(t.scalar);
  ExprRef zero = intImm(0, t), one = intImm(1, t);
  ExprRef bad = bin(BinOp::EQ, q, zero);
  if (sg) bad = bin(BinOp::Or, bad, bin(BinOp::EQ, q, intImm(-1, t)));
  ExprRef safe = select(bad, one, q);
  if (div) {
    ExprRef r = bin(BinOp::Div, p, safe);
    if (sg) r = select(bin(BinOp::EQ, q, intImm(-1, t)), unary(UnOp::Neg, p), r);
    return select(bin(BinOp::EQ, q, zero), zero, r);
  }
  ExprRef m = select(bad, zero, bin(BinOp::Mod, p, safe));
  if (!sg || fmod) return m;
  ExprRef fix = bin(BinOp::And, bin(BinOp::NE, m, zero), bin(BinOp::NE, bin(BinOp::LT, m, zero), bin(BinOp::LT, q, zero)));
  return select(fix, m + q, m);
}

}  // namespace

ExprRef elementwiseExpr(const Node& n, const std::vector<ExprRef>& a) {
  const std::string& op = n.op();
  DType out = n.output(0)->type().dtype;
  auto x = [&] { return a.at(0); };
  auto f = [&](double v) { return fimm(v, a.at(0)); };
  bool fl = !a.empty() && isFloat(a[0]->type.scalar);
  // Unary math.
  static const std::map<std::string, Intrinsic> kIntrinsics = {
      {"Exp", Intrinsic::Exp},   {"Log", Intrinsic::Log},     {"Sqrt", Intrinsic::Sqrt},   {"Tanh", Intrinsic::Tanh},
      {"Erf", Intrinsic::Erf},   {"Sin", Intrinsic::Sin},     {"Cos", Intrinsic::Cos},     {"Tan", Intrinsic::Tan},
      {"Asin", Intrinsic::Asin}, {"Acos", Intrinsic::Acos},   {"Atan", Intrinsic::Atan},   {"Sinh", Intrinsic::Sinh},
      {"Cosh", Intrinsic::Cosh}, {"Asinh", Intrinsic::Asinh}, {"Acosh", Intrinsic::Acosh}, {"Atanh", Intrinsic::Atanh},
      {"Floor", Intrinsic::Floor}, {"Ceil", Intrinsic::Ceil}, {"Round", Intrinsic::Round}, {"Abs", Intrinsic::Abs},
      {"Sign", Intrinsic::Sign}};
  if (auto it = kIntrinsics.find(op); it != kIntrinsics.end()) {
    if (!fl && it->second != Intrinsic::Abs && it->second != Intrinsic::Sign)
      unsupported(n.describe(), ": ", op, " on ", dtypeName(a[0]->type.scalar), " has no CPU schedule");
    if (!fl && (it->second == Intrinsic::Abs || it->second == Intrinsic::Sign) &&
        (a[0]->type.scalar == DType::UInt8 || a[0]->type.scalar == DType::UInt16 ||
         a[0]->type.scalar == DType::UInt32 || a[0]->type.scalar == DType::UInt64))
      return it->second == Intrinsic::Abs ? x() : cast(x()->type, bin(BinOp::NE, x(), imm(0, x()->type)));
    return call1(it->second, x());
  }
  if (op == "Identity") return x();
  if (op == "Neg") return unary(UnOp::Neg, x());
  if (op == "Not") return unary(UnOp::Not, x());
  if (op == "Reciprocal") return bin(BinOp::Div, f(1), x());
  if (op == "Relu") return kernel::max(x(), imm(0, x()->type));
  if (op == "Sigmoid") return bin(BinOp::Div, f(1), f(1) + call1(Intrinsic::Exp, unary(UnOp::Neg, x())));
  if (op == "Softsign") return bin(BinOp::Div, x(), f(1) + call1(Intrinsic::Abs, x()));
  if (op == "Softplus" || op == "Mish") {
    // log1p(exp(-|x|)) + max(x, 0): no overflow for large |x|.
    ExprRef sp = call1(Intrinsic::Log, f(1) + call1(Intrinsic::Exp, unary(UnOp::Neg, call1(Intrinsic::Abs, x())))) +
                 kernel::max(x(), f(0));
    return op == "Softplus" ? sp : x() * call1(Intrinsic::Tanh, sp);
  }
  if (op == "HardSwish")
    return x() * kernel::max(f(0), kernel::min(f(1), x() * f(1.0 / 6.0) + f(0.5)));
  if (op == "HardSigmoid")
    return kernel::max(f(0), kernel::min(f(1), x() * f(n.attrFloat("alpha", 0.2)) + f(n.attrFloat("beta", 0.5))));
  if (op == "LeakyRelu")
    return select(bin(BinOp::LT, x(), f(0)), x() * f(n.attrFloat("alpha", 0.01)), x());
  if (op == "ThresholdedRelu") return select(bin(BinOp::GT, x(), f(n.attrFloat("alpha", 1.0))), x(), f(0));
  if (op == "Elu") {
    double al = n.attrFloat("alpha", 1.0);
    return select(bin(BinOp::LT, x(), f(0)), f(al) * (call1(Intrinsic::Exp, x()) - f(1)), x());
  }
  if (op == "Selu") {
    double al = n.attrFloat("alpha", 1.67326319217681884765625), g = n.attrFloat("gamma", 1.05070102214813232421875);
    return select(bin(BinOp::LE, x(), f(0)), f(g * al) * (call1(Intrinsic::Exp, x()) - f(1)), x() * f(g));
  }
  if (op == "Gelu") {
    std::string approx = n.attrString("approximate", "none");
    if (approx == "tanh") {
      ExprRef inner = f(std::sqrt(2.0 / M_PI)) * (x() + f(0.044715) * x() * x() * x());
      return f(0.5) * x() * (f(1) + call1(Intrinsic::Tanh, inner));
    }
    return f(0.5) * x() * (f(1) + call1(Intrinsic::Erf, x() * f(1.0 / std::sqrt(2.0))));
  }
  if (op == "IsNaN") return call1(Intrinsic::IsNaN, x());
  if (op == "Cast") return castExpr(x(), out);
  if (op == "Clip") {
    ExprRef v = x();
    if (a.size() > 1 && a[1]) v = kernel::max(v, a[1]);
    if (a.size() > 2 && a[2]) v = kernel::min(v, a[2]);
    return v;
  }
  if (op == "Where") return select(a.at(0), a.at(1), a.at(2));
  if (op == "PRelu") return select(bin(BinOp::LT, x(), imm(0, x()->type)), x() * a.at(1), x());
  // Binary and variadic arithmetic.
  static const std::map<std::string, BinOp> kBinary = {
      {"Add", BinOp::Add},  {"Sub", BinOp::Sub},  {"Mul", BinOp::Mul},   {"Equal", BinOp::EQ},
      {"Less", BinOp::LT},  {"LessOrEqual", BinOp::LE}, {"Greater", BinOp::GT}, {"GreaterOrEqual", BinOp::GE},
      {"And", BinOp::And},  {"Or", BinOp::Or},    {"Xor", BinOp::NE},    {"BitwiseAnd", BinOp::BitAnd},
      {"BitwiseOr", BinOp::BitOr}, {"BitwiseXor", BinOp::BitXor}, {"Max", BinOp::Max}, {"Min", BinOp::Min},
      {"Sum", BinOp::Add}, {"Mean", BinOp::Add}};
  if (op == "Div" || op == "Mod") {
    ExprRef p = a.at(0), q = a.at(1);
    bool fmod = n.attrInt("fmod", 0) != 0;
    if (fl) {
      if (op == "Div") return bin(BinOp::Div, p, q);
      ExprRef m = bin(BinOp::Mod, p, q);  // fmod: the sign of the dividend
      if (fmod) return m;
      // Otherwise the sign of the divisor: m + q when m is non-zero and the signs differ.
      ExprRef fix = bin(BinOp::And, bin(BinOp::NE, m, f(0)),
                        bin(BinOp::NE, bin(BinOp::LT, m, f(0)), bin(BinOp::LT, q, f(0))));
      return select(fix, m + q, m);
    }
    if (p->type.scalar == DType::Bool) unsupported(n.describe(), ": ", op, " on bool has no CPU schedule");
    return intDivMod(op == "Div", fmod, p, q);
  }
  if (op == "Pow" && (fl || !isFloat(a.at(1)->type.scalar))) {
    if (!fl && a.at(1)->type.scalar == DType::UInt64)
      unsupported(n.describe(), ": Pow with a uint64 exponent has no CPU schedule");
    if (!fl) {
      if (x()->type.scalar == DType::Bool || a.at(1)->type.scalar == DType::Bool)
        unsupported(n.describe(), ": Pow on bool has no CPU schedule");
      // Integers: exact and wrapping, computed in i64 and wrapped to the base's
      // width. A u32 base is sign-extended (same value mod 2^32), so that its
      // maximum is -1 for negative exponents, as the reference compares it.
      ExprRef base = x()->type.scalar == DType::UInt32 ? cast(Type{DType::Int32, 1}, x()) : x();
      ExprRef r = call(Intrinsic::Pow, {cast(i64(), base), cast(i64(), a.at(1))});
      return cast(x()->type, r);
    }
    ExprRef e = a.at(1)->type == x()->type ? a.at(1) : cast(x()->type, a.at(1));
    return call(Intrinsic::Pow, {x(), e});
  }
  if (op == "Pow") {
    // Integer base, float exponent: pow in f64, truncated to the base's type.
    Type d{DType::Float64, 1};
    return castExpr(call(Intrinsic::Pow, {cast(d, x()), cast(d, a.at(1))}), out);
  }
  if (op == "BitShift") {
    DType t = x()->type.scalar;
    if (t != DType::UInt8 && t != DType::UInt16 && t != DType::UInt32 && t != DType::UInt64)
      unsupported(n.describe(), ": BitShift of ", dtypeName(t), " has no CPU schedule");
    std::string dir = n.attrString("direction", "");
    if (dir != "LEFT" && dir != "RIGHT") unsupported(n.describe(), ": BitShift direction '", dir, "'");
    ExprRef sh = bin(dir == "LEFT" ? BinOp::Shl : BinOp::Shr, x(), a.at(1));
    // Shifting by the width or more gives 0.
    return select(bin(BinOp::GE, a.at(1), imm(static_cast<double>(dtypeSize(t) * 8), x()->type)), imm(0, x()->type), sh);
  }
  if (op == "BitwiseNot") {
    if (fl || x()->type.scalar == DType::Bool) unsupported(n.describe(), ": BitwiseNot on a non-integer type");
    return unary(UnOp::Not, x());
  }
  if (op == "IsInf") {
    if (!fl) unsupported(n.describe(), ": IsInf on ", dtypeName(x()->type.scalar));
    bool pos = n.attrInt("detect_positive", 1) != 0, neg = n.attrInt("detect_negative", 1) != 0;
    if (pos && neg) return call1(Intrinsic::IsInf, x());
    if (!pos && !neg) return constant(boolean(), 0);
    return bin(BinOp::EQ, x(), f(pos ? INFINITY : -INFINITY));
  }
  if (op == "Shrink") {
    if (!fl) unsupported(n.describe(), ": Shrink on ", dtypeName(x()->type.scalar));
    double bias = n.attrFloat("bias", 0.0), l = n.attrFloat("lambd", 0.5);
    return select(bin(BinOp::LT, x(), f(-l)), x() + f(bias),
                  select(bin(BinOp::GT, x(), f(l)), x() - f(bias), f(0)));
  }
  if (op == "Celu") {
    if (!fl) unsupported(n.describe(), ": Celu on ", dtypeName(x()->type.scalar));
    double al = n.attrFloat("alpha", 1.0);
    ExprRef em1 = f(al) * (call1(Intrinsic::Exp, bin(BinOp::Div, x(), f(al))) - f(1));
    // max(0, x) + min(0, em1) as std::max/min compute them (NaN gives 0, like the reference).
    return select(bin(BinOp::LT, f(0), x()), x(), f(0)) + select(bin(BinOp::LT, em1, f(0)), em1, f(0));
  }
  if (auto it = kBinary.find(op); it != kBinary.end()) {
    if ((op == "Max" || op == "Min") && fl) {
      // NaN propagates, as in the reference.
      ExprRef v = a.at(0);
      for (size_t i = 1; i < a.size(); ++i) {
        ExprRef m = bin(it->second, v, a[i]);
        v = select(call1(Intrinsic::IsNaN, v), v, select(call1(Intrinsic::IsNaN, a[i]), a[i], m));
      }
      return v;
    }
    ExprRef v = a.at(0);
    for (size_t i = 1; i < a.size(); ++i) v = bin(it->second, v, a[i]);
    if (op == "Mean") v = bin(BinOp::Div, v, imm(static_cast<double>(a.size()), v->type));
    return v;
  }
  unsupported(n.describe(), ": ", op, " has no CPU schedule");
}

// ---- which nodes inline ------------------------------------------------------------

bool canInline(const Node& n) {
  static const std::set<std::string> kInjective = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose",
                                                   "Expand",  "Identity", "Slice", "Concat",   "Pad",
                                                   "Tile",    "Gather",   "DepthToSpace", "SpaceToDepth",
                                                   "GatherElements", "Trilu", "OneHot", "EyeLike"};
  const OpDef* d = n.def();
  if (!d) return false;
  if (n.numOutputs() != 1) return false;
  for (const Value* v : n.outputs())
    if (!v->type().isStatic()) return false;
  if (kInjective.count(n.op())) return true;
  if (canInlineIndexing(n)) return true;
  if (d->pattern != PatternKind::Elementwise && d->pattern != PatternKind::Broadcast) return false;
  // Ops elementwiseExpr has no expression for report Unsupported from there.
  return true;
}

// ---- the builder -------------------------------------------------------------------

ExprBuilder::ExprBuilder(const std::unordered_map<const Value*, ValueBuffer>& buffers,
                         const std::vector<Node*>& inlined)
    : buffers_(buffers) {
  for (const Node* n : inlined)
    for (const Value* o : n->outputs()) producer_[o] = n;
}

ExprRef ExprBuilder::load(const Value* v, const std::vector<ExprRef>& idx) {
  if (v->kind() == Value::Kind::Constant && v->constant().numel() == 1) {
    const Tensor& t = v->constant();
    Type ty = scalarType(t.dtype());
    if (t.dtype() == DType::Bool) return cast(ty, intImm(t.getInt64(0) != 0, i32()));
    return isFloat(t.dtype()) ? floatImm(t.getDouble(0), ty) : intImm(t.getInt64(0), ty);
  }
  auto it = buffers_.find(v);
  DLC_CHECK(it != buffers_.end(), "lowering: value %", v->name(), " has no buffer");
  return kernel::load(it->second.buffer, linearize(idx, it->second.extents));
}

ExprRef ExprBuilder::at(const Value* v, const std::vector<ExprRef>& idx) {
  if (v == anchor_ && anchorValue_) return anchorValue_();
  auto it = producer_.find(v);
  if (it == producer_.end()) return load(v, idx);
  return nodeAt(*it->second, idx);
}

ExprRef ExprBuilder::nodeAt(const Node& n, const std::vector<ExprRef>& idx) {
  if (ExprRef e = inlineIndexingAt(*this, n, idx)) return e;  // InlineIndexing.cpp
  const std::string& op = n.op();
  std::vector<int64_t> outExt = staticExtents(*n.output(0));
  auto inExt = [&](size_t i) { return staticExtents(*n.input(i)); };
  if (op == "Reshape" || op == "Flatten" || op == "Squeeze" || op == "Unsqueeze" || op == "Identity") {
    std::vector<int64_t> ie = inExt(0);
    if (ie == outExt) return at(n.input(0), idx);
    return at(n.input(0), delinearize(linearize(idx, outExt), ie));
  }
  if (op == "Transpose") {
    size_t r = idx.size();
    std::vector<int64_t> perm = n.attrInts("perm", {});
    if (perm.empty())
      for (size_t i = 0; i < r; ++i) perm.push_back(static_cast<int64_t>(r - 1 - i));
    std::vector<ExprRef> in(r);
    for (size_t i = 0; i < r; ++i) in[static_cast<size_t>(perm[i])] = idx[i];
    return at(n.input(0), in);
  }
  if (op == "Expand") return at(n.input(0), broadcastIndex(idx, inExt(0)));
  if (op == "Tile") {
    std::vector<int64_t> ie = inExt(0);
    std::vector<ExprRef> in;
    for (size_t i = 0; i < idx.size(); ++i) in.push_back(binary(BinOp::Mod, idx[i], intImm(ie[i])));
    return at(n.input(0), in);
  }
  if (op == "Slice") {
    std::vector<int64_t> ie = inExt(0);
    auto starts = constInts(n, 1), ends = constInts(n, 2);
    auto axes = n.input(3) ? constInts(n, 3) : std::optional<std::vector<int64_t>>();
    auto steps = n.input(4) ? constInts(n, 4) : std::optional<std::vector<int64_t>>();
    if (!starts || !ends || (n.input(3) && !axes) || (n.input(4) && !steps))
      unsupported(n.describe(), ": Slice with non-constant bounds has no CPU schedule");
    std::vector<ExprRef> in = idx;
    for (size_t k = 0; k < starts->size(); ++k) {
      int64_t ax = axes ? normAxis((*axes)[k], static_cast<int64_t>(ie.size())) : static_cast<int64_t>(k);
      int64_t step = steps ? (*steps)[k] : 1, dim = ie[static_cast<size_t>(ax)];
      int64_t s = (*starts)[k];
      if (s < 0) s += dim;
      s = step > 0 ? std::clamp<int64_t>(s, 0, dim) : std::clamp<int64_t>(s, 0, dim - 1);
      in[static_cast<size_t>(ax)] = intImm(s) + idx[static_cast<size_t>(ax)] * step;
    }
    return at(n.input(0), in);
  }
  if (op == "Concat") {
    int64_t ax = normAxis(n.attrInt("axis", 0), static_cast<int64_t>(outExt.size()));
    // The last operand is the default; each earlier one is selected by range.
    ExprRef result;
    int64_t offset = 0;
    std::vector<std::pair<int64_t, ExprRef>> parts;
    for (size_t i = 0; i < n.numInputs(); ++i) {
      std::vector<int64_t> ie = inExt(i);
      int64_t len = ie[static_cast<size_t>(ax)];
      if (len == 0) continue;
      std::vector<ExprRef> in = idx;
      in[static_cast<size_t>(ax)] = clampIndex(idx[static_cast<size_t>(ax)] - intImm(offset), len);
      parts.push_back({offset + len, at(n.input(i), in)});
      offset += len;
    }
    result = parts.back().second;
    for (size_t i = parts.size() - 1; i-- > 0;)
      result = select(binary(BinOp::LT, idx[static_cast<size_t>(ax)], intImm(parts[i].first)), parts[i].second, result);
    return result;
  }
  if (op == "Pad") {
    std::string mode = n.attrString("mode", "constant");
    auto pads = constInts(n, 1);
    if (!pads || mode != "constant") unsupported(n.describe(), ": Pad (", mode, ") has no CPU schedule");
    std::vector<int64_t> ie = inExt(0);
    size_t r = ie.size();
    std::vector<int64_t> axes;
    if (n.input(3)) {
      auto ax = constInts(n, 3);
      if (!ax) unsupported(n.describe(), ": Pad with non-constant axes has no CPU schedule");
      for (int64_t a : *ax) axes.push_back(normAxis(a, static_cast<int64_t>(r)));
    } else {
      for (size_t i = 0; i < r; ++i) axes.push_back(static_cast<int64_t>(i));
    }
    std::vector<int64_t> before(r, 0);
    for (size_t k = 0; k < axes.size(); ++k) before[static_cast<size_t>(axes[k])] = (*pads)[k];
    std::vector<ExprRef> in(r);
    ExprRef inside;
    for (size_t i = 0; i < r; ++i) {
      ExprRef p = idx[i] - intImm(before[i]);
      in[i] = clampIndex(p, ie[i]);
      if (before[i] != 0 || outExt[i] != ie[i]) {
        ExprRef ok = binary(BinOp::And, binary(BinOp::GE, p, intImm(0)), binary(BinOp::LT, p, intImm(ie[i])));
        inside = inside ? binary(BinOp::And, inside, ok) : ok;
      }
    }
    ExprRef v = at(n.input(0), in);
    if (!inside) return v;
    ExprRef pad = n.input(2) ? at(n.input(2), broadcastIndex({}, staticExtents(*n.input(2)))) : imm(0, v->type);
    return select(inside, v, pad);
  }
  if (op == "Gather") {
    std::vector<int64_t> ie = inExt(0), ix = inExt(1);
    int64_t ax = normAxis(n.attrInt("axis", 0), static_cast<int64_t>(ie.size()));
    // out[a.., i.., b..] = data[a.., indices[i..], b..]
    std::vector<ExprRef> idxOfIndices(idx.begin() + ax, idx.begin() + ax + static_cast<int64_t>(ix.size()));
    ExprRef k = at(n.input(1), idxOfIndices);
    if (k->type.scalar != DType::Int64) k = cast(i64(), k);
    int64_t dim = ie[static_cast<size_t>(ax)];
    k = clampIndex(select(binary(BinOp::LT, k, intImm(0)), k + intImm(dim), k), dim);
    std::vector<ExprRef> in(idx.begin(), idx.begin() + ax);
    in.push_back(k);
    in.insert(in.end(), idx.begin() + ax + static_cast<int64_t>(ix.size()), idx.end());
    return at(n.input(0), in);
  }
  if (op == "GatherElements") {
    std::vector<int64_t> ie = inExt(0);
    int64_t ax = normAxis(n.attrInt("axis", 0), static_cast<int64_t>(ie.size()));
    ExprRef k = at(n.input(1), idx);
    if (k->type.scalar != DType::Int64) k = cast(i64(), k);
    int64_t dim = ie[static_cast<size_t>(ax)];
    std::vector<ExprRef> in = idx;
    in[static_cast<size_t>(ax)] = clampIndex(select(binary(BinOp::LT, k, intImm(0)), k + intImm(dim), k), dim);
    return at(n.input(0), in);
  }
  if (op == "Trilu") {
    int64_t k = 0;
    if (n.input(1)) {
      auto kv = constInts(n, 1);
      if (!kv || kv->size() != 1) unsupported(n.describe(), ": Trilu with a non-constant k has no CPU schedule");
      k = (*kv)[0];
    }
    size_t r = idx.size();
    ExprRef diff = idx[r - 1] - idx[r - 2];  // j - i
    bool upper = n.attrInt("upper", 1) != 0;
    ExprRef keep = upper ? binary(BinOp::GE, diff, intImm(k)) : binary(BinOp::LE, diff, intImm(k));
    ExprRef v = at(n.input(0), idx);
    return select(keep, v, imm(0, v->type));
  }
  if (op == "DepthToSpace" || op == "SpaceToDepth") {
    int64_t b = n.attrInt("blocksize", 1);
    std::vector<int64_t> ie = inExt(0);
    const ExprRef &N = idx[0], &C = idx[1], &H = idx[2], &W = idx[3];
    auto div = [](ExprRef a, int64_t d) { return binary(BinOp::Div, std::move(a), intImm(d)); };
    auto mod = [](ExprRef a, int64_t d) { return binary(BinOp::Mod, std::move(a), intImm(d)); };
    int64_t oc = outExt[1];
    if (op == "DepthToSpace") {
      bool crd = n.attrString("mode", "DCR") == "CRD";
      ExprRef bh = mod(H, b), bw = mod(W, b);
      ExprRef ic = crd ? C * (b * b) + bh * b + bw : (bh * b + bw) * oc + C;
      return at(n.input(0), {N, ic, div(H, b), div(W, b)});
    }
    int64_t icn = ie[1];
    ExprRef blk = div(C, icn), ic = mod(C, icn);
    return at(n.input(0), {N, ic, H * b + div(blk, b), W * b + mod(blk, b)});
  }
  if (op == "EyeLike") {
    // out[i, j] = (j - i == k) ? 1 : 0; the input gives only the shape.
    if (idx.size() != 2) unsupported(n.describe(), ": EyeLike of rank ", idx.size());
    Type t = scalarType(n.output(0)->type().dtype);
    ExprRef diag = binary(BinOp::EQ, idx[1] - idx[0], intImm(n.attrInt("k", 0)));
    return select(diag, constant(t, 1), constant(t, 0));
  }
  if (op == "OneHot") {
    // out[.., a, ..] = values[indices[.., ..] (+ depth if negative) == a].
    int64_t rank = static_cast<int64_t>(idx.size());
    int64_t ax = normAxis(n.attrInt("axis", -1), rank);
    if (ax < 0 || ax >= rank) unsupported(n.describe(), ": OneHot axis out of range");
    if (numElements(inExt(2)) != 2) unsupported(n.describe(), ": OneHot values must hold 2 elements");
    int64_t depth = outExt[static_cast<size_t>(ax)];
    std::vector<ExprRef> ii = idx;
    ii.erase(ii.begin() + ax);
    ExprRef k = at(n.input(0), ii);
    // Float indices truncate; NaN hits no position.
    if (isFloat(k->type.scalar))
      k = select(call1(Intrinsic::IsNaN, k), intImm(depth), castExpr(k, DType::Int64));
    else if (k->type.scalar != DType::Int64)
      k = cast(i64(), k);
    k = select(binary(BinOp::LT, k, intImm(0)), k + intImm(depth), k);
    std::vector<int64_t> ve = inExt(2);
    auto value = [&](int64_t v) { return at(n.input(2), delinearize(intImm(v), ve)); };
    return select(binary(BinOp::EQ, k, idx[static_cast<size_t>(ax)]), value(1), value(0));
  }
  if (op == "QuantizeLinear" || op == "DequantizeLinear") {
    // The scale and zero point of element idx: one for the tensor, one per
    // slice along `axis` (1-D), or one per block of `block_size` along axis.
    int64_t rank = static_cast<int64_t>(idx.size());
    int64_t ax = normAxis(n.attrInt("axis", 1), rank), block = n.attrInt("block_size", 0);
    auto param = [&](size_t i) -> ExprRef {
      std::vector<int64_t> pe = inExt(i);
      if (numElements(pe) == 1 && (pe.size() <= 1 || block == 0))
        return at(n.input(i), std::vector<ExprRef>(pe.size(), intImm(0)));
      if (ax < 0 || ax >= rank) unsupported(n.describe(), ": ", op, " axis out of range");
      if (block <= 0) {
        if (pe.size() != 1 || pe[0] != outExt[static_cast<size_t>(ax)])
          unsupported(n.describe(), ": ", op, " parameter of shape not matching axis ", ax);
        return at(n.input(i), {idx[static_cast<size_t>(ax)]});
      }
      if (static_cast<int64_t>(pe.size()) != rank) unsupported(n.describe(), ": blocked ", op, " parameter rank");
      std::vector<ExprRef> pi = idx;
      pi[static_cast<size_t>(ax)] = binary(BinOp::Div, idx[static_cast<size_t>(ax)], intImm(block));
      return at(n.input(i), pi);
    };
    auto isQuant = [](DType d) {
      return d == DType::UInt8 || d == DType::Int8 || d == DType::UInt16 || d == DType::Int16 || d == DType::Int32;
    };
    auto widen = [](ExprRef v) { return isHalfLike(v->type.scalar) ? cast(Type{DType::Float32, 1}, v) : v; };
    ExprRef x = at(n.input(0), idx);
    ExprRef sc = widen(param(1));
    bool hasZp = n.numInputs() > 2 && n.input(2);
    DType out = n.output(0)->type().dtype;
    Type f64{DType::Float64, 1}, f32t{DType::Float32, 1};
    if (op == "QuantizeLinear") {
      // saturate(round_half_even(x / scale) + zero_point), NaN -> 0; the
      // quotient is rounded to x's type, the sum is exact in f64.
      if (!isFloat(x->type.scalar) || !isQuant(out)) unsupported(n.describe(), ": QuantizeLinear to ", dtypeName(out));
      DType xt = x->type.scalar;
      x = widen(x);
      if (sc->type != x->type) sc = cast(x->type, sc);
      ExprRef qt = binary(BinOp::Div, x, sc);
      if (isHalfLike(xt)) qt = cast(Type{DType::Float32, 1}, cast(Type{xt, 1}, qt));
      ExprRef q = cast(f64, call(Intrinsic::Round, {qt}));
      if (hasZp) q = q + cast(f64, param(2));
      return castExpr(q, out);
    }
    // (x - zero_point) in f32, times the scale, rounded to the scale's type.
    if (!isQuant(x->type.scalar) || !isFloat(out)) unsupported(n.describe(), ": DequantizeLinear from ", dtypeName(x->type.scalar));
    ExprRef d = cast(f32t, x);
    if (hasZp) d = d - cast(f32t, param(2));
    if (sc->type != d->type) d = cast(sc->type, d);
    ExprRef y = d * sc;
    return y->type.scalar == out ? y : cast(Type{out, 1}, y);
  }
  // CastLike reads only its first operand's values (the second gives the dtype).
  if (op == "CastLike") return castExpr(at(n.input(0), broadcastIndex(idx, inExt(0))), n.output(0)->type().dtype);
  // Elementwise and broadcast ops.
  std::vector<ExprRef> args;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    const Value* in = n.input(i);
    if (!in) {
      args.push_back(nullptr);
      continue;
    }
    args.push_back(at(in, broadcastIndex(idx, staticExtents(*in))));
  }
  // f16/bf16 operands are computed in f32 (widening is exact) and the result
  // rounded once to the output type, as the reference computes them.
  bool half = false;
  for (ExprRef& a : args)
    if (a && isHalfLike(a->type.scalar) && n.op() != "Cast") {
      a = cast(Type{DType::Float32, a->type.lanes}, a);
      half = true;
    }
  ExprRef r = elementwiseExpr(n, args);
  DType out = n.output(0)->type().dtype;
  if (half && isHalfLike(out) && r->type.scalar != out) r = cast(scalarType(out), r);
  return r;
}

bool isReshapeLike(const Node& n) {
  return n.op() == "Reshape" || n.op() == "Flatten" || n.op() == "Squeeze" || n.op() == "Unsqueeze" ||
         n.op() == "Identity";
}

const Value* peelReshapes(const Value* v, const std::vector<Node*>& nodes) {
  while (true) {
    const Node* p = nullptr;
    for (const Node* n : nodes)
      if (n->numOutputs() && n->output(0) == v) p = n;
    if (!p || !isReshapeLike(*p)) return v;
    v = p->input(0);
  }
}

bool isAligned(const Value* from, const Value* to, const std::vector<Node*>& nodes) {
  // Every node after the anchor is elementwise/broadcast with the anchor's
  // extents, so each reads the anchor's result (if at all) at the output index;
  // trailing reshapes only change the shape the result is stored in.
  to = peelReshapes(to, nodes);
  std::vector<int64_t> ext = staticExtents(*from);
  if (staticExtents(*to) != ext) return false;
  for (const Node* n : nodes) {
    if (n->output(0) == from) continue;
    const OpDef* d = n->def();
    bool trailing = isReshapeLike(*n) && peelReshapes(n->output(0), nodes) == to && n->output(0) != to;
    if (trailing) continue;
    if (!d || (d->pattern != PatternKind::Elementwise && d->pattern != PatternKind::Broadcast)) return false;
    if (n->numOutputs() != 1 || staticExtents(*n->output(0)) != ext) return false;
  }
  return true;
}

}  // namespace dlc::cpu
