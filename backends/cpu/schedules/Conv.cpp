// Template for 1-D and 2-D Conv (NCHW, groups, strides, dilations, pads,
// auto_pad, bias) with a fused elementwise epilogue. Two paths:
// scheduleConvChannels (f32, constant weights, OC/group a multiple of the
// vector width: ResNet/MobileNet pointwise and dense convs) vectorizes over
// output channels; scheduleConvColumns (everything else: depthwise, f64, odd
// channel counts) vectorizes over output columns.
//
// Note on the column path: output row (n, co-block, oh) is the parallel unit. A
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
#include "ConvGeom.h"

#include <algorithm>
#include <tuple>

#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

// An input channel of a K block: its index within the block, and for a
// blocked input its block and lane within the block.
struct Ci {
  ExprRef ci, blk, sub;
};

// The pixel path for 1x1 stride-1 unpadded convs (f32), a GEMM over
// (oc, ic) x (ic, pixels) in NCHW: vectorized over the output columns of one
// row, so input loads, stores and the epilogue's loads are all dense; a
// register tile of tile_m output channels (weights broadcast) x up to
// tile_nv column vectors (the row's last vector may be partial). It beats the
// channel path when the channel path's strided stores outweigh the lanes a
// partial vector wastes: the default (`pixel_gemm`) compares the two, by
// FMAs per stored vector (IC / 2 cycles) and a strided store (lanes cycles).
//
//   for (n, ocb, oh)                                   (parallel)
//     for ow0 in 0..OW step tile_nv * lanes
//       acc[tile_m][cols] = 0
//       for ci: acc[m][:] += w[oc0 + m, ci] * x[n, ci, oh, ow0 + :]
//       y[n, oc0 + m, oh, ow0 + :] = epilogue(acc[m][:] + bias[oc0 + m])
// Whether the group's epilogue reads every operand either at the full (H, W)
// of the output or constant over both, so a 2-D output's pixels can be
// addressed as one flat run: index {n, c, 0, p} linearizes to the same address
// as {n, c, p / W, p % W}, and so does every operand's broadcast index.
bool pixelsFlattenable(const GroupInfo& grp, const std::vector<int64_t>& out) {
  if (out.size() != 4) return false;
  std::vector<const Value*> inside;
  for (const Node* n : grp.nodes)
    for (size_t i = 0; i < n->numOutputs(); ++i) inside.push_back(n->output(i));
  for (const Node* n : grp.nodes) {
    if (n == grp.anchor) continue;
    for (size_t i = 0; i < n->numInputs(); ++i) {
      const Value* v = n->input(i);
      if (!v || std::find(inside.begin(), inside.end(), v) != inside.end()) continue;
      std::vector<int64_t> e = staticExtents(*v);
      int64_t h = e.size() >= 2 ? e[e.size() - 2] : 1, w = e.empty() ? 1 : e.back();
      if (e.size() >= 2 && e.size() < 4 && h != 1) return false;  // would align with C, not H
      bool constant = h == 1 && w == 1, full = h == out[2] && w == out[3];
      if (!constant && !full) return false;
    }
  }
  return true;
}

// The pixel path for 1x1 stride-1 unpadded convs (f32), a GEMM over
// (oc, ic) x (ic, pixels) in NCHW: vectorized over output pixels, so input
// loads, stores and the epilogue's loads are all dense; a register tile of
// tile_m output channels (weights broadcast) x tile_nv pixel vectors (the
// last vector of a row may be partial). A 2-D output whose epilogue allows it
// runs over its pixels as one flat run, re-cut into rows of `row_pixels` (a
// multiple of the vector width when one divides OH*OW), so vectors do not end
// at each image row. It beats the channel path when the channel path's
// strided stores outweigh the lanes a partial vector wastes: the default
// (`pixel_gemm`) compares the two, by FMAs per stored vector (IC / 2 cycles)
// and a strided store (lanes cycles).
//
//   for (n, ocb, row)                                  (parallel)
//     for p0 in 0..row_pixels step tile_nv * lanes
//       acc[tile_m][cols] = 0
//       for ci: for m: w = w[oc0 + m, ci]; acc[m][:] += w * x[n, ci, row, p0 + :]
//       y[n, oc0 + m, row, p0 + :] = epilogue(acc[m][:] + bias[oc0 + m])
StmtRef scheduleConvPixels(const GroupInfo& grp, ScheduleContext& ctx, const ConvGeom& g) {
  const Node& cv = *grp.anchor;
  if (cv.output(0)->type().dtype != DType::Float32) return nullptr;
  if (!(g.KH == 1 && g.KW == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && g.H == g.OH && g.W == g.OW))
    return nullptr;
  int64_t cinG = g.C / g.group, coutG = g.M / g.group;
  int64_t lanes = ctx.spec.floatLanes();
  bool is1d = staticExtents(*cv.input(0)).size() == 3;
  // Flat rows: the longest divisor of OH*OW up to 16 vectors that is a
  // multiple of the vector width, else the one wasting the fewest lanes; so a
  // tile's inputs stay in L1 and the weights of an oc block serve many tiles.
  int64_t P = g.OH * g.OW, rowDefault = g.OW;
  bool flatOk = !is1d && pixelsFlattenable(grp, staticExtents(*cv.output(0)));
  if (flatOk) {
    auto score = [&](int64_t d) {
      int64_t eff = 100 * d / (((d + lanes - 1) / lanes) * lanes);
      return std::make_tuple(eff, d <= 16 * lanes ? d : -d);
    };
    for (int64_t d = 1; d <= P; ++d)
      if (P % d == 0 && score(d) > score(rowDefault)) rowDefault = d;
  }
  int64_t rowPix = flatOk ? ctx.knob(grp, "row_pixels", rowDefault) : g.OW;
  if (rowPix <= 0 || P % rowPix) rowPix = g.OW;
  bool flat = flatOk && rowPix != g.OW;
  int64_t OW = flat ? rowPix : g.OW, OH = flat ? P / rowPix : g.OH;
  int64_t nvRow = (OW + lanes - 1) / lanes;
  double e = static_cast<double>(OW) / static_cast<double>(nvRow * lanes);  // lanes used
  int64_t regs = ctx.spec.vectorRegisters;
  // Default: per image row, when the channel path's strided stores cost more
  // than the lanes wasted; flat, when the rows' vectors use 90% of their lanes
  // (7x7 images use 77-87%: the channel path's balanced tiles use all of
  // theirs) and, with 16 registers, a tile's inputs (IC x 6 vectors) fit in
  // L1. With 32 registers the 8-channel tile below reuses each input vector 8
  // times, which hides L2 loads: on Zen 5, 1x1 convs with 128-1024 input
  // channels at 56x56..14x14 ran 5-35% faster here than on the channel path.
  bool dflt = flat ? (regs >= 32 || cinG * 6 * lanes * 4 <= ctx.spec.l1Bytes) && e >= 0.9
                   : e * (cinG / 2.0 + lanes) > cinG / 2.0 && OW >= 4;
  if (ctx.knob(grp, "pixel_gemm", dflt ? 1 : 0) == 0) return nullptr;
  lanes = std::max<int64_t>(1, ctx.knob(grp, "pixel_lanes", lanes));
  nvRow = (OW + lanes - 1) / lanes;
  // The register tile (pixelTileDefault): 8 x 3 with 32 registers (Zen 5, 1x1
  // convs at 56x56..14x14: 10-20% faster than 4 x 6), 4 x 3 with 16.
  PixelTile best = pixelTileDefault(regs, nvRow, coutG);
  int64_t tileM = std::max<int64_t>(1, ctx.knob(grp, "tile_m", best.m));
  while (coutG % tileM) --tileM;
  int64_t tileNv = std::max<int64_t>(1, ctx.knob(grp, "tile_nv", best.nv));
  const ValueBuffer& X = ctx.buffers.at(cv.input(0));
  const ValueBuffer& Wt = ctx.buffers.at(cv.input(1));
  const Value* bias = cv.input(2);
  ExprBuilder biasLoader(ctx.buffers, {});
  int64_t ocBlocks = g.M / tileM;
  int64_t rows = g.N * ocBlocks * OH;
  double flops = 2.0 * g.N * g.M * g.OH * g.OW * cinG;
  LoopKind kind =
      flops >= ctx.knob(grp, "parallel_min_flops", 1 << 16) && rows > 1 ? LoopKind::Parallel : LoopKind::Serial;
  // Work order: oc blocks inside rows (`oc_inner`), so consecutive items
  // read the same input rows (IC x row_pixels, from L1/L2) while the weights
  // stay in L2; or rows inside oc blocks.
  bool ocInner = ctx.knob(grp, "oc_inner", 1) != 0;
  return loop("row", rows, kind, [&](const ExprRef& row) {
    std::vector<ExprRef> ix = delinearize(row, ocInner ? std::vector<int64_t>{g.N, OH, ocBlocks}
                                                       : std::vector<int64_t>{g.N, ocBlocks, OH});
    ExprRef n = ix[0], oh = ocInner ? ix[1] : ix[2], ocb = ocInner ? ix[2] : ix[1];
    ExprRef oc0 = ocb * tileM;
    ExprRef cin0 = g.group == 1 ? intImm(0) : binary(BinOp::Div, oc0, intImm(coutG)) * cinG;
    // A tile of `cols` columns from ow0: full vectors, then one partial.
    auto tile = [&](const ExprRef& ow0, int64_t cols) {
      BufferRef acc = makeBuffer("acc", DType::Float32, tileM * cols, MemScope::Register);
      auto allVectors = [&](const PixelVectorsFn& f) { return overPixelVectors(lanes, cols, f); };
      std::vector<StmtRef> body;
      body.push_back(zeroPixelTile(acc, tileM, lanes, cols));
      body.push_back(loop("ci", cinG, LoopKind::Serial, [&](const ExprRef& ci) {
        ExprRef xrow = ((n * g.C + cin0 + ci) * OH + oh) * OW + ow0;
        // Per weight (m outer), all the tile's input vectors (loaded once):
        // tile_m * tile_nv accumulators, tile_nv inputs and one broadcast live.
        return allVectors([&](const ExprRef& l, const std::vector<int64_t>& ks) {
          std::vector<StmtRef> s;
          for (int64_t m = 0; m < tileM; ++m) {
            ExprRef wv = load(Wt.buffer, (oc0 + intImm(m)) * cinG + ci);
            for (int64_t k : ks) {
              ExprRef xv = load(X.buffer, xrow + intImm(k * lanes) + l);
              ExprRef ai = intImm(m * cols + k * lanes) + l;
              s.push_back(store(acc, ai, call(Intrinsic::Fma, {xv, wv, load(acc, ai)})));
            }
          }
          return seq(s);
        });
      }));
      body.push_back(allVectors([&](const ExprRef& l, const std::vector<int64_t>& ks) {
        std::vector<StmtRef> s;
        for (int64_t m = 0; m < tileM; ++m)
          for (int64_t k : ks) {
            ExprRef col = intImm(k * lanes) + l;
            ExprRef val = load(acc, intImm(m * cols) + col);
            ExprRef co = oc0 + intImm(m);
            if (bias) val = val + biasLoader.load(bias, {co});
            ExprRef ow = ow0 + col;
            std::vector<ExprRef> oidx;
            if (is1d)
              oidx = {n, co, ow};
            else if (flat)
              oidx = {n, co, intImm(0), oh * OW + ow};
            else
              oidx = {n, co, oh, ow};
            s.push_back(storeThroughEpilogue(grp, ctx, oidx, val));
          }
        return seq(s);
      }));
      return allocate(acc, seq(body));
    };
    int64_t step = tileNv * lanes, full = OW / step, done = full * step;
    std::vector<StmtRef> st;
    if (full > 0) st.push_back(loop("owt", full, LoopKind::Serial, [&](const ExprRef& t) { return tile(t * step, step); }));
    if (OW > done) st.push_back(tile(intImm(done), OW - done));
    return seq(st);
  });
}

// The channel-vectorized direct path (f32, constant weights, vl | OC/group):
// the weights are packed at compile time into [OC/vl][IC/g][KH][KW][vl] so the
// vl output channels of one tap are one contiguous vector; a register tile of
// tile_ow output columns x tile_oc such vectors accumulates over (ci, kh, kw),
// each input value a scalar broadcast (any stride works). Padding costs no
// per-load mask: each output row first copies the KH input rows it reads,
// zero-padded, into a per-thread buffer (`padded_copy`); without it, rows out
// of range are skipped by one `if` per (ci, kh), and the output row is split
// into border columns (one at a time, an `if` per kw) and an interior range
// whose taps are all in bounds. The stores of a finished
// tile (bias and fused epilogue) go to NCHW addresses, strided by OH*OW.
// A 1x1 stride-1 unpadded conv is a GEMM over (oc, ic) x (ic, pixels): its
// pixels are re-cut into rows of `flat_row_pixels` so tiles do not end at
// each image row.
//
//   for (n, ocb, oh)                                   (parallel)
//     xpad[ci][kh][:] = x[n, ci, ih(kh), :] zero-padded     (padded_copy)
//     for ow0 in border | interior step tile_ow | tail | border
//       acc[tile_ow][tile_oc][vl] = 0
//       for ci, kh (if ih in range), kw (unrolled):
//         acc[j][v][:] += x[n, ci, ih, iw(j)] * wp[ocb*tile_oc + v, ci, kh, kw, :]
//       y[n, oc(v, :), oh, ow0 + j] = epilogue(acc[j][v][:] + bias[oc(v, :)])
StmtRef scheduleConvChannels(const GroupInfo& grp, ScheduleContext& ctx, ConvGeom g) {
  const Node& cv = *grp.anchor;
  if (cv.output(0)->type().dtype != DType::Float32 || !cv.input(1)->isConstant()) return nullptr;
  int64_t cinG = g.C / g.group, coutG = g.M / g.group;
  // Blocked (NchwcConv): one vector is one block of b output channels.
  int64_t dfltLanes = g.outBlocked ? g.block : 0;
  for (int64_t l = ctx.spec.floatLanes(); l >= 4 && !dfltLanes; l /= 2)
    if (coutG % l == 0) dfltLanes = l;
  if (!dfltLanes || (!g.outBlocked && ctx.knob(grp, "oc_vectorized", 1) == 0)) return nullptr;
  int64_t vl = g.outBlocked ? g.block : ctx.knob(grp, "oc_lanes", dfltLanes);
  // A blocked input is read in whole blocks: K blocks of a multiple of b channels.
  int64_t cStep = g.inBlocked ? g.block : 1;
  if (vl < 2 || vl > 64 || coutG % vl) return nullptr;
  int64_t nOcv = coutG / vl;  // output-channel vectors per group
  int64_t regs = ctx.spec.vectorRegisters;
  // Register tile: tile_ow columns x tile_oc channel vectors takes
  // tile_ow * tile_oc accumulators + tile_oc weights + 1 broadcast registers and
  // does tile_ow * tile_oc FMAs per tile_ow + tile_oc loads: the default
  // maximizes that ratio within the registers (AVX-512: 6 x 4, AVX2: 6 x 2 or 4 x 3).
  // With 5+ taps per row unrolled (the 7x7 stem) the scheduler hoists the next
  // taps' loads, so the tile leaves room for all of its broadcasts and weights
  // (tile_ow * tile_oc + tile_ow + tile_oc <= registers: 5 x 4 on AVX-512).
  // With the taps outside the channel loop (16 registers, below) each tap's
  // channel loop is separate and the plain rule holds, and kw is not
  // unrolled for such rows (the 7x7 stem on AVX2: 61 -> 76 GFLOP/s).
  bool tapsOuterDefault = g.KH * g.KW > 1 && regs < 32;
  bool wideRowHoist = g.KW >= 5 && !tapsOuterDefault;
  bool flatShape = g.KH == 1 && g.KW == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0;
  int64_t owCap = flatShape ? g.OH * g.OW : g.OW;
  int64_t bestOc = 1, bestOw = 1;
  double bestRatio = 0;
  // KxK convs with 16-lane vectors and the taps inside the channel loop
  // (AVX-512) keep a tile within 32 output channels and leave 4 registers
  // beyond the tile's accumulators, weights and broadcasts, which the
  // scheduler fills with the next taps' loads: 2 x 16 lanes x 8 columns ran
  // 0-20% faster than 4 x 6 on Zen 5 for ResNet's 3x3 convs (most for the
  // strided ones and 14x14, 7x7 rows), and 2 x 14 spilled. Wide rows (KW >= 5,
  // the 7x7 stem) also stay within 32 channels: with 64 the stem ran at half
  // the speed (2.6 vs 1.3 ms), at any tile_ow or tile_c.
  bool headroom = g.KH * g.KW > 1 && !tapsOuterDefault && dfltLanes >= 16;
  int64_t maxOcv = headroom || g.KW >= 5 ? std::max<int64_t>(1, 32 / dfltLanes) : 8;
  for (int64_t b = 1; b <= std::min<int64_t>(maxOcv, nOcv); ++b) {
    if (nOcv % b) continue;
    int64_t a = std::min(owCap, headroom       ? (regs - 4 - b) / (b + 1)
                                : wideRowHoist ? (regs - b) / (b + 1)
                                               : (regs - b - 1) / b);
    if (a < 1) continue;
    double r = static_cast<double>(a * b) / static_cast<double>(a + b);
    if (r > bestRatio + 1e-9) bestRatio = r, bestOc = b, bestOw = a;
  }
  int64_t tileOc = ctx.knob(grp, "tile_oc", bestOc);
  tileOc = std::max<int64_t>(1, std::min(tileOc, nOcv));
  while (nOcv % tileOc) --tileOc;
  int64_t tileOw = ctx.knob(grp, "tile_ow", tileOc == bestOc ? bestOw : std::max<int64_t>(1, (regs - tileOc - 1) / tileOc));
  tileOw = std::max<int64_t>(1, tileOw);

  bool is1d = staticExtents(*cv.input(0)).size() == 3;
  int64_t OH0 = g.OH, OW0 = g.OW;
  bool flat = !is1d && g.KH == 1 && g.KW == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 &&
              g.H == g.OH && g.W == g.OW;
  if (flat) {
    // Default row: the divisor of P (up to 32 tiles) whose tiles waste the
    // fewest columns, the longest such while there are 4 rows per core.
    int64_t P = g.OH * g.OW, best = g.OW;
    int64_t ocBlk = g.M / (vl * tileOc);
    auto score = [&](int64_t d) {
      int64_t eff = 100 * d / (((d + tileOw - 1) / tileOw) * tileOw);
      bool enough = g.N * ocBlk * (P / d) >= 4 * ctx.spec.cores;
      return std::make_tuple(enough, eff, d);
    };
    for (int64_t d = 1; d <= std::min<int64_t>(P, std::max<int64_t>(g.OW, 32 * tileOw)); ++d)
      if (P % d == 0 && score(d) > score(best)) best = d;
    int64_t rowPix = ctx.knob(grp, "flat_row_pixels", best);
    if (rowPix > 0 && P % rowPix == 0) {
      g.OW = g.W = rowPix;
      g.OH = g.H = P / rowPix;
    } else {
      flat = false;
    }
  }
  tileOw = std::min(tileOw, g.OW);
  bool unrollKw = ctx.knob(grp, "unroll_kw", g.KW <= 8 && !(tapsOuterDefault && g.KW >= 5) ? 1 : 0) != 0;
  // Tap order: with (kh, kw) outside the channel loop, the broadcasts of one
  // tap are all distinct; with the channel loop outside and kw unrolled,
  // neighbouring taps read overlapping columns, and the compiler keeps those
  // broadcasts live across taps, which spills a 16-register file (AVX2).
  bool tapsOuter = ctx.knob(grp, "taps_outer", tapsOuterDefault ? 1 : 0) != 0;

  const ValueBuffer& X = ctx.buffers.at(cv.input(0));
  int64_t KH = g.KH, KW = g.KW;
  const Value* bias = cv.input(2);
  ExprBuilder biasLoader(ctx.buffers, {});

  int64_t ocTile = vl * tileOc;
  int64_t ocBlocks = g.M / ocTile;
  double flops = 2.0 * g.N * g.M * OH0 * OW0 * cinG * g.KH * g.KW;
  bool needH = g.ph > 0 || (g.OH - 1) * g.sh + (g.KH - 1) * g.dh - g.ph >= g.H;
  bool needW = g.pw > 0 || (g.OW - 1) * g.sw + (g.KW - 1) * g.dw - g.pw >= g.W;
  // K blocks: tile_c input channels per block, the partial sums in a
  // per-thread [tile_rows][OW][oc tile] buffer between blocks. When an oc
  // block's weights (tile_oc * IC * KH * KW vectors) fit in half of L2, blocks
  // of up to 32 channels keep a tile's inputs and the block's weights near L1;
  // when they do not (ResNet's 3x3 convs at 14x14 and 7x7), the block's
  // weights take at most half of L1 and tile_rows output rows sweep them.
  int64_t wBytesPerC = tileOc * KH * KW * vl * 4;
  int64_t cbBudget = cinG * wBytesPerC > ctx.spec.l2Bytes / 2 ? std::max<int64_t>(1, ctx.spec.l1Bytes / 2 / wBytesPerC) : 32;
  // Blocked 1x1 convs with 16 lanes (AVX-512): K blocks as long as the oc
  // block's weights stay within a thirty-second of L2, fewer passes over the
  // partial sums than 32 channels (chains of ResNet-50's 1x1 convs on Zen 5:
  // 3-8% faster; no gain with 8 lanes). Longer blocks (a quarter of L2) let
  // the input rows streaming past evict the block's weights: a chain of
  // 1024->256 1x1 convs at 14x14 ran 18% slower with them. The same holds
  // for blocked-output 1x1 convs reading NCHW (ResNet-50's two convs on the
  // MaxPool: one K block of 64 channels, 0.070 -> 0.057 ms and 0.248 ->
  // 0.228 ms at 2 threads, where two blocks of 32 passed over partial sums).
  if (KH * KW == 1 && vl >= 16 && (g.inBlocked || g.outBlocked))
    cbBudget = std::max(cbBudget, ctx.spec.l2Bytes / 32 / wBytesPerC);
  // Blocked KxK convs with 16 lanes whose weights overflow half of L2 (the
  // 7x7 stage's 3x3 convs, 512 channels): K blocks whose weights fill an
  // eighth of L2, as the rows that sweep them are few (a chain of such convs
  // on Zen 5: 64 channels 5% faster than 16 at 2 threads, 6% at 1).
  if (g.inBlocked && KH * KW > 1 && vl >= 16 && cinG * wBytesPerC > ctx.spec.l2Bytes / 2)
    cbBudget = std::max(cbBudget, ctx.spec.l2Bytes / 8 / wBytesPerC);
  // Weights beyond L2 stream from memory on every run (the whole model's do
  // not fit in L3): each tap also prefetches the next K block's weights
  // (`prefetch_weights`), so a K block's first tile, the one that reads its
  // weights from memory, does not stall on them; with short K blocks (a
  // thirty-second of L2) that burst stays small. Chains of ResNet's 7x7-stage
  // convs on Zen 5, weights from memory: 3x3 10-12%, 1x1 9% faster.
  bool prefetchWeights =
      ctx.knob(grp, "prefetch_weights", g.M * cinG * KH * KW * 4 > ctx.spec.l2Bytes ? 1 : 0) != 0;
  if (prefetchWeights) cbBudget = std::max<int64_t>(1, ctx.spec.l2Bytes / 32 / wBytesPerC);
  int64_t cbDefault = cStep;
  for (int64_t d = cStep; d <= cinG; d += cStep)
    if (cinG % d == 0 && d <= cbBudget) cbDefault = d;
  int64_t cb = std::max<int64_t>(cStep, std::min(ctx.knob(grp, "tile_c", cbDefault), cinG));
  while (cinG % cb || cb % cStep) --cb;
  int64_t nKb = cinG / cb;
  // Padded copy: per output row and K block, the KH input rows it reads (zeros
  // where out of range), [ci][kh][Wp] in a per-thread buffer; then no tap needs
  // a test and the row has no border columns. Also keeps a tile's inputs within
  // a few KB (NCHW planes a multiple of 4 KB apart conflict in L1).
  int64_t padW = (g.OW - 1) * g.sw + (g.KW - 1) * g.dw + 1;
  int64_t padBytes = cb * KH * padW * 4;
  bool padCopy = (needH || needW) &&
                 ctx.knob(grp, "padded_copy", padBytes <= std::min<int64_t>(ctx.spec.l2Bytes / 4, 128 << 10)) != 0;
  // Interior columns [owLo, owHi): every tap iw = ow*sw + kw*dw - pw in [0, W).
  int64_t owLo = 0, owHi = g.OW;
  if (needW) {
    owLo = std::min<int64_t>(g.OW, (g.pw + g.sw - 1) / g.sw);
    int64_t num = g.W - 1 + g.pw - (g.KW - 1) * g.dw;
    owHi = num < 0 ? 0 : std::min<int64_t>(g.OW, num / g.sw + 1);
    owHi = std::max(owHi, owLo);
  }
  if (padCopy) owLo = 0, owHi = g.OW;
  // Balanced tiles: the interior cut into ceil(n / tile_ow) tiles of nearly
  // equal width rather than full tiles and a narrow tail, whose few
  // accumulators cannot hide the FMA latency.
  bool balanced = ctx.knob(grp, "balanced_tiles", 1) != 0;
  // Pixel tiles: when image rows are short (ResNet's 14x14 and 7x7), tiles of
  // tile_ow columns cut into rows leave few accumulators per tile; instead the
  // unit's R rows form one run of R*OW output pixels, cut into balanced tiles
  // of (row, column) pixels at constant positions, unrolled (at most 24 per
  // unit). The unit's input rows are copied once per K block (or read in
  // place when no tap falls outside the input).
  bool pixelOk = !is1d && !flat && (padCopy || (!needH && !needW));
  int64_t tilesPerRow = (g.OW + tileOw - 1) / tileOw;
  bool pixelDefault = pixelOk && g.OW < (tileOw - 1) * tilesPerRow;  // rows' tiles average under tile_ow - 1
  bool pixelTiles = pixelOk && ctx.knob(grp, "pixel_tiles", pixelDefault ? 1 : 0) != 0;
  // Rows per work item. Pixel tiles: the most (a divisor of OH) within 24
  // tiles while there are 4 items per core. Else, with K blocks, the fewest
  // whose tiles reuse each weight block 8 times, while there are 4 items per
  // core and the partial sums fit in 64 KB.
  int64_t rDefault = 1;
  for (int64_t r = 1; r <= g.OH; ++r) {
    if (g.OH % r) continue;
    bool enough = g.N * ocBlocks * (g.OH / r) >= 4 * ctx.spec.cores;
    if (pixelTiles) {
      if (r * g.OW <= 24 * tileOw && (r == 1 || enough)) rDefault = r;
      continue;
    }
    if (nKb == 1 || (r > 1 && (!enough || r * g.OW * ocTile * 4 > (64 << 10)))) break;
    rDefault = r;
    if (r * tilesPerRow >= 8) break;
  }
  int64_t R = std::max<int64_t>(1, std::min(ctx.knob(grp, "tile_rows", rDefault), g.OH));
  while (g.OH % R) --R;
  if (R * g.OW > 24 * tileOw) pixelTiles = false;
  int64_t nRg = g.OH / R;
  // `unit_oc_blocks` oc blocks per work item share one copy of the input rows
  // per K block (the most, up to 8, while there are 4 items per core).
  int64_t ob = 1;
  if (padCopy && g.group == 1) {
    int64_t obDefault = 1;
    for (int64_t d = 1; d <= std::min<int64_t>(8, ocBlocks); ++d)
      if (ocBlocks % d == 0 && g.N * (ocBlocks / d) * nRg >= 4 * ctx.spec.cores) obDefault = d;
    ob = std::max<int64_t>(1, ctx.knob(grp, "unit_oc_blocks", obDefault));
    while (ocBlocks % ob) --ob;
  }
  int64_t unitOcBlocks = ocBlocks / ob;
  int64_t units = g.N * unitOcBlocks * nRg;
  LoopKind kind =
      flops >= ctx.knob(grp, "parallel_min_flops", 1 << 16) && units > 1 ? LoopKind::Parallel : LoopKind::Serial;
  bool tapMajorDefault = tapsOuter && pixelTiles;
  // Weights packed per output-channel vector, [M / vl][ci][kh][kw][lane]; or,
  // for pixel tiles with the channel loop innermost (`tap_major`), per oc
  // block of tile_oc vectors in the order the tap loops read them,
  // [oc block][kh][kw][ci][v][lane], so each step reads the next contiguous
  // tile_oc vectors (7x7 convs on AVX2: 61 -> 73 GFLOP/s; the other paths
  // measured faster with the first layout).
  int64_t ocTileW = vl * tileOc;
  bool tapMajor = ctx.knob(grp, "tap_major", tapMajorDefault ? 1 : 0) != 0;
  bool prefetchNext = prefetchWeights && !tapMajor;  // the tap-major layout has no next-block stride
  int64_t wGroup = tapMajor ? ocTileW : vl;
  const ValueBuffer& Wp = ctx.packedConstant(
      cv.input(1), tapMajor ? "oc" + std::to_string(vl) + "x" + std::to_string(tileOc) + "t" : "oc" + std::to_string(vl),
      [&](const Tensor& w) {
        Tensor p(DType::Float32, {g.M / wGroup, cinG * KH * KW, wGroup});
        const float* src = w.data<float>();
        float* dst = p.data<float>();
        for (int64_t o = 0; o < g.M; ++o)
          for (int64_t i = 0; i < cinG; ++i)
            for (int64_t t = 0; t < KH * KW; ++t) {
              int64_t inner = tapMajor ? t * cinG + i : i * KH * KW + t;
              dst[((o / wGroup) * cinG * KH * KW + inner) * wGroup + o % wGroup] = src[(o * cinG + i) * KH * KW + t];
            }
        return p;
      });
  // Row groups outermost when there are enough of them: each thread's share
  // of the work is then a band of image rows, as in the pixel path and the
  // depthwise path, so what one kernel writes on a core the next one reads
  // there (on a VM whose two vCPUs sit on different L3s, a cache line from
  // the other core costs ~10x a local one).
  bool ocInnerDefault = nRg >= 2 * ctx.spec.cores;
  // Input rows in the copy: KH per output row, or all the unit's rows.
  int64_t rowsIn = pixelTiles ? (R - 1) * g.sh + (KH - 1) * g.dh + 1 : KH;

  auto vecLoop = [&](const std::function<StmtRef(const ExprRef&)>& f) {
    Var l = makeVar("l");
    return forLoop(l, intImm(0), intImm(vl), LoopKind::Vectorized, f(varRef(l)));
  };
  // Work order: oc blocks inside row groups (`oc_inner`: consecutive items
  // read the same input rows), or row groups inside oc blocks (they reuse the
  // block's weights).
  bool ocInner = ctx.knob(grp, "oc_inner", ocInnerDefault ? 1 : 0) != 0;
  return loop("unit", units, kind, [&](const ExprRef& unit) {
    std::vector<ExprRef> ix = delinearize(unit, ocInner ? std::vector<int64_t>{g.N, nRg, unitOcBlocks}
                                                        : std::vector<int64_t>{g.N, unitOcBlocks, nRg});
    ExprRef n = ix[0], rg = ocInner ? ix[1] : ix[2], ocbU = ocInner ? ix[2] : ix[1];
    // The oc block the tiles below compute (reassigned per block of the item).
    ExprRef ocb = ob == 1 ? ocbU : ocbU * ob;
    ExprRef oc0 = ocb * ocTile;
    ExprRef partBase = intImm(0);
    ExprRef cin0 = g.group == 1 ? intImm(0) : binary(BinOp::Div, oc0, intImm(coutG)) * cinG;
    BufferRef xpad = padCopy ? makeBuffer("xpad", DType::Float32, cb * rowsIn * padW, MemScope::Local) : nullptr;
    BufferRef part = nKb > 1 ? makeBuffer("part", DType::Float32, ob * R * g.OW * ocTile, MemScope::Local) : nullptr;
    // Column j of a tile: output pixel (row r of the unit, column ow).
    struct Col {
      ExprRef r, ow;
    };
    auto perBlock = [&](const ExprRef& kb) {
      ExprRef c0 = kb * cb;  // first input channel of the block, within the group
      ExprRef first = binary(BinOp::EQ, kb, intImm(0)), last = binary(BinOp::EQ, kb, intImm(nKb - 1));
      // xpad[ci][i][c] = x[n, cin0 + c0 + ci, ih(i), c - pw], zero outside the input.
      auto copyRows = [&](int64_t nrows, const std::function<ExprRef(const ExprRef&)>& ihOf) {
        int64_t lanes = ctx.spec.floatLanes();
        int64_t lo = std::min(g.pw, padW), hi = std::max(lo, std::min(padW, g.pw + g.W));
        auto zeros = [&](const ExprRef& base, int64_t from, int64_t to) {
          return vectorizedLoop("z", to - from, static_cast<int>(lanes),
                                [&](const ExprRef& i) { return store(xpad, base + intImm(from) + i, floatImm(0)); });
        };
        if (g.inBlocked) {
          // xpad[cbl][i][c][b]: whole rows of b-channel pixels, contiguous in both.
          int64_t b = g.block, wb = padW * b;
          auto zerosB = [&](const ExprRef& base, int64_t from, int64_t to) { return zeros(base, from * b, to * b); };
          return loop("pcb", cb / b, LoopKind::Serial, [&](const ExprRef& cbl) {
            return loop("pkh", nrows, LoopKind::Serial, [&](const ExprRef& i) {
              ExprRef ih = ihOf(i);
              ExprRef base = (cbl * nrows + i) * wb;
              ExprRef src = (((n * (g.C / b) + kb * (cb / b) + cbl) * g.H + ih) * g.W - intImm(g.pw)) * b;
              std::vector<StmtRef> in;
              if (lo > 0) in.push_back(zerosB(base, 0, lo));
              if (hi > lo)
                in.push_back(vectorizedLoop("c", (hi - lo) * b, static_cast<int>(lanes), [&](const ExprRef& c) {
                  return store(xpad, base + intImm(lo * b) + c, load(X.buffer, src + intImm(lo * b) + c));
                }));
              if (hi < padW) in.push_back(zerosB(base, hi, padW));
              return ifThenElse(
                  binary(BinOp::And, binary(BinOp::GE, ih, intImm(0)), binary(BinOp::LT, ih, intImm(g.H))), seq(in),
                  zerosB(base, 0, padW));
            });
          });
        }
        return loop("pci", cb, LoopKind::Serial, [&](const ExprRef& ci) {
          return loop("pkh", nrows, LoopKind::Serial, [&](const ExprRef& i) {
            ExprRef ih = ihOf(i);
            ExprRef base = (ci * nrows + i) * padW;
            ExprRef src = ((n * g.C + cin0 + c0 + ci) * g.H + ih) * g.W - intImm(g.pw);
            std::vector<StmtRef> in;
            if (lo > 0) in.push_back(zeros(base, 0, lo));
            if (hi > lo) in.push_back(vectorizedLoop("c", hi - lo, static_cast<int>(lanes), [&](const ExprRef& c) {
              return store(xpad, base + intImm(lo) + c, load(X.buffer, src + intImm(lo) + c));
            }));
            if (hi < padW) in.push_back(zeros(base, hi, padW));
            return ifThenElse(binary(BinOp::And, binary(BinOp::GE, ih, intImm(0)), binary(BinOp::LT, ih, intImm(g.H))),
                              seq(in), zeros(base, 0, padW));
          });
        });
      };
      // One tile over `cols`; `border`: a single column whose taps may fall outside.
      auto tile = [&](const std::vector<Col>& cols, bool border) {
        int64_t tw = static_cast<int64_t>(cols.size());
        BufferRef acc = makeBuffer("acc", DType::Float32, tw * ocTile, MemScope::Register);
        auto partAt = [&](int64_t j, int64_t v, const ExprRef& l) {
          return partBase + ((cols[j].r * g.OW + cols[j].ow) * ocTile) + intImm(v * vl) + l;
        };
        std::vector<StmtRef> body;
        StmtRef zero = vecLoop([&](const ExprRef& l) {
          std::vector<StmtRef> st;
          for (int64_t k = 0; k < tw * tileOc; ++k) st.push_back(store(acc, intImm(k * vl) + l, floatImm(0)));
          return seq(st);
        });
        // The tile's accumulators to (or from) its partial sums between K blocks.
        auto moveParts = [&](bool toPart) {
          return vecLoop([&](const ExprRef& l) {
            std::vector<StmtRef> st;
            for (int64_t j = 0; j < tw; ++j)
              for (int64_t v = 0; v < tileOc; ++v) {
                ExprRef ai = intImm((j * tileOc + v) * vl) + l, pi = partAt(j, v, l);
                st.push_back(toPart ? store(part, pi, load(acc, ai)) : store(acc, ai, load(part, pi)));
              }
            return seq(st);
          });
        };
        if (part) {
          body.push_back(ifThenElse(first, zero, moveParts(false)));
        } else {
          body.push_back(zero);
        }
        // The input element of column j at tap (ci, kh, kw).
        auto xAt = [&](const Col& col, const Ci& c, const ExprRef& kh, const ExprRef& kw) -> ExprRef {
          ExprRef iwp = col.ow * g.sw + kw * g.dw;  // column in the padded row
          if (padCopy) {
            ExprRef row = pixelTiles ? col.r * g.sh + kh * g.dh : kh;
            if (g.inBlocked) return load(xpad, ((c.blk * rowsIn + row) * padW + iwp) * g.block + c.sub);
            return load(xpad, (c.ci * rowsIn + row) * padW + iwp);
          }
          ExprRef ih = (rg * R + col.r) * g.sh + kh * g.dh - intImm(g.ph);
          if (g.inBlocked)
            return load(X.buffer, ((n * (g.C / g.block) + kb * (cb / g.block) + c.blk) * (g.H * g.W) + ih * g.W + iwp -
                                   intImm(g.pw)) * g.block + c.sub);
          return load(X.buffer, (n * g.C + cin0 + c0 + c.ci) * (g.H * g.W) + ih * g.W + iwp - intImm(g.pw));
        };
        // The FMAs of one tap (ci, kh, kw) for the whole tile.
        auto tap = [&](const Ci& c, const ExprRef& kh, const ExprRef& kw) {
          const ExprRef& ci = c.ci;
          ExprRef tapIdx = kh * KW + kw, cAbs = c0 + ci;
          // Vector v of the tile's weights at this tap.
          auto wAt = [&](int64_t v, const ExprRef& l) {
            if (tapMajor) return (ocb * (cinG * KH * KW) + tapIdx * cinG + cAbs) * ocTile + intImm(v * vl) + l;
            return ((ocb * tileOc + intImm(v)) * cinG + cAbs) * (KH * KW * vl) + tapIdx * vl + l;
          };
          StmtRef fmas = vecLoop([&](const ExprRef& l) {
            std::vector<StmtRef> st;
            for (int64_t j = 0; j < tw; ++j) {
              ExprRef xv = xAt(cols[j], c, kh, kw);
              for (int64_t v = 0; v < tileOc; ++v) {
                ExprRef wv = load(Wp.buffer, wAt(v, l));
                ExprRef ai = intImm((j * tileOc + v) * vl) + l;
                st.push_back(store(acc, ai, call(Intrinsic::Fma, {xv, wv, load(acc, ai)})));
              }
            }
            return seq(st);
          });
          if (border) {
            ExprRef iw0 = cols[0].ow * g.sw + kw * g.dw - intImm(g.pw);
            fmas = ifThenElse(
                binary(BinOp::And, binary(BinOp::GE, iw0, intImm(0)), binary(BinOp::LT, iw0, intImm(g.W))), fmas);
          }
          if (!prefetchNext) return fmas;
          // The same tap of the next K block (after the last one: of the next
          // oc tile's first), so each K block's first tile pulls in the next
          // block's weights while the block's other tiles compute from cache.
          int64_t tapVecs = KH * KW * vl;
          ExprRef wrap = intImm((tileOc * cinG - (nKb - 1) * cb) * tapVecs);
          ExprRef ahead = nKb == 1 ? wrap : select(last, wrap, intImm(cb * tapVecs));
          std::vector<StmtRef> st{fmas};
          for (int64_t v = 0; v < tileOc; ++v) st.push_back(prefetch(Wp.buffer, wAt(v, intImm(0)) + ahead));
          return seq(st);
        };
        // Row mode only: skip taps of rows outside the input (no copy).
        auto rowInRange = [&](const ExprRef& kh, StmtRef s) {
          if (!needH || padCopy) return s;
          ExprRef ih = (rg * R + cols[0].r) * g.sh + kh * g.dh - intImm(g.ph);
          return ifThenElse(binary(BinOp::And, binary(BinOp::GE, ih, intImm(0)), binary(BinOp::LT, ih, intImm(g.H))), s);
        };
        // The K block's channels: one loop, or (blocked input) blocks x lanes.
        auto ciLoop = [&](const std::function<StmtRef(const Ci&)>& f) {
          if (!g.inBlocked) return loop("ci", cb, LoopKind::Serial, [&](const ExprRef& ci) { return f(Ci{ci, {}, {}}); });
          return loop("cbl", cb / g.block, LoopKind::Serial, [&](const ExprRef& blk) {
            return loop("cii", g.block, LoopKind::Serial,
                        [&](const ExprRef& sub) { return f(Ci{blk * g.block + sub, blk, sub}); });
          });
        };
        auto kwLoop = [&](const std::function<StmtRef(const ExprRef&)>& f) {
          Var kwv = makeVar("kw");
          return forLoop(kwv, intImm(0), intImm(KW), unrollKw ? LoopKind::Unrolled : LoopKind::Serial, f(varRef(kwv)));
        };
        if (tapsOuter)
          body.push_back(loop("kh", KH, LoopKind::Serial, [&](const ExprRef& kh) {
            return rowInRange(kh, kwLoop([&](const ExprRef& kw) {
              return ciLoop([&](const Ci& c) { return tap(c, kh, kw); });
            }));
          }));
        else
          body.push_back(ciLoop([&](const Ci& c) {
            return loop("kh", KH, LoopKind::Serial, [&](const ExprRef& kh) {
              return rowInRange(kh, kwLoop([&](const ExprRef& kw) { return tap(c, kh, kw); }));
            });
          }));
        StmtRef finish = vecLoop([&](const ExprRef& l) {
          std::vector<StmtRef> st;
          for (int64_t j = 0; j < tw; ++j)
            for (int64_t v = 0; v < tileOc; ++v) {
              ExprRef val = load(acc, intImm((j * tileOc + v) * vl) + l);
              ExprRef co = oc0 + intImm(v * vl) + l;
              if (bias) val = val + biasLoader.load(bias, {co});
              ExprRef oh = rg * R + cols[j].r, ow = cols[j].ow;
              std::vector<ExprRef> oidx;
              if (is1d) {
                oidx = {n, co, ow};
              } else if (flat) {
                ExprRef p = oh * g.OW + ow;
                oidx = {n, co, binary(BinOp::Div, p, intImm(OW0)), binary(BinOp::Mod, p, intImm(OW0))};
              } else {
                oidx = {n, co, oh, ow};
              }
              if (g.outBlocked) oidx = {n, ocb * tileOc + intImm(v), oidx[2], oidx[3], l};  // co = that block's lane l
              st.push_back(storeThroughEpilogue(grp, ctx, oidx, val));
            }
          return seq(st);
        });
        if (part) {
          body.push_back(ifThenElse(last, finish, moveParts(true)));
        } else {
          body.push_back(finish);
        }
        return allocate(acc, seq(body));
      };
      // `count` tiles of `a` then the rest of width a - 1, covering `total`.
      auto balancedCut = [&](int64_t total, int64_t& a, int64_t& nWide, int64_t& b, int64_t& nNarrow) {
        int64_t nt = (total + tileOw - 1) / tileOw;
        a = tileOw, nWide = total / tileOw, b = total % tileOw, nNarrow = b > 0 ? 1 : 0;
        if (balanced && b > 0) {
          a = (total + nt - 1) / nt;
          b = a - 1;
          nWide = total - b * nt;
          nNarrow = nt - nWide;
        }
      };
      // The item's oc blocks over the same copied rows (one block: as is).
      auto perOcBlock = [&](const std::function<StmtRef()>& tiles) {
        if (ob == 1) return tiles();
        return loop("ob", ob, LoopKind::Serial, [&](const ExprRef& sub) {
          ocb = ocbU * ob + sub;
          oc0 = ocb * ocTile;
          partBase = sub * (R * g.OW * ocTile);
          return tiles();
        });
      };
      if (pixelTiles) {
        std::vector<StmtRef> st;
        if (padCopy)
          st.push_back(copyRows(rowsIn, [&](const ExprRef& i) { return (rg * R) * g.sh - intImm(g.ph) + i; }));
        int64_t a, nWide, b, nNarrow;
        balancedCut(R * g.OW, a, nWide, b, nNarrow);
        auto tiles = [&]() {
          std::vector<StmtRef> ts;
          int64_t p = 0;
          for (int64_t t = 0; t < nWide + nNarrow; ++t) {
            int64_t w = t < nWide ? a : b;
            if (w <= 0) break;
            std::vector<Col> cols;
            for (int64_t j = 0; j < w; ++j, ++p) cols.push_back({intImm(p / g.OW), intImm(p % g.OW)});
            ts.push_back(tile(cols, false));
          }
          return seq(ts);
        };
        st.push_back(perOcBlock(tiles));
        return seq(st);
      }
      return loop("r", R, LoopKind::Serial, [&](const ExprRef& r) {
        ExprRef oh = rg * R + r;
        auto rowTile = [&](const ExprRef& ow0, int64_t tw, bool border) {
          std::vector<Col> cols;
          for (int64_t j = 0; j < tw; ++j) cols.push_back({r, ow0 + intImm(j)});
          return tile(cols, border);
        };
        std::vector<StmtRef> st;
        if (padCopy)
          st.push_back(copyRows(KH, [&](const ExprRef& kh) { return oh * g.sh + kh * g.dh - intImm(g.ph); }));
        auto rowTiles = [&]() {
          std::vector<StmtRef> ts;
          if (owLo > 0)
            ts.push_back(loop("owl", owLo, LoopKind::Serial, [&](const ExprRef& c) { return rowTile(c, 1, true); }));
          int64_t nI = owHi - owLo;
          if (nI > 0) {
            // wide tiles of width a, then narrow ones of width b (b == a - 1, or the tail)
            int64_t a, nWide, b, nNarrow;
            balancedCut(nI, a, nWide, b, nNarrow);
            if (nWide > 0)
              ts.push_back(loop("owt", nWide, LoopKind::Serial,
                                [&](const ExprRef& t) { return rowTile(intImm(owLo) + t * a, a, false); }));
            if (nNarrow > 0 && b > 0)
              ts.push_back(loop("own", nNarrow, LoopKind::Serial,
                                [&](const ExprRef& t) { return rowTile(intImm(owLo + nWide * a) + t * b, b, false); }));
          }
          if (owHi < g.OW)
            ts.push_back(loop("owr", g.OW - owHi, LoopKind::Serial,
                              [&](const ExprRef& c) { return rowTile(intImm(owHi) + c, 1, true); }));
          return seq(ts);
        };
        st.push_back(perOcBlock(rowTiles));
        return seq(st);
      });
    };
    StmtRef body = nKb > 1 ? loop("kb", nKb, LoopKind::Serial, perBlock) : perBlock(intImm(0));
    if (part) body = allocate(part, body);
    return padCopy ? allocate(xpad, body) : body;
  });
}

// The depthwise path (f32, group == C == OC): vectorized over output columns,
// one weight broadcast per tap. Each work item, dw_rows output rows of one
// (n, c), first copies the input rows they read, zero-padded and split by
// column phase (col % sw), into a per-thread buffer xpad[i][phase][col / sw];
// tap (kh, kw) of output row r, columns ow.., then reads
// xpad[r*sh + kh*dh][(kw*dw) % sw][ow + (kw*dw) / sw ..], a dense vector for
// any stride, with no mask.
//
//   for (n, c, row group)                                 (parallel)
//     xpad[i][ph][q] = x[n, c, ih(i), q*sw + ph - pw] or 0
//     for r in 0..dw_rows
//       for ow0 in 0..OW step dw_tile_v * lanes   (+ one vector, then one partial vector)
//         acc[v][:] = sum over kh, kw (unrolled) of xpad[r*sh + kh*dh][ph(kw)][ow0 + v*lanes + off(kw) + :] * w[c, kh, kw]
//         y[n, c, oh, ow0 + v*lanes + :] = epilogue(acc[v][:] + bias[c])
StmtRef scheduleConvDepthwise(const GroupInfo& grp, ScheduleContext& ctx, const ConvGeom& g) {
  const Node& cv = *grp.anchor;
  if (cv.output(0)->type().dtype != DType::Float32 || g.group != g.C || g.M != g.C || g.C == 1) return nullptr;
  if (ctx.knob(grp, "depthwise_direct", 1) == 0) return nullptr;
  int64_t lanes = std::max<int64_t>(1, ctx.knob(grp, "vector_lanes", ctx.spec.floatLanes()));
  // Accumulators plus the loaded vector and the weight: half the registers
  // leaves room for the loads of the next taps.
  int64_t tileV = std::max<int64_t>(1, ctx.knob(grp, "dw_tile_v", std::max(1, ctx.spec.vectorRegisters / 4)));
  bool is1d = staticExtents(*cv.input(0)).size() == 3;
  int64_t KH = g.KH, KW = g.KW, sw = g.sw;
  int64_t padW = (g.OW - 1) * g.sw + (g.KW - 1) * g.dw + 1;
  int64_t Q = (padW + sw - 1) / sw;  // columns per phase
  const ValueBuffer& X = ctx.buffers.at(cv.input(0));
  const ValueBuffer& Wt = ctx.buffers.at(cv.input(1));
  const Value* bias = cv.input(2);
  ExprBuilder biasLoader(ctx.buffers, {});
  double flops = 2.0 * g.N * g.M * g.OH * g.OW * g.KH * g.KW;
  // Rows per work item (`dw_rows`, a divisor of OH): short rows (MobileNet's
  // 14x14 and 7x7) share one copy of their input rows, (R-1)*sh + (KH-1)*dh + 1
  // rows instead of KH per output row, and the item's fixed costs. Default:
  // the most rows within 128 output pixels and 16 KB of copy, while there are
  // 4 items per core.
  auto rowsIn = [&](int64_t r) { return (r - 1) * g.sh + (KH - 1) * g.dh + 1; };
  int64_t rDefault = 1;
  for (int64_t r = 1; r <= g.OH; ++r)
    if (g.OH % r == 0 && r * g.OW <= 128 && rowsIn(r) * sw * Q * 4 <= (16 << 10) &&
        (r == 1 || g.N * g.C * (g.OH / r) >= 4 * ctx.spec.cores))
      rDefault = r;
  int64_t R = std::max<int64_t>(1, std::min(ctx.knob(grp, "dw_rows", rDefault), g.OH));
  while (g.OH % R) --R;
  int64_t nRows = rowsIn(R), nRg = g.OH / R;
  int64_t items = g.N * g.C * nRg;
  LoopKind kind =
      flops >= ctx.knob(grp, "parallel_min_flops", 1 << 16) && items > 1 ? LoopKind::Parallel : LoopKind::Serial;
  bool needH = g.ph > 0 || (g.OH - 1) * g.sh + (KH - 1) * g.dh - g.ph >= g.H;
  // Work order: channels inside row groups (`dw_rows_outer`, each thread's
  // share a band of image rows, as in the other conv paths), or row groups
  // inside channels.
  bool rowsOuter = ctx.knob(grp, "dw_rows_outer", nRg >= 2 * ctx.spec.cores ? 1 : 0) != 0;
  return loop("row", items, kind, [&](const ExprRef& item) {
    std::vector<ExprRef> ix = delinearize(item, rowsOuter ? std::vector<int64_t>{g.N, nRg, g.C}
                                                          : std::vector<int64_t>{g.N, g.C, nRg});
    ExprRef rg = rowsOuter ? ix[1] : ix[2], c = rowsOuter ? ix[2] : ix[1];
    ExprRef nc = ix[0] * g.C + c;
    BufferRef xpad = makeBuffer("xpad", DType::Float32, nRows * sw * Q, MemScope::Local);
    std::vector<StmtRef> st;
    // The copy: for each input row i and phase, q in [0, Q): column q*sw + ph, input iw = col - pw.
    auto copyRow = [&](const ExprRef& i) {
      ExprRef ih = rg * (R * g.sh) + i - intImm(g.ph);
      ExprRef inH = binary(BinOp::And, binary(BinOp::GE, ih, intImm(0)), binary(BinOp::LT, ih, intImm(g.H)));
      ExprRef src = (nc * g.H + ih) * g.W;
      return phaseSplitRowCopy(xpad, i * (sw * Q), X.buffer, src, needH ? inH : nullptr, sw, g.pw, g.W, Q,
                               static_cast<int>(lanes));
    };
    st.push_back(nRows == 1 ? copyRow(intImm(0)) : loop("i", nRows, LoopKind::Serial, copyRow));
    auto outputRow = [&](const ExprRef& r) {
      ExprRef oh = rg * R + r;
      // One tile of nv vectors of ln lanes from column ow0.
      auto tile = [&](const ExprRef& ow0, int64_t nv, int64_t ln) {
        BufferRef acc = makeBuffer("acc", DType::Float32, nv * ln, MemScope::Register);
        auto vec = [&](const std::function<StmtRef(const ExprRef&)>& f) {
          if (ln == 1) return f(intImm(0));
          Var l = makeVar("l");
          return forLoop(l, intImm(0), intImm(ln), LoopKind::Vectorized, f(varRef(l)));
        };
        std::vector<StmtRef> body;
        body.push_back(vec([&](const ExprRef& l) {
          std::vector<StmtRef> s;
          for (int64_t v = 0; v < nv; ++v) s.push_back(store(acc, intImm(v * ln) + l, floatImm(0)));
          return seq(s);
        }));
        body.push_back(vec([&](const ExprRef& l) {
          std::vector<StmtRef> s;
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              int64_t ph = (kw * g.dw) % sw, off = (kw * g.dw) / sw;
              ExprRef wv = load(Wt.buffer, c * (KH * KW) + intImm(kh * KW + kw));
              ExprRef rowBase = ((r * g.sh + intImm(kh * g.dh)) * sw + intImm(ph)) * Q;
              for (int64_t v = 0; v < nv; ++v) {
                ExprRef xv = load(xpad, rowBase + intImm(off + v * ln) + ow0 + l);
                ExprRef ai = intImm(v * ln) + l;
                s.push_back(store(acc, ai, call(Intrinsic::Fma, {xv, wv, load(acc, ai)})));
              }
            }
          return seq(s);
        }));
        body.push_back(vec([&](const ExprRef& l) {
          std::vector<StmtRef> s;
          for (int64_t v = 0; v < nv; ++v) {
            ExprRef val = load(acc, intImm(v * ln) + l);
            if (bias) val = val + biasLoader.load(bias, {c});
            ExprRef ow = ow0 + intImm(v * ln) + l;
            ExprRef n = binary(BinOp::Div, nc, intImm(g.C));
            std::vector<ExprRef> oidx = is1d ? std::vector<ExprRef>{n, c, ow} : std::vector<ExprRef>{n, c, oh, ow};
            s.push_back(storeThroughEpilogue(grp, ctx, oidx, val));
          }
          return seq(s);
        }));
        return allocate(acc, seq(body));
      };
      std::vector<StmtRef> rs;
      int64_t step = tileV * lanes, full = g.OW / step, done = full * step;
      if (full > 0)
        rs.push_back(loop("owt", full, LoopKind::Serial, [&](const ExprRef& t) { return tile(t * step, tileV, lanes); }));
      if (g.OW - done >= lanes) {
        int64_t nv = (g.OW - done) / lanes;
        rs.push_back(tile(intImm(done), nv, lanes));
        done += nv * lanes;
      }
      if (g.OW > done) rs.push_back(tile(intImm(done), 1, g.OW - done));
      return seq(rs);
    };
    st.push_back(R == 1 ? outputRow(intImm(0)) : loop("r", R, LoopKind::Serial, outputRow));
    return allocate(xpad, seq(st));
  });
}

// The general path (any shape, f32/f64): output columns vectorized, masked loads.
StmtRef scheduleConvColumns(const GroupInfo& grp, ScheduleContext& ctx, const ConvGeom& g) {
  const Node& cv = *grp.anchor;
  DType dt = cv.output(0)->type().dtype;
  Type t = scalarType(dt);
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

}  // namespace

StmtRef scheduleConv(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& cv = *grp.anchor;
  DType dt = cv.output(0)->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(cv.describe(), ": Conv of ", dtypeName(dt), " has no CPU schedule");
  ConvGeom g = geomOf(cv);
  if (g.outBlocked) {  // NchwcConv: Winograd or the channel path, b output channels per vector
    if (StmtRef s = scheduleConvWinograd(grp, ctx, g)) return s;
    if (StmtRef s = scheduleConvChannels(grp, ctx, g)) return s;
    unsupported(cv.describe(), ": no CPU schedule for this blocked conv (f32, constant weights, group 1)");
  }
  if (StmtRef s = scheduleConvPixels(grp, ctx, g)) return s;
  if (StmtRef s = scheduleConvPhasePixels(grp, ctx, g)) return s;
  if (StmtRef s = scheduleConvChannels(grp, ctx, g)) return s;
  if (StmtRef s = scheduleConvDepthwise(grp, ctx, g)) return s;
  return scheduleConvColumns(grp, ctx, g);
}

}  // namespace dlc::cpu
