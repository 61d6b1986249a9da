// FunctionPass: runs the per-function hook over every function of the module.
#include "dlc/pass/Pass.h"

namespace dlc {

bool FunctionPass::run(Module& m, PassContext& ctx) {
  bool changed = false;
  for (const auto& f : m.functions()) changed |= runOnFunction(*f, ctx);
  return changed;
}

}  // namespace dlc
