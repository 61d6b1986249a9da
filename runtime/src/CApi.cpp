// The C API (dlc_runtime.h) over Model, Instance and ThreadPool: handles hold
// shared_ptrs (a model or pool freed under live instances stays alive), and every
// entry point turns exceptions into a status and dlc_last_error().
#include <memory>
#include <new>
#include <string>

#include "ElfCheck.h"
#include "Error.h"
#include "Instance.h"
#include "Model.h"
#include "ThreadPool.h"
#include "dlc/runtime/dlc_runtime.h"

struct DlcModel {
  std::shared_ptr<const dlc::runtime::impl::Model> model;
};
struct DlcThreadPool {
  std::shared_ptr<dlc::runtime::impl::ThreadPool> pool;
};
struct DlcInstance {
  std::unique_ptr<dlc::runtime::impl::Instance> instance;
};


using namespace dlc::runtime;
using namespace dlc::runtime::impl;

namespace {

thread_local std::string tlsLastError;
thread_local DlcStatus tlsLastStatus = DLC_OK;

DlcStatus setError(DlcStatus s, const std::string& m) {
  tlsLastError = m;
  tlsLastStatus = s;
  return s;
}

// Runs f; on an exception records it and returns its status.
template <typename F>
DlcStatus guard(F&& f) {
  try {
    f();
    return DLC_OK;
  } catch (const Error& e) {
    return setError(e.status(), e.what());
  } catch (const std::bad_alloc&) {
    return setError(DLC_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return setError(DLC_ERROR_INTERNAL, e.what());
  } catch (...) {
    return setError(DLC_ERROR_INTERNAL, "unknown error");
  }
}

bool nullHandle(const void* h, const char* fn, const char* what) {
  if (h) return false;
  setError(DLC_ERROR_INVALID_ARGUMENT, std::string(fn) + ": the " + what + " is NULL");
  return true;
}

bool badIndex(int32_t index, size_t count, const char* fn, const char* what) {
  if (index >= 0 && static_cast<size_t>(index) < count) return false;
  setError(DLC_ERROR_INVALID_ARGUMENT, std::string(fn) + ": " + what + " index " + std::to_string(index) +
                                           " is out of range (the model has " + std::to_string(count) + ")");
  return true;
}

void fillInfo(const PlanBuffer& b, DlcTensorInfo* info) {
  info->name = b.name.c_str();
  info->dtype = static_cast<int32_t>(b.dtype);
  info->dtype_name = elemName(b.dtype);
  info->rank = static_cast<int32_t>(b.extents.size());
  info->extents = b.extents.empty() ? nullptr : b.extents.data();
  info->bytes = b.bytes;
}

std::shared_ptr<ThreadPool> makePool(int32_t numThreads) {
  if (numThreads < 0 || numThreads > ThreadPool::kMaxThreads)
    fail(DLC_ERROR_INVALID_ARGUMENT, "num_threads " + std::to_string(numThreads) + " is not in [0, " +
                                         std::to_string(ThreadPool::kMaxThreads) + "]");
  int n = numThreads;
  if (n == 0) {
    try {
      n = ThreadPool::defaultThreads();
    } catch (const std::runtime_error& e) {
      fail(DLC_ERROR_INVALID_ARGUMENT, e.what());
    }
  }
  return std::make_shared<ThreadPool>(n);
}

DlcInstance* createInstance(const DlcModel* model, std::shared_ptr<ThreadPool> pool, int32_t numThreads) {
  DlcInstance* out = nullptr;
  guard([&] {
    if (!pool) pool = makePool(numThreads);
    auto h = std::make_unique<DlcInstance>();
    h->instance = std::make_unique<Instance>(model->model, std::move(pool));
    out = h.release();
  });
  return out;
}

}  // namespace

extern "C" {

const char* dlc_last_error(void) { return tlsLastError.c_str(); }
DlcStatus dlc_last_status(void) { return tlsLastStatus; }

const char* dlc_status_name(DlcStatus status) {
  switch (status) {
    case DLC_OK: return "ok";
    case DLC_ERROR_INVALID_ARGUMENT: return "invalid argument";
    case DLC_ERROR_LOAD: return "load error";
    case DLC_ERROR_VERSION: return "version mismatch";
    case DLC_ERROR_MISMATCH: return "input mismatch";
    case DLC_ERROR_STATE: return "bad state";
    case DLC_ERROR_OUT_OF_MEMORY: return "out of memory";
    case DLC_ERROR_INTERNAL: return "internal error";
  }
  return "unknown status";
}

const char* dlc_runtime_version(void) { return runtimeVersion(); }
const char* dlc_runtime_arch(void) { return hostArch(); }

const char* dlc_dtype_name(int32_t dtype) {
  return dtype >= 1 && dtype <= 13 ? elemName(static_cast<ElemType>(dtype)) : nullptr;
}

size_t dlc_dtype_size(int32_t dtype) { return dtype >= 1 && dtype <= 13 ? elemSize(static_cast<ElemType>(dtype)) : 0; }

DlcModel* dlc_model_load(const char* path) {
  if (nullHandle(path, "dlc_model_load", "path")) return nullptr;
  DlcModel* out = nullptr;
  guard([&] {
    auto h = std::make_unique<DlcModel>();
    h->model = Model::load(path);
    out = h.release();
  });
  return out;
}

void dlc_model_free(DlcModel* model) { delete model; }

int32_t dlc_model_num_inputs(const DlcModel* model) {
  if (nullHandle(model, "dlc_model_num_inputs", "model")) return -1;
  return static_cast<int32_t>(model->model->plan().inputs.size());
}

int32_t dlc_model_num_outputs(const DlcModel* model) {
  if (nullHandle(model, "dlc_model_num_outputs", "model")) return -1;
  return static_cast<int32_t>(model->model->plan().outputs.size());
}

DlcStatus dlc_model_input_info(const DlcModel* model, int32_t index, DlcTensorInfo* info) {
  if (nullHandle(model, "dlc_model_input_info", "model") || nullHandle(info, "dlc_model_input_info", "info"))
    return DLC_ERROR_INVALID_ARGUMENT;
  if (badIndex(index, model->model->plan().inputs.size(), "dlc_model_input_info", "input")) return DLC_ERROR_INVALID_ARGUMENT;
  fillInfo(model->model->input(static_cast<size_t>(index)), info);
  return DLC_OK;
}

DlcStatus dlc_model_output_info(const DlcModel* model, int32_t index, DlcTensorInfo* info) {
  if (nullHandle(model, "dlc_model_output_info", "model") || nullHandle(info, "dlc_model_output_info", "info"))
    return DLC_ERROR_INVALID_ARGUMENT;
  if (badIndex(index, model->model->plan().outputs.size(), "dlc_model_output_info", "output"))
    return DLC_ERROR_INVALID_ARGUMENT;
  fillInfo(model->model->output(static_cast<size_t>(index)), info);
  return DLC_OK;
}

int32_t dlc_model_input_index(const DlcModel* model, const char* name) {
  if (nullHandle(model, "dlc_model_input_index", "model") || nullHandle(name, "dlc_model_input_index", "name")) return -1;
  int i = model->model->inputIndex(name);
  if (i < 0)
    setError(DLC_ERROR_MISMATCH, std::string("model has no input '") + name + "'; its inputs are " + model->model->inputNames());
  return i;
}

int32_t dlc_model_output_index(const DlcModel* model, const char* name) {
  if (nullHandle(model, "dlc_model_output_index", "model") || nullHandle(name, "dlc_model_output_index", "name")) return -1;
  int i = model->model->outputIndex(name);
  if (i < 0)
    setError(DLC_ERROR_MISMATCH,
             std::string("model has no output '") + name + "'; its outputs are " + model->model->outputNames());
  return i;
}

DlcStatus dlc_model_facts(const DlcModel* model, DlcModelFacts* facts) {
  if (nullHandle(model, "dlc_model_facts", "model") || nullHandle(facts, "dlc_model_facts", "facts"))
    return DLC_ERROR_INVALID_ARGUMENT;
  const Model& m = *model->model;
  facts->weights_bytes = m.descriptor().weights_size;
  facts->arena_bytes = m.plan().arenaBytes;
  facts->output_bytes = m.outputBytes();
  facts->num_kernels = m.descriptor().num_kernels;
  facts->num_steps = static_cast<uint32_t>(m.plan().steps.size());
  facts->format_version = m.descriptor().format_version;
  facts->dlc_version = m.dlcVersion().c_str();
  facts->arch = m.arch().c_str();
  facts->path = m.path().c_str();
  return DLC_OK;
}

const char* dlc_model_kernel_name(const DlcModel* model, int32_t index) {
  if (nullHandle(model, "dlc_model_kernel_name", "model")) return nullptr;
  if (badIndex(index, model->model->descriptor().num_kernels, "dlc_model_kernel_name", "kernel")) return nullptr;
  return model->model->kernelName(static_cast<uint32_t>(index)).c_str();
}

DlcThreadPool* dlc_thread_pool_create(int32_t num_threads) {
  DlcThreadPool* out = nullptr;
  guard([&] {
    auto h = std::make_unique<DlcThreadPool>();
    h->pool = makePool(num_threads);
    out = h.release();
  });
  return out;
}

void dlc_thread_pool_free(DlcThreadPool* pool) { delete pool; }

int32_t dlc_thread_pool_num_threads(const DlcThreadPool* pool) {
  if (nullHandle(pool, "dlc_thread_pool_num_threads", "pool")) return -1;
  return pool->pool->numThreads();
}

DlcInstance* dlc_instance_create(const DlcModel* model, int32_t num_threads) {
  if (nullHandle(model, "dlc_instance_create", "model")) return nullptr;
  return createInstance(model, nullptr, num_threads);
}

DlcInstance* dlc_instance_create_with_pool(const DlcModel* model, DlcThreadPool* pool) {
  if (nullHandle(model, "dlc_instance_create_with_pool", "model") ||
      nullHandle(pool, "dlc_instance_create_with_pool", "pool"))
    return nullptr;
  return createInstance(model, pool->pool, 0);
}

void dlc_instance_free(DlcInstance* instance) { delete instance; }

int32_t dlc_instance_num_threads(const DlcInstance* instance) {
  if (nullHandle(instance, "dlc_instance_num_threads", "instance")) return -1;
  return instance->instance->numThreads();
}

DlcStatus dlc_instance_set_input(DlcInstance* instance, const char* name, const void* data, int32_t dtype, int32_t rank,
                                 const int64_t* extents) {
  if (nullHandle(instance, "dlc_instance_set_input", "instance")) return DLC_ERROR_INVALID_ARGUMENT;
  return guard([&] { instance->instance->setInput(name, data, dtype, rank, extents, true); });
}

DlcStatus dlc_instance_bind_input(DlcInstance* instance, const char* name, const void* data, int32_t dtype, int32_t rank,
                                  const int64_t* extents) {
  if (nullHandle(instance, "dlc_instance_bind_input", "instance")) return DLC_ERROR_INVALID_ARGUMENT;
  return guard([&] { instance->instance->setInput(name, data, dtype, rank, extents, false); });
}

DlcStatus dlc_instance_run(DlcInstance* instance) {
  if (nullHandle(instance, "dlc_instance_run", "instance")) return DLC_ERROR_INVALID_ARGUMENT;
  return guard([&] { instance->instance->run(); });
}

const void* dlc_instance_output(const DlcInstance* instance, int32_t index) {
  if (nullHandle(instance, "dlc_instance_output", "instance")) return nullptr;
  if (badIndex(index, instance->instance->model().plan().outputs.size(), "dlc_instance_output", "output")) return nullptr;
  const void* out = nullptr;
  guard([&] { out = instance->instance->output(static_cast<size_t>(index)); });
  return out;
}

const void* dlc_instance_output_by_name(const DlcInstance* instance, const char* name) {
  if (nullHandle(instance, "dlc_instance_output_by_name", "instance") ||
      nullHandle(name, "dlc_instance_output_by_name", "name"))
    return nullptr;
  const Model& m = instance->instance->model();
  int index = m.outputIndex(name);
  if (index < 0) {
    setError(DLC_ERROR_MISMATCH, std::string("model has no output '") + name + "'; its outputs are " + m.outputNames());
    return nullptr;
  }
  const void* out = nullptr;
  guard([&] { out = instance->instance->output(static_cast<size_t>(index)); });
  return out;
}

DlcStatus dlc_instance_output_info(const DlcInstance* instance, int32_t index, DlcTensorInfo* info) {
  if (nullHandle(instance, "dlc_instance_output_info", "instance") || nullHandle(info, "dlc_instance_output_info", "info"))
    return DLC_ERROR_INVALID_ARGUMENT;
  const Model& m = instance->instance->model();
  if (badIndex(index, m.plan().outputs.size(), "dlc_instance_output_info", "output")) return DLC_ERROR_INVALID_ARGUMENT;
  fillInfo(m.output(static_cast<size_t>(index)), info);
  return DLC_OK;
}

DlcStatus dlc_instance_copy_output(const DlcInstance* instance, int32_t index, void* dst, uint64_t dst_bytes) {
  if (nullHandle(instance, "dlc_instance_copy_output", "instance")) return DLC_ERROR_INVALID_ARGUMENT;
  if (badIndex(index, instance->instance->model().plan().outputs.size(), "dlc_instance_copy_output", "output"))
    return DLC_ERROR_INVALID_ARGUMENT;
  return guard([&] { instance->instance->copyOutput(static_cast<size_t>(index), dst, dst_bytes); });
}

DlcStatus dlc_instance_enable_profiling(DlcInstance* instance, int enable) {
  if (nullHandle(instance, "dlc_instance_enable_profiling", "instance")) return DLC_ERROR_INVALID_ARGUMENT;
  instance->instance->enableProfiling(enable != 0);
  return DLC_OK;
}

int32_t dlc_instance_profile_count(const DlcInstance* instance) {
  if (nullHandle(instance, "dlc_instance_profile_count", "instance")) return -1;
  const auto& p = instance->instance->profile();
  if (p.empty() && !instance->instance->model().plan().steps.empty()) {
    setError(DLC_ERROR_STATE, "no profile: profiling was not enabled for the last run");
    return -1;
  }
  return static_cast<int32_t>(p.size());
}

DlcStatus dlc_instance_profile_step(const DlcInstance* instance, int32_t step, DlcProfileStep* out) {
  if (nullHandle(instance, "dlc_instance_profile_step", "instance") || nullHandle(out, "dlc_instance_profile_step", "out"))
    return DLC_ERROR_INVALID_ARGUMENT;
  const Instance& in = *instance->instance;
  const auto& p = in.profile();
  if (p.empty()) return setError(DLC_ERROR_STATE, "no profile: profiling was not enabled for the last run");
  if (step < 0 || static_cast<size_t>(step) >= p.size())
    return setError(DLC_ERROR_INVALID_ARGUMENT, "dlc_instance_profile_step: step " + std::to_string(step) +
                                                    " is out of range (the last run had " + std::to_string(p.size()) + ")");
  uint32_t k = in.model().plan().steps[static_cast<size_t>(step)].kernel;
  out->kernel = k;
  out->kernel_name = k == kCopyStep ? "copy" : in.model().kernelName(k).c_str();
  out->ns = p[static_cast<size_t>(step)];
  const Plan& plan = in.model().plan();
  const PlanStep& ps = plan.steps[static_cast<size_t>(step)];
  out->flops = k != kCopyStep && k < plan.kernelFlops.size() ? plan.kernelFlops[k] : 0.0;
  out->bytes = 0;
  for (uint32_t a : ps.args) out->bytes += plan.buffers[a].bytes;
  return DLC_OK;
}

}  // extern "C"
