// The verifier: one test per error it reports, with the exact message, and
// type re-inference.
#include <gtest/gtest.h>

#include "dlc/ir/OpRegistry.h"
#include "dlc/ir/Parser.h"
#include "dlc/ir/Printer.h"
#include "dlc/ir/Verifier.h"

namespace dlc {
namespace {

std::string verifyError(const Module& m) {
  try {
    verifyModule(m);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::string verifyText(const std::string& body, const std::string& args = "%x: tensor<2x3xf32>") {
  auto m = parseModule("module @m {\n  func @main(" + args + ") {\n" + body + "  }\n}\n");
  return verifyError(*m);
}

TEST(Verifier, AcceptsValidFunction) {
  EXPECT_EQ(verifyText("    %c = const tensor<3xf32> [1.0, 2.0, 3.0]\n"
                       "    %y = Add(%x, %c) : tensor<2x3xf32>\n"
                       "    %z = Relu(%y) : tensor<2x3xf32> loc(\"r\")\n"
                       "    return %z, %x, %c\n"),
            "no error");
}

TEST(Verifier, UnknownOp) {
  EXPECT_EQ(verifyText("    %y = NoSuchOp(%x) : tensor<2x3xf32> loc(\"n1\")\n    return %y\n"),
            "function @main: NoSuchOp 'n1' (%y): unknown op 'NoSuchOp'");
}

TEST(Verifier, Arity) {
  EXPECT_EQ(verifyText("    %y = Add(%x) : tensor<2x3xf32>\n    return %y\n"),
            "function @main: Add (%y): takes 2 inputs, got 1");
  EXPECT_EQ(verifyText("    %y, %z = Relu(%x) : tensor<2x3xf32>, tensor<2x3xf32>\n    return %y\n"),
            "function @main: Relu (%y): has 2 results, op allows 1..1");
}

TEST(Verifier, RequiredInputAbsent) {
  EXPECT_EQ(verifyText("    %y = Add(%x, none) : tensor<2x3xf32>\n    return %y\n"),
            "function @main: Add (%y): input 1 is required");
}

TEST(Verifier, AttributeKindAndName) {
  EXPECT_EQ(verifyText("    %y = Transpose(%x) {perm = 1} : tensor<3x2xf32>\n    return %y\n"),
            "function @main: Transpose (%y): attribute 'perm' must be ints, got int");
  EXPECT_EQ(verifyText("    %y = Relu(%x) {alpha = 1.0} : tensor<2x3xf32>\n    return %y\n"),
            "function @main: Relu (%y): unknown attribute 'alpha'");
}

TEST(Verifier, RequiredAttribute) {
  // Registered here so the test does not depend on which standard ops exist.
  if (!OpRegistry::global().find("test.NeedsAxis")) {
    OpDef d;
    d.name = "test.NeedsAxis";
    d.minInputs = d.maxInputs = 1;
    d.attrs = {AttrSpec{"axis", AttrKind::Int, true, std::nullopt}};
    d.infer = [](InferContext& c) { c.outputs = {c.in(0)}; };
    OpRegistry::global().add(std::move(d));
  }
  EXPECT_EQ(verifyText("    %y = test.NeedsAxis(%x) : tensor<2x3xf32>\n    return %y\n"),
            "function @main: test.NeedsAxis (%y): missing required attribute 'axis'");
  EXPECT_EQ(verifyText("    %y = test.NeedsAxis(%x) {axis = 0} : tensor<2x3xf32>\n    return %y\n"), "no error");
}

TEST(Verifier, UseBeforeDefinition) {
  EXPECT_EQ(verifyText("    %y = Relu(%z) : tensor<2x3xf32>\n    %z = Relu(%x) : tensor<2x3xf32>\n    return %y\n"),
            "function @main: Relu (%y): input 0 (%z) is used before it is defined");
}

TEST(Verifier, ValueOfAnotherFunction) {
  Module m("m");
  Function* f = m.addFunction("main");
  Function* g = m.addFunction("other");
  Value* foreign = g->addArgument("a", TensorType(DType::Float32, {2}));
  Value* x = f->addArgument("x", TensorType(DType::Float32, {2}));
  f->addNode("Add", {x, foreign}, {}, {TensorType(DType::Float32, {2})}, {"y"});
  f->setOutputs({x});
  g->setOutputs({foreign});
  EXPECT_EQ(verifyError(m), "function @main: Add (%y): input 1 (%a) is not a value of this function");
  Module m2("m2");
  Function* h = m2.addFunction("main");
  h->setOutputs({foreign});
  EXPECT_EQ(verifyError(m2), "function @main: output 0 (%a) is not a value of this function");
}

TEST(Verifier, MissingOutput) {
  Module m("m");
  Function* f = m.addFunction("main");
  f->setOutputs({nullptr});
  EXPECT_EQ(verifyError(m), "function @main: output 0 is missing");
}

TEST(Verifier, DuplicateNames) {
  Module m("m");
  Function* f = m.addFunction("main");
  Value* x = f->addArgument("x", TensorType(DType::Float32, {2}));
  Node* n = f->addNode("Relu", {x}, {}, {TensorType(DType::Float32, {2})}, {"y"});
  n->output()->setName("x");
  f->setOutputs({n->output()});
  EXPECT_EQ(verifyError(m), "function @main: value name %x is used twice");
}

TEST(Verifier, ResultTypeMismatch) {
  EXPECT_EQ(verifyText("    %y = Relu(%x) : tensor<2x4xf32>\n    return %y\n"),
            "function @main: Relu (%y): result 0 (%y) has type tensor<2x4xf32> but inference gives tensor<2x3xf32>");
  EXPECT_EQ(verifyText("    %y = Relu(%x) : tensor<2x3xf64>\n    return %y\n"),
            "function @main: Relu (%y): result 0 (%y) has type tensor<2x3xf64> but inference gives tensor<2x3xf32>");
  EXPECT_EQ(verifyText("    %y = Relu(%x) : tensor<6xf32>\n    return %y\n"),
            "function @main: Relu (%y): result 0 (%y) has type tensor<6xf32> but inference gives tensor<2x3xf32>");
  // Symbolic, unknown and unranked types are compatible with static ones.
  EXPECT_EQ(verifyText("    %y = Relu(%x) : tensor<{N}x?xf32>\n    %z = Relu(%y) : tensor<*xf32>\n"
                       "    %w = Relu(%z) : tensor<2x3xf32>\n    return %w\n"),
            "no error");
}

TEST(Verifier, InferenceErrorsNameFunctionAndNode) {
  EXPECT_EQ(verifyText("    %y = Add(%x, %b) : tensor<2x3xf32> loc(\"add\")\n    return %y\n",
                       "%x: tensor<2x3xf32>, %b: tensor<4xf32>")
                .rfind("function @main: Add 'add' (%y): ", 0),
            0u);
}

TEST(Verifier, ConstantTypeMustMatchData) {
  Module m("m");
  Function* f = m.addFunction("main");
  Value* c = f->addConstant("c", Tensor(DType::Float32, {2}));
  c->setType(TensorType(DType::Float32, {3}));
  f->setOutputs({c});
  EXPECT_EQ(verifyError(m), "function @main: constant %c has type tensor<3xf32> but its data is tensor<2xf32>");
}

TEST(Verifier, SecondFunctionChecked) {
  auto m = parseModule(
      "module @m {\n  func @main() {\n    return\n  }\n  func @g(%a: tensor<2xf32>) {\n"
      "    %b = Bogus(%a) : tensor<2xf32>\n    return %b\n  }\n}\n");
  EXPECT_EQ(verifyError(*m), "function @g: Bogus (%b): unknown op 'Bogus'");
}

TEST(InferTypes, SetsResultTypesInOrder) {
  auto m = parseModule(
      "module @m {\n  func @main(%x: tensor<4x3xf32>, %w: tensor<3x5xf32>) {\n"
      "    %s = const tensor<2xi64> [2, -1]\n"
      "    %a = MatMul(%x, %w) : tensor<*xf32>\n"
      "    %b = Relu(%a) : tensor<*xf32>\n"
      "    %c = Reshape(%b, %s) : tensor<*xf32>\n"
      "    %d = Transpose(%c) : tensor<*xf32>\n"
      "    return %d\n  }\n}\n");
  inferTypes(*m);
  Function& f = m->main();
  EXPECT_EQ(f.findValue("a")->type().str(), "tensor<4x5xf32>");
  EXPECT_EQ(f.findValue("b")->type().str(), "tensor<4x5xf32>");
  EXPECT_EQ(f.findValue("c")->type().str(), "tensor<2x10xf32>");
  EXPECT_EQ(f.findValue("d")->type().str(), "tensor<10x2xf32>");
  EXPECT_NO_THROW(verifyModule(*m));
}

TEST(InferTypes, ErrorsNameFunction) {
  auto m = parseModule(
      "module @m {\n  func @main(%x: tensor<2xf32>) {\n    %y = Nope(%x) : tensor<2xf32>\n    return %y\n  }\n}\n");
  try {
    inferTypes(m->main());
    FAIL() << "expected an error";
  } catch (const Unsupported& e) {
    EXPECT_STREQ(e.what(), "function @main: unknown op 'Nope' at Nope (%y)");
  }
}

}  // namespace
}  // namespace dlc
