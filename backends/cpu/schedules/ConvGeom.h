// The geometry of a 1-D or 2-D Conv as the CPU conv schedules see it (a 1-D
// conv has H = OH = KH = 1), and the conv paths that live outside Conv.cpp.
#pragma once

#include <algorithm>
#include <functional>
#include <vector>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {

struct ConvGeom {
  int64_t N, C, H, W, M, OH, OW, KH, KW;
  int64_t sh = 1, sw = 1, dh = 1, dw = 1, ph = 0, pw = 0, group = 1;
  // NchwcConv: the block b; input and/or output in NCHW[b]c, [N, C/b, H, W, b].
  int64_t block = 0;
  bool inBlocked = false, outBlocked = false;
};

inline ConvGeom geomOf(const Node& n) {
  std::vector<int64_t> x = staticExtents(*n.input(0)), w = staticExtents(*n.input(1)), y = staticExtents(*n.output(0));
  ConvGeom g{};
  if (n.op() == "NchwcConv") {  // as a 2-D NCHW conv, remembering which sides are blocked
    g.block = n.attrInt("block", 0);
    g.inBlocked = x.size() == 5;
    g.outBlocked = true;
    if (g.inBlocked) x = {x[0], x[1] * x[4], x[2], x[3]};
    y = {y[0], y[1] * y[4], y[2], y[3]};
  }
  if (x.size() != 3 && x.size() != 4) unsupported(n.describe(), ": ", x.size() - 2, "-D Conv has no CPU schedule");
  size_t sp = x.size() - 2;
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

// f(l, vector indices) over a pixel tile of `cols` columns: one vectorized
// loop (lane l) over its full vectors, then one over its partial last vector.
using PixelVectorsFn = std::function<kernel::StmtRef(const kernel::ExprRef& l, const std::vector<int64_t>& ks)>;
inline kernel::StmtRef overPixelVectors(int64_t lanes, int64_t cols, const PixelVectorsFn& f) {
  int64_t nfull = cols / lanes, part = cols % lanes;
  auto vectors = [&](int64_t width, int64_t k0, int64_t k1) {
    std::vector<int64_t> ks;
    for (int64_t k = k0; k < k1; ++k) ks.push_back(k);
    if (width == 1) return f(kernel::intImm(0), ks);
    kernel::Var l = kernel::makeVar("l");
    return kernel::forLoop(l, kernel::intImm(0), kernel::intImm(width), kernel::LoopKind::Vectorized,
                           f(kernel::varRef(l), ks));
  };
  std::vector<kernel::StmtRef> st;
  if (nfull > 0) st.push_back(vectors(lanes, 0, nfull));
  if (part > 0) st.push_back(vectors(part, nfull, nfull + 1));
  return kernel::seq(st);
}

// The pixel paths' default register tile: tile_m output channels (a divisor
// of `channels`, weights broadcast) x tile_nv vectors of pixels (at most
// min(nvRow, 8)), within tile_m * tile_nv + tile_nv + 1 <= regs, with the most
// FMAs per load, counting an input vector (streamed from L1/L2 once per oc
// block) twice and a weight broadcast (from a few KB that stay in L1) once.
struct PixelTile {
  int64_t m = 1, nv = 1;
};
inline PixelTile pixelTileDefault(int64_t regs, int64_t nvRow, int64_t channels) {
  PixelTile best;
  double bestRatio = 0;
  for (int64_t nv = 1; nv <= std::min<int64_t>(nvRow, 8); ++nv) {
    int64_t m = (regs - nv - 1) / nv;
    while (m > 1 && channels % m) --m;
    if (m < 1) continue;
    double r = static_cast<double>(m * nv) / static_cast<double>(m + 2 * nv);
    if (r > bestRatio + 1e-9) bestRatio = r, best = {m, nv};
  }
  return best;
}

// A pixel tile's accumulators, acc[m * cols + column] for m < rows, set to 0.
inline kernel::StmtRef zeroPixelTile(const kernel::BufferRef& acc, int64_t rows, int64_t lanes, int64_t cols) {
  return overPixelVectors(lanes, cols, [&](const kernel::ExprRef& l, const std::vector<int64_t>& ks) {
    std::vector<kernel::StmtRef> s;
    for (int64_t m = 0; m < rows; ++m)
      for (int64_t k : ks)
        s.push_back(kernel::store(acc, kernel::intImm(m * cols + k * lanes) + l, kernel::floatImm(0)));
    return kernel::seq(s);
  });
}

// One input row copied into a buffer split by column phase (the depthwise
// and phase-split pixel paths): for each phase ph in [0, sw) and q in [0, Q),
// xpad[rowStart + ph*Q + q] = x[src + q*sw + ph - pw], zero where that column
// is outside [0, W); all zeros when `inH` (if given) is false.
kernel::StmtRef phaseSplitRowCopy(const kernel::BufferRef& xpad, const kernel::ExprRef& rowStart,
                                  const kernel::BufferRef& x, const kernel::ExprRef& src, const kernel::ExprRef& inH,
                                  int64_t sw, int64_t pw, int64_t W, int64_t Q, int lanes);

// The phase-split pixel path for strided KxK convs with few input channels
// (ConvPhasePixels.cpp); null when it does not apply.
kernel::StmtRef scheduleConvPhasePixels(const GroupInfo& grp, ScheduleContext& ctx, const ConvGeom& g);

// The Winograd path for blocked 3x3 stride-1 convs (ConvWinograd.cpp); null
// when it does not apply or the `winograd` knob turns it off.
kernel::StmtRef scheduleConvWinograd(const GroupInfo& grp, ScheduleContext& ctx, const ConvGeom& g);

}  // namespace dlc::cpu
