// The Kernel IR simplifier (see dlc/kernel/Simplify.h): one bottom-up rewrite
// of expressions, applied through statements.
#include "dlc/kernel/Simplify.h"

#include <cmath>

namespace dlc::kernel {
namespace {

bool isIntLike(const Type& t) { return isInteger(t.scalar); }

// The scalar under a Broadcast (or the expression itself when scalar).
const ExprRef* broadcastScalar(const ExprRef& e) {
  return e->kind == ExprKind::Broadcast ? &e->operands[0] : nullptr;
}

bool constInt(const ExprRef& e, int64_t* v) {
  if (e->kind == ExprKind::Broadcast) return constInt(e->operands[0], v);
  return isConstInt(e, v);
}

// Folds a binary op of two integer immediates; false when it must not fold.
bool foldInt(BinOp op, DType t, int64_t a, int64_t b, int64_t* out) {
  bool u = !isSigned(t);
  auto ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (op) {
    case BinOp::Add: *out = static_cast<int64_t>(ua + ub); return true;
    case BinOp::Sub: *out = static_cast<int64_t>(ua - ub); return true;
    case BinOp::Mul: *out = static_cast<int64_t>(ua * ub); return true;
    case BinOp::Div:
      if (b == 0 || (!u && b == -1)) return false;
      *out = u ? static_cast<int64_t>(ua / ub) : a / b;
      return true;
    case BinOp::Mod:
      if (b == 0 || (!u && b == -1)) return false;
      *out = u ? static_cast<int64_t>(ua % ub) : a % b;
      return true;
    case BinOp::Min: *out = (u ? ua <= ub : a <= b) ? a : b; return true;
    case BinOp::Max: *out = (u ? ua >= ub : a >= b) ? a : b; return true;
    case BinOp::EQ: *out = a == b; return true;
    case BinOp::NE: *out = a != b; return true;
    case BinOp::LT: *out = u ? ua < ub : a < b; return true;
    case BinOp::LE: *out = u ? ua <= ub : a <= b; return true;
    case BinOp::GT: *out = u ? ua > ub : a > b; return true;
    case BinOp::GE: *out = u ? ua >= ub : a >= b; return true;
    case BinOp::And: *out = a && b; return true;
    case BinOp::Or: *out = a || b; return true;
    case BinOp::BitAnd: *out = a & b; return true;
    case BinOp::BitOr: *out = a | b; return true;
    case BinOp::BitXor: *out = a ^ b; return true;
    default: return false;  // shifts: out-of-range amounts are left to the backend
  }
}

ExprRef simplifyBinary(BinOp op, const ExprRef& a, const ExprRef& b) {
  Type t = a->type;
  int64_t x = 0, y = 0;
  double fx = 0, fy = 0;
  if (!t.isVector()) {
    if (isConstInt(a, &x) && isConstInt(b, &y)) {
      int64_t r;
      if (foldInt(op, t.scalar, x, y, &r)) return intImm(r, isComparison(op) ? boolean() : t);
    }
    // Exact in double for + - * / of f32 or f64 immediates, rounded once to the type.
    if (isConstFloat(a, &fx) && isConstFloat(b, &fy) && (t.scalar == DType::Float32 || t.scalar == DType::Float64)) {
      switch (op) {
        case BinOp::Add: return floatImm(fx + fy, t);
        case BinOp::Sub: return floatImm(fx - fy, t);
        case BinOp::Mul: return floatImm(fx * fy, t);
        default: break;
      }
    }
  }
  if (isIntLike(t)) {
    bool ca = constInt(a, &x), cb = constInt(b, &y);
    if ((op == BinOp::Add || op == BinOp::Sub) && cb && y == 0) return a;
    if (op == BinOp::Add && ca && x == 0) return b;
    if ((op == BinOp::Mul || op == BinOp::Div) && cb && y == 1) return a;
    if (op == BinOp::Mul && ca && x == 1) return b;
    if (op == BinOp::Mul && cb && y == 0) return b;
    if (op == BinOp::Mul && ca && x == 0) return a;
  }
  const ExprRef* sa = broadcastScalar(a);
  const ExprRef* sb = broadcastScalar(b);
  int lanes = t.lanes;
  if (sa && sb) return broadcast(simplifyBinary(op, *sa, *sb), lanes);
  if (isIntLike(t)) {
    bool ra = a->kind == ExprKind::Ramp, rb = b->kind == ExprKind::Ramp;
    if ((op == BinOp::Add || op == BinOp::Sub) && ra && sb)
      return ramp(simplifyBinary(op, a->operands[0], *sb), a->operands[1], lanes);
    if (op == BinOp::Add && sa && rb) return ramp(simplifyBinary(op, *sa, b->operands[0]), b->operands[1], lanes);
    if ((op == BinOp::Add || op == BinOp::Sub) && ra && rb)
      return ramp(simplifyBinary(op, a->operands[0], b->operands[0]),
                  simplifyBinary(op, a->operands[1], b->operands[1]), lanes);
    if (op == BinOp::Mul && ra && sb)
      return ramp(simplifyBinary(op, a->operands[0], *sb), simplifyBinary(op, a->operands[1], *sb), lanes);
    if (op == BinOp::Mul && sa && rb)
      return ramp(simplifyBinary(op, *sa, b->operands[0]), simplifyBinary(op, *sa, b->operands[1]), lanes);
  }
  return binary(op, a, b);
}

bool sameOperands(const ExprRef& e, const std::vector<ExprRef>& ops) {
  for (size_t i = 0; i < ops.size(); ++i)
    if (ops[i] != e->operands[i]) return false;
  return true;
}

}  // namespace

ExprRef simplify(const ExprRef& e) {
  if (!e || e->operands.empty()) return e;
  std::vector<ExprRef> ops;
  ops.reserve(e->operands.size());
  for (const ExprRef& o : e->operands) ops.push_back(simplify(o));
  switch (e->kind) {
    case ExprKind::Binary: return simplifyBinary(e->binOp, ops[0], ops[1]);
    case ExprKind::Cast:
      if (const ExprRef* s = broadcastScalar(ops[0])) return broadcast(simplify(cast(e->type.element(), *s)), e->type.lanes);
      if (int64_t v; isConstInt(ops[0], &v) && (isInteger(e->type.scalar) || e->type.scalar == DType::Bool))
        return intImm(v, e->type);
      return sameOperands(e, ops) ? e : cast(e->type, ops[0]);
    case ExprKind::Select: {
      int64_t c;
      if (isConstInt(ops[0], &c)) return c ? ops[1] : ops[2];
      return sameOperands(e, ops) ? e : select(ops[0], ops[1], ops[2]);
    }
    case ExprKind::Unary: return sameOperands(e, ops) ? e : unary(e->unOp, ops[0]);
    case ExprKind::Load: return sameOperands(e, ops) ? e : load(e->buffer, ops[0]);
    case ExprKind::Call: return sameOperands(e, ops) ? e : call(e->intrinsic, ops);
    case ExprKind::Ramp: {
      int64_t s;
      if (isConstInt(ops[1], &s) && s == 0) return broadcast(ops[0], e->type.lanes);
      return sameOperands(e, ops) ? e : ramp(ops[0], ops[1], e->type.lanes);
    }
    case ExprKind::Broadcast: return sameOperands(e, ops) ? e : broadcast(ops[0], e->type.lanes);
    default: return e;
  }
}

StmtRef simplify(const StmtRef& s) {
  if (!s) return s;
  switch (s->kind) {
    case StmtKind::For:
      return forLoop(s->var, simplify(s->min), simplify(s->extent), s->loopKind, simplify(s->body), s->gpuDim);
    case StmtKind::Store: return store(s->buffer, simplify(s->index), simplify(s->value));
    case StmtKind::Allocate: return allocate(s->buffer, simplify(s->body));
    case StmtKind::Prefetch: return prefetch(s->buffer, simplify(s->index));
    case StmtKind::Seq: {
      std::vector<StmtRef> out;
      for (const StmtRef& c : s->seq) out.push_back(simplify(c));
      return seq(std::move(out));
    }
    case StmtKind::IfThenElse: {
      ExprRef c = simplify(s->cond);
      int64_t v;
      if (isConstInt(c, &v)) return v ? simplify(s->body) : s->otherwise ? simplify(s->otherwise) : seq({});
      return ifThenElse(c, simplify(s->body), simplify(s->otherwise));
    }
    case StmtKind::LetStmt: return letStmt(s->var, simplify(s->value), simplify(s->body));
  }
  return s;
}

}  // namespace dlc::kernel
