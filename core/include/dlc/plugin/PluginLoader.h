// Finds and loads plugins (Boost.DLL) into a Registry.
//
// Discovery order: explicit paths (--plugin=PATH), then each directory of
// DLC_PLUGIN_PATH, then the install's lib/dlc/plugins/ (found relative to the
// running executable). Never the current directory implicitly.
//
// Every failure is a dlc::Error with one line naming the file and the cause:
// missing file, not a shared library, no entry point, ABI version mismatch (both
// versions), C++ ABI mismatch, duplicate plugin or registration name, and a
// registration callback that throws.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dlc/plugin/Registry.h"

namespace dlc {

class PluginLoader {
 public:
  explicit PluginLoader(Registry& registry);
  ~PluginLoader();

  // Loads one plugin file; throws dlc::Error on any failure.
  void load(const std::string& path);
  // Loads every lib*.so in a directory (sorted by name).
  void loadDirectory(const std::string& dir);
  // Explicit paths, then DLC_PLUGIN_PATH, then the default directory.
  void loadAll(const std::vector<std::string>& explicitPaths);

  // <dir of the running executable>/../lib/dlc/plugins
  static std::string defaultPluginDir();

 private:
  struct Impl;
  Registry& registry_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dlc
