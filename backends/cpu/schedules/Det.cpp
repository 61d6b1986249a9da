// Template for Det of [..., M, M] matrices: one matrix per iteration of a
// parallel loop, copied into a per-thread f64 scratch and reduced by LU
// decomposition with partial pivoting, as the reference does:
//   for column c: pivot = the row >= c with the largest |a[r, c]|; a zero pivot
//   makes the determinant 0 (and stops); a row swap negates it; det *= a[c, c];
//   rows below c -= (a[r, c] / a[c, c]) * row c.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleDet(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& dn = *g.anchor;
  const Value* x = dn.input(0);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(dn.describe(), ": Det of ", dtypeName(dt), " has no CPU schedule");
  std::vector<int64_t> xe = staticExtents(*x);
  int64_t M = xe.back();
  int64_t batch = numElements(std::vector<int64_t>(xe.begin(), xe.end() - 2));
  // The scratch matrix lives on the (worker thread's) stack.
  if (M * M > (1 << 16)) unsupported(dn.describe(), ": Det of ", M, "x", M, " matrices has no CPU schedule");
  Type wt{DType::Float64, 1};
  auto f64c = [&](double v) { return floatImm(v, wt); };
  const BufferRef& in = ctx.buffers.at(x).buffer;
  BufferRef a = makeBuffer("a", DType::Float64, std::max<int64_t>(M * M, 1), MemScope::Local);
  BufferRef det = makeBuffer("det", DType::Float64, 1, MemScope::Register);
  BufferRef state = makeBuffer("state", DType::Int64, 2, MemScope::Register);  // [0]: stopped, [1]: pivot row
  ExprRef detV = load(det, intImm(0)), stopped = load(state, intImm(0)), piv = load(state, intImm(1));
  auto A = [&](const ExprRef& r, const ExprRef& c) { return load(a, r * M + c); };
  auto range = [](const std::string& name, const ExprRef& from, const ExprRef& to,
                  const std::function<StmtRef(const ExprRef&)>& body) {
    Var v = makeVar(name);
    return forLoop(v, from, to - from, LoopKind::Serial, body(varRef(v)));
  };
  LoopKind kind = batch > 1 && batch * M * M * M >= ctx.knob(g, "parallel_min_work", 1 << 14) ? LoopKind::Parallel
                                                                                              : LoopKind::Serial;
  if (batch == 0) return seq({});
  return loop("m", batch, kind, [&](const ExprRef& mi) {
    std::vector<StmtRef> body;
    body.push_back(loop("e", M * M, LoopKind::Serial,
                        [&](const ExprRef& e) { return store(a, e, cast(wt, load(in, mi * (M * M) + e))); }));
    body.push_back(store(det, intImm(0), f64c(1)));
    body.push_back(store(state, intImm(0), intImm(0)));
    body.push_back(loop("c", M, LoopKind::Serial, [&](const ExprRef& c) {
      std::vector<StmtRef> col;
      col.push_back(store(state, intImm(1), c));
      col.push_back(range("r", c + intImm(1), intImm(M), [&](const ExprRef& r) {
        ExprRef larger = binary(BinOp::GT, call(Intrinsic::Abs, {A(r, c)}), call(Intrinsic::Abs, {A(piv, c)}));
        return store(state, intImm(1), select(larger, r, piv));
      }));
      Var p = makeVar("p");
      ExprRef P = varRef(p);
      StmtRef swap = ifThenElse(binary(BinOp::NE, P, c),
                                seq({loop("k", M, LoopKind::Serial, [&](const ExprRef& k) {
                                       Var t = makeVar("t", wt);
                                       return letStmt(t, A(c, k), seq({store(a, c * M + k, A(P, k)),
                                                                       store(a, P * M + k, varRef(t))}));
                                     }),
                                     store(det, intImm(0), unary(UnOp::Neg, detV))}));
      StmtRef eliminate = range("r", c + intImm(1), intImm(M), [&](const ExprRef& r) {
        Var f = makeVar("f", wt);
        return letStmt(f, binary(BinOp::Div, A(r, c), A(c, c)), range("k", c, intImm(M), [&](const ExprRef& k) {
                         return store(a, r * M + k, A(r, k) - varRef(f) * A(c, k));
                       }));
      });
      StmtRef proceed = seq({swap, store(det, intImm(0), detV * A(c, c)), eliminate});
      StmtRef zero = seq({store(det, intImm(0), f64c(0)), store(state, intImm(0), intImm(1))});
      col.push_back(letStmt(p, piv, ifThenElse(binary(BinOp::EQ, A(P, c), f64c(0)), zero, proceed)));
      return ifThenElse(binary(BinOp::EQ, stopped, intImm(0)), seq(col));
    }));
    body.push_back(storeThroughEpilogue(g, ctx, delinearize(mi, staticExtents(*dn.output(0))), cast(scalarType(dt), detV)));
    return allocate(a, allocate(det, allocate(state, seq(body))));
  });
}

}  // namespace dlc::cpu
