#include "Args.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace dlc::cli {

namespace {

bool looksLikeNumber(const std::string& s) {
  if (s.size() < 2 || s[0] != '-') return false;
  return std::isdigit(static_cast<unsigned char>(s[1])) || s[1] == '.';
}

// An argument that starts an option rather than being a value: "-x", "--x".
bool looksLikeOption(const std::string& s) {
  return s.size() > 1 && s[0] == '-' && !looksLikeNumber(s);
}

}  // namespace

std::string ParsedArgs::get(const std::string& name, const std::string& dflt) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? dflt : it->second.back();
}

std::vector<std::string> ParsedArgs::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

ArgParser::ArgParser(std::string command, std::string usage, std::string description)
    : command_(std::move(command)), usage_(std::move(usage)), description_(std::move(description)) {}

void ArgParser::flag(std::string name, std::string help, std::vector<std::string> aliases) {
  options_.push_back({std::move(name), std::move(aliases), false, false, "", std::move(help)});
}

void ArgParser::option(std::string name, std::string metavar, std::string help,
                       std::vector<std::string> aliases, bool repeatable) {
  options_.push_back(
      {std::move(name), std::move(aliases), true, repeatable, std::move(metavar), std::move(help)});
}

const OptionSpec* ArgParser::find(const std::string& name) const {
  for (const OptionSpec& o : options_) {
    if (o.name == name) return &o;
    if (std::find(o.aliases.begin(), o.aliases.end(), name) != o.aliases.end()) return &o;
  }
  return nullptr;
}

ParsedArgs ArgParser::parse(const std::vector<std::string>& args) const {
  ParsedArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.positionals_.insert(out.positionals_.end(), args.begin() + static_cast<long>(i) + 1,
                              args.end());
      break;
    }
    if (!looksLikeOption(a)) {
      out.positionals_.push_back(a);
      continue;
    }

    // Split "--name=value"; for short options also "-O2" (attached value).
    std::string name = a;
    std::string value;
    bool hasValue = false;
    const OptionSpec* spec = nullptr;
    if (a.rfind("--", 0) == 0) {
      if (size_t eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        hasValue = true;
      }
      spec = find(name);
    } else {
      spec = find(a);
      if (!spec && a.size() > 2) {
        const OptionSpec* shortSpec = find(a.substr(0, 2));
        if (shortSpec && shortSpec->takesValue) {
          spec = shortSpec;
          name = a.substr(0, 2);
          value = a.substr(2);
          hasValue = true;
        }
      }
    }
    if (!spec) {
      throw UsageError("unknown option '" + name + "' for '" + command_ + "' (see '" + command_ +
                       " --help')");
    }

    if (!spec->takesValue) {
      if (hasValue) throw UsageError("option '" + name + "' takes no value (got '" + a + "')");
      out.values_[spec->name] = {""};
      continue;
    }
    if (!hasValue) {
      if (i + 1 >= args.size() || looksLikeOption(args[i + 1])) {
        throw UsageError("missing value for option '" + name + "' (expected " + spec->metavar + ")");
      }
      value = args[++i];
    }
    if (value.empty()) {
      throw UsageError("missing value for option '" + name + "' (expected " + spec->metavar + ")");
    }
    std::vector<std::string>& slot = out.values_[spec->name];
    if (!spec->repeatable) slot.clear();
    slot.push_back(std::move(value));
  }
  return out;
}

std::string ArgParser::help() const {
  std::ostringstream os;
  os << "usage: " << usage_ << "\n\n" << description_ << "\n";
  if (!options_.empty()) {
    os << "\noptions:\n";
    std::vector<std::pair<std::string, std::string>> rows;
    size_t width = 0;
    for (const OptionSpec& o : options_) {
      std::string left = o.name;
      for (const std::string& al : o.aliases) left += ", " + al;
      if (o.takesValue) left += (o.name.rfind("--", 0) == 0 ? "=" : " ") + o.metavar;
      width = std::max(width, left.size());
      rows.emplace_back(left, o.help + (o.repeatable ? " (repeatable)" : ""));
    }
    width = std::min<size_t>(width, 30);
    for (const auto& [left, text] : rows) {
      os << "  " << left;
      if (left.size() > width) {
        os << "\n  " << std::string(width, ' ');
      } else {
        os << std::string(width - left.size(), ' ');
      }
      os << "  " << text << "\n";
    }
  }
  if (!epilog_.empty()) os << "\n" << epilog_;
  if (!epilog_.empty() && epilog_.back() != '\n') os << "\n";
  return os.str();
}

}  // namespace dlc::cli
