// The Kernel IR text printer (the form `--print-kernels` shows and the golden
// tests compare). The format is described in docs/kernel-ir.md; it is meant
// for people and for stable test expectations, and is not parsed back.
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

#include "dlc/kernel/KernelIR.h"

namespace dlc::kernel {
namespace {

bool isIdentifier(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return false;
  return true;
}

void printString(const std::string& s, std::ostream& os) {
  os << '"';
  for (char c : s) {
    if (c == '"' || c == '\\') os << '\\';
    os << c;
  }
  os << '"';
}

template <typename T>
std::string shortest(T v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".";
  return s;
}

void printFloat(const ExprNode& e, std::ostream& os) {
  double v = e.floatValue;
  if (!std::isfinite(v)) {
    os << dtypeName(e.type.scalar) << '(' << (std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf") << ')';
    return;
  }
  switch (e.type.scalar) {
    case DType::Float32: os << shortest(static_cast<float>(v)) << 'f'; break;
    case DType::Float64: os << shortest(v); break;
    default: os << dtypeName(e.type.scalar) << '(' << shortest(static_cast<float>(v)) << ')';
  }
}

void printName(const std::string& name, std::ostream& os) {
  os << '%';
  if (isIdentifier(name))
    os << name;
  else
    printString(name, os);
}

// C precedence of the infix operators (higher binds tighter).
int precedence(BinOp op) {
  switch (op) {
    case BinOp::Or: return 1;
    case BinOp::And: return 2;
    case BinOp::BitOr: return 3;
    case BinOp::BitXor: return 4;
    case BinOp::BitAnd: return 5;
    case BinOp::EQ: case BinOp::NE: return 6;
    case BinOp::LT: case BinOp::LE: case BinOp::GT: case BinOp::GE: return 7;
    case BinOp::Shl: case BinOp::Shr: return 8;
    case BinOp::Add: case BinOp::Sub: return 9;
    default: return 10;  // * / %
  }
}
constexpr int kUnaryOperand = 11;

// Prints e, in parentheses when it is an infix operation binding looser than minPrec.
void print(const ExprRef& e, std::ostream& os, int minPrec);

void printArgs(const std::vector<ExprRef>& args, std::ostream& os) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) os << ", ";
    print(args[i], os, 0);
  }
}

void print(const ExprRef& e, std::ostream& os, int minPrec) {
  if (!e) {
    os << "<null>";
    return;
  }
  switch (e->kind) {
    case ExprKind::IntImm:
      if (e->type.scalar == DType::Bool)
        os << (e->intValue ? "true" : "false");
      else if (e->type.scalar == DType::Int64)
        os << e->intValue;
      else
        os << dtypeName(e->type.scalar) << '(' << e->intValue << ')';
      break;
    case ExprKind::FloatImm: printFloat(*e, os); break;
    case ExprKind::Var: printName(e->var->name, os); break;
    case ExprKind::Load:
      printName(e->buffer->name, os);
      os << '[';
      print(e->operands[0], os, 0);
      os << ']';
      break;
    case ExprKind::Binary:
      if (e->binOp == BinOp::Min || e->binOp == BinOp::Max) {
        os << binOpName(e->binOp) << '(';
        printArgs(e->operands, os);
        os << ')';
        break;
      }
      {
        int p = precedence(e->binOp);
        if (p < minPrec) os << '(';
        print(e->operands[0], os, p);
        os << ' ' << binOpName(e->binOp) << ' ';
        print(e->operands[1], os, p + 1);
        if (p < minPrec) os << ')';
      }
      break;
    case ExprKind::Unary:
      os << (e->unOp == UnOp::Neg ? "-" : "!");
      print(e->operands[0], os, kUnaryOperand);
      break;
    case ExprKind::Select:
      os << "select(";
      printArgs(e->operands, os);
      os << ')';
      break;
    case ExprKind::Cast:
      os << "cast<" << typeName(e->type) << ">(";
      print(e->operands[0], os, 0);
      os << ')';
      break;
    case ExprKind::Call:
      os << intrinsicName(e->intrinsic) << '(';
      printArgs(e->operands, os);
      os << ')';
      break;
    case ExprKind::Ramp:
      os << "ramp(";
      printArgs(e->operands, os);
      os << ", " << e->type.lanes << ')';
      break;
    case ExprKind::Broadcast:
      os << "broadcast(";
      print(e->operands[0], os, 0);
      os << ", " << e->type.lanes << ')';
      break;
    case ExprKind::Reduce:
      os << "reduce(";
      printArgs(e->operands, os);
      os << ')';
      break;
  }
}

void pad(std::ostream& os, int indent) {
  for (int i = 0; i < indent; ++i) os << "  ";
}

void printBlock(const StmtRef& s, std::ostream& os, int indent) {
  os << " {\n";
  printStmt(s, os, indent + 1);
  pad(os, indent);
  os << "}";
}

// `%buffer[index]` of a Store or Prefetch.
void printElement(const StmtNode& s, std::ostream& os) {
  printName(s.buffer->name, os);
  os << '[';
  printExpr(s.index, os);
  os << ']';
}

}  // namespace

void printExpr(const ExprRef& e, std::ostream& os) { print(e, os, 0); }

std::string toString(const ExprRef& e) {
  std::ostringstream os;
  printExpr(e, os);
  return os.str();
}

void printStmt(const StmtRef& s, std::ostream& os, int indent) {
  if (!s) return;
  switch (s->kind) {
    case StmtKind::Seq:
      for (const StmtRef& c : s->seq) printStmt(c, os, indent);
      return;
    case StmtKind::For: {
      pad(os, indent);
      if (s->loopKind == LoopKind::GpuBlock || s->loopKind == LoopKind::GpuThread)
        os << loopKindName(s->loopKind) << '.' << "xyz"[s->gpuDim] << ' ';
      else if (s->loopKind != LoopKind::Serial)
        os << loopKindName(s->loopKind) << ' ';
      os << "for (";
      printName(s->var->name, os);
      os << " = ";
      printExpr(s->min, os);
      os << "; ";
      printName(s->var->name, os);
      os << " < ";
      printExpr(s->min + s->extent, os);
      os << "; ";
      printName(s->var->name, os);
      os << "++)";
      printBlock(s->body, os, indent);
      os << '\n';
      return;
    }
    case StmtKind::Store:
      pad(os, indent);
      printElement(*s, os);
      os << " = ";
      printExpr(s->value, os);
      os << '\n';
      return;
    case StmtKind::Prefetch:
      pad(os, indent);
      os << "prefetch ";
      printElement(*s, os);
      os << '\n';
      return;
    case StmtKind::Allocate:
      pad(os, indent);
      os << "alloc ";
      printName(s->buffer->name, os);
      os << ": " << dtypeName(s->buffer->dtype) << '[' << s->buffer->size << "] " << memScopeName(s->buffer->scope);
      printBlock(s->body, os, indent);
      os << '\n';
      return;
    case StmtKind::IfThenElse:
      pad(os, indent);
      os << "if (";
      printExpr(s->cond, os);
      os << ')';
      printBlock(s->body, os, indent);
      if (s->otherwise) {
        os << " else";
        printBlock(s->otherwise, os, indent);
      }
      os << '\n';
      return;
    case StmtKind::LetStmt:
      pad(os, indent);
      os << "let ";
      printName(s->var->name, os);
      os << " = ";
      printExpr(s->value, os);
      os << '\n';
      printStmt(s->body, os, indent);
      return;
  }
}

void printKernel(const Kernel& k, std::ostream& os) {
  os << "kernel ";
  if (isIdentifier(k.name))
    os << k.name;
  else
    printString(k.name, os);
  if (!k.groupLabel.empty()) {
    os << ' ';
    printString(k.groupLabel, os);
  }
  os << " (";
  for (size_t i = 0; i < k.params.size(); ++i) {
    if (i) os << ", ";
    os << "buf ";
    printName(k.params[i]->name, os);
    os << ": " << dtypeName(k.params[i]->dtype) << '[' << k.params[i]->size << ']';
  }
  os << ") {\n";
  printStmt(k.body, os, 1);
  os << "}\n";
}

}  // namespace dlc::kernel
