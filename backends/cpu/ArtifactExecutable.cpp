// ArtifactExecutable: the runtime's C API behind dlc::Executable.
#include "ArtifactExecutable.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

#include "dlc/runtime/dlc_runtime.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {

namespace {
TensorType typeOf(const DlcTensorInfo& info) {
  return TensorType::fromExtents(static_cast<DType>(info.dtype),
                                 std::vector<int64_t>(info.extents, info.extents + info.rank));
}
}  // namespace

ArtifactExecutable::ArtifactExecutable(const std::string& path, int threads) {
  model_ = dlc_model_load(path.c_str());
  if (!model_) fail(dlc_last_error());
  instance_ = dlc_instance_create(model_, threads);
  if (!instance_) {
    std::string why = dlc_last_error();
    dlc_model_free(model_);
    fail(why);
  }
}

ArtifactExecutable::~ArtifactExecutable() {
  if (instance_) dlc_instance_free(instance_);
  if (model_) dlc_model_free(model_);
}

std::vector<std::string> ArtifactExecutable::inputNames() const {
  std::vector<std::string> n;
  for (int32_t i = 0; i < dlc_model_num_inputs(model_); ++i) {
    DlcTensorInfo info;
    dlc_model_input_info(model_, i, &info);
    n.push_back(info.name);
  }
  return n;
}

std::vector<std::string> ArtifactExecutable::outputNames() const {
  std::vector<std::string> n;
  for (int32_t i = 0; i < dlc_model_num_outputs(model_); ++i) {
    DlcTensorInfo info;
    dlc_model_output_info(model_, i, &info);
    n.push_back(info.name);
  }
  return n;
}

std::vector<TensorType> ArtifactExecutable::inputTypes() const {
  std::vector<TensorType> t;
  for (int32_t i = 0; i < dlc_model_num_inputs(model_); ++i) {
    DlcTensorInfo info;
    dlc_model_input_info(model_, i, &info);
    t.push_back(typeOf(info));
  }
  return t;
}

void ArtifactExecutable::setInputs(const std::vector<Tensor>& inputs) {
  std::vector<std::string> names = inputNames();
  DLC_CHECK(inputs.size() == names.size(), "the model takes ", names.size(), " inputs, got ", inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& t = inputs[i];
    if (dlc_instance_set_input(instance_, names[i].c_str(), t.rawData(), static_cast<int32_t>(t.dtype()),
                               static_cast<int32_t>(t.rank()), t.extents().data()) != DLC_OK)
      fail(dlc_last_error());
  }
}

void ArtifactExecutable::runOnce() {
  if (dlc_instance_run(instance_) != DLC_OK) fail(dlc_last_error());
}

std::vector<Tensor> ArtifactExecutable::run(const std::vector<Tensor>& inputs) {
  setInputs(inputs);
  runOnce();
  std::vector<Tensor> out;
  for (int32_t i = 0; i < dlc_model_num_outputs(model_); ++i) {
    DlcTensorInfo info;
    dlc_model_output_info(model_, i, &info);
    Tensor t(static_cast<DType>(info.dtype), std::vector<int64_t>(info.extents, info.extents + info.rank));
    if (dlc_instance_copy_output(instance_, i, t.rawData(), t.byteSize()) != DLC_OK) fail(dlc_last_error());
    out.push_back(std::move(t));
  }
  return out;
}

void ArtifactExecutable::enableProfiling(bool on) {
  if (dlc_instance_enable_profiling(instance_, on ? 1 : 0) != DLC_OK) fail(dlc_last_error());
}

std::vector<StepTime> ArtifactExecutable::lastProfile() const {
  std::vector<StepTime> steps;
  int32_t n = dlc_instance_profile_count(instance_);
  for (int32_t i = 0; i < n; ++i) {
    DlcProfileStep s;
    if (dlc_instance_profile_step(instance_, i, &s) != DLC_OK) fail(dlc_last_error());
    steps.push_back({s.kernel_name ? s.kernel_name : "?", s.ns, s.flops, s.bytes});
  }
  return steps;
}

ArtifactFacts ArtifactExecutable::facts() const {
  DlcModelFacts f;
  if (dlc_model_facts(model_, &f) != DLC_OK) fail(dlc_last_error());
  return {f.weights_bytes, f.arena_bytes, f.output_bytes, f.num_kernels, f.num_steps,
          f.dlc_version ? f.dlc_version : "", f.arch ? f.arch : ""};
}

std::string makeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(dir.begin(), dir.end());
  buf.push_back('\0');
  DLC_CHECK(mkdtemp(buf.data()), "cannot create a temporary directory in ", dir, ": ", std::strerror(errno));
  return buf.data();
}

int ArtifactExecutable::numThreads() const { return dlc_instance_num_threads(instance_); }

}  // namespace dlc::cpu
