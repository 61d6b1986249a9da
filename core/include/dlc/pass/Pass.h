// Passes transform a Module. A FunctionPass runs once per function.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "dlc/ir/IR.h"

namespace dlc {

struct PassContext {
  int optLevel = 2;
};

class Pass {
 public:
  virtual ~Pass() = default;
  virtual std::string_view name() const = 0;
  // Returns true if the module changed.
  virtual bool run(Module& m, PassContext& ctx) = 0;
};

class FunctionPass : public Pass {
 public:
  bool run(Module& m, PassContext& ctx) override;
  virtual bool runOnFunction(Function& f, PassContext& ctx) = 0;
};

}  // namespace dlc
