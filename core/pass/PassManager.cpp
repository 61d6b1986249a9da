// The pass manager: runs passes in order with print/time/verify instrumentation.
#include "dlc/pass/PassManager.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "dlc/ir/Printer.h"
#include "dlc/ir/Verifier.h"
#include "dlc/support/Error.h"

namespace dlc {

PassManager::PassManager(const PassRegistry& registry, PassManagerOptions opts)
    : registry_(registry), opts_(std::move(opts)) {
#ifdef DLC_VERIFY_EACH_PASS
  opts_.verifyEach = true;
#endif
}

void PassManager::addPass(const std::string& name) {
  if (!registry_.find(name)) {
    std::string known;
    for (const PassInfo& p : registry_.all()) known += (known.empty() ? "" : ", ") + p.name;
    fail("unknown pass '", name, "' (known: ", known.empty() ? "none" : known, ")");
  }
  names_.push_back(name);
}

void PassManager::addPipeline(int optLevel) {
  for (const std::string& n : registry_.pipeline(optLevel)) addPass(n);
}

void PassManager::addPasses(const std::string& commaList) {
  size_t start = 0;
  while (start <= commaList.size()) {
    size_t end = commaList.find(',', start);
    if (end == std::string::npos) end = commaList.size();
    std::string name = commaList.substr(start, end - start);
    // Trim spaces; skip empty entries ("a,,b" or a trailing comma).
    size_t b = name.find_first_not_of(" \t"), e = name.find_last_not_of(" \t");
    if (b != std::string::npos) addPass(name.substr(b, e - b + 1));
    start = end + 1;
  }
}

namespace {

void printTimings(std::ostream& os, const std::vector<std::pair<std::string, double>>& rows,
                  double total) {
  char line[256];
  os << "===-------------------------------------------------------------------------===\n";
  os << "                         ... Execution time report ...\n";
  os << "===-------------------------------------------------------------------------===\n";
  std::snprintf(line, sizeof line, "  Total Execution Time: %.4f seconds\n\n", total / 1000.0);
  os << line;
  os << "  ----Wall Time----  ----Name----\n";
  for (const auto& [name, ms] : rows) {
    double pct = total > 0 ? 100.0 * ms / total : 0.0;
    std::snprintf(line, sizeof line, "  %9.4f ms (%5.1f%%)  %s\n", ms, pct, name.c_str());
    os << line;
  }
  std::snprintf(line, sizeof line, "  %9.4f ms (100.0%%)  Total\n", total);
  os << line;
}

}  // namespace

bool PassManager::run(Module& m, PassContext& ctx) {
  std::ostream& os = opts_.out ? *opts_.out : std::cerr;
  bool changed = false;
  std::vector<std::pair<std::string, double>> timings;
  double total = 0;
  for (const std::string& name : names_) {
    const PassInfo* info = registry_.find(name);
    DLC_CHECK(info, "unknown pass '", name, "'");
    std::unique_ptr<Pass> pass = info->create();
    DLC_CHECK(pass, "pass '", name, "' could not be created");
    auto t0 = std::chrono::steady_clock::now();
    changed |= pass->run(m, ctx);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    timings.emplace_back(name, ms);
    total += ms;
    if (opts_.verifyEach) {
      try {
        verifyModule(m);
      } catch (const Error& e) {
        fail("verifier failed after pass '", name, "': ", e.what());
      }
    }
    bool print = opts_.printAfterAll;
    for (const std::string& p : opts_.printAfter) print |= (p == name);
    if (print) {
      os << "// -----// IR Dump After " << name << " //----- //\n";
      PrintOptions po;
      po.elideConstantsOver = opts_.elideConstantsOver;
      printModule(m, os, po);
      os.flush();
    }
  }
  if (opts_.timePasses) printTimings(os, timings, total);
  return changed;
}

}  // namespace dlc
