// DType names and sizes, float16/bfloat16 conversions (round to nearest even,
// subnormals, inf, nan) and Tensor element access.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "dlc/ir/Tensor.h"

namespace dlc {
namespace {

float fromBits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

TEST(DType, NamesRoundTrip) {
  for (DType d : {DType::Float32, DType::Float64, DType::Float16, DType::BFloat16, DType::Int8, DType::Int16,
                  DType::Int32, DType::Int64, DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64,
                  DType::Bool}) {
    EXPECT_EQ(parseDType(dtypeName(d)), d) << dtypeName(d);
  }
  EXPECT_EQ(parseDType("f33"), std::nullopt);
  EXPECT_EQ(parseDType("undefined"), std::nullopt);
  EXPECT_EQ(dtypeSize(DType::BFloat16), 2u);
  EXPECT_EQ(dtypeSize(DType::UInt64), 8u);
  EXPECT_TRUE(isFloat(DType::BFloat16));
  EXPECT_FALSE(isInteger(DType::Bool));
  EXPECT_TRUE(isSigned(DType::Int8));
  EXPECT_FALSE(isSigned(DType::UInt8));
}

TEST(Half, ExactValues) {
  EXPECT_EQ(floatToHalf(1.0f), 0x3C00);
  EXPECT_EQ(floatToHalf(-2.0f), 0xC000);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF);
  EXPECT_EQ(floatToHalf(0.0f), 0x0000);
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(halfToFloat(0x3555), 0.333251953125f);
  EXPECT_EQ(halfToFloat(0x8000), 0.0f);
  EXPECT_TRUE(std::signbit(halfToFloat(0x8000)));
}

TEST(Half, RoundToNearestEven) {
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1.0).
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3C00);
  // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
  EXPECT_EQ(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  // Just above halfway rounds up.
  EXPECT_EQ(floatToHalf(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)), 0x3C01);
}

TEST(Half, Subnormals) {
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(halfToFloat(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(floatToHalf(std::ldexp(3.0f, -24)), 0x0003);
  // Half of the smallest subnormal ties to even (zero); a bit more rounds up.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(floatToHalf(std::ldexp(1.5f, -25)), 0x0001);
  // 1.5 * 2^-24 ties between 1 and 2 subnormal steps: even is 2.
  EXPECT_EQ(floatToHalf(std::ldexp(1.5f, -24)), 0x0002);
  EXPECT_EQ(floatToHalf(-std::ldexp(1.0f, -24)), 0x8001);
  // Every half round-trips through float.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF)) continue;  // NaNs
    ASSERT_EQ(floatToHalf(halfToFloat(static_cast<uint16_t>(h))), h) << std::hex << h;
  }
}

TEST(Half, InfinityAndNan) {
  EXPECT_EQ(floatToHalf(std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_EQ(floatToHalf(-std::numeric_limits<float>::infinity()), 0xFC00);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7C00);  // rounds past the largest finite
  EXPECT_EQ(floatToHalf(65519.0f), 0x7BFF);
  EXPECT_EQ(floatToHalf(1e10f), 0x7C00);
  EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(std::nanf("")))));
  EXPECT_EQ(floatToHalf(std::nanf("")) & 0x7C00, 0x7C00);
  EXPECT_TRUE(std::isinf(halfToFloat(0x7C00)));
  EXPECT_TRUE(std::isnan(halfToFloat(0x7C01)));
}

TEST(BFloat16, Conversions) {
  EXPECT_EQ(floatToBFloat16(1.0f), 0x3F80);
  EXPECT_EQ(bfloat16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(bfloat16ToFloat(0xC000), -2.0f);
  // Ties to even: 0x3F808000 is halfway between 0x3F80 and 0x3F81.
  EXPECT_EQ(floatToBFloat16(fromBits(0x3F808000u)), 0x3F80);
  EXPECT_EQ(floatToBFloat16(fromBits(0x3F818000u)), 0x3F82);
  EXPECT_EQ(floatToBFloat16(fromBits(0x3F808001u)), 0x3F81);
  // Subnormals keep their top bits.
  EXPECT_EQ(floatToBFloat16(fromBits(0x00010000u)), 0x0001);
  EXPECT_EQ(bfloat16ToFloat(0x0001), fromBits(0x00010000u));
  // Overflow rounds to inf, inf stays inf, NaN stays NaN (quiet).
  EXPECT_EQ(floatToBFloat16(fromBits(0x7F7FFFFFu)), 0x7F80);
  EXPECT_EQ(floatToBFloat16(std::numeric_limits<float>::infinity()), 0x7F80);
  EXPECT_EQ(floatToBFloat16(-std::numeric_limits<float>::infinity()), 0xFF80);
  uint16_t n = floatToBFloat16(fromBits(0x7F800001u));  // signalling NaN with a low payload
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(n)));
}

TEST(Tensor, GetSetDoubleAllDTypes) {
  struct Case {
    DType dt;
    double in, out;
  };
  const Case cases[] = {
      {DType::Float32, 0.1, static_cast<double>(0.1f)},
      {DType::Float64, 0.1, 0.1},
      {DType::Float16, 1.0 / 3.0, 0.333251953125},
      {DType::BFloat16, 1.0 / 3.0, 0.333984375},
      {DType::Int8, -5.9, -5.0},
      {DType::Int8, 1000.0, 127.0},    // saturates
      {DType::Int8, -1000.0, -128.0},  // saturates
      {DType::UInt8, -3.0, 0.0},
      {DType::UInt16, 70000.0, 65535.0},
      {DType::Int32, 123456.7, 123456.0},
      {DType::Int64, -9e18, -9e18},
      {DType::UInt32, 4e9, 4e9},
      {DType::UInt64, 1e19, 1e19},
      {DType::Bool, 0.5, 1.0},
      {DType::Bool, 0.0, 0.0},
      {DType::Int16, std::nan(""), 0.0},
  };
  for (const Case& c : cases) {
    Tensor t(c.dt, {2});
    t.setDouble(1, c.in);
    EXPECT_EQ(t.getDouble(1), c.out) << dtypeName(c.dt) << " " << c.in;
    EXPECT_EQ(t.getDouble(0), 0.0) << dtypeName(c.dt);
  }
}

TEST(Tensor, Int64AccessAndCopies) {
  Tensor t(DType::Int64, {3});
  t.setInt64(0, INT64_MIN);
  t.setInt64(2, INT64_MAX);
  EXPECT_EQ(t.getInt64(0), INT64_MIN);
  EXPECT_EQ(t.getInt64(2), INT64_MAX);
  Tensor shared = t.reshaped({1, 3});
  Tensor deep = t.clone();
  t.setInt64(1, 7);
  EXPECT_EQ(shared.getInt64(1), 7);  // shares the buffer
  EXPECT_EQ(deep.getInt64(1), 0);    // deep copy does not
  EXPECT_THROW(t.reshaped({2, 2}), Error);
  EXPECT_FALSE(t.bitwiseEqual(deep));
  EXPECT_TRUE(t.clone().bitwiseEqual(t));
  Tensor h(DType::Float16, {});
  h.setDouble(0, 2.0);
  EXPECT_EQ(h.data<Half>()[0].bits, 0x4000);
  EXPECT_EQ(Tensor::scalar(DType::Float32, 1.5).getDouble(0), 1.5);
}

TEST(Tensor, NanComparesBitwise) {
  Tensor a = Tensor::fromVector<float>({1}, {std::nanf("")});
  Tensor b = a.clone();
  EXPECT_TRUE(a == b);
  uint32_t bits = 0x7FC00001u;
  std::memcpy(b.rawData(), &bits, 4);
  EXPECT_FALSE(a == b);
}

TEST(Tensor, OverflowingExtentsRejected) {
  EXPECT_THROW(Tensor(DType::Float32, {1LL << 40, 1LL << 40}), Error);
  EXPECT_THROW(Tensor(DType::Float32, {-1}), Error);
  EXPECT_EQ(checkedNumElements({0, INT64_MAX}), 0);
}

}  // namespace
}  // namespace dlc
