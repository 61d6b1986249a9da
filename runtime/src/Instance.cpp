// Executing a plan. Buffers as the kernels see them (built once per instance,
// inputs patched in at each run):
//
//   Input         the caller's data (bound) or the instance's copy of it
//   Output        instance-owned, 64-byte aligned, one block per output
//   Constant      descriptor.weights + offset (read-only)
//   Intermediate  arena + offset; the arena is one 64-byte aligned block of
//                 plan.arenaBytes, its layout (reuse by liveness) fixed by the compiler
//
// A step calls kernels[k](args, env) with args = the step's buffer ids mapped
// through that table; a copy step (kCopyStep) memcpys args[0] to args[1].
// After a step that computes a data-dependent shape (PlanBuffer::shapeCheck),
// the shape it wrote is compared with the static one the model was compiled
// for, and the run fails naming both if they differ.
#include "Instance.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>

#include "Error.h"

namespace dlc::runtime::impl {

namespace {
constexpr size_t kAlign = 64;
}

AlignedBlock::AlignedBlock(uint64_t bytes, const std::string& what) {
  uint64_t rounded = (bytes + kAlign - 1) / kAlign * kAlign;
  if (rounded < bytes || rounded == 0) rounded = bytes == 0 ? kAlign : bytes;  // empty buffers still get an address
  void* p = nullptr;
  if (rounded > SIZE_MAX || posix_memalign(&p, kAlign, static_cast<size_t>(rounded)) != 0 || !p)
    fail(DLC_ERROR_OUT_OF_MEMORY, "out of memory: cannot allocate " + std::to_string(bytes) + " bytes for " + what);
  p_ = static_cast<uint8_t*>(p);
}

AlignedBlock::~AlignedBlock() { std::free(p_); }

AlignedBlock& AlignedBlock::operator=(AlignedBlock&& o) noexcept {
  if (this != &o) {
    std::free(p_);
    p_ = o.p_;
    o.p_ = nullptr;
  }
  return *this;
}

Instance::Instance(std::shared_ptr<const Model> model, std::shared_ptr<ThreadPool> pool)
    : model_(std::move(model)), pool_(std::move(pool)) {
  const Plan& p = model_->plan();
  env_.parallel_for = &ThreadPool::parallelForC;
  env_.pool = pool_.get();
  const std::string of = " of " + model_->path();
  arena_ = AlignedBlock(p.arenaBytes, "the arena" + of);
  bufferPtr_.assign(p.buffers.size(), nullptr);
  for (size_t i = 0; i < p.outputs.size(); ++i) {
    const PlanBuffer& b = model_->output(i);
    outputs_.emplace_back(b.bytes, "output '" + b.name + "'" + of);
    bufferPtr_[p.outputs[i]] = outputs_.back().data();
  }
  const uint8_t* weights = model_->descriptor().weights;
  for (size_t i = 0; i < p.buffers.size(); ++i) {
    const PlanBuffer& b = p.buffers[i];
    if (b.kind == BufferKind::Constant) bufferPtr_[i] = const_cast<uint8_t*>(weights) + b.offset;
    if (b.kind == BufferKind::Intermediate) bufferPtr_[i] = arena_.data() + b.offset;
  }
  inputCopies_.resize(p.inputs.size());
  inputData_.assign(p.inputs.size(), nullptr);
  for (const PlanStep& s : p.steps) {
    argBegin_.push_back(argPtr_.size());
    argPtr_.insert(argPtr_.end(), s.args.size(), nullptr);
    std::vector<uint32_t> checks;
    for (uint32_t a : s.args) {
      uint32_t sc = p.buffers[a].shapeCheck;
      if (sc != kNoBuffer && std::find(s.args.begin(), s.args.end(), sc) != s.args.end()) checks.push_back(a);
    }
    shapeChecks_.push_back(std::move(checks));
  }
}

void Instance::setInput(const char* name, const void* data, int dtype, int rank, const int64_t* extents, bool copy) {
  if (!name) fail(DLC_ERROR_INVALID_ARGUMENT, "set input: the name is NULL");
  int index = model_->inputIndex(name);
  if (index < 0)
    fail(DLC_ERROR_MISMATCH, std::string("model has no input '") + name + "'; its inputs are " + model_->inputNames());
  const PlanBuffer& b = model_->input(static_cast<size_t>(index));
  if (rank < 0) fail(DLC_ERROR_INVALID_ARGUMENT, "input '" + b.name + "': rank " + std::to_string(rank) + " is negative");
  if (rank > 0 && !extents) fail(DLC_ERROR_INVALID_ARGUMENT, "input '" + b.name + "': extents is NULL");
  bool same = dtype == static_cast<int>(b.dtype) && static_cast<size_t>(rank) == b.extents.size();
  for (int k = 0; same && k < rank; ++k) same = extents[k] == b.extents[k];
  if (!same)
    fail(DLC_ERROR_MISMATCH, "input '" + b.name + "': expected " + typeString(b) + ", got " +
                                 typeString(dtype, extents, static_cast<size_t>(rank)));
  if (!data && b.bytes > 0) fail(DLC_ERROR_INVALID_ARGUMENT, "input '" + b.name + "': data is NULL");
  if (copy) {
    AlignedBlock& block = inputCopies_[index];
    if (!block.data()) block = AlignedBlock(b.bytes, "input '" + b.name + "' of " + model_->path());
    if (b.bytes) std::memcpy(block.data(), data, b.bytes);
    inputData_[index] = block.data();
  } else {
    inputData_[index] = data ? data : inputCopies_[index].data() ? inputCopies_[index].data() : arena_.data();
  }
}

void Instance::run() {
  const Plan& p = model_->plan();
  std::string missing;
  for (size_t i = 0; i < p.inputs.size(); ++i) {
    if (!inputData_[i]) missing += (missing.empty() ? "'" : ", '") + model_->input(i).name + "'";
    bufferPtr_[p.inputs[i]] = const_cast<void*>(inputData_[i]);
  }
  if (!missing.empty()) {
    bool one = missing.find(',') == std::string::npos;
    fail(DLC_ERROR_STATE, std::string("run: ") + (one ? "input " : "inputs ") + missing + (one ? " is" : " are") + " not set");
  }

  const DlcArtifactDescriptor& d = model_->descriptor();
  stepNs_.assign(profiling_ ? p.steps.size() : 0, 0);
  hasRun_ = false;
  using Clock = std::chrono::steady_clock;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    const PlanStep& s = p.steps[i];
    void** args = argPtr_.data() + argBegin_[i];
    for (size_t k = 0; k < s.args.size(); ++k) args[k] = bufferPtr_[s.args[k]];
    Clock::time_point t0 = profiling_ ? Clock::now() : Clock::time_point();
    if (s.kernel == kCopyStep) {
      std::memmove(args[1], args[0], p.buffers[s.args[0]].bytes);
    } else {
      d.kernels[s.kernel](args, &env_);
    }
    for (uint32_t id : shapeChecks_[i]) checkShape(id);
    if (profiling_)
      stepNs_[i] = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
  }
  hasRun_ = true;
}

void Instance::checkShape(uint32_t id) const {
  const Plan& p = model_->plan();
  const PlanBuffer& b = p.buffers[id];
  const int64_t* got = static_cast<const int64_t*>(bufferPtr_[b.shapeCheck]);
  if (std::equal(b.extents.begin(), b.extents.end(), got)) return;
  std::string dims;
  for (size_t k = 0; k < b.extents.size(); ++k) dims += (k ? "x" : "") + std::to_string(got[k]);
  fail(DLC_ERROR_MISMATCH, "'" + b.name + "' depends on the input data and came out " + elemName(b.dtype) + "[" + dims +
                               "], but the model was compiled for " + typeString(b));
}

const void* Instance::output(size_t index) const {
  if (index >= outputs_.size())
    fail(DLC_ERROR_INVALID_ARGUMENT, "output index " + std::to_string(index) + " is out of range (the model has " +
                                         std::to_string(outputs_.size()) + " outputs)");
  if (!hasRun_) fail(DLC_ERROR_STATE, "output '" + model_->output(index).name + "' read before a successful run");
  return outputs_[index].data();
}

void Instance::copyOutput(size_t index, void* dst, uint64_t dstBytes) const {
  const void* src = output(index);
  const PlanBuffer& b = model_->output(index);
  if (!dst && b.bytes) fail(DLC_ERROR_INVALID_ARGUMENT, "output '" + b.name + "': the destination is NULL");
  if (dstBytes < b.bytes)
    fail(DLC_ERROR_INVALID_ARGUMENT, "output '" + b.name + "' (" + typeString(b) + ") has " + std::to_string(b.bytes) +
                                         " bytes, the destination holds " + std::to_string(dstBytes));
  if (b.bytes) std::memcpy(dst, src, b.bytes);
}

}  // namespace dlc::runtime::impl
