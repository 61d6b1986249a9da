// Kernel IR constructors: each checks the types of what it is given and throws
// dlc::Error naming the node and what is wrong, so a schedule template that
// builds ill-typed IR fails where it builds it, not in a backend.
#include "dlc/kernel/KernelIR.h"

#include <cmath>

#include "dlc/support/Error.h"

namespace dlc::kernel {
namespace {

bool isIntType(const Type& t) { return isInteger(t.scalar); }
bool isFloatType(const Type& t) { return isFloat(t.scalar); }
bool isBoolType(const Type& t) { return t.scalar == DType::Bool; }

// Wraps v to the width of an integer dtype, as the machine would.
int64_t wrapInt(int64_t v, DType t) {
  switch (t) {
    case DType::Int8: return static_cast<int8_t>(v);
    case DType::Int16: return static_cast<int16_t>(v);
    case DType::Int32: return static_cast<int32_t>(v);
    case DType::UInt8: return static_cast<uint8_t>(v);
    case DType::UInt16: return static_cast<uint16_t>(v);
    case DType::UInt32: return static_cast<uint32_t>(v);
    case DType::Bool: return v != 0;
    default: return v;
  }
}

std::shared_ptr<ExprNode> node(ExprKind kind, Type type) {
  auto n = std::make_shared<ExprNode>();
  n->kind = kind;
  n->type = type;
  return n;
}

std::shared_ptr<StmtNode> stmtNode(StmtKind kind) {
  auto n = std::make_shared<StmtNode>();
  n->kind = kind;
  return n;
}

void checkNotNull(const ExprRef& e, const char* what) { DLC_CHECK(e != nullptr, what, ": missing operand"); }

int arity(Intrinsic f) {
  switch (f) {
    case Intrinsic::Pow: return 2;
    case Intrinsic::Fma: return 3;
    default: return 1;
  }
}

// Integer-valued immediate (IntImm, or a Broadcast of one).
bool constIntOf(const ExprRef& e, int64_t* v) {
  if (!e) return false;
  if (e->kind == ExprKind::Broadcast) return constIntOf(e->operands[0], v);
  if (e->kind != ExprKind::IntImm) return false;
  if (v) *v = e->intValue;
  return true;
}

}  // namespace

std::string typeName(const Type& t) {
  std::string s(dtypeName(t.scalar));
  if (t.lanes != 1) {
    s += 'x';
    s += std::to_string(t.lanes);
  }
  return s;
}

const char* memScopeName(MemScope s) {
  switch (s) {
    case MemScope::Global: return "global";
    case MemScope::Shared: return "shared";
    case MemScope::Local: return "local";
    case MemScope::Register: return "register";
  }
  return "?";
}

const char* loopKindName(LoopKind k) {
  switch (k) {
    case LoopKind::Serial: return "serial";
    case LoopKind::Parallel: return "parallel";
    case LoopKind::Vectorized: return "vectorized";
    case LoopKind::Unrolled: return "unrolled";
    case LoopKind::GpuBlock: return "gpu_block";
    case LoopKind::GpuThread: return "gpu_thread";
  }
  return "?";
}

const char* intrinsicName(Intrinsic i) {
  switch (i) {
    case Intrinsic::Exp: return "exp";
    case Intrinsic::Log: return "log";
    case Intrinsic::Sqrt: return "sqrt";
    case Intrinsic::Rsqrt: return "rsqrt";
    case Intrinsic::Tanh: return "tanh";
    case Intrinsic::Erf: return "erf";
    case Intrinsic::Sin: return "sin";
    case Intrinsic::Cos: return "cos";
    case Intrinsic::Tan: return "tan";
    case Intrinsic::Asin: return "asin";
    case Intrinsic::Acos: return "acos";
    case Intrinsic::Atan: return "atan";
    case Intrinsic::Sinh: return "sinh";
    case Intrinsic::Cosh: return "cosh";
    case Intrinsic::Asinh: return "asinh";
    case Intrinsic::Acosh: return "acosh";
    case Intrinsic::Atanh: return "atanh";
    case Intrinsic::Abs: return "abs";
    case Intrinsic::Sign: return "sign";
    case Intrinsic::Floor: return "floor";
    case Intrinsic::Ceil: return "ceil";
    case Intrinsic::Round: return "round";
    case Intrinsic::Pow: return "pow";
    case Intrinsic::Fma: return "fma";
    case Intrinsic::IsNaN: return "isnan";
    case Intrinsic::IsInf: return "isinf";
  }
  return "?";
}

const char* binOpName(BinOp op) {
  switch (op) {
    case BinOp::Add: return "+";
    case BinOp::Sub: return "-";
    case BinOp::Mul: return "*";
    case BinOp::Div: return "/";
    case BinOp::Mod: return "%";
    case BinOp::Min: return "min";
    case BinOp::Max: return "max";
    case BinOp::EQ: return "==";
    case BinOp::NE: return "!=";
    case BinOp::LT: return "<";
    case BinOp::LE: return "<=";
    case BinOp::GT: return ">";
    case BinOp::GE: return ">=";
    case BinOp::And: return "&&";
    case BinOp::Or: return "||";
    case BinOp::BitAnd: return "&";
    case BinOp::BitOr: return "|";
    case BinOp::BitXor: return "^";
    case BinOp::Shl: return "<<";
    case BinOp::Shr: return ">>";
  }
  return "?";
}

bool isComparison(BinOp op) { return op >= BinOp::EQ && op <= BinOp::GE; }

BufferRef makeBuffer(std::string name, DType dtype, int64_t size, MemScope scope) {
  DLC_CHECK(dtype != DType::Undefined, "buffer %", name, ": undefined element type");
  DLC_CHECK(size >= 0, "buffer %", name, ": negative size ", size);
  return std::make_shared<const Buffer>(Buffer{std::move(name), dtype, size, scope});
}

Var makeVar(std::string name, Type type) {
  DLC_CHECK(type.scalar != DType::Undefined && type.lanes >= 1, "var %", name, ": bad type");
  return std::make_shared<const VarNode>(VarNode{std::move(name), type});
}

// ---- expressions -------------------------------------------------------------

ExprRef intImm(int64_t v, Type t) {
  DLC_CHECK(t.lanes == 1, "intImm: type must be a scalar, got ", typeName(t));
  DLC_CHECK(isIntType(t) || isBoolType(t), "intImm: type must be an integer or bool, got ", typeName(t));
  auto n = node(ExprKind::IntImm, t);
  n->intValue = wrapInt(v, t.scalar);
  return n;
}

ExprRef floatImm(double v, Type t) {
  DLC_CHECK(t.lanes == 1, "floatImm: type must be a scalar, got ", typeName(t));
  DLC_CHECK(isFloatType(t), "floatImm: type must be a float, got ", typeName(t));
  auto n = node(ExprKind::FloatImm, t);
  n->floatValue = t.scalar == DType::Float32 ? static_cast<double>(static_cast<float>(v)) : v;
  return n;
}

ExprRef varRef(const Var& v) {
  DLC_CHECK(v != nullptr, "varRef: null variable");
  auto n = node(ExprKind::Var, v->type);
  n->var = v;
  return n;
}

ExprRef load(const BufferRef& b, ExprRef index) {
  DLC_CHECK(b != nullptr, "load: null buffer");
  checkNotNull(index, "load");
  DLC_CHECK(isIntType(index->type), "load from %", b->name, ": index has type ", typeName(index->type),
            ", expected an integer");
  auto n = node(ExprKind::Load, Type{b->dtype, index->type.lanes});
  n->buffer = b;
  n->operands = {std::move(index)};
  return n;
}

ExprRef binary(BinOp op, ExprRef a, ExprRef b) {
  checkNotNull(a, "binary");
  checkNotNull(b, "binary");
  const char* name = binOpName(op);
  DLC_CHECK(a->type == b->type, "binary '", name, "': operand types differ: ", typeName(a->type), " and ",
            typeName(b->type));
  Type t = a->type;
  switch (op) {
    case BinOp::And:
    case BinOp::Or:
      DLC_CHECK(isBoolType(t), "binary '", name, "': operands have type ", typeName(t), ", expected bool");
      break;
    case BinOp::BitAnd:
    case BinOp::BitOr:
    case BinOp::BitXor:
    case BinOp::Shl:
    case BinOp::Shr:
      DLC_CHECK(isIntType(t), "binary '", name, "': operands have type ", typeName(t), ", expected an integer");
      break;
    case BinOp::EQ:
    case BinOp::NE:
      break;
    default:
      DLC_CHECK(!isBoolType(t), "binary '", name, "': operands have type ", typeName(t),
                ", expected a number");
  }
  auto n = node(ExprKind::Binary, isComparison(op) ? Type{DType::Bool, t.lanes} : t);
  n->binOp = op;
  n->operands = {std::move(a), std::move(b)};
  return n;
}

ExprRef unary(UnOp op, ExprRef a) {
  checkNotNull(a, "unary");
  if (op == UnOp::Neg)
    DLC_CHECK(!isBoolType(a->type), "unary '-': operand has type ", typeName(a->type), ", expected a number");
  else
    DLC_CHECK(!isFloatType(a->type), "unary '!': operand has type ", typeName(a->type),
              ", expected bool or an integer");
  auto n = node(ExprKind::Unary, a->type);
  n->unOp = op;
  n->operands = {std::move(a)};
  return n;
}

ExprRef select(ExprRef cond, ExprRef a, ExprRef b) {
  checkNotNull(cond, "select");
  checkNotNull(a, "select");
  checkNotNull(b, "select");
  DLC_CHECK(isBoolType(cond->type), "select: condition has type ", typeName(cond->type), ", expected bool");
  DLC_CHECK(a->type == b->type, "select: branch types differ: ", typeName(a->type), " and ", typeName(b->type));
  DLC_CHECK(cond->type.lanes == 1 || cond->type.lanes == a->type.lanes, "select: condition has ",
            cond->type.lanes, " lanes, branches have ", a->type.lanes);
  auto n = node(ExprKind::Select, a->type);
  n->operands = {std::move(cond), std::move(a), std::move(b)};
  return n;
}

ExprRef cast(Type t, ExprRef a) {
  checkNotNull(a, "cast");
  DLC_CHECK(t.lanes == a->type.lanes, "cast to ", typeName(t), ": operand ", typeName(a->type), " has ",
            a->type.lanes, " lanes");
  DLC_CHECK(t.scalar != DType::Undefined, "cast: undefined target type");
  if (a->type == t) return a;
  auto n = node(ExprKind::Cast, t);
  n->operands = {std::move(a)};
  return n;
}

ExprRef call(Intrinsic f, std::vector<ExprRef> args) {
  const char* name = intrinsicName(f);
  DLC_CHECK(static_cast<int>(args.size()) == arity(f), "call ", name, ": expected ", arity(f),
            arity(f) == 1 ? " argument, got " : " arguments, got ", args.size());
  for (const ExprRef& a : args) checkNotNull(a, "call");
  for (size_t i = 1; i < args.size(); ++i)
    DLC_CHECK(args[i]->type == args[0]->type, "call ", name, ": argument types differ: ", typeName(args[0]->type),
              " and ", typeName(args[i]->type));
  Type t = args[0]->type;
  bool intOk = f == Intrinsic::Abs || f == Intrinsic::Sign || f == Intrinsic::Pow;
  DLC_CHECK(isFloatType(t) || (intOk && isIntType(t)), "call ", name, ": argument has type ", typeName(t),
            intOk ? ", expected a number" : ", expected a float");
  bool predicate = f == Intrinsic::IsNaN || f == Intrinsic::IsInf;
  auto n = node(ExprKind::Call, predicate ? Type{DType::Bool, t.lanes} : t);
  n->intrinsic = f;
  n->operands = std::move(args);
  return n;
}

ExprRef ramp(ExprRef base, ExprRef stride, int lanes) {
  checkNotNull(base, "ramp");
  checkNotNull(stride, "ramp");
  DLC_CHECK(base->type == stride->type, "ramp: base and stride types differ: ", typeName(base->type), " and ",
            typeName(stride->type));
  DLC_CHECK(!base->type.isVector(), "ramp: base must be a scalar, got ", typeName(base->type));
  DLC_CHECK(!isBoolType(base->type), "ramp: base has type bool, expected a number");
  DLC_CHECK(lanes >= 2, "ramp: lanes must be at least 2, got ", lanes);
  auto n = node(ExprKind::Ramp, base->type.withLanes(lanes));
  n->operands = {std::move(base), std::move(stride)};
  return n;
}

ExprRef broadcast(ExprRef scalar, int lanes) {
  checkNotNull(scalar, "broadcast");
  DLC_CHECK(!scalar->type.isVector(), "broadcast: operand must be a scalar, got ", typeName(scalar->type));
  DLC_CHECK(lanes >= 1, "broadcast: lanes must be at least 1, got ", lanes);
  if (lanes == 1) return scalar;
  auto n = node(ExprKind::Broadcast, scalar->type.withLanes(lanes));
  n->operands = {std::move(scalar)};
  return n;
}

bool isConstInt(const ExprRef& e, int64_t* value) {
  if (!e || e->kind != ExprKind::IntImm) return false;
  if (value) *value = e->intValue;
  return true;
}

bool isConstFloat(const ExprRef& e, double* value) {
  if (!e || e->kind != ExprKind::FloatImm) return false;
  if (value) *value = e->floatValue;
  return true;
}

ExprRef constant(Type t, int64_t v) {
  Type s = t.element();
  ExprRef c = isFloatType(s) ? floatImm(static_cast<double>(v), s) : intImm(v, s);
  return broadcast(c, t.lanes);
}

// ---- arithmetic helpers with folding -------------------------------------------

ExprRef operator+(ExprRef a, ExprRef b) {
  int64_t x, y;
  double fx, fy;
  if (isConstInt(a, &x) && isConstInt(b, &y) && a->type == b->type) return intImm(x + y, a->type);
  if (isConstFloat(a, &fx) && isConstFloat(b, &fy) && a->type == b->type) return floatImm(fx + fy, a->type);
  if (constIntOf(b, &y) && y == 0 && a->type == b->type && isIntType(a->type)) return a;
  if (constIntOf(a, &x) && x == 0 && a->type == b->type && isIntType(b->type)) return b;
  return binary(BinOp::Add, std::move(a), std::move(b));
}

ExprRef operator-(ExprRef a, ExprRef b) {
  int64_t x, y;
  double fx, fy;
  if (isConstInt(a, &x) && isConstInt(b, &y) && a->type == b->type) return intImm(x - y, a->type);
  if (isConstFloat(a, &fx) && isConstFloat(b, &fy) && a->type == b->type) return floatImm(fx - fy, a->type);
  if (constIntOf(b, &y) && y == 0 && a->type == b->type && isIntType(a->type)) return a;
  return binary(BinOp::Sub, std::move(a), std::move(b));
}

ExprRef operator*(ExprRef a, ExprRef b) {
  int64_t x, y;
  double fx, fy;
  if (isConstInt(a, &x) && isConstInt(b, &y) && a->type == b->type) return intImm(x * y, a->type);
  if (isConstFloat(a, &fx) && isConstFloat(b, &fy) && a->type == b->type) return floatImm(fx * fy, a->type);
  if (a->type == b->type && isIntType(a->type)) {
    if (constIntOf(b, &y) && y == 1) return a;
    if (constIntOf(a, &x) && x == 1) return b;
    if (constIntOf(b, &y) && y == 0) return b;
    if (constIntOf(a, &x) && x == 0) return a;
  }
  return binary(BinOp::Mul, std::move(a), std::move(b));
}

ExprRef operator+(ExprRef a, int64_t b) {
  checkNotNull(a, "binary");
  Type t = a->type;
  return std::move(a) + constant(t, b);
}

ExprRef operator*(ExprRef a, int64_t b) {
  checkNotNull(a, "binary");
  Type t = a->type;
  return std::move(a) * constant(t, b);
}

ExprRef min(ExprRef a, ExprRef b) {
  int64_t x, y;
  if (isConstInt(a, &x) && isConstInt(b, &y) && a->type == b->type) return x <= y ? a : b;
  return binary(BinOp::Min, std::move(a), std::move(b));
}

ExprRef max(ExprRef a, ExprRef b) {
  int64_t x, y;
  if (isConstInt(a, &x) && isConstInt(b, &y) && a->type == b->type) return x >= y ? a : b;
  return binary(BinOp::Max, std::move(a), std::move(b));
}

// ---- statements --------------------------------------------------------------

StmtRef forLoop(const Var& v, ExprRef min, ExprRef extent, LoopKind kind, StmtRef body, int gpuDim) {
  DLC_CHECK(v != nullptr, "for: null loop variable");
  const char* k = loopKindName(kind);
  DLC_CHECK(min && extent, k, " for %", v->name, ": missing bound");
  DLC_CHECK(body != nullptr, k, " for %", v->name, ": missing body");
  DLC_CHECK(isIntType(v->type) && !v->type.isVector(), k, " for %", v->name, ": loop variable has type ",
            typeName(v->type), ", expected a scalar integer");
  DLC_CHECK(min->type == v->type, k, " for %", v->name, ": min has type ", typeName(min->type), ", expected ",
            typeName(v->type));
  DLC_CHECK(extent->type == v->type, k, " for %", v->name, ": extent has type ", typeName(extent->type),
            ", expected ", typeName(v->type));
  if (kind == LoopKind::Vectorized) {
    int64_t w = 0;
    DLC_CHECK(isConstInt(extent, &w), "vectorized for %", v->name, ": extent must be a constant, got ",
              toString(extent));
    DLC_CHECK(w >= 1, "vectorized for %", v->name, ": extent must be positive, got ", w);
  }
  DLC_CHECK(gpuDim >= 0 && gpuDim <= 2, k, " for %", v->name, ": gpu dimension ", gpuDim, " is not 0, 1 or 2");
  auto n = stmtNode(StmtKind::For);
  n->var = v;
  n->min = std::move(min);
  n->extent = std::move(extent);
  n->loopKind = kind;
  n->gpuDim = gpuDim;
  n->body = std::move(body);
  return n;
}

StmtRef store(const BufferRef& b, ExprRef index, ExprRef value) {
  DLC_CHECK(b != nullptr, "store: null buffer");
  DLC_CHECK(index && value, "store to %", b->name, ": missing operand");
  DLC_CHECK(isIntType(index->type), "store to %", b->name, ": index has type ", typeName(index->type),
            ", expected an integer");
  Type want{b->dtype, index->type.lanes};
  DLC_CHECK(value->type == want, "store to %", b->name, ": value has type ", typeName(value->type), ", expected ",
            typeName(want));
  auto n = stmtNode(StmtKind::Store);
  n->buffer = b;
  n->index = std::move(index);
  n->value = std::move(value);
  return n;
}

StmtRef prefetch(const BufferRef& b, ExprRef index) {
  DLC_CHECK(b != nullptr, "prefetch: null buffer");
  DLC_CHECK(index != nullptr, "prefetch of %", b->name, ": missing index");
  DLC_CHECK(isIntType(index->type) && !index->type.isVector(), "prefetch of %", b->name, ": index has type ",
            typeName(index->type), ", expected a scalar integer");
  auto n = stmtNode(StmtKind::Prefetch);
  n->buffer = b;
  n->index = std::move(index);
  return n;
}

StmtRef allocate(const BufferRef& b, StmtRef body) {
  DLC_CHECK(b != nullptr, "allocate: null buffer");
  DLC_CHECK(b->scope != MemScope::Global, "allocate %", b->name, ": scope is global, expected local, shared or register");
  DLC_CHECK(body != nullptr, "allocate %", b->name, ": missing body");
  auto n = stmtNode(StmtKind::Allocate);
  n->buffer = b;
  n->body = std::move(body);
  return n;
}

StmtRef seq(std::vector<StmtRef> stmts) {
  auto n = stmtNode(StmtKind::Seq);
  for (StmtRef& s : stmts) {
    DLC_CHECK(s != nullptr, "seq: null statement");
    if (s->kind == StmtKind::Seq)
      n->seq.insert(n->seq.end(), s->seq.begin(), s->seq.end());
    else
      n->seq.push_back(std::move(s));
  }
  return n;
}

StmtRef ifThenElse(ExprRef cond, StmtRef then, StmtRef otherwise) {
  DLC_CHECK(cond != nullptr, "if: missing condition");
  DLC_CHECK(then != nullptr, "if: missing then branch");
  DLC_CHECK(cond->type == boolean(), "if: condition has type ", typeName(cond->type), ", expected bool");
  auto n = stmtNode(StmtKind::IfThenElse);
  n->cond = std::move(cond);
  n->body = std::move(then);
  n->otherwise = std::move(otherwise);
  return n;
}

StmtRef letStmt(const Var& v, ExprRef value, StmtRef body) {
  DLC_CHECK(v != nullptr, "let: null variable");
  DLC_CHECK(value != nullptr, "let %", v->name, ": missing value");
  DLC_CHECK(body != nullptr, "let %", v->name, ": missing body");
  DLC_CHECK(value->type == v->type, "let %", v->name, ": value has type ", typeName(value->type), ", expected ",
            typeName(v->type));
  auto n = stmtNode(StmtKind::LetStmt);
  n->var = v;
  n->value = std::move(value);
  n->body = std::move(body);
  return n;
}

}  // namespace dlc::kernel
