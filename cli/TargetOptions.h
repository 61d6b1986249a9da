// The options of the subcommands that compile for a target (compile, run,
// bench): --mcpu, --mattr, --threads, --schedule-config, --print-kernels.
#pragma once

#include <map>
#include <string>

#include "Args.h"
#include "dlc/target/Target.h"

namespace dlc::cli {

void declareTargetOptions(ArgParser& parser);
// Fills the compile options from them; usage errors (a bad --threads, an
// unreadable or malformed --schedule-config) are UsageErrors.
CompileOptions parseTargetOptions(const ParsedArgs& args, int optLevel);

// A schedule configuration file: one JSON object mapping knob names to
// integers, e.g. {"group3.tile_co": 8, "vector_lanes": 8}.
std::map<std::string, int64_t> parseScheduleConfig(const std::string& text, const std::string& what);

// Whether `path` is a compiled artifact (a shared library) rather than a model.
bool isArtifact(const std::string& path);

}  // namespace dlc::cli
