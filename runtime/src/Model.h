// A loaded artifact: the dlopened library, its descriptor and its decoded,
// checked plan. Immutable after load, so any number of threads and instances
// share one. The loading checks and their order are in Model.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dlc/runtime/KernelAbi.h"
#include "dlc/runtime/Plan.h"

namespace dlc::runtime::impl {

class Model {
 public:
  // Throws Error naming `path` and what is wrong.
  static std::shared_ptr<const Model> load(const std::string& path);
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const std::string& path() const { return path_; }
  const DlcArtifactDescriptor& descriptor() const { return *desc_; }
  const Plan& plan() const { return plan_; }
  const std::string& kernelName(uint32_t k) const { return kernelNames_[k]; }
  uint64_t outputBytes() const { return outputBytes_; }
  const std::string& dlcVersion() const { return dlcVersion_; }
  const std::string& arch() const { return arch_; }

  // Index into plan().inputs / plan().outputs, or -1.
  int inputIndex(const std::string& name) const;
  int outputIndex(const std::string& name) const;
  // "'a', 'b'": for messages that list what exists.
  std::string inputNames() const;
  std::string outputNames() const;

  const PlanBuffer& input(size_t i) const { return plan_.buffers[plan_.inputs[i]]; }
  const PlanBuffer& output(size_t i) const { return plan_.buffers[plan_.outputs[i]]; }

 private:
  Model() = default;

  std::string path_;
  void* handle_ = nullptr;
  const DlcArtifactDescriptor* desc_ = nullptr;
  std::string dlcVersion_, arch_;
  std::vector<std::string> kernelNames_;
  Plan plan_;
  uint64_t outputBytes_ = 0;
};

// "f32[1x3x224x224]"; an unknown dtype number reads "dtype(99)".
std::string typeString(int dtype, const int64_t* extents, size_t rank);
inline std::string typeString(const PlanBuffer& b) {
  return typeString(static_cast<int>(b.dtype), b.extents.data(), b.extents.size());
}

// The version this runtime was built as (PROJECT_VERSION), e.g. "0.1.0".
const char* runtimeVersion();

}  // namespace dlc::runtime::impl
