// The LLVM backend end to end on the host: kernels built by hand are written
// into one artifact, which is loaded with dlopen; its descriptor is checked and
// every kernel is run (under a serial and a two-thread parallel_for) and its
// results compared with values computed here. Also: the LLVM IR text, and
// linker failures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>

#include "ArtifactHelpers.h"
#include "dlc/support/Error.h"

namespace dlc::kernel {
namespace {

using dlc::testing::kSerialEnv;
using dlc::testing::kThreadedEnv;

ExprRef c(int64_t v) { return intImm(v); }
ExprRef f(double v) { return floatImm(v); }

// c[i] = a[i] + b[i] for n = 1003: 125 parallel blocks of 8 lanes, then a serial tail.
constexpr int64_t kAddN = 1003;
Kernel vectorAdd() {
  BufferRef a = makeBuffer("a", DType::Float32, kAddN), b = makeBuffer("b", DType::Float32, kAddN),
            out = makeBuffer("c", DType::Float32, kAddN);
  Var o = makeVar("o"), i = makeVar("i"), t = makeVar("t");
  ExprRef idx = varRef(o) * 8 + varRef(i);
  auto add = [&](ExprRef k) { return store(out, k, binary(BinOp::Add, load(a, k), load(b, k))); };
  StmtRef body = seq({forLoop(o, c(0), c(kAddN / 8), LoopKind::Parallel,
                              forLoop(i, c(0), c(8), LoopKind::Vectorized, add(idx))),
                      forLoop(t, c(kAddN / 8 * 8), c(kAddN % 8), LoopKind::Serial, add(varRef(t)))});
  return Kernel{"vadd", {a, b, out}, body, "Add"};
}

// y[r] = sum over c of x[r, c], accumulated in a local scratch buffer per row.
constexpr int64_t kRows = 37, kCols = 19;
Kernel rowSums() {
  BufferRef x = makeBuffer("x", DType::Float32, kRows * kCols), y = makeBuffer("y", DType::Float32, kRows);
  BufferRef acc = makeBuffer("acc", DType::Float32, 1, MemScope::Local);
  Var r = makeVar("r"), col = makeVar("col");
  StmtRef body = forLoop(
      r, c(0), c(kRows), LoopKind::Parallel,
      allocate(acc, seq({store(acc, c(0), f(0)),
                         forLoop(col, c(0), c(kCols), LoopKind::Serial,
                                 store(acc, c(0), binary(BinOp::Add, load(acc, c(0)),
                                                         load(x, varRef(r) * kCols + varRef(col))))),
                         store(y, varRef(r), load(acc, c(0)))})));
  return Kernel{"row_sums", {x, y}, body, "ReduceSum"};
}

// C[M, N] = A[M, K] * B[K, N]: parallel rows, 8-lane column blocks, k unrolled.
constexpr int64_t kM = 5, kK = 7, kN = 16;
Kernel matmul() {
  BufferRef a = makeBuffer("A", DType::Float32, kM * kK), b = makeBuffer("B", DType::Float32, kK * kN),
            out = makeBuffer("C", DType::Float32, kM * kN);
  Var m = makeVar("m"), nb = makeVar("nb"), j = makeVar("j"), k = makeVar("k");
  ExprRef col = varRef(nb) * 8 + varRef(j);
  ExprRef ci = varRef(m) * kN + col;
  StmtRef body = forLoop(
      m, c(0), c(kM), LoopKind::Parallel,
      forLoop(nb, c(0), c(kN / 8), LoopKind::Serial,
              forLoop(j, c(0), c(8), LoopKind::Vectorized,
                      seq({store(out, ci, f(0)),
                           forLoop(k, c(0), c(kK), LoopKind::Unrolled,
                                   store(out, ci,
                                         binary(BinOp::Add, load(out, ci),
                                                binary(BinOp::Mul, load(a, varRef(m) * kK + varRef(k)),
                                                       load(b, varRef(k) * kN + col)))))}))));
  return Kernel{"matmul", {a, b, out}, body, "MatMul"};
}

// y = max(x, 0), z = select(x > 0, x, 0.5 * x), mask = x > 0 (bool in memory).
constexpr int64_t kReluN = 24;
Kernel relu() {
  BufferRef x = makeBuffer("x", DType::Float32, kReluN), y = makeBuffer("y", DType::Float32, kReluN),
            z = makeBuffer("z", DType::Float32, kReluN), mask = makeBuffer("mask", DType::Bool, kReluN);
  Var i = makeVar("i"), v = makeVar("v");
  ExprRef xi = load(x, varRef(i));
  ExprRef pos = binary(BinOp::GT, xi, f(0));
  StmtRef body = forLoop(v, c(0), c(kReluN / 8), LoopKind::Serial,
                         forLoop(i, varRef(v) * 8, c(8), LoopKind::Vectorized,
                                 seq({store(y, varRef(i), max(xi, f(0))),
                                      store(z, varRef(i), select(pos, xi, binary(BinOp::Mul, f(0.5), xi))),
                                      store(mask, varRef(i), pos)})));
  return Kernel{"relu", {x, y, z, mask}, body, "Relu"};
}

// out[f] = in[(f % R) * C + f / R] * 3 + (i64)(i32)f: a transpose in 64-bit
// index math with values past 2^32, once with parallel scalar code and once
// vectorized (the index is no ramp there: a gather).
constexpr int64_t kTr = 6, kTc = 10;
Kernel transpose() {
  BufferRef in = makeBuffer("in", DType::Int64, kTr * kTc), out = makeBuffer("out", DType::Int64, kTr * kTc),
            outv = makeBuffer("outv", DType::Int64, kTr * kTc);
  auto value = [&](ExprRef fi) {
    ExprRef src = binary(BinOp::Add, binary(BinOp::Mul, binary(BinOp::Mod, fi, c(kTr)), c(kTc)),
                         binary(BinOp::Div, fi, c(kTr)));
    return binary(BinOp::Add, binary(BinOp::Mul, load(in, src), c(3)), cast(i64(), cast(i32(), fi)));
  };
  Var fl = makeVar("f"), g = makeVar("g"), l = makeVar("l");
  ExprRef fi = varRef(g) * 4 + varRef(l);
  StmtRef body = seq({forLoop(fl, c(0), c(kTr * kTc), LoopKind::Parallel, store(out, varRef(fl), value(varRef(fl)))),
                      forLoop(g, c(0), c(kTr * kTc / 4), LoopKind::Serial,
                              forLoop(l, c(0), c(4), LoopKind::Vectorized, store(outv, fi, value(fi))))});
  return Kernel{"transpose", {in, out, outv}, body, "Transpose"};
}

// y = exp(x) + erf(x) over 4 lanes; w = fma(x, x, 1) scalar.
constexpr int64_t kMathN = 12;
Kernel math() {
  BufferRef x = makeBuffer("x", DType::Float32, kMathN), y = makeBuffer("y", DType::Float32, kMathN),
            w = makeBuffer("w", DType::Float32, kMathN);
  Var q = makeVar("q"), i = makeVar("i"), s = makeVar("s");
  ExprRef xi = load(x, varRef(q) * 4 + varRef(i));
  StmtRef body = seq(
      {forLoop(q, c(0), c(kMathN / 4), LoopKind::Parallel,
               forLoop(i, c(0), c(4), LoopKind::Vectorized,
                       store(y, varRef(q) * 4 + varRef(i),
                             binary(BinOp::Add, call(Intrinsic::Exp, {xi}), call(Intrinsic::Erf, {xi}))))),
       forLoop(s, c(0), c(kMathN), LoopKind::Serial,
               store(w, varRef(s), call(Intrinsic::Fma, {load(x, varRef(s)), load(x, varRef(s)), f(1)})))});
  return Kernel{"math", {x, y, w}, body, "Exp+Erf"};
}

// f16 math (computed in f32), an unrolled loop of run-time extent, and an if
// inside a parallel body: hy = tanh(h); cnt[0] += sum of k < n[0]; flags[p] =
// h[p] > 0 || isnan(h[p]).
constexpr int64_t kHalfN = 8;
Kernel misc() {
  Type f16{DType::Float16, 1};
  BufferRef h = makeBuffer("h", DType::Float16, kHalfN), hy = makeBuffer("hy", DType::Float16, kHalfN),
            n = makeBuffer("n", DType::Int64, 1), cnt = makeBuffer("cnt", DType::Int32, 1),
            flags = makeBuffer("flags", DType::Bool, kHalfN);
  Var i = makeVar("i"), k = makeVar("k"), nv = makeVar("nv"), p = makeVar("p");
  ExprRef hp = load(h, varRef(p));
  StmtRef body = seq(
      {forLoop(i, c(0), c(kHalfN), LoopKind::Vectorized, store(hy, varRef(i), call(Intrinsic::Tanh, {load(h, varRef(i))}))),
       letStmt(nv, load(n, c(0)),
               forLoop(k, c(0), varRef(nv), LoopKind::Unrolled,
                       store(cnt, c(0), binary(BinOp::Add, load(cnt, c(0)), cast(i32(), varRef(k)))))),
       forLoop(p, c(0), c(kHalfN), LoopKind::Parallel,
               ifThenElse(binary(BinOp::GT, hp, floatImm(0, f16)), store(flags, varRef(p), intImm(1, boolean())),
                          store(flags, varRef(p), call(Intrinsic::IsNaN, {hp}))))});
  return Kernel{"misc", {h, hy, n, cnt, flags}, body, "Tanh"};
}

std::vector<float> weightsData() {
  std::vector<float> w(kAddN);
  for (int64_t i = 0; i < kAddN; ++i) w[i] = 0.25f * static_cast<float>(i % 97) - 3.0f;
  return w;
}

class kernel_codegen : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    weights_ = weightsData();
    llvmgen::ArtifactInput in;
    in.kernels = {vectorAdd(), rowSums(), matmul(), relu(), transpose(), math(), misc()};
    in.plan = runtime::encodePlan(dlc::testing::smallPlan());
    in.weights = reinterpret_cast<const uint8_t*>(weights_.data());
    in.weightsSize = weights_.size() * sizeof(float);
    in.dlcVersion = "0.1.0-test";
    in.arch = "x86_64";
    input_ = new llvmgen::ArtifactInput(in);
    std::string so = (dlc::testing::tempDir("codegen") / "model.so").string();
    try {
      llvmgen::writeArtifact(in, llvmgen::hostSpec(), so);
    } catch (const std::exception& e) {
      error_ = e.what();
      return;
    }
    handle_ = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
      error_ = dlerror();
      return;
    }
    auto fn = reinterpret_cast<DlcArtifactDescriptorFn>(dlsym(handle_, DLC_ARTIFACT_SYMBOL));
    if (!fn) {
      error_ = "no " DLC_ARTIFACT_SYMBOL " in the artifact";
      return;
    }
    desc_ = fn();
  }
  static void TearDownTestSuite() {
    if (handle_) dlclose(handle_);
    delete input_;
  }
  void SetUp() override { ASSERT_NE(desc_, nullptr) << error_; }

  static DlcKernelFn kernel(const std::string& name) {
    for (uint32_t i = 0; i < desc_->num_kernels; ++i)
      if (name == desc_->kernel_names[i]) return desc_->kernels[i];
    ADD_FAILURE() << "no kernel " << name;
    return nullptr;
  }

  static inline std::vector<float> weights_;
  static inline llvmgen::ArtifactInput* input_ = nullptr;
  static inline void* handle_ = nullptr;
  static inline const DlcArtifactDescriptor* desc_ = nullptr;
  static inline std::string error_;
};

TEST_F(kernel_codegen, DescriptorDescribesTheArtifact) {
  EXPECT_EQ(desc_->magic, DLC_ARTIFACT_MAGIC);
  EXPECT_EQ(desc_->format_version, DLC_ARTIFACT_FORMAT_VERSION);
  EXPECT_STREQ(desc_->dlc_version, "0.1.0-test");
  EXPECT_STREQ(desc_->arch, "x86_64");
  ASSERT_EQ(desc_->num_kernels, 7u);
  const char* names[] = {"vadd", "row_sums", "matmul", "relu", "transpose", "math", "misc"};
  for (int i = 0; i < 7; ++i) {
    EXPECT_STREQ(desc_->kernel_names[i], names[i]);
    EXPECT_NE(desc_->kernels[i], nullptr);
  }
  ASSERT_EQ(desc_->plan_size, input_->plan.size());
  EXPECT_EQ(std::memcmp(desc_->plan, input_->plan.data(), input_->plan.size()), 0);
  runtime::Plan p = runtime::decodePlan(desc_->plan, desc_->plan_size, desc_->num_kernels, desc_->weights_size);
  EXPECT_EQ(p.buffers.size(), 2u);
  EXPECT_EQ(p.buffers[1].name, "out");
  ASSERT_EQ(desc_->weights_size, weights_.size() * sizeof(float));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(desc_->weights) % 64, 0u);
  EXPECT_EQ(std::memcmp(desc_->weights, weights_.data(), desc_->weights_size), 0);
}

TEST_F(kernel_codegen, VectorAddWithTailReadsWeights) {
  for (const DlcKernelEnv* env : {&kSerialEnv, &kThreadedEnv}) {
    std::vector<float> b(kAddN), out(kAddN, -1.0f);
    for (int64_t i = 0; i < kAddN; ++i) b[i] = 1.5f * static_cast<float>(i);
    void* bufs[] = {const_cast<uint8_t*>(desc_->weights), b.data(), out.data()};
    kernel("vadd")(bufs, env);
    for (int64_t i = 0; i < kAddN; ++i) ASSERT_EQ(out[i], weights_[i] + b[i]) << "at " << i;
  }
}

TEST_F(kernel_codegen, RowSums) {
  for (const DlcKernelEnv* env : {&kSerialEnv, &kThreadedEnv}) {
    std::vector<float> x(kRows * kCols), y(kRows, -1.0f);
    for (size_t i = 0; i < x.size(); ++i) x[i] = 0.1f * static_cast<float>(i % 13) - 0.5f;
    void* bufs[] = {x.data(), y.data()};
    kernel("row_sums")(bufs, env);
    for (int64_t r = 0; r < kRows; ++r) {
      float want = 0;
      for (int64_t col = 0; col < kCols; ++col) want = want + x[r * kCols + col];
      ASSERT_EQ(y[r], want) << "row " << r;
    }
  }
}

TEST_F(kernel_codegen, MatmulWithUnrolledInnerLoop) {
  for (const DlcKernelEnv* env : {&kSerialEnv, &kThreadedEnv}) {
    std::vector<float> a(kM * kK), b(kK * kN), out(kM * kN, -1.0f);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i % 7) - 2.5f;
    for (size_t i = 0; i < b.size(); ++i) b[i] = 0.5f * static_cast<float>(i % 11) - 1.0f;
    void* bufs[] = {a.data(), b.data(), out.data()};
    kernel("matmul")(bufs, env);
    for (int64_t m = 0; m < kM; ++m)
      for (int64_t n = 0; n < kN; ++n) {
        float want = 0;
        for (int64_t k = 0; k < kK; ++k) want = want + a[m * kK + k] * b[k * kN + n];
        ASSERT_EQ(out[m * kN + n], want) << m << "," << n;
      }
  }
}

TEST_F(kernel_codegen, SelectReluAndBoolStores) {
  std::vector<float> x(kReluN), y(kReluN), z(kReluN);
  std::vector<uint8_t> mask(kReluN, 7);
  for (int64_t i = 0; i < kReluN; ++i) x[i] = static_cast<float>(i - 12) * 0.75f;
  x[3] = std::nanf("");
  x[5] = -0.0f;
  void* bufs[] = {x.data(), y.data(), z.data(), mask.data()};
  kernel("relu")(bufs, &kSerialEnv);
  for (int64_t i = 0; i < kReluN; ++i) {
    if (i == 3) {
      EXPECT_TRUE(std::isnan(y[i])) << "max propagates NaN";
      EXPECT_TRUE(std::isnan(z[i]));
      EXPECT_EQ(mask[i], 0);
      continue;
    }
    EXPECT_EQ(y[i], x[i] > 0 ? x[i] : 0.0f) << i;
    EXPECT_EQ(z[i], x[i] > 0 ? x[i] : 0.5f * x[i]) << i;
    EXPECT_EQ(mask[i], x[i] > 0 ? 1 : 0) << i;
  }
}

TEST_F(kernel_codegen, Int64IndexMath) {
  for (const DlcKernelEnv* env : {&kSerialEnv, &kThreadedEnv}) {
    std::vector<int64_t> in(kTr * kTc), out(kTr * kTc, -1), outv(kTr * kTc, -1);
    for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<int64_t>(i) * 3000000000LL - 7;
    void* bufs[] = {in.data(), out.data(), outv.data()};
    kernel("transpose")(bufs, env);
    for (int64_t fl = 0; fl < kTr * kTc; ++fl) {
      ASSERT_EQ(out[fl], in[(fl % kTr) * kTc + fl / kTr] * 3 + fl) << fl;
      ASSERT_EQ(outv[fl], out[fl]) << fl;
    }
  }
}

TEST_F(kernel_codegen, ExpErfAndFma) {
  std::vector<float> x(kMathN), y(kMathN), w(kMathN);
  for (int64_t i = 0; i < kMathN; ++i) x[i] = 0.37f * static_cast<float>(i) - 2.0f;
  void* bufs[] = {x.data(), y.data(), w.data()};
  kernel("math")(bufs, &kThreadedEnv);
  for (int64_t i = 0; i < kMathN; ++i) {
    // f32 exp and erf are inline polynomials (EmitExpr.cpp): within a few ulp of libm.
    float want = std::exp(x[i]) + std::erf(x[i]);
    EXPECT_NEAR(y[i], want, 1e-6f * std::max(1.0f, std::fabs(want))) << i;
    EXPECT_EQ(w[i], std::fma(x[i], x[i], 1.0f)) << i;
  }
}

TEST_F(kernel_codegen, HalfMathRuntimeUnrollAndIfInParallelBody) {
  for (const DlcKernelEnv* env : {&kSerialEnv, &kThreadedEnv}) {
    std::vector<uint16_t> h(kHalfN), hy(kHalfN, 0);
    const float values[kHalfN] = {-2.5f, -0.0f, 0.0f, 0.125f, 1.0f, 3.0f, std::nanf(""), -0.75f};
    for (int64_t i = 0; i < kHalfN; ++i) h[i] = floatToHalf(values[i]);
    int64_t n = 5;
    int32_t cnt = 100;
    std::vector<uint8_t> flags(kHalfN, 9);
    void* bufs[] = {h.data(), hy.data(), &n, &cnt, flags.data()};
    kernel("misc")(bufs, env);
    for (int64_t i = 0; i < kHalfN; ++i) {
      float x = halfToFloat(h[i]);
      uint16_t want = floatToHalf(std::tanh(x));
      if (std::isnan(x))
        EXPECT_TRUE(std::isnan(halfToFloat(hy[i]))) << i;
      else
        EXPECT_EQ(hy[i], want) << i;
      EXPECT_EQ(flags[i], (x > 0 || std::isnan(x)) ? 1 : 0) << i;
    }
    EXPECT_EQ(cnt, 100 + 0 + 1 + 2 + 3 + 4);
  }
}

TEST(kernel_codegen_ir, ShowsVectorsOutlinedBodiesAndNoFastMath) {
  llvmgen::ArtifactInput in;
  in.kernels = {vectorAdd(), matmul()};
  in.arch = "x86_64";
  llvmgen::TargetSpec spec = llvmgen::hostSpec("x86-64-v3");
  EXPECT_EQ(spec.vectorBits, 256);
  std::string raw = llvmgen::emitLlvmIr(in, spec, false);
  EXPECT_NE(raw.find("define internal void @dlc.kernel.vadd(ptr %0, ptr %1)"), std::string::npos) << raw;
  EXPECT_NE(raw.find("@dlc.kernel.vadd.par0(ptr %0, i64 %1)"), std::string::npos);
  EXPECT_NE(raw.find("ptr noalias align 4 dereferenceable(4012) %a"), std::string::npos);
  EXPECT_NE(raw.find("load <8 x float>"), std::string::npos);
  EXPECT_NE(raw.find("call void %parallel_for(ptr %pool, i64 125, ptr @dlc.kernel.vadd.par0"), std::string::npos);
  EXPECT_NE(raw.find("define ptr @dlc_artifact_descriptor()"), std::string::npos);
  std::string opt = llvmgen::emitLlvmIr(in, spec, true);
  EXPECT_NE(opt.find("fadd <8 x float>"), std::string::npos);
  for (const char* word : {"fast", "contract", "reassoc", "llvm.fma", "fmuladd"})
    EXPECT_EQ(opt.find(word), std::string::npos) << word;
}

TEST(kernel_codegen_ir, GathersForComputedIndices) {
  Var i = makeVar("i");
  BufferRef x = makeBuffer("x", DType::Float32, 64), y = makeBuffer("y", DType::Float32, 64);
  StmtRef body = forLoop(i, c(0), c(8), LoopKind::Vectorized, store(y, varRef(i) * 2, load(x, varRef(i) * 5)));
  llvmgen::ArtifactInput in;
  in.kernels = {Kernel{"strided", {x, y}, body, "Gather"}};
  std::string raw = llvmgen::emitLlvmIr(in, llvmgen::hostSpec(), false);
  EXPECT_NE(raw.find("@llvm.masked.gather.v8f32"), std::string::npos) << raw;
  EXPECT_NE(raw.find("@llvm.masked.scatter.v8f32"), std::string::npos);
}

// A prefetch is llvm.prefetch (read, high locality, data) of a plain GEP: its
// address may lie past the buffer, so it carries no inbounds assumption.
TEST(kernel_codegen_ir, PrefetchIsAPlainGepAndTheIntrinsic) {
  Var i = makeVar("i");
  BufferRef x = makeBuffer("x", DType::Float32, 64), y = makeBuffer("y", DType::Float32, 64);
  StmtRef body = forLoop(i, c(0), c(64), LoopKind::Serial,
                         seq({store(y, varRef(i), load(x, varRef(i))), prefetch(x, varRef(i) + c(256))}));
  llvmgen::ArtifactInput in;
  in.kernels = {Kernel{"pf", {x, y}, body, "Copy"}};
  std::string raw = llvmgen::emitLlvmIr(in, llvmgen::hostSpec(), false);
  EXPECT_NE(raw.find("call void @llvm.prefetch.p0(ptr"), std::string::npos) << raw;
  EXPECT_NE(raw.find("i32 0, i32 3, i32 1)"), std::string::npos) << raw;
  std::string opt = llvmgen::emitLlvmIr(in, llvmgen::hostSpec(), true);
  EXPECT_NE(opt.find("@llvm.prefetch"), std::string::npos) << "the optimizer dropped the prefetch:\n" << opt;
}

// Loads of stride 2..4 are dense loads and a shuffle, reading no element past
// the last one the lanes use (here the buffer's last).
TEST(kernel_codegen_run, StridedLoadsAreShuffles) {
  constexpr int64_t kN = 16, kStart = 3;
  std::vector<BufferRef> xs, ys;
  std::vector<StmtRef> loops;
  for (int64_t s = 2; s <= 4; ++s) {
    xs.push_back(makeBuffer("x" + std::to_string(s), DType::Float32, kStart + (kN - 1) * s + 1));
    ys.push_back(makeBuffer("y" + std::to_string(s), DType::Float32, kN));
    Var i = makeVar("i");
    loops.push_back(forLoop(i, c(0), c(kN), LoopKind::Vectorized, store(ys.back(), varRef(i), load(xs.back(), varRef(i) * s + kStart))));
  }
  std::vector<BufferRef> params;
  for (size_t k = 0; k < xs.size(); ++k) params.push_back(xs[k]), params.push_back(ys[k]);
  llvmgen::ArtifactInput in;
  in.kernels = {Kernel{"strided", params, seq(loops), "Strided"}};
  std::string raw = llvmgen::emitLlvmIr(in, llvmgen::hostSpec(), false);
  EXPECT_EQ(raw.find("@llvm.masked.gather"), std::string::npos) << raw;
  EXPECT_NE(raw.find("shufflevector"), std::string::npos);
  in.plan = runtime::encodePlan(dlc::testing::smallPlan());
  in.dlcVersion = "0.1.0-test";
  in.arch = "x86_64";
  std::string so = (dlc::testing::tempDir("codegen_strided") / "model.so").string();
  llvmgen::writeArtifact(in, llvmgen::hostSpec(), so);
  void* h = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(h, nullptr) << dlerror();
  auto fn = reinterpret_cast<DlcArtifactDescriptorFn>(dlsym(h, DLC_ARTIFACT_SYMBOL));
  ASSERT_NE(fn, nullptr);
  std::vector<std::vector<float>> bx, by;
  std::vector<void*> bufs;
  for (size_t k = 0; k < xs.size(); ++k) {
    bx.emplace_back(static_cast<size_t>(xs[k]->size));
    for (size_t e = 0; e < bx.back().size(); ++e) bx.back()[e] = 0.5f * static_cast<float>(e) + 1.0f;
    by.emplace_back(kN, -1.0f);
  }
  for (size_t k = 0; k < xs.size(); ++k) bufs.push_back(bx[k].data()), bufs.push_back(by[k].data());
  fn()->kernels[0](bufs.data(), &kSerialEnv);
  for (size_t k = 0; k < xs.size(); ++k)
    for (int64_t i = 0; i < kN; ++i)
      EXPECT_EQ(by[k][static_cast<size_t>(i)], bx[k][static_cast<size_t>(i * static_cast<int64_t>(k + 2) + kStart)])
          << "stride " << k + 2 << " lane " << i;
  dlclose(h);
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const dlc::Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(kernel_codegen_errors, MissingOrFailingLinkerIsAClearError) {
  llvmgen::ArtifactInput in;
  in.kernels = {vectorAdd()};
  std::string so = (dlc::testing::tempDir("linkerr") / "a.so").string();
  llvmgen::TargetSpec spec = llvmgen::hostSpec();
  spec.linker = "dlc-no-such-linker";
  EXPECT_EQ(errorOf([&] { llvmgen::writeArtifact(in, spec, so); }),
            "artifact: the linker 'dlc-no-such-linker' for " + spec.triple +
                " was not found on PATH (scripts/setup.sh installs cc and g++-aarch64-linux-gnu)");
  spec.linker = "false";
  EXPECT_EQ(errorOf([&] { llvmgen::writeArtifact(in, spec, so); }),
            "artifact: linking failed: `false -shared -Wl,-z,defs -Wl,-z,noexecstack -o '" + so + "' '" + so +
                ".o' -lm` exited with status 1");
  EXPECT_FALSE(std::filesystem::exists(so + ".o"));
}

TEST(kernel_codegen_errors, DuplicateKernelNames) {
  llvmgen::ArtifactInput in;
  in.kernels = {vectorAdd(), vectorAdd()};
  EXPECT_EQ(errorOf([&] { llvmgen::emitLlvmIr(in, llvmgen::hostSpec()); }),
            "artifact: two kernels are named 'vadd'");
}

}  // namespace
}  // namespace dlc::kernel
