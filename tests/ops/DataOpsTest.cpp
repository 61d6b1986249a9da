// Unit tests of the data-movement ops (Shape.cpp, Indexing.cpp, Padding.cpp,
// Resize.cpp, Generators.cpp): reference values, shape inference with and
// without constant inputs, and error messages.
//
// The value table was computed with the ONNX reference evaluator (numpy) and
// pasted here; each case also checks that inference from constant inputs
// gives exactly the computed output type, and that inference from non-constant
// inputs gives a compatible type.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>

#include "dlc/ir/IR.h"
#include "dlc/ir/OpRegistry.h"

namespace dlc {
namespace {

struct ValueCase {
  const char* name;
  const char* op;
  std::vector<std::optional<Tensor>> inputs;
  AttrMap attrs;
  std::vector<Tensor> expected;
};

// Builds a one-node function whose inputs are constants (or arguments).
Node* buildNode(Function& fn, const std::string& op, const std::vector<std::optional<Tensor>>& inputs,
                const AttrMap& attrs, size_t numOutputs, bool constantInputs) {
  std::vector<Value*> ins;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i]) {
      ins.push_back(nullptr);
      continue;
    }
    std::string name = "in" + std::to_string(i);
    ins.push_back(constantInputs ? fn.addConstant(name, *inputs[i]) : fn.addArgument(name, inputs[i]->type()));
  }
  return fn.addNode(op, ins, attrs, std::vector<TensorType>(numOutputs));
}

std::vector<Tensor> evaluate(const std::string& op, const std::vector<std::optional<Tensor>>& inputs,
                             const AttrMap& attrs = {}, size_t numOutputs = 1) {
  Function fn("f");
  Node* n = buildNode(fn, op, inputs, attrs, numOutputs, true);
  std::vector<const Tensor*> ptrs;
  for (const auto& t : inputs) ptrs.push_back(t ? &*t : nullptr);
  return evaluateNode(*n, ptrs);
}

void expectClose(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(dtypeName(got.dtype()), dtypeName(want.dtype())) << what;
  ASSERT_EQ(got.extents(), want.extents()) << what;
  for (int64_t i = 0; i < want.numel(); ++i) {
    if (isFloat(want.dtype())) {
      double a = got.getDouble(i), b = want.getDouble(i);
      EXPECT_NEAR(a, b, 1e-5 * std::max(1.0, std::fabs(b))) << what << " at " << i;
    } else {
      EXPECT_EQ(got.getInt64(i), want.getInt64(i)) << what << " at " << i;
    }
  }
}

// Every static dim of `inferred` must match the actual extents.
void expectCompatible(const TensorType& inferred, const Tensor& actual, const std::string& what) {
  EXPECT_EQ(inferred.dtype, actual.dtype()) << what;
  if (!inferred.ranked) return;
  ASSERT_EQ(inferred.rank(), actual.rank()) << what << ": inferred " << inferred.str();
  for (int64_t d = 0; d < actual.rank(); ++d) {
    if (inferred.shape[static_cast<size_t>(d)].isStatic()) {
      EXPECT_EQ(inferred.shape[static_cast<size_t>(d)].value, actual.dim(d)) << what << " dim " << d;
    }
  }
}

const std::vector<ValueCase>& valueCases() {
  static const std::vector<ValueCase> cases = {
  {"reshape_infer_and_copy", "Reshape", {Tensor::fromVector<float>({2,3,4}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F, 16.0F, 17.0F, 18.0F, 19.0F, 20.0F, 21.0F, 22.0F, 23.0F}), Tensor::fromVector<int64_t>({3}, std::vector<int64_t>{0LL, -1LL, 2LL})}, {}, {Tensor::fromVector<float>({2,6,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F, 16.0F, 17.0F, 18.0F, 19.0F, 20.0F, 21.0F, 22.0F, 23.0F})}},
  {"reshape_allowzero", "Reshape", {Tensor::fromVector<float>({0,3}, std::vector<float>{}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{3LL, 0LL})}, {{"allowzero", Attribute(int64_t{1})}}, {Tensor::fromVector<float>({3,0}, std::vector<float>{})}},
  {"flatten_axis0", "Flatten", {Tensor::fromVector<float>({2,3,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F})}, {{"axis", Attribute(int64_t{0})}}, {Tensor::fromVector<float>({1,12}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F})}},
  {"flatten_negative", "Flatten", {Tensor::fromVector<float>({2,3,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F})}, {{"axis", Attribute(int64_t{-1})}}, {Tensor::fromVector<float>({6,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F})}},
  {"squeeze_negative_axis", "Squeeze", {Tensor::fromVector<float>({1,3,1}, std::vector<float>{0.0F, 1.0F, 2.0F}), Tensor::fromVector<int64_t>({1}, std::vector<int64_t>{-1LL})}, {}, {Tensor::fromVector<float>({1,3}, std::vector<float>{0.0F, 1.0F, 2.0F})}},
  {"squeeze_all", "Squeeze", {Tensor::fromVector<float>({1,3,1}, std::vector<float>{0.0F, 1.0F, 2.0F})}, {}, {Tensor::fromVector<float>({3}, std::vector<float>{0.0F, 1.0F, 2.0F})}},
  {"unsqueeze_two", "Unsqueeze", {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{-1LL, 0LL})}, {}, {Tensor::fromVector<float>({1,2,3,1}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F})}},
  {"transpose_perm", "Transpose", {Tensor::fromVector<float>({2,3,4}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F, 16.0F, 17.0F, 18.0F, 19.0F, 20.0F, 21.0F, 22.0F, 23.0F})}, {{"perm", Attribute(std::vector<int64_t>{1, 2, 0})}}, {Tensor::fromVector<float>({3,4,2}, std::vector<float>{0.0F, 12.0F, 1.0F, 13.0F, 2.0F, 14.0F, 3.0F, 15.0F, 4.0F, 16.0F, 5.0F, 17.0F, 6.0F, 18.0F, 7.0F, 19.0F, 8.0F, 20.0F, 9.0F, 21.0F, 10.0F, 22.0F, 11.0F, 23.0F})}},
  {"transpose_default_i8", "Transpose", {Tensor::fromVector<int8_t>({2,3}, std::vector<int8_t>{0, 1, 2, 3, 4, 5})}, {}, {Tensor::fromVector<int8_t>({3,2}, std::vector<int8_t>{0, 3, 1, 4, 2, 5})}},
  {"concat_axis_neg", "Concat", {Tensor::fromVector<float>({2,1}, std::vector<float>{0.0F, 1.0F}), Tensor::fromVector<float>({2,3}, std::vector<float>{10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F})}, {{"axis", Attribute(int64_t{-1})}}, {Tensor::fromVector<float>({2,4}, std::vector<float>{0.0F, 10.0F, 11.0F, 12.0F, 1.0F, 13.0F, 14.0F, 15.0F})}},
  {"split_num_outputs_uneven", "Split", {Tensor::fromVector<float>({5,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F})}, {{"num_outputs", Attribute(int64_t{3})}}, {Tensor::fromVector<float>({2,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F}), Tensor::fromVector<float>({2,2}, std::vector<float>{4.0F, 5.0F, 6.0F, 7.0F}), Tensor::fromVector<float>({1,2}, std::vector<float>{8.0F, 9.0F})}},
  {"split_input", "Split", {Tensor::fromVector<float>({2,6}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{1LL, 5LL})}, {{"axis", Attribute(int64_t{1})}}, {Tensor::fromVector<float>({2,1}, std::vector<float>{0.0F, 6.0F}), Tensor::fromVector<float>({2,5}, std::vector<float>{1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F})}},
  {"slice_negative_step", "Slice", {Tensor::fromVector<float>({4,5}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F, 16.0F, 17.0F, 18.0F, 19.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{-1LL, 10LL}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{0LL, -100LL}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{0LL, 1LL}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{-2LL, -3LL})}, {}, {Tensor::fromVector<float>({2,2}, std::vector<float>{19.0F, 16.0F, 9.0F, 6.0F})}},
  {"slice_clamp_default_axes", "Slice", {Tensor::fromVector<float>({3,4}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{1LL, -100LL}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{1000LL, 3LL})}, {}, {Tensor::fromVector<float>({2,3}, std::vector<float>{4.0F, 5.0F, 6.0F, 8.0F, 9.0F, 10.0F})}},
  {"slice_bool", "Slice", {Tensor::fromVector<bool>({4}, std::vector<bool>{true, false, true, true}), Tensor::fromVector<int64_t>({1}, std::vector<int64_t>{1LL}), Tensor::fromVector<int64_t>({1}, std::vector<int64_t>{4LL}), Tensor::fromVector<int64_t>({1}, std::vector<int64_t>{0LL}), Tensor::fromVector<int64_t>({1}, std::vector<int64_t>{2LL})}, {}, {Tensor::fromVector<bool>({2}, std::vector<bool>{false, true})}},
  {"gather_negative_axis1", "Gather", {Tensor::fromVector<float>({3,4}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F}), Tensor::fromVector<int64_t>({2,2}, std::vector<int64_t>{-1LL, 0LL, 2LL, 2LL})}, {{"axis", Attribute(int64_t{1})}}, {Tensor::fromVector<float>({3,2,2}, std::vector<float>{3.0F, 0.0F, 2.0F, 2.0F, 7.0F, 4.0F, 6.0F, 6.0F, 11.0F, 8.0F, 10.0F, 10.0F})}},
  {"gather_u8", "Gather", {Tensor::fromVector<uint8_t>({6}, std::vector<uint8_t>{0, 1, 2, 3, 4, 5}), Tensor::fromVector<int64_t>({}, std::vector<int64_t>{3LL})}, {}, {Tensor::fromVector<uint8_t>({}, std::vector<uint8_t>{3})}},
  {"gather_elements_axis1", "GatherElements", {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<int64_t>({2,2}, std::vector<int64_t>{2LL, -1LL, 0LL, 1LL})}, {{"axis", Attribute(int64_t{1})}}, {Tensor::fromVector<float>({2,2}, std::vector<float>{2.0F, 2.0F, 3.0F, 4.0F})}},
  {"gather_nd_batch", "GatherND", {Tensor::fromVector<float>({2,2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F}), Tensor::fromVector<int64_t>({2,1}, std::vector<int64_t>{1LL, 0LL})}, {{"batch_dims", Attribute(int64_t{1})}}, {Tensor::fromVector<float>({2,3}, std::vector<float>{3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F})}},
  {"gather_nd_tuples", "GatherND", {Tensor::fromVector<float>({2,2,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F}), Tensor::fromVector<int64_t>({2,1,2}, std::vector<int64_t>{0LL, 1LL, 1LL, 0LL})}, {}, {Tensor::fromVector<float>({2,1,2}, std::vector<float>{2.0F, 3.0F, 4.0F, 5.0F})}},
  {"scatter_nd_add", "ScatterND", {Tensor::fromVector<float>({4,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F}), Tensor::fromVector<int64_t>({3,1}, std::vector<int64_t>{1LL, 1LL, 3LL}), Tensor::fromVector<float>({3,2}, std::vector<float>{1.0F, 1.0F, 1.0F, 1.0F, 1.0F, 1.0F})}, {{"reduction", Attribute(std::string("add"))}}, {Tensor::fromVector<float>({4,2}, std::vector<float>{0.0F, 1.0F, 4.0F, 5.0F, 4.0F, 5.0F, 7.0F, 8.0F})}},
  {"scatter_nd_none", "ScatterND", {Tensor::fromVector<float>({2,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F}), Tensor::fromVector<int64_t>({1,2}, std::vector<int64_t>{0LL, 1LL}), Tensor::fromVector<float>({1}, std::vector<float>{9.0F})}, {}, {Tensor::fromVector<float>({2,2}, std::vector<float>{0.0F, 9.0F, 2.0F, 3.0F})}},
  {"scatter_elements_max", "ScatterElements", {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<int64_t>({2,2}, std::vector<int64_t>{1LL, 0LL, 2LL, 2LL}), Tensor::fromVector<float>({2,2}, std::vector<float>{7.0F, -1.0F, 0.0F, 9.0F})}, {{"axis", Attribute(int64_t{1})}, {"reduction", Attribute(std::string("max"))}}, {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 7.0F, 2.0F, 3.0F, 4.0F, 9.0F})}},
  {"scatter_elements_add_i32", "ScatterElements", {Tensor::fromVector<int32_t>({4}, std::vector<int32_t>{1, 2, 3, 4}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{1LL, 3LL}), Tensor::fromVector<int32_t>({2}, std::vector<int32_t>{3, 5})}, {{"reduction", Attribute(std::string("add"))}}, {Tensor::fromVector<int32_t>({4}, std::vector<int32_t>{1, 5, 3, 9})}},
  {"expand_bidirectional", "Expand", {Tensor::fromVector<float>({3,1}, std::vector<float>{0.0F, 1.0F, 2.0F}), Tensor::fromVector<int64_t>({3}, std::vector<int64_t>{2LL, 1LL, 4LL})}, {}, {Tensor::fromVector<float>({2,3,4}, std::vector<float>{0.0F, 0.0F, 0.0F, 0.0F, 1.0F, 1.0F, 1.0F, 1.0F, 2.0F, 2.0F, 2.0F, 2.0F, 0.0F, 0.0F, 0.0F, 0.0F, 1.0F, 1.0F, 1.0F, 1.0F, 2.0F, 2.0F, 2.0F, 2.0F})}},
  {"tile", "Tile", {Tensor::fromVector<float>({2,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{2LL, 3LL})}, {}, {Tensor::fromVector<float>({4,6}, std::vector<float>{0.0F, 1.0F, 0.0F, 1.0F, 0.0F, 1.0F, 2.0F, 3.0F, 2.0F, 3.0F, 2.0F, 3.0F, 0.0F, 1.0F, 0.0F, 1.0F, 0.0F, 1.0F, 2.0F, 3.0F, 2.0F, 3.0F, 2.0F, 3.0F})}},
  {"pad_constant_axes", "Pad", {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{1LL, 2LL}), Tensor::fromVector<float>({}, std::vector<float>{-1.0F}), Tensor::fromVector<int64_t>({1}, std::vector<int64_t>{1LL})}, {{"mode", Attribute(std::string("constant"))}}, {Tensor::fromVector<float>({2,6}, std::vector<float>{-1.0F, 0.0F, 1.0F, 2.0F, -1.0F, -1.0F, -1.0F, 3.0F, 4.0F, 5.0F, -1.0F, -1.0F})}},
  {"pad_reflect", "Pad", {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<int64_t>({4}, std::vector<int64_t>{1LL, 2LL, 1LL, 2LL})}, {{"mode", Attribute(std::string("reflect"))}}, {Tensor::fromVector<float>({4,7}, std::vector<float>{5.0F, 4.0F, 3.0F, 4.0F, 5.0F, 4.0F, 3.0F, 2.0F, 1.0F, 0.0F, 1.0F, 2.0F, 1.0F, 0.0F, 5.0F, 4.0F, 3.0F, 4.0F, 5.0F, 4.0F, 3.0F, 2.0F, 1.0F, 0.0F, 1.0F, 2.0F, 1.0F, 0.0F})}},
  {"pad_edge", "Pad", {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<int64_t>({4}, std::vector<int64_t>{0LL, 2LL, 1LL, 1LL})}, {{"mode", Attribute(std::string("edge"))}}, {Tensor::fromVector<float>({3,6}, std::vector<float>{0.0F, 0.0F, 0.0F, 1.0F, 2.0F, 2.0F, 3.0F, 3.0F, 3.0F, 4.0F, 5.0F, 5.0F, 3.0F, 3.0F, 3.0F, 4.0F, 5.0F, 5.0F})}},
  {"pad_wrap", "Pad", {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<int64_t>({4}, std::vector<int64_t>{1LL, 4LL, 0LL, 1LL})}, {{"mode", Attribute(std::string("wrap"))}}, {Tensor::fromVector<float>({3,8}, std::vector<float>{5.0F, 3.0F, 4.0F, 5.0F, 3.0F, 4.0F, 5.0F, 3.0F, 2.0F, 0.0F, 1.0F, 2.0F, 0.0F, 1.0F, 2.0F, 0.0F, 5.0F, 3.0F, 4.0F, 5.0F, 3.0F, 4.0F, 5.0F, 3.0F})}},
  {"resize_nearest_up_asym_floor", "Resize", {Tensor::fromVector<float>({1,1,2,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F}), std::nullopt, Tensor::fromVector<float>({4}, std::vector<float>{1.0F, 1.0F, 2.0F, 1.5F})}, {{"mode", Attribute(std::string("nearest"))}, {"coordinate_transformation_mode", Attribute(std::string("asymmetric"))}, {"nearest_mode", Attribute(std::string("floor"))}}, {Tensor::fromVector<float>({1,1,4,3}, std::vector<float>{0.0F, 0.0F, 1.0F, 0.0F, 0.0F, 1.0F, 2.0F, 2.0F, 3.0F, 2.0F, 2.0F, 3.0F})}},
  {"resize_nearest_sizes_ceil_half_pixel", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), std::nullopt, std::nullopt, Tensor::fromVector<int64_t>({4}, std::vector<int64_t>{1LL, 1LL, 3LL, 7LL})}, {{"mode", Attribute(std::string("nearest"))}, {"nearest_mode", Attribute(std::string("ceil"))}}, {Tensor::fromVector<float>({1,1,3,7}, std::vector<float>{-0.45500001311302185F, -0.9919999837875366F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, 1.340000033378601F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.3569999933242798F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F, 0.6949999928474426F, 0.6949999928474426F})}},
  {"resize_linear_down_half_pixel", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), std::nullopt, Tensor::fromVector<float>({4}, std::vector<float>{1.0F, 1.0F, 0.6000000238418579F, 0.6000000238418579F})}, {{"mode", Attribute(std::string("linear"))}}, {Tensor::fromVector<float>({1,1,2,2}, std::vector<float>{-0.14444442093372345F, -0.1626666635274887F, -0.5346666574478149F, 0.4899998605251312F})}},
  {"resize_linear_align_corners_axes", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), std::nullopt, Tensor::fromVector<float>({2}, std::vector<float>{1.5F, 2.0F})}, {{"mode", Attribute(std::string("linear"))}, {"coordinate_transformation_mode", Attribute(std::string("align_corners"))}, {"axes", Attribute(std::vector<int64_t>{2, 3})}}, {Tensor::fromVector<float>({1,1,6,8}, std::vector<float>{0.0010000000474974513F, 0.12871427834033966F, 0.2564285695552826F, 0.13528572022914886F, -0.11028570681810379F, -0.3621428310871124F, -0.6265714168548584F, -0.890999972820282F, -0.272599995136261F, -0.3596000075340271F, -0.4465999901294708F, -0.36074283719062805F, -0.18845713138580322F, 0.0008571503567509353F, 0.22422859072685242F, 0.44760003685951233F, -0.46240001916885376F, -0.6574857234954834F, -0.852571427822113F, -0.6137142777442932F, -0.15788571536540985F, 0.28848570585250854F, 0.7159428596496582F, 1.1434000730514526F, -0.4846000075340271F, -0.5745142698287964F, -0.6644285917282104F, -0.3805714249610901F, 0.0901714339852333F, 0.4253714382648468F, 0.4894857108592987F, 0.553600013256073F, -0.2532000243663788F, -0.4635428786277771F, -0.673885703086853F, -0.4507428705692291F, -0.010857139714062214F, 0.3123714327812195F, 0.40228572487831116F, 0.49219998717308044F, 0.10499999672174454F, -0.3385714292526245F, -0.7821428775787354F, -0.6725714206695557F, -0.2864285707473755F, 0.07442857325077057F, 0.384714275598526F, 0.6949999928474426F})}},
  {"resize_linear_antialias", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), std::nullopt, Tensor::fromVector<float>({4}, std::vector<float>{1.0F, 1.0F, 0.5F, 0.75F})}, {{"mode", Attribute(std::string("linear"))}, {"antialias", Attribute(int64_t{1})}}, {Tensor::fromVector<float>({1,1,2,3}, std::vector<float>{-0.2502727210521698F, -0.17662499845027924F, 0.05938638374209404F, -0.36140909790992737F, -0.32237499952316284F, 0.5201136469841003F})}},
  {"resize_cubic_exclude_outside", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), std::nullopt, Tensor::fromVector<float>({4}, std::vector<float>{1.0F, 1.0F, 1.5F, 0.800000011920929F})}, {{"mode", Attribute(std::string("cubic"))}, {"exclude_outside", Attribute(int64_t{1})}, {"cubic_coeff_a", Attribute(-0.5)}}, {Tensor::fromVector<float>({1,1,6,3}, std::vector<float>{0.06372292339801788F, 0.20733636617660522F, -0.8266732096672058F, -0.2221778929233551F, -0.28980234265327454F, 0.10883482545614243F, -0.5424159169197083F, -0.7105653882026672F, 1.0045008659362793F, -0.5455427765846252F, -0.28003931045532227F, 0.5249733924865723F, -0.23147596418857574F, -0.4687993824481964F, 0.44264736771583557F, 0.05075119435787201F, -0.7581399083137512F, 0.5021969079971313F})}},
  {"resize_cubic_antialias", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), std::nullopt, Tensor::fromVector<float>({4}, std::vector<float>{1.0F, 1.0F, 0.6000000238418579F, 0.6000000238418579F})}, {{"mode", Attribute(std::string("cubic"))}, {"antialias", Attribute(int64_t{1})}}, {Tensor::fromVector<float>({1,1,2,2}, std::vector<float>{-0.213121235370636F, -0.12407396733760834F, -0.6443464159965515F, 0.14565370976924896F})}},
  {"resize_cubic_pytorch", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), std::nullopt, std::nullopt, Tensor::fromVector<int64_t>({4}, std::vector<int64_t>{1LL, 1LL, 3LL, 1LL})}, {{"mode", Attribute(std::string("cubic"))}, {"coordinate_transformation_mode", Attribute(std::string("pytorch_half_pixel"))}}, {Tensor::fromVector<float>({1,1,3,1}, std::vector<float>{-0.07983908802270889F, -0.5416796803474426F, 0.10283908247947693F})}},
  {"resize_tf_crop", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), Tensor::fromVector<float>({8}, std::vector<float>{0.0F, 0.0F, 0.4000000059604645F, 0.6000000238418579F, 1.0F, 1.0F, 1.2000000476837158F, 0.8999999761581421F}), std::nullopt, Tensor::fromVector<int64_t>({4}, std::vector<int64_t>{1LL, 1LL, 3LL, 3LL})}, {{"mode", Attribute(std::string("linear"))}, {"coordinate_transformation_mode", Attribute(std::string("tf_crop_and_resize"))}, {"extrapolation_value", Attribute(10.0)}}, {Tensor::fromVector<float>({1,1,3,3}, std::vector<float>{-0.0667199119925499F, 0.39535000920295715F, 0.8441799283027649F, 0.07712002098560333F, 0.3348499536514282F, 0.4292599856853485F, 10.0F, 10.0F, 10.0F})}},
  {"resize_not_larger", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), std::nullopt, std::nullopt, Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{7LL, 8LL})}, {{"mode", Attribute(std::string("linear"))}, {"axes", Attribute(std::vector<int64_t>{2, 3})}, {"keep_aspect_ratio_policy", Attribute(std::string("not_larger"))}}, {Tensor::fromVector<float>({1,1,7,7}, std::vector<float>{0.0010000000474974513F, 0.10742857307195663F, 0.2777142822742462F, 0.012500002980232239F, -0.3180714249610901F, -0.6706428527832031F, -0.890999972820282F, -0.16185714304447174F, -0.16193367540836334F, -0.1620561182498932F, -0.15839284658432007F, -0.15039284527301788F, -0.11582140624523163F, -0.09421425312757492F, -0.42242857813835144F, -0.5929132699966431F, -0.8656887412071228F, -0.43182143568992615F, 0.11789286136627197F, 0.7718929052352905F, 1.18064284324646F, -0.47350001335144043F, -0.5922499895095825F, -0.7822499871253967F, -0.265500009059906F, 0.3159642815589905F, 0.643678605556488F, 0.8485000133514404F, -0.44935715198516846F, -0.5182092189788818F, -0.6283724308013916F, -0.0946071445941925F, 0.44780102372169495F, 0.4067806005477905F, 0.38114285469055176F, -0.10821429640054703F, -0.3621683716773987F, -0.7684949040412903F, -0.3314642906188965F, 0.18620918691158295F, 0.42502549290657043F, 0.5742856860160828F, 0.10499999672174454F, -0.2646428644657135F, -0.856071412563324F, -0.4794999957084656F, 0.02271428517997265F, 0.43642857670783997F, 0.6949999928474426F})}},
  {"resize_not_smaller_sym", "Resize", {Tensor::fromVector<float>({1,1,4,4}, std::vector<float>{0.0010000000474974513F, 0.29899999499320984F, -0.27399998903274536F, -0.890999972820282F, -0.45500001311302185F, -0.9919999837875366F, 0.05999999865889549F, 1.340000033378601F, -0.492000013589859F, -0.6200000047683716F, 0.49000000953674316F, 0.3569999933242798F, 0.10499999672174454F, -0.9300000071525574F, -0.028999999165534973F, 0.6949999928474426F}), std::nullopt, std::nullopt, Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{1LL, 6LL})}, {{"mode", Attribute(std::string("linear"))}, {"axes", Attribute(std::vector<int64_t>{2, 3})}, {"keep_aspect_ratio_policy", Attribute(std::string("not_smaller"))}, {"coordinate_transformation_mode", Attribute(std::string("half_pixel_symmetric"))}}, {Tensor::fromVector<float>({1,1,6,6}, std::vector<float>{0.0010000000474974513F, 0.14999999105930328F, 0.20350000262260437F, -0.1784999966621399F, -0.5824999809265137F, -0.890999972820282F, -0.22700001299381256F, -0.2867499887943268F, -0.30658331513404846F, -0.14691665768623352F, 0.05875001847743988F, 0.22450003027915955F, -0.4611666798591614F, -0.6955833435058594F, -0.7530555725097656F, -0.04527777433395386F, 0.6539166569709778F, 1.1761666536331177F, -0.4858333468437195F, -0.5839166641235352F, -0.49861112236976624F, 0.2349444478750229F, 0.46958333253860474F, 0.5208333134651184F, -0.19350001215934753F, -0.484250009059906F, -0.6074166893959045F, 0.06291667371988297F, 0.37825000286102295F, 0.5260000228881836F, 0.10499999672174454F, -0.4124999940395355F, -0.7798333168029785F, -0.17916665971279144F, 0.3330000042915344F, 0.6949999928474426F})}},
  {"depth_to_space_dcr", "DepthToSpace", {Tensor::fromVector<float>({1,8,1,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F})}, {{"blocksize", Attribute(int64_t{2})}}, {Tensor::fromVector<float>({1,2,2,4}, std::vector<float>{0.0F, 4.0F, 1.0F, 5.0F, 8.0F, 12.0F, 9.0F, 13.0F, 2.0F, 6.0F, 3.0F, 7.0F, 10.0F, 14.0F, 11.0F, 15.0F})}},
  {"depth_to_space_crd", "DepthToSpace", {Tensor::fromVector<float>({1,8,1,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F})}, {{"blocksize", Attribute(int64_t{2})}, {"mode", Attribute(std::string("CRD"))}}, {Tensor::fromVector<float>({1,2,2,4}, std::vector<float>{0.0F, 2.0F, 1.0F, 3.0F, 4.0F, 6.0F, 5.0F, 7.0F, 8.0F, 10.0F, 9.0F, 11.0F, 12.0F, 14.0F, 13.0F, 15.0F})}},
  {"space_to_depth", "SpaceToDepth", {Tensor::fromVector<float>({1,2,2,4}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F})}, {{"blocksize", Attribute(int64_t{2})}}, {Tensor::fromVector<float>({1,8,1,2}, std::vector<float>{0.0F, 2.0F, 8.0F, 10.0F, 1.0F, 3.0F, 9.0F, 11.0F, 4.0F, 6.0F, 12.0F, 14.0F, 5.0F, 7.0F, 13.0F, 15.0F})}},
  {"shape_start_end", "Shape", {Tensor::fromVector<float>({2,3,4,5}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F, 16.0F, 17.0F, 18.0F, 19.0F, 20.0F, 21.0F, 22.0F, 23.0F, 24.0F, 25.0F, 26.0F, 27.0F, 28.0F, 29.0F, 30.0F, 31.0F, 32.0F, 33.0F, 34.0F, 35.0F, 36.0F, 37.0F, 38.0F, 39.0F, 40.0F, 41.0F, 42.0F, 43.0F, 44.0F, 45.0F, 46.0F, 47.0F, 48.0F, 49.0F, 50.0F, 51.0F, 52.0F, 53.0F, 54.0F, 55.0F, 56.0F, 57.0F, 58.0F, 59.0F, 60.0F, 61.0F, 62.0F, 63.0F, 64.0F, 65.0F, 66.0F, 67.0F, 68.0F, 69.0F, 70.0F, 71.0F, 72.0F, 73.0F, 74.0F, 75.0F, 76.0F, 77.0F, 78.0F, 79.0F, 80.0F, 81.0F, 82.0F, 83.0F, 84.0F, 85.0F, 86.0F, 87.0F, 88.0F, 89.0F, 90.0F, 91.0F, 92.0F, 93.0F, 94.0F, 95.0F, 96.0F, 97.0F, 98.0F, 99.0F, 100.0F, 101.0F, 102.0F, 103.0F, 104.0F, 105.0F, 106.0F, 107.0F, 108.0F, 109.0F, 110.0F, 111.0F, 112.0F, 113.0F, 114.0F, 115.0F, 116.0F, 117.0F, 118.0F, 119.0F})}, {{"start", Attribute(int64_t{-3})}, {"end", Attribute(int64_t{-1})}}, {Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{3LL, 4LL})}},
  {"shape_clamped", "Shape", {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F})}, {{"start", Attribute(int64_t{-10})}, {"end", Attribute(int64_t{10})}}, {Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{2LL, 3LL})}},
  {"size", "Size", {Tensor::fromVector<float>({2,3,4}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F, 16.0F, 17.0F, 18.0F, 19.0F, 20.0F, 21.0F, 22.0F, 23.0F})}, {}, {Tensor::fromVector<int64_t>({}, std::vector<int64_t>{24LL})}},
  {"constant_of_shape_i32", "ConstantOfShape", {Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{2LL, 3LL})}, {{"value", Attribute(Tensor::fromVector<int32_t>({1}, std::vector<int32_t>{7}))}}, {Tensor::fromVector<int32_t>({2,3}, std::vector<int32_t>{7, 7, 7, 7, 7, 7})}},
  {"constant_of_shape_default", "ConstantOfShape", {Tensor::fromVector<int64_t>({1}, std::vector<int64_t>{2LL})}, {}, {Tensor::fromVector<float>({2}, std::vector<float>{0.0F, 0.0F})}},
  {"range_float_negative", "Range", {Tensor::fromVector<float>({}, std::vector<float>{3.0F}), Tensor::fromVector<float>({}, std::vector<float>{-1.0F}), Tensor::fromVector<float>({}, std::vector<float>{-1.5F})}, {}, {Tensor::fromVector<float>({3}, std::vector<float>{3.0F, 1.5F, 0.0F})}},
  {"range_int", "Range", {Tensor::fromVector<int64_t>({}, std::vector<int64_t>{2LL}), Tensor::fromVector<int64_t>({}, std::vector<int64_t>{11LL}), Tensor::fromVector<int64_t>({}, std::vector<int64_t>{3LL})}, {}, {Tensor::fromVector<int64_t>({3}, std::vector<int64_t>{2LL, 5LL, 8LL})}},
  {"range_empty", "Range", {Tensor::fromVector<int32_t>({}, std::vector<int32_t>{5}), Tensor::fromVector<int32_t>({}, std::vector<int32_t>{1}), Tensor::fromVector<int32_t>({}, std::vector<int32_t>{2})}, {}, {Tensor::fromVector<int32_t>({0}, std::vector<int32_t>{})}},
  {"eyelike_k_dtype", "EyeLike", {Tensor::fromVector<float>({3,4}, std::vector<float>{0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F})}, {{"k", Attribute(int64_t{-1})}, {"dtype", Attribute(int64_t{7})}}, {Tensor::fromVector<int64_t>({3,4}, std::vector<int64_t>{0LL, 0LL, 0LL, 0LL, 1LL, 0LL, 0LL, 0LL, 0LL, 1LL, 0LL, 0LL})}},
  {"nonzero", "NonZero", {Tensor::fromVector<float>({2,3}, std::vector<float>{1.0F, 0.0F, 2.0F, 0.0F, 0.0F, 3.0F})}, {}, {Tensor::fromVector<int64_t>({2,3}, std::vector<int64_t>{0LL, 0LL, 1LL, 0LL, 2LL, 2LL})}},
  {"trilu_lower_k", "Trilu", {Tensor::fromVector<float>({2,3,4}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F, 16.0F, 17.0F, 18.0F, 19.0F, 20.0F, 21.0F, 22.0F, 23.0F}), Tensor::fromVector<int64_t>({}, std::vector<int64_t>{1LL})}, {{"upper", Attribute(int64_t{0})}}, {Tensor::fromVector<float>({2,3,4}, std::vector<float>{0.0F, 1.0F, 0.0F, 0.0F, 4.0F, 5.0F, 6.0F, 0.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 0.0F, 0.0F, 16.0F, 17.0F, 18.0F, 0.0F, 20.0F, 21.0F, 22.0F, 23.0F})}},
  {"trilu_upper_neg_k", "Trilu", {Tensor::fromVector<float>({3,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F}), Tensor::fromVector<int64_t>({}, std::vector<int64_t>{-1LL})}, {}, {Tensor::fromVector<float>({3,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 0.0F, 7.0F, 8.0F})}},
  {"compress_axis", "Compress", {Tensor::fromVector<float>({3,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<bool>({3}, std::vector<bool>{false, true, true})}, {{"axis", Attribute(int64_t{0})}}, {Tensor::fromVector<float>({2,2}, std::vector<float>{2.0F, 3.0F, 4.0F, 5.0F})}},
  {"compress_flat", "Compress", {Tensor::fromVector<float>({2,3}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<bool>({4}, std::vector<bool>{true, false, false, true})}, {}, {Tensor::fromVector<float>({2}, std::vector<float>{0.0F, 3.0F})}},
  {"onehot_axis0_neg_index", "OneHot", {Tensor::fromVector<int64_t>({3}, std::vector<int64_t>{1LL, -1LL, 3LL}), Tensor::fromVector<int64_t>({}, std::vector<int64_t>{4LL}), Tensor::fromVector<float>({2}, std::vector<float>{2.0F, 9.0F})}, {{"axis", Attribute(int64_t{0})}}, {Tensor::fromVector<float>({4,3}, std::vector<float>{2.0F, 2.0F, 2.0F, 9.0F, 2.0F, 2.0F, 2.0F, 2.0F, 2.0F, 2.0F, 9.0F, 9.0F})}},
  {"onehot_float_indices", "OneHot", {Tensor::fromVector<float>({1,2}, std::vector<float>{0.0F, 2.0F}), Tensor::fromVector<float>({1}, std::vector<float>{3.0F}), Tensor::fromVector<int32_t>({2}, std::vector<int32_t>{0, 1})}, {}, {Tensor::fromVector<int32_t>({1,2,3}, std::vector<int32_t>{1, 0, 0, 0, 0, 1})}},
  {"reverse_sequence_batch0", "ReverseSequence", {Tensor::fromVector<float>({2,4}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{3LL, 1LL})}, {{"batch_axis", Attribute(int64_t{0})}, {"time_axis", Attribute(int64_t{1})}}, {Tensor::fromVector<float>({2,4}, std::vector<float>{2.0F, 1.0F, 0.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F})}},
  {"reverse_sequence_time0", "ReverseSequence", {Tensor::fromVector<float>({3,2,1}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{2LL, 3LL})}, {}, {Tensor::fromVector<float>({3,2,1}, std::vector<float>{2.0F, 5.0F, 0.0F, 3.0F, 4.0F, 1.0F})}},
  {"center_crop_pad", "CenterCropPad", {Tensor::fromVector<float>({3,4,2}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 14.0F, 15.0F, 16.0F, 17.0F, 18.0F, 19.0F, 20.0F, 21.0F, 22.0F, 23.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{5LL, 3LL})}, {{"axes", Attribute(std::vector<int64_t>{0, 1})}}, {Tensor::fromVector<float>({5,3,2}, std::vector<float>{0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 8.0F, 9.0F, 10.0F, 11.0F, 12.0F, 13.0F, 16.0F, 17.0F, 18.0F, 19.0F, 20.0F, 21.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F})}},
  {"center_crop_pad_all", "CenterCropPad", {Tensor::fromVector<float>({2,5}, std::vector<float>{0.0F, 1.0F, 2.0F, 3.0F, 4.0F, 5.0F, 6.0F, 7.0F, 8.0F, 9.0F}), Tensor::fromVector<int64_t>({2}, std::vector<int64_t>{4LL, 2LL})}, {}, {Tensor::fromVector<float>({4,2}, std::vector<float>{0.0F, 0.0F, 1.0F, 2.0F, 6.0F, 7.0F, 0.0F, 0.0F})}},

  };
  return cases;
}

class DataOpValues : public ::testing::TestWithParam<size_t> {};

TEST_P(DataOpValues, MatchesReferenceAndInference) {
  const ValueCase& c = valueCases()[GetParam()];
  std::vector<Tensor> got = evaluate(c.op, c.inputs, c.attrs, c.expected.size());
  ASSERT_EQ(got.size(), c.expected.size());
  for (size_t i = 0; i < got.size(); ++i) expectClose(got[i], c.expected[i], std::string(c.name));

  Function constFn("c");
  Node* n = buildNode(constFn, c.op, c.inputs, c.attrs, c.expected.size(), true);
  std::vector<TensorType> types = inferNodeTypes(*n);
  // The output extents of these ops depend on input values, not only shapes.
  bool dataDependent = std::string(c.op) == "NonZero" || std::string(c.op) == "Compress";
  for (size_t i = 0; i < types.size(); ++i) {
    if (dataDependent)
      expectCompatible(types[i], c.expected[i], std::string(c.name) + " (constant inputs)");
    else
      EXPECT_EQ(types[i], c.expected[i].type()) << c.name << " (constant inputs) inferred " << types[i].str();
  }

  Function argFn("a");
  Node* m = buildNode(argFn, c.op, c.inputs, c.attrs, c.expected.size(), false);
  std::vector<TensorType> loose = inferNodeTypes(*m);
  for (size_t i = 0; i < loose.size(); ++i) expectCompatible(loose[i], c.expected[i], std::string(c.name) + " (arguments)");
}

INSTANTIATE_TEST_SUITE_P(Table, DataOpValues, ::testing::Range<size_t>(0, valueCases().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           return std::string(valueCases()[info.param].name);
                         });

template <typename T>
Tensor vec(std::vector<int64_t> ext, std::vector<T> v) {
  return Tensor::fromVector<T>(std::move(ext), v);
}
Tensor iota(DType dt, std::vector<int64_t> ext) {
  Tensor t(dt, std::move(ext));
  for (int64_t i = 0; i < t.numel(); ++i) t.setDouble(i, static_cast<double>(i));
  return t;
}

TEST(DataOps, PadNegativeCropsBeforePadding) {
  // [[0,1,2],[3,4,5],[6,7,8]] with pads begin (-1, 1), end (0, -1).
  std::vector<Tensor> out = evaluate("Pad", {iota(DType::Float32, {3, 3}), vec<int64_t>({4}, {-1, 1, 0, -1})});
  expectClose(out[0], vec<float>({2, 3}, {0, 3, 4, 0, 6, 7}), "pad");
}

TEST(DataOps, ScatterReductionsApplyDuplicatesInOrder) {
  std::vector<Tensor> out = evaluate("ScatterElements",
                                     {vec<int32_t>({4}, {1, 2, 3, 4}), vec<int64_t>({2}, {1, 1}), vec<int32_t>({2}, {3, 5})},
                                     {{"reduction", Attribute("mul")}});
  expectClose(out[0], vec<int32_t>({4}, {1, 30, 3, 4}), "mul");
  out = evaluate("ScatterElements", {vec<float>({3}, {1, 2, 3}), vec<int64_t>({2}, {-1, -1}), vec<float>({2}, {5, 4})},
                 {{"reduction", Attribute("min")}});
  expectClose(out[0], vec<float>({3}, {1, 2, 3}), "min");
}

TEST(DataOps, OneHotOutOfRangeIndicesAreAllOff) {
  std::vector<Tensor> out = evaluate("OneHot", {vec<int64_t>({2}, {5, -3}), vec<int64_t>({}, {2}), vec<float>({2}, {0, 1})});
  expectClose(out[0], vec<float>({2, 2}, {0, 0, 0, 0}), "onehot");
}

TEST(DataOps, CenterCropPadKeepsOddRemainderAtTheEnd) {
  // Crop 5 -> 2 starts at (5 - 2) / 2 = 1; pad 2 -> 5 puts 1 zero before.
  std::vector<Tensor> out = evaluate("CenterCropPad", {iota(DType::Float32, {5}), vec<int64_t>({1}, {2})});
  expectClose(out[0], vec<float>({2}, {1, 2}), "crop");
  out = evaluate("CenterCropPad", {iota(DType::Float32, {2}), vec<int64_t>({1}, {5})});
  expectClose(out[0], vec<float>({5}, {0, 0, 1, 0, 0}), "pad");
}

TEST(DataOps, ReshapeInfersRankFromShapeLength) {
  Function fn("f");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), 4}));
  Value* s = fn.addArgument("s", TensorType(DType::Int64, {3}));
  Node* n = fn.addNode("Reshape", {x, s}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*n)[0].str(), "tensor<?x?x?xf32>");
}

TEST(DataOps, SymbolicDimsFlowThroughShapeOps) {
  Function fn("f");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), 3, 4}));
  Value* y = fn.addArgument("y", TensorType(DType::Float32, {Dim::sym("N"), 2, 4}));
  Node* cat = fn.addNode("Concat", {x, y}, {{"axis", Attribute(int64_t{1})}}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*cat)[0].str(), "tensor<{N}x5x4xf32>");
  Node* flat = fn.addNode("Flatten", {x}, {{"axis", Attribute(int64_t{1})}}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*flat)[0].str(), "tensor<{N}x12xf32>");
  Node* shape = fn.addNode("Shape", {x}, {{"start", Attribute(int64_t{1})}}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*shape)[0].str(), "tensor<2xi64>");
  Value* starts = fn.addConstant("starts", vec<int64_t>({1}, {1}));
  Value* ends = fn.addConstant("ends", vec<int64_t>({1}, {-1}));
  Value* axes = fn.addConstant("axes", vec<int64_t>({1}, {2}));
  Node* slice = fn.addNode("Slice", {x, starts, ends, axes}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*slice)[0].str(), "tensor<{N}x3x2xf32>");
  Value* zero = fn.addConstant("zero", vec<int64_t>({1}, {0}));
  Value* big = fn.addConstant("big", vec<int64_t>({1}, {std::numeric_limits<int64_t>::max()}));
  Value* axis0 = fn.addConstant("axis0", vec<int64_t>({1}, {0}));
  Node* whole = fn.addNode("Slice", {x, zero, big, axis0}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*whole)[0].str(), "tensor<{N}x3x4xf32>");
  Value* dynStarts = fn.addArgument("ds", TensorType(DType::Int64, {1}));
  Node* dyn = fn.addNode("Slice", {x, dynStarts, ends, axes}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*dyn)[0].str(), "tensor<{N}x3x?xf32>");
  Node* nz = fn.addNode("NonZero", {x}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*nz)[0].str(), "tensor<3x?xi64>");
  Node* split = fn.addNode("Split", {y}, {{"axis", Attribute(int64_t{1})}}, {TensorType(), TensorType()});
  EXPECT_EQ(inferNodeTypes(*split)[1].str(), "tensor<{N}x1x4xf32>");
}

TEST(DataOps, ResizeInfersFromScales) {
  Function fn("f");
  Value* x = fn.addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), 3, 5, 4}));
  Value* scales = fn.addConstant("scales", vec<float>({4}, {1, 1, 0.6F, 2.5F}));
  Node* n = fn.addNode("Resize", {x, nullptr, scales}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*n)[0].str(), "tensor<{N}x3x3x10xf32>");
  Value* sizes = fn.addConstant("const_sizes", vec<int64_t>({4}, {2, 3, 7, 8}));
  Node* k = fn.addNode("Resize", {x, nullptr, nullptr, sizes}, {}, {TensorType()});
  EXPECT_EQ(inferNodeTypes(*k)[0].str(), "tensor<2x3x7x8xf32>");
  Value* dyn = fn.addArgument("sizes", TensorType(DType::Int64, {2}));
  Node* m = fn.addNode("Resize", {x, nullptr, nullptr, dyn}, {{"axes", Attribute(std::vector<int64_t>{2, 3})}},
                       {TensorType()});
  EXPECT_EQ(inferNodeTypes(*m)[0].str(), "tensor<{N}x3x?x?xf32>");
}

TEST(DataOps, DropoutInferenceIsIdentityWithTrueMask) {
  std::vector<Tensor> out = evaluate("Dropout", {iota(DType::Float32, {2, 2}), vec<float>({}, {0.5F})}, {}, 2);
  expectClose(out[0], iota(DType::Float32, {2, 2}), "data");
  expectClose(out[1], vec<bool>({2, 2}, {true, true, true, true}), "mask");
}

TEST(DataOps, TrainingDropoutOnlyWithZeroRatio) {
  Tensor x = iota(DType::Float32, {3});
  Tensor yes = vec<bool>({}, {true});
  std::vector<Tensor> out = evaluate("Dropout", {x, vec<float>({}, {0.0F}), yes}, {}, 2);
  expectClose(out[0], x, "data");
  expectClose(out[1], vec<bool>({3}, {true, true, true}), "mask");
  EXPECT_THROW(evaluate("Dropout", {x, vec<float>({}, {0.5F}), yes}), Unsupported);
}

TEST(DataOps, ConstantFromAttributes) {
  Function fn("f");
  Node* n = fn.addNode("Constant", {}, {{"value_ints", Attribute(std::vector<int64_t>{4, 5})}}, {TensorType()});
  std::vector<Tensor> out = evaluateNode(*n, {});
  expectClose(out[0], vec<int64_t>({2}, {4, 5}), "value_ints");
  EXPECT_EQ(inferNodeTypes(*n)[0].str(), "tensor<2xi64>");
}

TEST(DataOps, EveryDTypeMovesBitExact) {
  for (DType dt : {DType::Float32, DType::Float64, DType::Float16, DType::BFloat16, DType::Int8, DType::Int16,
                   DType::Int32, DType::Int64, DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64,
                   DType::Bool}) {
    Tensor x = iota(dt, {2, 3});
    std::vector<Tensor> t = evaluate("Transpose", {x});
    std::vector<Tensor> back = evaluate("Transpose", {t[0]});
    EXPECT_TRUE(back[0].bitwiseEqual(x)) << dtypeName(dt);
    std::vector<Tensor> g = evaluate("Gather", {x, vec<int64_t>({2}, {1, 0})});
    EXPECT_EQ(g[0].getDouble(0), x.getDouble(3)) << dtypeName(dt);
  }
}

TEST(DataOps, InferenceAcceptsUnrankedInputs) {
  struct Spec {
    const char* op;
    size_t numInputs;
    AttrMap attrs;
    size_t numOutputs;
  };
  const std::vector<Spec> specs = {
      {"Reshape", 2, {}, 1}, {"Flatten", 1, {}, 1}, {"Squeeze", 2, {}, 1}, {"Unsqueeze", 2, {}, 1},
      {"Transpose", 1, {}, 1}, {"Concat", 2, {{"axis", Attribute(int64_t{0})}}, 1}, {"Split", 2, {}, 2},
      {"Slice", 5, {}, 1}, {"Gather", 2, {}, 1}, {"GatherElements", 2, {}, 1}, {"GatherND", 2, {}, 1},
      {"ScatterND", 3, {}, 1}, {"ScatterElements", 3, {}, 1}, {"Expand", 2, {}, 1}, {"Tile", 2, {}, 1},
      {"Pad", 4, {}, 1}, {"Resize", 4, {}, 1}, {"DepthToSpace", 1, {{"blocksize", Attribute(int64_t{2})}}, 1},
      {"SpaceToDepth", 1, {{"blocksize", Attribute(int64_t{2})}}, 1}, {"Shape", 1, {}, 1}, {"Size", 1, {}, 1},
      {"ConstantOfShape", 1, {}, 1}, {"Range", 3, {}, 1}, {"EyeLike", 1, {}, 1}, {"NonZero", 1, {}, 1},
      {"Trilu", 2, {}, 1}, {"Compress", 2, {}, 1}, {"OneHot", 3, {}, 1}, {"ReverseSequence", 2, {}, 1},
      {"CenterCropPad", 2, {}, 1}, {"Identity", 1, {}, 1}, {"Dropout", 1, {}, 2}};
  for (const Spec& s : specs) {
    Function fn("f");
    std::vector<Value*> ins;
    for (size_t i = 0; i < s.numInputs; ++i)
      ins.push_back(fn.addArgument("x" + std::to_string(i), TensorType::unranked(i == 0 || std::string(s.op) == "Concat" ? DType::Float32 : DType::Int64)));
    Node* n = fn.addNode(s.op, ins, s.attrs, std::vector<TensorType>(s.numOutputs));
    EXPECT_NO_THROW(inferNodeTypes(*n)) << s.op;
  }
}

// ---- errors name the node and the problem ----

std::string errorOf(const std::string& op, const std::vector<std::optional<Tensor>>& inputs,
                    const AttrMap& attrs = {}, size_t numOutputs = 1) {
  try {
    evaluate(op, inputs, attrs, numOutputs);
  } catch (const Unsupported& e) {
    return std::string("unsupported: ") + e.what();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(DataOpsErrors, MessagesNameTheCulprit) {
  EXPECT_NE(errorOf("Gather", {iota(DType::Float32, {3}), vec<int64_t>({1}, {3})}).find(
                ": index 3 out of range for extent 3"),
            std::string::npos);
  EXPECT_NE(errorOf("Squeeze", {iota(DType::Float32, {2, 1}), vec<int64_t>({1}, {0})}).find(
                ": cannot squeeze dim 0 of extent 2"),
            std::string::npos);
  EXPECT_NE(errorOf("Reshape", {iota(DType::Float32, {2, 3}), vec<int64_t>({1}, {4})}).find(
                ": reshape changes the element count"),
            std::string::npos);
  EXPECT_NE(errorOf("Slice", {iota(DType::Float32, {3}), vec<int64_t>({1}, {0}), vec<int64_t>({1}, {2}),
                              vec<int64_t>({1}, {0}), vec<int64_t>({1}, {0})})
                .find(": slice step must be non-zero"),
            std::string::npos);
  EXPECT_NE(errorOf("Concat", {iota(DType::Float32, {2, 2}), iota(DType::Float32, {3, 3})},
                    {{"axis", Attribute(int64_t{0})}})
                .find(": dim 1 differs between inputs (2 vs 3)"),
            std::string::npos);
  EXPECT_NE(errorOf("Split", {iota(DType::Float32, {5})}, {}, 2).find(": dim 5 does not split evenly into 2 outputs"),
            std::string::npos);
  EXPECT_NE(errorOf("Pad", {iota(DType::Float32, {2}), vec<int64_t>({2}, {1, 1})}, {{"mode", Attribute("mirror")}})
                .find(": unknown mode 'mirror'"),
            std::string::npos);
  EXPECT_NE(errorOf("Transpose", {iota(DType::Float32, {2, 2})}, {{"perm", Attribute(std::vector<int64_t>{0, 0})}})
                .find(": perm is not a permutation"),
            std::string::npos);
  EXPECT_EQ(errorOf("Resize", {iota(DType::Int32, {1, 2}), std::nullopt, vec<float>({2}, {1, 2})},
                    {{"mode", Attribute("linear")}})
                .rfind("unsupported: ", 0),
            0U);
  EXPECT_NE(errorOf("GatherND", {iota(DType::Float32, {2, 2}), vec<int64_t>({1, 3}, {0, 0, 0})}).find(
                ": indices last dim 3 must be in [1, 2]"),
            std::string::npos);
}

}  // namespace
}  // namespace dlc
