// Element types of tensors, their sizes and names, and float16/bfloat16
// conversions. Names in the text format are short: f32, i64, bool, ...
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dlc {

enum class DType : uint8_t {
  Undefined = 0,
  Float32,
  Float64,
  Float16,
  BFloat16,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Bool,
};

size_t dtypeSize(DType t);
std::string_view dtypeName(DType t);                  // "f32"
std::optional<DType> parseDType(std::string_view s);  // inverse of dtypeName
bool isFloat(DType t);    // f16, bf16, f32, f64
bool isInteger(DType t);  // signed and unsigned ints (not bool)
bool isSigned(DType t);   // signed ints and floats

float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);  // round to nearest even
float bfloat16ToFloat(uint16_t b);
uint16_t floatToBFloat16(float f);  // round to nearest even

// Maps a C++ type to its DType.
template <typename T>
struct DTypeOf;
#define DLC_DTYPE_OF(T, D) \
  template <>              \
  struct DTypeOf<T> {      \
    static constexpr DType value = DType::D; \
  };
DLC_DTYPE_OF(float, Float32)
DLC_DTYPE_OF(double, Float64)
DLC_DTYPE_OF(int8_t, Int8)
DLC_DTYPE_OF(int16_t, Int16)
DLC_DTYPE_OF(int32_t, Int32)
DLC_DTYPE_OF(int64_t, Int64)
DLC_DTYPE_OF(uint8_t, UInt8)
DLC_DTYPE_OF(uint16_t, UInt16)
DLC_DTYPE_OF(uint32_t, UInt32)
DLC_DTYPE_OF(uint64_t, UInt64)
DLC_DTYPE_OF(bool, Bool)
#undef DLC_DTYPE_OF

}  // namespace dlc
