// TargetSpec factories and the LLVM TargetMachine for a spec. The host spec
// asks LLVM for this machine's CPU and features; the AArch64 spec states them.
#include <llvm/ADT/StringMap.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>

#include <algorithm>
#include <mutex>

#include "LlvmCodegen.h"
#include "TargetMachine.h"
#include "dlc/support/Error.h"

namespace dlc::llvmgen {
namespace {

std::string hostFeatures() {
  llvm::StringMap<bool> map;
  std::string out;
  if (!llvm::sys::getHostCPUFeatures(map)) return out;
  std::vector<std::string> names;
  for (const auto& kv : map) {
    std::string n(1, kv.second ? '+' : '-');
    n += kv.first().str();
    names.push_back(std::move(n));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

bool hasFeature(const std::string& features, const std::string& f) {
  return ("," + features + ",").find("," + f + ",") != std::string::npos;
}

}  // namespace

TargetSpec hostSpec(const std::string& mcpu, const std::string& mattr) {
  TargetSpec s;
  s.triple = llvm::Triple::normalize(llvm::sys::getProcessTriple());
  if (mcpu.empty() || mcpu == "native") {
    s.cpu = llvm::sys::getHostCPUName().str();
    s.features = hostFeatures();
    if (!mattr.empty()) {
      if (!s.features.empty()) s.features += ',';
      s.features += mattr;
    }
  } else {
    s.cpu = mcpu;
    s.features = mattr;
  }
  s.vectorBits = hasFeature(s.features, "+avx512f") ? 512 : hasFeature(s.features, "+avx") ? 256 : 128;
  if (!hasFeature(s.features, "+avx512f") && !hasFeature(s.features, "+avx") && !mcpu.empty()) {
    // A named CPU without explicit features: its width is what LLVM knows of it.
    const std::string& c = s.cpu;
    if (c.find("avx512") != std::string::npos || c == "x86-64-v4" || c == "sapphirerapids" || c == "icelake-server")
      s.vectorBits = 512;
    else if (c == "x86-64-v3" || c == "haswell" || c == "skylake" || c == "znver2" || c == "znver3")
      s.vectorBits = 256;
  }
  s.linker = "cc";
  return s;
}

TargetSpec aarch64Spec(const std::string& mcpu, const std::string& mattr) {
  TargetSpec s;
  s.triple = "aarch64-unknown-linux-gnu";
  s.cpu = mcpu.empty() ? "generic" : mcpu;
  s.features = mattr.empty() ? "+neon" : mattr;
  s.vectorBits = 128;
  s.linker = "aarch64-linux-gnu-gcc";
  return s;
}

std::unique_ptr<llvm::TargetMachine> createTargetMachine(const TargetSpec& spec) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
  });
  std::string err;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(spec.triple, err);
  DLC_CHECK(target, "LLVM has no target for triple '", spec.triple, "': ", err);
  llvm::TargetOptions options;
  options.AllowFPOpFusion = llvm::FPOpFusion::Strict;  // an FMA only where the IR says Fma
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      spec.triple, spec.cpu, spec.features, options, llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOpt::Aggressive));
  DLC_CHECK(tm, "LLVM could not create a target machine for '", spec.triple, "' (cpu '", spec.cpu, "')");
  return tm;
}

}  // namespace dlc::llvmgen
