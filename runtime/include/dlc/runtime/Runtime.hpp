// A thin header-only C++ wrapper over the C API (dlc_runtime.h): RAII Model,
// ThreadPool and Instance classes that throw std::runtime_error carrying
// dlc_last_error() when a call fails.
//
//   dlc::runtime::Model model("model.so");
//   dlc::runtime::Instance inst(model);
//   inst.setInput("x", x.data(), DLC_F32, {1, 3, 224, 224});
//   inst.run();
//   std::vector<float> y = inst.output<float>(0);
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dlc/runtime/dlc_runtime.h"

namespace dlc::runtime {

namespace detail {
inline void check(DlcStatus s) {
  if (s != DLC_OK) throw std::runtime_error(dlc_last_error());
}
template <typename T>
T* checkPtr(T* p) {
  if (!p) throw std::runtime_error(dlc_last_error());
  return p;
}
}  // namespace detail

struct TensorInfo {
  std::string name;
  int32_t dtype = 0;
  std::string dtypeName;
  std::vector<int64_t> extents;
  uint64_t bytes = 0;
};

class Model {
 public:
  explicit Model(const std::string& path) : m_(detail::checkPtr(dlc_model_load(path.c_str()))) {}
  ~Model() { dlc_model_free(m_); }
  Model(Model&& o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
  Model& operator=(Model&& o) noexcept {
    std::swap(m_, o.m_);
    return *this;
  }
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const DlcModel* get() const { return m_; }
  int numInputs() const { return dlc_model_num_inputs(m_); }
  int numOutputs() const { return dlc_model_num_outputs(m_); }
  TensorInfo input(int i) const { return info(dlc_model_input_info(m_, i, &raw_)); }
  TensorInfo output(int i) const { return info(dlc_model_output_info(m_, i, &raw_)); }
  int inputIndex(const std::string& name) const { return index(dlc_model_input_index(m_, name.c_str())); }
  int outputIndex(const std::string& name) const { return index(dlc_model_output_index(m_, name.c_str())); }
  DlcModelFacts facts() const {
    DlcModelFacts f{};
    detail::check(dlc_model_facts(m_, &f));
    return f;
  }

 private:
  TensorInfo info(DlcStatus s) const {
    detail::check(s);
    TensorInfo t{raw_.name, raw_.dtype, raw_.dtype_name, {}, raw_.bytes};
    if (raw_.rank > 0) t.extents.assign(raw_.extents, raw_.extents + raw_.rank);
    return t;
  }
  static int index(int i) {
    if (i < 0) throw std::runtime_error(dlc_last_error());
    return i;
  }
  DlcModel* m_;
  mutable DlcTensorInfo raw_{};
};

class ThreadPool {
 public:
  explicit ThreadPool(int numThreads = 0) : p_(detail::checkPtr(dlc_thread_pool_create(numThreads))) {}
  ~ThreadPool() { dlc_thread_pool_free(p_); }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  DlcThreadPool* get() const { return p_; }
  int numThreads() const { return dlc_thread_pool_num_threads(p_); }

 private:
  DlcThreadPool* p_;
};

class Instance {
 public:
  explicit Instance(const Model& model, int numThreads = 0)
      : i_(detail::checkPtr(dlc_instance_create(model.get(), numThreads))) {}
  Instance(const Model& model, ThreadPool& pool)
      : i_(detail::checkPtr(dlc_instance_create_with_pool(model.get(), pool.get()))) {}
  ~Instance() { dlc_instance_free(i_); }
  Instance(Instance&& o) noexcept : i_(std::exchange(o.i_, nullptr)) {}
  Instance& operator=(Instance&& o) noexcept {
    std::swap(i_, o.i_);
    return *this;
  }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  DlcInstance* get() const { return i_; }
  int numThreads() const { return dlc_instance_num_threads(i_); }

  void setInput(const std::string& name, const void* data, int32_t dtype, const std::vector<int64_t>& extents) {
    detail::check(dlc_instance_set_input(i_, name.c_str(), data, dtype, static_cast<int32_t>(extents.size()),
                                         extents.data()));
  }
  void bindInput(const std::string& name, const void* data, int32_t dtype, const std::vector<int64_t>& extents) {
    detail::check(dlc_instance_bind_input(i_, name.c_str(), data, dtype, static_cast<int32_t>(extents.size()),
                                          extents.data()));
  }
  void run() { detail::check(dlc_instance_run(i_)); }

  const void* outputData(int index) const { return detail::checkPtr(dlc_instance_output(i_, index)); }
  const void* outputData(const std::string& name) const {
    return detail::checkPtr(dlc_instance_output_by_name(i_, name.c_str()));
  }
  // A copy of output `index` as elements of T (sizeof(T) must divide its bytes).
  template <typename T>
  std::vector<T> output(int index) const {
    DlcTensorInfo info{};
    detail::check(dlc_instance_output_info(i_, index, &info));
    std::vector<T> out(info.bytes / sizeof(T));
    detail::check(dlc_instance_copy_output(i_, index, out.data(), out.size() * sizeof(T)));
    return out;
  }

  void enableProfiling(bool on = true) { detail::check(dlc_instance_enable_profiling(i_, on ? 1 : 0)); }
  std::vector<DlcProfileStep> profile() const {
    int32_t n = dlc_instance_profile_count(i_);
    if (n < 0) throw std::runtime_error(dlc_last_error());
    std::vector<DlcProfileStep> steps(static_cast<size_t>(n));
    for (int32_t k = 0; k < n; ++k) detail::check(dlc_instance_profile_step(i_, k, &steps[static_cast<size_t>(k)]));
    return steps;
  }

 private:
  DlcInstance* i_;
};

}  // namespace dlc::runtime
