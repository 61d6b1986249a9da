// The CPU target plugin: registers `x86` (the host, x86-64) and `arm`
// (AArch64 Linux, cross-compiled). The two differ by data only: the LLVM target
// spec and the properties the schedules read. Both write artifacts (shared
// libraries); `x86` also compiles in memory for `dlc run` and the conformance
// runner by writing a temporary artifact and loading it with the runtime.
#include <dlfcn.h>
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

// Writes the artifact; returns its plan.
runtime::Plan writeArtifactFor(const CpuTargetKind& kind, const Module& m, const CompileOptions& o,
                               const std::string& path) {
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
  in.timePhases = o.timePhases;
  llvmgen::writeArtifact(in, ls, path);
  return cm.plan;
}

// The directory holding the runtime and dlc-run-artifact built for `arch`
// (lib/dlc/<arch>/ beside this plugin's lib/dlc/plugins/), or "" if absent.
std::string foreignRuntimeDir(const std::string& arch) {
  if (const char* env = std::getenv("DLC_FOREIGN_RUNTIME_DIR")) return env;
  Dl_info info;
  if (!dladdr(reinterpret_cast<void*>(&foreignRuntimeDir), &info) || !info.dli_fname) return "";
  std::string self = info.dli_fname;
  std::string dir = self.substr(0, self.rfind('/'));  // .../lib/dlc/plugins
  std::string cand = dir.substr(0, dir.rfind('/')) + "/" + arch;
  return access((cand + "/bin/dlc-run-artifact").c_str(), X_OK) == 0 ? cand : "";
}

std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// An artifact for another architecture, run through its emulator and
// dlc-run-artifact (built for that architecture), one process per run.
class EmulatedExecutable : public Executable {
 public:
  EmulatedExecutable(std::string dir, std::string so, std::string runtimeDir, const runtime::Plan& plan)
      : dir_(std::move(dir)), so_(std::move(so)), runtimeDir_(std::move(runtimeDir)) {
    for (uint32_t id : plan.inputs) inputs_.push_back(plan.buffers[id]);
    for (uint32_t id : plan.outputs) outputs_.push_back(plan.buffers[id]);
  }
  ~EmulatedExecutable() override {
    for (const char* f : {"/module.so", "/in.bin", "/out.bin"}) std::remove((dir_ + f).c_str());
    rmdir(dir_.c_str());
  }
  std::vector<std::string> inputNames() const override { return names(inputs_); }
  std::vector<std::string> outputNames() const override { return names(outputs_); }
  std::vector<TensorType> inputTypes() const override {
    std::vector<TensorType> t;
    for (const runtime::PlanBuffer& b : inputs_)
      t.push_back(TensorType::fromExtents(static_cast<DType>(b.dtype), b.extents));
    return t;
  }
  std::vector<Tensor> run(const std::vector<Tensor>& inputs) override {
    checkInputs(inputNames(), inputTypes(), inputs);
    std::string in = dir_ + "/in.bin", out = dir_ + "/out.bin";
    {
      FILE* f = std::fopen(in.c_str(), "wb");
      DLC_CHECK(f, "cannot write ", in);
      for (const Tensor& t : inputs)
        if (t.byteSize()) std::fwrite(t.rawData(), 1, t.byteSize(), f);
      DLC_CHECK(std::fclose(f) == 0, "cannot write ", in);
    }
    std::string cmd = "qemu-aarch64 -L /usr/aarch64-linux-gnu " + shellQuote(runtimeDir_ + "/bin/dlc-run-artifact") +
                      " " + shellQuote(so_) + " " + shellQuote(in) + " " + shellQuote(out) + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    DLC_CHECK(p, "cannot run ", cmd);
    std::string said;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) said += buf;
    int rc = pclose(p);
    while (!said.empty() && said.back() == '\n') said.pop_back();
    DLC_CHECK(rc == 0, "running the aarch64 artifact under qemu failed: ", said.empty() ? cmd : said);
    FILE* f = std::fopen(out.c_str(), "rb");
    DLC_CHECK(f, "qemu run wrote no outputs");
    std::vector<Tensor> result;
    for (const runtime::PlanBuffer& b : outputs_) {
      Tensor t(static_cast<DType>(b.dtype), b.extents);
      size_t n = t.byteSize() ? std::fread(t.rawData(), 1, t.byteSize(), f) : 0;
      if (n != t.byteSize()) {
        std::fclose(f);
        fail("the aarch64 run wrote too few bytes for output '", b.name, "'");
      }
      result.push_back(std::move(t));
    }
    std::fclose(f);
    return result;
  }

 private:
  static std::vector<std::string> names(const std::vector<runtime::PlanBuffer>& bs) {
    std::vector<std::string> n;
    for (const runtime::PlanBuffer& b : bs) n.push_back(b.name);
    return n;
  }
  std::string dir_, so_, runtimeDir_;
  std::vector<runtime::PlanBuffer> inputs_, outputs_;
};

std::unique_ptr<Executable> compileInMemory(const CpuTargetKind& kind, const Module& m, const CompileOptions& o) {
  if (std::string(kind.arch) != dlc_runtime_arch()) {
    std::string rt = foreignRuntimeDir(kind.arch);
    if (rt.empty())
      unsupported("target '", kind.name, "' builds ", kind.arch, " code, which cannot run on this ",
                  dlc_runtime_arch(), " machine without the ", kind.arch,
                  " runtime (lib/dlc/", kind.arch, "/); write an artifact with 'dlc compile --target=", kind.name,
                  " -o model.so'");
    std::string dir = makeTempDir("dlc");
    runtime::Plan plan;
    try {
      plan = writeArtifactFor(kind, m, o, dir + "/module.so");
    } catch (...) {
      rmdir(dir.c_str());
      throw;
    }
    return std::make_unique<EmulatedExecutable>(dir, dir + "/module.so", rt, plan);
  }
  std::string dir = makeTempDir("dlc");
  std::string so = dir + "/module.so";
  auto cleanup = [&] {
    std::remove(so.c_str());
    rmdir(dir.c_str());
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
    t.staticShapes = true;
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
