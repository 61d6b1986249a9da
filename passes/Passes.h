// The built-in pass library (dlc_passes_impl): a factory per pass, and the list
// of PassInfo rows made from passes/Passes.def. The dlc_passes plugin registers
// that list; tests register it into a PassRegistry directly.
#pragma once

#include <memory>
#include <vector>

#include "dlc/pass/PassRegistry.h"

namespace dlc::passes {

#define DLC_PASS(NAME, FACTORY, SLOT, MINOPT, SUMMARY) std::unique_ptr<Pass> FACTORY();
#include "Passes.def"
#undef DLC_PASS

// One PassInfo per row of Passes.def, in row order.
std::vector<PassInfo> builtinPasses();
// Adds builtinPasses() to `registry`.
void registerBuiltinPasses(PassRegistry& registry);

}  // namespace dlc::passes
