// Where passes are registered by name (by plugins, including the built-in pass
// library whose names are all listed in passes/Passes.def), and how the -O
// pipelines are formed: every registered pass with a pipeline slot and a
// minimum -O level takes part, ordered by slot, then by registration order.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dlc/pass/Pass.h"

namespace dlc {

enum class PipelineSlot : int {
  None = 0,       // only by name (--passes=...)
  Canonicalize = 100,
  Simplify = 200,
  Fold = 300,
  Optimize = 400,
  Layout = 500,
  Fusion = 600,
  Cleanup = 900,
};

struct PassInfo {
  std::string name;
  std::string summary;
  PipelineSlot slot = PipelineSlot::None;
  int minOptLevel = 1;
  std::function<std::unique_ptr<Pass>()> create;
};

class PassRegistry {
 public:
  void add(PassInfo info);  // throws on a duplicate name
  const PassInfo* find(const std::string& name) const;
  const std::vector<PassInfo>& all() const { return passes_; }
  // The pass names of the -O<level> pipeline.
  std::vector<std::string> pipeline(int optLevel) const;

 private:
  std::vector<PassInfo> passes_;
};

}  // namespace dlc
