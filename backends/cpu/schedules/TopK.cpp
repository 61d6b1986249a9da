// Template for TopK (largest/smallest, K a constant): one row (outer x inner
// position) per iteration of a parallel loop. The row's best K so far are kept
// sorted in a small buffer of values and indices; each element of the row is
// inserted by one branch-free compare-and-swap pass over the K slots (skipped
// when it does not beat the last slot). Slots are ordered by value, then by
// index, so ties keep the lower index first, as in the reference's stable sort.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleTopK(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& tk = *g.anchor;
  const Value* x = tk.input(0);
  DType dt = x->type().dtype;
  if (dt == DType::Bool || dt == DType::Float16 || dt == DType::BFloat16)
    unsupported(tk.describe(), ": TopK of ", dtypeName(dt), " has no CPU schedule");
  std::vector<int64_t> ext = staticExtents(*x);
  int64_t rank = static_cast<int64_t>(ext.size());
  int64_t axis = tk.attrInt("axis", -1);
  if (axis < 0) axis += rank;
  bool largest = tk.attrInt("largest", 1) != 0;
  const Value* vals = tk.output(0);
  const Value* inds = tk.numOutputs() > 1 ? tk.output(1) : nullptr;
  int64_t k = staticExtents(*vals)[static_cast<size_t>(axis)];
  int64_t outer = 1, inner = 1, len = ext[static_cast<size_t>(axis)];
  for (int64_t i = 0; i < axis; ++i) outer *= ext[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= ext[static_cast<size_t>(i)];
  if (k > len) unsupported(tk.describe(), ": TopK with K=", k, " above the axis extent ", len);
  if (k == 0 || outer * inner == 0) return seq({});
  // The best-K buffers live on the (worker thread's) stack.
  if (k > (1 << 15)) unsupported(tk.describe(), ": TopK with K=", k, " has no CPU schedule");
  Type t = scalarType(dt);
  MemScope scope = k <= 16 ? MemScope::Register : MemScope::Local;
  BufferRef best = makeBuffer("best", dt, k, scope), at = makeBuffer("at", DType::Int64, k, scope);
  BufferRef cur = makeBuffer("cur", dt, 1, MemScope::Register), curAt = makeBuffer("cur_at", DType::Int64, 1, MemScope::Register);
  const BufferRef& in = ctx.buffers.at(x).buffer;
  int64_t rows = outer * inner;
  LoopKind kind = rows > 1 && rows * len * k >= ctx.knob(g, "parallel_min_work", 1 << 14) ? LoopKind::Parallel
                                                                                         : LoopKind::Serial;
  auto better = [&](const ExprRef& a, const ExprRef& b) {
    return binary(largest ? BinOp::GT : BinOp::LT, a, b);
  };
  return loop("row", rows, kind, [&](const ExprRef& row) {
    ExprRef o = inner == 1 ? row : binary(BinOp::Div, row, intImm(inner));
    ExprRef i = inner == 1 ? intImm(0) : binary(BinOp::Mod, row, intImm(inner));
    std::vector<StmtRef> body;
    body.push_back(loop("p", k, LoopKind::Serial, [&](const ExprRef& p) {
      return seq({store(best, p, isFloat(dt) ? floatImm(0, t) : intImm(0, t)), store(at, p, intImm(-1))});
    }));
    body.push_back(loop("l", len, LoopKind::Serial, [&](const ExprRef& l) {
      ExprRef v = load(in, (o * len + l) * inner + i);
      ExprRef last = intImm(k - 1);
      ExprRef enters = binary(BinOp::Or, binary(BinOp::LT, load(at, last), intImm(0)), better(v, load(best, last)));
      StmtRef insert = seq({store(cur, intImm(0), v), store(curAt, intImm(0), l),
                            loop("p", k, LoopKind::Serial, [&](const ExprRef& p) {
                              // Read the slot and the candidate before either is written.
                              Var cv = makeVar("cv", t), ci = makeVar("ci", i64()), sv = makeVar("sv", t),
                                  si = makeVar("si", i64()), swap = makeVar("swap", boolean());
                              ExprRef s = varRef(swap);
                              StmtRef update = seq({store(best, p, select(s, varRef(cv), varRef(sv))),
                                                    store(at, p, select(s, varRef(ci), varRef(si))),
                                                    store(cur, intImm(0), select(s, varRef(sv), varRef(cv))),
                                                    store(curAt, intImm(0), select(s, varRef(si), varRef(ci)))});
                              // (value, index) order: a displaced element keeps ahead of equal later ones.
                              ExprRef tie = binary(BinOp::And, binary(BinOp::EQ, varRef(cv), varRef(sv)),
                                                   binary(BinOp::LT, varRef(ci), varRef(si)));
                              ExprRef takes = binary(BinOp::Or, binary(BinOp::LT, varRef(si), intImm(0)),
                                                     binary(BinOp::Or, better(varRef(cv), varRef(sv)), tie));
                              return letStmt(cv, load(cur, intImm(0)),
                                             letStmt(ci, load(curAt, intImm(0)),
                                                     letStmt(sv, load(best, p),
                                                             letStmt(si, load(at, p), letStmt(swap, takes, update)))));
                            })});
      return ifThenElse(enters, insert);
    }));
    body.push_back(loop("p", k, LoopKind::Serial, [&](const ExprRef& p) {
      ExprRef dst = (o * k + p) * inner + i;
      std::vector<StmtRef> s = {store(ctx.buffers.at(vals).buffer, dst, load(best, p))};
      if (inds) s.push_back(store(ctx.buffers.at(inds).buffer, dst, load(at, p)));
      return seq(s);
    }));
    return allocate(best, allocate(at, allocate(cur, allocate(curAt, seq(body)))));
  });
}

}  // namespace dlc::cpu
