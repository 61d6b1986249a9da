// The Winograd path for blocked 3x3 stride-1 convs, F(m x m, 3 x 3): each
// m x m tile of output pixels is computed from the (m+2) x (m+2) input tile
// that covers it in alpha^2 = (m+2)^2 products per channel pair instead of
// 9 m^2 (m = 2: 2.25x fewer, m = 4: 4x fewer), at the cost of a transform of
// each input tile and each output tile. The weights are transformed at
// compile time, U = G w G^T per (output, input) channel pair, packed as
// [K tile][xi][c][tile_k * b] so a register tile reads tile_k contiguous
// vectors per input channel.
//
//   for (n, tile chunk, K group)                             (parallel)
//     V[xi][t][c] = (B^T d(t, c) B)[xi]      for the chunk's tiles t, all c
//     for K tile kt in the group
//       for xi, for groups of tile_t tiles:   (register tile tile_t x tile_k vectors)
//         M[xi][t][v][:] = sum over c of V[xi][t][c] * U[kt][xi][c][v][:]
//       for t, v: y[n, kt*tile_k + v, tile t's pixels, :] = epilogue(A^T M(t, v) A + bias)
//
// Lanes run over channels everywhere: the input transform reads and writes
// b-channel vectors of the NCHW[b]c input, the GEMM broadcasts V and loads
// b output channels of U, and the output transform writes NCHW[b]c pixels.
// V and M are per-thread buffers that stay in L2; the tiles of a chunk share
// each U slice, which the GEMM sweeps once per chunk.
//
// Rounding: with m = 2 the transforms' coefficients are 0, +-1 and +-1/2, so
// results match the direct path's to a few ulps; m = 4 (coefficients up to 8
// and 1/24) loses about 3 more bits, an error near 4e-6 of the output's
// scale on random 256-channel data.
#include <algorithm>
#include <array>

#include "ConvGeom.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

// Y = A^T [(G w G^T) . (B^T d B)] A (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks"), points 0, +-1 (+-2) and infinity.
struct WinogradMatrices {
  int m = 0, alpha = 0;
  std::vector<double> bt;  // alpha x alpha
  std::vector<double> g;   // alpha x 3
  std::vector<double> at;  // m x alpha
};

WinogradMatrices winogradMatrices(int m) {
  if (m == 2)
    return {2, 4,
            {1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1},
            {1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1},
            {1, 1, 1, 0, 0, 1, -1, -1}};
  DLC_CHECK(m == 4, "Winograd conv: no transform for m = ", m);
  return {4, 6,
          {4, 0, -5, 0, 1, 0, 0, -4, -4, 1, 1, 0, 0, 4, -4, -1, 1, 0,
           0, -2, -1, 2, 1, 0, 0, 2, -1, -2, 1, 0, 0, 4, 0, -5, 0, 1},
          {1.0 / 4, 0, 0, -1.0 / 6, -1.0 / 6, -1.0 / 6, -1.0 / 6, 1.0 / 6, -1.0 / 6,
           1.0 / 24, 1.0 / 12, 1.0 / 6, 1.0 / 24, -1.0 / 12, 1.0 / 6, 0, 0, 1},
          {1, 1, 1, 1, 1, 0, 0, 1, -1, 2, -2, 0, 0, 1, 1, 4, 4, 0, 0, 1, -1, 8, -8, 1}};
}

// sum over k of coef(k) * term(k), skipping zero coefficients and multiplying
// by none of +-1 (the transforms are mostly sums and differences).
ExprRef linearCombination(int n, const std::function<double(int)>& coef, const std::function<ExprRef(int)>& term) {
  ExprRef acc;
  for (int k = 0; k < n; ++k) {
    double c = coef(k);
    if (c == 0) continue;
    ExprRef t = term(k);
    if (!acc) {
      acc = c == 1 ? t : c == -1 ? unary(UnOp::Neg, t) : t * floatImm(c);
    } else if (c == 1) {
      acc = acc + t;
    } else if (c == -1) {
      acc = acc - t;
    } else {
      acc = call(Intrinsic::Fma, {floatImm(c), t, acc});
    }
  }
  return acc ? acc : floatImm(0);
}

}  // namespace

StmtRef scheduleConvWinograd(const GroupInfo& grp, ScheduleContext& ctx, const ConvGeom& g) {
  const Node& cv = *grp.anchor;
  int64_t b = g.block;
  bool shapeOk = g.inBlocked && g.outBlocked && g.group == 1 && g.KH == 3 && g.KW == 3 && g.sh == 1 && g.sw == 1 &&
                 g.dh == 1 && g.dw == 1 && b >= 4 && g.C % b == 0 && g.M % b == 0 &&
                 cv.output(0)->type().dtype == DType::Float32 && cv.input(1)->isConstant();
  if (!shapeOk) return nullptr;
  // Default: the largest m whose tiles number at least 32 (per batch), so
  // each transformed weight, streamed from memory once per run as the
  // direct path's are, does 32 FMAs or more. ResNet-18's 3x3 convs at 2
  // threads on Zen 5 (direct / F(2x2) / F(4x4), ms): 56x56x64 0.50 / 0.25 /
  // 0.16, 28x28x128 0.47 / 0.24 / 0.18, 14x14x256 0.48 / 0.32 / 0.42, 7x7x512
  // 0.50 / 0.62 / 0.86.
  auto tilesOf = [&](int64_t mm) { return g.N * ((g.OH + mm - 1) / mm) * ((g.OW + mm - 1) / mm); };
  int64_t dfltM = tilesOf(4) >= 32 ? 4 : tilesOf(2) >= 32 ? 2 : 0;
  int64_t mKnob = ctx.knob(grp, "winograd", dfltM);
  if (mKnob == 0) return nullptr;
  if (mKnob != 2 && mKnob != 4)
    fail("schedule config: knob 'winograd' of ", cv.describe(), " is ", mKnob,
         " (want 0 for the direct path, 2 or 4 for F(2x2, 3x3) or F(4x4, 3x3))");
  WinogradMatrices wm = winogradMatrices(static_cast<int>(mKnob));
  int64_t m = wm.m, alpha = wm.alpha, xis = alpha * alpha;
  int64_t TH = (g.OH + m - 1) / m, TW = (g.OW + m - 1) / m, T = TH * TW;
  int64_t nKv = g.M / b;  // output-channel vectors
  int64_t regs = ctx.spec.vectorRegisters;

  // Register tile: tile_t tiles (broadcasts) x tile_k vectors of output
  // channels, tile_t * tile_k + tile_k + 1 <= registers, the most FMAs per load.
  int64_t bestT = 1, bestK = 1;
  double bestRatio = 0;
  for (int64_t k = 1; k <= std::min<int64_t>(nKv, 8); ++k) {
    if (nKv % k) continue;
    int64_t t = std::min<int64_t>((regs - k - 1) / k, 8);
    if (t < 1) continue;
    double r = static_cast<double>(t * k) / static_cast<double>(t + k);
    if (r > bestRatio + 1e-9) bestRatio = r, bestT = t, bestK = k;
  }
  int64_t tileK = std::max<int64_t>(1, std::min(ctx.knob(grp, "wino_tile_k", bestK), nKv));
  while (nKv % tileK) --tileK;
  int64_t nKt = nKv / tileK;
  // Tiles per chunk: a divisor of the image's tiles, the most whose V buffer
  // fits in L2 while each core has a chunk: every chunk streams all of U, so
  // few chunks keep that traffic low; V is swept once per K tile, in order.
  // ResNet-50 at 2 threads on Zen 5: its 28x28x128 convs with 49 tiles per
  // chunk (V 0.9 MB, M 0.45 MB) 22% faster than with 7, the 14x14x256 ones
  // 7%. K groups then split each chunk's K tiles among work items until each
  // core has one (each group transforms the chunk's input again: two groups
  // ran the 14x14x256 convs 5% faster than four).
  auto vBytes = [&](int64_t tu) { return xis * tu * g.C * 4; };
  int64_t tuDefault = 1;
  for (int64_t d = 1; d <= T; ++d)
    if (T % d == 0 && vBytes(d) <= ctx.spec.l2Bytes && (d == 1 || g.N * (T / d) * nKt >= ctx.spec.cores))
      tuDefault = d;
  int64_t Tu = std::max<int64_t>(1, std::min(ctx.knob(grp, "wino_tiles", tuDefault), T));
  while (T % Tu) --Tu;
  int64_t nChunks = T / Tu;
  int64_t kgDefault = 1;
  while (kgDefault < nKt && g.N * nChunks * kgDefault < ctx.spec.cores) {
    int64_t next = kgDefault + 1;
    while (next < nKt && nKt % next) ++next;
    kgDefault = next;
  }
  int64_t kGroups = std::max<int64_t>(1, std::min(ctx.knob(grp, "wino_k_groups", kgDefault), nKt));
  while (nKt % kGroups) --kGroups;
  int64_t ktPerGroup = nKt / kGroups;
  int64_t tileT = std::max<int64_t>(1, std::min(ctx.knob(grp, "wino_tile_t", bestT), Tu));

  int64_t uBytes = xis * g.C * g.M * 4;
  bool prefetchU = ctx.knob(grp, "wino_prefetch", uBytes > ctx.spec.l2Bytes ? 1 : 0) != 0;
  const ValueBuffer& X = ctx.buffers.at(cv.input(0));
  const Value* bias = cv.input(2);
  ExprBuilder biasLoader(ctx.buffers, {});
  int64_t kTile = tileK * b;
  // U[kt][xi][c][kTile], U = G w G^T for each (k, c).
  const ValueBuffer& Up = ctx.packedConstant(
      cv.input(1), "wino" + std::to_string(m) + "k" + std::to_string(kTile), [&](const Tensor& w) {
        Tensor p(DType::Float32, {nKt, xis * g.C, kTile});
        const float* src = w.data<float>();
        float* dst = p.data<float>();
        for (int64_t k = 0; k < g.M; ++k)
          for (int64_t c = 0; c < g.C; ++c) {
            const float* wk = src + (k * g.C + c) * 9;
            double gw[6][3] = {};  // G w: alpha x 3
            for (int64_t i = 0; i < alpha; ++i)
              for (int64_t j = 0; j < 3; ++j)
                for (int64_t q = 0; q < 3; ++q) gw[i][j] += wm.g[i * 3 + q] * wk[q * 3 + j];
            for (int64_t i = 0; i < alpha; ++i)
              for (int64_t j = 0; j < alpha; ++j) {
                double u = 0;
                for (int64_t q = 0; q < 3; ++q) u += gw[i][q] * wm.g[j * 3 + q];
                int64_t xi = i * alpha + j;
                dst[((k / kTile) * xis * g.C + xi * g.C + c) * kTile + k % kTile] = static_cast<float>(u);
              }
          }
        return p;
      });

  double flops = 2.0 * g.N * g.M * g.OH * g.OW * g.C * 9;
  int64_t units = g.N * nChunks * kGroups;
  LoopKind kind =
      flops >= ctx.knob(grp, "parallel_min_flops", 1 << 16) && units > 1 ? LoopKind::Parallel : LoopKind::Serial;
  auto vecLoop = [&](const std::function<StmtRef(const ExprRef&)>& f) {
    Var l = makeVar("l");
    return forLoop(l, intImm(0), intImm(b), LoopKind::Vectorized, f(varRef(l)));
  };
  int64_t cb = g.C / b;
  bool edgeRows = TH * m != g.OH, edgeCols = TW * m != g.OW;

  return loop("unit", units, kind, [&](const ExprRef& unit) {
    std::vector<ExprRef> ix = delinearize(unit, {g.N, nChunks, kGroups});
    ExprRef n = ix[0], chunk = ix[1], kg = ix[2];
    BufferRef vs = makeBuffer("wv", DType::Float32, xis * Tu * g.C, MemScope::Local);
    BufferRef ms = makeBuffer("wm", DType::Float32, xis * Tu * kTile, MemScope::Local);
    auto tileRowCol = [&](const ExprRef& tl, ExprRef& ty, ExprRef& tx) {
      ExprRef t = chunk * Tu + tl;
      ty = binary(BinOp::Div, t, intImm(TW));
      tx = binary(BinOp::Mod, t, intImm(TW));
    };

    // Input transform: V[xi][tl][c] for the chunk's tiles.
    StmtRef inputTransform = loop("wt", Tu, LoopKind::Serial, [&](const ExprRef& tl) {
      ExprRef ty, tx;
      tileRowCol(tl, ty, tx);
      ExprRef ih0 = ty * m - intImm(g.ph), iw0 = tx * m - intImm(g.pw);
      auto transform = [&](bool checked) {
        return loop("wc", cb, LoopKind::Serial, [&](const ExprRef& c) {
          BufferRef d = makeBuffer("wd", DType::Float32, xis * b, MemScope::Register);
          BufferRef s = makeBuffer("ws", DType::Float32, xis * b, MemScope::Register);
          StmtRef body = vecLoop([&](const ExprRef& l) {
            std::vector<StmtRef> st;
            for (int64_t u = 0; u < alpha; ++u)
              for (int64_t v = 0; v < alpha; ++v) {
                ExprRef ih = ih0 + intImm(u), iw = iw0 + intImm(v);
                ExprRef x;
                if (checked) {
                  ExprRef in = binary(BinOp::And,
                                      binary(BinOp::And, binary(BinOp::GE, ih, intImm(0)), binary(BinOp::LT, ih, intImm(g.H))),
                                      binary(BinOp::And, binary(BinOp::GE, iw, intImm(0)), binary(BinOp::LT, iw, intImm(g.W))));
                  ExprRef chH = kernel::min(kernel::max(ih, intImm(0)), intImm(g.H - 1));
                  ExprRef chW = kernel::min(kernel::max(iw, intImm(0)), intImm(g.W - 1));
                  x = select(in, load(X.buffer, (((n * cb + c) * g.H + chH) * g.W + chW) * b + l), floatImm(0));
                } else {
                  x = load(X.buffer, (((n * cb + c) * g.H + ih) * g.W + iw) * b + l);
                }
                st.push_back(store(d, intImm((u * alpha + v) * b) + l, x));
              }
            // s = B^T d, then V = s B: V[i][j] = sum_k s[i][k] B^T[j][k].
            for (int64_t i = 0; i < alpha; ++i)
              for (int64_t v = 0; v < alpha; ++v)
                st.push_back(store(s, intImm((i * alpha + v) * b) + l,
                                   linearCombination(
                                       static_cast<int>(alpha), [&](int k) { return wm.bt[i * alpha + k]; },
                                       [&](int k) { return load(d, intImm((k * alpha + v) * b) + l); })));
            for (int64_t i = 0; i < alpha; ++i)
              for (int64_t j = 0; j < alpha; ++j) {
                ExprRef val = linearCombination(
                    static_cast<int>(alpha), [&](int k) { return wm.bt[j * alpha + k]; },
                    [&](int k) { return load(s, intImm((i * alpha + k) * b) + l); });
                st.push_back(store(vs, ((intImm(i * alpha + j) * Tu + tl) * g.C + c * b) + l, val));
              }
            return seq(st);
          });
          return allocate(d, allocate(s, body));
        });
      };
      ExprRef inside = binary(
          BinOp::And,
          binary(BinOp::And, binary(BinOp::GE, ih0, intImm(0)), binary(BinOp::LE, ih0, intImm(g.H - alpha))),
          binary(BinOp::And, binary(BinOp::GE, iw0, intImm(0)), binary(BinOp::LE, iw0, intImm(g.W - alpha))));
      return ifThenElse(inside, transform(false), transform(true));
    });

    // One group of `w` tiles from tile t0 of the chunk at transform point xi:
    // M[xi][t0 + j][v][:] = sum over c of V[xi][t0 + j][c] * U[kt][xi][c][v][:].
    auto gemmTiles = [&](const ExprRef& kt, const ExprRef& xi, const ExprRef& t0, int64_t w) {
      BufferRef acc = makeBuffer("acc", DType::Float32, w * kTile, MemScope::Register);
      std::vector<StmtRef> st;
      st.push_back(vecLoop([&](const ExprRef& l) {
        std::vector<StmtRef> z;
        for (int64_t k = 0; k < w * tileK; ++k) z.push_back(store(acc, intImm(k * b) + l, floatImm(0)));
        return seq(z);
      }));
      st.push_back(loop("wk", g.C, LoopKind::Serial, [&](const ExprRef& c) {
        ExprRef row = ((kt * xis + xi) * g.C + c) * kTile;  // U[kt][xi][c][:]
        StmtRef fmas = vecLoop([&](const ExprRef& l) {
          std::vector<StmtRef> f;
          for (int64_t j = 0; j < w; ++j) {
            ExprRef xv = load(vs, (xi * Tu + t0 + intImm(j)) * g.C + c);
            for (int64_t v = 0; v < tileK; ++v) {
              ExprRef wv = load(Up.buffer, row + intImm(v * b) + l);
              ExprRef ai = intImm((j * tileK + v) * b) + l;
              f.push_back(store(acc, ai, call(Intrinsic::Fma, {xv, wv, load(acc, ai)})));
            }
          }
          return seq(f);
        });
        if (!prefetchU) return fmas;
        // The same row of the next U slice (the next xi, or the next K
        // tile's first: the slices are contiguous), so the first tile group
        // of each xi does not stall on a slice streaming from memory.
        std::vector<StmtRef> f{fmas};
        for (int64_t v = 0; v < tileK; ++v) f.push_back(prefetch(Up.buffer, row + intImm(g.C * kTile + v * b)));
        return seq(f);
      }));
      st.push_back(vecLoop([&](const ExprRef& l) {
        std::vector<StmtRef> o;
        for (int64_t j = 0; j < w; ++j)
          for (int64_t v = 0; v < tileK; ++v)
            o.push_back(store(ms, ((xi * Tu + t0 + intImm(j)) * tileK + intImm(v)) * b + l,
                              load(acc, intImm((j * tileK + v) * b) + l)));
        return seq(o);
      }));
      return allocate(acc, seq(st));
    };
    // Balanced groups: ceil(Tu / tile_t) groups of nearly equal size.
    int64_t nGroups = (Tu + tileT - 1) / tileT;
    int64_t wide = (Tu + nGroups - 1) / nGroups, narrow = wide - 1;
    int64_t nWide = Tu - narrow * nGroups, nNarrow = nGroups - nWide;

    auto perKTile = [&](const ExprRef& ktl) {
      ExprRef kt = kg * ktPerGroup + ktl;
      std::vector<StmtRef> st;
      st.push_back(loop("wxi", xis, LoopKind::Serial, [&](const ExprRef& xi) {
        std::vector<StmtRef> gs;
        gs.push_back(loop("wg", nWide, LoopKind::Serial, [&](const ExprRef& tg) { return gemmTiles(kt, xi, tg * wide, wide); }));
        if (nNarrow > 0 && narrow > 0)
          gs.push_back(loop("wn", nNarrow, LoopKind::Serial, [&](const ExprRef& tg) {
            return gemmTiles(kt, xi, intImm(nWide * wide) + tg * narrow, narrow);
          }));
        return seq(gs);
      }));
      // Output transform: Y = A^T M A per tile and output-channel vector.
      st.push_back(loop("wo", Tu, LoopKind::Serial, [&](const ExprRef& tl) {
        ExprRef ty, tx;
        tileRowCol(tl, ty, tx);
        return loop("wov", tileK, LoopKind::Serial, [&](const ExprRef& v) {
          BufferRef s = makeBuffer("wy", DType::Float32, m * alpha * b, MemScope::Register);
          std::vector<StmtRef> st2;
          st2.push_back(vecLoop([&](const ExprRef& l) {
            std::vector<StmtRef> a;
            for (int64_t i = 0; i < m; ++i)
              for (int64_t q = 0; q < alpha; ++q)
                a.push_back(store(s, intImm((i * alpha + q) * b) + l,
                                  linearCombination(
                                      static_cast<int>(alpha), [&](int k) { return wm.at[i * alpha + k]; },
                                      [&](int k) {
                                        return load(ms, ((intImm(k * alpha + q) * Tu + tl) * tileK + v) * b + l);
                                      })));
            return seq(a);
          }));
          ExprRef kv = kt * tileK + v;  // the output's channel block
          for (int64_t i = 0; i < m; ++i)
            for (int64_t jj = 0; jj < m; ++jj) {
              ExprRef oh = ty * m + intImm(i), ow = tx * m + intImm(jj);
              StmtRef out = vecLoop([&](const ExprRef& l) {
                ExprRef val = linearCombination(
                    static_cast<int>(alpha), [&](int k) { return wm.at[jj * alpha + k]; },
                    [&](int k) { return load(s, intImm((i * alpha + k) * b) + l); });
                if (bias) val = val + biasLoader.load(bias, {kv * b + l});
                return storeThroughEpilogue(grp, ctx, {n, kv, oh, ow, l}, val);
              });
              std::vector<ExprRef> conds;
              if (edgeRows && (TH - 1) * m + i >= g.OH) conds.push_back(binary(BinOp::LT, oh, intImm(g.OH)));
              if (edgeCols && (TW - 1) * m + jj >= g.OW) conds.push_back(binary(BinOp::LT, ow, intImm(g.OW)));
              if (conds.size() == 2) out = ifThenElse(binary(BinOp::And, conds[0], conds[1]), out);
              if (conds.size() == 1) out = ifThenElse(conds[0], out);
              st2.push_back(out);
            }
          return allocate(s, seq(st2));
        });
      }));
      return seq(st);
    };
    StmtRef gemm = ktPerGroup == 1 ? perKTile(intImm(0)) : loop("wkt", ktPerGroup, LoopKind::Serial, perKTile);
    return allocate(vs, allocate(ms, seq({inputTransform, gemm})));
  });
}

}  // namespace dlc::cpu
