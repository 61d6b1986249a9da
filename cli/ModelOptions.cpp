#include "ModelOptions.h"

#include <sys/stat.h>

#include <cctype>
#include <limits>

#include "dlc/support/Error.h"

namespace dlc::cli {

namespace {

const char* kShapesExample = "expected NAME=DIMxDIM..., e.g. data=1x3x224x224,mask=1x128";

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

int64_t parseExtent(const std::string& text, const std::string& entry) {
  std::string d = trim(text);
  bool ok = !d.empty() && d.size() <= 18;
  for (char c : d) ok = ok && std::isdigit(static_cast<unsigned char>(c));
  if (!ok) {
    throw UsageError("bad value for --input-shapes: '" + entry + "' has a bad dimension '" + d +
                     "' (" + kShapesExample + ")");
  }
  return std::stoll(d);
}

// Splits at commas and blanks that are not inside brackets.
std::vector<std::string> splitEntries(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '[') ++depth;
    if (c == ']') --depth;
    if (depth == 0 && (c == ',' || c == ' ' || c == '\t')) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<std::string> splitCommaList(const std::string& text, const std::string& flag) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string item = trim(text.substr(start, comma == std::string::npos ? std::string::npos
                                                                           : comma - start));
    if (item.empty()) {
      throw UsageError("bad value for " + flag + ": '" + text +
                       "' has an empty pass name (expected a,b,c)");
    }
    out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string knownPasses(const PassRegistry& passes) {
  std::string s;
  for (const PassInfo& p : passes.all()) s += (s.empty() ? "" : ", ") + p.name;
  return s.empty() ? "none registered" : "known: " + s;
}

}  // namespace

void requireFile(const std::string& path, const std::string& what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw UsageError(what + " '" + path + "' not found");
  if (!S_ISREG(st.st_mode)) throw UsageError(what + " '" + path + "' is not a regular file");
}

std::map<std::string, std::vector<int64_t>> parseInputShapes(const std::string& text) {
  std::map<std::string, std::vector<int64_t>> shapes;
  std::vector<std::string> entries = splitEntries(text);
  if (entries.empty()) throw UsageError(std::string("missing value for --input-shapes (") +
                                        kShapesExample + ")");
  for (const std::string& entry : entries) {
    std::string name, shape;
    if (size_t eq = entry.rfind('='); eq != std::string::npos) {
      name = entry.substr(0, eq);
      shape = entry.substr(eq + 1);
    } else if (size_t colon = entry.rfind(":["); colon != std::string::npos) {
      name = entry.substr(0, colon);
      shape = entry.substr(colon + 1);
    } else {
      throw UsageError("bad value for --input-shapes: '" + entry + "' (" + kShapesExample + ")");
    }
    if (name.empty()) {
      throw UsageError("bad value for --input-shapes: '" + entry + "' has no input name (" +
                       kShapesExample + ")");
    }
    if (shape.empty()) {
      throw UsageError("bad value for --input-shapes: '" + entry + "' has no shape (" +
                       kShapesExample + ")");
    }
    std::vector<int64_t> dims;
    if (shape.front() == '[') {  // [1,3,224,224]; [] is a scalar
      if (shape.back() != ']') {
        throw UsageError("bad value for --input-shapes: '" + entry + "' has no closing ']'");
      }
      std::string inner = trim(shape.substr(1, shape.size() - 2));
      size_t start = 0;
      while (!inner.empty()) {
        size_t comma = inner.find(',', start);
        dims.push_back(parseExtent(inner.substr(start, comma == std::string::npos
                                                           ? std::string::npos
                                                           : comma - start),
                                   entry));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else {  // 1x3x224x224
      size_t start = 0;
      while (true) {
        size_t x = shape.find('x', start);
        dims.push_back(parseExtent(
            shape.substr(start, x == std::string::npos ? std::string::npos : x - start), entry));
        if (x == std::string::npos) break;
        start = x + 1;
      }
    }
    if (!shapes.emplace(name, dims).second) {
      throw UsageError("bad value for --input-shapes: input '" + name + "' is given twice");
    }
  }
  return shapes;
}

void declareModelOptions(ArgParser& p, int defaultOptLevel) {
  p.option("--input-shapes", "SHAPES",
           "fix input shapes: NAME=DIMxDIM[,NAME2=...] (or NAME:[D,D,...] as in tvmc)");
  p.option("-O", "N",
           "optimization level -O0..-O3 (default -O" + std::to_string(defaultOptLevel) + ")",
           {"--opt-level"});
  p.option("--passes", "LIST", "run exactly these passes, comma-separated, instead of the -O pipeline");
  p.flag("--print-after-all", "print the IR after every pass (to stderr)");
  p.option("--print-after", "PASS", "print the IR after the named pass (to stderr)", {}, true);
  p.flag("--time-passes", "print a table of the time spent in each pass (to stderr)");
  p.flag("--verify-each", "verify the IR after every pass");
}

ModelOptions parseModelOptions(const ParsedArgs& args, int defaultOptLevel,
                               const std::string& command) {
  ModelOptions o;
  const auto& pos = args.positionals();
  if (pos.empty()) throw UsageError("missing MODEL argument (see '" + command + " --help')");
  if (pos.size() > 1) {
    throw UsageError("unexpected argument '" + pos[1] + "' (" + command + " takes one MODEL)");
  }
  o.modelPath = pos[0];

  o.optLevel = defaultOptLevel;
  if (args.has("-O")) {
    std::string v = args.get("-O");
    if (v.size() != 1 || v[0] < '0' || v[0] > '3') {
      throw UsageError("bad optimization level '" + v + "' for -O (expected -O0, -O1, -O2 or -O3)");
    }
    o.optLevel = v[0] - '0';
  }
  if (args.has("--passes")) {
    o.passes = splitCommaList(args.get("--passes"), "--passes");
    o.explicitPasses = true;
  }
  if (args.has("--input-shapes")) o.frontend.inputShapes = parseInputShapes(args.get("--input-shapes"));
  o.passManager.printAfterAll = args.has("--print-after-all");
  for (const std::string& v : args.all("--print-after")) {
    for (std::string& name : splitCommaList(v, "--print-after")) o.passManager.printAfter.push_back(name);
  }
  o.passManager.timePasses = args.has("--time-passes");
  o.passManager.verifyEach = args.has("--verify-each");
  requireFile(o.modelPath, "model file");
  return o;
}

std::unique_ptr<Module> loadModel(Session& session, const ModelOptions& opts) {
  std::unique_ptr<Module> m = session.registry().loadModel(opts.modelPath, opts.frontend);
  DLC_CHECK(m != nullptr, "frontend returned no module for '", opts.modelPath, "'");
  return m;
}

std::vector<std::string> optimize(Session& session, Module& module, const ModelOptions& opts) {
  const PassRegistry& passes = session.registry().passes();
  for (const std::string& name : opts.passes) {
    if (!passes.find(name)) {
      throw UsageError("unknown pass '" + name + "' in --passes (" + knownPasses(passes) + ")");
    }
  }
  for (const std::string& name : opts.passManager.printAfter) {
    if (!passes.find(name)) {
      throw UsageError("unknown pass '" + name + "' in --print-after (" + knownPasses(passes) + ")");
    }
  }
  PassManager pm(passes, opts.passManager);
  if (opts.explicitPasses) {
    for (const std::string& name : opts.passes) pm.addPass(name);
  } else {
    pm.addPipeline(opts.optLevel);
  }
  PassContext ctx;
  ctx.optLevel = opts.optLevel;
  pm.run(module, ctx);
  return pm.passNames();
}

}  // namespace dlc::cli
