// The CPU lowering: a module -> kernels (Kernel IR), execution plan and weights,
// the contents of an artifact. Lower.cpp lists the steps in order.
#pragma once

#include <ostream>
#include <vector>

#include "Lowering.h"
#include "dlc/kernel/KernelIR.h"
#include "dlc/runtime/Plan.h"

namespace dlc::cpu {

struct LowerOptions {
  CpuSpec spec;
  KnobValues knobs;                     // --schedule-config
  std::ostream* printKernels = nullptr;  // --print-kernels
  bool timePhases = false;               // --time-passes
};

struct CompiledModule {
  std::vector<kernel::Kernel> kernels;
  runtime::Plan plan;
  std::vector<uint8_t> weights;
};

// Throws dlc::Unsupported naming the first op without a CPU schedule, and
// dlc::Error for a module the CPU targets cannot take (symbolic shapes).
CompiledModule lowerModule(const Module& m, const LowerOptions& o);

}  // namespace dlc::cpu
