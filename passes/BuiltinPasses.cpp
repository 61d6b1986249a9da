// The dlc_passes plugin: registers every pass listed in Passes.def.
#include "Passes.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"

namespace {

void registerPasses(dlc::Registry& registry) {
  for (dlc::PassInfo& info : dlc::passes::builtinPasses()) registry.addPass(std::move(info));
}

}  // namespace

DLC_DEFINE_PLUGIN("dlc_passes", "1.0", registerPasses)
