// The ONNX frontend plugin: registers the "onnx" frontend for .onnx files.
#include "OnnxImporter.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"

namespace {

void registerOnnx(dlc::Registry& r) {
  dlc::FrontendInfo info;
  info.name = "onnx";
  info.extensions = {".onnx"};
  info.summary = "ONNX models (IR version >= 3, ai.onnx opsets 7-22)";
  info.load = [](const std::string& path, const dlc::FrontendOptions& opts) {
    return dlc::onnx::importOnnxFile(path, opts);
  };
  r.addFrontend(std::move(info));
}

}  // namespace

DLC_DEFINE_PLUGIN("onnx-frontend", "0.1.0", registerOnnx)
