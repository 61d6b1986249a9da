// Helpers for the codegen tests: temp directories, an artifact input with a
// small encoded plan, and the two parallel_for implementations the kernels run
// under (a serial loop, and two std::threads taking alternate iterations).
#pragma once

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "LlvmCodegen.h"
#include "dlc/runtime/KernelAbi.h"
#include "dlc/runtime/Plan.h"

namespace dlc::testing {

inline std::filesystem::path tempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("dlc_kernel_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline runtime::Plan smallPlan() {
  runtime::Plan p;
  p.arenaBytes = 64;
  p.buffers.push_back({runtime::BufferKind::Input, runtime::ElemType::Float32, {4}, "in", 0, 16});
  p.buffers.push_back({runtime::BufferKind::Output, runtime::ElemType::Float32, {4}, "out", 0, 16});
  p.steps.push_back({0, {0, 1}});
  p.inputs = {0};
  p.outputs = {1};
  return p;
}

inline void serialParallelFor(void*, int64_t n, DlcParallelBody body, void* closure) {
  for (int64_t i = 0; i < n; ++i) body(closure, i);
}

inline void threadedParallelFor(void*, int64_t n, DlcParallelBody body, void* closure) {
  auto worker = [&](int64_t first) {
    for (int64_t i = first; i < n; i += 2) body(closure, i);
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
}

inline const DlcKernelEnv kSerialEnv{serialParallelFor, nullptr};
inline const DlcKernelEnv kThreadedEnv{threadedParallelFor, nullptr};

}  // namespace dlc::testing
