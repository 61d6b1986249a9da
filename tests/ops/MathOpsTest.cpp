// Unit tests of the math ops (Elementwise.cpp, Normalization.cpp): reference
// values computed with numpy / the ONNX reference evaluator and pasted here,
// inferred types, and refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "dlc/ir/IR.h"
#include "dlc/ir/OpRegistry.h"

namespace dlc {
namespace {

using Inputs = std::vector<std::optional<Tensor>>;

std::vector<Tensor> evaluate(const std::string& op, const Inputs& inputs, const AttrMap& attrs = {},
                             size_t numOutputs = 1) {
  Function fn("f");
  std::vector<Value*> ins;
  std::vector<const Tensor*> ptrs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    ins.push_back(inputs[i] ? fn.addConstant("in" + std::to_string(i), *inputs[i]) : nullptr);
    ptrs.push_back(inputs[i] ? &*inputs[i] : nullptr);
  }
  Node* n = fn.addNode(op, ins, attrs, std::vector<TensorType>(numOutputs));
  std::vector<TensorType> types = inferNodeTypes(*n);
  std::vector<Tensor> outs = evaluateNode(*n, ptrs);
  EXPECT_EQ(types.size(), outs.size()) << op;
  for (size_t i = 0; i < std::min(types.size(), outs.size()); ++i)
    EXPECT_EQ(types[i], outs[i].type()) << op << " output " << i;
  return outs;
}

Tensor f32(std::vector<int64_t> ext, std::vector<float> v) { return Tensor::fromVector(std::move(ext), v); }

void expectValues(const Tensor& got, DType dtype, const std::vector<int64_t>& ext, const std::vector<double>& want,
                  double tol = 1e-5) {
  ASSERT_EQ(dtypeName(got.dtype()), dtypeName(dtype));
  ASSERT_EQ(got.extents(), ext);
  ASSERT_EQ(static_cast<size_t>(got.numel()), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    double g = got.getDouble(static_cast<int64_t>(i));
    if (std::isnan(want[i]))
      EXPECT_TRUE(std::isnan(g)) << "at " << i;
    else
      EXPECT_NEAR(g, want[i], tol * std::max(1.0, std::fabs(want[i]))) << "at " << i;
  }
}

TEST(MathOps, DivIntegerTruncatesTowardZero) {
  auto a = Tensor::fromVector<int32_t>({4}, {7, -7, 7, -7});
  auto b = Tensor::fromVector<int32_t>({4}, {2, 2, -2, -2});
  expectValues(evaluate("Div", {a, b})[0], DType::Int32, {4}, {3, -3, -3, 3});
}

TEST(MathOps, DivIntegerByZeroIsAnError) {
  auto a = Tensor::fromVector<int32_t>({1}, {1});
  auto b = Tensor::fromVector<int32_t>({1}, {0});
  EXPECT_THROW(evaluate("Div", {a, b}), Error);
}

TEST(MathOps, ModSignFollowsDivisorUnlessFmod) {
  auto a = Tensor::fromVector<int64_t>({4}, {-4, 7, 5, -9});
  auto b = Tensor::fromVector<int64_t>({4}, {3, -3, 8, -5});
  expectValues(evaluate("Mod", {a, b})[0], DType::Int64, {4}, {2, -2, 5, -4});
  expectValues(evaluate("Mod", {a, b}, {{"fmod", Attribute(int64_t{1})}})[0], DType::Int64, {4}, {-1, 1, 5, -4});
  auto x = f32({2}, {-4.3f, 7.2f});
  auto y = f32({2}, {2.1f, -3.4f});
  expectValues(evaluate("Mod", {x, y}, {{"fmod", Attribute(int64_t{1})}})[0], DType::Float32, {2}, {-0.1f, 0.4f}, 1e-4);
}

TEST(MathOps, PowMixedDtypesAndBroadcast) {
  auto base = f32({2, 2}, {1, 2, 3, 4});
  auto e = Tensor::fromVector<int64_t>({2}, {2, 3});
  expectValues(evaluate("Pow", {base, e})[0], DType::Float32, {2, 2}, {1, 8, 9, 64});
  auto ib = Tensor::fromVector<int32_t>({3}, {2, -3, 5});
  auto fe = f32({1}, {2.0f});
  expectValues(evaluate("Pow", {ib, fe})[0], DType::Int32, {3}, {4, 9, 25});
}

TEST(MathOps, ComparisonAndLogicProduceBool) {
  auto a = f32({3}, {1, 2, 3});
  auto b = f32({1}, {2});
  expectValues(evaluate("Less", {a, b})[0], DType::Bool, {3}, {1, 0, 0});
  expectValues(evaluate("GreaterOrEqual", {a, b})[0], DType::Bool, {3}, {0, 1, 1});
  expectValues(evaluate("Equal", {a, b})[0], DType::Bool, {3}, {0, 1, 0});
  auto p = Tensor::fromVector<bool>({4}, {true, true, false, false});
  auto q = Tensor::fromVector<bool>({4}, {true, false, true, false});
  expectValues(evaluate("Xor", {p, q})[0], DType::Bool, {4}, {0, 1, 1, 0});
  expectValues(evaluate("Not", {p})[0], DType::Bool, {4}, {0, 0, 1, 1});
  EXPECT_THROW(evaluate("And", {a, a}), Unsupported);
}

TEST(MathOps, BitShiftAndBitwise) {
  auto x = Tensor::fromVector<uint8_t>({3}, {16, 4, 1});
  auto y = Tensor::fromVector<uint8_t>({3}, {1, 2, 3});
  expectValues(evaluate("BitShift", {x, y}, {{"direction", Attribute(std::string("RIGHT"))}})[0], DType::UInt8, {3},
               {8, 1, 0});
  expectValues(evaluate("BitShift", {x, y}, {{"direction", Attribute(std::string("LEFT"))}})[0], DType::UInt8, {3},
               {32, 16, 8});
  auto a = Tensor::fromVector<int32_t>({2}, {12, -1});
  auto b = Tensor::fromVector<int32_t>({2}, {10, 5});
  expectValues(evaluate("BitwiseAnd", {a, b})[0], DType::Int32, {2}, {8, 5});
  expectValues(evaluate("BitwiseNot", {a})[0], DType::Int32, {2}, {-13, 0});
}

TEST(MathOps, CastTruncatesAndConvertsToBool) {
  auto x = f32({5}, {1.7f, -1.7f, 0.0f, 300.5f, -0.2f});
  AttrMap toI8{{"to", Attribute(int64_t{3})}}, toBool{{"to", Attribute(int64_t{9})}};
  expectValues(evaluate("Cast", {x}, {{"to", Attribute(int64_t{6})}})[0], DType::Int32, {5}, {1, -1, 0, 300, 0});
  expectValues(evaluate("Cast", {x}, toBool)[0], DType::Bool, {5}, {1, 1, 0, 1, 1});
  expectValues(evaluate("Cast", {x}, {{"to", Attribute(int64_t{10})}})[0], DType::Float16, {5},
               {1.7f, -1.7f, 0, 300.5f, -0.2f}, 1e-3);
  EXPECT_THROW(evaluate("Cast", {x}, {{"to", Attribute(int64_t{17})}}), Unsupported);  // float8
  auto like = Tensor::fromVector<int64_t>({1}, {0});
  expectValues(evaluate("CastLike", {x, like})[0], DType::Int64, {5}, {1, -1, 0, 300, 0});
}

TEST(MathOps, RoundHalfToEvenAndUnary) {
  auto x = f32({6}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f});
  expectValues(evaluate("Round", {x})[0], DType::Float32, {6}, {0, 2, 2, -0, -2, 2});
  expectValues(evaluate("Sign", {Tensor::fromVector<int32_t>({3}, {-5, 0, 9})})[0], DType::Int32, {3}, {-1, 0, 1});
  auto inf = f32({3}, {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(), 1});
  expectValues(evaluate("IsInf", {inf}, {{"detect_positive", Attribute(int64_t{0})}})[0], DType::Bool, {3}, {0, 1, 0});
}

TEST(MathOps, Activations) {
  auto x = f32({4}, {-1, 0, 1, 2});
  expectValues(evaluate("LeakyRelu", {x}, {{"alpha", Attribute(0.1)}})[0], DType::Float32, {4}, {-0.1, 0, 1, 2});
  expectValues(evaluate("Gelu", {x})[0], DType::Float32, {4}, {-0.15865525, 0, 0.84134475, 1.95449974});
  expectValues(evaluate("Gelu", {x}, {{"approximate", Attribute(std::string("tanh"))}})[0], DType::Float32, {4},
               {-0.15880801, 0, 0.84119199, 1.95459769});
  expectValues(evaluate("Selu", {x})[0], DType::Float32, {4}, {-1.11133074, 0, 1.05070102, 2.10140204});
  expectValues(evaluate("HardSwish", {x})[0], DType::Float32, {4}, {-0.33333333, 0, 0.66666667, 1.66666667});
  expectValues(evaluate("Mish", {x})[0], DType::Float32, {4}, {-0.30340147, 0, 0.86509839, 1.94395896});
  expectValues(evaluate("Shrink", {x}, {{"bias", Attribute(0.5)}, {"lambd", Attribute(0.8)}})[0], DType::Float32, {4},
               {-0.5, 0, 0.5, 1.5});
  auto slope = f32({1}, {0.25f});
  expectValues(evaluate("PRelu", {x, slope})[0], DType::Float32, {4}, {-0.25, 0, 1, 2});
}

TEST(MathOps, ClipWhereAndVariadic) {
  auto x = f32({4}, {-3, 0, 3, 9});
  expectValues(evaluate("Clip", {x, f32({}, {-1}), f32({}, {5})})[0], DType::Float32, {4}, {-1, 0, 3, 5});
  expectValues(evaluate("Clip", {x, std::nullopt, f32({}, {1})})[0], DType::Float32, {4}, {-3, 0, 1, 1});
  auto c = Tensor::fromVector<bool>({2, 1}, {true, false});
  auto y = f32({1, 2}, {10, 20});
  auto z = f32({1}, {-1});
  expectValues(evaluate("Where", {c, y, z})[0], DType::Float32, {2, 2}, {10, 20, -1, -1});
  auto a = f32({3}, {1, 5, 3});
  auto b = f32({1}, {2});
  expectValues(evaluate("Max", {a, b, f32({3}, {0, 0, 4})})[0], DType::Float32, {3}, {2, 5, 4});
  expectValues(evaluate("Mean", {a, b})[0], DType::Float32, {3}, {1.5, 3.5, 2.5});
  expectValues(evaluate("Sum", {a})[0], DType::Float32, {3}, {1, 5, 3});
}

TEST(MathOps, SoftmaxAxisAndLegacyFlatten) {
  auto x = f32({2, 2}, {1, 2, 3, 5});
  expectValues(evaluate("Softmax", {x})[0], DType::Float32, {2, 2}, {0.26894142, 0.73105858, 0.11920292, 0.88079708});
  expectValues(evaluate("Softmax", {x}, {{"axis", Attribute(int64_t{0})}})[0], DType::Float32, {2, 2},
               {0.11920292, 0.04742587, 0.88079708, 0.95257413});
  // Legacy (opset < 13) semantics: flatten from axis 0 -> one row of four.
  expectValues(
      evaluate("Softmax", {x}, {{"axis", Attribute(int64_t{0})}, {"legacy_axis_2d", Attribute(int64_t{1})}})[0],
      DType::Float32, {2, 2}, {0.01521943, 0.04137069, 0.11245721, 0.83095266});
  expectValues(evaluate("LogSoftmax", {x})[0], DType::Float32, {2, 2},
               {-1.31326169, -0.31326169, -2.12692801, -0.12692801});
  expectValues(evaluate("Hardmax", {f32({2, 3}, {1, 3, 3, 0, -1, -2})})[0], DType::Float32, {2, 3}, {0, 1, 0, 1, 0, 0});
}

TEST(MathOps, BatchNormInferenceAndTrainingRefused) {
  auto x = f32({1, 2, 2}, {1, 2, 3, 4});
  auto s = f32({2}, {1, 2}), b = f32({2}, {0, 1}), m = f32({2}, {1.5, 3.5}), v = f32({2}, {0.25, 0.25});
  AttrMap eps{{"epsilon", Attribute(0.0)}};
  expectValues(evaluate("BatchNormalization", {x, s, b, m, v}, eps)[0], DType::Float32, {1, 2, 2}, {-1, 1, -1, 3});
  EXPECT_THROW(evaluate("BatchNormalization", {x, s, b, m, v}, {{"training_mode", Attribute(int64_t{1})}}),
               Unsupported);
}

TEST(MathOps, LayerNormWithStatistics) {
  auto x = f32({2, 2}, {1, 3, 2, 6});
  auto s = f32({2}, {1, 2});
  auto outs = evaluate("LayerNormalization", {x, s, std::nullopt}, {{"epsilon", Attribute(0.0)}}, 3);
  expectValues(outs[0], DType::Float32, {2, 2}, {-1, 2, -1, 2});
  expectValues(outs[1], DType::Float32, {2, 1}, {2, 4});
  expectValues(outs[2], DType::Float32, {2, 1}, {1, 0.5});
}

TEST(MathOps, GroupAndInstanceNorm) {
  auto x = f32({1, 4, 1}, {1, 3, 10, 20});
  auto s = f32({4}, {1, 1, 2, 2}), b = f32({4}, {0, 0, 1, 1});
  expectValues(evaluate("GroupNormalization", {x, s, b},
                        {{"num_groups", Attribute(int64_t{2})}, {"epsilon", Attribute(0.0)}})[0],
               DType::Float32, {1, 4, 1}, {-1, 1, -1, 3});
  auto xi = f32({1, 1, 2}, {1, 3});
  expectValues(evaluate("InstanceNormalization", {xi, f32({1}, {2}), f32({1}, {1})}, {{"epsilon", Attribute(0.0)}})[0],
               DType::Float32, {1, 1, 2}, {-1, 3});
}

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(MathOps, BadInputsNameTheNode) {
  auto a = f32({2}, {1, 2});
  auto b = f32({3}, {1, 2, 3});
  std::string msg = errorOf([&] { evaluate("Add", {a, b}); });
  EXPECT_NE(msg.find("Add"), std::string::npos) << msg;
  EXPECT_NE(msg.find("shapes cannot broadcast (2 vs 3 at dim 0)"), std::string::npos) << msg;
  msg = errorOf([&] { evaluate("Add", {a, Tensor::fromVector<int32_t>({2}, {1, 2})}); });
  EXPECT_NE(msg.find("input dtypes differ (f32 vs i32)"), std::string::npos) << msg;
  msg = errorOf([&] { evaluate("Softmax", {a}, {{"axis", Attribute(int64_t{3})}}); });
  EXPECT_NE(msg.find("axis 3 out of range for rank 1"), std::string::npos) << msg;
  EXPECT_THROW(evaluate("Sqrt", {Tensor::fromVector<int32_t>({1}, {4})}), Unsupported);
  EXPECT_THROW(evaluate("LayerNormalization", {a, a}, {{"stash_type", Attribute(int64_t{10})}}), Unsupported);
}

TEST(MathOps, IntegerAndHalfDtypes) {
  auto a = Tensor::fromVector<uint8_t>({3}, {250, 3, 7});
  auto b = Tensor::fromVector<uint8_t>({3}, {10, 5, 2});
  expectValues(evaluate("Add", {a, b})[0], DType::UInt8, {3}, {4, 8, 9});  // wraps
  expectValues(evaluate("Sub", {b, a})[0], DType::UInt8, {3}, {16, 2, 251});
  expectValues(evaluate("Max", {a, b})[0], DType::UInt8, {3}, {250, 5, 7});
  expectValues(evaluate("Clip", {Tensor::fromVector<int64_t>({3}, {-9, 4, 99}), Tensor::fromVector<int64_t>({}, {0}),
                                 Tensor::fromVector<int64_t>({}, {10})})[0],
               DType::Int64, {3}, {0, 4, 10});
  Tensor h = evaluate("Cast", {f32({2}, {0.5f, -2.25f})}, {{"to", Attribute(int64_t{10})}})[0];
  expectValues(evaluate("Relu", {h})[0], DType::Float16, {2}, {0.5, 0});
  // bfloat16 keeps the upper 16 bits of the float32 (0.48033667 -> 0x3EF5).
  Tensor bf = evaluate("Cast", {f32({1}, {0.48033667f})}, {{"to", Attribute(int64_t{16})}})[0];
  ASSERT_EQ(bf.dtype(), DType::BFloat16);
  EXPECT_EQ(bf.data<BFloat16>()[0].bits, 0x3EF5);
}

TEST(MathOps, LegacyGroupNormScaleIsPerGroup) {
  auto x = f32({1, 4, 1}, {1, 3, 10, 20});
  auto s = f32({2}, {1, 2}), b = f32({2}, {0, 1});
  expectValues(evaluate("GroupNormalization", {x, s, b},
                        {{"num_groups", Attribute(int64_t{2})},
                         {"epsilon", Attribute(0.0)},
                         {"legacy_per_group_scale", Attribute(int64_t{1})}})[0],
               DType::Float32, {1, 4, 1}, {-1, 1, -1, 3});
  std::string msg = errorOf([&] {
    evaluate("GroupNormalization", {x, s, b}, {{"num_groups", Attribute(int64_t{3})}});
  });
  EXPECT_NE(msg.find("num_groups 3 must divide channels 4"), std::string::npos) << msg;
}

TEST(MathOps, LrnAndMvn) {
  auto x = f32({1, 3, 1, 1}, {1, 2, 3});
  // size 2: window [c, c+1]; y = x / (1 + 0.5 * sum(x^2))^1
  expectValues(evaluate("LRN", {x},
                        {{"size", Attribute(int64_t{2})},
                         {"alpha", Attribute(1.0)},
                         {"beta", Attribute(1.0)},
                         {"bias", Attribute(1.0)}})[0],
               DType::Float32, {1, 3, 1, 1}, {1.0 / 3.5, 2.0 / 7.5, 3.0 / 5.5});
  auto m = f32({1, 1, 1, 4}, {1, 2, 3, 4});
  double sd = std::sqrt(1.25) + 1e-9;
  expectValues(evaluate("MeanVarianceNormalization", {m})[0], DType::Float32, {1, 1, 1, 4},
               {-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd});
}

}  // namespace
}  // namespace dlc
