// Template for MatMul (numpy batching and 1-D operands) and Gemm (transA,
// transB, alpha, beta, C) with a fused elementwise epilogue: a blocked GEMM.
//
// B is read as column panels of nr = tile_nv * vector_lanes columns laid out
// [panel][k][nr], so the micro-kernel streams it contiguously. A constant B
// (weights) is packed that way at compile time (ScheduleContext::packedConstant,
// zero-padded to whole panels); an activation B (attention's batch matmuls) is
// packed per work item and K block into a Local scratch, which also makes a
// transposed B transpose-free in the inner loop. The register tile is mr
// (tile_m) rows x nr columns of accumulators: per k it loads tile_nv vectors of
// the panel and broadcasts mr elements of A, so each B vector serves mr FMAs.
// K is cut into blocks of tile_k so the panel's block (tile_k x nr) stays in L1
// while the row blocks of a work item sweep over it; with several K blocks the
// partial sums live in a Local [tile_mc][nr] buffer between blocks. The
// epilogue (alpha, beta * C, the group's elementwise ops) is applied where the
// last K block leaves the accumulators.
//
//   parallel for item in (batch, column panel, row chunk of tile_mc rows)
//     for kb in K / tile_k
//       [B not constant: pack B[kb block][panel] into bp[tile_k][nr]]
//       for rb in row chunk / tile_m          (+ an edge row tile)
//         acc[tile_m][nr] = kb == 0 ? 0 : part[rb]
//         for k in kb block:  acc[i][:] += A[m+i, k] * Bpanel[k][:]
//         kb last ? C[m+i, n+:] = epilogue(alpha * acc + beta * Cbias) : part[rb] = acc
//
// The edge panel (N % nr columns) runs the same tile on zero-padded columns and
// stores only the valid ones.
#include <cstring>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

struct MatMulShape {
  std::vector<int64_t> batch;  // broadcast batch extents
  std::vector<int64_t> aBatch, bBatch;
  int64_t M = 1, N = 1, K = 1;
  bool aVector = false, bVector = false;  // 1-D operands
  bool transA = false, transB = false;
};

MatMulShape shapeOf(const Node& n) {
  MatMulShape s;
  std::vector<int64_t> a = staticExtents(*n.input(0)), b = staticExtents(*n.input(1));
  if (n.op() == "Gemm") {
    s.transA = n.attrInt("transA", 0) != 0;
    s.transB = n.attrInt("transB", 0) != 0;
    DLC_CHECK(a.size() == 2 && b.size() == 2, n.describe(), ": Gemm operands must be 2-D");
  }
  if (a.size() == 1) {
    s.aVector = true;
    a.insert(a.begin(), 1);
  }
  if (b.size() == 1) {
    s.bVector = true;
    b.push_back(1);
  }
  s.M = s.transA ? a[a.size() - 1] : a[a.size() - 2];
  s.K = s.transA ? a[a.size() - 2] : a[a.size() - 1];
  s.N = s.transB ? b[b.size() - 2] : b[b.size() - 1];
  s.aBatch.assign(a.begin(), a.end() - 2);
  s.bBatch.assign(b.begin(), b.end() - 2);
  size_t r = std::max(s.aBatch.size(), s.bBatch.size());
  s.batch.assign(r, 1);
  for (size_t i = 0; i < r; ++i) {
    int64_t ea = i + s.aBatch.size() >= r ? s.aBatch[i + s.aBatch.size() - r] : 1;
    int64_t eb = i + s.bBatch.size() >= r ? s.bBatch[i + s.bBatch.size() - r] : 1;
    s.batch[i] = std::max(ea, eb);
  }
  return s;
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace

StmtRef scheduleMatMul(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& mm = *g.anchor;
  MatMulShape s = shapeOf(mm);
  DType dt = mm.output(0)->type().dtype;
  if (!isFloat(dt) || dt == DType::Float16 || dt == DType::BFloat16 || mm.input(0)->type().dtype != dt)
    unsupported(mm.describe(), ": ", mm.op(), " of ", dtypeName(mm.input(0)->type().dtype), " has no CPU schedule");
  Type t = scalarType(dt);
  const int64_t elemBytes = static_cast<int64_t>(dtypeSize(dt));
  const int64_t batchTotal = numElements(s.batch);
  const int64_t flops = 2 * batchTotal * s.M * s.N * s.K;
  if (batchTotal == 0 || s.M == 0 || s.N == 0) return seq({});

  // ---- knobs, with their analytic defaults from the CpuSpec ----------------
  // Vector width in elements; narrow outputs (N < lanes) compute column by column.
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.vectorBits / (8 * elemBytes)));
  if (s.N < lanes) lanes = 1;
  // Register tile: tile_nv vectors of B (nr columns) x tile_m rows; the
  // accumulators, the B vectors and one broadcast A element fill the registers
  // (tile_m = (registers - tile_nv - 1) / tile_nv). Per k the tile issues
  // tile_m + tile_nv loads for tile_m * tile_nv FMAs; the default tile_nv
  // minimizes that ratio, scaled by the padding of the edge panel and row
  // tile, taking the narrowest within 5% of the best (6 x 4 vectors with 32
  // registers, 4 x 3 with 16 for BERT's shapes).
  const int64_t regs = ctx.spec.vectorRegisters;
  auto rowsFor = [&](int64_t nv) { return std::max<int64_t>(1, std::min(s.M, (regs - nv - 1) / nv)); };
  int64_t nvDefault = 1;
  {
    int64_t maxNv = std::max<int64_t>(1, std::min<int64_t>({8, ceilDiv(s.N, lanes), (regs - 2) / 2}));
    std::vector<double> cost(maxNv + 1, 1e30);
    double best = 1e30;
    for (int64_t nv = 1; nv <= maxNv; ++nv) {
      int64_t mr = rowsFor(nv), w = nv * lanes;
      if (mr * nv + nv + 1 > regs && nv > 1) continue;
      double padN = double(ceilDiv(s.N, w) * w) / double(s.N), padM = double(ceilDiv(s.M, mr) * mr) / double(s.M);
      cost[nv] = double(mr + nv) / double(mr * nv) * padN * padM;
      best = std::min(best, cost[nv]);
    }
    for (int64_t nv = 1; nv <= maxNv; ++nv)
      if (cost[nv] <= best * 1.05) { nvDefault = nv; break; }
  }
  int64_t tileNv = ctx.knob(g, "tile_nv", nvDefault);
  tileNv = std::max<int64_t>(1, std::min(tileNv, ceilDiv(s.N, lanes)));
  int64_t tileM = ctx.knob(g, "tile_m", rowsFor(tileNv));
  tileM = std::max<int64_t>(1, std::min(tileM, s.M));
  const int64_t nr = tileNv * lanes;
  // K block: the panel's block (tile_k x nr) takes half of L1, so it stays
  // there while the row blocks sweep it; with a single row block nothing
  // reuses it and K is not blocked.
  int64_t kDefault = std::max<int64_t>(64, ctx.spec.l1Bytes / 2 / (nr * elemBytes) / 8 * 8);
  if (kDefault >= s.K || s.M <= tileM) kDefault = s.K;
  int64_t tileK = ctx.knob(g, "tile_k", kDefault);
  tileK = std::max<int64_t>(1, std::min(tileK, s.K));
  const int64_t nPanels = ceilDiv(s.N, nr);
  // Rows per work item: all of M unless that leaves too few items for the cores
  // (4 per core for balance); a multiple of tile_m.
  int64_t wantItems = 4 * static_cast<int64_t>(ctx.spec.cores);
  int64_t mcDefault = s.M;
  if (batchTotal * nPanels < wantItems)
    mcDefault = ceilDiv(s.M, std::min(ceilDiv(s.M, tileM), ceilDiv(wantItems, batchTotal * nPanels)));
  int64_t tileMc = ctx.knob(g, "tile_mc", mcDefault);
  tileMc = std::min(ceilDiv(std::max<int64_t>(1, tileMc), tileM) * tileM, ceilDiv(s.M, tileM) * tileM);
  const int64_t mChunks = ceilDiv(s.M, tileMc);
  // Work item order: 0 = (batch, panel, row chunk), 1 = (batch, row chunk, panel).
  int64_t loopOrder = ctx.knob(g, "loop_order", 0);
  // How many leading dims of that order the parallel loop covers (0: serial).
  int64_t parallelDims = ctx.knob(g, "parallel_dims", 3);
  if (flops < ctx.knob(g, "parallel_min_flops", 1 << 16)) parallelDims = 0;
  const int64_t kBlocks = ceilDiv(s.K, tileK);

  const ValueBuffer& A = ctx.buffers.at(mm.input(0));
  const ValueBuffer& B = ctx.buffers.at(mm.input(1));
  double alpha = mm.op() == "Gemm" ? mm.attrFloat("alpha", 1.0) : 1.0;
  double beta = mm.op() == "Gemm" ? mm.attrFloat("beta", 1.0) : 1.0;
  const Value* cBias = mm.op() == "Gemm" ? mm.input(2) : nullptr;
  ExprBuilder biasLoader(ctx.buffers, {});
  std::vector<int64_t> aExt = staticExtents(*mm.input(0)), bExt = staticExtents(*mm.input(1));

  auto aIndex = [&](const std::vector<ExprRef>& b, ExprRef m, ExprRef k) {
    std::vector<ExprRef> idx = broadcastIndex(b, s.aBatch);
    if (s.transA) { idx.push_back(k); idx.push_back(m); }
    else if (s.aVector) { idx.push_back(k); return linearize(idx, aExt); }
    else { idx.push_back(m); idx.push_back(k); }
    return linearize(idx, aExt);
  };
  auto bIndex = [&](const std::vector<ExprRef>& b, ExprRef k, ExprRef n) {
    std::vector<ExprRef> idx = broadcastIndex(b, s.bBatch);
    if (s.transB) { idx.push_back(n); idx.push_back(k); }
    else if (s.bVector) { idx.push_back(k); return linearize(idx, bExt); }
    else { idx.push_back(k); idx.push_back(n); }
    return linearize(idx, bExt);
  };
  auto outIndex = [&](const std::vector<ExprRef>& b, ExprRef m, ExprRef n) {
    std::vector<ExprRef> idx = b;
    if (!s.aVector) idx.push_back(m);
    if (!s.bVector) idx.push_back(n);
    return idx;
  };

  // A constant B is packed once, at compile time: [B batch][panel][K][nr].
  const bool packConst = mm.input(1)->isConstant();
  BufferRef packed;
  if (packConst) {
    int64_t bBatchTotal = numElements(s.bBatch);
    MatMulShape ss = s;
    packed = ctx.packedConstant(mm.input(1), "panels" + std::to_string(nr) + (s.transB ? "t" : ""),
                                [&](const Tensor& w) {
      Tensor p(w.dtype(), {bBatchTotal * nPanels * ss.K * nr});
      const uint8_t* src = static_cast<const uint8_t*>(w.rawData());
      uint8_t* dst = static_cast<uint8_t*>(p.rawData());
      for (int64_t bb = 0; bb < bBatchTotal; ++bb)
        for (int64_t pn = 0; pn < nPanels; ++pn)
          for (int64_t k = 0; k < ss.K; ++k)
            for (int64_t c = 0; c < nr; ++c) {
              int64_t n = pn * nr + c;
              if (n >= ss.N) continue;
              int64_t from = bb * ss.K * ss.N + (ss.transB ? n * ss.K + k : k * ss.N + n);
              int64_t to = ((bb * nPanels + pn) * ss.K + k) * nr + c;
              std::memcpy(dst + to * elemBytes, src + from * elemBytes, elemBytes);
            }
      return p;
    }).buffer;
  }
  auto packedBase = [&](const std::vector<ExprRef>& b, const ExprRef& pn) {
    std::vector<ExprRef> bi = broadcastIndex(b, s.bBatch);
    ExprRef bLin = bi.empty() ? intImm(0) : linearize(bi, s.bBatch);
    return (bLin * nPanels + pn) * (s.K * nr);
  };

  auto lanesLoop = [&](int ln, const std::function<StmtRef(const ExprRef&)>& f) {
    Var v = makeVar("v");
    return ln > 1 ? forLoop(v, intImm(0), intImm(ln), LoopKind::Vectorized, f(varRef(v))) : f(intImm(0));
  };

  // One register tile: `rows` rows from m0 (row `r0` of the chunk), the whole
  // panel at column n0, K block [k0, k0 + kLen); `valid` columns are stored.
  // bLoad(k, col) loads the panel's element (k absolute, col in the panel).
  struct Ctx {
    std::vector<ExprRef> b;
    ExprRef n0, k0, kLen, kb;
    std::function<ExprRef(const ExprRef&, const ExprRef&)> bLoad;
    BufferRef part;  // partial sums between K blocks, or null
    int64_t valid;
  };
  auto tile = [&](const Ctx& c, ExprRef m0, ExprRef r0, int64_t rows) {
    BufferRef acc = makeBuffer("acc", dt, rows * nr, MemScope::Register);
    auto all = [&](const std::function<StmtRef(int64_t, int64_t, const ExprRef&)>& f) {
      std::vector<StmtRef> st;
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < tileNv; ++j) st.push_back(lanesLoop(lanes, [&](const ExprRef& v) { return f(i, j, v); }));
      return seq(st);
    };
    auto accIdx = [&](int64_t i, int64_t j, const ExprRef& v) { return intImm(i * nr + j * lanes) + v; };
    auto partIdx = [&](int64_t i, int64_t j, const ExprRef& v) { return (r0 + i) * nr + (j * lanes) + v; };
    std::vector<StmtRef> body;
    StmtRef zero = all([&](int64_t i, int64_t j, const ExprRef& v) { return store(acc, accIdx(i, j, v), floatImm(0, t)); });
    if (c.part)
      body.push_back(ifThenElse(binary(BinOp::EQ, c.kb, intImm(0)), zero,
                                all([&](int64_t i, int64_t j, const ExprRef& v) {
                                  return store(acc, accIdx(i, j, v), load(c.part, partIdx(i, j, v)));
                                })));
    else
      body.push_back(zero);
    Var k = makeVar("k");
    ExprRef kv = varRef(k);
    body.push_back(forLoop(k, c.k0, c.kLen, LoopKind::Serial, all([&](int64_t i, int64_t j, const ExprRef& v) {
      ExprRef a = load(A.buffer, aIndex(c.b, m0 + i, kv));
      ExprRef bv = c.bLoad(kv, intImm(j * lanes) + v);
      return store(acc, accIdx(i, j, v), call(Intrinsic::Fma, {a, bv, load(acc, accIdx(i, j, v))}));
    })));
    // The epilogue of element (i, column col of the panel) with value val.
    auto finish = [&](int64_t i, const ExprRef& col, ExprRef val) {
      ExprRef m = m0 + i, n = c.n0 + col;
      if (alpha != 1.0) val = val * floatImm(alpha, t);
      if (cBias) {
        std::vector<ExprRef> full = c.b;
        full.push_back(m);
        full.push_back(n);
        ExprRef cb = biasLoader.load(cBias, broadcastIndex(full, staticExtents(*cBias)));
        val = val + (beta != 1.0 ? cb * floatImm(beta, t) : cb);
      }
      return storeThroughEpilogue(g, ctx, outIndex(c.b, m, n), val);
    };
    std::vector<StmtRef> fin;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < tileNv; ++j) {
        int64_t c0 = j * lanes;
        if (c0 + lanes <= c.valid) {
          fin.push_back(lanesLoop(lanes, [&](const ExprRef& v) {
            return finish(i, intImm(c0) + v, load(acc, accIdx(i, j, v)));
          }));
        } else {
          for (int64_t l = c0; l < c.valid; ++l) fin.push_back(finish(i, intImm(l), load(acc, intImm(i * nr + l))));
        }
      }
    if (c.part)
      body.push_back(ifThenElse(binary(BinOp::EQ, c.kb, intImm(kBlocks - 1)), seq(fin),
                                all([&](int64_t i, int64_t j, const ExprRef& v) {
                                  return store(c.part, partIdx(i, j, v), load(acc, accIdx(i, j, v)));
                                })));
    else
      body.push_back(seq(fin));
    return allocate(acc, seq(body));
  };

  // The row blocks of a chunk of `rows` rows from mBase.
  auto rowBlocks = [&](const Ctx& c, const ExprRef& mBase, int64_t rows) {
    std::vector<StmtRef> st;
    int64_t full = rows / tileM, rest = rows % tileM;
    if (full > 0)
      st.push_back(loop("rb", full, LoopKind::Serial, [&](const ExprRef& rb) {
        return tile(c, mBase + rb * tileM, rb * tileM, tileM);
      }));
    if (rest > 0) st.push_back(tile(c, mBase + full * tileM, intImm(full * tileM), rest));
    return seq(st);
  };

  // One work item: batch index b, panel pn (`valid` columns), row chunk mc.
  auto item = [&](const std::vector<ExprRef>& b, const ExprRef& pn, int64_t valid, const ExprRef& mc) {
    ExprRef n0 = pn * nr;
    ExprRef mBase = mc * tileMc;
    int64_t lastRows = s.M - (mChunks - 1) * tileMc;
    auto chunk = [&](const Ctx& c) {
      if (mChunks == 1) return rowBlocks(c, mBase, lastRows);
      if (lastRows == tileMc) return rowBlocks(c, mBase, tileMc);
      return ifThenElse(binary(BinOp::LT, mc, intImm(mChunks - 1)), rowBlocks(c, mBase, tileMc),
                        rowBlocks(c, mBase, lastRows));
    };
    auto kBlock = [&](const ExprRef& kb, BufferRef part) -> StmtRef {
      Ctx c;
      c.b = b;
      c.n0 = n0;
      c.kb = kb;
      c.k0 = kb * tileK;
      c.kLen = kBlocks == 1 ? intImm(s.K) : min(intImm(tileK), intImm(s.K) - kb * tileK);
      c.part = part;
      c.valid = valid;
      if (packConst) {
        ExprRef base = packedBase(b, pn);
        c.bLoad = [=](const ExprRef& k, const ExprRef& col) { return load(packed, base + k * nr + col); };
        return chunk(c);
      }
      // Pack this K block of the panel into bp[k - k0][col], zeros past N.
      BufferRef bp = makeBuffer("bp", dt, tileK * nr, MemScope::Local);
      ExprRef k0 = c.k0;
      c.bLoad = [=](const ExprRef& k, const ExprRef& col) { return load(bp, (k - k0) * nr + col); };
      Var kk = makeVar("kp");
      ExprRef kpv = varRef(kk);
      StmtRef fill;
      if (s.transB) {
        // B[n][k]: contiguous in k for each column.
        fill = loop("cp", valid, LoopKind::Serial, [&](const ExprRef& cp) {
          return forLoop(kk, intImm(0), c.kLen, LoopKind::Serial,
                         store(bp, kpv * nr + cp, load(B.buffer, bIndex(b, k0 + kpv, n0 + cp))));
        });
      } else {
        fill = forLoop(kk, intImm(0), c.kLen, LoopKind::Serial,
                       vectorizedLoop("cp", valid, lanes, [&](const ExprRef& cp) {
                         return store(bp, kpv * nr + cp, load(B.buffer, bIndex(b, k0 + kpv, n0 + cp)));
                       }));
      }
      std::vector<StmtRef> st{fill};
      if (valid < nr) {
        Var kz = makeVar("kz");
        st.push_back(forLoop(kz, intImm(0), c.kLen, LoopKind::Serial, loop("cz", nr - valid, LoopKind::Serial,
                             [&](const ExprRef& cz) {
                               return store(bp, varRef(kz) * nr + (cz + valid), floatImm(0, t));
                             })));
      }
      st.push_back(chunk(c));
      return allocate(bp, seq(st));
    };
    if (kBlocks == 1) return kBlock(intImm(0), nullptr);
    BufferRef part = makeBuffer("part", dt, tileMc * nr, MemScope::Local);
    return allocate(part, loop("kb", kBlocks, LoopKind::Serial, [&](const ExprRef& kb) { return kBlock(kb, part); }));
  };

  // The work items: dims (batch, panel, row chunk) in loop_order, the leading
  // parallel_dims of them fused into one parallel loop.
  int64_t nFull = s.N / nr;
  auto panelItem = [&](const std::vector<ExprRef>& b, const ExprRef& pn, const ExprRef& mc) {
    if (nFull == nPanels) return item(b, pn, nr, mc);
    if (nFull == 0) return item(b, intImm(0), s.N, mc);
    return ifThenElse(binary(BinOp::LT, pn, intImm(nFull)), item(b, pn, nr, mc),
                      item(b, intImm(nFull), s.N - nFull * nr, mc));
  };
  std::vector<int64_t> dims = {batchTotal, loopOrder == 0 ? nPanels : mChunks, loopOrder == 0 ? mChunks : nPanels};
  int64_t pd = std::max<int64_t>(0, std::min<int64_t>(3, parallelDims));
  std::function<StmtRef(size_t, std::vector<ExprRef>)> nest = [&](size_t d, std::vector<ExprRef> iv) -> StmtRef {
    if (d == 3) {
      std::vector<ExprRef> b = delinearize(iv[0], s.batch);
      return loopOrder == 0 ? panelItem(b, iv[1], iv[2]) : panelItem(b, iv[2], iv[1]);
    }
    if (d == 0 && pd > 0) {
      std::vector<int64_t> pe(dims.begin(), dims.begin() + pd);
      int64_t total = numElements(pe);
      LoopKind kind = total > 1 ? LoopKind::Parallel : LoopKind::Serial;
      return loop("item", total, kind, [&](const ExprRef& it) {
        std::vector<ExprRef> idx = delinearize(it, pe);
        return nest(static_cast<size_t>(pd), idx);
      });
    }
    const char* names[] = {"bt", "o1", "o2"};
    return loop(names[d], dims[d], LoopKind::Serial, [&](const ExprRef& x) {
      std::vector<ExprRef> idx = iv;
      idx.push_back(x);
      return nest(d + 1, idx);
    });
  };
  return nest(0, {});
}

}  // namespace dlc::cpu
