// Loads plugin libraries with Boost.DLL and registers them (see PluginLoader.h
// and docs/plugins.md).
//
// The checks run in this order, each failing with one line that starts with
// "plugin <path>: ":
//   1. the file exists and is a regular file;
//   2. it loads as a shared library (RTLD_NOW | RTLD_LOCAL);
//   3. it exports `dlcGetPluginInfo`, which returns a descriptor;
//   4. `abi_version` equals ours (read before any other field: in a plugin of
//      another ABI the rest of the descriptor may mean something else);
//   5. `cxx_abi` equals ours;
//   6. the plugin's name and its registrations are new (checked by Registry);
//   7. the registration callback does not throw.
//
// Libraries that load are never unloaded: the functions, vtables and strings
// they registered are used for as long as the process runs.
#include "dlc/plugin/PluginLoader.h"

#include <dlfcn.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <system_error>

#include "dlc/plugin/PluginAPI.h"
#include "dlc/support/Error.h"

namespace dlc {

namespace fs = std::filesystem;

namespace {

constexpr const char* kEntryPoint = "dlcGetPluginInfo";

// Every library that was loaded, kept for the lifetime of the process.
std::vector<boost::dll::shared_library>& keptLibraries() {
  static auto* libs = new std::vector<boost::dll::shared_library>();
  return *libs;
}
std::mutex& keptLibrariesMutex() {
  static auto* m = new std::mutex();
  return *m;
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%#x", static_cast<unsigned>(v));
  return buf;
}

// Exceptions may carry several lines (a nested message); a plugin error is one.
std::string oneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

bool hasElfMagic(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

// Boost.DLL reports a failed dlopen without dlerror()'s text; ask dlopen itself.
std::string dlopenReason(const std::string& path) {
  dlerror();
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h) {
    dlclose(h);
    return "unknown reason";
  }
  const char* err = dlerror();
  std::string reason = err ? err : "unknown reason";
  // dlerror() usually starts with the path; the message already names it.
  if (reason.rfind(path + ": ", 0) == 0) reason = reason.substr(path.size() + 2);
  return oneLine(reason);
}

std::vector<std::string> splitPathList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(':', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

struct PluginLoader::Impl {};

PluginLoader::PluginLoader(Registry& registry) : registry_(registry), impl_(std::make_unique<Impl>()) {}
PluginLoader::~PluginLoader() = default;

void PluginLoader::load(const std::string& path) {
  std::string where = "plugin " + path + ": ";
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) fail(where, "no such file");
  if (fs::is_directory(st)) fail(where, "is a directory, not a shared library");
  if (!fs::is_regular_file(st)) fail(where, "not a regular file");

  const std::string canonical = fs::canonical(path, ec).string();
  const std::string file = ec ? fs::absolute(path).lexically_normal().string() : canonical;
  where = "plugin " + file + ": ";
  // The same file twice (say, --plugin and the default directory) loads once.
  for (const PluginRecord& r : registry_.plugins()) {
    if (r.file == file) return;
  }

  boost::dll::shared_library lib;
  {
    boost::dll::fs::error_code bec;
    lib.load(boost::dll::fs::path(file),
             boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, bec);
    if (bec || !lib.is_loaded()) {
      std::string reason = dlopenReason(file);
      if (!hasElfMagic(file)) fail(where, "not a shared library (", reason, ")");
      fail(where, "cannot be loaded as a shared library: ", reason);
    }
  }
  if (!lib.has(kEntryPoint)) {
    fail(where, "has no entry point '", kEntryPoint, "' (define it with DLC_DEFINE_PLUGIN)");
  }
  auto getInfo = lib.get<const DlcPluginInfo*()>(kEntryPoint);
  const DlcPluginInfo* info = getInfo();
  if (!info) fail(where, kEntryPoint, "() returned no descriptor");

  // The ABI version first: nothing else in the descriptor is trusted before it.
  const uint32_t abi = info->abi_version;
  if (abi != DLC_PLUGIN_ABI_VERSION) {
    fail(where, "was built for plugin ABI ", hex(abi), " but this dlc has ABI ",
         hex(DLC_PLUGIN_ABI_VERSION), "; rebuild it against this dlc's SDK");
  }
  const std::string cxxAbi = info->cxx_abi ? info->cxx_abi : "";
  if (cxxAbi != DLC_CXX_ABI) {
    fail(where, "was built with C++ ABI '", cxxAbi, "' but this dlc uses '", DLC_CXX_ABI,
         "'; rebuild it with a compatible compiler and standard library");
  }
  if (!info->name || !*info->name) fail(where, "the descriptor has no plugin name");
  if (!info->register_fn) fail(where, "the descriptor has no registration function");

  // From here on the library's code has run; keep it loaded whatever happens.
  {
    std::lock_guard<std::mutex> lock(keptLibrariesMutex());
    keptLibraries().push_back(lib);
  }

  registry_.beginPlugin(info->name, info->version ? info->version : "", file);
  try {
    info->register_fn(reinterpret_cast<DlcRegistry*>(&registry_));
  } catch (const Error& e) {
    registry_.abortPlugin();
    std::string what = oneLine(e.what());
    // Registry's own errors (a duplicate name) already name this plugin.
    if (what.rfind("plugin " + file + ": ", 0) == 0) throw Error(what);
    fail(where, "registration failed: ", what);
  } catch (const std::exception& e) {
    registry_.abortPlugin();
    fail(where, "registration failed: ", oneLine(e.what()));
  } catch (...) {
    registry_.abortPlugin();
    fail(where, "registration failed: an exception that is not a std::exception");
  }
  registry_.endPlugin();
}

void PluginLoader::loadDirectory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail("plugin directory ", dir, ": no such directory");
  std::vector<std::string> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() > 6 && name.rfind("lib", 0) == 0 && name.compare(name.size() - 3, 3, ".so") == 0 &&
        e.is_regular_file(ec)) {
      files.push_back(e.path().string());
    }
  }
  if (ec) fail("plugin directory ", dir, ": cannot be read: ", ec.message());
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) load(f);
}

void PluginLoader::loadAll(const std::vector<std::string>& explicitPaths) {
  for (const std::string& p : explicitPaths) load(p);
  std::error_code ec;
  if (const char* env = std::getenv("DLC_PLUGIN_PATH")) {
    for (const std::string& dir : splitPathList(env)) {
      if (fs::is_directory(dir, ec)) loadDirectory(dir);
    }
  }
  const std::string dflt = defaultPluginDir();
  if (!dflt.empty() && fs::is_directory(dflt, ec)) loadDirectory(dflt);
}

std::string PluginLoader::defaultPluginDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return "";
  return (exe.parent_path() / ".." / "lib" / "dlc" / "plugins").lexically_normal().string();
}

}  // namespace dlc
