// The LLVM code generator for the CPU targets (x86-64 and AArch64): Kernel IR
// in, LLVM IR out, compiled by LLVM's O3 pipeline to an object, and linked by
// the target's C compiler driver into the shared-library artifact that the
// runtime loads (calling convention: dlc/runtime/KernelAbi.h). No LLVM type
// appears here: the target is stated as data, and LLVM stays inside this
// folder. Design notes: docs/kernel-ir.md; tests: tests/kernel/CodegenTest.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dlc/kernel/KernelIR.h"

namespace dlc::llvmgen {

// What LLVM needs to know about a target, and how to link for it.
struct TargetSpec {
  std::string triple;    // "x86_64-unknown-linux-gnu"
  std::string cpu;       // LLVM -mcpu ("skylake-avx512", "generic")
  std::string features;  // LLVM -mattr ("+avx2,+fma")
  int vectorBits = 128;  // the widest vector register the schedules should fill
  std::string linker;    // C compiler driver that links shared objects ("cc")
};

// The machine dlc runs on (x86-64 here): its CPU and features unless mcpu
// names another CPU ("native" is the host); mattr adds to or replaces features.
TargetSpec hostSpec(const std::string& mcpu = "", const std::string& mattr = "");
// AArch64 Linux, linked by aarch64-linux-gnu-gcc; NEON by default.
TargetSpec aarch64Spec(const std::string& mcpu = "", const std::string& mattr = "");

// Everything one artifact holds.
struct ArtifactInput {
  std::vector<kernel::Kernel> kernels;  // the descriptor's kernel table, in this order
  std::vector<uint8_t> plan;            // dlc::runtime::encodePlan output
  const uint8_t* weights = nullptr;     // constants, copied into the artifact
  uint64_t weightsSize = 0;
  std::string dlcVersion;               // written into the descriptor
  std::string arch;                     // "x86_64" / "aarch64"
  bool timePhases = false;              // --time-passes: each phase's time on stderr
};

// The artifact's LLVM module as text: after the O3 pipeline when `optimize`.
std::string emitLlvmIr(const ArtifactInput& input, const TargetSpec& spec, bool optimize = true);

// Compiles the artifact and links it to soPath (an object is written next to
// it, at soPath + ".o", and removed). Throws dlc::Error on any failure, naming
// the linker command and its output when linking fails.
void writeArtifact(const ArtifactInput& input, const TargetSpec& spec, const std::string& soPath);

}  // namespace dlc::llvmgen
