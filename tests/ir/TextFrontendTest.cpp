// The text frontend plugin: its entry point registers the "dlcir" frontend,
// which loads .dlcir files, applies --input-shapes and verifies. The plugin is
// opened with dlopen here so that this test covers the plugin itself; loading
// through PluginLoader is tested in tests/plugins.
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "dlc/ir/Printer.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"

namespace dlc {
namespace {

namespace fs = std::filesystem;

class TextFrontend : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* build = std::getenv("DLC_BUILD_DIR");
    std::string dir = build ? build : DLC_TEST_BUILD_DIR;
    std::string lib = dir + "/lib/dlc/plugins/libdlc_text_frontend.so";
    handle_ = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    auto get = reinterpret_cast<DlcGetPluginInfoFn>(dlsym(handle_, "dlcGetPluginInfo"));
    ASSERT_NE(get, nullptr) << lib << " exports no dlcGetPluginInfo";
    info_ = get();
    info_->register_fn(reinterpret_cast<DlcRegistry*>(&registry_));
    tmp_ = fs::temp_directory_path() / ("dlc_text_frontend_" + std::to_string(::getpid()));
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }

  std::string write(const std::string& name, const std::string& text) {
    std::string p = (tmp_ / name).string();
    std::ofstream(p) << text;
    return p;
  }

  Registry registry_;
  void* handle_ = nullptr;  // kept open: the registered functions live in it
  const DlcPluginInfo* info_ = nullptr;
  fs::path tmp_;
};

const char* kModel =
    "module @m {\n"
    "  func @main(%x: tensor<{N}x3xf32>, %y: tensor<{N}x3xf32>) {\n"
    "    %s = Add(%x, %y) : tensor<{N}x3xf32>\n"
    "    %r = Relu(%s) : tensor<{N}x3xf32>\n"
    "    return %r\n"
    "  }\n"
    "}\n";

TEST_F(TextFrontend, Descriptor) {
  EXPECT_EQ(info_->abi_version, DLC_PLUGIN_ABI_VERSION);
  EXPECT_STREQ(info_->name, "text-frontend");
  EXPECT_STREQ(info_->cxx_abi, DLC_CXX_ABI);
}

TEST_F(TextFrontend, RegisteredByExtension) {
  const FrontendInfo* info = registry_.findFrontend("dlcir");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->extensions, std::vector<std::string>{".dlcir"});
  EXPECT_EQ(registry_.frontendForFile("a/b/model.dlcir").name, "dlcir");
}

TEST_F(TextFrontend, LoadsAsWritten) {
  auto m = registry_.loadModel(write("m.dlcir", kModel));
  EXPECT_EQ(printModule(*m), kModel);
}

TEST_F(TextFrontend, InputShapesFixSymbolsAndReinfer) {
  FrontendOptions opts;
  opts.inputShapes["x"] = {2, 3};
  auto m = registry_.loadModel(write("m.dlcir", kModel), opts);
  const Function& f = m->main();
  EXPECT_EQ(f.findValue("x")->type().str(), "tensor<2x3xf32>");
  EXPECT_EQ(f.findValue("y")->type().str(), "tensor<2x3xf32>");  // same symbol N
  EXPECT_EQ(f.findValue("r")->type().str(), "tensor<2x3xf32>");
}

TEST_F(TextFrontend, InputShapeErrors) {
  std::string path = write("m.dlcir", kModel);
  FrontendOptions opts;
  opts.inputShapes["z"] = {2, 3};
  try {
    registry_.loadModel(path, opts);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": --input-shapes: the model has no input 'z'");
  }
  opts.inputShapes = {{"x", {2, 4}}};
  try {
    registry_.loadModel(path, opts);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": --input-shapes: input 'x' dim 1 is 3 in the model, got 4");
  }
  opts.inputShapes = {{"x", {2}}};
  try {
    registry_.loadModel(path, opts);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": --input-shapes: input 'x' has rank 2, got 1 dims");
  }
}

TEST_F(TextFrontend, ParseAndVerifyErrorsNameTheFile) {
  std::string bad = write("bad.dlcir", "module @m {\n  func @main( {\n");
  try {
    registry_.loadModel(bad);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), bad + ":2:15: expected an argument (%name), found '{'");
  }
  std::string unverified = write("unknown.dlcir",
                                 "module @m {\n  func @main(%x: tensor<2xf32>) {\n"
                                 "    %y = Frobnicate(%x) : tensor<2xf32>\n    return %y\n  }\n}\n");
  try {
    registry_.loadModel(unverified);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), unverified + ": function @main: Frobnicate (%y): unknown op 'Frobnicate'");
  }
  try {
    registry_.loadModel((tmp_ / "missing.dlcir").string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read '" + (tmp_ / "missing.dlcir").string() + "'");
  }
}

}  // namespace
}  // namespace dlc
