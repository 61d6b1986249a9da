// dlc — the command-line driver.
//
//   dlc [global options] <subcommand> [options] [args]
//
// Global options (--plugin=PATH, --help, --version) may come before the
// subcommand; --plugin and --help are also accepted after it. Exit codes: 0 on
// success, 1 when loading, optimizing, compiling or running fails (dlc::Error),
// 2 on a misuse of the command line. Every error is one line on stderr,
// `dlc: error: ...`. Documented in docs/cli.md; tested by tests/cli/.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "Args.h"
#include "Command.h"
#include "ModelOptions.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/support/Error.h"

#ifndef DLC_VERSION_STRING
#define DLC_VERSION_STRING "unknown"
#endif

namespace dlc::cli {

namespace {

std::vector<Command> allCommands() {
  return {pluginsCommand(), inspectCommand(), compileCommand(), runCommand(), benchCommand()};
}

std::string topHelp(const std::vector<Command>& commands) {
  std::string s =
      "usage: dlc [--plugin=PATH]... <subcommand> [options] [args]\n"
      "       dlc --help | --version\n"
      "\n"
      "dlc is a deep-learning compiler: it imports a model (ONNX, dlc text IR, or any\n"
      "format a plugin adds), optimizes its graph and compiles it for a target.\n"
      "\n"
      "subcommands:\n";
  for (const Command& c : commands) {
    s += "  " + c.name + std::string(c.name.size() < 10 ? 10 - c.name.size() : 1, ' ') +
         c.summary + "\n";
  }
  s +=
      "\n"
      "global options:\n"
      "  --plugin=PATH   load a plugin library (repeatable; also accepted after the subcommand)\n"
      "  -h, --help      show this help; `dlc <subcommand> --help` for a subcommand\n"
      "  --version       show the version of dlc and of its plugin ABI\n"
      "\n"
      "Plugins are also loaded from each directory of DLC_PLUGIN_PATH and from the\n"
      "install's lib/dlc/plugins/. See docs/cli.md.\n";
  return s;
}

std::string versionText() {
  char abi[32];
  std::snprintf(abi, sizeof abi, "%#x", static_cast<unsigned>(DLC_PLUGIN_ABI_VERSION));
  return std::string("dlc ") + DLC_VERSION_STRING + " (plugin ABI " + abi + ", " + DLC_CXX_ABI +
         ")\n";
}

void buildParser(const Command& c, ArgParser& p) {
  c.declare(p);
  p.epilog(c.epilog);
  p.option("--plugin", "PATH", "load a plugin library before running", {}, true);
  p.flag("--help", "show this help", {"-h"});
}

int realMain(const std::vector<std::string>& args) {
  std::vector<Command> commands = allCommands();

  // Global options, up to the subcommand name.
  std::vector<std::string> plugins;
  bool help = false, version = false;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      help = true;
    } else if (a == "--version") {
      version = true;
    } else if (a.rfind("--plugin=", 0) == 0) {
      if (a.size() == 9) throw UsageError("missing value for option '--plugin' (expected PATH)");
      plugins.push_back(a.substr(9));
    } else if (a == "--plugin") {
      if (i + 1 >= args.size() || args[i + 1].rfind("-", 0) == 0) {
        throw UsageError("missing value for option '--plugin' (expected PATH)");
      }
      plugins.push_back(args[++i]);
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option '" + a.substr(0, a.find('=')) + "' (see 'dlc --help')");
    } else {
      break;
    }
  }

  if (i == args.size()) {
    if (version) {
      std::cout << versionText();
      return 0;
    }
    if (help) {
      std::cout << topHelp(commands);
      return 0;
    }
    std::cerr << topHelp(commands);
    throw UsageError("no subcommand given");
  }

  std::string name = args[i++];
  std::vector<std::string> rest(args.begin() + static_cast<long>(i), args.end());

  if (name == "help") {  // dlc help [subcommand]
    if (rest.empty()) {
      std::cout << topHelp(commands);
      return 0;
    }
    name = rest[0];
    rest = {"--help"};
  }

  const Command* cmd = nullptr;
  for (const Command& c : commands) {
    if (c.name == name) cmd = &c;
  }
  if (!cmd) {
    std::string known;
    for (const Command& c : commands) known += (known.empty() ? "" : ", ") + c.name;
    throw UsageError("unknown subcommand '" + name + "' (expected one of: " + known + ")");
  }

  ArgParser parser("dlc " + cmd->name, cmd->usage, cmd->description);
  buildParser(*cmd, parser);
  if (help || version) {  // `dlc --help inspect` shows the subcommand's help
    if (version) {
      std::cout << versionText();
      return 0;
    }
    std::cout << parser.help();
    return 0;
  }
  ParsedArgs parsed = parser.parse(rest);
  if (parsed.has("--help")) {
    std::cout << parser.help();
    return 0;
  }
  for (const std::string& p : parsed.all("--plugin")) plugins.push_back(p);
  for (const std::string& p : plugins) requireFile(p, "plugin");

  Session session(plugins);
  return cmd->run(parsed, session);
}

}  // namespace

}  // namespace dlc::cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    int rc = dlc::cli::realMain(args);
    std::cout.flush();
    return rc;
  } catch (const dlc::cli::UsageError& e) {
    std::cout.flush();
    std::cerr << "dlc: error: " << e.what() << "\n";
    return 2;
  } catch (const dlc::Error& e) {
    std::cout.flush();
    std::cerr << "dlc: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "dlc: error: internal error: " << e.what() << "\n";
    return 1;
  } catch (...) {
    std::cout.flush();
    std::cerr << "dlc: error: internal error: unknown exception\n";
    return 1;
  }
}
