// Registry bookkeeping without libraries: who registered what, duplicate names
// naming both files, abortPlugin forgetting a failed plugin, frontend choice by
// file extension, and target lookup errors.
#include <gtest/gtest.h>

#include "dlc/plugin/Registry.h"
#include "dlc/support/Error.h"

namespace dlc {
namespace {

FrontendInfo frontend(const std::string& name, std::vector<std::string> exts) {
  FrontendInfo f;
  f.name = name;
  f.extensions = std::move(exts);
  f.load = [name](const std::string& path, const FrontendOptions&) {
    auto m = std::make_unique<Module>(name);
    m->metadata()["path"] = path;
    return m;
  };
  return f;
}

PassInfo pass(const std::string& name) {
  PassInfo p;
  p.name = name;
  p.create = [] { return std::unique_ptr<Pass>(); };
  return p;
}

TargetInfo target(const std::string& name) {
  TargetInfo t;
  t.name = name;
  return t;
}

template <typename F>
std::string errorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(Registry, RecordsWhatEachPluginRegistered) {
  Registry r;
  r.beginPlugin("a", "1.0", "/p/liba.so");
  r.addFrontend(frontend("fa", {".fa", "fb"}));
  r.addPass(pass("pa"));
  r.addTarget(target("ta"));
  r.endPlugin();
  ASSERT_EQ(r.plugins().size(), 1u);
  EXPECT_EQ(r.plugins()[0].file, "/p/liba.so");
  EXPECT_EQ(r.plugins()[0].registered, (std::vector<std::string>{"frontend fa", "pass pa", "target ta"}));
  // Extensions are normalized to a leading dot, lower case.
  EXPECT_EQ(r.findFrontend("fa")->extensions, (std::vector<std::string>{".fa", ".fb"}));
}

TEST(Registry, DuplicatesNameBothFiles) {
  Registry r;
  r.beginPlugin("a", "1", "/y/liba.so");
  r.addPass(pass("dce"));
  r.addFrontend(frontend("onnx", {".onnx"}));
  r.addTarget(target("x86"));
  r.endPlugin();

  r.beginPlugin("b", "1", "/x/libb.so");
  EXPECT_EQ(errorOf([&] { r.addPass(pass("dce")); }),
            "plugin /x/libb.so: pass 'dce' is already registered by /y/liba.so");
  EXPECT_EQ(errorOf([&] { r.addFrontend(frontend("onnx", {".o2"})); }),
            "plugin /x/libb.so: frontend 'onnx' is already registered by /y/liba.so");
  EXPECT_EQ(errorOf([&] { r.addFrontend(frontend("onnx2", {".o2", ".ONNX"})); }),
            "plugin /x/libb.so: extension '.onnx' is already registered by /y/liba.so");
  EXPECT_EQ(errorOf([&] { r.addTarget(target("x86")); }),
            "plugin /x/libb.so: target 'x86' is already registered by /y/liba.so");
  // The frontend refused for its second extension claimed nothing.
  EXPECT_EQ(r.findFrontend("onnx2"), nullptr);
  EXPECT_NO_THROW(r.addFrontend(frontend("o2", {".o2"})));
  r.endPlugin();

  EXPECT_EQ(errorOf([&] { r.beginPlugin("a", "2", "/z/libc.so"); }),
            "plugin /z/libc.so: plugin 'a' is already registered by /y/liba.so");
  EXPECT_EQ(r.plugins().size(), 2u);
}

TEST(Registry, FrontendClaimingAnExtensionTwice) {
  Registry r;
  r.beginPlugin("a", "1", "/p/liba.so");
  EXPECT_EQ(errorOf([&] { r.addFrontend(frontend("f", {".x", ".X"})); }),
            "plugin /p/liba.so: frontend 'f' claims extension '.x' twice");
  r.abortPlugin();
}

TEST(Registry, AbortForgetsEverything) {
  Registry r;
  r.beginPlugin("keep", "1", "/p/libkeep.so");
  r.addPass(pass("kept"));
  r.endPlugin();

  r.beginPlugin("bad", "1", "/p/libbad.so");
  r.addPass(pass("p1"));
  r.addPass(pass("p2"));
  r.addFrontend(frontend("fb", {".fb"}));
  r.addTarget(target("tb"));
  r.abortPlugin();

  ASSERT_EQ(r.plugins().size(), 1u);
  EXPECT_EQ(r.plugins()[0].name, "keep");
  ASSERT_EQ(r.passes().all().size(), 1u);
  EXPECT_EQ(r.passes().all()[0].name, "kept");
  EXPECT_TRUE(r.frontends().empty());
  EXPECT_TRUE(r.targets().empty());
  // The names are free again.
  r.beginPlugin("bad", "1", "/p/libother.so");
  EXPECT_NO_THROW(r.addPass(pass("p1")));
  EXPECT_NO_THROW(r.addFrontend(frontend("fb", {".fb"})));
  EXPECT_NO_THROW(r.addTarget(target("tb")));
  r.endPlugin();
  EXPECT_EQ(r.plugins().size(), 2u);
}

TEST(Registry, FrontendForFile) {
  Registry r;
  r.addFrontend(frontend("gz", {".gz"}));
  r.addFrontend(frontend("targz", {".tar.gz"}));
  r.addFrontend(frontend("onnx", {".onnx"}));
  EXPECT_EQ(r.frontendForFile("/m/model.onnx").name, "onnx");
  EXPECT_EQ(r.frontendForFile("MODEL.ONNX").name, "onnx");
  EXPECT_EQ(r.frontendForFile("a.tar.gz").name, "targz");  // the longest suffix wins
  EXPECT_EQ(r.frontendForFile("a.gz").name, "gz");
  EXPECT_EQ(errorOf([&] { r.frontendForFile("/m/model.pt"); }),
            "no frontend for '/m/model.pt' (extension '.pt'); known extensions: .gz, .onnx, .tar.gz; "
            "a plugin adding this format can be loaded with --plugin=PATH");
  // A dot file has no extension: ".onnx" alone is a name, not an ONNX model.
  EXPECT_EQ(errorOf([&] { r.frontendForFile("/m/.onnx"); }),
            "no frontend for '/m/.onnx' (no file extension); known extensions: .gz, .onnx, .tar.gz; "
            "a plugin adding this format can be loaded with --plugin=PATH");
  EXPECT_EQ(errorOf([&] { r.frontendForFile("model"); }),
            "no frontend for 'model' (no file extension); known extensions: .gz, .onnx, .tar.gz; "
            "a plugin adding this format can be loaded with --plugin=PATH");
  auto m = r.loadModel("x.onnx");
  EXPECT_EQ(m->name(), "onnx");
  EXPECT_EQ(m->metadata().at("path"), "x.onnx");
}

TEST(Registry, NoFrontendsAtAll) {
  Registry r;
  EXPECT_EQ(errorOf([&] { r.loadModel("m.onnx"); }),
            "no frontend for 'm.onnx' (extension '.onnx'); known extensions: none; "
            "a plugin adding this format can be loaded with --plugin=PATH");
}

TEST(Registry, TargetLookup) {
  Registry r;
  r.addTarget(target("x86"));
  r.addTarget(target("arm"));
  EXPECT_EQ(r.target("arm").name, "arm");
  EXPECT_EQ(r.findTarget("cuda"), nullptr);
  EXPECT_EQ(errorOf([&] { r.target("cuda"); }),
            "unknown target 'cuda'; known targets: arm, x86; a plugin adding it can be loaded with --plugin=PATH");
}

TEST(Registry, OpsAndAttributeSchema) {
  Registry r;
  OpDef def;
  def.name = "RegistryTestOp";
  def.minInputs = def.maxInputs = 1;
  r.beginPlugin("ops", "1", "/p/libops.so");
  r.addOp(def);
  r.attachOpAttr("RegistryTestOp", "dlc.attr-schema", AttrSpec{"note", AttrKind::Int, false, std::nullopt});
  r.endPlugin();
  EXPECT_EQ(r.plugins()[0].registered,
            (std::vector<std::string>{"op RegistryTestOp", "op-attr RegistryTestOp.note"}));
  const OpDef& got = OpRegistry::global().get("RegistryTestOp");
  ASSERT_NE(got.findAttr("note"), nullptr);
  EXPECT_EQ(got.findAttr("note")->kind, AttrKind::Int);

  r.beginPlugin("ops2", "1", "/p/libops2.so");
  EXPECT_EQ(errorOf([&] { r.addOp(def); }),
            "plugin /p/libops2.so: op 'RegistryTestOp' is already registered by /p/libops.so");
  OpDef relu;
  relu.name = "Relu";
  EXPECT_EQ(errorOf([&] { r.addOp(relu); }),
            "plugin /p/libops2.so: op 'Relu' is already registered by dlc core (a standard op)");
  EXPECT_EQ(errorOf([&] {
              r.attachOpAttr("RegistryTestOp", "dlc.attr-schema",
                             AttrSpec{"note", AttrKind::String, false, std::nullopt});
            }),
            "plugin /p/libops2.so: op 'RegistryTestOp' already has attribute 'note' of kind int");
  EXPECT_EQ(errorOf([&] { r.attachOpAttr("NoSuchOp", "k", 1); }),
            "plugin /p/libops2.so: cannot attach 'k' to unknown op 'NoSuchOp'");
  EXPECT_EQ(errorOf([&] { r.attachOpAttr("RegistryTestOp", "dlc.attr-schema", 1); }),
            "plugin /p/libops2.so: 'dlc.attr-schema' attached to op 'RegistryTestOp' must hold a dlc::AttrSpec");
  r.abortPlugin();
}

}  // namespace
}  // namespace dlc
