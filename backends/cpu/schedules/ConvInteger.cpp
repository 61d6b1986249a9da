// Template for ConvInteger and QLinearConv: the i32 convolution of
// (x - x_zero_point) and (w - w_zero_point) over u8/i8 operands, 1-D and 2-D
// NCHW, groups, strides, dilations, pads and auto_pad; w_zero_point (and
// QLinearConv's w_scale) per tensor or per output channel; QLinearConv adds its
// i32 bias and requantizes in f64 (round half to even, saturated).
// Padding reads as x_zero_point (it contributes 0), by a select on a clamped,
// always in-bounds load.
//
//   for (n, co, oh)                                   (parallel)
//     acc[0..OW) = 0
//     for ci, kh, kw:  wv = w[co, ci, kh, kw] - w_zp[co]
//       for ow (vectorized):  acc[ow] += (x[n, cin, ih, iw(ow)] - x_zp) * wv
//     y[n, co, oh, ow] = epilogue(acc[ow])              (vectorized; QLinearConv requantized first)
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleConvInteger(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& cv = *grp.anchor;
  bool qlinear = cv.op() == "QLinearConv";
  const Value* X = cv.input(0);
  const Value* Wv = cv.input(qlinear ? 3 : 1);
  const Value* xZp = qlinear ? cv.input(2) : (cv.numInputs() > 2 ? cv.input(2) : nullptr);
  const Value* wZp = qlinear ? cv.input(5) : (cv.numInputs() > 3 ? cv.input(3) : nullptr);
  const Value* bias = qlinear && cv.numInputs() > 8 ? cv.input(8) : nullptr;
  for (const Value* v : {X, Wv})
    if (v->type().dtype != DType::UInt8 && v->type().dtype != DType::Int8)
      unsupported(cv.describe(), ": ", cv.op(), " of ", dtypeName(v->type().dtype), " has no CPU schedule");
  std::vector<int64_t> x = staticExtents(*X), w = staticExtents(*Wv), y = staticExtents(*cv.output(0));
  if (x.size() != 3 && x.size() != 4) unsupported(cv.describe(), ": ", x.size() - 2, "-D ConvInteger has no CPU schedule");
  bool is1d = x.size() == 3;
  size_t sp = x.size() - 2;
  int64_t N = x[0], C = x[1], M = y[1], group = cv.attrInt("group", 1);
  int64_t H = is1d ? 1 : x[2], W = x.back(), OH = is1d ? 1 : y[2], OW = y.back();
  int64_t KH = is1d ? 1 : w[2], KW = w.back();
  std::vector<int64_t> strides = cv.attrInts("strides", std::vector<int64_t>(sp, 1));
  std::vector<int64_t> dil = cv.attrInts("dilations", std::vector<int64_t>(sp, 1));
  int64_t sh = is1d ? 1 : strides[0], sw = strides.back(), dh = is1d ? 1 : dil[0], dw = dil.back();
  int64_t ph = is1d ? 0 : leadingPad(cv, 0, H, OH, KH, sh, dh);
  int64_t pw = leadingPad(cv, sp - 1, W, OW, KW, sw, dw);
  int64_t cinG = C / group, coutG = M / group;

  Type i32t{DType::Int32, 1};
  ExprBuilder params(ctx.buffers, {});
  ExprRef xz = intImm(0, i32t);
  if (xZp) {
    std::vector<int64_t> e = staticExtents(*xZp);
    if (numElements(e) != 1) unsupported(cv.describe(), ": ConvInteger with a non-scalar x_zero_point");
    xz = cast(i32t, params.load(xZp, std::vector<ExprRef>(e.size(), intImm(0))));
  }
  auto wzAt = [&](const ExprRef& co) -> ExprRef {
    if (!wZp) return intImm(0, i32t);
    std::vector<int64_t> e = staticExtents(*wZp);
    if (numElements(e) == 1) return cast(i32t, params.load(wZp, std::vector<ExprRef>(e.size(), intImm(0))));
    if (e.size() != 1 || e[0] != M) unsupported(cv.describe(), ": ConvInteger w_zero_point of shape other than [M]");
    return cast(i32t, params.load(wZp, {co}));
  };
  // QLinearConv: y = saturate(round_half_even((acc + B[co]) * mult[co] + y_zp)),
  // mult = round(round(x_scale * w_scale[co]) / y_scale) in the scales' type.
  DType sd = qlinear ? cv.input(1)->type().dtype : DType::Float32;
  DType out = cv.output(0)->type().dtype;
  if (qlinear) {
    if (!isFloat(sd) || (out != DType::UInt8 && out != DType::Int8))
      unsupported(cv.describe(), ": QLinearConv to ", dtypeName(out), " has no CPU schedule");
    for (size_t i : {1, 6, 7})
      if (numElements(staticExtents(*cv.input(i))) != 1)
        unsupported(cv.describe(), ": QLinearConv with a non-scalar input ", i);
    if (bias && (bias->type().dtype != DType::Int32 || staticExtents(*bias) != std::vector<int64_t>{M}))
      unsupported(cv.describe(), ": QLinearConv bias other than i32 [M]");
  }
  auto scalarAt = [&](const Value* v) { return params.load(v, std::vector<ExprRef>(staticExtents(*v).size(), intImm(0))); };
  auto requantize = [&](ExprRef acc, const ExprRef& co) -> ExprRef {
    if (bias) acc = acc + params.load(bias, {co});
    Type st{sd, 1}, wide{sd == DType::Float64 ? DType::Float64 : DType::Float32, 1}, f64{DType::Float64, 1};
    auto w = [&](ExprRef e) { return e->type == wide ? e : cast(wide, e); };
    auto rnd = [&](ExprRef e) { return sd == wide.scalar ? e : w(cast(st, e)); };
    std::vector<int64_t> we = staticExtents(*cv.input(4));
    if (numElements(we) != 1 && (we.size() != 1 || we[0] != M))
      unsupported(cv.describe(), ": QLinearConv w_scale of shape other than scalar or [M]");
    ExprRef ws = numElements(we) == 1 ? scalarAt(cv.input(4)) : params.load(cv.input(4), {co});
    ExprRef mult = rnd(binary(BinOp::Div, rnd(w(scalarAt(cv.input(1))) * w(ws)), w(scalarAt(cv.input(6)))));
    ExprRef y = call(Intrinsic::Round, {cast(f64, acc) * cast(f64, mult) + cast(f64, scalarAt(cv.input(7)))});
    double lo = out == DType::UInt8 ? 0 : -128, hi = out == DType::UInt8 ? 255 : 127;
    return cast(Type{out, 1}, kernel::min(kernel::max(y, floatImm(lo, f64)), floatImm(hi, f64)));
  };
  const ValueBuffer& Xb = ctx.buffers.at(X);
  const ValueBuffer& Wb = ctx.buffers.at(Wv);
  bool needsMask = ph > 0 || pw > 0 || (OH - 1) * sh + (KH - 1) * dh >= H || (OW - 1) * sw + (KW - 1) * dw >= W;

  int lanes = static_cast<int>(ctx.knob(grp, "vector_lanes", ctx.spec.floatLanes()));
  int64_t rows = N * M * OH;
  double flops = 2.0 * N * M * OH * OW * cinG * KH * KW;
  LoopKind kind = flops >= ctx.knob(grp, "parallel_min_flops", 1 << 16) && rows > 1 ? LoopKind::Parallel
                                                                                     : LoopKind::Serial;
  return loop("row", rows, kind, [&](const ExprRef& row) {
    ExprRef oh = binary(BinOp::Mod, row, intImm(OH));
    ExprRef rest = binary(BinOp::Div, row, intImm(OH));
    ExprRef co = binary(BinOp::Mod, rest, intImm(M));
    ExprRef n = binary(BinOp::Div, rest, intImm(M));
    ExprRef gi = binary(BinOp::Div, co, intImm(coutG));
    BufferRef acc = makeBuffer("acc", DType::Int32, OW, MemScope::Local);
    std::vector<StmtRef> body;
    body.push_back(vectorizedLoop("ow", OW, lanes, [&](const ExprRef& ow) { return store(acc, ow, intImm(0, i32t)); }));
    Var wv = makeVar("wv", i32t);
    body.push_back(loop("ci", cinG, LoopKind::Serial, [&](const ExprRef& ci) {
      ExprRef cin = gi * cinG + ci;
      return loop("kh", KH, LoopKind::Serial, [&](const ExprRef& kh) {
        ExprRef ih = oh * sh + kh * dh - intImm(ph);
        return loop("kw", KW, LoopKind::Serial, [&](const ExprRef& kw) {
          ExprRef wi = ((co * cinG + ci) * KH + kh) * KW + kw;
          ExprRef wval = cast(i32t, load(Wb.buffer, wi)) - wzAt(co);
          return letStmt(wv, wval, vectorizedLoop("ow", OW, lanes, [&](const ExprRef& ow) {
            ExprRef iw = ow * sw + kw * dw - intImm(pw);
            ExprRef chH = kernel::min(kernel::max(ih, intImm(0)), intImm(H - 1));
            ExprRef chW = kernel::min(kernel::max(iw, intImm(0)), intImm(W - 1));
            ExprRef xv = cast(i32t, load(Xb.buffer, ((n * C + cin) * H + chH) * W + chW)) - xz;
            if (needsMask) {
              ExprRef inH = binary(BinOp::And, binary(BinOp::GE, ih, intImm(0)), binary(BinOp::LT, ih, intImm(H)));
              ExprRef inW = binary(BinOp::And, binary(BinOp::GE, iw, intImm(0)), binary(BinOp::LT, iw, intImm(W)));
              xv = select(binary(BinOp::And, inH, inW), xv, intImm(0, i32t));
            }
            return store(acc, ow, load(acc, ow) + xv * varRef(wv));
          }));
        });
      });
    }));
    body.push_back(vectorizedLoop("ow", OW, lanes, [&](const ExprRef& ow) {
      std::vector<ExprRef> oidx = is1d ? std::vector<ExprRef>{n, co, ow} : std::vector<ExprRef>{n, co, oh, ow};
      ExprRef v = load(acc, ow);
      return storeThroughEpilogue(grp, ctx, oidx, qlinear ? requantize(v, co) : v);
    }));
    return allocate(acc, seq(body));
  });
}

}  // namespace dlc::cpu
