// Template for RoiAlign (avg and max, half_pixel and output_half_pixel).
//
// Loop nest: (roi, channel) pairs are one parallel loop; per pair the roi's
// box, bin sizes and sample counts are let-bound (f64, the reference's
// formulas; sample counts are computed from the box when sampling_ratio is 0),
// then serial loops over the output cells (ph, pw) and their gh x gw sample
// points. Each sample is a bilinear tap of four clamped positions, summed
// (avg) or maxed (max) into an f64 register in the reference's order.
#include <cmath>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

ExprRef toF(const ExprRef& e) { return cast(f64(), e); }

}  // namespace

StmtRef scheduleRoiAlign(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& ra = *g.anchor;
  const Value *xv = ra.input(0), *rv = ra.input(1), *bv = ra.input(2);
  std::vector<int64_t> xe = staticExtents(*xv), re = staticExtents(*rv), oe = staticExtents(*ra.output(0));
  DType dt = xv->type().dtype;
  if (!isFloat(dt) || !isFloat(rv->type().dtype) || !isInteger(bv->type().dtype))
    unsupported(ra.describe(), ": RoiAlign of ", dtypeName(dt), " has no CPU schedule");
  if (xe.size() != 4 || re.size() != 2 || re[1] != 4 || numElements(staticExtents(*bv)) != re[0])
    unsupported(ra.describe(), ": RoiAlign shapes do not match");
  const int64_t R = re[0], N = xe[0], C = xe[1], H = xe[2], W = xe[3];
  const int64_t OH = ra.attrInt("output_height", 1), OW = ra.attrInt("output_width", 1);
  const int64_t ratio = ra.attrInt("sampling_ratio", 0);
  const double scale = ra.attrFloat("spatial_scale", 1.0);
  const std::string ctm = ra.attrString("coordinate_transformation_mode", "half_pixel");
  const std::string mode = ra.attrString("mode", "avg");
  if ((ctm != "half_pixel" && ctm != "output_half_pixel") || (mode != "avg" && mode != "max"))
    unsupported(ra.describe(), ": RoiAlign ", mode, "/", ctm, " has no CPU schedule");
  if (H <= 0 || W <= 0 || OH <= 0 || OW <= 0 || N <= 0) unsupported(ra.describe(), ": RoiAlign of an empty input");
  if (R * C == 0) return seq({});
  const bool halfPixel = ctm == "half_pixel", avg = mode == "avg";
  BufferRef X = ctx.buffers.at(xv).buffer, Rois = ctx.buffers.at(rv).buffer, B = ctx.buffers.at(bv).buffer;
  Type ot = scalarType(dt);
  BufferRef acc = makeBuffer("acc", DType::Float64, 1, MemScope::Register);
  LoopKind kind =
      R * C * OH * OW >= ctx.knob(g, "parallel_min_outputs", 256) && R * C > 1 ? LoopKind::Parallel : LoopKind::Serial;
  return loop("rc", R * C, kind, [&](const ExprRef& rc) {
    ExprRef r = binary(BinOp::Div, rc, intImm(C)), c = binary(BinOp::Mod, rc, intImm(C));
    std::vector<std::pair<Var, ExprRef>> lets;
    auto let = [&](const std::string& name, const ExprRef& value) {
      Var v = makeVar(name, value->type);
      lets.push_back({v, value});
      return varRef(v);
    };
    auto roi = [&](int k) { return toF(load(Rois, r * 4 + intImm(k))) * f64Imm(scale); };
    double off = halfPixel ? 0.5 : 0.0;
    ExprRef b = let("b", kernel::min(kernel::max(cast(i64(), load(B, r)), intImm(0)), intImm(N - 1)));
    ExprRef x0 = let("x0", roi(0) - f64Imm(off)), y0 = let("y0", roi(1) - f64Imm(off));
    ExprRef rw = roi(2) - f64Imm(off) - x0, rh = roi(3) - f64Imm(off) - y0;
    if (!halfPixel) rw = kernel::max(rw, f64Imm(1.0)), rh = kernel::max(rh, f64Imm(1.0));
    rw = let("rw", rw), rh = let("rh", rh);
    ExprRef bh = let("bh", binary(BinOp::Div, rh, f64Imm(static_cast<double>(OH))));
    ExprRef bw = let("bw", binary(BinOp::Div, rw, f64Imm(static_cast<double>(OW))));
    auto samples = [&](const ExprRef& len, int64_t outLen) {
      return ratio > 0 ? intImm(ratio)
                       : cast(i64(), call(Intrinsic::Ceil, {binary(BinOp::Div, len, f64Imm(static_cast<double>(outLen)))}));
    };
    ExprRef gh = let("gh", samples(rh, OH)), gw = let("gw", samples(rw, OW));
    ExprRef count = let("count", toF(kernel::max(gh * gw, intImm(1))));
    ExprRef plane = (b * C + c) * (H * W);

    StmtRef cells = loop("ph", OH, LoopKind::Serial, [&](const ExprRef& ph) {
      return loop("pw", OW, LoopKind::Serial, [&](const ExprRef& pw) {
        Var iyV = makeVar("iy"), ixV = makeVar("ix");
        ExprRef iy = varRef(iyV), ix = varRef(ixV);
        // One sample point's bilinear tap (the reference's roiTap).
        ExprRef y = y0 + toF(ph) * bh + binary(BinOp::Div, (toF(iy) + f64Imm(0.5)) * bh, toF(gh));
        ExprRef x = x0 + toF(pw) * bw + binary(BinOp::Div, (toF(ix) + f64Imm(0.5)) * bw, toF(gw));
        Var yV = makeVar("y", f64()), xV = makeVar("x", f64());
        ExprRef yr = varRef(yV), xr = varRef(xV);
        ExprRef empty =
            binary(BinOp::Or, binary(BinOp::Or, binary(BinOp::LT, yr, f64Imm(-1.0)), binary(BinOp::GT, yr, f64Imm(double(H)))),
                binary(BinOp::Or, binary(BinOp::LT, xr, f64Imm(-1.0)), binary(BinOp::GT, xr, f64Imm(double(W)))));
        auto axis = [&](const ExprRef& v, int64_t len, ExprRef& lo, ExprRef& hi, ExprRef& frac) {
          ExprRef vc = kernel::max(v, f64Imm(0));
          ExprRef l0 = cast(i64(), vc);
          ExprRef edge = binary(BinOp::GE, l0, intImm(len - 1));
          lo = select(edge, intImm(len - 1), l0);
          hi = select(edge, intImm(len - 1), l0 + intImm(1));
          frac = select(edge, toF(lo), vc) - toF(lo);
        };
        ExprRef yl, yh, ly, xl, xh, lx;
        axis(yr, H, yl, yh, ly);
        axis(xr, W, xl, xh, lx);
        ExprRef hy = f64Imm(1) - ly, hx = f64Imm(1) - lx;
        ExprRef pos[4] = {yl * W + xl, yl * W + xh, yh * W + xl, yh * W + xh};
        ExprRef wts[4] = {hy * hx, hy * lx, ly * hx, ly * lx};
        ExprRef terms[4];
        for (int q = 0; q < 4; ++q) {
          ExprRef p = select(empty, intImm(0), pos[q]), w = select(empty, f64Imm(0), wts[q]);
          terms[q] = w * toF(load(X, plane + p));
        }
        ExprRef a = load(acc, intImm(0));
        StmtRef update;
        if (avg) {
          ExprRef s = a;
          for (const ExprRef& t : terms) s = s + t;
          update = store(acc, intImm(0), s);
        } else {
          ExprRef v = terms[0];
          for (int q = 1; q < 4; ++q) v = kernel::max(v, terms[q]);
          ExprRef first = binary(BinOp::And, binary(BinOp::EQ, iy, intImm(0)), binary(BinOp::EQ, ix, intImm(0)));
          update = store(acc, intImm(0), select(first, v, kernel::max(a, v)));
        }
        StmtRef sample = letStmt(yV, y, letStmt(xV, x, update));
        StmtRef grid =
            forLoop(iyV, intImm(0), gh, LoopKind::Serial, forLoop(ixV, intImm(0), gw, LoopKind::Serial, sample));
        ExprRef result = avg ? binary(BinOp::Div, load(acc, intImm(0)), count) : load(acc, intImm(0));
        std::vector<ExprRef> outIdx{r, c, ph, pw};
        return seq({store(acc, intImm(0), f64Imm(0)), grid, storeThroughEpilogue(g, ctx, outIdx, cast(ot, result))});
      });
    });
    StmtRef s = allocate(acc, cells);
    for (size_t i = lets.size(); i-- > 0;) s = letStmt(lets[i].first, lets[i].second, s);
    return s;
  });
}

}  // namespace dlc::cpu
