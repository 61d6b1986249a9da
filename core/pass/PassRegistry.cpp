// The pass registry: names, summaries and pipeline placement of every pass.
#include "dlc/pass/PassRegistry.h"

#include <algorithm>

#include "dlc/support/Error.h"

namespace dlc {

void PassRegistry::add(PassInfo info) {
  DLC_CHECK(!info.name.empty(), "a pass must have a name");
  DLC_CHECK(find(info.name) == nullptr, "pass '", info.name, "' is registered twice");
  DLC_CHECK(static_cast<bool>(info.create), "pass '", info.name, "' has no factory");
  passes_.push_back(std::move(info));
}

const PassInfo* PassRegistry::find(const std::string& name) const {
  for (const PassInfo& p : passes_)
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<std::string> PassRegistry::pipeline(int optLevel) const {
  std::vector<const PassInfo*> chosen;
  for (const PassInfo& p : passes_)
    if (p.slot != PipelineSlot::None && optLevel >= 1 && p.minOptLevel <= optLevel)
      chosen.push_back(&p);
  // Stable: equal slots keep registration order.
  std::stable_sort(chosen.begin(), chosen.end(), [](const PassInfo* a, const PassInfo* b) {
    return static_cast<int>(a->slot) < static_cast<int>(b->slot);
  });
  std::vector<std::string> names;
  for (const PassInfo* p : chosen) names.push_back(p->name);
  return names;
}

}  // namespace dlc
