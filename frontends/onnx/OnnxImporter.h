// Imports an ONNX model (ModelProto) into a dlc Module: initializers become
// constants, graph inputs become arguments, nodes become dlc ops (converted
// generically, then upgraded from older opsets, see Upgrades.h), and every
// value gets an inferred type. All unsupported ops are reported at once.
#pragma once

#include <memory>
#include <string>

#include "dlc/ir/IR.h"
#include "dlc/plugin/Registry.h"

namespace dlc::onnx {

// The newest ai.onnx opset this frontend knows.
constexpr int kMaxOpset = 22;
constexpr int kMinOpset = 7;

std::unique_ptr<Module> importOnnxFile(const std::string& path, const FrontendOptions& opts);
// `baseDir` locates external data ("" forbids it); `source` names the model in errors.
std::unique_ptr<Module> importOnnxBytes(const std::string& bytes, const std::string& baseDir,
                                        const std::string& source, const FrontendOptions& opts);

}  // namespace dlc::onnx
