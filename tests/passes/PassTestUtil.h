// Small builders shared by the pass tests.
#pragma once

#include <vector>

#include "dlc/ir/IR.h"
#include "dlc/ir/Tensor.h"

namespace dlc::test {

inline TensorType f32(std::vector<int64_t> extents) { return TensorType::fromExtents(DType::Float32, extents); }

inline Tensor f32Tensor(std::vector<int64_t> extents, std::vector<float> values) {
  return Tensor::fromVector<float>(std::move(extents), values);
}

inline Tensor i64Tensor(std::vector<int64_t> values) {
  int64_t n = static_cast<int64_t>(values.size());
  return Tensor::fromVector<int64_t>({n}, values);
}

}  // namespace dlc::test
