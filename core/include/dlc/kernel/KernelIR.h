// Kernel IR: the loop-level IR every backend consumes.
//
// A Kernel is a function over buffers: its parameters are flat, typed buffers
// (tensors of the graph: inputs, outputs, weights, workspace), its body a tree of
// statements: loop nests (serial, parallel, vectorized, unrolled, or bound to GPU
// blocks/threads), stores, local allocations with a memory scope, conditionals.
// Expressions are immutable trees shared by pointer (ExprRef); they are scalar,
// or vectors of `lanes` elements once a vectorized loop is rewritten into
// Ramp/Broadcast form (kernel/Vectorize.h), which is what codegen receives.
//
// The graph-to-kernel lowering (schedule templates) builds this IR; backends
// (LLVM for x86/AArch64, and later CUDA/OpenCL/Vulkan) generate code from it.
// printKernel() writes the text shown by `--print-kernels`.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "dlc/ir/DType.h"

namespace dlc::kernel {

// A scalar element type with a lane count (1: scalar). Bool is i1 in codegen.
struct Type {
  DType scalar = DType::Float32;
  int lanes = 1;
  bool isVector() const { return lanes > 1; }
  Type withLanes(int n) const { return Type{scalar, n}; }
  Type element() const { return Type{scalar, 1}; }
  bool operator==(const Type& o) const { return scalar == o.scalar && lanes == o.lanes; }
  bool operator!=(const Type& o) const { return !(*this == o); }
};
inline Type i32() { return Type{DType::Int32, 1}; }
inline Type i64() { return Type{DType::Int64, 1}; }
inline Type f32() { return Type{DType::Float32, 1}; }
inline Type boolean() { return Type{DType::Bool, 1}; }
std::string typeName(const Type& t);  // "f32", "f32x8"

// Where a buffer lives. Global: device/host memory passed in; Local: a
// per-thread scratch array (stack on CPUs); Shared: GPU workgroup memory;
// Register: a small array the backend may keep in registers.
enum class MemScope : uint8_t { Global, Shared, Local, Register };
const char* memScopeName(MemScope s);

// A flat buffer of elements of one scalar type. Indexing is in elements.
struct Buffer {
  std::string name;
  DType dtype = DType::Float32;
  int64_t size = 0;  // elements
  MemScope scope = MemScope::Global;
};
using BufferRef = std::shared_ptr<const Buffer>;
BufferRef makeBuffer(std::string name, DType dtype, int64_t size, MemScope scope = MemScope::Global);

// ---- expressions -------------------------------------------------------------

enum class ExprKind : uint8_t { IntImm, FloatImm, Var, Load, Binary, Unary, Select, Cast, Call, Ramp, Broadcast, Reduce };

enum class BinOp : uint8_t {
  Add, Sub, Mul, Div,       // Div on ints truncates toward zero (C semantics)
  Mod,                      // C remainder on ints, fmod on floats
  Min, Max,
  EQ, NE, LT, LE, GT, GE,   // result: bool with the operands' lanes
  And, Or,                  // bool
  BitAnd, BitOr, BitXor, Shl, Shr,  // ints (Shr: arithmetic on signed, logical on unsigned)
};
enum class UnOp : uint8_t { Neg, Not };  // Not: logical on bool, bitwise on ints
const char* binOpName(BinOp op);  // "+", "min", "<=", as the printer writes them
bool isComparison(BinOp op);      // EQ .. GE

// Math on floats; Abs/Sign/Pow also on ints. Fma(a, b, c) = a * b + c, fused.
// Pow on ints is exact, wrapping (x^e for e < 0: 1 if x == 1, +-1 if x == -1, else 0).
enum class Intrinsic : uint8_t {
  Exp, Log, Sqrt, Rsqrt, Tanh, Erf, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh,
  Abs, Sign, Floor, Ceil, Round,  // Round: half to even
  Pow, Fma, IsNaN, IsInf,
};
const char* intrinsicName(Intrinsic i);

struct ExprNode;
using ExprRef = std::shared_ptr<const ExprNode>;

// A loop or let variable. Identity is the pointer; the name is for printing.
struct VarNode {
  std::string name;
  Type type = i64();
};
using Var = std::shared_ptr<const VarNode>;
Var makeVar(std::string name, Type type = i64());

struct ExprNode {
  ExprKind kind;
  Type type;
  int64_t intValue = 0;      // IntImm; Ramp/Broadcast lanes are in type.lanes
  double floatValue = 0;     // FloatImm
  Var var;                   // Var
  BufferRef buffer;          // Load
  BinOp binOp{};             // Binary
  UnOp unOp{};               // Unary
  Intrinsic intrinsic{};     // Call
  std::vector<ExprRef> operands;  // Load: {index}; Binary: {a, b}; Unary/Cast: {a};
                                  // Select: {cond, a, b}; Call: args; Ramp: {base, stride};
                                  // Broadcast: {scalar}
};

ExprRef intImm(int64_t v, Type t = i64());
ExprRef floatImm(double v, Type t = f32());
ExprRef varRef(const Var& v);
ExprRef load(const BufferRef& b, ExprRef index);  // lanes follow the index's lanes
ExprRef binary(BinOp op, ExprRef a, ExprRef b);    // operand types must match
ExprRef unary(UnOp op, ExprRef a);
ExprRef select(ExprRef cond, ExprRef a, ExprRef b);
ExprRef cast(Type t, ExprRef a);
ExprRef call(Intrinsic f, std::vector<ExprRef> args);
ExprRef ramp(ExprRef base, ExprRef stride, int lanes);  // base + i * stride, i < lanes
ExprRef broadcast(ExprRef scalar, int lanes);

// Arithmetic helpers with constant folding of immediates (a + 0 -> a, 2 * 3 -> 6).
ExprRef operator+(ExprRef a, ExprRef b);
ExprRef operator-(ExprRef a, ExprRef b);
ExprRef operator*(ExprRef a, ExprRef b);
ExprRef operator+(ExprRef a, int64_t b);
ExprRef operator*(ExprRef a, int64_t b);
ExprRef min(ExprRef a, ExprRef b);
ExprRef max(ExprRef a, ExprRef b);
bool isConstInt(const ExprRef& e, int64_t* value = nullptr);
bool isConstFloat(const ExprRef& e, double* value = nullptr);
// A scalar or broadcast immediate of type t (ints, bools and floats alike).
ExprRef constant(Type t, int64_t v);

// ---- statements --------------------------------------------------------------

enum class StmtKind : uint8_t { For, Store, Allocate, Seq, IfThenElse, LetStmt, Prefetch };

// How a loop runs. Vectorized loops have a constant extent (the lane count) and
// are rewritten to vector expressions before codegen. GpuBlock/GpuThread carry
// the dimension (0: x, 1: y, 2: z) in `gpuDim`.
enum class LoopKind : uint8_t { Serial, Parallel, Vectorized, Unrolled, GpuBlock, GpuThread };
const char* loopKindName(LoopKind k);

struct StmtNode;
using StmtRef = std::shared_ptr<const StmtNode>;

struct StmtNode {
  StmtKind kind;
  // For: var runs over [min, min + extent).
  Var var;
  ExprRef min, extent;
  LoopKind loopKind = LoopKind::Serial;
  int gpuDim = 0;
  // Store: buffer[index] = value (vector index and value store lanes elements).
  // Prefetch: buffer, index.
  BufferRef buffer;
  ExprRef index, value;
  // IfThenElse: cond; LetStmt: var = value.
  ExprRef cond;
  // For/Allocate/LetStmt: body; IfThenElse: then = body, otherwise (may be null).
  StmtRef body, otherwise;
  std::vector<StmtRef> seq;  // Seq
};

StmtRef forLoop(const Var& v, ExprRef min, ExprRef extent, LoopKind kind, StmtRef body, int gpuDim = 0);
StmtRef store(const BufferRef& b, ExprRef index, ExprRef value);
StmtRef allocate(const BufferRef& b, StmtRef body);  // b->scope != Global
StmtRef seq(std::vector<StmtRef> stmts);            // flattens nested Seqs
StmtRef ifThenElse(ExprRef cond, StmtRef then, StmtRef otherwise = nullptr);
StmtRef letStmt(const Var& v, ExprRef value, StmtRef body);
// A hint that the cache line holding buffer[index] (a scalar index) is read
// soon. It changes no value, and the index may lie past the buffer's end: the
// backend computes the address without an in-bounds assumption, and a
// prefetch never faults.
StmtRef prefetch(const BufferRef& b, ExprRef index);

// ---- kernels -----------------------------------------------------------------

// One generated function. Params are global buffers in calling order; the
// backend's calling convention passes them as an array of base pointers.
struct Kernel {
  std::string name;
  std::vector<BufferRef> params;
  StmtRef body;
  // For the profiler and the cost model: what the kernel computes.
  std::string groupLabel;  // e.g. "Conv+Add+Relu"
  double flops = 0;
};

void printExpr(const ExprRef& e, std::ostream& os);
void printStmt(const StmtRef& s, std::ostream& os, int indent = 0);
void printKernel(const Kernel& k, std::ostream& os);
std::string toString(const ExprRef& e);

}  // namespace dlc::kernel
