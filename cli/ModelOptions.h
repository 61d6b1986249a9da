// The options every model-taking subcommand shares (inspect, compile, run):
// the MODEL argument, --input-shapes, the pass pipeline (-O0..-O3, --passes)
// and the pass manager's instrumentation (--print-after-all, --print-after,
// --time-passes, --verify-each). Syntax errors are UsageErrors (exit 2).
#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "Args.h"
#include "Command.h"
#include "dlc/ir/IR.h"
#include "dlc/pass/PassManager.h"
#include "dlc/plugin/Registry.h"
#include "dlc/target/Target.h"

namespace dlc::cli {

struct ModelOptions {
  std::string modelPath;
  FrontendOptions frontend;
  int optLevel = 2;
  std::vector<std::string> passes;  // from --passes; empty: the -O pipeline
  bool explicitPasses = false;
  PassManagerOptions passManager;
};

// Adds the shared options to a subcommand's parser; `defaultOptLevel` is shown
// in the help.
void declareModelOptions(ArgParser& parser, int defaultOptLevel);

// Reads them back; requires exactly one positional argument, an existing file.
ModelOptions parseModelOptions(const ParsedArgs& args, int defaultOptLevel,
                               const std::string& command);

// "data=1x3x224x224,mask=1x128" (or "data:[1,3,224,224] mask:[1,128]").
std::map<std::string, std::vector<int64_t>> parseInputShapes(const std::string& text);

// Loads the model with the frontend registered for its extension.
std::unique_ptr<Module> loadModel(Session& session, const ModelOptions& opts);

// Runs the pipeline (after checking every pass name given on the command line
// against the registry); returns the names of the passes run.
std::vector<std::string> optimize(Session& session, Module& module, const ModelOptions& opts);

// MODEL.so (a compiled artifact, loaded with the runtime) or a model compiled
// in memory for `target` after the pass pipeline.
std::unique_ptr<Executable> loadExecutable(Session& session, const ModelOptions& opts, const std::string& target,
                                           const CompileOptions& co);
// The inputs from an .npz file, or seeded random ones when `inputsPath` is empty.
std::vector<Tensor> modelInputs(const Executable& exe, const std::string& inputsPath, uint64_t seed);

// Throws UsageError unless `path` names an existing regular file.
void requireFile(const std::string& path, const std::string& what);

}  // namespace dlc::cli
