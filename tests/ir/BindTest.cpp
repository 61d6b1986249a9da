// Shape-operand arguments: the inputs a static-shape target binds to values.
#include <gtest/gtest.h>

#include "dlc/ir/Bind.h"
#include "dlc/ir/IR.h"

namespace dlc {
namespace {

TEST(Bind, ShapeOperandsThroughComputingNodes) {
  Function f("main");
  Value* n = f.addArgument("n", TensorType(DType::Int32, {}));           // window size, as in expanded bodies
  Value* data = f.addArgument("data", TensorType(DType::Float32, {Dim(2), Dim(3)}));
  Value* direct = f.addArgument("shape", TensorType(DType::Int64, {Dim(1)}));
  Value* zero = f.addConstant("zero", Tensor::fromVector<float>({}, {0.f}));
  Value* one = f.addConstant("one", Tensor::fromVector<float>({}, {1.f}));
  // n -> Cast -> Range's limit: bound through the Cast.
  Node* cast = f.addNode("Cast", {n}, {{"to", Attribute(int64_t{1})}}, {TensorType(DType::Float32, {})}, {"nf"});
  Node* range = f.addNode("Range", {zero, cast->output(), one}, {}, {TensorType(DType::Float32, {Dim()})}, {"r"});
  // data -> Shape -> Reshape's shape: Shape reads only the type, so data stays an input.
  Node* shape = f.addNode("Shape", {data}, {}, {TensorType(DType::Int64, {Dim(2)})}, {"s"});
  Node* reshape = f.addNode("Reshape", {data, shape->output()}, {}, {TensorType(DType::Float32, {Dim(2), Dim(3)})}, {"y"});
  Node* flat = f.addNode("Reshape", {data, direct}, {}, {TensorType(DType::Float32, {Dim()})}, {"z"});
  f.setOutputs({range->output(), reshape->output(), flat->output()});
  EXPECT_EQ(shapeOperandArguments(f), (std::vector<std::string>{"n", "shape"}));
}

}  // namespace
}  // namespace dlc
