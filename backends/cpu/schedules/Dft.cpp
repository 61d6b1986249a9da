// Templates for DFT and STFT: direct O(n^2) sums in f64, as the reference
// computes them. Complex values are a trailing dim of 1 (real) or 2 (real,
// imaginary); outputs are always the 2-wide form. The twiddles
// w[t] = exp(-+2 pi i t / n) come from a table filled once per kernel (an
// index (j * k) mod n keeps the angle small and exact), or are computed per
// term when n exceeds the `twiddle_table_max` knob (the table is on the stack).
//
// DFT along `axis` of x viewed as [outer, len, inner, comp]:
//   tw[t] = (cos, sin)(sign * 2 pi t / n)           t < n
//   for (o, k) in outer x bins                      (parallel when large)
//     for i < inner
//       acc = sum_{j < min(len, n)} x[o, j, i] * tw[(j * k) mod n]
//       y[o, k, i] = acc (/ n when inverse)        (through the epilogue)
//
// STFT of x [batch, L, comp], frames of `frame_length` every `frame_step`:
//   for (b, f, k) in batch x frames x bins          (parallel when large)
//     acc = sum_{j < frame_length} x[b, f * step + j] * window[j] * tw[(j * k) mod n]
//     y[b, f, k] = acc
#include <cmath>
#include <numbers>
#include <optional>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

const Type kF64 = Type{DType::Float64, 1};

// Input `i` of `n` as a constant scalar int: nullopt when absent or empty;
// Unsupported when it is computed at run time.
std::optional<int64_t> constantInt(const Node& n, size_t i, const char* what) {
  const Value* v = n.input(i);
  if (!v) return std::nullopt;
  if (!v->isConstant()) unsupported(n.describe(), ": ", n.op(), " with a run-time ", what, " has no CPU schedule");
  if (v->constant().numel() == 0) return std::nullopt;
  return v->constant().getInt64(0);
}

void checkFloat(const Node& n, const Value* v) {
  DType d = v->type().dtype;
  if (d != DType::Float32 && d != DType::Float64)
    unsupported(n.describe(), ": ", n.op(), " of ", dtypeName(d), " has no CPU schedule");
}

void checkEpilogue(const GroupInfo& g) {
  if (g.nodes.size() > 1 && !isAligned(g.anchor->output(0), peelReshapes(g.output, g.nodes), g.nodes))
    unsupported(g.anchor->describe(), ": ", g.anchor->op(), " with a non-elementwise epilogue has no CPU schedule");
}

// The twiddles of an n-point transform: a table (cos, sin interleaved) when
// small enough, else computed where used.
struct Twiddles {
  int64_t n;
  double sign;
  BufferRef table;  // null: computed per term

  Twiddles(int64_t n, bool inverse, int64_t maxTable) : n(n), sign(inverse ? 1.0 : -1.0) {
    if (n <= maxTable) table = makeBuffer("tw", DType::Float64, 2 * n, MemScope::Local);
  }
  // sign * 2 pi t / n, as the reference writes it.
  ExprRef angle(const ExprRef& t) const {
    return binary(BinOp::Div, floatImm(sign * 2.0 * std::numbers::pi, kF64) * cast(kF64, t),
                  floatImm(static_cast<double>(n), kF64));
  }
  ExprRef cos(const ExprRef& t) const {
    return table ? load(table, t * 2) : call(Intrinsic::Cos, {angle(t)});
  }
  ExprRef sin(const ExprRef& t) const {
    return table ? load(table, t * 2 + 1) : call(Intrinsic::Sin, {angle(t)});
  }
  // Fills the table (if any), then runs `body`.
  StmtRef around(StmtRef body) const {
    if (!table) return body;
    StmtRef fill = loop("t", n, LoopKind::Serial, [&](const ExprRef& t) {
      ExprRef a = angle(t);
      return seq({store(table, t * 2, call(Intrinsic::Cos, {a})), store(table, t * 2 + 1, call(Intrinsic::Sin, {a}))});
    });
    return allocate(table, seq({fill, body}));
  }
};

// acc[0] + i acc[1] = sum_{j < m} (re(j) + i im(j)) * tw[(j * k) mod n]; im
// may be null (a real signal). `finish` stores the result.
StmtRef dftSum(const Twiddles& tw, const ExprRef& k, int64_t m,
               const std::function<ExprRef(const ExprRef&)>& re, const std::function<ExprRef(const ExprRef&)>& im,
               const std::function<StmtRef(ExprRef, ExprRef)>& finish) {
  BufferRef acc = makeBuffer("acc", DType::Float64, 2, MemScope::Register);
  ExprRef zero = floatImm(0, kF64);
  StmtRef sum = loop("j", m, LoopKind::Serial, [&](const ExprRef& j) {
    ExprRef t = binary(BinOp::Mod, j * k, intImm(tw.n));
    ExprRef c = tw.cos(t), s = tw.sin(t), xr = re(j);
    ExprRef dr = xr * c, di = xr * s;
    if (im) {
      ExprRef xi = im(j);
      dr = dr - xi * s;
      di = di + xi * c;
    }
    return seq({store(acc, intImm(0), load(acc, intImm(0)) + dr), store(acc, intImm(1), load(acc, intImm(1)) + di)});
  });
  return allocate(acc, seq({store(acc, intImm(0), zero), store(acc, intImm(1), zero), sum,
                            finish(load(acc, intImm(0)), load(acc, intImm(1)))}));
}

LoopKind parallelIf(const GroupInfo& g, ScheduleContext& ctx, int64_t iterations, int64_t work) {
  return work >= ctx.knob(g, "parallel_min_flops", 1 << 16) && iterations > 1 ? LoopKind::Parallel
                                                                              : LoopKind::Serial;
}

}  // namespace

StmtRef scheduleDft(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& d = *g.anchor;
  const Value* x = d.input(0);
  checkFloat(d, x);
  checkEpilogue(g);
  std::vector<int64_t> ext = staticExtents(*x), oext = staticExtents(*d.output(0));
  const int64_t rank = static_cast<int64_t>(ext.size());
  if (rank < 2 || (ext.back() != 1 && ext.back() != 2))
    unsupported(d.describe(), ": DFT of an input not [..., 1] or [..., 2] has no CPU schedule");
  int64_t axis = constantInt(d, 2, "axis").value_or(-2);
  if (axis < -rank || axis >= rank) unsupported(d.describe(), ": DFT axis ", axis, " out of range");
  if (axis < 0) axis += rank;
  if (axis == rank - 1) unsupported(d.describe(), ": DFT along the complex dim");
  const int64_t len = ext[static_cast<size_t>(axis)];
  const int64_t n = constantInt(d, 1, "dft_length").value_or(len);
  if (n <= 0) unsupported(d.describe(), ": DFT with dft_length ", n);
  const bool inverse = d.attrInt("inverse", 0) != 0, onesided = d.attrInt("onesided", 0) != 0;
  const int64_t bins = onesided ? n / 2 + 1 : n, comp = ext.back(), m = std::min(len, n);
  if (oext.size() != ext.size() || oext[static_cast<size_t>(axis)] != bins || oext.back() != 2)
    unsupported(d.describe(), ": DFT output shape differs from the computed one");
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= ext[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < rank - 1; ++i) inner *= ext[static_cast<size_t>(i)];
  std::vector<int64_t> outerExt(oext.begin(), oext.begin() + axis), innerExt(oext.begin() + axis + 1, oext.end() - 1);
  const ValueBuffer& X = ctx.buffers.at(x);
  Type t = scalarType(x->type().dtype);
  Twiddles tw(n, inverse, ctx.knob(g, "twiddle_table_max", 1 << 14));
  StmtRef body = loop("ok", outer * bins, parallelIf(g, ctx, outer * bins, outer * bins * inner * m),
                      [&](const ExprRef& ok) {
    ExprRef o = binary(BinOp::Div, ok, intImm(bins)), k = binary(BinOp::Mod, ok, intImm(bins));
    return loop("i", inner, LoopKind::Serial, [&](const ExprRef& i) {
      auto src = [&](const ExprRef& j) { return ((o * len + j) * inner + i) * comp; };
      auto re = [&](const ExprRef& j) { return cast(kF64, load(X.buffer, src(j))); };
      std::function<ExprRef(const ExprRef&)> im;
      if (comp == 2) im = [&](const ExprRef& j) { return cast(kF64, load(X.buffer, src(j) + 1)); };
      return dftSum(tw, k, m, re, im, [&](ExprRef sr, ExprRef si) {
        if (inverse) {
          sr = binary(BinOp::Div, sr, floatImm(static_cast<double>(n), kF64));
          si = binary(BinOp::Div, si, floatImm(static_cast<double>(n), kF64));
        }
        std::vector<ExprRef> idx = delinearize(o, outerExt);
        idx.push_back(k);
        for (const ExprRef& e : delinearize(i, innerExt)) idx.push_back(e);
        std::vector<ExprRef> idxIm = idx;
        idx.push_back(intImm(0));
        idxIm.push_back(intImm(1));
        return seq({storeThroughEpilogue(g, ctx, idx, cast(t, sr)), storeThroughEpilogue(g, ctx, idxIm, cast(t, si))});
      });
    });
  });
  return tw.around(body);
}

StmtRef scheduleStft(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& s = *g.anchor;
  const Value* x = s.input(0);
  const Value* w = s.input(2);
  checkFloat(s, x);
  if (w) checkFloat(s, w);
  checkEpilogue(g);
  std::vector<int64_t> ext = staticExtents(*x), oext = staticExtents(*s.output(0));
  if (ext.size() != 3 || (ext[2] != 1 && ext[2] != 2))
    unsupported(s.describe(), ": STFT of a signal not [batch, length, 1 or 2] has no CPU schedule");
  const int64_t B = ext[0], L = ext[1], comp = ext[2];
  std::optional<int64_t> step = constantInt(s, 1, "frame_step"), frameLen = constantInt(s, 3, "frame_length");
  std::optional<int64_t> window;
  if (w) {
    std::vector<int64_t> we = staticExtents(*w);
    if (we.size() != 1) unsupported(s.describe(), ": STFT with a window not 1-D");
    window = we[0];
  }
  if (!step || *step <= 0) unsupported(s.describe(), ": STFT frame_step must be a positive scalar");
  const int64_t frame = frameLen ? *frameLen : window ? *window : L;
  if (frame <= 0 || frame > L || (window && *window != frame))
    unsupported(s.describe(), ": STFT frame_length ", frame, " invalid for this signal and window");
  const int64_t frames = 1 + (L - frame) / *step;
  const int64_t bins = s.attrInt("onesided", 1) != 0 ? frame / 2 + 1 : frame;
  if (oext != std::vector<int64_t>{B, frames, bins, 2})
    unsupported(s.describe(), ": STFT output shape differs from the computed one");
  const ValueBuffer& X = ctx.buffers.at(x);
  const ValueBuffer* W = w ? &ctx.buffers.at(w) : nullptr;
  Type t = scalarType(x->type().dtype);
  Twiddles tw(frame, false, ctx.knob(g, "twiddle_table_max", 1 << 14));
  const int64_t total = B * frames * bins;
  StmtRef body = loop("bfk", total, parallelIf(g, ctx, total, total * frame), [&](const ExprRef& bfk) {
    ExprRef bf = binary(BinOp::Div, bfk, intImm(bins)), k = binary(BinOp::Mod, bfk, intImm(bins));
    ExprRef b = binary(BinOp::Div, bf, intImm(frames)), f = binary(BinOp::Mod, bf, intImm(frames));
    auto src = [&](const ExprRef& j) { return (b * L + f * *step + j) * comp; };
    auto windowed = [&](ExprRef v, const ExprRef& j) {
      return W ? v * cast(kF64, load(W->buffer, j)) : v;
    };
    auto re = [&](const ExprRef& j) { return windowed(cast(kF64, load(X.buffer, src(j))), j); };
    std::function<ExprRef(const ExprRef&)> im;
    if (comp == 2) im = [&](const ExprRef& j) { return windowed(cast(kF64, load(X.buffer, src(j) + 1)), j); };
    return dftSum(tw, k, frame, re, im, [&](ExprRef sr, ExprRef si) {
      return seq({storeThroughEpilogue(g, ctx, {b, f, k, intImm(0)}, cast(t, sr)),
                  storeThroughEpilogue(g, ctx, {b, f, k, intImm(1)}, cast(t, si))});
    });
  });
  return tw.around(body);
}

}  // namespace dlc::cpu
