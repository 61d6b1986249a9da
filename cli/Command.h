// The subcommands of `dlc`. Each lives in its own file (Plugins.cpp,
// Inspect.cpp, Compile.cpp, Run.cpp) and is listed in Main.cpp.
//
// A subcommand declares its options on an ArgParser (the global ones, --plugin
// and --help, are added by Main) and runs with the parsed arguments and a
// Session, which loads the plugins on first use so that usage errors are
// reported before any plugin is touched.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "Args.h"
#include "dlc/plugin/PluginLoader.h"
#include "dlc/plugin/Registry.h"

namespace dlc::cli {

class Session {
 public:
  explicit Session(std::vector<std::string> pluginPaths) : pluginPaths_(std::move(pluginPaths)) {}
  // The registry with every plugin loaded (explicit paths, DLC_PLUGIN_PATH, the
  // default directory). Throws dlc::Error naming a plugin that fails to load.
  Registry& registry();

 private:
  std::vector<std::string> pluginPaths_;
  // Declared before the registry so it is destroyed after it: the registry holds
  // functions whose code lives in the plugin libraries the loader keeps open.
  std::unique_ptr<PluginLoader> loader_;
  std::unique_ptr<Registry> registry_;
};

struct Command {
  std::string name;
  std::string summary;  // one line, for `dlc --help`
  std::function<void(ArgParser&)> declare;
  std::function<int(const ParsedArgs&, Session&)> run;  // the exit code
  std::string usage;        // "dlc inspect [options] MODEL"
  std::string description;  // a paragraph for `dlc <name> --help`
  std::string epilog;       // examples, after the options in the help
};

Command pluginsCommand();
Command inspectCommand();
Command compileCommand();
Command runCommand();
Command benchCommand();

}  // namespace dlc::cli
