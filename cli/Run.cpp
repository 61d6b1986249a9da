// `dlc run MODEL --target=NAME`: imports and optimizes a model, compiles it with
// a registered target (or loads MODEL.so, a compiled artifact), runs it once and writes the outputs to an .npz file
// and/or prints a summary. Inputs come from an .npz (--inputs) or, for inputs
// of static shape, from a seeded random generator (so runs are reproducible).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <set>

#include "Command.h"
#include "ArtifactExecutable.h"
#include "ModelOptions.h"
#include "TargetOptions.h"
#include "dlc/support/Error.h"
#include "dlc/support/Npz.h"

namespace dlc::cli {

namespace {

constexpr int kDefaultOptLevel = 2;
constexpr int64_t kPrintValues = 8;

std::string joinNames(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s.empty() ? "none" : s;
}

// Uniform in [-1, 1) for floats, [0, 10) for integers, {0, 1} for bool; the
// same on every platform (no std distributions, whose output may differ).
Tensor randomTensor(const TensorType& type, std::mt19937_64& rng) {
  Tensor t(type.dtype, type.extents());
  for (int64_t i = 0; i < t.numel(); ++i) {
    uint64_t r = rng();
    if (isFloat(type.dtype)) {
      t.setDouble(i, static_cast<double>(r >> 11) * 0x1.0p-52 - 1.0);
    } else if (type.dtype == DType::Bool) {
      t.setInt64(i, static_cast<int64_t>(r & 1));
    } else {
      t.setInt64(i, static_cast<int64_t>(r % 10));
    }
  }
  return t;
}

std::vector<Tensor> readInputs(const std::string& path, const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, Tensor>> arrays = readNpz(path);
  std::vector<std::string> have;
  for (const auto& [n, t] : arrays) have.push_back(n);
  std::set<std::string> wanted(names.begin(), names.end());
  for (const std::string& n : have) {
    if (!wanted.count(n)) {
      fail("'", path, "' has an array '", n, "' that is not a model input (inputs: ",
           joinNames(names), ")");
    }
  }
  std::vector<Tensor> inputs;
  for (const std::string& n : names) {
    const Tensor* found = nullptr;
    for (const auto& [an, t] : arrays) {
      if (an == n) found = &t;
    }
    if (!found) fail("input '", n, "' is missing from '", path, "' (it has: ", joinNames(have), ")");
    inputs.push_back(*found);
  }
  return inputs;
}

std::vector<Tensor> randomInputs(const std::vector<std::string>& names,
                                 const std::vector<TensorType>& types, uint64_t seed) {
  DLC_CHECK(names.size() == types.size(), "target reports ", names.size(), " input names but ",
            types.size(), " input types");
  std::mt19937_64 rng(seed);
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!types[i].isStatic()) {
      fail("input '", names[i], "' has a dynamic shape ", types[i].str(),
           ": give its values with --inputs or fix its shape with --input-shapes");
    }
    inputs.push_back(randomTensor(types[i], rng));
  }
  std::cerr << "dlc: note: no --inputs given; using random inputs (seed " << seed << "):";
  for (size_t i = 0; i < names.size(); ++i) {
    std::cerr << (i ? ", " : " ") << names[i] << " " << types[i].str();
  }
  std::cerr << "\n";
  return inputs;
}

std::string formatValue(const Tensor& t, int64_t i) {
  if (t.dtype() == DType::Bool) return t.getInt64(i) ? "true" : "false";
  if (!isFloat(t.dtype())) return std::to_string(t.getInt64(i));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", t.getDouble(i));
  return buf;
}

void printSummary(const std::vector<std::string>& names, const std::vector<Tensor>& outputs,
                  std::ostream& os) {
  os << "outputs (" << outputs.size() << "):\n";
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& t = outputs[i];
    std::string name = i < names.size() ? names[i] : "output" + std::to_string(i);
    os << "  " << name << ": " << t.type().str() << "\n    [";
    int64_t shown = std::min<int64_t>(t.numel(), kPrintValues);
    for (int64_t k = 0; k < shown; ++k) os << (k ? ", " : "") << formatValue(t, k);
    if (t.numel() > shown) os << ", ... (" << t.numel() << " values)";
    os << "]\n";
    if (t.numel() > 0 && t.dtype() != DType::Bool) {
      double lo = t.getDouble(0), hi = lo, sum = 0;
      for (int64_t k = 0; k < t.numel(); ++k) {
        double v = t.getDouble(k);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        sum += v;
      }
      char buf[128];
      std::snprintf(buf, sizeof buf, "    min %.6g  max %.6g  mean %.6g\n", lo, hi,
                    sum / static_cast<double>(t.numel()));
      os << buf;
    }
  }
}

}  // namespace

std::unique_ptr<Executable> loadExecutable(Session& session, const ModelOptions& opts, const std::string& targetName,
                                           const CompileOptions& co) {
  if (isArtifact(opts.modelPath)) return std::make_unique<cpu::ArtifactExecutable>(opts.modelPath, co.numThreads);
  std::unique_ptr<Module> m = loadModel(session, opts);
  optimize(session, *m, opts);
  const TargetInfo& target = session.registry().target(targetName);
  DLC_CHECK(target.compile, "target '", targetName, "' cannot compile");
  std::unique_ptr<Executable> exe = target.compile(*m, co);
  DLC_CHECK(exe != nullptr, "target '", targetName, "' returned no executable");
  return exe;
}

std::vector<Tensor> modelInputs(const Executable& exe, const std::string& inputsPath, uint64_t seed) {
  std::vector<std::string> inNames = exe.inputNames();
  std::vector<TensorType> inTypes = exe.inputTypes();
  std::vector<Tensor> inputs = inputsPath.empty() ? randomInputs(inNames, inTypes, seed)
                                                  : readInputs(inputsPath, inNames);
  checkInputs(inNames, inTypes, inputs);
  return inputs;
}

namespace {

int runRun(const ParsedArgs& args, Session& session) {
  ModelOptions opts = parseModelOptions(args, kDefaultOptLevel, "dlc run");
  std::string targetName = args.get("--target", "reference");
  std::string inputsPath = args.get("--inputs");
  std::string outputPath = args.get("-o");
  bool print = args.has("--print") || outputPath.empty();
  uint64_t seed = 0;
  if (args.has("--seed")) {
    std::string s = args.get("--seed");
    bool ok = !s.empty() && s.size() <= 19;
    for (char ch : s) ok = ok && ch >= '0' && ch <= '9';
    if (!ok) throw UsageError("bad value for --seed: '" + s + "' (expected a non-negative integer)");
    seed = std::stoull(s);
  }
  if (!inputsPath.empty()) requireFile(inputsPath, "inputs file");

  CompileOptions co = parseTargetOptions(args, opts.optLevel);
  co.timePhases = opts.passManager.timePasses;
  std::unique_ptr<Executable> exe = loadExecutable(session, opts, targetName, co);

  std::vector<Tensor> inputs = modelInputs(*exe, inputsPath, seed);
  std::vector<Tensor> outputs = exe->run(inputs);
  std::vector<std::string> outNames = exe->outputNames();

  if (!outputPath.empty()) {
    std::vector<std::pair<std::string, Tensor>> arrays;
    for (size_t i = 0; i < outputs.size(); ++i) {
      arrays.emplace_back(i < outNames.size() ? outNames[i] : "output" + std::to_string(i),
                          outputs[i]);
    }
    writeNpz(outputPath, arrays);
  }
  if (print) printSummary(outNames, outputs, std::cout);
  return 0;
}

}  // namespace

Command runCommand() {
  Command c;
  c.name = "run";
  c.summary = "compile a model for a target, run it and print or save its outputs";
  c.usage = "dlc run [options] MODEL [--target=NAME] [--inputs=IN.npz] [--output=OUT.npz] [--print]";
  c.description =
      "Imports and optimizes MODEL (-O2 by default), compiles it with the target\n"
      "NAME (default: reference), runs it once and writes the outputs to OUT.npz\n"
      "and/or prints a summary (name, type, first values, min/max/mean). Without\n"
      "--output the summary is printed. Without --inputs, inputs of static shape get\n"
      "deterministic random values (floats in [-1, 1), integers in [0, 10)) from\n"
      "--seed (default 0).";
  c.declare = [](ArgParser& p) {
    p.option("--target", "NAME", "target to compile for and run on (default: reference)");
    p.option("--inputs", "FILE", ".npz file of input arrays named after the model's inputs");
    p.option("-o", "FILE", "write the outputs to this .npz file", {"--output"});
    p.flag("--print", "print a summary of the outputs (the default without --output)");
    p.option("--seed", "N", "seed of the random inputs used without --inputs (default 0)");
    declareModelOptions(p, kDefaultOptLevel);
    declareTargetOptions(p);
  };
  c.epilog =
      "examples:\n"
      "  dlc run model.onnx --target=reference --print\n"
      "  dlc run model.onnx --target=x86 --threads 2 --print\n"
      "  dlc run model.so --inputs in.npz --output out.npz     # a compiled artifact\n"
      "  dlc run model.dlcir --inputs in.npz --output out.npz\n";
  c.run = runRun;
  return c;
}

}  // namespace dlc::cli
