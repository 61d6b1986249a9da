// The CPU target plugin: registers `x86` (the host, x86-64) and `arm`
// (AArch64 Linux, cross-compiled). The two differ by data only: the LLVM target
// spec and the properties the schedules read. Both write artifacts (shared
// libraries); `x86` also compiles in memory for `dlc run` and the conformance
// runner by writing a temporary artifact and loading it with the runtime.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "ArtifactExecutable.h"
#include "Lower.h"
#include "LlvmCodegen.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"
#include "dlc/runtime/dlc_runtime.h"
#include "dlc/support/Error.h"

#ifndef DLC_VERSION_STRING
#define DLC_VERSION_STRING "0.0.0"
#endif

namespace dlc::cpu {
namespace {

struct CpuTargetKind {
  const char* name;
  const char* arch;
  const char* summary;
  llvmgen::TargetSpec (*spec)(const std::string& mcpu, const std::string& mattr);
};

const CpuTargetKind kKinds[] = {
    {"x86", "x86_64", "x86-64 CPUs through LLVM (host features unless -mcpu/-mattr say otherwise)", llvmgen::hostSpec},
    {"arm", "aarch64", "AArch64 Linux CPUs through LLVM (NEON), cross-compiled", llvmgen::aarch64Spec},
};

std::string attrOr(const CompileOptions& o, const std::string& k) {
  auto it = o.targetAttrs.find(k);
  return it == o.targetAttrs.end() ? std::string() : it->second;
}

CpuSpec cpuSpecFor(const CpuTargetKind& kind, const llvmgen::TargetSpec& ls) {
  CpuSpec s;
  s.name = kind.name;
  s.arch = kind.arch;
  s.vectorBits = ls.vectorBits;
  s.vectorRegisters = std::string(kind.arch) == "aarch64" || ls.features.find("+avx512f") != std::string::npos ? 32 : 16;
  s.cores = std::max(1u, std::thread::hardware_concurrency());
  return s;
}

void writeArtifactFor(const CpuTargetKind& kind, const Module& m, const CompileOptions& o, const std::string& path) {
  llvmgen::TargetSpec ls = kind.spec(attrOr(o, "mcpu"), attrOr(o, "mattr"));
  LowerOptions lo;
  lo.spec = cpuSpecFor(kind, ls);
  lo.knobs = o.knobs;
  lo.printKernels = o.printKernels;
  lo.timePhases = o.timePhases;
  CompiledModule cm = lowerModule(m, lo);
  llvmgen::ArtifactInput in;
  in.kernels = std::move(cm.kernels);
  in.plan = runtime::encodePlan(cm.plan);
  in.weights = cm.weights.data();
  in.weightsSize = cm.weights.size();
  in.dlcVersion = DLC_VERSION_STRING;
  in.arch = kind.arch;
  llvmgen::writeArtifact(in, ls, path);
}

std::unique_ptr<Executable> compileInMemory(const CpuTargetKind& kind, const Module& m, const CompileOptions& o) {
  if (std::string(kind.arch) != dlc_runtime_arch())
    unsupported("target '", kind.name, "' builds ", kind.arch, " code, which cannot run on this ", dlc_runtime_arch(),
                " machine; write an artifact with 'dlc compile --target=", kind.name, " -o model.so'");
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/dlc-XXXXXX";
  std::vector<char> buf(dir.begin(), dir.end());
  buf.push_back('\0');
  DLC_CHECK(mkdtemp(buf.data()), "cannot create a temporary directory in ", dir, ": ", std::strerror(errno));
  std::string so = std::string(buf.data()) + "/module.so";
  auto cleanup = [&] {
    std::remove(so.c_str());
    rmdir(buf.data());
  };
  try {
    writeArtifactFor(kind, m, o, so);
    auto exe = std::make_unique<ArtifactExecutable>(so, o.numThreads);
    cleanup();  // the loaded library stays mapped
    return exe;
  } catch (...) {
    cleanup();
    throw;
  }
}

void registerCpuTargets(Registry& r) {
  for (const CpuTargetKind& k : kKinds) {
    llvmgen::TargetSpec ls = k.spec("", "");
    CpuSpec cs = cpuSpecFor(k, ls);
    TargetInfo t;
    t.name = k.name;
    t.summary = k.summary;
    t.properties = {{"triple", ls.triple},
                    {"cpu", ls.cpu},
                    {"features", ls.features},
                    {"vector_bits", std::to_string(cs.vectorBits)},
                    {"vector_registers", std::to_string(cs.vectorRegisters)},
                    {"cores", std::to_string(cs.cores)},
                    {"linker", ls.linker}};
    const CpuTargetKind* kind = &k;
    t.compile = [kind](const Module& m, const CompileOptions& o) { return compileInMemory(*kind, m, o); };
    t.writeArtifact = [kind](const Module& m, const CompileOptions& o, const std::string& path) {
      writeArtifactFor(*kind, m, o, path);
    };
    r.addTarget(std::move(t));
  }
}

}  // namespace
}  // namespace dlc::cpu

DLC_DEFINE_PLUGIN("cpu-backend", "0.1.0", dlc::cpu::registerCpuTargets)
