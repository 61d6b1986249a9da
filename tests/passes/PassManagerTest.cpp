// The pass manager: registration errors, -O pipelines, comma lists, and the
// print-after / time-passes / verify-each instrumentation.
#include <gtest/gtest.h>

#include <sstream>

#include "PassTestUtil.h"
#include "Passes.h"
#include "dlc/ir/Printer.h"
#include "dlc/pass/PassManager.h"
#include "dlc/support/Error.h"

namespace dlc {
namespace {

// Counts how often it ran; changes nothing.
class CountingPass : public FunctionPass {
 public:
  CountingPass(std::string name, int* counter) : name_(std::move(name)), counter_(counter) {}
  std::string_view name() const override { return name_; }
  bool runOnFunction(Function&, PassContext&) override {
    ++*counter_;
    return false;
  }

 private:
  std::string name_;
  int* counter_;
};

// Deliberately breaks the IR: adds a node of an op nobody defines.
class BrokenPass : public FunctionPass {
 public:
  std::string_view name() const override { return "broken"; }
  bool runOnFunction(Function& f, PassContext&) override {
    Node* n = f.addNode("NoSuchOp", {f.arguments()[0]}, {}, {f.arguments()[0]->type()}, {"bad"});
    f.setOutputs({n->output(0)});
    return true;
  }
};

PassInfo info(const std::string& name, PipelineSlot slot, int minOpt, int* counter) {
  return PassInfo{name, "test pass " + name, slot, minOpt,
                  [name, counter] { return std::make_unique<CountingPass>(name, counter); }};
}

std::unique_ptr<Module> smallModule() {
  auto m = std::make_unique<Module>("m");
  Function* f = m->addFunction("main");
  Value* x = f->addArgument("x", test::f32({2}));
  Node* n = f->addNode("Relu", {x}, {}, {test::f32({2})}, {"y"});
  f->setOutputs({n->output(0)});
  return m;
}

TEST(PassRegistry, DuplicateNameIsAnError) {
  int c = 0;
  PassRegistry r;
  r.add(info("a", PipelineSlot::None, 1, &c));
  try {
    r.add(info("a", PipelineSlot::Cleanup, 1, &c));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "pass 'a' is registered twice");
  }
  ASSERT_NE(r.find("a"), nullptr);
  EXPECT_EQ(r.find("a")->slot, PipelineSlot::None);
  EXPECT_EQ(r.find("b"), nullptr);
}

TEST(PassRegistry, PipelineOrdersBySlotThenRegistration) {
  int c = 0;
  PassRegistry r;
  r.add(info("late", PipelineSlot::Cleanup, 1, &c));
  r.add(info("named_only", PipelineSlot::None, 1, &c));
  r.add(info("fold2", PipelineSlot::Fold, 2, &c));
  r.add(info("simp", PipelineSlot::Simplify, 1, &c));
  r.add(info("fold1", PipelineSlot::Fold, 1, &c));
  r.add(info("o3", PipelineSlot::Fusion, 3, &c));
  EXPECT_TRUE(r.pipeline(0).empty());
  EXPECT_EQ(r.pipeline(1), (std::vector<std::string>{"simp", "fold1", "late"}));
  EXPECT_EQ(r.pipeline(2), (std::vector<std::string>{"simp", "fold2", "fold1", "late"}));
  EXPECT_EQ(r.pipeline(3), (std::vector<std::string>{"simp", "fold2", "fold1", "o3", "late"}));
}

TEST(PassRegistry, BuiltinPipelines) {
  PassRegistry r;
  passes::registerBuiltinPasses(r);
  EXPECT_TRUE(r.pipeline(0).empty());
  EXPECT_EQ(r.pipeline(1), (std::vector<std::string>{"simplify", "constfold", "fold-bn", "fuse", "dce"}));
  EXPECT_EQ(r.pipeline(2),
            (std::vector<std::string>{"simplify", "constfold", "fold-bn", "cse", "conv-subsample", "fuse", "dce"}));
  for (const PassInfo& p : r.all()) {
    EXPECT_FALSE(p.summary.empty()) << p.name;
    EXPECT_EQ(p.create()->name(), p.name);
  }
}

TEST(PassManager, UnknownPassListsKnownOnes) {
  int c = 0;
  PassRegistry r;
  r.add(info("a", PipelineSlot::None, 1, &c));
  r.add(info("b", PipelineSlot::None, 1, &c));
  r.add(info("c", PipelineSlot::None, 1, &c));
  PassManager pm(r);
  try {
    pm.addPass("foo");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "unknown pass 'foo' (known: a, b, c)");
  }
  try {
    pm.addPasses("a,foo");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "unknown pass 'foo' (known: a, b, c)");
  }
}

TEST(PassManager, AddPassesAndPipelineRunInOrder) {
  int a = 0, b = 0;
  PassRegistry r;
  r.add(info("a", PipelineSlot::Cleanup, 1, &a));
  r.add(info("b", PipelineSlot::Simplify, 1, &b));
  PassManager pm(r);
  pm.addPasses("a, b,a");
  pm.addPipeline(1);
  EXPECT_EQ(pm.passNames(), (std::vector<std::string>{"a", "b", "a", "b", "a"}));
  auto m = smallModule();
  PassContext ctx;
  EXPECT_FALSE(pm.run(*m, ctx));
  EXPECT_EQ(a, 3);
  EXPECT_EQ(b, 2);
}

TEST(PassManager, PrintAfterNamedPass) {
  int a = 0, b = 0;
  PassRegistry r;
  r.add(info("a", PipelineSlot::None, 1, &a));
  r.add(info("b", PipelineSlot::None, 1, &b));
  std::ostringstream os;
  PassManagerOptions opts;
  opts.printAfter = {"b"};
  opts.out = &os;
  PassManager pm(r, opts);
  pm.addPasses("a,b");
  auto m = smallModule();
  PassContext ctx;
  pm.run(*m, ctx);
  PrintOptions po;
  po.elideConstantsOver = 16;
  EXPECT_EQ(os.str(), "// -----// IR Dump After b //----- //\n" + printModule(*m, po));
}

TEST(PassManager, PrintAfterAll) {
  int a = 0, b = 0;
  PassRegistry r;
  r.add(info("a", PipelineSlot::None, 1, &a));
  r.add(info("b", PipelineSlot::None, 1, &b));
  std::ostringstream os;
  PassManagerOptions opts;
  opts.printAfterAll = true;
  opts.out = &os;
  PassManager pm(r, opts);
  pm.addPasses("a,b");
  auto m = smallModule();
  PassContext ctx;
  pm.run(*m, ctx);
  std::string ir = printModule(*m, PrintOptions{16});
  EXPECT_EQ(os.str(), "// -----// IR Dump After a //----- //\n" + ir +
                          "// -----// IR Dump After b //----- //\n" + ir);
}

TEST(PassManager, TimePassesPrintsATable) {
  int a = 0, b = 0;
  PassRegistry r;
  r.add(info("alpha", PipelineSlot::None, 1, &a));
  r.add(info("beta", PipelineSlot::None, 1, &b));
  std::ostringstream os;
  PassManagerOptions opts;
  opts.timePasses = true;
  opts.out = &os;
  PassManager pm(r, opts);
  pm.addPasses("alpha,beta");
  auto m = smallModule();
  PassContext ctx;
  pm.run(*m, ctx);
  std::string s = os.str();
  EXPECT_NE(s.find("... Execution time report ..."), std::string::npos) << s;
  EXPECT_NE(s.find("Total Execution Time:"), std::string::npos) << s;
  EXPECT_NE(s.find("----Wall Time----  ----Name----"), std::string::npos) << s;
  size_t pa = s.find("%)  alpha\n"), pb = s.find("%)  beta\n"), pt = s.find("(100.0%)  Total\n");
  EXPECT_NE(pa, std::string::npos) << s;
  EXPECT_NE(pb, std::string::npos) << s;
  EXPECT_NE(pt, std::string::npos) << s;
  EXPECT_LT(pa, pb);
  EXPECT_LT(pb, pt);
}

TEST(PassManager, VerifyEachCatchesABrokenPass) {
  int a = 0;
  PassRegistry r;
  r.add(info("a", PipelineSlot::None, 1, &a));
  r.add(PassInfo{"broken", "breaks the IR", PipelineSlot::None, 1, [] { return std::make_unique<BrokenPass>(); }});
  PassManagerOptions opts;
  opts.verifyEach = true;
  PassManager pm(r, opts);
  pm.addPasses("a,broken,a");
  auto m = smallModule();
  PassContext ctx;
  try {
    pm.run(*m, ctx);
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind("verifier failed after pass 'broken': ", 0), 0u) << msg;
    EXPECT_NE(msg.find("NoSuchOp"), std::string::npos) << msg;
  }
  EXPECT_EQ(a, 1);  // the pass after the broken one did not run
}

}  // namespace
}  // namespace dlc
