// A dense tensor value: dtype, static extents and a shared, immutable-by-convention
// byte buffer (row-major). Used for constants, attribute values, and the
// reference implementations' inputs and outputs.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dlc/ir/DType.h"
#include "dlc/ir/Type.h"
#include "dlc/support/Error.h"

namespace dlc {

// Storage types for the 16-bit floats, distinct from uint16_t.
struct Half {
  uint16_t bits;
};
struct BFloat16 {
  uint16_t bits;
};

class Tensor {
 public:
  Tensor() = default;
  // Zero-filled tensor.
  Tensor(DType dtype, std::vector<int64_t> extents);

  template <typename T>
  static Tensor fromVector(std::vector<int64_t> extents, const std::vector<T>& values) {
    Tensor t(DTypeOf<T>::value, std::move(extents));
    DLC_CHECK(static_cast<size_t>(t.numel()) == values.size(), "tensor data size mismatch");
    if constexpr (std::is_same_v<T, bool>) {
      for (size_t i = 0; i < values.size(); ++i) t.data<bool>()[i] = values[i];
    } else {
      if (!values.empty()) std::memcpy(t.rawData(), values.data(), values.size() * sizeof(T));
    }
    return t;
  }
  static Tensor scalar(DType dtype, double v);

  DType dtype() const { return dtype_; }
  const std::vector<int64_t>& extents() const { return extents_; }
  int64_t rank() const { return static_cast<int64_t>(extents_.size()); }
  int64_t dim(int64_t i) const { return extents_.at(static_cast<size_t>(i)); }
  int64_t numel() const { return numel_; }
  size_t byteSize() const { return static_cast<size_t>(numel_) * dtypeSize(dtype_); }
  TensorType type() const { return TensorType::fromExtents(dtype_, extents_); }
  bool defined() const { return dtype_ != DType::Undefined; }

  void* rawData() { return buf_ ? buf_->data() : nullptr; }
  const void* rawData() const { return buf_ ? buf_->data() : nullptr; }
  template <typename T>
  T* data() { return static_cast<T*>(rawData()); }
  template <typename T>
  const T* data() const { return static_cast<const T*>(rawData()); }

  // Element access through double / int64 (any dtype). Plain, not fast.
  double getDouble(int64_t i) const;
  void setDouble(int64_t i, double v);
  int64_t getInt64(int64_t i) const;
  void setInt64(int64_t i, int64_t v);

  // Same data, new extents (element count must match). Shares the buffer.
  Tensor reshaped(std::vector<int64_t> extents) const;
  // Deep copy.
  Tensor clone() const;
  // Same dtype/extents/bytes. NaNs compare equal bitwise.
  bool bitwiseEqual(const Tensor& o) const;
  bool operator==(const Tensor& o) const { return bitwiseEqual(o); }

 private:
  DType dtype_ = DType::Undefined;
  std::vector<int64_t> extents_;
  int64_t numel_ = 0;
  std::shared_ptr<std::vector<uint8_t>> buf_;
};

// Calls f(T{}) with T the storage type of `dtype` (float, double, Half, BFloat16,
// int8_t ... uint64_t, bool). Throws for Undefined.
template <typename F>
decltype(auto) dispatchDType(DType dtype, F&& f) {
  switch (dtype) {
    case DType::Float32: return f(float{});
    case DType::Float64: return f(double{});
    case DType::Float16: return f(Half{});
    case DType::BFloat16: return f(BFloat16{});
    case DType::Int8: return f(int8_t{});
    case DType::Int16: return f(int16_t{});
    case DType::Int32: return f(int32_t{});
    case DType::Int64: return f(int64_t{});
    case DType::UInt8: return f(uint8_t{});
    case DType::UInt16: return f(uint16_t{});
    case DType::UInt32: return f(uint32_t{});
    case DType::UInt64: return f(uint64_t{});
    case DType::Bool: return f(bool{});
    default: break;
  }
  fail("dispatch on undefined dtype");
}

}  // namespace dlc
