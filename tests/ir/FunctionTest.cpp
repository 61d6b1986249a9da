// Function and Module operations: topoSort, replaceAllUsesWith, eraseNode,
// eraseUnusedConstants, clone.
#include <gtest/gtest.h>

#include "IrTestUtil.h"
#include "dlc/ir/IR.h"
#include "dlc/ir/Printer.h"

namespace dlc {
namespace {

TensorType f32(int64_t n) { return TensorType(DType::Float32, {Dim(n)}); }

std::vector<std::string> nodeNames(const Function& f) {
  std::vector<std::string> out;
  for (const Node* n : f.nodes()) out.push_back(n->output()->name());
  return out;
}

TEST(Function, TopoSortIsStable) {
  Function f("main");
  Value* x = f.addArgument("x", f32(2));
  // c depends on b, b on a; d is independent. Insert as c, d, b, a.
  Node* c = f.addNode("Relu", {nullptr}, {}, {f32(2)}, {"c"});
  f.addNode("Relu", {x}, {}, {f32(2)}, {"d"});
  Node* b = f.addNode("Relu", {nullptr}, {}, {f32(2)}, {"b"});
  Node* a = f.addNode("Relu", {x}, {}, {f32(2)}, {"a"});
  c->setInput(0, b->output());
  b->setInput(0, a->output());
  f.topoSort();
  EXPECT_EQ(nodeNames(f), (std::vector<std::string>{"d", "a", "b", "c"}));
  f.topoSort();  // already sorted: unchanged
  EXPECT_EQ(nodeNames(f), (std::vector<std::string>{"d", "a", "b", "c"}));
}

TEST(Function, TopoSortReportsCycle) {
  Function f("main");
  Value* x = f.addArgument("x", f32(2));
  Node* a = f.addNode("Add", {x, nullptr}, {}, {f32(2)}, {"a"});
  Node* b = f.addNode("Relu", {a->output()}, {}, {f32(2)}, {"b"});
  a->setInput(1, b->output());
  try {
    f.topoSort();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "function @main: cycle through node Add (%a)");
  }
}

TEST(Function, ReplaceAllUsesWith) {
  Function f("main");
  Value* x = f.addArgument("x", f32(2));
  Value* y = f.addArgument("y", f32(2));
  Node* a = f.addNode("Add", {x, x}, {}, {f32(2)}, {"a"});
  Node* b = f.addNode("Relu", {x}, {}, {f32(2)}, {"b"});
  f.setOutputs({x, a->output()});
  f.replaceAllUsesWith(x, y);
  EXPECT_EQ(a->input(0), y);
  EXPECT_EQ(a->input(1), y);
  EXPECT_EQ(b->input(0), y);
  EXPECT_EQ(f.outputs()[0], y);
  EXPECT_EQ(f.outputs()[1], a->output());
  EXPECT_TRUE(f.computeUses()[x].empty());
  EXPECT_EQ(f.computeUses()[y].size(), 3u);
}

TEST(Function, EraseNode) {
  Function f("main");
  Value* x = f.addArgument("x", f32(2));
  Node* a = f.addNode("Relu", {x}, {}, {f32(2)}, {"a"});
  Node* b = f.addNode("Relu", {a->output()}, {}, {f32(2)}, {"b"});
  f.setOutputs({b->output()});
  try {
    f.eraseNode(a);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "eraseNode: a result of Relu (%a) is still used by Relu (%b)");
  }
  try {
    f.eraseNode(b);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "eraseNode: a result of Relu (%b) is a function output");
  }
  f.setOutputs({x});
  f.eraseNode(b);
  f.eraseNode(a);
  EXPECT_EQ(f.numNodes(), 0u);
  EXPECT_EQ(f.findValue("a"), nullptr);
  EXPECT_EQ(f.findValue("b"), nullptr);
  // The names are free again.
  EXPECT_NO_THROW(f.addNode("Relu", {x}, {}, {f32(2)}, {"a"}));
}

TEST(Function, EraseUnusedConstants) {
  Function f("main");
  Value* x = f.addArgument("x", f32(2));
  Value* used = f.addConstant("used", Tensor(DType::Float32, {2}));
  f.addConstant("unused", Tensor(DType::Float32, {2}));
  Value* out = f.addConstant("out", Tensor(DType::Float32, {1}));
  f.addNode("Add", {x, used}, {}, {f32(2)}, {"a"});
  f.setOutputs({out});
  f.eraseUnusedConstants();
  ASSERT_EQ(f.constants().size(), 2u);
  EXPECT_EQ(f.constants()[0]->name(), "used");
  EXPECT_EQ(f.constants()[1]->name(), "out");
  EXPECT_EQ(f.findValue("unused"), nullptr);
}

TEST(Function, DuplicateNamesRejected) {
  Function f("main");
  f.addArgument("x", f32(2));
  EXPECT_THROW(f.addArgument("x", f32(2)), Error);
  Value* fresh = f.addConstant("", Tensor(DType::Int8, {}));
  EXPECT_FALSE(fresh->name().empty());
  EXPECT_EQ(f.findValue(fresh->name()), fresh);
}

TEST(Module, CloneIsDeepAndIdentical) {
  Module m("m");
  m.metadata()["k"] = "v";
  Function* f = m.addFunction("main");
  Value* x = f->addArgument("x", TensorType(DType::Float32, {Dim::sym("N")}));
  Value* c = f->addConstant("c", Tensor::fromVector<float>({1}, {2.0f}));
  Node* n = f->addNode("Mul", {x, c}, {{"k", Attribute(int64_t{3})}}, {x->type()}, {"y"});
  n->setName("mul");
  f->setOutputs({n->output()});
  m.addFunction("second")->setOutputs({});

  auto copy = m.clone();
  EXPECT_EQ(test::diffModules(m, *copy), "");
  EXPECT_EQ(printModule(*copy), printModule(m));
  // Deep: values and nodes are new objects pointing within the copy.
  Function& g = copy->main();
  EXPECT_NE(g.findValue("x"), x);
  EXPECT_EQ(g.nodes()[0]->input(0), g.findValue("x"));
  EXPECT_EQ(g.nodes()[0]->parent(), &g);
  EXPECT_EQ(g.outputs()[0], g.nodes()[0]->output());
  // Changing the copy leaves the original alone.
  g.nodes()[0]->setName("changed");
  EXPECT_EQ(n->name(), "mul");
}

TEST(Module, FunctionsByName) {
  Module m;
  EXPECT_EQ(m.name(), "module");
  EXPECT_THROW(m.main(), Error);
  m.addFunction("main");
  EXPECT_THROW(m.addFunction("main"), Error);
  EXPECT_EQ(&m.main(), m.function("main"));
  EXPECT_EQ(m.function("other"), nullptr);
}

}  // namespace
}  // namespace dlc
