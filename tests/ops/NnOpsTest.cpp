// Unit tests of the neural-network ops: convolutions, pooling, Gemm/Einsum,
// reductions, TopK/CumSum and quantization. Expected values were computed with
// ONNX Runtime (or by hand where noted) and pasted in.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "dlc/ir/IR.h"
#include "dlc/ir/OpRegistry.h"
#include "dlc/support/Error.h"

namespace dlc {
namespace {

// Builds one node over constant inputs, infers its types and evaluates it.
struct OneNode {
  Function fn{"test"};
  Node* node = nullptr;
  std::vector<TensorType> inferred;

  OneNode(const std::string& op, const std::vector<Tensor>& inputs, AttrMap attrs, size_t numOutputs = 1) {
    std::vector<Value*> ins;
    for (size_t i = 0; i < inputs.size(); ++i)
      ins.push_back(inputs[i].defined() ? fn.addConstant("c" + std::to_string(i), inputs[i]) : nullptr);
    node = fn.addNode(op, ins, std::move(attrs), std::vector<TensorType>(numOutputs));
  }
  std::vector<Tensor> run() {
    inferred = inferNodeTypes(*node);
    std::vector<const Tensor*> ptrs;
    for (Value* v : node->inputs()) ptrs.push_back(v ? &v->constant() : nullptr);
    std::vector<Tensor> outs = evaluateNode(*node, ptrs);
    for (size_t i = 0; i < outs.size(); ++i) EXPECT_EQ(inferred[i], outs[i].type()) << "result " << i;
    return outs;
  }
};

std::vector<Tensor> run(const std::string& op, const std::vector<Tensor>& inputs, AttrMap attrs = {},
                        size_t numOutputs = 1) {
  OneNode n(op, inputs, std::move(attrs), numOutputs);
  return n.run();
}

Tensor f32(std::vector<int64_t> ext, std::vector<float> v) { return Tensor::fromVector<float>(std::move(ext), v); }
Tensor i64(std::vector<int64_t> ext, std::vector<int64_t> v) { return Tensor::fromVector<int64_t>(std::move(ext), v); }
Tensor iota(std::vector<int64_t> ext, float scale = 1.0f, float offset = 0.0f) {
  Tensor t(DType::Float32, ext);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = (static_cast<float>(i) + offset) * scale;
  return t;
}

void expectValues(const Tensor& t, std::vector<int64_t> ext, const std::vector<double>& want, double tol = 1e-5) {
  ASSERT_EQ(t.extents(), ext);
  ASSERT_EQ(static_cast<size_t>(t.numel()), want.size());
  for (int64_t i = 0; i < t.numel(); ++i)
    EXPECT_NEAR(t.getDouble(i), want[static_cast<size_t>(i)],
                tol * std::max(1.0, std::fabs(want[static_cast<size_t>(i)])))
        << "at " << i;
}

std::string errorOf(const std::string& op, const std::vector<Tensor>& inputs, AttrMap attrs = {},
                    size_t numOutputs = 1) {
  try {
    run(op, inputs, std::move(attrs), numOutputs);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// ---- Convolutions ----

TEST(ConvOp, DepthwiseWithPadsStridesAndBias) {
  Tensor x = iota({1, 2, 4, 4}, 0.25f);
  Tensor w = iota({2, 1, 3, 3}, 0.125f, -8.0f);
  auto y = run("Conv", {x, w, f32({2}, {0.5f, -1.0f})},
               {{"pads", std::vector<int64_t>{1, 1, 1, 1}}, {"strides", std::vector<int64_t>{2, 2}}, {"group", 2}});
  expectValues(y[0], {1, 2, 2, 2}, {0.28125, -0.6875, -3.53125, -8.3125, 15.59375, 24.0625, 25.8125, 38.0});
}

TEST(ConvOp, PointwiseKernel) {
  // By hand: out0 = c0 + 2 c1, out1 = -c0 + c1 / 2.
  auto y = run("Conv", {f32({1, 2, 1, 3}, {1, 2, 3, 4, 5, 6}), f32({2, 2, 1, 1}, {1, 2, -1, 0.5f})});
  expectValues(y[0], {1, 2, 1, 3}, {9, 12, 15, 1, 0.5, 0});
}

TEST(ConvOp, SameLowerWithDilation1d) {
  // By hand: span 5, out = ceil(7 / 2) = 4, total pad 4 split 2/2.
  auto y =
      run("Conv", {f32({1, 1, 7}, {1, 2, 3, 4, 5, 6, 7}), f32({1, 1, 3}, {1, -1, 2})},
          {{"auto_pad", "SAME_LOWER"}, {"dilations", std::vector<int64_t>{2}}, {"strides", std::vector<int64_t>{2}}});
  expectValues(y[0], {1, 1, 4}, {5, 8, 12, -2});
}

TEST(ConvOp, SymbolicBatchInference) {
  Function fn("t");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), 3, 224, Dim()}));
  Value* w = fn.addConstant("w", Tensor(DType::Float32, {64, 3, 7, 7}));
  Node* n =
      fn.addNode("Conv", {x, w}, {{"pads", std::vector<int64_t>{3, 3, 3, 3}}, {"strides", std::vector<int64_t>{2, 2}}},
                 {TensorType()});
  EXPECT_EQ(inferNodeTypes(*n)[0], TensorType(DType::Float32, {Dim::sym("N"), 64, 112, Dim()}));
}

TEST(ConvOp, ChannelMismatchIsAnError) {
  std::string msg = errorOf("Conv", {Tensor(DType::Float32, {1, 3, 5, 5}), Tensor(DType::Float32, {4, 2, 3, 3})});
  EXPECT_NE(msg.find("input has 3 channels, weight expects 2"), std::string::npos) << msg;
}

TEST(ConvOp, IntegerInputIsUnsupported) {
  EXPECT_THROW(run("Conv", {Tensor(DType::Int32, {1, 1, 3, 3}), Tensor(DType::Int32, {1, 1, 1, 1})}), Unsupported);
}

// NchwcConv against Conv: the same values, with channel c of pixel p at
// [c / b][p][c % b] of the blocked tensors.
Tensor blocked(const Tensor& nchw, int64_t b) {
  int64_t N = nchw.dim(0), C = nchw.dim(1), P = nchw.dim(2) * nchw.dim(3);
  Tensor t(DType::Float32, {N, C / b, nchw.dim(2), nchw.dim(3), b});
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t p = 0; p < P; ++p)
        t.data<float>()[((n * (C / b) + c / b) * P + p) * b + c % b] = nchw.data<float>()[(n * C + c) * P + p];
  return t;
}

TEST(NchwcConvOp, MatchesConvFromNchwAndFromBlockedInput) {
  Tensor x = iota({1, 4, 5, 6}, 0.25f, -7.0f), w = iota({6, 4, 3, 3}, 0.01f, -100.0f), bias = iota({6}, 0.5f);
  AttrMap attrs = {{"pads", std::vector<int64_t>{1, 0, 1, 2}}, {"strides", std::vector<int64_t>{2, 1}}};
  Tensor ref = run("Conv", {x, w, bias}, attrs)[0];
  AttrMap battrs = attrs;
  battrs["block"] = Attribute(int64_t{2});
  Tensor want = blocked(ref, 2);
  std::vector<double> wantValues;
  for (int64_t i = 0; i < want.numel(); ++i) wantValues.push_back(want.getDouble(i));
  expectValues(run("NchwcConv", {x, w, bias}, battrs)[0], want.extents(), wantValues);
  expectValues(run("NchwcConv", {blocked(x, 2), w, bias}, battrs)[0], want.extents(), wantValues);
}

TEST(NchwcConvOp, OutputChannelsNotAMultipleOfTheBlockIsAnError) {
  AttrMap attrs = {{"block", Attribute(int64_t{4})}};
  std::string msg = errorOf("NchwcConv", {Tensor(DType::Float32, {1, 4, 3, 3}), Tensor(DType::Float32, {6, 4, 1, 1})}, attrs);
  EXPECT_NE(msg.find("6 output channels are not a multiple of the block 4"), std::string::npos) << msg;
}

TEST(ConvTransposeOp, StridesAndOutputPadding) {
  auto y = run("ConvTranspose", {iota({1, 1, 3, 3}), iota({1, 2, 2, 2})},
               {{"strides", std::vector<int64_t>{2, 2}}, {"output_padding", std::vector<int64_t>{1, 0}}});
  std::vector<double> want = {0,  0,  0,  1,  0,  2,  0,  0,  2,  3,  4,  6,  0,  3,  0,  4,  0,  5,  6,  9,  8,
                              12, 10, 15, 0,  6,  0,  7,  0,  8,  12, 18, 14, 21, 16, 24, 0,  0,  0,  0,  0,  0,
                              0,  0,  4,  5,  8,  10, 0,  0,  6,  7,  12, 14, 12, 15, 16, 20, 20, 25, 18, 21, 24,
                              28, 30, 35, 24, 30, 28, 35, 32, 40, 36, 42, 42, 49, 48, 56, 0,  0,  0,  0,  0,  0};
  expectValues(y[0], {1, 2, 7, 6}, want);
}

TEST(ConvTransposeOp, OutputShapeSetsPads) {
  // output_shape 5 from in 3, k 2, stride 2 (full extent 6): one pad, at the start for NOTSET.
  auto y = run("ConvTranspose", {f32({1, 1, 3}, {1, 2, 3}), f32({1, 1, 2}, {1, 10})},
               {{"strides", std::vector<int64_t>{2}}, {"output_shape", std::vector<int64_t>{5}}});
  expectValues(y[0], {1, 1, 5}, {10, 2, 20, 3, 30});
}

TEST(ConvTransposeOp, OutputShapeFixesSymbolicExtents) {
  Function fn("t");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), 1, Dim(), Dim()}));
  Value* w = fn.addConstant("w", Tensor(DType::Float32, {1, 4, 3, 3}));
  Node* n = fn.addNode("ConvTranspose", {x, w},
                       {{"strides", std::vector<int64_t>{2, 2}}, {"output_shape", std::vector<int64_t>{10, 8}}},
                       {TensorType()});
  EXPECT_EQ(inferNodeTypes(*n)[0], TensorType(DType::Float32, {Dim::sym("N"), 4, 10, 8}));
}

// ---- Pooling ----

TEST(PoolOp, MaxPoolIndicesColumnMajor) {
  Tensor x = f32({1, 1, 3, 3}, {1, 5, 3, 4, 2, 6, 9, 0, 7});
  auto y = run(
      "MaxPool", {x},
      {{"kernel_shape", std::vector<int64_t>{2, 2}}, {"pads", std::vector<int64_t>{1, 1, 0, 0}}, {"storage_order", 1}},
      2);
  expectValues(y[0], {1, 1, 3, 3}, {1, 5, 5, 4, 5, 6, 9, 9, 7});
  expectValues(y[1], {1, 1, 3, 3}, {0, 3, 3, 1, 3, 7, 2, 2, 8});
}

TEST(PoolOp, AveragePoolExcludesPads) {
  auto y = run("AveragePool", {f32({1, 1, 3, 3}, {1, 5, 3, 4, 2, 6, 9, 0, 7})},
               {{"kernel_shape", std::vector<int64_t>{2, 2}},
                {"strides", std::vector<int64_t>{2, 2}},
                {"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  expectValues(y[0], {1, 1, 2, 2}, {1.0, 4.0, 6.5, 3.75});
}

TEST(PoolOp, CeilModeDropsWindowStartingInPad) {
  // in 2, k 1, stride 2: ceil gives 2 windows, but the second starts past the input.
  auto y =
      run("MaxPool", {f32({1, 1, 2, 2}, {1, 2, 3, 4})},
          {{"kernel_shape", std::vector<int64_t>{1, 1}}, {"strides", std::vector<int64_t>{2, 2}}, {"ceil_mode", 1}});
  expectValues(y[0], {1, 1, 1, 1}, {1});
}

TEST(PoolOp, GlobalAverageAndLp) {
  Tensor x = f32({1, 2, 2, 1}, {1, 2, 3, -4});
  expectValues(run("GlobalAveragePool", {x})[0], {1, 2, 1, 1}, {1.5, -0.5});
  expectValues(run("GlobalLpPool", {x}, {{"p", 2}})[0], {1, 2, 1, 1}, {std::sqrt(5.0), 5.0});
}

TEST(PoolOp, MaxUnpoolScattersByIndex) {
  auto y = run("MaxUnpool", {f32({1, 1, 1, 2}, {7, 8}), i64({1, 1, 1, 2}, {1, 6})},
               {{"kernel_shape", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}});
  expectValues(y[0], {1, 1, 2, 4}, {0, 7, 0, 0, 0, 0, 8, 0});
}

TEST(PoolOp, SymbolicInference) {
  Function fn("t");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), 8, 15, Dim()}));
  Node* n = fn.addNode(
      "MaxPool", {x},
      {{"kernel_shape", std::vector<int64_t>{3, 3}}, {"strides", std::vector<int64_t>{2, 2}}, {"ceil_mode", 1}},
      {TensorType(), TensorType()});
  std::vector<TensorType> t = inferNodeTypes(*n);
  EXPECT_EQ(t[0], TensorType(DType::Float32, {Dim::sym("N"), 8, 7, Dim()}));
  EXPECT_EQ(t[1].dtype, DType::Int64);
  Node* g = fn.addNode("GlobalAveragePool", {x}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*g)[0], TensorType(DType::Float32, {Dim::sym("N"), 8, 1, 1}));
}

TEST(PoolOp, RankTooSmallIsAnError) {
  std::string msg =
      errorOf("MaxUnpool", {f32({2}, {1, 2}), i64({2}, {0, 1})}, {{"kernel_shape", std::vector<int64_t>{2}}});
  EXPECT_NE(msg.find("input must have rank >= 3, got 1"), std::string::npos) << msg;
  msg = errorOf("AveragePool", {iota({1, 1, 4})},
                {{"kernel_shape", std::vector<int64_t>{2}}, {"strides", std::vector<int64_t>{0}}});
  EXPECT_NE(msg.find("strides, dilations and kernel extents must be positive"), std::string::npos) << msg;
}

// ---- Gemm / MatMul / Einsum ----

TEST(GemmOp, TransposesScalesAndBroadcastsC) {
  auto y = run("Gemm", {iota({2, 3}), iota({4, 2}), f32({4}, {1, 2, 3, 4})},
               {{"transA", 1}, {"transB", 1}, {"alpha", 0.5}, {"beta", 2.0}});
  expectValues(y[0], {3, 4}, {3.5, 8.5, 13.5, 18.5, 4.0, 11.0, 18.0, 25.0, 4.5, 13.5, 22.5, 31.5});
}

TEST(GemmOp, InnerDimMismatchIsAnError) {
  std::string msg = errorOf("Gemm", {iota({2, 3}), iota({2, 3})});
  EXPECT_NE(msg.find("inner dims differ"), std::string::npos) << msg;
}

TEST(MatMulOp, BatchBroadcastAndVector) {
  auto y = run("MatMul", {iota({2, 2, 3}), f32({3}, {1, 0, -1})});
  expectValues(y[0], {2, 2}, {-2, -2, -2, -2});
}

TEST(MatMulOp, IntegerKeepsItsType) {
  auto y =
      run("MatMul", {Tensor::fromVector<int32_t>({2}, {3, -4}), Tensor::fromVector<int32_t>({2, 2}, {1, 2, 3, 4})});
  EXPECT_EQ(y[0].dtype(), DType::Int32);
  expectValues(y[0], {2}, {-9, -10});
}

TEST(LinalgInference, SymbolicDims) {
  Function fn("t");
  Value* a = fn.addArgument("a", TensorType(DType::Float32, {Dim::sym("B"), Dim::sym("S"), 64}));
  Value* b = fn.addArgument("b", TensorType(DType::Float32, {64, 32}));
  Node* mm = fn.addNode("MatMul", {a, b}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*mm)[0], TensorType(DType::Float32, {Dim::sym("B"), Dim::sym("S"), 32}));
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), 64}));
  Node* gemm = fn.addNode("Gemm", {x, b}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*gemm)[0], TensorType(DType::Float32, {Dim::sym("N"), 32}));
  Node* ein = fn.addNode("Einsum", {a, b}, {{"equation", "bsk,kn->bns"}}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*ein)[0], TensorType(DType::Float32, {Dim::sym("B"), 32, Dim::sym("S")}));
}

TEST(EinsumOp, EllipsisDiagonal) {
  expectValues(run("Einsum", {iota({2, 3, 3})}, {{"equation", "...ii->...i"}})[0], {2, 3}, {0, 4, 8, 9, 13, 17});
}

TEST(EinsumOp, ImplicitOutputIsSortedSingletons) {
  auto y = run("Einsum", {iota({2, 3}), iota({2, 3})}, {{"equation", "ji,jk"}});
  expectValues(y[0], {3, 3}, {9, 12, 15, 12, 17, 22, 15, 22, 29});
}

TEST(EinsumOp, OperandCountMismatchIsAnError) {
  std::string msg = errorOf("Einsum", {iota({2, 3})}, {{"equation", "ij,jk->ik"}});
  EXPECT_NE(msg.find("equation has 2 operands, node has 1 inputs"), std::string::npos) << msg;
}

// ---- Reductions ----

Tensor reduceInput() { return iota({3, 2, 2}, 1.0f, 1.0f); }

TEST(ReduceOp, SumNegativeAxesNoKeepdims) {
  expectValues(run("ReduceSum", {reduceInput(), i64({2}, {0, -1})}, {{"keepdims", 0}})[0], {2}, {33, 45});
}

TEST(ReduceOp, LogSumExpAndL2) {
  expectValues(run("ReduceLogSumExp", {reduceInput(), i64({1}, {1})})[0], {3, 1, 2},
               {3.126928091, 4.126927853, 7.126927853, 8.126928329, 11.12692833, 12.12692833});
  expectValues(run("ReduceL2", {reduceInput(), i64({1}, {2})}, {{"keepdims", 0}})[0], {3, 2},
               {2.236068010, 5.0, 7.810249805, 10.63014603, 13.45362377, 16.27882004});
}

TEST(ReduceOp, EmptyAxesReduceAllOrNoop) {
  expectValues(run("ReduceMean", {reduceInput()}, {{"keepdims", 0}})[0], {}, {6.5});
  auto same = run("ReduceSum", {reduceInput(), i64({0}, {})}, {{"noop_with_empty_axes", 1}});
  EXPECT_TRUE(same[0] == reduceInput());
}

TEST(ReduceOp, MaxOfEmptySetIsLowest) {
  auto y = run("ReduceMax", {Tensor(DType::Float32, {2, 0, 4}), i64({1}, {1})});
  ASSERT_EQ(y[0].extents(), (std::vector<int64_t>{2, 1, 4}));
  EXPECT_EQ(y[0].getDouble(0), -std::numeric_limits<double>::infinity());
}

TEST(ReduceOp, BadAxisIsAnError) {
  std::string msg = errorOf("ReduceSum", {reduceInput(), i64({1}, {3})});
  EXPECT_NE(msg.find("axis 3 out of range for rank 3"), std::string::npos) << msg;
}

TEST(ReduceOp, UnknownAxesKeepRank) {
  Function fn("t");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), 4}));
  Value* axes = fn.addArgument("axes", TensorType(DType::Int64, {1}));
  Node* n = fn.addNode("ReduceMax", {x, axes}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*n)[0], TensorType(DType::Float32, {Dim(), Dim()}));
}

TEST(ArgOp, SelectLastIndex) {
  auto y = run("ArgMax", {f32({2, 3}, {2, 7, 7, 9, 1, 9})}, {{"axis", 1}, {"select_last_index", 1}});
  expectValues(y[0], {2, 1}, {2, 2});
  auto first = run("ArgMax", {f32({2, 3}, {2, 7, 7, 9, 1, 9})}, {{"axis", 1}, {"keepdims", 0}});
  expectValues(first[0], {2}, {1, 0});
}

TEST(TopKOp, SmallestWithTiesKeepsLowerIndexFirst) {
  auto y = run("TopK", {f32({1, 5}, {3, 1, 2, 1, 5}), i64({1}, {3})}, {{"largest", 0}}, 2);
  expectValues(y[0], {1, 3}, {1, 1, 2});
  expectValues(y[1], {1, 3}, {1, 3, 2});
}

TEST(TopKOp, UnknownKGivesUnknownDim) {
  Function fn("t");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {4, 10}));
  Value* k = fn.addArgument("k", TensorType(DType::Int64, {1}));
  Node* n = fn.addNode("TopK", {x, k}, {}, {TensorType(), TensorType()});
  std::vector<TensorType> t = inferNodeTypes(*n);
  EXPECT_EQ(t[0], TensorType(DType::Float32, {4, Dim()}));
  EXPECT_EQ(t[1], TensorType(DType::Int64, {4, Dim()}));
}

TEST(TopKOp, KTooLargeIsAnError) {
  std::string msg = errorOf("TopK", {f32({3}, {1, 2, 3}), i64({1}, {4})}, {}, 2);
  EXPECT_NE(msg.find("K=4 out of range for axis extent 3"), std::string::npos) << msg;
}

TEST(CumSumOp, ExclusiveReverse) {
  auto y =
      run("CumSum", {f32({4}, {1, 2, 3, 4}), Tensor::fromVector<int32_t>({}, {0})}, {{"exclusive", 1}, {"reverse", 1}});
  expectValues(y[0], {4}, {9, 7, 4, 0});
}

// ---- Quantization ----

TEST(QuantizeOp, PerAxisRoundsHalfToEvenAndSaturates) {
  auto y = run("QuantizeLinear",
               {f32({2, 4}, {2.5f, 3.5f, -2.5f, -300, 1, 2, 3, 4}), f32({2}, {1.0f, 0.5f}),
                Tensor::fromVector<int8_t>({2}, {1, -2})},
               {{"axis", 0}});
  EXPECT_EQ(y[0].dtype(), DType::Int8);
  expectValues(y[0], {2, 4}, {3, 5, -1, -128, 0, 2, 4, 6});
}

TEST(QuantizeOp, Blocked) {
  auto y = run("QuantizeLinear",
               {iota({2, 4}), f32({2, 2}, {1, 2, 4, 0.5f}), Tensor::fromVector<uint8_t>({2, 2}, {0, 1, 2, 3})},
               {{"axis", 1}, {"block_size", 2}});
  expectValues(y[0], {2, 4}, {0, 1, 2, 3, 3, 3, 15, 17});
}

TEST(QuantizeOp, DefaultOutputIsUInt8) {
  auto y = run("QuantizeLinear", {f32({2}, {-1, 300}), f32({}, {1})});
  EXPECT_EQ(y[0].dtype(), DType::UInt8);
  expectValues(y[0], {2}, {0, 255});
}

TEST(DequantizeOp, PerAxis) {
  auto y = run("DequantizeLinear", {Tensor::fromVector<uint8_t>({2, 2}, {0, 255, 10, 20}), f32({2}, {0.5f, 2}),
                                    Tensor::fromVector<uint8_t>({2}, {128, 10})});
  expectValues(y[0], {2, 2}, {-64, 490, -59, 20});
}

TEST(DequantizeOp, FloatInputIsUnsupported) {
  EXPECT_THROW(run("DequantizeLinear", {f32({1}, {1}), f32({}, {1})}), Unsupported);
}

TEST(DynamicQuantizeOp, ScaleAndZeroPointFromData) {
  auto y = run("DynamicQuantizeLinear", {f32({6}, {0, 2, -3, -2.5f, 1.34f, 0.5f})}, {}, 3);
  expectValues(y[0], {6}, {153, 255, 0, 26, 221, 179});
  expectValues(y[1], {}, {0.019607843831181526}, 1e-7);
  expectValues(y[2], {}, {153});
}

TEST(IntegerOps, MatMulIntegerWithZeroPoints) {
  auto y = run("MatMulInteger", {Tensor::fromVector<uint8_t>({2, 3}, {11, 7, 3, 10, 6, 2}),
                                 Tensor::fromVector<uint8_t>({3, 2}, {1, 4, 2, 5, 3, 6}),
                                 Tensor::fromVector<uint8_t>({}, {12}), Tensor::fromVector<uint8_t>({}, {0})});
  EXPECT_EQ(y[0].dtype(), DType::Int32);
  expectValues(y[0], {2, 2}, {-38, -83, -44, -98});
}

TEST(IntegerOps, ConvIntegerPadsContributeZero) {
  Tensor x(DType::UInt8, {1, 1, 4, 4});
  for (int64_t i = 0; i < 16; ++i) x.data<uint8_t>()[i] = static_cast<uint8_t>(i);
  auto y = run("ConvInteger",
               {x, Tensor::fromVector<uint8_t>({1, 1, 2, 2}, {1, 2, 3, 4}), Tensor::fromVector<uint8_t>({}, {1})},
               {{"pads", std::vector<int64_t>{1, 1, 0, 0}}});
  expectValues(y[0], {1, 1, 4, 4}, {-4, -3, 4, 11, 10, 24, 34, 44, 34, 64, 74, 84, 58, 104, 114, 124});
}

TEST(IntegerOps, QLinearMatMulSaturates) {
  // 2 * 100 * (1 * 1 / 1) = 200 does not fit in i8: saturates to 127.
  auto i8 = [](std::vector<int8_t> v) { return Tensor::fromVector<int8_t>({static_cast<int64_t>(v.size())}, v); };
  Tensor one = f32({}, {1});
  Tensor zp = Tensor::fromVector<int8_t>({}, {0});
  auto y =
      run("QLinearMatMul", {i8({2}).reshaped({1, 1}).clone(), one, zp, i8({100}).reshaped({1, 1}), one, zp, one, zp});
  expectValues(y[0], {1, 1}, {127});
}

TEST(IntegerOps, QLinearMatMulPerColumnScale) {
  auto u8 = [](std::vector<int64_t> ext, std::vector<uint8_t> v) {
    return Tensor::fromVector<uint8_t>(std::move(ext), v);
  };
  auto y = run("QLinearMatMul",
               {u8({2, 3}, {10, 20, 30, 40, 50, 60}), f32({}, {0.1f}), u8({}, {5}), u8({3, 2}, {1, 2, 3, 4, 5, 6}),
                f32({2}, {0.5f, 0.25f}), u8({2}, {1, 2}), f32({}, {0.3f}), u8({}, {7})});
  EXPECT_EQ(y[0].dtype(), DType::UInt8);
  expectValues(y[0], {2, 2}, {29, 18, 59, 33});
}

}  // namespace
}  // namespace dlc
