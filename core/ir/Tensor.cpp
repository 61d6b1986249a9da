#include "dlc/ir/Tensor.h"

#include <cmath>
#include <limits>

namespace dlc {

Tensor::Tensor(DType dtype, std::vector<int64_t> extents)
    : dtype_(dtype), extents_(std::move(extents)) {
  DLC_CHECK(dtype != DType::Undefined, "tensor of undefined dtype");
  numel_ = checkedNumElements(extents_);
  size_t bytes = static_cast<size_t>(numel_) * dtypeSize(dtype);
  DLC_CHECK(numel_ == 0 || bytes / static_cast<size_t>(numel_) == dtypeSize(dtype),
            "tensor too large");
  buf_ = std::make_shared<std::vector<uint8_t>>(bytes, 0);
}

Tensor Tensor::scalar(DType dtype, double v) {
  Tensor t(dtype, {});
  t.setDouble(0, v);
  return t;
}

namespace {
template <typename T>
double toDouble(const void* p, int64_t i) {
  const T* d = static_cast<const T*>(p);
  if constexpr (std::is_same_v<T, Half>)
    return halfToFloat(d[i].bits);
  else if constexpr (std::is_same_v<T, BFloat16>)
    return bfloat16ToFloat(d[i].bits);
  else
    return static_cast<double>(d[i]);
}

template <typename T>
void fromDouble(void* p, int64_t i, double v) {
  T* d = static_cast<T*>(p);
  if constexpr (std::is_same_v<T, Half>) {
    d[i].bits = floatToHalf(static_cast<float>(v));
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    d[i].bits = floatToBFloat16(static_cast<float>(v));
  } else if constexpr (std::is_same_v<T, bool>) {
    d[i] = v != 0.0;
  } else if constexpr (std::is_floating_point_v<T>) {
    d[i] = static_cast<T>(v);
  } else {
    // Saturate out-of-range and NaN instead of undefined behaviour.
    if (std::isnan(v)) {
      d[i] = 0;
    } else if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) {
      d[i] = std::numeric_limits<T>::lowest();
    } else if (v >= static_cast<double>(std::numeric_limits<T>::max())) {
      d[i] = std::numeric_limits<T>::max();
    } else {
      d[i] = static_cast<T>(v);
    }
  }
}
}  // namespace

double Tensor::getDouble(int64_t i) const {
  return dispatchDType(dtype_, [&](auto tag) { return toDouble<decltype(tag)>(rawData(), i); });
}

void Tensor::setDouble(int64_t i, double v) {
  dispatchDType(dtype_, [&](auto tag) { fromDouble<decltype(tag)>(rawData(), i, v); });
}

int64_t Tensor::getInt64(int64_t i) const {
  return dispatchDType(dtype_, [&](auto tag) -> int64_t {
    using T = decltype(tag);
    if constexpr (std::is_integral_v<T>)
      return static_cast<int64_t>(data<T>()[i]);
    else
      return static_cast<int64_t>(toDouble<T>(rawData(), i));
  });
}

void Tensor::setInt64(int64_t i, int64_t v) {
  dispatchDType(dtype_, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>)
      data<bool>()[i] = v != 0;
    else if constexpr (std::is_integral_v<T>)
      data<T>()[i] = static_cast<T>(v);
    else
      fromDouble<T>(rawData(), i, static_cast<double>(v));
  });
}

Tensor Tensor::reshaped(std::vector<int64_t> extents) const {
  DLC_CHECK(checkedNumElements(extents) == numel_, "reshape changes the element count");
  Tensor t = *this;
  t.extents_ = std::move(extents);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = *this;
  if (buf_) t.buf_ = std::make_shared<std::vector<uint8_t>>(*buf_);
  return t;
}

bool Tensor::bitwiseEqual(const Tensor& o) const {
  if (dtype_ != o.dtype_ || extents_ != o.extents_) return false;
  if (byteSize() == 0) return true;
  return std::memcmp(rawData(), o.rawData(), byteSize()) == 0;
}

}  // namespace dlc
