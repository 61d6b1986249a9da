// Template for DFT and STFT: plain O(n^2) transforms in f64, as the reference
// computes them. One output bin (real and imaginary part) per iteration of a
// parallel loop; a serial loop over the points accumulates
//   X[k] = sum_j x[j] * exp(-+2 pi i ((j k) mod n) / n)
// with the angle reduced modulo n first, so it stays small and exact. DFT:
// along `axis`, zero-padded or truncated to dft_length, optionally inverse
// (divided by n) and onesided. STFT: frames of frame_length every frame_step
// points, each multiplied by the window.
#include <cmath>
#include <numbers>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

ExprRef f64c(double v) { return floatImm(v, Type{DType::Float64, 1}); }

// One scalar integer from an optional constant input, or `dflt` when absent/empty.
int64_t constScalar(const Node& n, size_t i, int64_t dflt) {
  const Value* v = n.numInputs() > i ? n.input(i) : nullptr;
  if (!v) return dflt;
  if (v->kind() != Value::Kind::Constant) unsupported(n.describe(), ": ", n.op(), " with a non-constant input ", i);
  if (v->constant().numel() == 0) return dflt;
  return v->constant().getInt64(0);
}

}  // namespace

StmtRef scheduleDft(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& nd = *g.anchor;
  bool stft = nd.op() == "STFT";
  const Value* x = nd.input(0);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(nd.describe(), ": ", nd.op(), " of ", dtypeName(dt), " has no CPU schedule");
  std::vector<int64_t> xe = staticExtents(*x), oe = staticExtents(*nd.output(0));
  int64_t rank = static_cast<int64_t>(xe.size()), comp = xe.back();
  if (comp != 1 && comp != 2) unsupported(nd.describe(), ": ", nd.op(), " input's last dim must be 1 or 2");
  Type wt{DType::Float64, 1};
  const BufferRef& in = ctx.buffers.at(x).buffer;
  const BufferRef& out = ctx.buffers.at(nd.output(0)).buffer;
  bool inverse = !stft && nd.attrInt("inverse", 0) != 0;
  // The transform: `rows` independent signals of `len` points (stride `stride`
  // in the input), `n` points used, `bins` outputs each; the row's signal point
  // j is point(row, j) and its output bin k goes to outAt(row, k).
  int64_t rows = 0, len = 0, n = 0, bins = 0;
  std::function<ExprRef(const ExprRef&, const ExprRef&)> point;  // input element index of the real part
  std::function<ExprRef(const ExprRef&, const ExprRef&)> outAt;  // output element index of the real part
  std::function<ExprRef(const ExprRef&)> weight;                  // window at point j, or null
  if (!stft) {
    int64_t axis = constScalar(nd, 2, -2);
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank - 1) unsupported(nd.describe(), ": DFT axis out of range");
    len = xe[static_cast<size_t>(axis)];
    n = constScalar(nd, 1, len);
    bins = nd.attrInt("onesided", 0) != 0 ? n / 2 + 1 : n;
    if (n <= 0 || oe[static_cast<size_t>(axis)] != bins) unsupported(nd.describe(), ": DFT length does not match");
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < axis; ++i) outer *= xe[static_cast<size_t>(i)];
    for (int64_t i = axis + 1; i < rank - 1; ++i) inner *= xe[static_cast<size_t>(i)];
    rows = outer * inner;
    auto split = [inner](const ExprRef& r) {
      return std::make_pair(inner == 1 ? r : binary(BinOp::Div, r, intImm(inner)),
                            inner == 1 ? intImm(0) : binary(BinOp::Mod, r, intImm(inner)));
    };
    point = [=](const ExprRef& r, const ExprRef& j) {
      auto [o, i] = split(r);
      return ((o * len + j) * inner + i) * comp;
    };
    outAt = [=](const ExprRef& r, const ExprRef& k) {
      auto [o, i] = split(r);
      return ((o * bins + k) * inner + i) * 2;
    };
  } else {
    if (rank != 3) unsupported(nd.describe(), ": STFT signal must be [batch, length, 1 or 2]");
    int64_t B = xe[0], L = xe[1], step = constScalar(nd, 1, 0);
    const Value* w = nd.numInputs() > 2 ? nd.input(2) : nullptr;
    int64_t frameLen = constScalar(nd, 3, w ? staticExtents(*w)[0] : L);
    if (step <= 0 || frameLen <= 0 || frameLen > L) unsupported(nd.describe(), ": STFT frame geometry");
    int64_t frames = 1 + (L - frameLen) / step;
    len = n = frameLen;
    bins = nd.attrInt("onesided", 1) != 0 ? frameLen / 2 + 1 : frameLen;
    if (oe != std::vector<int64_t>{B, frames, bins, 2}) unsupported(nd.describe(), ": STFT output shape");
    rows = B * frames;
    point = [=](const ExprRef& r, const ExprRef& j) {
      ExprRef b = binary(BinOp::Div, r, intImm(frames)), f = binary(BinOp::Mod, r, intImm(frames));
      return (b * L + f * step + j) * comp;
    };
    outAt = [=](const ExprRef& r, const ExprRef& k) { return (r * bins + k) * 2; };
    if (w) {
      const BufferRef& wb = ctx.buffers.at(w).buffer;
      weight = [=](const ExprRef& j) { return cast(wt, load(wb, j)); };
    }
  }
  int64_t m = std::min(len, n);
  double sign = inverse ? 1.0 : -1.0;
  BufferRef acc = makeBuffer("acc", DType::Float64, 2, MemScope::Register);
  int64_t total = rows * bins;
  LoopKind kind = total > 1 && total * m >= ctx.knob(g, "parallel_min_work", 1 << 14) ? LoopKind::Parallel
                                                                                       : LoopKind::Serial;
  if (total == 0) return seq({});
  return loop("rk", total, kind, [&](const ExprRef& rk) {
    ExprRef r = binary(BinOp::Div, rk, intImm(bins)), k = binary(BinOp::Mod, rk, intImm(bins));
    ExprRef sr = load(acc, intImm(0)), si = load(acc, intImm(1));
    StmtRef sum = loop("j", m, LoopKind::Serial, [&](const ExprRef& j) {
      Var ang = makeVar("ang", wt), xr = makeVar("xr", wt), xi = makeVar("xi", wt);
      ExprRef at = point(r, j);
      ExprRef re = cast(wt, load(in, at)), im = comp == 2 ? cast(wt, load(in, at + intImm(1))) : f64c(0);
      if (weight) {
        re = re * weight(j);
        im = comp == 2 ? im * weight(j) : f64c(0);
      }
      ExprRef c = call(Intrinsic::Cos, {varRef(ang)}), s = call(Intrinsic::Sin, {varRef(ang)});
      ExprRef turn = cast(wt, binary(BinOp::Mod, j * k, intImm(n)));
      return letStmt(ang, binary(BinOp::Div, f64c(sign * 2.0 * std::numbers::pi) * turn, f64c(static_cast<double>(n))),
                     letStmt(xr, re, letStmt(xi, im,
                             seq({store(acc, intImm(0), sr + (varRef(xr) * c - varRef(xi) * s)),
                                  store(acc, intImm(1), si + (varRef(xr) * s + varRef(xi) * c))}))));
    });
    ExprRef vr = sr, vi = si;
    if (inverse) {
      vr = binary(BinOp::Div, vr, f64c(static_cast<double>(n)));
      vi = binary(BinOp::Div, vi, f64c(static_cast<double>(n)));
    }
    ExprRef dst = outAt(r, k);
    return allocate(acc, seq({store(acc, intImm(0), f64c(0)), store(acc, intImm(1), f64c(0)), sum,
                              store(out, dst, cast(scalarType(dt), vr)),
                              store(out, dst + intImm(1), cast(scalarType(dt), vi))}));
  });
}

}  // namespace dlc::cpu
