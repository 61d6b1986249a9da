// Registers "dup-b-only" and then "dup-pass", which DupPassA.cpp registers too:
// loaded after it, this plugin is refused and leaves nothing behind.
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"

namespace {

void registerB(dlc::Registry& r) {
  dlc::PassInfo p;
  p.name = "dup-b-only";
  p.create = [] { return std::unique_ptr<dlc::Pass>(); };
  r.addPass(p);
  p.name = "dup-pass";
  r.addPass(std::move(p));
}

}  // namespace

DLC_DEFINE_PLUGIN("test-dup-b", "0.0.1", registerB)
