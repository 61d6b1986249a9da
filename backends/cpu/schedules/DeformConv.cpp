// Template for 2-D DeformConv (group, offset_group, strides, pads, dilations,
// optional bias B and mask) with a fused elementwise epilogue.
//
// Each kernel tap samples X bilinearly (zero outside the image) at its regular
// position plus the learned offset (dy, dx) for that tap, offset group and
// output pixel, scaled by the mask when there is one. The reference builds the
// sampled columns first; here each output element samples its own taps, in
// the reference's order of accumulation (bias, then channel, then tap).
//
//   for (n, m, oh)                                   (parallel)
//     for ow0 in 0..OW step lanes                    (+ serial tail)
//       acc[lanes] = B[m]
//       for cl, kh, kw:
//         (py, px) = (oh, ow(v)) * stride - pad + (kh, kw) * dil + offset[n, og, kh, kw, :, oh, ow(v)]
//         acc[v] += W[m, cl, kh, kw] * bilinear(X[n, c], py, px) * mask[n, og, kh, kw, oh, ow(v)]
//       Y[n, m, oh, ow0 + v] = epilogue(acc[v])
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleDeformConv(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& dc = *grp.anchor;
  DType dt = dc.output(0)->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(dc.describe(), ": DeformConv of ", dtypeName(dt), " has no CPU schedule");
  std::vector<int64_t> xe = staticExtents(*dc.input(0)), we = staticExtents(*dc.input(1)),
                       ye = staticExtents(*dc.output(0));
  if (xe.size() != 4) unsupported(dc.describe(), ": ", xe.size() - 2, "-D DeformConv has no CPU schedule");
  Type t = scalarType(dt);
  int64_t N = xe[0], C = xe[1], H = xe[2], W = xe[3], M = we[0], KH = we[2], KW = we[3], OH = ye[2], OW = ye[3];
  int64_t group = dc.attrInt("group", 1), offGroup = dc.attrInt("offset_group", 1);
  int64_t K = KH * KW;
  std::vector<int64_t> pads = dc.attrInts("pads", {0, 0, 0, 0}), st = dc.attrInts("strides", {1, 1}),
                       dl = dc.attrInts("dilations", {1, 1});
  DLC_CHECK(group > 0 && offGroup > 0 && C == we[1] * group && M % group == 0 && C % offGroup == 0, dc.describe(),
            ": channels do not match group / offset_group");
  DLC_CHECK(staticExtents(*dc.input(2)) == (std::vector<int64_t>{N, offGroup * 2 * K, OH, OW}), dc.describe(),
            ": offset must have shape [", N, ", ", offGroup * 2 * K, ", ", OH, ", ", OW, "]");
  if (dc.input(4))
    DLC_CHECK(staticExtents(*dc.input(4)) == (std::vector<int64_t>{N, offGroup * K, OH, OW}), dc.describe(),
              ": mask must have shape [", N, ", ", offGroup * K, ", ", OH, ", ", OW, "]");
  int64_t cpg = C / group, mpg = M / group, cpo = C / offGroup;
  const ValueBuffer& X = ctx.buffers.at(dc.input(0));
  const ValueBuffer& Wt = ctx.buffers.at(dc.input(1));
  const ValueBuffer& Off = ctx.buffers.at(dc.input(2));
  const Value* bias = dc.input(3);
  const Value* mask = dc.input(4);
  ExprBuilder params(ctx.buffers, {});
  int lanes = static_cast<int>(ctx.knob(grp, "vector_lanes", dt == DType::Float64 ? ctx.spec.floatLanes() / 2
                                                                                   : ctx.spec.floatLanes()));
  if (OW < lanes) lanes = 1;
  int64_t rows = N * M * OH, plane = OH * OW;
  double flops = 20.0 * N * M * plane * cpg * K;
  LoopKind kind =
      flops >= ctx.knob(grp, "parallel_min_flops", 1 << 16) && rows > 1 ? LoopKind::Parallel : LoopKind::Serial;

  return loop("row", rows, kind, [&](const ExprRef& row) {
    std::vector<ExprRef> r = delinearize(row, {N, M, OH});
    ExprRef n = r[0], m = r[1], oh = r[2];
    ExprRef g = binary(BinOp::Div, m, intImm(mpg));
    // One tile of ln output columns starting at ow0.
    auto tile = [&](ExprRef ow0, int ln) {
      BufferRef acc = makeBuffer("acc", dt, ln, MemScope::Register);
      auto lanesLoop = [&](const std::function<StmtRef(const ExprRef&)>& f) {
        Var v = makeVar("v");
        return ln > 1 ? forLoop(v, intImm(0), intImm(ln), LoopKind::Vectorized, f(varRef(v))) : f(intImm(0));
      };
      std::vector<StmtRef> body;
      body.push_back(lanesLoop([&](const ExprRef& v) {
        return store(acc, v, bias ? params.load(bias, {m}) : floatImm(0, t));
      }));
      body.push_back(loop("cl", cpg, LoopKind::Serial, [&](const ExprRef& cl) {
        ExprRef c = g * cpg + cl;
        ExprRef og = binary(BinOp::Div, c, intImm(cpo));
        return loop("kh", KH, LoopKind::Serial, [&](const ExprRef& kh) {
          return loop("kw", KW, LoopKind::Serial, [&](const ExprRef& kw) {
            ExprRef k = kh * KW + kw;
            ExprRef wv = load(Wt.buffer, ((m * cpg + cl) * KH + kh) * KW + kw);
            return lanesLoop([&](const ExprRef& v) {
              ExprRef ow = ow0 + v, pix = oh * OW + ow;
              ExprRef offBase = (n * offGroup + og) * (2 * K) + k * 2;
              ExprRef dy = load(Off.buffer, offBase * plane + pix);
              ExprRef dx = load(Off.buffer, (offBase + 1) * plane + pix);
              Var py = makeVar("py", t), px = makeVar("px", t), fy = makeVar("fy", t), fx = makeVar("fx", t);
              Var y0 = makeVar("y0"), x0 = makeVar("x0");
              ExprRef Y = varRef(py), Xp = varRef(px), FY = varRef(fy), FX = varRef(fx);
              ExprRef Y0 = varRef(y0), X0 = varRef(x0);
              // X[n, c] at (yy, xx), zero outside the image; the load is clamped in bounds.
              auto at = [&](const ExprRef& yy, const ExprRef& xx) {
                ExprRef inside = binary(BinOp::And,
                                        binary(BinOp::And, binary(BinOp::GE, yy, intImm(0)), binary(BinOp::LT, yy, intImm(H))),
                                        binary(BinOp::And, binary(BinOp::GE, xx, intImm(0)), binary(BinOp::LT, xx, intImm(W))));
                ExprRef cy = kernel::min(kernel::max(yy, intImm(0)), intImm(H - 1));
                ExprRef cx = kernel::min(kernel::max(xx, intImm(0)), intImm(W - 1));
                return select(inside, load(X.buffer, ((n * C + c) * H + cy) * W + cx), floatImm(0, t));
              };
              ExprRef one = floatImm(1, t);
              ExprRef ly = Y - FY, lx = Xp - FX;
              ExprRef val = (one - ly) * (one - lx) * at(Y0, X0) + (one - ly) * lx * at(Y0, X0 + 1) +
                            ly * (one - lx) * at(Y0 + 1, X0) + ly * lx * at(Y0 + 1, X0 + 1);
              if (mask) val = val * params.load(mask, {n, og * K + k, oh, ow});
              StmtRef upd = store(acc, v, load(acc, v) + wv * val);
              ExprRef baseY = cast(t, oh * st[0] - intImm(pads[0]) + kh * dl[0]);
              ExprRef baseX = cast(t, ow * st[1] - intImm(pads[1]) + kw * dl[1]);
              return letStmt(py, baseY + dy, letStmt(px, baseX + dx,
                     letStmt(fy, call(Intrinsic::Floor, {Y}), letStmt(fx, call(Intrinsic::Floor, {Xp}),
                     letStmt(y0, cast(i64(), FY), letStmt(x0, cast(i64(), FX), upd))))));
            });
          });
        });
      }));
      body.push_back(lanesLoop([&](const ExprRef& v) {
        return storeThroughEpilogue(grp, ctx, {n, m, oh, ow0 + v}, load(acc, v));
      }));
      return allocate(acc, seq(body));
    };
    return tiledRow(OW, lanes, tile);
  });
}

}  // namespace dlc::cpu
