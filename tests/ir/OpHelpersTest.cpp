// Broadcasting and axis helpers of core/ops/OpHelpers.h.
#include <gtest/gtest.h>

#include "dlc/ir/IR.h"
#include "ops/OpHelpers.h"

namespace dlc {
namespace {

class OpHelpers : public ::testing::Test {
 protected:
  OpHelpers() : f_("main") {
    Value* x = f_.addArgument("x", TensorType(DType::Float32, {}));
    node_ = f_.addNode("Add", {x, x}, {}, {TensorType(DType::Float32, {})}, {"y"});
  }
  Function f_;
  Node* node_;
};

TEST_F(OpHelpers, BroadcastExtents) {
  EXPECT_EQ(ops::broadcastExtents(*node_, {2, 1, 4}, {3, 1}), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(ops::broadcastExtents(*node_, {}, {5}), (std::vector<int64_t>{5}));
  EXPECT_EQ(ops::broadcastExtents(*node_, {0, 1}, {1, 3}), (std::vector<int64_t>{0, 3}));
  try {
    ops::broadcastExtents(*node_, {2, 3}, {4});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Add (%y)"), std::string::npos) << e.what();
  }
}

TEST_F(OpHelpers, BroadcastSymbolicShapes) {
  Shape a = {Dim::sym("N"), Dim(1), Dim(4)};
  Shape b = {Dim(3), Dim(1)};
  Shape r = ops::broadcastShapes(*node_, a, b);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0], Dim::sym("N"));
  EXPECT_EQ(r[1], Dim(3));
  EXPECT_EQ(r[2], Dim(4));
  // A symbol broadcasts with 1 and with itself.
  Shape s = ops::broadcastShapes(*node_, {Dim::sym("N")}, {Dim(1)});
  EXPECT_EQ(s[0], Dim::sym("N"));
  s = ops::broadcastShapes(*node_, {Dim::sym("N")}, {Dim::sym("N")});
  EXPECT_EQ(s[0], Dim::sym("N"));
  EXPECT_THROW(ops::broadcastShapes(*node_, {Dim(2)}, {Dim(3)}), Error);
}

TEST_F(OpHelpers, StridesAndOffsets) {
  EXPECT_EQ(ops::stridesOf({2, 3, 4}), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(ops::stridesOf({}), (std::vector<int64_t>{}));
  // out 2x3, in 1x3: rows repeat.
  EXPECT_EQ(ops::broadcastOffsets({2, 3}, {1, 3}), (std::vector<int64_t>{0, 1, 2, 0, 1, 2}));
  // out 2x3, in 2x1: columns repeat.
  EXPECT_EQ(ops::broadcastOffsets({2, 3}, {2, 1}), (std::vector<int64_t>{0, 0, 0, 1, 1, 1}));
  // lower rank input aligns to the right.
  EXPECT_EQ(ops::broadcastOffsets({2, 2}, {2}), (std::vector<int64_t>{0, 1, 0, 1}));
  EXPECT_EQ(ops::broadcastOffsets({2, 2}, {}), (std::vector<int64_t>{0, 0, 0, 0}));
}

TEST_F(OpHelpers, NormalizeAxis) {
  EXPECT_EQ(ops::normalizeAxis(*node_, -1, 4), 3);
  EXPECT_EQ(ops::normalizeAxis(*node_, 0, 4), 0);
  EXPECT_EQ(ops::normalizeAxis(*node_, -4, 4), 0);
  EXPECT_THROW(ops::normalizeAxis(*node_, 4, 4), Error);
  EXPECT_THROW(ops::normalizeAxis(*node_, -5, 4), Error);
}

}  // namespace
}  // namespace dlc
