// The plugin loader against real libraries (built next to this test): each
// failure is one exact line naming the file, a failed plugin leaves nothing in
// the registry, and discovery follows explicit paths, DLC_PLUGIN_PATH, then the
// default directory, never the current directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/PluginLoader.h"
#include "dlc/plugin/Registry.h"
#include "dlc/support/Error.h"

namespace dlc {
namespace {

namespace fs = std::filesystem;

std::string plugin(const std::string& name) { return std::string(DLC_TEST_PLUGIN_DIR) + "/lib" + name + ".so"; }
std::string canon(const std::string& p) { return fs::canonical(p).string(); }

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%#x", static_cast<unsigned>(v));
  return buf;
}

std::string loadError(Registry& reg, const std::string& path) {
  PluginLoader loader(reg);
  try {
    loader.load(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "<loaded without error>";
}

void expectEmpty(const Registry& reg) {
  EXPECT_TRUE(reg.plugins().empty());
  EXPECT_TRUE(reg.frontends().empty());
  EXPECT_TRUE(reg.targets().empty());
  EXPECT_TRUE(reg.passes().all().empty());
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_) setenv(name_.c_str(), old_.c_str(), 1);
    else unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

fs::path freshDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("dlc_plugin_test_" + std::to_string(getpid()) + "_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

TEST(PluginLoader, MissingFile) {
  Registry reg;
  std::string p = std::string(DLC_TEST_PLUGIN_DIR) + "/libdoes_not_exist.so";
  EXPECT_EQ(loadError(reg, p), "plugin " + p + ": no such file");
  expectEmpty(reg);
}

TEST(PluginLoader, Directory) {
  Registry reg;
  std::string p = DLC_TEST_PLUGIN_DIR;
  EXPECT_EQ(loadError(reg, p), "plugin " + p + ": is a directory, not a shared library");
}

TEST(PluginLoader, NotASharedLibrary) {
  Registry reg;
  std::string p = plugin("notaplugin");
  EXPECT_EQ(loadError(reg, p), "plugin " + canon(p) + ": not a shared library (invalid ELF header)");
  expectEmpty(reg);
}

TEST(PluginLoader, EmptyFile) {
  fs::path d = freshDir("empty");
  std::string p = (d / "libempty.so").string();
  { std::ofstream touch(p); }
  Registry reg;
  EXPECT_EQ(loadError(reg, p), "plugin " + canon(p) + ": not a shared library (file too short)");
  fs::remove_all(d);
}

TEST(PluginLoader, NoEntryPoint) {
  Registry reg;
  std::string p = plugin("dlc_test_no_entry");
  EXPECT_EQ(loadError(reg, p), "plugin " + canon(p) +
                                   ": has no entry point 'dlcGetPluginInfo' (define it with DLC_DEFINE_PLUGIN)");
  expectEmpty(reg);
}

TEST(PluginLoader, AbiMismatchNamesBothVersions) {
  Registry reg;
  std::string p = plugin("dlc_test_bad_abi");
  EXPECT_EQ(loadError(reg, p), "plugin " + canon(p) + ": was built for plugin ABI " + hex(DLC_TEST_WRONG_ABI) +
                                   " but this dlc has ABI " + hex(DLC_PLUGIN_ABI_VERSION) +
                                   "; rebuild it against this dlc's SDK");
  EXPECT_EQ(hex(DLC_TEST_WRONG_ABI), "0x1234567");
  expectEmpty(reg);
}

TEST(PluginLoader, CxxAbiMismatch) {
  Registry reg;
  std::string p = plugin("dlc_test_cxx_abi");
  EXPECT_EQ(loadError(reg, p), "plugin " + canon(p) +
                                   ": was built with C++ ABI 'itanium/libc++' but this dlc uses '" DLC_CXX_ABI
                                   "'; rebuild it with a compatible compiler and standard library");
  expectEmpty(reg);
}

TEST(PluginLoader, DuplicatePassNamesBothFiles) {
  Registry reg;
  PluginLoader loader(reg);
  loader.load(plugin("dlc_test_dup_a"));
  EXPECT_EQ(loadError(reg, plugin("dlc_test_dup_b")),
            "plugin " + canon(plugin("dlc_test_dup_b")) + ": pass 'dup-pass' is already registered by " +
                canon(plugin("dlc_test_dup_a")));
  // dup-b registered "dup-b-only" before failing: it is gone with the plugin.
  ASSERT_EQ(reg.plugins().size(), 1u);
  EXPECT_EQ(reg.plugins()[0].name, "test-dup-a");
  EXPECT_EQ(reg.passes().all().size(), 1u);
  EXPECT_NE(reg.passes().find("dup-pass"), nullptr);
  EXPECT_EQ(reg.passes().find("dup-b-only"), nullptr);
}

// Loads a plugin whose registration throws, checks the message, that nothing is
// left behind, and that the registry still works.
void expectThrowingRegistration(const std::string& lib, const std::string& cause) {
  Registry reg;
  std::string p = plugin(lib);
  std::string expected = "plugin " + canon(p) + ": registration failed: " + cause;
  EXPECT_EQ(loadError(reg, p), expected);
  expectEmpty(reg);
  EXPECT_EQ(reg.findFrontend("throwfmt"), nullptr);
  EXPECT_EQ(reg.findTarget("throw-target"), nullptr);
  // Its names were released: a second try fails the same way, not as a duplicate.
  EXPECT_EQ(loadError(reg, p), expected);
  // And the registry is still usable.
  PluginLoader(reg).load(plugin("dlc_test_good"));
  EXPECT_EQ(reg.plugins().size(), 1u);
}

TEST(PluginLoader, RegistrationThrowsDlcError) {
  expectThrowingRegistration("dlc_test_throwing0", "device 'npu0' not found");
}

TEST(PluginLoader, RegistrationThrowsStdException) {
  expectThrowingRegistration("dlc_test_throwing1", "out of cheese");
}

TEST(PluginLoader, RegistrationThrowsNonException) {
  expectThrowingRegistration("dlc_test_throwing2", "an exception that is not a std::exception");
}

TEST(PluginLoader, GoodPluginIsRecorded) {
  Registry reg;
  PluginLoader(reg).load(plugin("dlc_test_good"));
  ASSERT_EQ(reg.plugins().size(), 1u);
  const PluginRecord& r = reg.plugins()[0];
  EXPECT_EQ(r.name, "test-good");
  EXPECT_EQ(r.version, "1.0.0");
  EXPECT_EQ(r.file, canon(plugin("dlc_test_good")));
  EXPECT_EQ(r.registered, (std::vector<std::string>{"frontend testfmt", "pass test-pass", "target test-target",
                                                    "op DlcTestOp", "op-extra DlcTestOp.test.max_rank"}));
  ASSERT_NE(reg.findTarget("test-target"), nullptr);
  EXPECT_EQ(reg.findTarget("test-target")->properties.at("vector_width"), "8");
  const int64_t* maxRank = OpRegistry::global().attached<int64_t>("DlcTestOp", "test.max_rank");
  ASSERT_NE(maxRank, nullptr);
  EXPECT_EQ(*maxRank, 4);
  // The frontend's code runs from the plugin.
  auto m = reg.loadModel("/some/model.tfmt");
  EXPECT_EQ(m->name(), "from_testfmt");
  EXPECT_EQ(m->metadata().at("source"), "/some/model.tfmt");
  auto pass = reg.passes().find("test-pass")->create();
  EXPECT_EQ(pass->name(), "test-pass");
}

TEST(PluginLoader, SameFileLoadsOnce) {
  Registry reg;
  PluginLoader loader(reg);
  loader.load(plugin("dlc_test_good"));
  loader.load(plugin("dlc_test_good"));
  loader.load(std::string(DLC_TEST_PLUGIN_DIR) + "/./libdlc_test_good.so");
  EXPECT_EQ(reg.plugins().size(), 1u);
  // A second loader on the same registry knows it too.
  PluginLoader(reg).load(plugin("dlc_test_good"));
  EXPECT_EQ(reg.plugins().size(), 1u);
}

TEST(PluginLoader, SameFileIntoTwoRegistries) {
  Registry a, b;
  PluginLoader(a).load(plugin("dlc_test_good"));
  PluginLoader(b).load(plugin("dlc_test_good"));
  EXPECT_EQ(a.plugins().size(), 1u);
  EXPECT_EQ(b.plugins().size(), 1u);
  EXPECT_NE(b.findFrontend("testfmt"), nullptr);
}

TEST(PluginLoader, LoadDirectoryLoadsLibSoSorted) {
  fs::path d1 = freshDir("sorted1"), d2 = freshDir("sorted2");
  for (const fs::path& d : {d1, d2}) {
    fs::create_symlink(plugin("notaplugin"), d / "notaplugin.so");  // no lib prefix: ignored
    fs::create_symlink(plugin("notaplugin"), d / "libnotaplugin.txt");  // not .so: ignored
  }
  fs::create_symlink(plugin("dlc_test_good"), d1 / "liba.so");
  fs::create_symlink(plugin("dlc_test_dup_a"), d1 / "libb.so");
  fs::create_symlink(plugin("dlc_test_dup_a"), d2 / "liba.so");
  fs::create_symlink(plugin("dlc_test_good"), d2 / "libb.so");
  Registry r1, r2;
  PluginLoader(r1).loadDirectory(d1.string());
  PluginLoader(r2).loadDirectory(d2.string());
  ASSERT_EQ(r1.plugins().size(), 2u);
  EXPECT_EQ(r1.plugins()[0].name, "test-good");
  EXPECT_EQ(r1.plugins()[1].name, "test-dup-a");
  ASSERT_EQ(r2.plugins().size(), 2u);
  EXPECT_EQ(r2.plugins()[0].name, "test-dup-a");
  EXPECT_EQ(r2.plugins()[1].name, "test-good");
  fs::remove_all(d1);
  fs::remove_all(d2);
}

TEST(PluginLoader, LoadDirectoryMissing) {
  Registry reg;
  PluginLoader loader(reg);
  try {
    loader.loadDirectory("/no/such/dir");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "plugin directory /no/such/dir: no such directory");
  }
}

TEST(PluginLoader, LoadAllOrderExplicitThenEnv) {
  fs::path d = freshDir("env");
  fs::create_symlink(plugin("dlc_test_dup_a"), d / "libdup_a.so");
  std::string env = "/no/such/dir::" + d.string();
  ScopedEnv scoped("DLC_PLUGIN_PATH", env.c_str());
  // Explicit dup-b first: the plugin from DLC_PLUGIN_PATH is the one refused.
  Registry reg;
  PluginLoader loader(reg);
  try {
    loader.loadAll({plugin("dlc_test_dup_b")});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "plugin " + canon(plugin("dlc_test_dup_a")) +
                                         ": pass 'dup-pass' is already registered by " +
                                         canon(plugin("dlc_test_dup_b")));
  }
  ASSERT_GE(reg.plugins().size(), 1u);
  EXPECT_EQ(reg.plugins()[0].name, "test-dup-b");
  // Without the conflict, both load: explicit first, then the directory.
  Registry reg2;
  PluginLoader(reg2).loadAll({plugin("dlc_test_good")});
  ASSERT_GE(reg2.plugins().size(), 2u);
  EXPECT_EQ(reg2.plugins()[0].name, "test-good");
  EXPECT_EQ(reg2.plugins()[1].name, "test-dup-a");
  fs::remove_all(d);
}

TEST(PluginLoader, DefaultDirIsBesideTheExecutable) {
  const char* build = std::getenv("DLC_BUILD_DIR");
  ASSERT_NE(build, nullptr) << "DLC_BUILD_DIR is set by ctest";
  // This test binary lives in <build>/tests/.
  EXPECT_EQ(PluginLoader::defaultPluginDir(), (fs::canonical(build) / "lib" / "dlc" / "plugins").string());
}

TEST(PluginLoader, NeverTheCurrentDirectory) {
  ScopedEnv scoped("DLC_PLUGIN_PATH", nullptr);
  fs::path old = fs::current_path();
  fs::current_path(DLC_TEST_PLUGIN_DIR);  // holds libdlc_test_*.so and libnotaplugin.so
  Registry reg;
  EXPECT_NO_THROW(PluginLoader(reg).loadAll({}));
  fs::current_path(old);
  for (const PluginRecord& r : reg.plugins()) {
    EXPECT_NE(fs::path(r.file).parent_path(), fs::canonical(DLC_TEST_PLUGIN_DIR)) << r.file;
  }
}

}  // namespace
}  // namespace dlc
