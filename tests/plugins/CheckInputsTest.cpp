// checkInputs: the run-time check every target applies to its inputs.
#include <gtest/gtest.h>

#include "dlc/ir/Tensor.h"
#include "dlc/support/Error.h"
#include "dlc/target/Target.h"

namespace dlc {
namespace {

std::string errorOf(const std::vector<std::string>& names, const std::vector<TensorType>& types,
                    const std::vector<Tensor>& inputs) {
  try {
    checkInputs(names, types, inputs);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

Tensor f32(std::vector<int64_t> extents) { return Tensor(DType::Float32, std::move(extents)); }

TEST(CheckInputs, AcceptsMatchingInputs) {
  TensorType t(DType::Float32, {Dim::sym("N"), 3, Dim()});
  TensorType u(DType::Float32, {Dim::sym("N")});
  EXPECT_EQ(errorOf({"x", "y"}, {t, u}, {f32({2, 3, 7}), f32({2})}), "<no error>");
  EXPECT_EQ(errorOf({"z"}, {TensorType::unranked(DType::Float32)}, {f32({4, 5, 6})}), "<no error>");
}

TEST(CheckInputs, Count) {
  TensorType t = TensorType::fromExtents(DType::Float32, {1, 3});
  EXPECT_EQ(errorOf({"x", "y"}, {t, t}, {f32({1, 3})}),
            "expected 2 inputs (x: tensor<1x3xf32>, y: tensor<1x3xf32>), got 1");
  EXPECT_EQ(errorOf({"x"}, {t}, {}), "expected 1 input (x: tensor<1x3xf32>), got 0");
}

TEST(CheckInputs, StaticDims) {
  TensorType t = TensorType::fromExtents(DType::Float32, {1, 3});
  EXPECT_EQ(errorOf({"x"}, {t}, {f32({2, 3})}), "input 'x': expected tensor<1x3xf32>, got tensor<2x3xf32>");
  EXPECT_EQ(errorOf({"x"}, {t}, {f32({1, 3, 1})}), "input 'x': expected tensor<1x3xf32>, got tensor<1x3x1xf32>");
}

TEST(CheckInputs, Dtype) {
  TensorType t = TensorType::fromExtents(DType::Float32, {1, 3});
  EXPECT_EQ(errorOf({"x"}, {t}, {Tensor(DType::Int64, {1, 3})}),
            "input 'x': expected tensor<1x3xf32>, got tensor<1x3xi64>");
  EXPECT_EQ(errorOf({"x"}, {t}, {Tensor()}), "input 'x': expected tensor<1x3xf32>, got no tensor");
}

TEST(CheckInputs, SymbolicDimTakesOneValue) {
  TensorType t(DType::Float32, {Dim::sym("N"), 3});
  TensorType u(DType::Float32, {4, Dim::sym("N")});
  EXPECT_EQ(errorOf({"x", "y"}, {t, u}, {f32({2, 3}), f32({4, 5})}),
            "input 'y': expected tensor<4x{N}xf32> with N = 2 (as in input 'x'), got tensor<4x5xf32>");
  // Within one input too.
  TensorType sq(DType::Float32, {Dim::sym("S"), Dim::sym("S")});
  EXPECT_EQ(errorOf({"m"}, {sq}, {f32({2, 3})}),
            "input 'm': expected tensor<{S}x{S}xf32> with S = 2 (as in input 'm'), got tensor<2x3xf32>");
  // Anonymous dims are not tied to each other.
  TensorType anon(DType::Float32, {Dim(), Dim()});
  EXPECT_EQ(errorOf({"a"}, {anon}, {f32({2, 3})}), "<no error>");
}

}  // namespace
}  // namespace dlc
