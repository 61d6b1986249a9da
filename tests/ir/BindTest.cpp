// Argument binding (dlc/ir/Bind.h): which inputs are shape operands, and how
// binding them makes a function's types static.
#include <gtest/gtest.h>

#include "dlc/ir/Bind.h"
#include "dlc/ir/Parser.h"
#include "dlc/support/Error.h"

namespace dlc {
namespace {

const char* kReshape = R"(module @m {
  func @main(%x: tensor<6xf32>, %shape: tensor<2xi64>, %axes: tensor<1xi64>) {
    %r = Reshape(%x, %shape) : tensor<?x?xf32>
    %s = ReduceSum(%r, %axes) {keepdims = 0} : tensor<?xf32>
    return %s
  }
}
)";

TEST(Bind, ShapeOperandTable) {
  EXPECT_TRUE(isShapeOperand("Reshape", 1));
  EXPECT_FALSE(isShapeOperand("Reshape", 0));
  EXPECT_TRUE(isShapeOperand("Slice", 4));
  EXPECT_TRUE(isShapeOperand("TopK", 1));
  EXPECT_FALSE(isShapeOperand("Add", 1));
  EXPECT_FALSE(isShapeOperand("NoSuchOp", 0));
}

TEST(Bind, ShapeOperandArgumentsInArgumentOrder) {
  auto m = parseModule(kReshape);
  EXPECT_EQ(shapeOperandArguments(m->main()), (std::vector<std::string>{"shape", "axes"}));
}

TEST(Bind, BindingMakesTypesStatic) {
  auto m = parseModule(kReshape);
  Function& f = m->main();
  bindArguments(f, {{"shape", Tensor::fromVector<int64_t>({2}, {2, 3})}, {"axes", Tensor::fromVector<int64_t>({1}, {1})}});
  ASSERT_EQ(f.arguments().size(), 1u);
  EXPECT_EQ(f.arguments()[0]->name(), "x");
  EXPECT_EQ(f.outputs()[0]->type(), TensorType(DType::Float32, {Dim(2)}));
  const Node* reshape = f.outputs()[0]->producer()->input(0)->producer();
  EXPECT_EQ(reshape->output()->type(), TensorType(DType::Float32, {Dim(2), Dim(3)}));
  EXPECT_TRUE(reshape->input(1)->isConstant());
}

TEST(Bind, UnknownNameIsRefused) {
  auto m = parseModule(kReshape);
  try {
    bindArguments(m->main(), {{"nope", Tensor::fromVector<int64_t>({1}, {1})}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "cannot bind 'nope': @main has no input of that name");
  }
}

TEST(Bind, WrongTypeIsRefusedNamingTheInput) {
  auto m = parseModule(kReshape);
  try {
    bindArguments(m->main(), {{"shape", Tensor::fromVector<int64_t>({3}, {1, 2, 3})}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("shape"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("tensor<2xi64>"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dlc
