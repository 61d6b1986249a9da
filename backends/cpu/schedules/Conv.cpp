// Template for 1-D and 2-D Conv (NCHW, groups, strides, dilations, pads,
// auto_pad, bias) with a fused elementwise epilogue.
//
// Note on the loop nest: output row (n, co-block, oh) is the parallel unit. A
// tile of tile_co output channels x (vector_lanes) output columns accumulates
// in a register-scope buffer; for each (ci, kh, kw) one vector of input
// (strided by the conv stride) is loaded and multiplied with tile_co broadcast
// weights. Padding is handled by a select on the (clamped, always in-bounds)
// load, so border columns need no separate code.
//
//   for (n, cob, oh)                               (parallel)
//     for ow0 in 0..OW step lanes                  (+ serial tail)
//       acc[tile_co][lanes] = 0
//       for ci, kh, kw: acc[c][v] += x[n, ci, ih, iw(v)] * w[co+c, ci, kh, kw]
//       y[n, co+c, oh, ow0+v] = epilogue(acc[c][v] + bias[co+c])
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

struct ConvGeom {
  int64_t N, C, H, W, M, OH, OW, KH, KW;
  int64_t sh = 1, sw = 1, dh = 1, dw = 1, ph = 0, pw = 0, group = 1;
};

ConvGeom geomOf(const Node& n) {
  std::vector<int64_t> x = staticExtents(*n.input(0)), w = staticExtents(*n.input(1)), y = staticExtents(*n.output(0));
  if (x.size() != 3 && x.size() != 4) unsupported(n.describe(), ": ", x.size() - 2, "-D Conv has no CPU schedule");
  size_t sp = x.size() - 2;
  ConvGeom g{};
  g.N = x[0];
  g.C = x[1];
  g.M = y[1];
  g.group = n.attrInt("group", 1);
  std::vector<int64_t> strides = n.attrInts("strides", std::vector<int64_t>(sp, 1));
  std::vector<int64_t> dil = n.attrInts("dilations", std::vector<int64_t>(sp, 1));
  if (sp == 1) {
    g.H = g.OH = g.KH = 1;
    g.W = x[2], g.OW = y[2], g.KW = w[2];
    g.sw = strides[0], g.dw = dil[0];
    g.pw = leadingPad(n, 0, g.W, g.OW, g.KW, g.sw, g.dw);
  } else {
    g.H = x[2], g.W = x[3], g.OH = y[2], g.OW = y[3], g.KH = w[2], g.KW = w[3];
    g.sh = strides[0], g.sw = strides[1], g.dh = dil[0], g.dw = dil[1];
    g.ph = leadingPad(n, 0, g.H, g.OH, g.KH, g.sh, g.dh);
    g.pw = leadingPad(n, 1, g.W, g.OW, g.KW, g.sw, g.dw);
  }
  return g;
}

}  // namespace

StmtRef scheduleConv(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& cv = *grp.anchor;
  DType dt = cv.output(0)->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(cv.describe(), ": Conv of ", dtypeName(dt), " has no CPU schedule");
  Type t = scalarType(dt);
  ConvGeom g = geomOf(cv);
  int64_t cinG = g.C / g.group, coutG = g.M / g.group;
  int lanes = static_cast<int>(ctx.knob(grp, "vector_lanes", dt == DType::Float64 ? ctx.spec.floatLanes() / 2
                                                                                   : ctx.spec.floatLanes()));
  if (g.OW < lanes) lanes = 1;
  int64_t tileCo = ctx.knob(grp, "tile_co", 4);
  while (tileCo > 1 && coutG % tileCo) --tileCo;
  const ValueBuffer& X = ctx.buffers.at(cv.input(0));
  const ValueBuffer& Wt = ctx.buffers.at(cv.input(1));
  const Value* bias = cv.input(2);
  ExprBuilder biasLoader(ctx.buffers, {});
  bool is1d = staticExtents(*cv.input(0)).size() == 3;

  int64_t coBlocks = g.M / tileCo;
  int64_t rows = g.N * coBlocks * g.OH;
  double flops = 2.0 * g.N * g.M * g.OH * g.OW * cinG * g.KH * g.KW;
  LoopKind kind = flops >= ctx.knob(grp, "parallel_min_flops", 1 << 16) && rows > 1 ? LoopKind::Parallel : LoopKind::Serial;

  return loop("row", rows, kind, [&](const ExprRef& row) {
    ExprRef oh = binary(BinOp::Mod, row, intImm(g.OH));
    ExprRef rest = binary(BinOp::Div, row, intImm(g.OH));
    ExprRef cob = binary(BinOp::Mod, rest, intImm(coBlocks));
    ExprRef n = binary(BinOp::Div, rest, intImm(coBlocks));
    ExprRef co0 = cob * tileCo;
    ExprRef grpIdx = binary(BinOp::Div, co0, intImm(coutG));
    // One tile of tileCo channels x ln columns starting at ow0.
    auto tile = [&](ExprRef ow0, int ln) {
      BufferRef acc = makeBuffer("acc", dt, tileCo * ln, MemScope::Register);
      auto lanesLoop = [&](const std::function<StmtRef(const ExprRef&)>& f) {
        Var v = makeVar("v");
        return ln > 1 ? forLoop(v, intImm(0), intImm(ln), LoopKind::Vectorized, f(varRef(v))) : f(intImm(0));
      };
      auto perChannel = [&](const std::function<StmtRef(int64_t, const ExprRef&)>& f) {
        std::vector<StmtRef> st;
        for (int64_t c = 0; c < tileCo; ++c) st.push_back(lanesLoop([&](const ExprRef& v) { return f(c, v); }));
        return seq(st);
      };
      std::vector<StmtRef> body;
      body.push_back(perChannel([&](int64_t c, const ExprRef& v) { return store(acc, intImm(c * ln) + v, floatImm(0, t)); }));
      StmtRef inner = loop("ci", cinG, LoopKind::Serial, [&](const ExprRef& ci) {
        ExprRef cin = grpIdx * cinG + ci;
        return loop("kh", g.KH, LoopKind::Serial, [&](const ExprRef& kh) {
          ExprRef ih = oh * g.sh + kh * g.dh - intImm(g.ph);
          return loop("kw", g.KW, LoopKind::Serial, [&](const ExprRef& kw) {
            return perChannel([&](int64_t c, const ExprRef& v) {
              ExprRef iw = (ow0 + v) * g.sw + kw * g.dw - intImm(g.pw);
              ExprRef inH = binary(BinOp::And, binary(BinOp::GE, ih, intImm(0)), binary(BinOp::LT, ih, intImm(g.H)));
              ExprRef inW = binary(BinOp::And, binary(BinOp::GE, iw, intImm(0)), binary(BinOp::LT, iw, intImm(g.W)));
              ExprRef chH = kernel::min(kernel::max(ih, intImm(0)), intImm(g.H - 1));
              ExprRef chW = kernel::min(kernel::max(iw, intImm(0)), intImm(g.W - 1));
              ExprRef xi = ((n * g.C + cin) * g.H + chH) * g.W + chW;
              ExprRef xv = load(X.buffer, xi);
              bool needsMask = g.ph > 0 || g.pw > 0 || (g.OH - 1) * g.sh + (g.KH - 1) * g.dh >= g.H ||
                               (g.OW - 1) * g.sw + (g.KW - 1) * g.dw >= g.W;
              if (needsMask) xv = select(binary(BinOp::And, inH, inW), xv, floatImm(0, t));
              ExprRef wi = (((co0 + c) * cinG + ci) * g.KH + kh) * g.KW + kw;
              ExprRef wv = load(Wt.buffer, wi);
              ExprRef ai = intImm(c * ln) + v;
              return store(acc, ai, call(Intrinsic::Fma, {xv, wv, load(acc, ai)}));
            });
          });
        });
      });
      body.push_back(inner);
      body.push_back(perChannel([&](int64_t c, const ExprRef& v) {
        ExprRef val = load(acc, intImm(c * ln) + v);
        ExprRef co = co0 + c;
        if (bias) val = val + biasLoader.load(bias, {co});
        std::vector<ExprRef> oidx = is1d ? std::vector<ExprRef>{n, co, ow0 + v}
                                         : std::vector<ExprRef>{n, co, oh, ow0 + v};
        return storeThroughEpilogue(grp, ctx, oidx, val);
      }));
      return allocate(acc, seq(body));
    };
    int64_t full = lanes > 1 ? g.OW / lanes : 0;
    std::vector<StmtRef> st;
    if (full > 0) st.push_back(loop("owt", full, LoopKind::Serial, [&](const ExprRef& owt) { return tile(owt * lanes, lanes); }));
    int64_t done = full * lanes;
    if (done < g.OW)
      st.push_back(loop("owr", g.OW - done, LoopKind::Serial, [&](const ExprRef& r) { return tile(intImm(done) + r, 1); }));
    return seq(st);
  });
}

}  // namespace dlc::cpu
