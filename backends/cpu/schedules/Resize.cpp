// Template for Resize (nearest, linear, cubic; every coordinate transformation
// mode, antialias, exclude_outside, axes, aspect-ratio policies, crop by roi).
// The roi/scales/sizes inputs must be constants; the output extents, scales and
// the per-axis constants of the coordinate maps are computed at compile time.
//
// Loop nest: the output's outer dims (all but the last) are one parallel loop,
// the last dim the inner loop. Per output element, each resized axis maps its
// output coordinate x to an input coordinate xo (in f64, the reference's
// formulas in its order of operations), i0 = ceil(xo) - 1, ratio = xo - i0.
//
//   nearest:        one clamped tap per axis, a gather (vectorized loop)
//   linear / cubic: sum_l = sum_t w_l(t) * sum_{l+1}, first resized axis
//                   outermost, innermost over the input, in f64: the same sums,
//                   in the same order, as the reference's separable passes
//                   (last axis first). With fixed taps (no antialias, no
//                   exclude_outside) and at most `unroll_max_taps` combinations
//                   the taps are unrolled into one expression and the last dim
//                   vectorized; otherwise nested serial tap loops accumulate in
//                   f64 registers, after the per-axis normalizers.
//
// Axes whose map is the identity (same extent, scale 1) are not resized.
#include <algorithm>
#include <cmath>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

struct Params {
  std::string mode, coordMode, nearestMode, aspectPolicy;
  double cubicA = -0.75, extrapolation = 0;
  bool excludeOutside = false, antialias = false;
  std::vector<int64_t> axes;
  std::vector<double> scales, roiStart, roiEnd;  // per input dim
  std::vector<int64_t> outSizes;
};

// A constant input's values, nullopt when absent or empty; non-constant refused.
std::optional<std::vector<double>> constInput(const Node& n, size_t i) {
  const Value* v = n.input(i);
  if (!v) return std::nullopt;
  if (v->kind() != Value::Kind::Constant)
    unsupported(n.describe(), ": Resize with a non-constant input ", i, " has no CPU schedule");
  const Tensor& t = v->constant();
  if (t.numel() == 0) return std::nullopt;
  std::vector<double> out;
  for (int64_t k = 0; k < t.numel(); ++k) out.push_back(t.getDouble(k));
  return out;
}

// The reference's attribute defaults, axes and output sizes (core/ops/Resize.cpp).
Params params(const Node& n, const std::vector<int64_t>& in) {
  Params p;
  p.mode = n.attrString("mode", "nearest");
  p.coordMode = n.attrString("coordinate_transformation_mode", "half_pixel");
  p.nearestMode = n.attrString("nearest_mode", "round_prefer_floor");
  p.aspectPolicy = n.attrString("keep_aspect_ratio_policy", "stretch");
  p.cubicA = n.attrFloat("cubic_coeff_a", -0.75);
  p.extrapolation = n.attrFloat("extrapolation_value", 0.0);
  p.excludeOutside = n.attrInt("exclude_outside", 0) != 0;
  p.antialias = n.attrInt("antialias", 0) != 0;
  auto r = static_cast<int64_t>(in.size());
  if (n.hasAttr("axes")) {
    for (int64_t a : n.attrInts("axes", {})) p.axes.push_back(a < 0 ? a + r : a);
  } else {
    for (int64_t i = 0; i < r; ++i) p.axes.push_back(i);
  }
  auto roi = constInput(n, 1);
  auto scales = constInput(n, 2);
  auto sizes = constInput(n, 3);
  if (roi && p.coordMode == "tf_crop_and_resize") {
    size_t k = p.axes.size();
    if (roi->size() != 2 * k) unsupported(n.describe(), ": Resize roi of the wrong length has no CPU schedule");
    p.roiStart.assign(in.size(), 0.0);
    p.roiEnd.assign(in.size(), 1.0);
    for (size_t i = 0; i < k; ++i) {
      p.roiStart[static_cast<size_t>(p.axes[i])] = (*roi)[i];
      p.roiEnd[static_cast<size_t>(p.axes[i])] = (*roi)[k + i];
    }
  }
  p.scales.assign(in.size(), 1.0);
  p.outSizes = in;
  if (scales) {
    if (scales->size() != p.axes.size()) unsupported(n.describe(), ": Resize scales/axes mismatch");
    for (size_t i = 0; i < p.axes.size(); ++i) {
      auto d = static_cast<size_t>(p.axes[i]);
      p.scales[d] = (*scales)[i];
      p.outSizes[d] = static_cast<int64_t>(std::floor(static_cast<double>(in[d]) * (*scales)[i]));
    }
    return p;
  }
  if (!sizes || sizes->size() != p.axes.size()) unsupported(n.describe(), ": Resize without scales or sizes");
  for (size_t i = 0; i < p.axes.size(); ++i) {
    auto d = static_cast<size_t>(p.axes[i]);
    auto sz = static_cast<int64_t>((*sizes)[i]);
    p.outSizes[d] = sz;
    p.scales[d] = static_cast<double>(sz) / static_cast<double>(in[d]);
  }
  if (p.aspectPolicy == "stretch" || p.axes.empty()) return p;
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
  return p;
}

// One resized axis: its constants and the input coordinate of output coord x.
struct Axis {
  size_t d = 0;
  int64_t inW = 0, outW = 0;
  double scale = 1, outWf = 0, r0 = 0, r1 = 1;
  bool aa = false;    // antialiased (scale < 1)
  int64_t start = 0;  // first tap offset relative to i0
  int64_t taps = 0;   // tap count
};

// Whether the axis maps every output coordinate to itself with weight 1.
bool isIdentity(const Params& p, const Axis& a) {
  if (a.outW != a.inW || a.scale != 1.0) return false;
  if (p.coordMode == "tf_crop_and_resize") return a.r0 == 0 && a.r1 == 1;
  if (p.coordMode == "pytorch_half_pixel") return a.inW > 1;
  return true;
}

ExprRef inputCoord(const Params& p, const Axis& a, const ExprRef& x) {
  ExprRef xf = cast(f64(), x);
  auto inW1 = static_cast<double>(a.inW - 1);
  const std::string& cm = p.coordMode;
  if (cm == "align_corners") return a.outWf == 1 ? f64Imm(0) : binary(BinOp::Div, xf * f64Imm(inW1), f64Imm(a.outWf - 1));
  if (cm == "asymmetric") return binary(BinOp::Div, xf, f64Imm(a.scale));
  if (cm == "tf_crop_and_resize") {
    ExprRef xo = a.outWf == 1 ? f64Imm((a.r1 - a.r0) * inW1 / 2)
                              : binary(BinOp::Div, xf * f64Imm(a.r1 - a.r0) * f64Imm(inW1), f64Imm(a.outWf - 1));
    return xo + f64Imm(a.r0 * inW1);
  }
  ExprRef hp = binary(BinOp::Div, xf + f64Imm(0.5), f64Imm(a.scale)) - f64Imm(0.5);
  if (cm == "pytorch_half_pixel") return a.outWf == 1 ? f64Imm(-0.5) : hp;
  if (cm == "half_pixel") return hp;
  // half_pixel_symmetric
  double adjustment = static_cast<double>(a.outW) / a.outWf, center = static_cast<double>(a.inW) / 2;
  return f64Imm(center * (1 - adjustment)) + binary(BinOp::Div, xf + f64Imm(0.5), f64Imm(a.scale)) - f64Imm(0.5);
}

// Whether input coordinate xo falls outside the input (tf_crop_and_resize).
ExprRef outsideAt(const Axis& a, const ExprRef& xo) {
  return binary(BinOp::Or, binary(BinOp::LT, xo, f64Imm(0)), binary(BinOp::GT, xo, f64Imm(static_cast<double>(a.inW - 1))));
}

// The unnormalized weight of tap offset `off` at fractional position `ratio`.
ExprRef tapWeight(const Params& p, const Axis& a, const ExprRef& off, const ExprRef& ratio) {
  ExprRef arg = cast(f64(), off) - ratio;
  if (a.aa) arg = p.mode == "linear" ? arg * f64Imm(a.scale) : f64Imm(a.scale) * arg;
  if (p.mode == "linear") return kernel::min(kernel::max(f64Imm(1.0) - call(Intrinsic::Abs, {arg}), f64Imm(0)), f64Imm(1));
  double c = p.cubicA;
  ExprRef x = call(Intrinsic::Abs, {arg});
  ExprRef near = ((f64Imm(c + 2) * x - f64Imm(c + 3)) * x) * x + f64Imm(1);
  ExprRef far = ((f64Imm(c) * x - f64Imm(5 * c)) * x + f64Imm(8 * c)) * x - f64Imm(4 * c);
  return select(binary(BinOp::LE, x, f64Imm(1)), near, select(binary(BinOp::LT, x, f64Imm(2)), far, f64Imm(0)));
}

ExprRef nearestIndex(const Params& p, const Axis& a, const ExprRef& x) {
  ExprRef xo = inputCoord(p, a, x);
  ExprRef i0 = cast(i64(), call(Intrinsic::Ceil, {xo})) - intImm(1);
  ExprRef ratio = xo - cast(f64(), i0);
  ExprRef one = binary(BinOp::EQ, ratio, f64Imm(1));
  ExprRef up;
  if (p.nearestMode == "ceil")
    up = constant(boolean(), 1);
  else if (p.nearestMode == "floor")
    up = one;
  else if (p.nearestMode == "round_prefer_floor")
    up = binary(BinOp::Or, one, binary(BinOp::GT, ratio, f64Imm(0.5)));
  else
    up = binary(BinOp::Or, one, binary(BinOp::GE, ratio, f64Imm(0.5)));
  ExprRef i = i0 + cast(i64(), up);
  return kernel::min(kernel::max(i, intImm(0)), intImm(a.inW - 1));
}

}  // namespace

StmtRef scheduleResize(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& rs = *g.anchor;
  const Value* xv = rs.input(0);
  std::vector<int64_t> in = staticExtents(*xv);
  DType dt = xv->type().dtype;
  if (in.empty()) unsupported(rs.describe(), ": Resize of a scalar has no CPU schedule");
  Params p = params(rs, in);
  bool nearest = p.mode == "nearest";
  if (p.mode != "nearest" && p.mode != "linear" && p.mode != "cubic")
    unsupported(rs.describe(), ": Resize mode ", p.mode, " has no CPU schedule");
  if (!nearest && !isFloat(dt))
    unsupported(rs.describe(), ": ", p.mode, " Resize of ", dtypeName(dt), " has no CPU schedule");
  if (nearest && p.excludeOutside)
    unsupported(rs.describe(), ": nearest Resize with exclude_outside has no CPU schedule");
  std::vector<int64_t> out = p.outSizes;
  if (out != staticExtents(*rs.output(0))) unsupported(rs.describe(), ": Resize output extents disagree");
  int64_t total = numElements(out);
  if (total == 0) return seq({});
  if (numElements(in) == 0) unsupported(rs.describe(), ": Resize of an empty input");
  bool crop = p.coordMode == "tf_crop_and_resize";

  // The resized axes, in dim order.
  std::vector<Axis> axes;
  for (size_t d = 0; d < in.size(); ++d) {
    Axis a;
    a.d = d, a.inW = in[d], a.outW = out[d], a.scale = p.scales[d];
    a.outWf = a.scale * static_cast<double>(in[d]);
    if (!p.roiStart.empty()) a.r0 = p.roiStart[d], a.r1 = p.roiEnd[d];
    a.aa = !nearest && p.antialias && a.scale < 1.0;
    double s = a.aa ? a.scale : 1.0;
    a.start = nearest              ? 0
              : p.mode == "linear" ? (a.aa ? static_cast<int64_t>(std::floor(-1.0 / s)) + 1 : 0)
                                   : (a.aa ? static_cast<int64_t>(std::floor(-2.0 / s)) + 1 : -1);
    a.taps = 2 - 2 * a.start;
    if (!isIdentity(p, a)) axes.push_back(a);
  }

  const ValueBuffer& src = ctx.buffers.at(xv);
  Type ot = scalarType(dt);
  ExprRef extrap = isFloat(dt) ? floatImm(p.extrapolation, ot) : intImm(static_cast<int64_t>(p.extrapolation), ot);
  int64_t inner = out.back(), outer = total / inner;
  std::vector<int64_t> outerExt(out.begin(), out.end() - 1);
  LoopKind kind =
      total >= ctx.knob(g, "parallel_min_elements", 1 << 14) && outer > 1 ? LoopKind::Parallel : LoopKind::Serial;

  // Whether any resized axis maps the output index outside the input.
  auto anyOutside = [&](const std::vector<ExprRef>& idx) -> ExprRef {
    ExprRef o = constant(boolean(), 0);
    for (const Axis& a : axes) o = binary(BinOp::Or, o, outsideAt(a, inputCoord(p, a, idx[a.d])));
    return o;
  };

  if (nearest) {
    int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
    return loop("o", outer, kind, [&](const ExprRef& o) {
      std::vector<ExprRef> head = delinearize(o, outerExt);
      return vectorizedLoop("x", inner, lanes, [&](const ExprRef& x) {
        std::vector<ExprRef> idx = head, from = head;
        idx.push_back(x);
        from.push_back(x);
        for (const Axis& a : axes) from[a.d] = nearestIndex(p, a, idx[a.d]);
        ExprRef v = load(src.buffer, linearize(from, in));
        if (crop) v = select(anyOutside(idx), extrap, v);
        return storeThroughEpilogue(g, ctx, idx, v);
      });
    });
  }

  // linear / cubic with fixed taps (no antialias, no exclude_outside) and few
  // tap combinations: the nested sums as one expression per output element,
  // taps unrolled, the last dim a vectorized loop (gathers).
  bool fixedTaps = !p.excludeOutside && std::none_of(axes.begin(), axes.end(), [](const Axis& a) { return a.aa; });
  int64_t combos = 1;
  for (const Axis& a : axes) combos *= a.taps;
  if (fixedTaps && combos <= ctx.knob(g, "unroll_max_taps", 64)) {
    int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
    return loop("o", outer, kind, [&](const ExprRef& o) {
      std::vector<ExprRef> head = delinearize(o, outerExt);
      return vectorizedLoop("x", inner, lanes, [&](const ExprRef& x) {
        std::vector<ExprRef> idx = head;
        idx.push_back(x);
        std::vector<ExprRef> from = idx;
        std::vector<std::pair<Var, ExprRef>> lets;
        // Per axis and tap: the clamped input index and the weight, let-bound.
        std::vector<std::vector<ExprRef>> tapIdx(axes.size()), tapW(axes.size());
        auto let = [&](const std::string& name, const ExprRef& value) {
          Var v = makeVar(name, value->type);
          lets.push_back({v, value});
          return varRef(v);
        };
        for (size_t l = 0; l < axes.size(); ++l) {
          const Axis& a = axes[l];
          std::string sl = std::to_string(l);
          ExprRef xo = let("xo" + sl, inputCoord(p, a, idx[a.d]));
          ExprRef i0 = let("i" + sl, cast(i64(), call(Intrinsic::Ceil, {xo})) - intImm(1));
          ExprRef ratio = let("r" + sl, xo - cast(f64(), i0));
          for (int64_t t = 0; t < a.taps; ++t) {
            std::string st = sl + "_" + std::to_string(t);
            tapIdx[l].push_back(
                let("j" + st, kernel::min(kernel::max(i0 + intImm(a.start + t), intImm(0)), intImm(a.inW - 1))));
            tapW[l].push_back(let("w" + st, tapWeight(p, a, intImm(a.start + t), ratio)));
          }
        }
        // sum_t w_l(t) * value(l + 1), zero weights skipped, from 0.
        std::function<ExprRef(size_t)> sum = [&](size_t l) -> ExprRef {
          const Axis& a = axes[l];
          ExprRef s = f64Imm(0);
          for (size_t t = 0; t < tapW[l].size(); ++t) {
            ExprRef saved = from[a.d];
            from[a.d] = tapIdx[l][t];
            ExprRef v = l + 1 == axes.size() ? cast(f64(), load(src.buffer, linearize(from, in))) : sum(l + 1);
            from[a.d] = saved;
            ExprRef w = tapW[l][t];
            s = s + select(binary(BinOp::NE, w, f64Imm(0)), w * v, f64Imm(0));
          }
          return s;
        };
        ExprRef v = axes.empty() ? load(src.buffer, linearize(idx, in)) : cast(ot, sum(0));
        if (crop) v = select(anyOutside(idx), extrap, v);
        StmtRef st = storeThroughEpilogue(g, ctx, idx, v);
        for (size_t i = lets.size(); i-- > 0;) st = letStmt(lets[i].first, lets[i].second, st);
        return st;
      });
    });
  }

  // linear / cubic: acc[l] is the sum over axis l's taps; sums[2l], sums[2l+1]
  // the antialias and exclude_outside normalizers of axis l.
  auto m = static_cast<int64_t>(axes.size());
  BufferRef acc = makeBuffer("acc", DType::Float64, std::max<int64_t>(m, 1), MemScope::Register);
  BufferRef sums = makeBuffer("sums", DType::Float64, std::max<int64_t>(2 * m, 1), MemScope::Register);

  // Per axis l: its input coordinate xo[l] and i0[l] (let-bound per output
  // element), the tap weights, and whether a tap lies inside the input.
  std::vector<Var> xoV, i0V;
  for (size_t l = 0; l < axes.size(); ++l) {
    xoV.push_back(makeVar("xo" + std::to_string(l), f64()));
    i0V.push_back(makeVar("i" + std::to_string(l)));
  }
  auto tapIndex = [&](size_t l, const ExprRef& t) { return varRef(i0V[l]) + t + intImm(axes[l].start); };
  auto rawWeight = [&](size_t l, const ExprRef& t) {
    ExprRef ratio = varRef(xoV[l]) - cast(f64(), varRef(i0V[l]));
    return tapWeight(p, axes[l], t + intImm(axes[l].start), ratio);
  };
  auto aaSum = [&](size_t l) { return load(sums, intImm(2 * static_cast<int64_t>(l))); };
  auto exSum = [&](size_t l) { return load(sums, intImm(2 * static_cast<int64_t>(l) + 1)); };
  auto weight = [&](size_t l, const ExprRef& t) {
    ExprRef w = rawWeight(l, t);
    return axes[l].aa ? binary(BinOp::Div, w, aaSum(l)) : w;
  };
  auto inRange = [&](size_t l, const ExprRef& t) {
    ExprRef i = tapIndex(l, t);
    return binary(BinOp::And, binary(BinOp::GE, i, intImm(0)), binary(BinOp::LT, i, intImm(axes[l].inW)));
  };
  // The normalizers of axis l: the sum of all its taps' weights (antialias)
  // and of its in-range taps' weights (exclude_outside).
  auto normalizers = [&](size_t l) {
    std::vector<StmtRef> body;
    auto li = static_cast<int64_t>(l);
    if (axes[l].aa)
      body.push_back(
          seq({store(sums, intImm(2 * li), f64Imm(0)), loop("t", axes[l].taps, LoopKind::Serial, [&](const ExprRef& t) {
                 return store(sums, intImm(2 * li), aaSum(l) + rawWeight(l, t));
               })}));
    if (p.excludeOutside)
      body.push_back(seq(
          {store(sums, intImm(2 * li + 1), f64Imm(0)), loop("t", axes[l].taps, LoopKind::Serial, [&](const ExprRef& t) {
             return ifThenElse(inRange(l, t), store(sums, intImm(2 * li + 1), exSum(l) + weight(l, t)));
           })}));
    return seq(body);
  };

  // Statements leaving the value at `from` summed over axes l.. in acc[l].
  std::function<StmtRef(size_t, std::vector<ExprRef>&)> level = [&](size_t l, std::vector<ExprRef>& from) {
    const Axis& a = axes[l];
    auto li = static_cast<int64_t>(l);
    StmtRef taps = loop("t", a.taps, LoopKind::Serial, [&](const ExprRef& t) {
      Var wV = makeVar("w" + std::to_string(l), f64());
      ExprRef w = varRef(wV);
      ExprRef keep = binary(BinOp::NE, w, f64Imm(0));
      if (p.excludeOutside) {
        keep = binary(BinOp::And, keep, inRange(l, t));
        w = select(binary(BinOp::NE, exSum(l), f64Imm(0)), binary(BinOp::Div, w, exSum(l)), w);
      }
      ExprRef saved = from[a.d];
      from[a.d] = kernel::min(kernel::max(tapIndex(l, t), intImm(0)), intImm(a.inW - 1));
      ExprRef sum = load(acc, intImm(li));
      StmtRef tap;
      if (l + 1 == axes.size()) {
        tap = store(acc, intImm(li), sum + w * cast(f64(), load(src.buffer, linearize(from, in))));
      } else {
        tap = seq({level(l + 1, from), store(acc, intImm(li), sum + w * load(acc, intImm(li + 1)))});
      }
      from[a.d] = saved;
      return letStmt(wV, weight(l, t), ifThenElse(keep, tap));
    });
    return seq({store(acc, intImm(li), f64Imm(0)), taps});
  };

  return loop("o", outer, kind, [&](const ExprRef& o) {
    std::vector<ExprRef> head = delinearize(o, outerExt);
    StmtRef row = loop("x", inner, LoopKind::Serial, [&](const ExprRef& x) {
      std::vector<ExprRef> idx = head;
      idx.push_back(x);
      if (axes.empty()) return storeThroughEpilogue(g, ctx, idx, load(src.buffer, linearize(idx, in)));
      std::vector<ExprRef> from = idx;
      std::vector<StmtRef> body;
      for (size_t l = 0; l < axes.size(); ++l) body.push_back(normalizers(l));
      body.push_back(level(0, from));
      body.push_back(storeThroughEpilogue(g, ctx, idx, cast(ot, load(acc, intImm(0)))));
      StmtRef s = seq(body);
      if (crop) s = ifThenElse(anyOutside(idx), storeThroughEpilogue(g, ctx, idx, extrap), s);
      for (size_t l = axes.size(); l-- > 0;) {
        ExprRef xo = varRef(xoV[l]);
        s = letStmt(xoV[l], inputCoord(p, axes[l], idx[axes[l].d]),
                    letStmt(i0V[l], cast(i64(), call(Intrinsic::Ceil, {xo})) - intImm(1), s));
      }
      return s;
    });
    return allocate(acc, allocate(sums, row));
  });
}

}  // namespace dlc::cpu
