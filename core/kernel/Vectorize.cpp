// Loop vectorization (see dlc/kernel/Vectorize.h).
//
// Note on the rewrite. For a loop `vectorized for (%i = m; %i < m + W; %i++) B`
// the body B is rebuilt with %i -> ramp(m, 1, W). Each expression comes back
// either unchanged (it does not depend on %i: a scalar) or as a W-lane vector;
// an operation with one vector operand broadcasts its scalar operands. The
// simplifier then folds index arithmetic back into ramps, so
//
//     %y[%r * 64 + %i] = %x[%r * 64 + %i] + 1.f
// becomes
//     %y[ramp(%r * 64 + m, 1, W)] = %x[ramp(%r * 64 + m, 1, W)] + broadcast(1.f, W)
//
// which the backend emits as one dense vector load, add and store. Anything
// the rewrite cannot express throws Bail inside this file, and the loop is kept
// as a serial loop instead.
#include "dlc/kernel/Vectorize.h"

#include <unordered_map>

#include "dlc/kernel/Simplify.h"

namespace dlc::kernel {
namespace {

struct Bail {};

class LoopVectorizer {
 public:
  LoopVectorizer(const Var& v, const ExprRef& min, int lanes) : lanes_(lanes) {
    subst_[v.get()] = ramp(min, intImm(1, v->type), lanes);
  }

  StmtRef stmt(const StmtRef& s) {
    switch (s->kind) {
      case StmtKind::Store: {
        ExprRef index = expr(s->index), value = expr(s->value);
        // A scalar index would store to one element once where the loop stored
        // it W times (a reduction, or a read-modify-write): keep the loop serial.
        if (!index->type.isVector()) throw Bail{};
        return store(s->buffer, index, widen(value));
      }
      case StmtKind::Seq: {
        std::vector<StmtRef> out;
        for (const StmtRef& c : s->seq) out.push_back(stmt(c));
        return seq(std::move(out));
      }
      case StmtKind::For: {
        if (s->loopKind != LoopKind::Serial && s->loopKind != LoopKind::Unrolled) throw Bail{};
        ExprRef min = expr(s->min), extent = expr(s->extent);
        if (min->type.isVector() || extent->type.isVector()) throw Bail{};
        return forLoop(s->var, min, extent, s->loopKind, stmt(s->body));
      }
      case StmtKind::IfThenElse: {
        ExprRef c = expr(s->cond);
        if (c->type.isVector()) throw Bail{};
        return ifThenElse(c, stmt(s->body), s->otherwise ? stmt(s->otherwise) : nullptr);
      }
      case StmtKind::LetStmt: {
        ExprRef value = expr(s->value);
        if (!value->type.isVector()) return letStmt(s->var, value, stmt(s->body));
        Var wide = makeVar(s->var->name, value->type);
        subst_[s->var.get()] = varRef(wide);
        return letStmt(wide, value, stmt(s->body));
      }
      case StmtKind::Prefetch: {
        // One line per iteration: a lane-dependent address is not one line.
        if (expr(s->index)->type.isVector()) throw Bail{};
        return s;
      }
      case StmtKind::Allocate: throw Bail{};
    }
    throw Bail{};
  }

 private:
  ExprRef widen(const ExprRef& e) {
    if (e->type.lanes == lanes_) return e;
    if (e->type.isVector()) throw Bail{};
    return broadcast(e, lanes_);
  }

  bool anyVector(const std::vector<ExprRef>& ops) {
    for (const ExprRef& o : ops)
      if (o->type.isVector()) return true;
    return false;
  }

  ExprRef expr(const ExprRef& e) {
    if (e->type.isVector()) throw Bail{};  // already vector: a nested vectorized loop
    std::vector<ExprRef> ops;
    for (const ExprRef& o : e->operands) ops.push_back(expr(o));
    bool vec = anyVector(ops);
    if (vec)
      for (ExprRef& o : ops) o = widen(o);
    switch (e->kind) {
      case ExprKind::IntImm:
      case ExprKind::FloatImm: return e;
      case ExprKind::Var: {
        auto it = subst_.find(e->var.get());
        return it == subst_.end() ? e : it->second;
      }
      case ExprKind::Load: return vec ? load(e->buffer, ops[0]) : e;
      case ExprKind::Binary: return vec ? binary(e->binOp, ops[0], ops[1]) : e;
      case ExprKind::Unary: return vec ? unary(e->unOp, ops[0]) : e;
      case ExprKind::Select: return vec ? select(ops[0], ops[1], ops[2]) : e;
      case ExprKind::Cast: return vec ? cast(e->type.withLanes(lanes_), ops[0]) : e;
      case ExprKind::Call: return vec ? call(e->intrinsic, ops) : e;
      default: throw Bail{};
    }
  }

  int lanes_;
  std::unordered_map<const VarNode*, ExprRef> subst_;
};

StmtRef visit(const StmtRef& s) {
  if (!s) return s;
  switch (s->kind) {
    case StmtKind::For: {
      StmtRef body = visit(s->body);
      if (s->loopKind != LoopKind::Vectorized)
        return body == s->body ? s : forLoop(s->var, s->min, s->extent, s->loopKind, body, s->gpuDim);
      int64_t w = 0;
      isConstInt(s->extent, &w);
      if (w >= 2 && w <= 1024) {
        try {
          return simplify(LoopVectorizer(s->var, s->min, static_cast<int>(w)).stmt(body));
        } catch (const Bail&) {
        }
      }
      return forLoop(s->var, s->min, s->extent, LoopKind::Serial, body);
    }
    case StmtKind::Seq: {
      std::vector<StmtRef> out;
      for (const StmtRef& c : s->seq) out.push_back(visit(c));
      return seq(std::move(out));
    }
    case StmtKind::Allocate: return allocate(s->buffer, visit(s->body));
    case StmtKind::IfThenElse: return ifThenElse(s->cond, visit(s->body), visit(s->otherwise));
    case StmtKind::LetStmt: return letStmt(s->var, s->value, visit(s->body));
    case StmtKind::Store:
    case StmtKind::Prefetch: return s;
  }
  return s;
}

}  // namespace

StmtRef vectorizeLoops(const StmtRef& s) { return visit(s); }

}  // namespace dlc::kernel
