// Template for the integer matrix products MatMulInteger and QLinearMatMul
// (u8/i8 operands, numpy batching, zero points and scales per tensor, per row
// of A or per column of B).
//
// Note on the loop nest: one output row is the parallel unit; it is cut into
// blocks of tile_n columns whose i32 accumulators live in a per-thread buffer,
// and the k loop adds (A[m, k] - a_zp) * (B[k, n] - b_zp) to a block one
// vector of columns at a time.
//
//   for (b, m)                                     (parallel)
//     for n0 in 0..N step tile_n                   (+ an edge block)
//       acc[:] = 0
//       for k in K:  a = A[b, m, k] - a_zp[m];  acc[j] += a * (B[b, k, n0+j] - b_zp[n0+j])   (j vectorized)
//     MatMulInteger:  Y[b, m, n] = epilogue(acc[n])
//     QLinearMatMul:  Y[b, m, n] = epilogue(saturate(round_half_even(acc[n] * mult[m, n] + y_zp))),
//                     mult = round(round(a_scale * b_scale) / y_scale) in the scales' type
#include <algorithm>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleQuantizedMatMul(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& mm = *g.anchor;
  bool qlinear = mm.op() == "QLinearMatMul";
  const Value* A = mm.input(0);
  const Value* B = mm.input(qlinear ? 3 : 1);
  const Value* aZp = qlinear ? mm.input(2) : (mm.numInputs() > 2 ? mm.input(2) : nullptr);
  const Value* bZp = qlinear ? mm.input(5) : (mm.numInputs() > 3 ? mm.input(3) : nullptr);
  for (const Value* v : {A, B})
    if (v->type().dtype != DType::UInt8 && v->type().dtype != DType::Int8)
      unsupported(mm.describe(), ": ", mm.op(), " of ", dtypeName(v->type().dtype), " has no CPU schedule");
  std::vector<int64_t> aExt = staticExtents(*A), bExt = staticExtents(*B), yExt = staticExtents(*mm.output(0));
  if (aExt.size() < 2 || bExt.size() < 2)
    unsupported(mm.describe(), ": ", mm.op(), " of 1-D operands has no CPU schedule");
  int64_t M = aExt[aExt.size() - 2], K = aExt.back(), N = bExt.back();
  std::vector<int64_t> batch(yExt.begin(), yExt.end() - 2);
  std::vector<int64_t> aBatch(aExt.begin(), aExt.end() - 2), bBatch(bExt.begin(), bExt.end() - 2);
  Type i32t{DType::Int32, 1};
  ExprBuilder params(ctx.buffers, {});
  // A per-tensor value, or one per row (extent M) / column (extent N).
  auto perSlice = [&](const Value* v, int64_t extent, const ExprRef& i, const char* what) -> ExprRef {
    std::vector<int64_t> e = staticExtents(*v);
    if (numElements(e) == 1) return params.load(v, std::vector<ExprRef>(e.size(), intImm(0)));
    if (e.size() != 1 || e[0] != extent)
      unsupported(mm.describe(), ": ", mm.op(), " ", what, " of shape other than scalar or [", extent, "]");
    return params.load(v, {i});
  };
  auto centered = [&](const ExprRef& x, const Value* zp, int64_t extent, const ExprRef& i, const char* what) {
    ExprRef c = cast(i32t, x);
    return zp ? c - cast(i32t, perSlice(zp, extent, i, what)) : c;
  };
  const ValueBuffer& Ab = ctx.buffers.at(A);
  const ValueBuffer& Bb = ctx.buffers.at(B);
  DType sd = qlinear ? mm.input(1)->type().dtype : DType::Float32;
  DType out = mm.output(0)->type().dtype;
  if (qlinear && (!isFloat(sd) || (out != DType::UInt8 && out != DType::Int8)))
    unsupported(mm.describe(), ": QLinearMatMul to ", dtypeName(out), " has no CPU schedule");
  if (qlinear && (numElements(staticExtents(*mm.input(6))) != 1 || numElements(staticExtents(*mm.input(7))) != 1))
    unsupported(mm.describe(), ": QLinearMatMul with a non-scalar y_scale or y_zero_point");

  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  int64_t tileN = std::max<int64_t>(1, std::min(N, ctx.knob(g, "tile_n", 256)));
  int64_t batchTotal = numElements(batch);
  double flops = 2.0 * batchTotal * M * N * K;
  LoopKind kind = flops >= ctx.knob(g, "parallel_min_flops", 1 << 16) && batchTotal * M > 1 ? LoopKind::Parallel
                                                                                             : LoopKind::Serial;
  return loop("bm", batchTotal * M, kind, [&](const ExprRef& bm) {
    std::vector<ExprRef> b = delinearize(binary(BinOp::Div, bm, intImm(M)), batch);
    ExprRef m = binary(BinOp::Mod, bm, intImm(M));
    auto index = [&](const std::vector<int64_t>& own, const std::vector<int64_t>& ext, ExprRef r, ExprRef c) {
      std::vector<ExprRef> idx = broadcastIndex(b, own);
      idx.push_back(std::move(r));
      idx.push_back(std::move(c));
      return linearize(idx, ext);
    };
    // One block of `width` columns from n0.
    auto block = [&](const ExprRef& n0, int64_t width) {
      BufferRef acc = makeBuffer("acc", DType::Int32, width, MemScope::Local);
      std::vector<StmtRef> body;
      body.push_back(vectorizedLoop("j", width, lanes, [&](const ExprRef& j) { return store(acc, j, intImm(0, i32t)); }));
      Var a = makeVar("a", i32t);
      body.push_back(loop("k", K, LoopKind::Serial, [&](const ExprRef& k) {
        ExprRef av = centered(load(Ab.buffer, index(aBatch, aExt, m, k)), aZp, M, m, "a_zero_point");
        return letStmt(a, av, vectorizedLoop("j", width, lanes, [&](const ExprRef& j) {
          ExprRef n = n0 + j;
          ExprRef bv = centered(load(Bb.buffer, index(bBatch, bExt, k, n)), bZp, N, n, "b_zero_point");
          return store(acc, j, load(acc, j) + varRef(a) * bv);
        }));
      }));
      body.push_back(vectorizedLoop("j", width, lanes, [&](const ExprRef& j) {
        ExprRef n = n0 + j;
        std::vector<ExprRef> oidx = b;
        oidx.push_back(m);
        oidx.push_back(n);
        ExprRef v = load(acc, j);
        if (!qlinear) return storeThroughEpilogue(g, ctx, oidx, v);
        // The multiplier rounded like the scales' type, then the sum in f64.
        Type st{sd, 1}, wide{isFloat(sd) && sd != DType::Float64 ? DType::Float32 : DType::Float64, 1};
        auto w = [&](ExprRef e) { return e->type == wide ? e : cast(wide, e); };
        auto rnd = [&](ExprRef e) { return sd == wide.scalar ? e : w(cast(st, e)); };
        ExprRef mult = rnd(binary(BinOp::Div, rnd(w(perSlice(mm.input(1), M, m, "a_scale")) *
                                                  w(perSlice(mm.input(4), N, n, "b_scale"))),
                                  w(params.load(mm.input(6), std::vector<ExprRef>(staticExtents(*mm.input(6)).size(), intImm(0))))));
        Type f64{DType::Float64, 1};
        ExprRef zp = params.load(mm.input(7), std::vector<ExprRef>(staticExtents(*mm.input(7)).size(), intImm(0)));
        ExprRef y = call(Intrinsic::Round, {cast(f64, v) * cast(f64, mult) + cast(f64, zp)});
        double lo = out == DType::UInt8 ? 0 : -128, hi = out == DType::UInt8 ? 255 : 127;
        y = kernel::min(kernel::max(y, floatImm(lo, f64)), floatImm(hi, f64));
        return storeThroughEpilogue(g, ctx, oidx, cast(Type{out, 1}, y));
      }));
      return allocate(acc, seq(body));
    };
    int64_t full = N / tileN, rest = N - full * tileN;
    std::vector<StmtRef> blocks;
    if (full > 0) blocks.push_back(loop("nb", full, LoopKind::Serial, [&](const ExprRef& j) { return block(j * tileN, tileN); }));
    if (rest > 0) blocks.push_back(block(intImm(full * tileN), rest));
    return seq(blocks);
  });
}

}  // namespace dlc::cpu
