// The text format round-trips exactly: print(parse(text)) == text for the
// canonical graphs in tests/ir/graphs, modules built through the C++ API print
// and parse back structurally identical, and every .dlcir file under tests/
// round-trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "IrTestUtil.h"
#include "dlc/ir/Parser.h"
#include "dlc/ir/Printer.h"
#include "dlc/ir/Verifier.h"

namespace dlc {
namespace {

namespace fs = std::filesystem;

// Parses, prints, parses again: both parses must be identical and printing
// must be a fixed point. Returns the first print.
std::string checkRoundTrip(const std::string& text, const std::string& source) {
  std::unique_ptr<Module> m1 = parseModule(text, source);
  std::string p1 = printModule(*m1);
  std::unique_ptr<Module> m2 = parseModule(p1, source + " (printed)");
  EXPECT_EQ(test::diffModules(*m1, *m2), "") << source;
  EXPECT_EQ(printModule(*m2), p1) << source;
  return p1;
}

class CanonicalGraph : public ::testing::TestWithParam<std::string> {};

TEST_P(CanonicalGraph, PrintsBackUnchanged) {
  std::string path = test::sourceDir() + "/tests/ir/graphs/" + GetParam();
  std::string text = test::readFile(path);
  ASSERT_FALSE(text.empty()) << path;
  EXPECT_EQ(checkRoundTrip(text, path), text);
}

INSTANTIATE_TEST_SUITE_P(Graphs, CanonicalGraph,
                         ::testing::Values("attrs.dlcir", "dtypes.dlcir", "mlp.dlcir", "symbolic.dlcir"),
                         [](const auto& info) { return info.param.substr(0, info.param.find('.')); });

TEST(CanonicalGraph, VerifiableGraphsVerify) {
  for (const char* name : {"mlp.dlcir", "symbolic.dlcir"}) {
    auto m = parseModuleFile(test::sourceDir() + "/tests/ir/graphs/" + name);
    EXPECT_NO_THROW(verifyModule(*m)) << name;
  }
}

TEST(CanonicalGraph, ConstantsKeepTheirBits) {
  auto m = parseModuleFile(test::sourceDir() + "/tests/ir/graphs/dtypes.dlcir");
  Function& f = m->main();
  auto bits32 = [&](const char* name, int64_t i) {
    uint32_t b;
    std::memcpy(&b, f.findValue(name)->constant().data<float>() + i, 4);
    return b;
  };
  EXPECT_EQ(bits32("f32", 2), 0x80000000u);  // -0.0
  EXPECT_EQ(bits32("f32", 4), 0x7FC00000u);  // nan
  EXPECT_EQ(bits32("f32", 5), 0xFFC00000u);  // -nan
  EXPECT_EQ(bits32("f32_nan_payload", 0), 0x7FC00001u);
  EXPECT_EQ(bits32("f32_nan_payload", 1), 0xFF800123u);
  EXPECT_EQ(bits32("f32_tiny", 0), 1u);  // smallest subnormal
  EXPECT_EQ(f.findValue("f16")->constant().data<Half>()[5].bits, 0x7C01);
  EXPECT_EQ(f.findValue("f16")->constant().data<Half>()[2].bits, 0x0001);  // 6e-08: smallest subnormal
  EXPECT_EQ(f.findValue("bf16")->constant().data<BFloat16>()[4].bits, 0xFF81);
  EXPECT_EQ(f.findValue("u64")->constant().data<uint64_t>()[1], UINT64_MAX);
  EXPECT_EQ(f.findValue("i64")->constant().data<int64_t>()[0], INT64_MIN);
  EXPECT_EQ(f.findValue("big")->constant().data<int32_t>()[16], 16);
  EXPECT_EQ(f.findValue("scalar")->constant().rank(), 0);
  EXPECT_EQ(f.findValue("empty")->constant().numel(), 0);
}

// Every .dlcir under tests/ (golden files of every area) and examples/
// parses and round-trips; files named *invalid* are expected-failure inputs
// and skipped.
std::vector<fs::path> allTextGraphs() {
  std::vector<fs::path> out;
  for (const char* dir : {"/tests", "/examples"}) {
    fs::path root = test::sourceDir() + dir;
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().extension() == ".dlcir") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AllTestGraphs, RoundTrip) {
  int count = 0;
  for (const fs::path& p : allTextGraphs()) {
    const fs::directory_entry e(p);
    if (e.path().filename().string().find("invalid") != std::string::npos) continue;
    SCOPED_TRACE(e.path().string());
    try {
      checkRoundTrip(test::readFile(e.path().string()), e.path().string());
    } catch (const Error& err) {
      ADD_FAILURE() << err.what();
    }
    ++count;
  }
  EXPECT_GE(count, 4);  // at least the graphs of tests/ir/graphs
}

// ---- modules built through the C++ API ---------------------------------------

std::unique_ptr<Module> buildApiModule() {
  auto m = std::make_unique<Module>("api built");
  m->metadata()["producer"] = "RoundTripTest";
  m->metadata()["key with \"quotes\""] = "value\n";
  Function* f = m->addFunction("main");
  Value* x = f->addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), Dim(4)}));
  Value* y = f->addArgument("y/with:odd chars", TensorType::unranked(DType::Float16));
  std::vector<float> wv(24);
  for (size_t i = 0; i < wv.size(); ++i) wv[i] = static_cast<float>(i) * 0.1f - 1.0f;
  wv[3] = std::nanf("");
  wv[5] = -0.0f;
  Value* w = f->addConstant("w", Tensor::fromVector<float>({4, 6}, wv));
  Value* b = f->addConstant("", Tensor::fromVector<double>({1}, {1.0 / 3.0}));
  Tensor h(DType::Float16, {3});
  h.setDouble(0, 0.1);
  h.setDouble(1, -65504.0);
  h.data<Half>()[2].bits = 0x7D55;  // NaN with payload
  Value* hv = f->addConstant("h", h);
  Node* mm = f->addNode("MatMul", {x, w}, {}, {TensorType(DType::Float32, {Dim::sym("N"), Dim(6)})});
  mm->setName("matmul/1");
  AttrMap attrs;
  attrs["alpha"] = 0.1;
  attrs["names"] = std::vector<std::string>{"p", "q\tr"};
  attrs["none"] = std::vector<int64_t>{};
  attrs["fl"] = std::vector<double>{1e-300, -std::numeric_limits<double>::infinity()};
  attrs["t"] = Tensor::fromVector<bool>({2}, {true, false});
  Node* custom = f->addNode("my.Custom", {mm->output(), nullptr, b}, attrs,
                            {TensorType(DType::Float32, {Dim::sym("N"), Dim()}), TensorType(DType::Int64, {})},
                            {"c0", "c1"});
  Node* sink = f->addNode("Sink", {custom->output(1), hv, y}, {}, {});
  sink->setName("sink");
  f->setOutputs({custom->output(0), x, hv});

  m->addFunction("");  // empty names print as @""
  Function* g = m->addFunction("second");
  Value* a = g->addArgument("a", TensorType(DType::Int8, {}));
  g->setOutputs({a, a});
  return m;
}

TEST(ApiRoundTrip, StructurallyIdentical) {
  auto m = buildApiModule();
  std::string text = printModule(*m);
  auto parsed = parseModule(text);
  EXPECT_EQ(test::diffModules(*m, *parsed), "") << text;
  EXPECT_EQ(printModule(*parsed), text);
}

TEST(ApiRoundTrip, ClonedModulePrintsTheSame) {
  auto m = buildApiModule();
  EXPECT_EQ(printModule(*m->clone()), printModule(*m));
}

// Random modules with random names (any bytes), random bit patterns in every
// float, random dims and symbols: parse(print(m)) must equal m.
class RandomModule {
 public:
  explicit RandomModule(uint32_t seed) : rng_(seed) {}

  std::unique_ptr<Module> build() {
    auto m = std::make_unique<Module>(name());
    for (int i = 0, n = pick(3); i < n; ++i) m->metadata()[name()] = name();
    for (int fi = 0, nf = 1 + pick(2); fi < nf; ++fi) {
      Function* f = m->addFunction(fi == 0 ? std::string("main") : name() + std::to_string(fi));
      std::vector<Value*> pool;
      for (int i = 0, n = pick(3); i < n; ++i) pool.push_back(f->addArgument(fresh(), type()));
      for (int i = 0, n = pick(4); i < n; ++i) pool.push_back(f->addConstant(fresh(), tensor()));
      for (int i = 0, n = pick(5); i < n; ++i) {
        std::vector<Value*> ins;
        for (int k = 0, nk = pick(3); k < nk; ++k)
          ins.push_back(pool.empty() || pick(4) == 0 ? nullptr : pool[pick(static_cast<int>(pool.size()))]);
        AttrMap attrs;
        for (int k = 0, nk = pick(4); k < nk; ++k) attrs[name()] = attribute();
        std::vector<TensorType> types;
        std::vector<std::string> names;
        for (int k = 0, nk = pick(3); k < nk; ++k) {
          types.push_back(type());
          names.push_back(fresh());
        }
        Node* node = f->addNode(pick(2) ? "Op" + std::to_string(pick(5)) : name(), ins, attrs, types, names);
        if (pick(2)) node->setName(name());
        for (Value* o : node->outputs()) pool.push_back(o);
      }
      std::vector<Value*> outs;
      for (int k = 0, nk = pick(3); k < nk && !pool.empty(); ++k) outs.push_back(pool[pick(static_cast<int>(pool.size()))]);
      f->setOutputs(outs);
    }
    return m;
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  std::string name() {
    std::string s;
    for (int i = 0, n = pick(6); i < n; ++i)
      s += pick(3) ? static_cast<char>('a' + pick(26)) : static_cast<char>(pick(256));
    return s;
  }
  std::string fresh() { return name() + "#" + std::to_string(counter_++); }
  TensorType type() {
    DType dt = static_cast<DType>(1 + pick(13));
    if (pick(6) == 0) return TensorType::unranked(dt);
    Shape s;
    for (int i = 0, r = pick(4); i < r; ++i) {
      int k = pick(4);
      s.push_back(k == 0 ? Dim() : k == 1 ? Dim::sym(name()) : Dim(pick(5)));
    }
    return TensorType(dt, s);
  }
  Tensor tensor() {
    DType dt = static_cast<DType>(1 + pick(13));
    std::vector<int64_t> ext;
    for (int i = 0, r = pick(3); i < r; ++i) ext.push_back(pick(6));
    Tensor t(dt, ext);
    auto* p = static_cast<uint8_t*>(t.rawData());
    for (size_t i = 0; i < t.byteSize(); ++i) p[i] = static_cast<uint8_t>(dt == DType::Bool ? pick(2) : pick(256));
    return t;
  }
  double anyDouble() {
    uint64_t bits = (static_cast<uint64_t>(rng_()) << 32) | rng_();
    if (pick(4) == 0) bits |= 0x7FF0000000000000ull;  // often inf/nan
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }
  Attribute attribute() {
    switch (pick(7)) {
      case 0: return Attribute(static_cast<int64_t>((static_cast<uint64_t>(rng_()) << 32) | rng_()));
      case 1: return Attribute(anyDouble());
      case 2: return Attribute(name());
      case 3: {
        std::vector<int64_t> v;
        for (int i = 0, n = pick(4); i < n; ++i) v.push_back(static_cast<int64_t>(rng_()) - (1LL << 31));
        return Attribute(v);
      }
      case 4: {
        std::vector<double> v;
        for (int i = 0, n = pick(4); i < n; ++i) v.push_back(anyDouble());
        return Attribute(v);
      }
      case 5: {
        std::vector<std::string> v;
        for (int i = 0, n = pick(4); i < n; ++i) v.push_back(name());
        return Attribute(v);
      }
      default: return Attribute(tensor());
    }
  }
  std::mt19937 rng_;
  int counter_ = 0;
};

TEST(ApiRoundTrip, RandomModulesAreIdentical) {
  for (uint32_t seed = 0; seed < 300; ++seed) {
    auto m = RandomModule(seed).build();
    std::string text = printModule(*m);
    std::unique_ptr<Module> parsed;
    try {
      parsed = parseModule(text, "seed" + std::to_string(seed));
    } catch (const Error& e) {
      FAIL() << e.what() << "\n" << text;
    }
    ASSERT_EQ(test::diffModules(*m, *parsed), "") << "seed " << seed << "\n" << text;
    ASSERT_EQ(printModule(*parsed), text) << "seed " << seed;
  }
}

TEST(ApiRoundTrip, ExactPrintedForm) {
  Module m("m");
  Function* f = m.addFunction("main");
  Value* x = f->addArgument("x", TensorType(DType::Float32, {Dim::sym("N"), Dim(2)}));
  Value* c = f->addConstant("c", Tensor::fromVector<float>({2}, {1.5f, -0.0f}));
  Node* n = f->addNode("Add", {x, c}, {}, {TensorType(DType::Float32, {Dim::sym("N"), Dim(2)})}, {"y"});
  n->setName("add");
  f->setOutputs({n->output()});
  EXPECT_EQ(printModule(m),
            "module @m {\n"
            "  func @main(%x: tensor<{N}x2xf32>) {\n"
            "    %c = const tensor<2xf32> [1.5, -0.0]\n"
            "    %y = Add(%x, %c) : tensor<{N}x2xf32> loc(\"add\")\n"
            "    return %y\n"
            "  }\n"
            "}\n");
  std::ostringstream os;
  printFunction(*f, os);
  EXPECT_EQ(os.str(), "  func @main(%x: tensor<{N}x2xf32>) {\n"
                      "    %c = const tensor<2xf32> [1.5, -0.0]\n"
                      "    %y = Add(%x, %c) : tensor<{N}x2xf32> loc(\"add\")\n"
                      "    return %y\n"
                      "  }\n");
}

TEST(ApiRoundTrip, FloatsPrintShortestExact) {
  Module m("m");
  Function* f = m.addFunction("main");
  AttrMap attrs;
  attrs["a"] = 0.1;
  attrs["b"] = 1e21;
  attrs["c"] = 3.0;
  attrs["d"] = 5e-324;
  f->addNode("X", {}, attrs, {});
  std::string text = printModule(m);
  EXPECT_NE(text.find("{a = 0.1, b = 1e+21, c = 3.0, d = 5e-324}"), std::string::npos) << text;
}

TEST(ApiRoundTrip, ElidedConstantsDoNotParse) {
  Module m("m");
  Function* f = m.addFunction("main");
  f->addConstant("big", Tensor(DType::Float32, {100}));
  f->addConstant("small", Tensor(DType::Float32, {2}));
  PrintOptions opts;
  opts.elideConstantsOver = 10;
  std::string text = printModule(m, opts);
  EXPECT_NE(text.find("%big = const tensor<100xf32> <elided>"), std::string::npos) << text;
  EXPECT_NE(text.find("%small = const tensor<2xf32> [0.0, 0.0]"), std::string::npos) << text;
  try {
    parseModule(text, "e.dlcir");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "e.dlcir:3:34: constant elided; print with elision off");
  }
}

TEST(ApiRoundTrip, ForwardReferencesParse) {
  // Nodes out of topological order print and parse back; the verifier is
  // what rejects them.
  const char* text =
      "module @m {\n"
      "  func @main(%x: tensor<2xf32>) {\n"
      "    %b = Relu(%a) : tensor<2xf32>\n"
      "    %a = Relu(%x) : tensor<2xf32>\n"
      "    return %b\n"
      "  }\n"
      "}\n";
  auto m = parseModule(text);
  EXPECT_EQ(printModule(*m), text);
  try {
    verifyModule(*m);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "function @main: Relu (%b): input 0 (%a) is used before it is defined");
  }
  m->main().topoSort();
  EXPECT_NO_THROW(verifyModule(*m));
}

}  // namespace
}  // namespace dlc
