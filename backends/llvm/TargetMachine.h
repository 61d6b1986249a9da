// Private to the LLVM backend: the LLVM TargetMachine for a TargetSpec
// (PIC, O3 code generation, strict FP: no contraction into FMAs).
#pragma once

#include <llvm/Target/TargetMachine.h>

#include <memory>

#include "LlvmCodegen.h"

namespace dlc::llvmgen {

std::unique_ptr<llvm::TargetMachine> createTargetMachine(const TargetSpec& spec);

}  // namespace dlc::llvmgen
