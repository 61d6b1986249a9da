// Target options shared by compile, run and bench (see TargetOptions.h).
#include "TargetOptions.h"

#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>

#include "dlc/support/Error.h"

namespace dlc::cli {

void declareTargetOptions(ArgParser& p) {
  p.option("--mcpu", "CPU", "CPU to generate code for (LLVM names, e.g. skylake; default: the host's)");
  p.option("--mattr", "FEATURES", "CPU features to add or remove, e.g. +avx2,-fma");
  p.option("--threads", "N", "threads for parallel loops (default: DLC_NUM_THREADS, else all cores)");
  p.option("--schedule-config", "FILE", "explicit schedule knob values (JSON object of name: integer)");
  p.flag("--print-kernels", "print the Kernel IR of every kernel (to stderr)");
}

std::map<std::string, int64_t> parseScheduleConfig(const std::string& text, const std::string& what) {
  std::map<std::string, int64_t> knobs;
  size_t i = 0;
  auto bad = [&](const std::string& msg) -> void {
    throw UsageError(what + ": " + msg + " at offset " + std::to_string(i));
  };
  auto ws = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  ws();
  if (i >= text.size() || text[i] != '{') bad("expected '{'");
  ++i;
  ws();
  if (i < text.size() && text[i] == '}') return knobs;
  while (true) {
    ws();
    if (i >= text.size() || text[i] != '"') bad("expected a knob name in double quotes");
    size_t end = text.find('"', i + 1);
    if (end == std::string::npos) bad("unterminated string");
    std::string key = text.substr(i + 1, end - i - 1);
    i = end + 1;
    ws();
    if (i >= text.size() || text[i] != ':') bad("expected ':'");
    ++i;
    ws();
    size_t start = i;
    if (i < text.size() && text[i] == '-') ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || (i == start + 1 && text[start] == '-')) bad("expected an integer value for '" + key + "'");
    try {
      knobs[key] = std::stoll(text.substr(start, i - start));
    } catch (const std::exception&) {
      bad("value of '" + key + "' out of range");
    }
    ws();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (i < text.size() && text[i] == '}') {
      ++i;
      break;
    }
    bad("expected ',' or '}'");
  }
  ws();
  if (i != text.size()) bad("trailing text");
  return knobs;
}

CompileOptions parseTargetOptions(const ParsedArgs& args, int optLevel) {
  CompileOptions co;
  co.optLevel = optLevel;
  if (args.has("--mcpu")) co.targetAttrs["mcpu"] = args.get("--mcpu");
  if (args.has("--mattr")) co.targetAttrs["mattr"] = args.get("--mattr");
  if (args.has("--threads")) {
    std::string s = args.get("--threads");
    bool ok = !s.empty() && s.size() <= 4;
    for (char c : s) ok = ok && std::isdigit(static_cast<unsigned char>(c));
    if (!ok || std::stoi(s) < 1) throw UsageError("bad value for --threads: '" + s + "' (expected an integer >= 1)");
    co.numThreads = std::stoi(s);
  }
  if (args.has("--schedule-config")) {
    std::string path = args.get("--schedule-config");
    std::ifstream f(path);
    if (!f) throw UsageError("cannot read schedule config '" + path + "'");
    std::stringstream ss;
    ss << f.rdbuf();
    co.knobs = parseScheduleConfig(ss.str(), "schedule config '" + path + "'");
  }
  if (args.has("--print-kernels")) co.printKernels = &std::cerr;
  return co;
}

bool isArtifact(const std::string& path) { return path.size() > 3 && path.compare(path.size() - 3, 3, ".so") == 0; }

}  // namespace dlc::cli
