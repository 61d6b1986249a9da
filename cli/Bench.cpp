// `dlc bench MODEL`: measures a compiled model's latency. MODEL is an artifact
// (MODEL.so) or a model file, compiled for --target (default x86) through a
// temporary artifact. Runs --warmup untimed iterations, then --repeat timed
// ones, and reports min/median/mean latency (or one JSON object with --json).
// --profile adds each kernel's time per run (the median over the timed runs,
// so that one preempted run does not move it), its share of the total, its
// floating-point operations (convs and matmuls: 2 per multiply-add) with the
// GFLOP/s they ran at, and the GB/s of the buffers it touched.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>

#include "ArtifactExecutable.h"
#include "Command.h"
#include "ModelOptions.h"
#include "TargetOptions.h"
#include "dlc/support/Error.h"

namespace dlc::cli {

namespace {

constexpr int kDefaultOptLevel = 3;

int positiveInt(const ParsedArgs& args, const std::string& flag, int dflt, int min) {
  if (!args.has(flag)) return dflt;
  std::string s = args.get(flag);
  bool ok = !s.empty() && s.size() <= 7;
  for (char c : s) ok = ok && c >= '0' && c <= '9';
  if (!ok || std::stoi(s) < min)
    throw UsageError("bad value for " + flag + ": '" + s + "' (expected an integer >= " + std::to_string(min) + ")");
  return std::stoi(s);
}

// Compiles MODEL to a temporary artifact; returns its path (the caller removes it).
std::string compileToTemp(Session& session, const ModelOptions& opts, const std::string& target,
                          const CompileOptions& co) {
  std::unique_ptr<Module> m = loadModel(session, opts);
  optimize(session, *m, opts);
  const TargetInfo& t = session.registry().target(target);
  if (!t.writeArtifact) fail("target '", target, "' writes no artifact to benchmark");
  std::string dir = cpu::makeTempDir("dlc-bench");
  std::string so = dir + "/model.so";
  try {
    t.writeArtifact(*m, co, so);
  } catch (...) {
    rmdir(dir.c_str());
    throw;
  }
  return so;
}

double medianOf(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void removeTemp(const std::string& so) {
  std::remove(so.c_str());
  rmdir(so.substr(0, so.rfind('/')).c_str());
}

int runBench(const ParsedArgs& args, Session& session) {
  ModelOptions opts = parseModelOptions(args, kDefaultOptLevel, "dlc bench");
  std::string target = args.get("--target", "x86");
  int repeat = positiveInt(args, "--repeat", 20, 1);
  int warmup = positiveInt(args, "--warmup", 3, 0);
  bool json = args.has("--json"), profile = args.has("--profile");
  std::string inputsPath = args.get("--inputs");
  if (!inputsPath.empty()) requireFile(inputsPath, "inputs file");
  CompileOptions co = parseTargetOptions(args, opts.optLevel);
  co.timePhases = opts.passManager.timePasses;

  std::string so = opts.modelPath, temp;
  if (!isArtifact(so)) so = temp = compileToTemp(session, opts, target, co);
  std::unique_ptr<cpu::ArtifactExecutable> exe;
  try {
    exe = std::make_unique<cpu::ArtifactExecutable>(so, co.numThreads);
  } catch (...) {
    if (!temp.empty()) removeTemp(temp);
    throw;
  }
  if (!temp.empty()) removeTemp(temp);  // the library stays mapped

  exe->setInputs(modelInputs(*exe, inputsPath, 0));
  for (int i = 0; i < warmup; ++i) exe->runOnce();
  exe->enableProfiling(profile);
  std::vector<double> ms;
  struct KernelStats {
    std::vector<double> ns;       // per timed run (a kernel run by several steps: their sum)
    double flops = 0, bytes = 0;  // per run
  };
  std::map<std::string, KernelStats> stats;
  std::vector<std::string> kernelOrder;
  for (int i = 0; i < repeat; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    exe->runOnce();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!profile) continue;
    std::map<std::string, KernelStats> run;  // this run's steps, summed per kernel
    for (const cpu::StepTime& s : exe->lastProfile()) {
      if (!stats.count(s.kernel) && !run.count(s.kernel)) kernelOrder.push_back(s.kernel);
      KernelStats& k = run[s.kernel];
      k.ns.resize(1);
      k.ns[0] += static_cast<double>(s.ns);
      k.flops += s.flops;
      k.bytes += static_cast<double>(s.bytes);
    }
    for (const auto& [name, k] : run) {
      KernelStats& all = stats[name];
      all.ns.push_back(k.ns[0]);
      all.flops = k.flops;
      all.bytes = k.bytes;
    }
  }
  std::map<std::string, double> medianNs;
  for (const auto& [k, st] : stats) medianNs[k] = medianOf(st.ns);
  double mean = 0;
  for (double v : ms) mean += v;
  mean /= static_cast<double>(ms.size());
  double median = medianOf(ms), minMs = *std::min_element(ms.begin(), ms.end());
  double total = 0, totalFlops = 0;
  for (const auto& [k, st] : stats) {
    total += medianNs[k];
    totalFlops += st.flops;
  }
  auto perSecond = [](double amount, double ns) { return ns > 0 ? amount / ns : 0.0; };  // giga per second
  char buf[512];
  if (json) {
    std::snprintf(buf, sizeof buf,
                  "{\"model\": \"%s\", \"threads\": %d, \"repeat\": %d, \"latency_ms\": {\"min\": %.4f, "
                  "\"median\": %.4f, \"mean\": %.4f}",
                  opts.modelPath.c_str(), exe->numThreads(), repeat, minMs, median, mean);
    std::cout << buf;
    if (profile) {
      std::cout << ", \"kernels\": [";
      for (size_t i = 0; i < kernelOrder.size(); ++i) {
        const KernelStats& st = stats[kernelOrder[i]];
        double ns = medianNs[kernelOrder[i]];
        std::snprintf(buf, sizeof buf,
                      "%s{\"name\": \"%s\", \"ms\": %.4f, \"share\": %.4f, \"flops\": %.0f, \"gflops\": %.3f, "
                      "\"bytes\": %.0f, \"gbytes_per_s\": %.3f}",
                      i ? ", " : "", kernelOrder[i].c_str(), ns / 1e6, total > 0 ? ns / total : 0.0, st.flops,
                      perSecond(st.flops, ns), st.bytes, perSecond(st.bytes, ns));
        std::cout << buf;
      }
      std::cout << "]";
    }
    std::cout << "}\n";
    return 0;
  }
  std::snprintf(buf, sizeof buf, "%s: %d runs (after %d warm-up), %d threads\n", opts.modelPath.c_str(), repeat, warmup,
                exe->numThreads());
  std::cout << buf;
  std::snprintf(buf, sizeof buf, "latency (ms): min %.4f  median %.4f  mean %.4f\n", minMs, median, mean);
  std::cout << buf;
  if (profile) {
    std::snprintf(buf, sizeof buf, "kernels (median time per run, share of kernel time, GFLOP per run and GFLOP/s, GB/s):"
                  " %.3f GFLOP at %.1f GFLOP/s\n", totalFlops / 1e9, perSecond(totalFlops, total));
    std::cout << buf;
    std::vector<std::string> order = kernelOrder;
    std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) { return medianNs[a] > medianNs[b]; });
    for (const std::string& k : order) {
      const KernelStats& st = stats[k];
      double ns = medianNs[k];
      int n = std::snprintf(buf, sizeof buf, "  %-40s %9.3f ms  %5.1f%%", k.c_str(), ns / 1e6,
                            total > 0 ? 100.0 * ns / total : 0.0);
      if (st.flops > 0)
        std::snprintf(buf + n, sizeof buf - n, "  %8.4f GFLOP %7.1f GFLOP/s", st.flops / 1e9, perSecond(st.flops, ns));
      else
        std::snprintf(buf + n, sizeof buf - n, "  %8s GFLOP %7s GFLOP/s", "-", "-");
      std::cout << buf;
      std::snprintf(buf, sizeof buf, "  %7.1f GB/s\n", perSecond(st.bytes, ns));
      std::cout << buf;
    }
  }
  return 0;
}

}  // namespace

Command benchCommand() {
  Command c;
  c.name = "bench";
  c.summary = "measure a compiled model's latency (min/median/mean), optionally per kernel";
  c.usage = "dlc bench [options] MODEL [--repeat N] [--threads T] [--json] [--profile]";
  c.description =
      "MODEL is a compiled artifact (MODEL.so) or a model file, which is compiled\n"
      "for --target (default x86, at -O3) first. Inputs come from --inputs or are\n"
      "seeded random values. After --warmup untimed runs (default 3), --repeat runs\n"
      "(default 20) are timed; the latency's min, median and mean are printed, or\n"
      "one JSON object with --json. --profile times every kernel as well.";
  c.declare = [](ArgParser& p) {
    p.option("--target", "NAME", "target to compile a model file for (default: x86)");
    p.option("--inputs", "FILE", ".npz file of input arrays named after the model's inputs");
    p.option("--repeat", "N", "timed runs (default 20)");
    p.option("--warmup", "N", "untimed runs first (default 3)");
    p.flag("--json", "print one JSON object: {\"latency_ms\": {\"min\", \"median\", \"mean\"}, ...}");
    p.flag("--profile", "time each kernel and print its share of the total");
    declareModelOptions(p, kDefaultOptLevel);
    declareTargetOptions(p);
  };
  c.epilog =
      "examples:\n"
      "  dlc bench model.so --repeat 50 --threads 2\n"
      "  dlc bench model.onnx --target=x86 --json\n"
      "  dlc bench model.so --profile\n";
  c.run = runBench;
  return c;
}

}  // namespace dlc::cli
