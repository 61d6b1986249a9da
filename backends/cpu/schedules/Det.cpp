// Template for Det of [..., M, M]: LU elimination with partial pivoting on a
// per-matrix f64 copy, as the reference computes it. One matrix per (parallel)
// iteration:
//
//   for b                                       (parallel when large)
//     a[M*M] = f64(x[b])                         (local scratch)
//     det = 1; done = 0
//     for c < M: if !done
//       piv = argmax_{r >= c} |a[r, c]|          (first max wins)
//       if a[piv, c] == 0: det = 0; done = 1
//       else
//         swap rows c, piv (det = -det when they differ); det *= a[c, c]
//         for r > c: f = a[r, c] / a[c, c]; a[r, c:] -= f * a[c, c:]
//     y[b] = det                                 (through the epilogue)
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleDet(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& d = *g.anchor;
  const Value* x = d.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(d.describe(), ": Det of ", dtypeName(dt), " has no CPU schedule");
  if (ext.size() < 2 || ext[ext.size() - 1] != ext[ext.size() - 2])
    unsupported(d.describe(), ": Det of a non-square input has no CPU schedule");
  if (g.nodes.size() > 1 && !isAligned(d.output(0), peelReshapes(g.output, g.nodes), g.nodes))
    unsupported(d.describe(), ": Det with a non-elementwise epilogue has no CPU schedule");
  const int64_t M = ext.back();
  // The scratch copy lives on the (worker's) stack: 512 KiB at most.
  if (M > 256) unsupported(d.describe(), ": Det of matrices larger than 256 x 256 has no CPU schedule");
  std::vector<int64_t> outExt(ext.begin(), ext.end() - 2);
  const int64_t batch = numElements(outExt);
  const ValueBuffer& X = ctx.buffers.at(x);
  Type t = scalarType(dt), f64 = scalarType(DType::Float64);
  ExprRef zero = floatImm(0, f64), one = floatImm(1, f64);
  LoopKind kind = batch * M * M * M >= ctx.knob(g, "parallel_min_flops", 1 << 16) && batch > 1 ? LoopKind::Parallel
                                                                                              : LoopKind::Serial;
  return loop("b", batch, kind, [&](const ExprRef& b) {
    std::vector<ExprRef> oidx = delinearize(b, outExt);
    if (M == 0) return storeThroughEpilogue(g, ctx, oidx, cast(t, one));
    BufferRef a = makeBuffer("a", DType::Float64, M * M, MemScope::Local);
    BufferRef det = makeBuffer("det", DType::Float64, 1, MemScope::Register);
    BufferRef piv = makeBuffer("piv", DType::Int64, 1, MemScope::Register);
    BufferRef done = makeBuffer("done", DType::Int64, 1, MemScope::Register);
    auto A = [&](const ExprRef& r, const ExprRef& c) { return load(a, r * M + c); };
    ExprRef p = load(piv, intImm(0));
    std::vector<StmtRef> body;
    body.push_back(loop("e", M * M, LoopKind::Serial,
                        [&](const ExprRef& e) { return store(a, e, cast(f64, load(X.buffer, b * (M * M) + e))); }));
    body.push_back(store(det, intImm(0), one));
    body.push_back(store(done, intImm(0), intImm(0)));
    body.push_back(loop("c", M, LoopKind::Serial, [&](const ExprRef& c) {
      // Rows c + 1 .. M - 1.
      auto below = [&](const std::string& name, const std::function<StmtRef(const ExprRef&)>& f) {
        Var r = makeVar(name);
        return forLoop(r, c + 1, intImm(M - 1) - c, LoopKind::Serial, f(varRef(r)));
      };
      StmtRef search = below("r", [&](const ExprRef& r) {
        ExprRef better = binary(BinOp::GT, call(Intrinsic::Abs, {A(r, c)}), call(Intrinsic::Abs, {A(p, c)}));
        return ifThenElse(better, store(piv, intImm(0), r));
      });
      Var k = makeVar("k"), tmp = makeVar("tmp", f64);
      StmtRef swap = ifThenElse(
          binary(BinOp::NE, p, c),
          seq({forLoop(k, intImm(0), intImm(M), LoopKind::Serial,
                       letStmt(tmp, A(c, varRef(k)),
                               seq({store(a, c * M + varRef(k), A(p, varRef(k))),
                                    store(a, p * M + varRef(k), varRef(tmp))}))),
               store(det, intImm(0), unary(UnOp::Neg, load(det, intImm(0))))}));
      StmtRef eliminate = below("r", [&](const ExprRef& r) {
        Var f = makeVar("f", f64), kk = makeVar("k");
        ExprRef fr = varRef(f), kv = varRef(kk);
        return letStmt(f, binary(BinOp::Div, A(r, c), A(c, c)),
                       forLoop(kk, c, intImm(M) - c, LoopKind::Serial,
                               store(a, r * M + kv, A(r, kv) - fr * A(c, kv))));
      });
      StmtRef singular = seq({store(det, intImm(0), zero), store(done, intImm(0), intImm(1))});
      StmtRef step = seq({swap, store(det, intImm(0), load(det, intImm(0)) * A(c, c)), eliminate});
      return ifThenElse(binary(BinOp::EQ, load(done, intImm(0)), intImm(0)),
                        seq({store(piv, intImm(0), c), search,
                             ifThenElse(binary(BinOp::EQ, A(p, c), zero), singular, step)}));
    }));
    body.push_back(storeThroughEpilogue(g, ctx, oidx, cast(t, load(det, intImm(0)))));
    return allocate(a, allocate(det, allocate(piv, allocate(done, seq(body)))));
  });
}

}  // namespace dlc::cpu
