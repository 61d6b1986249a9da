// Tensor types: a dtype and a shape. A dim is either a static extent or a named
// symbolic dim (`N`, `seq`); an anonymous unknown dim is the symbol "?". A type
// may also be unranked (rank unknown), printed `tensor<*xf32>`. Text form:
// `tensor<{N}x3x?xf32>` (symbol N, static 3, anonymous unknown).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dlc/ir/DType.h"

namespace dlc {

struct Dim {
  int64_t value = -1;  // >= 0 when static
  std::string symbol;  // non-empty when symbolic

  Dim() : symbol("?") {}
  Dim(int64_t v) : value(v) {}  // NOLINT: implicit from an extent is natural
  static Dim sym(std::string name) {
    Dim d;
    d.symbol = std::move(name);
    return d;
  }
  bool isStatic() const { return value >= 0; }
  bool operator==(const Dim& o) const { return value == o.value && symbol == o.symbol; }
  bool operator!=(const Dim& o) const { return !(*this == o); }
};

using Shape = std::vector<Dim>;

struct TensorType {
  DType dtype = DType::Undefined;
  Shape shape;
  bool ranked = true;

  TensorType() = default;
  TensorType(DType dt, Shape s) : dtype(dt), shape(std::move(s)) {}
  static TensorType unranked(DType dt) {
    TensorType t(dt, {});
    t.ranked = false;
    return t;
  }
  static TensorType fromExtents(DType dt, const std::vector<int64_t>& extents);

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  bool isStatic() const;                     // ranked and every dim static
  std::optional<int64_t> numElements() const;  // when static
  std::vector<int64_t> extents() const;      // requires isStatic()
  bool operator==(const TensorType& o) const {
    return dtype == o.dtype && shape == o.shape && ranked == o.ranked;
  }
  bool operator!=(const TensorType& o) const { return !(*this == o); }
  std::string str() const;  // "tensor<1x3xNxf32>"
};

// Product of extents, throwing dlc::Error if it overflows int64 or any is negative.
int64_t checkedNumElements(const std::vector<int64_t>& extents);

}  // namespace dlc
