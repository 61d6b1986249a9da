// Prints a module in the text format (docs/text-ir.md). The output parses back
// to an identical module: printModule(parseModule(printModule(m))) == printModule(m).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "dlc/ir/IR.h"

namespace dlc {

struct PrintOptions {
  // Constants with more elements are printed as `<elided>`, which does not
  // parse back; 0 prints everything (exact hex for large constants).
  int64_t elideConstantsOver = 0;
};

void printModule(const Module& m, std::ostream& os, const PrintOptions& opts = {});
std::string printModule(const Module& m, const PrintOptions& opts = {});
void printFunction(const Function& f, std::ostream& os, const PrintOptions& opts = {});

}  // namespace dlc
