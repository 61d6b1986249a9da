// Template for GridSample (nearest, linear, cubic; zeros, border, reflection
// padding; align_corners; any number of spatial dims).
//
// Loop nest: the output rows (n, leading grid dims) are a parallel loop, the
// last grid dim a vectorized loop; per point each spatial dim's input
// coordinate, tap indices and weights are computed once in f64 (let-bound, the
// reference's formulas in its order of operations); then a serial loop over
// channels sums the taps^R combinations (unrolled, first dim outermost, as the
// reference enumerates them) in f64 and stores a vector of points:
//
//   acc = sum_k  (w_{R-1}(k) * ... * w_0(k)) * X[n, c, idx_0(k), ..]
//
// With zeros padding a tap outside the input (index -1) adds zero.
#include <algorithm>
#include <cmath>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

ExprRef fmin(ExprRef a, ExprRef b) { return kernel::min(std::move(a), std::move(b)); }
ExprRef fmax(ExprRef a, ExprRef b) { return kernel::max(std::move(a), std::move(b)); }

enum class Pad { Zeros, Border, Reflection };

// reflect(x, lo, hi) of the reference: x folded back into [lo, hi].
ExprRef reflect(const ExprRef& x, double lo, double hi) {
  double rng = hi - lo;
  if (rng <= 0) return f64Imm(lo);
  auto fold = [&](const ExprRef& dx, double even, double odd, double evenSign) {
    ExprRef n = cast(i64(), binary(BinOp::Div, dx, f64Imm(rng)));
    ExprRef r = dx - cast(f64(), n) * f64Imm(rng);
    ExprRef isEven = binary(BinOp::EQ, binary(BinOp::Mod, n, intImm(2)), intImm(0));
    ExprRef e = evenSign > 0 ? f64Imm(even) + r : f64Imm(even) - r;
    ExprRef o = evenSign > 0 ? f64Imm(odd) - r : f64Imm(odd) + r;
    return select(isEven, e, o);
  };
  ExprRef below = fold(f64Imm(lo) - x, lo, hi, 1), above = fold(x - f64Imm(hi), hi, lo, -1);
  return select(binary(BinOp::LT, x, f64Imm(lo)), below, select(binary(BinOp::GT, x, f64Imm(hi)), above, x));
}

}  // namespace

StmtRef scheduleGridSample(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& gs = *g.anchor;
  const Value* xv = gs.input(0);
  const Value* gv = gs.input(1);
  std::vector<int64_t> xe = staticExtents(*xv), ge = staticExtents(*gv), oe = staticExtents(*gs.output(0));
  DType dt = xv->type().dtype;
  if (!isFloat(dt) || !isFloat(gv->type().dtype))
    unsupported(gs.describe(), ": GridSample of ", dtypeName(dt), " has no CPU schedule");
  std::string mode = gs.attrString("mode", "linear");
  std::string padS = gs.attrString("padding_mode", "zeros");
  bool align = gs.attrInt("align_corners", 0) != 0;
  if (mode != "linear" && mode != "nearest" && mode != "cubic")
    unsupported(gs.describe(), ": GridSample mode ", mode, " has no CPU schedule");
  if (padS != "zeros" && padS != "border" && padS != "reflection")
    unsupported(gs.describe(), ": GridSample padding_mode ", padS, " has no CPU schedule");
  Pad pad = padS == "zeros" ? Pad::Zeros : padS == "border" ? Pad::Border : Pad::Reflection;
  auto R = static_cast<int64_t>(xe.size()) - 2;
  if (R < 1 || ge.size() != xe.size() || ge.back() != R || ge[0] != xe[0])
    unsupported(gs.describe(), ": GridSample grid does not match X");
  const int64_t N = xe[0], C = xe[1];
  std::vector<int64_t> dims(xe.begin() + 2, xe.end());
  int64_t P = 1;
  for (size_t i = 1; i + 1 < ge.size(); ++i) P *= ge[i];
  if (N * C * P == 0) return seq({});
  for (int64_t d : dims)
    if (d <= 0) unsupported(gs.describe(), ": GridSample of an empty spatial dim");
  int64_t inSize = numElements(dims);
  std::vector<int64_t> dstr(dims.size(), 1);
  for (size_t d = dims.size() - 1; d-- > 0;) dstr[d] = dstr[d + 1] * dims[d + 1];
  const int taps = mode == "cubic" ? 4 : mode == "linear" ? 2 : 1;
  BufferRef X = ctx.buffers.at(xv).buffer, G = ctx.buffers.at(gv).buffer;
  Type ot = scalarType(dt);

  // The taps of dim d at a point: the let-bound index (-1: zero) and weight
  // variables, and the statements binding them around a body.
  std::vector<std::vector<ExprRef>> idx(R), wt(R);
  std::vector<std::pair<Var, ExprRef>> lets;  // in binding order
  auto let = [&](const std::string& name, const ExprRef& value) {
    Var v = makeVar(name, value->type);
    lets.push_back({v, value});
    return varRef(v);
  };
  // Output rows (n, leading grid dims) parallel, the last grid dim vectorized.
  const int64_t Wl = oe.back(), rowsPerN = P / Wl;
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  LoopKind kind = N * C * P >= ctx.knob(g, "parallel_min_elements", 1 << 12) && N * rowsPerN > 1 ? LoopKind::Parallel
                                                                                                 : LoopKind::Serial;
  return loop("q", N * rowsPerN, kind, [&](const ExprRef& q) {
    return vectorizedLoop("w", Wl, lanes, [&](const ExprRef& wv) {
      lets.clear();
      ExprRef n = binary(BinOp::Div, q, intImm(rowsPerN));
      ExprRef p = binary(BinOp::Mod, q, intImm(rowsPerN)) * Wl + wv;
      ExprRef np = n * P + p;
      for (int64_t d = 0; d < R; ++d) {
        std::string sd = std::to_string(d);
        auto len = static_cast<double>(dims[d]);
        double lo = align ? 0.0 : -0.5, hi = align ? len - 1 : len - 0.5;
        auto tapIndex = [&](const ExprRef& i) -> ExprRef {
          if (pad == Pad::Zeros)
            return select(binary(BinOp::And, binary(BinOp::GE, i, intImm(0)), binary(BinOp::LT, i, intImm(dims[d]))), i,
                          intImm(-1));
          if (pad == Pad::Border) return kernel::min(kernel::max(i, intImm(0)), intImm(dims[d] - 1));
          ExprRef r = cast(i64(), reflect(cast(f64(), i), lo, hi));
          return kernel::min(kernel::max(r, intImm(0)), intImm(dims[d] - 1));
        };
        ExprRef gval = cast(f64(), load(G, np * R + (R - 1 - d)));
        ExprRef x = align ? binary(BinOp::Div, gval + f64Imm(1), f64Imm(2.0)) * f64Imm(len - 1)
                          : binary(BinOp::Div, (gval + f64Imm(1)) * f64Imm(len) - f64Imm(1), f64Imm(2.0));
        if (mode == "nearest") x = call(Intrinsic::Round, {x});
        x = let("x" + sd, x);
        if (pad != Pad::Zeros) {
          ExprRef out = binary(BinOp::Or, binary(BinOp::LT, x, f64Imm(lo)), binary(BinOp::GT, x, f64Imm(hi)));
          ExprRef fixed = pad == Pad::Border ? fmin(fmax(x, f64Imm(0)), f64Imm(len - 1)) : reflect(x, lo, hi);
          x = let("xp" + sd, select(out, fixed, x));
        }
        if (mode == "nearest") {
          idx[d] = {let("i" + sd, tapIndex(cast(i64(), x)))};
          wt[d] = {f64Imm(1)};
          continue;
        }
        ExprRef f = call(Intrinsic::Floor, {x});
        ExprRef x0 = let("x0" + sd, cast(i64(), f));
        ExprRef t = let("t" + sd, x - f);
        idx[d].clear();
        wt[d].clear();
        for (int k = 0; k < taps; ++k)
          idx[d].push_back(let("i" + sd + "_" + std::to_string(k), tapIndex(x0 + intImm(mode == "cubic" ? k - 1 : k))));
        if (mode == "linear") {
          wt[d] = {let("w" + sd + "_0", f64Imm(1) - t), let("w" + sd + "_1", t)};
        } else {
          const double a = -0.75;
          ExprRef ax = let("ax" + sd, call(Intrinsic::Abs, {t}));
          auto farW = [&](const ExprRef& u) {
            return ((f64Imm(a) * u - f64Imm(5 * a)) * u + f64Imm(8 * a)) * u - f64Imm(4 * a);
          };
          auto nearW = [&](const ExprRef& u) { return ((f64Imm(a + 2) * u - f64Imm(a + 3)) * u) * u + f64Imm(1); };
          wt[d] = {let("w" + sd + "_0", farW(ax + f64Imm(1))), let("w" + sd + "_1", nearW(ax)),
                   let("w" + sd + "_2", nearW(f64Imm(1) - ax)), let("w" + sd + "_3", farW(f64Imm(2) - ax))};
        }
      }
      // Per channel: the sum over all tap combinations, dim R-1 fastest.
      int64_t combos = 1;
      for (int64_t d = 0; d < R; ++d) combos *= taps;
      StmtRef channels = loop("c", C, LoopKind::Serial, [&](const ExprRef& c) {
        ExprRef base = (n * C + c) * inSize, acc = f64Imm(0);
        for (int64_t k = 0; k < combos; ++k) {
          int64_t rem = k;
          ExprRef off = base, w, valid;
          for (int64_t d = R - 1; d >= 0; --d) {
            auto tp = static_cast<size_t>(rem % taps);
            rem /= taps;
            ExprRef i = idx[d][tp];
            if (pad == Pad::Zeros) {
              ExprRef ok = binary(BinOp::GE, i, intImm(0));
              valid = valid ? binary(BinOp::And, valid, ok) : ok;
              i = kernel::max(i, intImm(0));  // in bounds; the tap is dropped
            }
            off = off + i * dstr[d];
            w = w ? w * wt[d][tp] : wt[d][tp];
          }
          ExprRef term = w * cast(f64(), load(X, off));
          acc = acc + (valid ? select(valid, term, f64Imm(0)) : term);
        }
        return storeThroughEpilogue(g, ctx, delinearize((n * C + c) * P + p, oe), cast(ot, acc));
      });
      StmtRef s = channels;
      for (size_t i = lets.size(); i-- > 0;) s = letStmt(lets[i].first, lets[i].second, s);
      return s;
    });
  });
}

}  // namespace dlc::cpu
