// Template for 1-D, 2-D and 3-D ConvTranspose (groups, strides, dilations,
// pads, auto_pad, output_padding, output_shape, bias) with a fused elementwise
// epilogue. The spatial dims are seen as (D, H, W), 1-D and 2-D problems having
// leading extents of 1.
//
// Note on the loop nest: the reference scatters each input element into the
// outputs its kernel covers; here every output element gathers instead. An
// output o receives tap k from input i = (o + pad - k * dil) / stride when that
// division is exact and i is in range. Output row (n, m, od, oh) is the
// parallel unit; D and H taps that miss are skipped by a scalar if, W taps are
// masked per lane by a select on a clamped (always in-bounds) load.
//
//   for (n, m, od, oh)                                  (parallel)
//     for ow0 in 0..OW step lanes                       (+ serial tail)
//       acc[lanes] = bias[m]
//       for c, kd, kh (if the D/H input rows exist), kw:
//         acc[v] += x[n, g*Cg + c, id, ih, iw(v)] * w[g*Cg + c, m % Mg, kd, kh, kw]
//       y[n, m, od, oh, ow0 + v] = epilogue(acc[v])
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

// Per spatial dim (D, H, W): input, kernel and output extents, stride,
// dilation and leading pad, as core/ops' transposeGeom computes them.
struct TransposeGeom {
  int64_t in[3], k[3], out[3], s[3], d[3], p[3];
};

TransposeGeom geomOf(const Node& n, const std::vector<int64_t>& x, const std::vector<int64_t>& w,
                     const std::vector<int64_t>& y) {
  size_t r = x.size() - 2;
  auto perDim = [&](const char* name, int64_t dflt) {
    std::vector<int64_t> v = n.attrInts(name, {});
    return v.empty() ? std::vector<int64_t>(r, dflt) : v;
  };
  std::vector<int64_t> s = perDim("strides", 1), d = perDim("dilations", 1), outPad = perDim("output_padding", 0);
  std::vector<int64_t> pads = n.attrInts("pads", std::vector<int64_t>(2 * r, 0));
  std::vector<int64_t> outShape = n.attrInts("output_shape", {});
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  TransposeGeom g{};
  for (size_t j = 0; j < 3; ++j) g.in[j] = g.k[j] = g.out[j] = g.s[j] = g.d[j] = 1, g.p[j] = 0;
  for (size_t i = 0; i < r; ++i) {
    size_t j = 3 - r + i;
    g.in[j] = x[2 + i], g.k[j] = w[2 + i], g.out[j] = y[2 + i], g.s[j] = s[i], g.d[j] = d[i];
    int64_t full = s[i] * (x[2 + i] - 1) + outPad[i] + (w[2 + i] - 1) * d[i] + 1;
    if (!outShape.empty() || same) {
      // The output extent is fixed; the difference to the full extent is split into pads.
      int64_t total = full - y[2 + i];
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);  // floor(total / 2)
      g.p[j] = autoPad == "SAME_UPPER" ? half : total - half;
    } else if (autoPad == "VALID") {
      g.p[j] = 0;
    } else {
      g.p[j] = pads.at(i);
    }
  }
  return g;
}

ExprRef inRange(const ExprRef& i, int64_t hi) {
  return binary(BinOp::And, binary(BinOp::GE, i, intImm(0)), binary(BinOp::LT, i, intImm(hi)));
}

}  // namespace

StmtRef scheduleConvTranspose(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& cv = *grp.anchor;
  DType dt = cv.output(0)->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(cv.describe(), ": ConvTranspose of ", dtypeName(dt), " has no CPU schedule");
  std::vector<int64_t> xe = staticExtents(*cv.input(0)), we = staticExtents(*cv.input(1)),
                       ye = staticExtents(*cv.output(0));
  if (xe.size() < 3 || xe.size() > 5)
    unsupported(cv.describe(), ": ", xe.size() - 2, "-D ConvTranspose has no CPU schedule");
  Type t = scalarType(dt);
  size_t sp = xe.size() - 2;
  TransposeGeom g = geomOf(cv, xe, we, ye);
  int64_t N = xe[0], C = xe[1], group = cv.attrInt("group", 1), Mg = we[1], M = Mg * group, Cg = C / group;
  int64_t OD = g.out[0], OH = g.out[1], OW = g.out[2];
  int lanes = static_cast<int>(ctx.knob(grp, "vector_lanes", dt == DType::Float64 ? ctx.spec.floatLanes() / 2
                                                                                   : ctx.spec.floatLanes()));
  if (OW < lanes) lanes = 1;
  const ValueBuffer& X = ctx.buffers.at(cv.input(0));
  const ValueBuffer& Wt = ctx.buffers.at(cv.input(1));
  const Value* bias = cv.input(2);
  ExprBuilder biasLoader(ctx.buffers, {});

  int64_t rows = N * M * OD * OH;
  double flops = 2.0 * N * M * OD * OH * OW * Cg * g.k[0] * g.k[1] * g.k[2];
  LoopKind kind =
      flops >= ctx.knob(grp, "parallel_min_flops", 1 << 16) && rows > 1 ? LoopKind::Parallel : LoopKind::Serial;

  return loop("row", rows, kind, [&](const ExprRef& row) {
    std::vector<ExprRef> r = delinearize(row, {N, M, OD, OH});
    ExprRef n = r[0], m = r[1], od = r[2], oh = r[3];
    ExprRef gi = binary(BinOp::Div, m, intImm(Mg)), mm = binary(BinOp::Mod, m, intImm(Mg));
    // The input index of tap k for output o along dim j, and whether it exists.
    auto tap = [&](int j, const ExprRef& o, const ExprRef& k, ExprRef& valid) {
      ExprRef num = o + intImm(g.p[j]) - k * g.d[j];
      if (g.s[j] == 1) {
        valid = inRange(num, g.in[j]);
        return kernel::min(kernel::max(num, intImm(0)), intImm(g.in[j] - 1));
      }
      ExprRef nc = kernel::max(num, intImm(0));
      ExprRef i = binary(BinOp::Div, nc, intImm(g.s[j]));
      valid = binary(BinOp::And, binary(BinOp::And, binary(BinOp::GE, num, intImm(0)),
                                        binary(BinOp::EQ, binary(BinOp::Mod, nc, intImm(g.s[j])), intImm(0))),
                     binary(BinOp::LT, i, intImm(g.in[j])));
      return kernel::min(i, intImm(g.in[j] - 1));
    };
    // One tile of ln output columns starting at ow0.
    auto tile = [&](ExprRef ow0, int ln) {
      BufferRef acc = makeBuffer("acc", dt, ln, MemScope::Register);
      auto lanesLoop = [&](const std::function<StmtRef(const ExprRef&)>& f) {
        Var v = makeVar("v");
        return ln > 1 ? forLoop(v, intImm(0), intImm(ln), LoopKind::Vectorized, f(varRef(v))) : f(intImm(0));
      };
      std::vector<StmtRef> body;
      body.push_back(lanesLoop([&](const ExprRef& v) {
        return store(acc, v, bias ? biasLoader.load(bias, {m}) : floatImm(0, t));
      }));
      body.push_back(loop("c", Cg, LoopKind::Serial, [&](const ExprRef& c) {
        ExprRef ci = gi * Cg + c;
        return loop("kd", g.k[0], LoopKind::Serial, [&](const ExprRef& kd) {
          ExprRef okD;
          ExprRef id = tap(0, od, kd, okD);
          StmtRef inner = loop("kh", g.k[1], LoopKind::Serial, [&](const ExprRef& kh) {
            ExprRef okH;
            ExprRef ih = tap(1, oh, kh, okH);
            StmtRef taps = loop("kw", g.k[2], LoopKind::Serial, [&](const ExprRef& kw) {
              return lanesLoop([&](const ExprRef& v) {
                ExprRef okW;
                ExprRef iw = tap(2, ow0 + v, kw, okW);
                ExprRef xv = load(X.buffer, (((n * C + ci) * g.in[0] + id) * g.in[1] + ih) * g.in[2] + iw);
                xv = select(okW, xv, floatImm(0, t));
                ExprRef wv = load(Wt.buffer, (((ci * Mg + mm) * g.k[0] + kd) * g.k[1] + kh) * g.k[2] + kw);
                return store(acc, v, load(acc, v) + xv * wv);
              });
            });
            return sp < 2 ? taps : ifThenElse(okH, taps);
          });
          return sp < 3 ? inner : ifThenElse(okD, inner);
        });
      }));
      body.push_back(lanesLoop([&](const ExprRef& v) {
        std::vector<ExprRef> oidx = {n, m};
        if (sp == 3) oidx.push_back(od);
        if (sp >= 2) oidx.push_back(oh);
        oidx.push_back(ow0 + v);
        return storeThroughEpilogue(grp, ctx, oidx, load(acc, v));
      }));
      return allocate(acc, seq(body));
    };
    return tiledRow(OW, lanes, tile);
  });
}

}  // namespace dlc::cpu
