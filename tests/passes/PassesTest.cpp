// The built-in passes on modules built through the C++ API: what they remove,
// fold and merge, and what they must leave alone.
#include <gtest/gtest.h>

#include "ConstFold.h"
#include "Cse.h"
#include "Dce.h"
#include "PassTestUtil.h"
#include "Simplify.h"
#include "dlc/ir/Verifier.h"

namespace dlc {
namespace {

using test::f32;
using test::f32Tensor;

std::vector<std::string> ops(const Function& f) {
  std::vector<std::string> out;
  for (const Node* n : f.nodes()) out.push_back(n->op());
  return out;
}

std::vector<std::string> outputNames(const Function& f) {
  std::vector<std::string> out;
  for (const Value* v : f.outputs()) out.push_back(v->name());
  return out;
}

TEST(Dce, ErasesDeadChainsAndConstants) {
  Module m;
  Function* f = m.addFunction("main");
  Value* x = f->addArgument("x", f32({2}));
  Value* c = f->addConstant("c", f32Tensor({2}, {1, 2}));
  Node* dead1 = f->addNode("Add", {x, c}, {}, {f32({2})}, {"d1"});
  f->addNode("Relu", {dead1->output(0)}, {}, {f32({2})}, {"d2"});
  Node* live = f->addNode("Exp", {x}, {}, {f32({2})}, {"y"});
  f->setOutputs({live->output(0)});
  EXPECT_TRUE(passes::eraseDeadCode(*f));
  EXPECT_EQ(ops(*f), (std::vector<std::string>{"Exp"}));
  EXPECT_TRUE(f->constants().empty());
  EXPECT_FALSE(passes::eraseDeadCode(*f));
  verifyModule(m);
}

TEST(ConstFold, FoldsChainsAndKeepsNames) {
  Module m;
  Function* f = m.addFunction("main");
  Value* x = f->addArgument("x", f32({2}));
  Value* a = f->addConstant("a", f32Tensor({2}, {1, 4}));
  Value* b = f->addConstant("b", f32Tensor({2}, {3, 5}));
  Node* add = f->addNode("Add", {a, b}, {}, {f32({2})}, {"s"});
  Node* sq = f->addNode("Sqrt", {add->output(0)}, {}, {f32({2})}, {"r"});
  Node* mul = f->addNode("Mul", {x, sq->output(0)}, {}, {f32({2})}, {"y"});
  f->setOutputs({mul->output(0)});
  EXPECT_TRUE(passes::foldConstants(*f));
  EXPECT_EQ(ops(*f), (std::vector<std::string>{"Mul"}));
  Value* r = f->findValue("r");
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->isConstant());
  EXPECT_EQ(f->nodes()[0]->input(1), r);
  EXPECT_FLOAT_EQ(r->constant().getDouble(0), 2.0f);
  EXPECT_FLOAT_EQ(r->constant().getDouble(1), 3.0f);
  f->eraseUnusedConstants();
  verifyModule(m);
}

TEST(ConstFold, FoldsAFunctionOutputKeepingItsName) {
  Module m;
  Function* f = m.addFunction("main");
  Value* a = f->addConstant("a", f32Tensor({2}, {-1, 4}));
  Node* relu = f->addNode("Relu", {a}, {}, {f32({2})}, {"y"});
  f->setOutputs({relu->output(0)});
  EXPECT_TRUE(passes::foldConstants(*f));
  EXPECT_EQ(outputNames(*f), (std::vector<std::string>{"y"}));
  EXPECT_TRUE(f->outputs()[0]->isConstant());
  EXPECT_EQ(f->outputs()[0]->constant().getDouble(0), 0.0);
}

TEST(ConstFold, RespectsTheSizeLimit) {
  Module m;
  Function* f = m.addFunction("main");
  Value* a = f->addConstant("a", f32Tensor({4}, {1, 2, 3, 4}));
  Node* relu = f->addNode("Relu", {a}, {}, {f32({4})}, {"y"});
  f->setOutputs({relu->output(0)});
  passes::ConstFoldOptions opts;
  opts.maxElements = 3;
  EXPECT_FALSE(passes::foldConstants(*f, opts));
  EXPECT_EQ(ops(*f), (std::vector<std::string>{"Relu"}));
  opts.maxElements = 4;
  EXPECT_TRUE(passes::foldConstants(*f, opts));
}

TEST(ConstFold, LeavesFailingEvaluationForTheRuntime) {
  Module m;
  Function* f = m.addFunction("main");
  Value* a = f->addConstant("a", f32Tensor({2, 3}, {1, 2, 3, 4, 5, 6}));
  Value* s = f->addConstant("s", test::i64Tensor({7}));
  Node* r = f->addNode("Reshape", {a, s}, {}, {f32({7})}, {"y"});
  f->setOutputs({r->output(0)});
  EXPECT_FALSE(passes::foldConstants(*f));
  EXPECT_EQ(ops(*f), (std::vector<std::string>{"Reshape"}));
}

TEST(ConstFold, LeavesNonConstantInputs) {
  Module m;
  Function* f = m.addFunction("main");
  Value* x = f->addArgument("x", f32({2}));
  Node* n = f->addNode("Relu", {x}, {}, {f32({2})}, {"y"});
  f->setOutputs({n->output(0)});
  EXPECT_FALSE(passes::foldConstants(*f));
}

TEST(Cse, MergesNodesAndConstants) {
  Module m;
  Function* f = m.addFunction("main");
  Value* x = f->addArgument("x", f32({2}));
  Value* c1 = f->addConstant("c1", f32Tensor({2}, {1, 2}));
  Value* c2 = f->addConstant("c2", f32Tensor({2}, {1, 2}));
  Value* c3 = f->addConstant("c3", f32Tensor({2}, {1, 3}));
  Node* a1 = f->addNode("Add", {x, c1}, {}, {f32({2})}, {"a1"});
  Node* a2 = f->addNode("Add", {x, c2}, {}, {f32({2})}, {"a2"});
  Node* a3 = f->addNode("Add", {x, c3}, {}, {f32({2})}, {"a3"});
  Node* m1 = f->addNode("Mul", {a1->output(0), a2->output(0)}, {}, {f32({2})}, {"m"});
  Node* m2 = f->addNode("Mul", {m1->output(0), a3->output(0)}, {}, {f32({2})}, {"y"});
  f->setOutputs({m2->output(0)});
  EXPECT_TRUE(passes::eliminateCommonSubexpressions(*f));
  EXPECT_EQ(ops(*f), (std::vector<std::string>{"Add", "Add", "Mul", "Mul"}));
  EXPECT_EQ(f->constants().size(), 2u);
  Node* mul = f->nodes()[2];
  EXPECT_EQ(mul->input(0), mul->input(1));
  EXPECT_EQ(mul->input(0)->name(), "a1");
  verifyModule(m);
}

TEST(Cse, DifferentAttributesAreNotMerged) {
  Module m;
  Function* f = m.addFunction("main");
  Value* x = f->addArgument("x", f32({2, 3}));
  Node* t1 = f->addNode("Transpose", {x}, {{"perm", std::vector<int64_t>{1, 0}}}, {f32({3, 2})}, {"t1"});
  Node* t2 = f->addNode("Transpose", {x}, {{"perm", std::vector<int64_t>{1, 0}}}, {f32({3, 2})}, {"t2"});
  Node* t3 = f->addNode("Identity", {x}, {}, {f32({2, 3})}, {"t3"});
  f->setOutputs({t1->output(0), t2->output(0), t3->output(0)});
  // t2 duplicates t1 but is a function output: its name must stay.
  EXPECT_FALSE(passes::eliminateCommonSubexpressions(*f));
  EXPECT_EQ(outputNames(*f), (std::vector<std::string>{"t1", "t2", "t3"}));
}

Function* simplifyFunction(Module& m) { return m.addFunction("main"); }

bool simplify(Function& f) {
  std::vector<passes::NodeRewrite> rw;
  passes::populateSimplifyRewrites(rw);
  return passes::applyRewrites(f, rw);
}

TEST(Simplify, IdentityFeedingAnOutputRenamesItsInput) {
  Module m;
  Function* f = simplifyFunction(m);
  Value* x = f->addArgument("x", f32({2}));
  Node* r = f->addNode("Relu", {x}, {}, {f32({2})}, {"r"});
  Node* id = f->addNode("Identity", {r->output(0)}, {}, {f32({2})}, {"y"});
  f->setOutputs({id->output(0)});
  EXPECT_TRUE(simplify(*f));
  EXPECT_EQ(ops(*f), (std::vector<std::string>{"Relu"}));
  EXPECT_EQ(outputNames(*f), (std::vector<std::string>{"y"}));
  EXPECT_EQ(f->findValue("y"), f->nodes()[0]->output(0));
  EXPECT_EQ(f->findValue("r"), nullptr);
  verifyModule(m);
}

TEST(Simplify, IdentityOfAnArgumentFeedingAnOutputStays) {
  Module m;
  Function* f = simplifyFunction(m);
  Value* x = f->addArgument("x", f32({2}));
  Node* id = f->addNode("Identity", {x}, {}, {f32({2})}, {"y"});
  f->setOutputs({id->output(0)});
  EXPECT_FALSE(simplify(*f));
  EXPECT_EQ(ops(*f), (std::vector<std::string>{"Identity"}));
}

TEST(Simplify, TransposePairs) {
  Module m;
  Function* f = simplifyFunction(m);
  Value* x = f->addArgument("x", f32({2, 3, 4}));
  auto perm = [](std::vector<int64_t> p) { return AttrMap{{"perm", p}}; };
  Node* t1 = f->addNode("Transpose", {x}, perm({1, 2, 0}), {f32({3, 4, 2})}, {"t1"});
  Node* t2 = f->addNode("Transpose", {t1->output(0)}, perm({2, 0, 1}), {f32({2, 3, 4})}, {"t2"});
  Node* t3 = f->addNode("Transpose", {t2->output(0)}, perm({0, 2, 1}), {f32({2, 4, 3})}, {"t3"});
  Node* t4 = f->addNode("Transpose", {t3->output(0)}, perm({1, 0, 2}), {f32({4, 2, 3})}, {"y"});
  f->setOutputs({t4->output(0)});
  EXPECT_TRUE(simplify(*f));
  passes::eraseDeadCode(*f);
  // t1;t2 is the identity; t3;t4 compose to perm [2, 0, 1] of x.
  ASSERT_EQ(ops(*f), (std::vector<std::string>{"Transpose"}));
  Node* t = f->nodes()[0];
  EXPECT_EQ(t->input(0), x);
  EXPECT_EQ(t->attr("perm").ints(), (std::vector<int64_t>{2, 0, 1}));
  EXPECT_EQ(t->output(0)->name(), "y");
  verifyModule(m);
}

TEST(Simplify, ReshapeChains) {
  Module m;
  Function* f = simplifyFunction(m);
  Value* x = f->addArgument("x", f32({2, 6}));
  Value* s1 = f->addConstant("s1", test::i64Tensor({3, 4}));
  Value* s2 = f->addConstant("s2", test::i64Tensor({12}));
  Value* s3 = f->addConstant("s3", test::i64Tensor({2, 6}));
  Node* r1 = f->addNode("Reshape", {x, s1}, {}, {f32({3, 4})}, {"r1"});
  Node* r2 = f->addNode("Reshape", {r1->output(0), s2}, {}, {f32({12})}, {"r2"});
  Node* r3 = f->addNode("Reshape", {r2->output(0), s3}, {}, {f32({2, 6})}, {"r3"});
  Node* e = f->addNode("Exp", {r3->output(0)}, {}, {f32({2, 6})}, {"y"});
  f->setOutputs({e->output(0)});
  EXPECT_TRUE(simplify(*f));
  passes::eraseDeadCode(*f);
  EXPECT_EQ(ops(*f), (std::vector<std::string>{"Exp"}));
  EXPECT_EQ(f->nodes()[0]->input(0), x);
  verifyModule(m);
}

TEST(Simplify, ReshapeWithCopyDimIsNotMerged) {
  Module m;
  Function* f = simplifyFunction(m);
  Value* x = f->addArgument("x", f32({2, 6}));
  Value* s1 = f->addConstant("s1", test::i64Tensor({3, 4}));
  Value* s2 = f->addConstant("s2", test::i64Tensor({0, 2, 2}));
  Node* r1 = f->addNode("Reshape", {x, s1}, {}, {f32({3, 4})}, {"r1"});
  Node* r2 = f->addNode("Reshape", {r1->output(0), s2}, {}, {f32({3, 2, 2})}, {"y"});
  f->setOutputs({r2->output(0)});
  EXPECT_FALSE(simplify(*f));
  EXPECT_EQ(r2->input(0), r1->output(0));
}

TEST(Simplify, DropoutAtInference) {
  Module m;
  Function* f = simplifyFunction(m);
  Value* x = f->addArgument("x", f32({2}));
  Value* ratio = f->addConstant("ratio", Tensor::fromVector<float>({}, {0.5f}));
  Value* on = f->addConstant("on", Tensor::fromVector<bool>({}, {true}));
  Node* d1 = f->addNode("Dropout", {x, ratio}, {}, {f32({2})}, {"d1"});
  Node* d2 = f->addNode("Dropout", {d1->output(0), ratio, on}, {}, {f32({2})}, {"d2"});
  Node* e = f->addNode("Exp", {d2->output(0)}, {}, {f32({2})}, {"y"});
  f->setOutputs({e->output(0)});
  EXPECT_TRUE(simplify(*f));
  EXPECT_EQ(ops(*f), (std::vector<std::string>{"Dropout", "Exp"}));
  EXPECT_EQ(f->nodes()[0]->input(0), x);  // the training-mode one stays
}

}  // namespace
}  // namespace dlc
