// Turns the rows of Passes.def into PassInfo entries.
#include "Passes.h"

namespace dlc::passes {

std::vector<PassInfo> builtinPasses() {
  std::vector<PassInfo> list;
#define DLC_PASS(NAME, FACTORY, SLOT, MINOPT, SUMMARY) \
  list.push_back(PassInfo{#NAME, SUMMARY, PipelineSlot::SLOT, MINOPT, [] { return FACTORY(); }});
#include "Passes.def"
#undef DLC_PASS
  return list;
}

void registerBuiltinPasses(PassRegistry& registry) {
  for (PassInfo& info : builtinPasses()) registry.add(std::move(info));
}

}  // namespace dlc::passes
