// Helpers shared by the matrix-product ops (Linalg.cpp, Einsum.cpp,
// Quantization.cpp): numpy matmul shapes with batch broadcasting and a matmul
// kernel over double buffers. Internal to core.
#pragma once

#include <vector>

#include "dlc/ir/OpRegistry.h"

namespace dlc::ops {

// Shapes of a numpy matmul: 1-D operands are promoted (and the added dim
// dropped from `outExt`), batch dims broadcast.
struct MatMulShape {
  int64_t M = 0, K = 0, N = 0;
  std::vector<int64_t> offA, offB;  // per output batch: the A / B batch index
  std::vector<int64_t> outExt;      // final output extents
};
MatMulShape matMulShape(const Node& node, const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// out[batch, M, N] = sum_k a[.., M, K] * b[.., K, N] in double.
std::vector<double> matMulDoubles(const MatMulShape& s, const double* a, const double* b);

// Output type of a numpy matmul (symbolic dims allowed).
TensorType inferMatMulType(const Node& node, TensorType a, TensorType b, DType outDType);

// The Einsum op definition (Einsum.cpp).
OpDef einsumOpDef();

}  // namespace dlc::ops
