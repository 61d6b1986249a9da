// One execution context of a loaded model: its arena (intermediates), its
// outputs, the inputs set so far and a thread pool. run() executes the plan's
// steps in order; see Instance.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "Model.h"
#include "ThreadPool.h"

namespace dlc::runtime::impl {

// A 64-byte aligned block that frees itself.
class AlignedBlock {
 public:
  AlignedBlock() = default;
  // Throws Error(DLC_ERROR_OUT_OF_MEMORY) "out of memory: cannot allocate N bytes for <what>".
  AlignedBlock(uint64_t bytes, const std::string& what);
  ~AlignedBlock();
  AlignedBlock(AlignedBlock&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  AlignedBlock& operator=(AlignedBlock&& o) noexcept;
  uint8_t* data() const { return p_; }

 private:
  uint8_t* p_ = nullptr;
};

class Instance {
 public:
  Instance(std::shared_ptr<const Model> model, std::shared_ptr<ThreadPool> pool);

  const Model& model() const { return *model_; }
  int numThreads() const { return pool_->numThreads(); }

  // Checks name, dtype, rank and extents; copies `data` or keeps the pointer.
  void setInput(const char* name, const void* data, int dtype, int rank, const int64_t* extents, bool copy);
  void run();

  const void* output(size_t index) const;  // throws before the first run
  void copyOutput(size_t index, void* dst, uint64_t dstBytes) const;

  void enableProfiling(bool on) { profiling_ = on; }
  // Per step of the last run; empty if it was not profiled.
  const std::vector<uint64_t>& profile() const { return stepNs_; }

 private:
  void checkShape(uint32_t buffer) const;  // throws DLC_ERROR_MISMATCH
  std::shared_ptr<const Model> model_;
  std::shared_ptr<ThreadPool> pool_;
  DlcKernelEnv env_{};
  AlignedBlock arena_;
  std::vector<AlignedBlock> outputs_;      // per model output
  std::vector<AlignedBlock> inputCopies_;  // per model input, allocated on the first copy
  std::vector<const void*> inputData_;     // per model input: what kernels read; nullptr = not set
  std::vector<void*> bufferPtr_;           // per plan buffer; inputs filled in at run()
  std::vector<void*> argPtr_;              // every step's args, flattened
  std::vector<size_t> argBegin_;           // per step, into argPtr_
  std::vector<std::vector<uint32_t>> shapeChecks_;  // per step: buffers whose computed shape it checks
  bool hasRun_ = false;
  bool profiling_ = false;
  std::vector<uint64_t> stepNs_;
};

}  // namespace dlc::runtime::impl
