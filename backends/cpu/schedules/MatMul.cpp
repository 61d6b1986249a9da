// Template for MatMul (numpy batching and 1-D operands) and Gemm (transA,
// transB, alpha, beta, C) with a fused elementwise epilogue.
//
// Note on the loop nest: the output [batch, M, N] is cut into tiles of
// tile_m rows x (vector_lanes * tile_nv) columns. A tile's accumulators live in
// a register-scope buffer; the k loop broadcasts one A element per row and
// multiplies it with a vector of B's row k, so each B vector load serves tile_m
// FMAs. Tiles at the right and bottom edges use the same code with smaller
// constant sizes. Batch x row-tiles is the parallel loop.
//
//   for bm in batch * ceil(M / tile_m)        (parallel)
//     for nt in N / (lanes * tile_nv)         (+ an edge tile)
//       acc[tile_m][tile_nv * lanes] = 0
//       for k in K:  acc[i][j] += A[m+i, k] * B[k, n+j]
//       C[m+i, n+j] = epilogue(alpha * acc[i][j] + beta * Cbias)
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

}  // namespace

StmtRef scheduleMatMul(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& mm = *g.anchor;
  MatMulShape s = shapeOf(mm);
  DType dt = mm.output(0)->type().dtype;
  if (!isFloat(dt) || dt == DType::Float16 || dt == DType::BFloat16 || mm.input(0)->type().dtype != dt)
    unsupported(mm.describe(), ": ", mm.op(), " of ", dtypeName(mm.input(0)->type().dtype), " has no CPU schedule");
  Type t = scalarType(dt);
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", dt == DType::Float64 ? ctx.spec.floatLanes() / 2
                                                                                 : ctx.spec.floatLanes()));
  int64_t tileM = ctx.knob(g, "tile_m", 4);
  int64_t tileNv = ctx.knob(g, "tile_nv", 2);
  if (s.N < lanes * tileNv) tileNv = 1;
  if (s.N < lanes) lanes = 1;
  int64_t tileN = lanes * tileNv;
  const ValueBuffer& A = ctx.buffers.at(mm.input(0));
  const ValueBuffer& B = ctx.buffers.at(mm.input(1));
  double alpha = mm.op() == "Gemm" ? mm.attrFloat("alpha", 1.0) : 1.0;
  double beta = mm.op() == "Gemm" ? mm.attrFloat("beta", 1.0) : 1.0;
  const Value* cBias = mm.op() == "Gemm" ? mm.input(2) : nullptr;
  ExprBuilder biasLoader(ctx.buffers, {});
  std::vector<int64_t> aExt = staticExtents(*mm.input(0)), bExt = staticExtents(*mm.input(1));

  int64_t batchTotal = numElements(s.batch);
  int64_t mTiles = (s.M + tileM - 1) / tileM;
  int64_t flops = 2 * batchTotal * s.M * s.N * s.K;
  LoopKind outerKind = flops >= ctx.knob(g, "parallel_min_flops", 1 << 16) && batchTotal * mTiles > 1
                           ? LoopKind::Parallel : LoopKind::Serial;

  // The element index of A (b: output batch index, m, k) and of B.
  auto batchIndex = [&](const std::vector<ExprRef>& b, const std::vector<int64_t>& own) {
    return broadcastIndex(b, own);
  };
  auto aIndex = [&](const std::vector<ExprRef>& b, ExprRef m, ExprRef k) {
    std::vector<ExprRef> idx = batchIndex(b, s.aBatch);
    if (s.transA) { idx.push_back(k); idx.push_back(m); }
    else if (s.aVector) { idx.push_back(k); return linearize(idx, aExt); }
    else { idx.push_back(m); idx.push_back(k); }
    return linearize(idx, aExt);
  };
  auto bIndex = [&](const std::vector<ExprRef>& b, ExprRef k, ExprRef n) {
    std::vector<ExprRef> idx = batchIndex(b, s.bBatch);
    if (s.transB) { idx.push_back(n); idx.push_back(k); }
    else if (s.bVector) { idx.push_back(k); return linearize(idx, bExt); }
    else { idx.push_back(k); idx.push_back(n); }
    return linearize(idx, bExt);
  };
  // The output index of (b, m, n) in the anchor's output extents.
  auto outIndex = [&](const std::vector<ExprRef>& b, ExprRef m, ExprRef n) {
    std::vector<ExprRef> idx = b;
    if (!s.aVector) idx.push_back(m);
    if (!s.bVector) idx.push_back(n);
    return idx;
  };

  // One tile of rows x cols (cols = nv vectors of `ln` lanes) at (m0, n0).
  auto tile = [&](const std::vector<ExprRef>& b, ExprRef m0, ExprRef n0, int64_t rows, int64_t nv, int ln) {
    int64_t cols = nv * ln;
    BufferRef acc = makeBuffer("acc", dt, rows * cols, MemScope::Register);
    std::vector<StmtRef> body;
    auto lanesLoop = [&](const std::string& name, const std::function<StmtRef(const ExprRef&)>& f) {
      Var v = makeVar(name);
      return ln > 1 ? forLoop(v, intImm(0), intImm(ln), LoopKind::Vectorized, f(varRef(v))) : f(intImm(0));
    };
    auto allTile = [&](const std::function<StmtRef(int64_t, int64_t, const ExprRef&)>& f) {
      std::vector<StmtRef> st;
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < nv; ++j) st.push_back(lanesLoop("v", [&](const ExprRef& v) { return f(i, j, v); }));
      return seq(st);
    };
    auto accIdx = [&](int64_t i, int64_t j, const ExprRef& v) { return intImm(i * cols + j * ln) + v; };
    body.push_back(allTile([&](int64_t i, int64_t j, const ExprRef& v) {
      return store(acc, accIdx(i, j, v), floatImm(0, t));
    }));
    Var k = makeVar("k");
    ExprRef kv = varRef(k);
    body.push_back(forLoop(k, intImm(0), intImm(s.K), LoopKind::Serial, allTile([&](int64_t i, int64_t j, const ExprRef& v) {
      ExprRef a = load(A.buffer, aIndex(b, m0 + i, kv));
      ExprRef bv = load(B.buffer, bIndex(b, kv, n0 + (j * ln) + v));
      return store(acc, accIdx(i, j, v), call(Intrinsic::Fma, {a, bv, load(acc, accIdx(i, j, v))}));
    })));
    body.push_back(allTile([&](int64_t i, int64_t j, const ExprRef& v) {
      ExprRef m = m0 + i, n = n0 + (j * ln) + v;
      std::vector<ExprRef> oidx = outIndex(b, m, n);
      ExprRef val = load(acc, accIdx(i, j, v));
      if (alpha != 1.0) val = val * floatImm(alpha, t);
      if (cBias) {
        std::vector<ExprRef> full = b;
        full.push_back(m);
        full.push_back(n);
        ExprRef c = biasLoader.load(cBias, broadcastIndex(full, staticExtents(*cBias)));
        val = val + (beta != 1.0 ? c * floatImm(beta, t) : c);
      }
      return storeThroughEpilogue(g, ctx, oidx, val);
    }));
    return allocate(acc, seq(body));
  };

  int64_t nFull = s.N / tileN, nRest = s.N - nFull * tileN;
  int64_t mFull = s.M / tileM, mRest = s.M - mFull * tileM;
  auto rowBlock = [&](const std::vector<ExprRef>& b, ExprRef m0, int64_t rows) {
    std::vector<StmtRef> st;
    if (nFull > 0)
      st.push_back(loop("nt", nFull, LoopKind::Serial, [&](const ExprRef& nt) {
        return tile(b, m0, nt * tileN, rows, tileNv, lanes);
      }));
    // Edge columns: whole vectors, then single columns.
    int64_t n0 = nFull * tileN, edgeVec = lanes > 1 ? nRest / lanes : 0;
    if (edgeVec > 0) st.push_back(tile(b, m0, intImm(n0), rows, edgeVec, lanes));
    n0 += edgeVec * lanes;
    if (n0 < s.N)
      st.push_back(loop("nr", s.N - n0, LoopKind::Serial, [&](const ExprRef& nr) {
        return tile(b, m0, intImm(n0) + nr, rows, 1, 1);
      }));
    return seq(st);
  };
  std::vector<int64_t> batchExt = s.batch;
  return loop("bm", batchTotal * (mFull + (mRest ? 1 : 0)), outerKind, [&](const ExprRef& bm) {
    int64_t perBatch = mFull + (mRest ? 1 : 0);
    ExprRef bLin = binary(BinOp::Div, bm, intImm(perBatch));
    ExprRef mt = binary(BinOp::Mod, bm, intImm(perBatch));
    std::vector<ExprRef> b = delinearize(bLin, batchExt);
    if (!mRest) return rowBlock(b, mt * tileM, tileM);
    if (!mFull) return rowBlock(b, intImm(0), mRest);
    return ifThenElse(binary(BinOp::LT, mt, intImm(mFull)), rowBlock(b, mt * tileM, tileM),
                      rowBlock(b, intImm(mFull * tileM), mRest));
  });
}

}  // namespace dlc::cpu
