// Helpers shared by the data-movement ops (Shape.cpp, Indexing.cpp,
// Padding.cpp, Resize.cpp, Generators.cpp): reading constant integer inputs
// during inference, walking index spaces, and copying elements as raw bytes so
// one implementation serves every dtype. Internal to core.
#pragma once

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "ops/OpHelpers.h"

namespace dlc::ops {

// The values of integer input i when it is a known constant.
inline std::optional<std::vector<int64_t>> constInts(const InferContext& ctx, size_t i) {
  const Tensor* t = ctx.constant(i);
  if (!t) return std::nullopt;
  return toInt64Vector(*t);
}

// The static length of a 1-D input (e.g. a shape or axes input), if known.
inline std::optional<int64_t> staticLength(const InferContext& ctx, size_t i) {
  if (!ctx.has(i)) return std::nullopt;
  const TensorType& t = ctx.in(i);
  if (!t.ranked || t.rank() != 1 || !t.shape[0].isStatic()) return std::nullopt;
  return t.shape[0].value;
}

// A shape of `rank` unknown dims.
// A shape of `rank` unknown dims; a negative or absurd rank (from bad axes or
// lengths) is an error, not an allocation.
inline Shape unknownShape(int64_t rank) {
  DLC_CHECK(rank >= 0 && rank <= 1024, "a result of rank ", rank, " is out of range");
  return Shape(static_cast<size_t>(rank), Dim());
}

// Product of dims s[begin, end): static when all are, the one symbolic dim
// when the others are all 1, else unknown.
inline Dim productDim(const Shape& s, size_t begin, size_t end) {
  int64_t p = 1;
  const Dim* symbolic = nullptr;
  size_t numSymbolic = 0;
  for (size_t i = begin; i < end; ++i) {
    if (s[i].isStatic()) {
      p *= s[i].value;
    } else {
      symbolic = &s[i];
      ++numSymbolic;
    }
  }
  if (numSymbolic == 0) return Dim(p);
  if (p == 0) return Dim(0);
  return numSymbolic == 1 && p == 1 ? *symbolic : Dim();
}

// Advances a row-major multi-index over `extents`; returns false after the last.
inline bool nextIndex(std::vector<int64_t>& idx, const std::vector<int64_t>& extents) {
  for (size_t d = idx.size(); d-- > 0;) {
    if (++idx[d] < extents[d]) return true;
    idx[d] = 0;
  }
  return false;
}

// Calls f(outIndex, linear) for every element of a tensor of `extents`, in
// row-major order.
template <typename F>
void forEachIndex(const std::vector<int64_t>& extents, F f) {
  int64_t n = checkedNumElements(extents);
  if (n == 0) return;
  std::vector<int64_t> idx(extents.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    f(static_cast<const std::vector<int64_t>&>(idx), k);
    nextIndex(idx, extents);
  }
}

// Fills `out` by copying, for each output element, the input element whose
// linear offset `srcOffset(outIndex)` returns (same dtype, raw bytes).
template <typename F>
void copyFromOffsets(const Tensor& in, Tensor& out, F srcOffset) {
  size_t es = dtypeSize(in.dtype());
  const auto* src = static_cast<const uint8_t*>(in.rawData());
  auto* dst = static_cast<uint8_t*>(out.rawData());
  forEachIndex(out.extents(), [&](const std::vector<int64_t>& idx, int64_t k) {
    int64_t off = srcOffset(idx);
    std::memcpy(dst + static_cast<size_t>(k) * es, src + static_cast<size_t>(off) * es, es);
  });
}

// Copies one element (raw bytes) between tensors of the same dtype.
inline void copyElement(const Tensor& from, int64_t i, Tensor& to, int64_t j) {
  size_t es = dtypeSize(from.dtype());
  std::memcpy(static_cast<uint8_t*>(to.rawData()) + static_cast<size_t>(j) * es,
              static_cast<const uint8_t*>(from.rawData()) + static_cast<size_t>(i) * es, es);
}

// Linear offset of a multi-index under row-major strides.
inline int64_t offsetOf(const std::vector<int64_t>& idx, const std::vector<int64_t>& strides) {
  int64_t off = 0;
  for (size_t d = 0; d < idx.size(); ++d) off += idx[d] * strides[d];
  return off;
}

// Checks that an input tensor holds integers (an index, shape or axes input).
inline void requireIntegerInput(const Node& node, const Tensor& t, const char* what) {
  DLC_CHECK(isInteger(t.dtype()), node.describe(), ": ", what, " must be an integer tensor, got ",
            dtypeName(t.dtype()));
}

// Normalizes a list of axes for `rank` and rejects duplicates.
std::vector<int64_t> normalizeAxes(const Node& node, const std::vector<int64_t>& axes, int64_t rank);

// ONNX TensorProto.DataType numbers (as used by the "dtype"/"to" attributes) ->
// DType; throws Unsupported naming the node for other types.
DType dtypeFromOnnxCode(const Node& node, int64_t code);

}  // namespace dlc::ops
