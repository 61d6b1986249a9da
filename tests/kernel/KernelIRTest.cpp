// Kernel IR: the printer's text for a few kernels (golden strings), the type
// checks of the constructors (exact messages), and constant folding.
#include <gtest/gtest.h>

#include <sstream>

#include "dlc/kernel/KernelIR.h"
#include "dlc/support/Error.h"

namespace dlc::kernel {
namespace {

template <typename F>
std::string errorOf(F f) {
  try {
    f();
  } catch (const dlc::Error& e) {
    return e.what();
  }
  return "no error";
}

std::string printed(const Kernel& k) {
  std::ostringstream os;
  printKernel(k, os);
  return os.str();
}

std::string printed(const StmtRef& s) {
  std::ostringstream os;
  printStmt(s, os);
  return os.str();
}

ExprRef c(int64_t v) { return intImm(v); }

TEST(kernel_ir, PrintsAParallelVectorizedKernel) {
  BufferRef x = makeBuffer("x", DType::Float32, 512), y = makeBuffer("y", DType::Float32, 512);
  Var co = makeVar("co"), i = makeVar("i");
  ExprRef idx = varRef(co) * 8 + varRef(i);
  Kernel k{"fused_3", {x, y},
           forLoop(co, c(0), c(64), LoopKind::Parallel,
                   forLoop(i, c(0), c(8), LoopKind::Vectorized, store(y, idx, max(load(x, idx), floatImm(0))))),
           "Add+Relu"};
  EXPECT_EQ(printed(k),
            "kernel fused_3 \"Add+Relu\" (buf %x: f32[512], buf %y: f32[512]) {\n"
            "  parallel for (%co = 0; %co < 64; %co++) {\n"
            "    vectorized for (%i = 0; %i < 8; %i++) {\n"
            "      %y[%co * 8 + %i] = max(%x[%co * 8 + %i], 0.f)\n"
            "    }\n"
            "  }\n"
            "}\n");
}

TEST(kernel_ir, PrintsStatementsAndExpressions) {
  BufferRef x = makeBuffer("x", DType::Float32, 16), y = makeBuffer("y", DType::Int32, 16);
  BufferRef tmp = makeBuffer("tmp", DType::Float32, 4, MemScope::Local);
  Var i = makeVar("i"), t = makeVar("t", f32()), k = makeVar("k");
  ExprRef xi = load(x, varRef(i));
  StmtRef body = seq({
      store(tmp, c(0), call(Intrinsic::Exp, {xi})),
      letStmt(t, select(binary(BinOp::LT, xi, floatImm(-1.5)), floatImm(2.5e-7), load(tmp, c(0))),
              ifThenElse(binary(BinOp::And, binary(BinOp::GE, varRef(i), c(2)), unary(UnOp::Not, call(Intrinsic::IsNaN, {xi}))),
                         store(y, varRef(i), cast(i32(), varRef(t))),
                         store(y, varRef(i), intImm(-7, i32())))),
      forLoop(k, c(1), c(3), LoopKind::Unrolled,
              store(x, (varRef(i) - c(1)) * (varRef(k) + c(2)), unary(UnOp::Neg, floatImm(1)))),
  });
  StmtRef s = forLoop(i, c(0), c(16), LoopKind::GpuThread, allocate(tmp, body), 1);
  EXPECT_EQ(printed(s),
            "gpu_thread.y for (%i = 0; %i < 16; %i++) {\n"
            "  alloc %tmp: f32[4] local {\n"
            "    %tmp[0] = exp(%x[%i])\n"
            "    let %t = select(%x[%i] < -1.5f, 2.5e-07f, %tmp[0])\n"
            "    if (%i >= 2 && !isnan(%x[%i])) {\n"
            "      %y[%i] = cast<i32>(%t)\n"
            "    } else {\n"
            "      %y[%i] = i32(-7)\n"
            "    }\n"
            "    unrolled for (%k = 1; %k < 4; %k++) {\n"
            "      %x[(%i - 1) * (%k + 2)] = -1.f\n"
            "    }\n"
            "  }\n"
            "}\n");
}

TEST(kernel_ir, PrintsVectorForms) {
  Var i = makeVar("i");
  BufferRef b = makeBuffer("b", DType::Bool, 8);
  ExprRef r = ramp(varRef(i) * 8, c(1), 8);
  EXPECT_EQ(toString(r), "ramp(%i * 8, 1, 8)");
  EXPECT_EQ(toString(broadcast(floatImm(0.5, Type{DType::Float64, 1}), 4)), "broadcast(0.5, 4)");
  EXPECT_EQ(toString(load(b, r)), "%b[ramp(%i * 8, 1, 8)]");
  EXPECT_EQ(load(b, r)->type, (Type{DType::Bool, 8}));
  EXPECT_EQ(typeName(load(b, r)->type), "boolx8");
  EXPECT_EQ(toString(intImm(1, boolean())), "true");
  EXPECT_EQ(toString(floatImm(1.0, Type{DType::Float16, 1})), "f16(1.)");
}

TEST(kernel_ir, ConstructorsRejectBadTypes) {
  BufferRef x = makeBuffer("x", DType::Float32, 16);
  Var i = makeVar("i"), n = makeVar("n");
  ExprRef f = floatImm(1), v8 = ramp(c(0), c(1), 8);
  EXPECT_EQ(errorOf([&] { binary(BinOp::Add, f, c(1)); }), "binary '+': operand types differ: f32 and i64");
  EXPECT_EQ(errorOf([&] { binary(BinOp::And, c(1), c(0)); }), "binary '&&': operands have type i64, expected bool");
  EXPECT_EQ(errorOf([&] { binary(BinOp::Shl, f, f); }), "binary '<<': operands have type f32, expected an integer");
  EXPECT_EQ(errorOf([&] { load(x, f); }), "load from %x: index has type f32, expected an integer");
  EXPECT_EQ(errorOf([&] { store(x, v8, f); }), "store to %x: value has type f32, expected f32x8");
  EXPECT_EQ(errorOf([&] { store(x, c(0), c(0)); }), "store to %x: value has type i64, expected f32");
  EXPECT_EQ(errorOf([&] { select(f, f, f); }), "select: condition has type f32, expected bool");
  EXPECT_EQ(errorOf([&] { select(binary(BinOp::LT, v8, v8), f, f); }),
            "select: condition has 8 lanes, branches have 1");
  EXPECT_EQ(errorOf([&] { select(intImm(1, boolean()), f, c(1)); }), "select: branch types differ: f32 and i64");
  EXPECT_EQ(errorOf([&] { call(Intrinsic::Exp, {c(1)}); }), "call exp: argument has type i64, expected a float");
  EXPECT_EQ(errorOf([&] { call(Intrinsic::Pow, {f}); }), "call pow: expected 2 arguments, got 1");
  EXPECT_EQ(errorOf([&] { call(Intrinsic::Fma, {f, f, floatImm(1, Type{DType::Float64, 1})}); }),
            "call fma: argument types differ: f32 and f64");
  EXPECT_EQ(errorOf([&] { ramp(c(0), intImm(1, i32()), 4); }), "ramp: base and stride types differ: i64 and i32");
  EXPECT_EQ(errorOf([&] { ramp(c(0), c(1), 1); }), "ramp: lanes must be at least 2, got 1");
  EXPECT_EQ(errorOf([&] { broadcast(v8, 4); }), "broadcast: operand must be a scalar, got i64x8");
  EXPECT_EQ(errorOf([&] { cast(f32().withLanes(4), v8); }), "cast to f32x4: operand i64x8 has 8 lanes");
  EXPECT_EQ(errorOf([&] { forLoop(i, c(0), varRef(n), LoopKind::Vectorized, store(x, c(0), f)); }),
            "vectorized for %i: extent must be a constant, got %n");
  EXPECT_EQ(errorOf([&] { forLoop(i, intImm(0, i32()), c(4), LoopKind::Serial, store(x, c(0), f)); }),
            "serial for %i: min has type i32, expected i64");
  EXPECT_EQ(errorOf([&] { ifThenElse(c(1), store(x, c(0), f)); }), "if: condition has type i64, expected bool");
  EXPECT_EQ(errorOf([&] { letStmt(makeVar("t", f32()), c(1), store(x, c(0), f)); }),
            "let %t: value has type i64, expected f32");
  EXPECT_EQ(errorOf([&] { allocate(x, store(x, c(0), f)); }),
            "allocate %x: scope is global, expected local, shared or register");
  EXPECT_EQ(errorOf([&] { intImm(1, f32()); }), "intImm: type must be an integer or bool, got f32");
  EXPECT_EQ(errorOf([&] { prefetch(x, v8); }), "prefetch of %x: index has type i64x8, expected a scalar integer");
  EXPECT_EQ(errorOf([&] { prefetch(x, f); }), "prefetch of %x: index has type f32, expected a scalar integer");
}

TEST(kernel_ir, ArithmeticHelpersFold) {
  Var i = makeVar("i");
  int64_t v = 0;
  EXPECT_TRUE(isConstInt(c(2) * c(3) + c(4), &v));
  EXPECT_EQ(v, 10);
  ExprRef x = varRef(i);
  EXPECT_EQ(x + 0, x);
  EXPECT_EQ(x * 1, x);
  EXPECT_TRUE(isConstInt(x * 0, &v) && v == 0);
  EXPECT_TRUE(isConstInt(intImm(100, Type{DType::Int8, 1}) + intImm(100, Type{DType::Int8, 1}), &v));
  EXPECT_EQ(v, -56);  // wraps like the machine
  EXPECT_EQ(toString(min(c(3), c(-2))), "-2");
  BufferRef z = makeBuffer("z", DType::Int64, 1);
  EXPECT_EQ(seq({seq({store(z, c(0), c(1)), store(z, c(0), c(2))}), seq({}), store(z, c(0), c(3))})->seq.size(), 3u);
}

}  // namespace
}  // namespace dlc::kernel
