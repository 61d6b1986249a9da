// The simplifier and the vectorizer: IR in, rewritten IR printed and compared.
// Each case names what it shows; the fallbacks (loops kept serial) are last.
#include <gtest/gtest.h>

#include <sstream>

#include "dlc/kernel/Simplify.h"
#include "dlc/kernel/Vectorize.h"

namespace dlc::kernel {
namespace {

std::string printed(const StmtRef& s) {
  std::ostringstream os;
  printStmt(s, os);
  return os.str();
}

ExprRef c(int64_t v) { return intImm(v); }

BufferRef buf(const char* name, int64_t n = 1024, DType t = DType::Float32) { return makeBuffer(name, t, n); }

TEST(kernel_simplify, FoldsConstantsAndRampArithmetic) {
  Var i = makeVar("i");
  EXPECT_EQ(toString(simplify(binary(BinOp::Mul, binary(BinOp::Add, c(2), c(3)), c(4)))), "20");
  EXPECT_EQ(toString(simplify(binary(BinOp::LT, c(2), c(3)))), "true");
  EXPECT_EQ(toString(simplify(binary(BinOp::Div, c(-7), c(2)))), "-3");  // truncates
  EXPECT_EQ(toString(simplify(binary(BinOp::Mod, c(-7), c(2)))), "-1");
  EXPECT_EQ(toString(simplify(binary(BinOp::Div, c(1), c(0)))), "1 / 0");  // left for the machine
  EXPECT_EQ(toString(simplify(binary(BinOp::Add, floatImm(0.5), floatImm(0.25)))), "0.75f");
  ExprRef r = ramp(varRef(i), c(1), 4);
  EXPECT_EQ(toString(simplify(binary(BinOp::Add, broadcast(varRef(i) * 8, 4), r))), "ramp(%i * 8 + %i, 1, 4)");
  EXPECT_EQ(toString(simplify(binary(BinOp::Mul, r, broadcast(c(3), 4)))), "ramp(%i * 3, 3, 4)");
  EXPECT_EQ(toString(simplify(binary(BinOp::Add, r, r))), "ramp(%i + %i, 2, 4)");
  EXPECT_EQ(toString(simplify(binary(BinOp::Sub, broadcast(c(5), 4), broadcast(c(2), 4)))), "broadcast(3, 4)");
  EXPECT_EQ(toString(simplify(ramp(varRef(i), c(0), 4))), "broadcast(%i, 4)");
  // Float identities are kept: x + 0.f is not x for x = -0.f.
  ExprRef x = varRef(makeVar("x", f32()));
  EXPECT_EQ(toString(simplify(binary(BinOp::Add, x, floatImm(0)))), "%x + 0.f");
}

TEST(kernel_vectorize, ElementwiseBecomesDenseVectorAccess) {
  BufferRef x = buf("x"), y = buf("y");
  Var co = makeVar("co"), i = makeVar("i");
  ExprRef idx = varRef(co) * 8 + varRef(i);
  StmtRef s = forLoop(co, c(0), c(128), LoopKind::Parallel,
                      forLoop(i, c(0), c(8), LoopKind::Vectorized,
                              store(y, idx, max(binary(BinOp::Add, load(x, idx), floatImm(1)), floatImm(0)))));
  EXPECT_EQ(printed(vectorizeLoops(s)),
            "parallel for (%co = 0; %co < 128; %co++) {\n"
            "  %y[ramp(%co * 8, 1, 8)] = max(%x[ramp(%co * 8, 1, 8)] + broadcast(1.f, 8), broadcast(0.f, 8))\n"
            "}\n");
}

TEST(kernel_vectorize, StridedAndComputedIndicesBecomeGathers) {
  BufferRef x = buf("x"), y = buf("y");
  Var i = makeVar("i");
  StmtRef s = forLoop(i, c(4), c(4), LoopKind::Vectorized,
                      store(y, varRef(i), binary(BinOp::Mul, load(x, varRef(i) * 3),
                                                 load(x, binary(BinOp::Div, varRef(i), c(2))))));
  EXPECT_EQ(printed(vectorizeLoops(s)),
            "%y[ramp(4, 1, 4)] = %x[ramp(12, 3, 4)] * %x[ramp(4, 1, 4) / broadcast(2, 4)]\n");
}

TEST(kernel_vectorize, LetsWidenAndScalarsBroadcast) {
  BufferRef x = buf("x"), y = buf("y"), s1 = buf("s", 1);
  Var i = makeVar("i"), t = makeVar("t", f32()), u = makeVar("u", f32());
  StmtRef s = forLoop(i, c(0), c(4), LoopKind::Vectorized,
                      letStmt(u, load(s1, c(0)),
                              letStmt(t, call(Intrinsic::Exp, {load(x, varRef(i))}),
                                      store(y, varRef(i),
                                            select(binary(BinOp::GT, varRef(t), varRef(u)), varRef(t), varRef(u))))));
  EXPECT_EQ(printed(vectorizeLoops(s)),
            "let %u = %s[0]\n"
            "let %t = exp(%x[ramp(0, 1, 4)])\n"
            "%y[ramp(0, 1, 4)] = select(%t > broadcast(%u, 4), %t, broadcast(%u, 4))\n");
}

TEST(kernel_vectorize, InnerSerialLoopsStayAroundVectorBodies) {
  // C[m, j] += A[m, k] * B[k, j], vectorized over j.
  BufferRef a = buf("a"), b = buf("b"), cc = buf("c");
  Var j = makeVar("j"), k = makeVar("k");
  ExprRef ci = varRef(j);
  StmtRef s = forLoop(j, c(0), c(8), LoopKind::Vectorized,
                      forLoop(k, c(0), c(3), LoopKind::Unrolled,
                              store(cc, ci, binary(BinOp::Add, load(cc, ci),
                                                   binary(BinOp::Mul, load(a, varRef(k)),
                                                          load(b, varRef(k) * 8 + ci))))));
  EXPECT_EQ(printed(vectorizeLoops(s)),
            "unrolled for (%k = 0; %k < 3; %k++) {\n"
            "  %c[ramp(0, 1, 8)] = %c[ramp(0, 1, 8)] + broadcast(%a[%k], 8) * %b[ramp(%k * 8, 1, 8)]\n"
            "}\n");
}

TEST(kernel_vectorize, ReductionsStaySerial) {
  BufferRef x = buf("x"), y = buf("y");
  Var i = makeVar("i");
  StmtRef s = forLoop(i, c(0), c(8), LoopKind::Vectorized,
                      store(y, c(0), binary(BinOp::Add, load(y, c(0)), load(x, varRef(i)))));
  EXPECT_EQ(printed(vectorizeLoops(s)),
            "for (%i = 0; %i < 8; %i++) {\n"
            "  %y[0] = %y[0] + %x[%i]\n"
            "}\n");
}

TEST(kernel_vectorize, VectorConditionsAndAllocationsStaySerial) {
  BufferRef x = buf("x"), y = buf("y");
  BufferRef tmp = makeBuffer("tmp", DType::Float32, 1, MemScope::Local);
  Var i = makeVar("i");
  StmtRef guarded = forLoop(i, c(0), c(4), LoopKind::Vectorized,
                            ifThenElse(binary(BinOp::LT, varRef(i), c(3)), store(y, varRef(i), floatImm(1))));
  EXPECT_EQ(printed(vectorizeLoops(guarded)),
            "for (%i = 0; %i < 4; %i++) {\n"
            "  if (%i < 3) {\n"
            "    %y[%i] = 1.f\n"
            "  }\n"
            "}\n");
  StmtRef scratch = forLoop(i, c(0), c(4), LoopKind::Vectorized,
                            allocate(tmp, store(y, varRef(i), load(x, varRef(i)))));
  EXPECT_EQ(vectorizeLoops(scratch)->loopKind, LoopKind::Serial);
}

TEST(kernel_vectorize, NestedVectorizedLoopsVectorizeTheInnerOne) {
  BufferRef x = buf("x"), y = buf("y");
  Var i = makeVar("i"), j = makeVar("j");
  ExprRef idx = varRef(i) * 4 + varRef(j);
  StmtRef s = forLoop(i, c(0), c(2), LoopKind::Vectorized,
                      forLoop(j, c(0), c(4), LoopKind::Vectorized, store(y, idx, load(x, idx))));
  EXPECT_EQ(printed(vectorizeLoops(s)),
            "for (%i = 0; %i < 2; %i++) {\n"
            "  %y[ramp(%i * 4, 1, 4)] = %x[ramp(%i * 4, 1, 4)]\n"
            "}\n");
}

TEST(kernel_vectorize, ScalarIfsStayInsideVectorBodies) {
  BufferRef x = buf("x"), y = buf("y"), flag = buf("flag", 1, DType::Bool);
  Var i = makeVar("i");
  StmtRef s = forLoop(i, c(0), c(4), LoopKind::Vectorized,
                      ifThenElse(load(flag, c(0)), store(y, varRef(i), load(x, varRef(i))),
                                 store(y, varRef(i), floatImm(0))));
  EXPECT_EQ(printed(vectorizeLoops(s)),
            "if (%flag[0]) {\n"
            "  %y[ramp(0, 1, 4)] = %x[ramp(0, 1, 4)]\n"
            "} else {\n"
            "  %y[ramp(0, 1, 4)] = broadcast(0.f, 4)\n"
            "}\n");
}

// A prefetch of a lane-independent address stays one scalar prefetch inside
// the vector body; one whose address depends on the lane keeps the loop serial.
TEST(kernel_vectorize, PrefetchesStayScalar) {
  BufferRef x = buf("x"), y = buf("y");
  Var i = makeVar("i"), j = makeVar("j");
  StmtRef s = forLoop(j, c(0), c(2), LoopKind::Serial,
                      forLoop(i, c(0), c(4), LoopKind::Vectorized,
                              seq({store(y, varRef(j) * 4 + varRef(i), load(x, varRef(j) * 4 + varRef(i))),
                                   prefetch(x, varRef(j) * 4 + c(64))})));
  EXPECT_EQ(printed(vectorizeLoops(s)),
            "for (%j = 0; %j < 2; %j++) {\n"
            "  %y[ramp(%j * 4, 1, 4)] = %x[ramp(%j * 4, 1, 4)]\n"
            "  prefetch %x[%j * 4 + 64]\n"
            "}\n");
  StmtRef lanes = forLoop(i, c(0), c(4), LoopKind::Vectorized, prefetch(x, varRef(i) * 16));
  EXPECT_EQ(vectorizeLoops(lanes)->loopKind, LoopKind::Serial);
}

}  // namespace
}  // namespace dlc::kernel
