// The command-line parser of `dlc`: a small declarative option table per
// subcommand, parsed into named values and positionals. Misuse (unknown option,
// missing or bad value) throws UsageError, which the tool reports as
// `dlc: error: ...` with exit code 2.
//
// Accepted forms: `--name=value`, `--name value`, `-x value`, `-xVALUE` for
// short options with an attached value (`-O2`), flags `--name`, and `--` to end
// the options. Tests: tests/cli/cli_test.py.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace dlc::cli {

// A misuse of the command line: exit code 2.
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& msg) : std::runtime_error(msg) {}
};

struct OptionSpec {
  std::string name;                  // "--passes" or "-o"
  std::vector<std::string> aliases;  // "-h", "--opt-level"
  bool takesValue = false;
  bool repeatable = false;           // values accumulate (otherwise the last wins)
  std::string metavar;               // "FILE"
  std::string help;
};

class ParsedArgs {
 public:
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  // The last value given, or `dflt`.
  std::string get(const std::string& name, const std::string& dflt = "") const;
  // Every value given, in order (repeatable options).
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  friend class ArgParser;
  std::map<std::string, std::vector<std::string>> values_;  // flags hold one ""
  std::vector<std::string> positionals_;
};

class ArgParser {
 public:
  // `command` names the command in messages and help ("dlc inspect").
  ArgParser(std::string command, std::string usage, std::string description);

  void flag(std::string name, std::string help, std::vector<std::string> aliases = {});
  void option(std::string name, std::string metavar, std::string help,
              std::vector<std::string> aliases = {}, bool repeatable = false);
  // A free-form paragraph appended to the help text (examples, notes).
  void epilog(std::string text) { epilog_ = std::move(text); }

  ParsedArgs parse(const std::vector<std::string>& args) const;
  std::string help() const;
  const std::string& command() const { return command_; }

 private:
  const OptionSpec* find(const std::string& name) const;
  std::string command_, usage_, description_, epilog_;
  std::vector<OptionSpec> options_;
};

}  // namespace dlc::cli
