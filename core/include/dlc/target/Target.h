// A target is a kind of hardware (or the reference interpreter) that can compile
// and run a module. Targets state their properties as data; their code comes
// from the plugin that registers them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <memory>
#include <string>
#include <vector>

#include "dlc/ir/IR.h"

namespace dlc {

struct CompileOptions {
  int optLevel = 2;
  std::map<std::string, std::string> targetAttrs;  // -mcpu, -mattr, ...
  int numThreads = 0;                              // 0: all cores
  std::map<std::string, int64_t> knobs;            // schedule knobs (--schedule-config)
  std::ostream* printKernels = nullptr;            // --print-kernels: the Kernel IR
  bool timePhases = false;                         // --time-passes: the lowering's steps too
};

// A compiled module, ready to run. Inputs and outputs follow the order of the
// main function's arguments and outputs.
class Executable {
 public:
  virtual ~Executable() = default;
  virtual std::vector<Tensor> run(const std::vector<Tensor>& inputs) = 0;
  virtual std::vector<std::string> inputNames() const = 0;
  virtual std::vector<TensorType> inputTypes() const = 0;
  virtual std::vector<std::string> outputNames() const = 0;
};

struct TargetInfo {
  std::string name;     // "reference", "x86", ...
  std::string summary;
  std::map<std::string, std::string> properties;  // vector width, cores, ...
  // Compiled code has static shapes: inputs that act as shape operands (see
  // dlc/ir/Bind.h) must be bound to values before compiling.
  bool staticShapes = false;
  std::function<std::unique_ptr<Executable>(const Module&, const CompileOptions&)> compile;
  // Writes a deployable artifact (for CPU targets a shared library the runtime
  // loads) to `path`; empty for targets without one.
  std::function<void(const Module&, const CompileOptions&, const std::string& path)> writeArtifact;
};

// Checks inputs against the expected types (count, dtype, static dims, and a
// consistent value for each symbolic dim); throws naming the input.
void checkInputs(const std::vector<std::string>& names, const std::vector<TensorType>& types,
                 const std::vector<Tensor>& inputs);

}  // namespace dlc
