// Runs a list of passes with the instrumentation users know from LLVM/MLIR:
// print after all / after a named pass, time each pass, and verify after each
// pass (always in debug builds, or when `verifyEach` is set).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "dlc/pass/PassRegistry.h"

namespace dlc {

struct PassManagerOptions {
  bool printAfterAll = false;
  std::vector<std::string> printAfter;  // pass names
  bool timePasses = false;
  bool verifyEach = false;  // forced on in debug builds
  int64_t elideConstantsOver = 16;  // for the printed IR
  std::ostream* out = nullptr;      // where prints/timings go; default std::cerr
};

class PassManager {
 public:
  PassManager(const PassRegistry& registry, PassManagerOptions opts = {});
  // Throws naming the unknown pass (and listing the known ones).
  void addPass(const std::string& name);
  void addPipeline(int optLevel);
  // Comma-separated list "a,b,c".
  void addPasses(const std::string& commaList);
  const std::vector<std::string>& passNames() const { return names_; }
  // Runs the passes in order; returns true if anything changed.
  bool run(Module& m, PassContext& ctx);

 private:
  const PassRegistry& registry_;
  PassManagerOptions opts_;
  std::vector<std::string> names_;
};

}  // namespace dlc
