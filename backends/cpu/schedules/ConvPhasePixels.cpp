// The phase-split pixel path for 2-D KxK convs with few input channels (f32,
// group 1): the RGB stem of image models (3 -> 64, 7x7, stride 2). Their K
// (C*KH*KW = 147) is too short for the channel path's strided NCHW stores to
// pay off, so this path vectorizes over output pixels instead, like the 1x1
// pixel GEMM: a register tile of tile_m output channels (weights broadcast) x
// tile_nv vectors of output columns, stored dense. Strided taps stay dense
// loads because each work item first copies the input rows it reads,
// zero-padded and split by column phase (col % sw), into a per-thread buffer,
// as the depthwise path does: tap (kh, kw) of output column ow reads
// xpad[ci][row(kh)][(kw*dw) % sw][ow + (kw*dw) / sw].
//
//   for (n, row group)                                        (parallel)
//     xpad[ci][i][ph][q] = x[n, ci, ih(i), q*sw + ph - pw] or 0
//     for ocb, r, ow0 (balanced tiles of up to tile_nv vectors)
//       acc[m][v] = sum over ci, kh, kw of w[oc0 + m, ci, kh, kw] * xpad[ci][r*sh + kh*dh][ph(kw)][ow0 + v + off(kw)]
//       y[n, oc0 + m, oh, ow0 + v] = epilogue(acc[m][v] + bias[oc0 + m])
#include "ConvGeom.h"

#include <algorithm>

namespace dlc::cpu {
using namespace kernel;

StmtRef phaseSplitRowCopy(const BufferRef& xpad, const ExprRef& rowStart, const BufferRef& x, const ExprRef& src,
                          const ExprRef& inH, int64_t sw, int64_t pw, int64_t W, int64_t Q, int lanes) {
  std::vector<StmtRef> in, out;
  for (int64_t ph = 0; ph < sw; ++ph) {
    ExprRef base = rowStart + intImm(ph * Q);
    // q with 0 <= q*sw + ph - pw < W: [qlo, qhi).
    int64_t qlo = std::min<int64_t>(Q, std::max<int64_t>(0, (pw - ph + sw - 1) / sw));
    int64_t qhi = std::max<int64_t>(qlo, std::min<int64_t>(Q, (W + pw - ph + sw - 1) / sw));
    auto zeros = [&](int64_t from, int64_t to) {
      return vectorizedLoop("z", to - from, lanes,
                            [&](const ExprRef& k) { return store(xpad, base + intImm(from) + k, floatImm(0)); });
    };
    if (qlo > 0) in.push_back(zeros(0, qlo));
    if (qhi > qlo)
      in.push_back(vectorizedLoop("q", qhi - qlo, lanes, [&](const ExprRef& k) {
        ExprRef iw = (intImm(qlo) + k) * sw + intImm(ph - pw);
        return store(xpad, base + intImm(qlo) + k, load(x, src + iw));
      }));
    if (qhi < Q) in.push_back(zeros(qhi, Q));
    out.push_back(zeros(0, Q));
  }
  return inH ? ifThenElse(inH, seq(in), seq(out)) : seq(in);
}

StmtRef scheduleConvPhasePixels(const GroupInfo& grp, ScheduleContext& ctx, const ConvGeom& g) {
  const Node& cv = *grp.anchor;
  if (cv.output(0)->type().dtype != DType::Float32 || staticExtents(*cv.input(0)).size() != 4 || g.group != 1)
    return nullptr;
  int64_t lanes = ctx.spec.floatLanes();
  if (g.KH * g.KW == 1 || g.OW < lanes) return nullptr;
  // Default: up to 4 input channels (RGB(A) stems).
  if (ctx.knob(grp, "phase_pixels", g.C <= 4 ? 1 : 0) == 0) return nullptr;
  int64_t regs = ctx.spec.vectorRegisters;
  int64_t nvRow = (g.OW + lanes - 1) / lanes;
  // The same register tile as the 1x1 pixel path.
  PixelTile best = pixelTileDefault(regs, nvRow, g.M);
  int64_t tileM = std::max<int64_t>(1, ctx.knob(grp, "tile_m", best.m));
  while (g.M % tileM) --tileM;
  int64_t tileNv = std::max<int64_t>(1, std::min(ctx.knob(grp, "tile_nv", best.nv), nvRow));
  int64_t KH = g.KH, KW = g.KW, sw = g.sw;
  int64_t padW = (g.OW - 1) * g.sw + (g.KW - 1) * g.dw + 1;
  int64_t Q = (padW + sw - 1) / sw;  // columns per phase
  auto rowsIn = [&](int64_t r) { return (r - 1) * g.sh + (KH - 1) * g.dh + 1; };
  // Rows per work item (`phase_rows`, a divisor of OH): the most whose copy
  // stays within 32 KB while there are 4 items per core.
  int64_t rDefault = 1;
  for (int64_t r = 2; r <= g.OH; ++r)
    if (g.OH % r == 0 && g.C * rowsIn(r) * sw * Q * 4 <= (32 << 10) && g.N * (g.OH / r) >= 4 * ctx.spec.cores)
      rDefault = r;
  int64_t R = std::max<int64_t>(1, std::min(ctx.knob(grp, "phase_rows", rDefault), g.OH));
  while (g.OH % R) --R;
  int64_t nRows = rowsIn(R), nRg = g.OH / R;
  const ValueBuffer& X = ctx.buffers.at(cv.input(0));
  const ValueBuffer& Wt = ctx.buffers.at(cv.input(1));
  const Value* bias = cv.input(2);
  ExprBuilder biasLoader(ctx.buffers, {});
  double flops = 2.0 * g.N * g.M * g.OH * g.OW * g.C * KH * KW;
  int64_t items = g.N * nRg;
  LoopKind kind =
      flops >= ctx.knob(grp, "parallel_min_flops", 1 << 16) && items > 1 ? LoopKind::Parallel : LoopKind::Serial;
  // Balanced tiles: the row's vectors cut into ceil(nvRow / tile_nv) tiles of
  // nearly equal width (7 vectors: 3 + 2 + 2, not 3 + 3 + 1).
  int64_t nTiles = (nvRow + tileNv - 1) / tileNv;
  std::vector<int64_t> tileVecs;
  for (int64_t t = 0, left = nvRow; t < nTiles; ++t) {
    int64_t w = (left + (nTiles - t) - 1) / (nTiles - t);
    tileVecs.push_back(w);
    left -= w;
  }
  return loop("item", items, kind, [&](const ExprRef& item) {
    std::vector<ExprRef> ix = delinearize(item, {g.N, nRg});
    ExprRef n = ix[0], rg = ix[1];
    BufferRef xpad = makeBuffer("xpad", DType::Float32, g.C * nRows * sw * Q, MemScope::Local);
    std::vector<StmtRef> st;
    // The copy of input row i (of the item's nRows) of channel ci, by phase.
    st.push_back(loop("ci", g.C, LoopKind::Serial, [&](const ExprRef& ci) {
      return loop("i", nRows, LoopKind::Serial, [&](const ExprRef& i) {
        ExprRef ih = rg * (R * g.sh) + i - intImm(g.ph);
        ExprRef inH = binary(BinOp::And, binary(BinOp::GE, ih, intImm(0)), binary(BinOp::LT, ih, intImm(g.H)));
        ExprRef src = ((n * g.C + ci) * g.H + ih) * g.W;
        return phaseSplitRowCopy(xpad, (ci * nRows + i) * (sw * Q), X.buffer, src, inH, sw, g.pw, g.W, Q,
                                 static_cast<int>(lanes));
      });
    }));
    // One tile: tile_m channels from oc0 x `cols` columns from ow0 of output row r.
    auto tile = [&](const ExprRef& oc0, const ExprRef& r, int64_t ow0, int64_t cols) {
      BufferRef acc = makeBuffer("acc", DType::Float32, tileM * cols, MemScope::Register);
      auto allVectors = [&](const PixelVectorsFn& f) { return overPixelVectors(lanes, cols, f); };
      std::vector<StmtRef> body;
      body.push_back(zeroPixelTile(acc, tileM, lanes, cols));
      body.push_back(loop("ci", g.C, LoopKind::Serial, [&](const ExprRef& ci) {
        return loop("kh", KH, LoopKind::Serial, [&](const ExprRef& kh) {
          ExprRef rowBase = (ci * nRows + r * g.sh + kh * g.dh) * sw;
          // kw unrolled: its phase and offset are constants.
          return allVectors([&](const ExprRef& l, const std::vector<int64_t>& ks) {
            std::vector<StmtRef> s;
            for (int64_t kw = 0; kw < KW; ++kw) {
              int64_t ph = (kw * g.dw) % sw, off = (kw * g.dw) / sw;
              std::vector<ExprRef> xv;
              for (int64_t k : ks) xv.push_back(load(xpad, (rowBase + intImm(ph)) * Q + intImm(ow0 + off + k * lanes) + l));
              for (int64_t m = 0; m < tileM; ++m) {
                ExprRef wv = load(Wt.buffer, ((oc0 + intImm(m)) * g.C + ci) * (KH * KW) + kh * KW + intImm(kw));
                for (size_t j = 0; j < ks.size(); ++j) {
                  ExprRef ai = intImm(m * cols + ks[j] * lanes) + l;
                  s.push_back(store(acc, ai, call(Intrinsic::Fma, {xv[j], wv, load(acc, ai)})));
                }
              }
            }
            return seq(s);
          });
        });
      }));
      body.push_back(allVectors([&](const ExprRef& l, const std::vector<int64_t>& ks) {
        std::vector<StmtRef> s;
        for (int64_t m = 0; m < tileM; ++m)
          for (int64_t k : ks) {
            ExprRef val = load(acc, intImm(m * cols + k * lanes) + l);
            ExprRef co = oc0 + intImm(m);
            if (bias) val = val + biasLoader.load(bias, {co});
            ExprRef ow = intImm(ow0 + k * lanes) + l;
            s.push_back(storeThroughEpilogue(grp, ctx, {n, co, rg * R + r, ow}, val));
          }
        return seq(s);
      }));
      return allocate(acc, seq(body));
    };
    st.push_back(loop("ocb", g.M / tileM, LoopKind::Serial, [&](const ExprRef& ocb) {
      return loop("r", R, LoopKind::Serial, [&](const ExprRef& r) {
        std::vector<StmtRef> ts;
        int64_t v0 = 0;
        for (int64_t w : tileVecs) {
          int64_t ow0 = v0 * lanes, cols = std::min(g.OW, (v0 + w) * lanes) - ow0;
          ts.push_back(tile(ocb * tileM, r, ow0, cols));
          v0 += w;
        }
        return seq(ts);
      });
    }));
    return allocate(xpad, seq(st));
  });
}

}  // namespace dlc::cpu
