// Parses the text format (docs/text-ir.md). Errors name the line and column.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "dlc/ir/IR.h"

namespace dlc {

// `sourceName` appears in error messages ("model.dlcir:3:14: expected ')'").
std::unique_ptr<Module> parseModule(std::string_view text, const std::string& sourceName = "<input>");
std::unique_ptr<Module> parseModuleFile(const std::string& path);

}  // namespace dlc
