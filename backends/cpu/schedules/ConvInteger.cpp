// Template for ConvInteger: the i32 convolution of (x - x_zero_point) and
// (w - w_zero_point) over u8/i8 operands, 1-D and 2-D NCHW, groups, strides,
// dilations, pads and auto_pad; w_zero_point per tensor or per output channel.
// Padding reads as x_zero_point (it contributes 0), by a select on a clamped,
// always in-bounds load.
//
//   for (n, co, oh)                                   (parallel)
//     acc[0..OW) = 0
//     for ci, kh, kw:  wv = w[co, ci, kh, kw] - w_zp[co]
//       for ow (vectorized):  acc[ow] += (x[n, cin, ih, iw(ow)] - x_zp) * wv
//     y[n, co, oh, ow] = epilogue(acc[ow])              (vectorized)
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleConvInteger(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& cv = *grp.anchor;
  const Value* X = cv.input(0);
  const Value* Wv = cv.input(1);
  const Value* xZp = cv.numInputs() > 2 ? cv.input(2) : nullptr;
  const Value* wZp = cv.numInputs() > 3 ? cv.input(3) : nullptr;
  for (const Value* v : {X, Wv})
    if (v->type().dtype != DType::UInt8 && v->type().dtype != DType::Int8)
      unsupported(cv.describe(), ": ConvInteger of ", dtypeName(v->type().dtype), " has no CPU schedule");
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
      return storeThroughEpilogue(grp, ctx, oidx, load(acc, ow));
    }));
    return allocate(acc, seq(body));
  });
}

}  // namespace dlc::cpu
