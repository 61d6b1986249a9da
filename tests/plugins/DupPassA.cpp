// Registers the pass "dup-pass" (see DupPassB.cpp).
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"

namespace {

void registerA(dlc::Registry& r) {
  dlc::PassInfo p;
  p.name = "dup-pass";
  p.create = [] { return std::unique_ptr<dlc::Pass>(); };
  r.addPass(std::move(p));
}

}  // namespace

DLC_DEFINE_PLUGIN("test-dup-a", "0.0.1", registerA)
