// Attribute kinds, typed getters and structural equality (NaN equals NaN).
#include <gtest/gtest.h>

#include <cmath>

#include "dlc/ir/Attribute.h"

namespace dlc {
namespace {

TEST(Attribute, KindsAndGetters) {
  EXPECT_EQ(Attribute(3).kind(), AttrKind::Int);
  EXPECT_EQ(Attribute(1.5f).kind(), AttrKind::Float);
  EXPECT_EQ(Attribute("s").kind(), AttrKind::String);
  EXPECT_EQ(Attribute(std::vector<int64_t>{}).kind(), AttrKind::Ints);
  EXPECT_EQ(Attribute(std::vector<double>{}).kind(), AttrKind::Floats);
  EXPECT_EQ(Attribute(std::vector<std::string>{}).kind(), AttrKind::Strings);
  EXPECT_EQ(Attribute(Tensor(DType::Int8, {1})).kind(), AttrKind::Tensor);
  EXPECT_EQ(Attribute(3).f(), 3.0);  // ints read as floats
  try {
    Attribute(1.0).i();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "attribute is float, expected int");
  }
}

TEST(Attribute, EqualityTreatsNaNsAsEqual) {
  double nan = std::nan("");
  EXPECT_EQ(Attribute(nan), Attribute(nan));
  EXPECT_EQ(Attribute(std::vector<double>{1.0, nan}), Attribute(std::vector<double>{1.0, nan}));
  EXPECT_NE(Attribute(std::vector<double>{1.0, nan}), Attribute(std::vector<double>{1.0, 2.0}));
  EXPECT_NE(Attribute(std::vector<double>{1.0}), Attribute(std::vector<double>{1.0, 1.0}));
  EXPECT_NE(Attribute(1), Attribute(1.0));  // kinds differ
  EXPECT_EQ(Attribute(Tensor::fromVector<float>({1}, {std::nanf("")})),
            Attribute(Tensor::fromVector<float>({1}, {std::nanf("")})));
}

}  // namespace
}  // namespace dlc
