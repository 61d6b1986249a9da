// A compiled artifact (a shared library written by a CPU target) loaded with
// the runtime library and seen as a dlc::Executable, plus what `dlc inspect`
// and `dlc bench` read from it: its facts and per-kernel profile. Used by the
// CPU target plugin (in-memory compilation) and by the dlc tool (MODEL.so).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dlc/target/Target.h"

struct DlcModel;
struct DlcInstance;

namespace dlc::cpu {

struct ArtifactFacts {
  uint64_t weightsBytes = 0, arenaBytes = 0, outputBytes = 0;
  uint32_t numKernels = 0, numSteps = 0;
  std::string dlcVersion, arch;
};

struct StepTime {
  std::string kernel;  // "copy" for a copy step
  uint64_t ns = 0;
  double flops = 0;    // per call; 0 where not counted
  uint64_t bytes = 0;  // of the buffers it reads and writes
};

class ArtifactExecutable : public Executable {
 public:
  // Loads `path` (dlc::Error with the runtime's message on failure); threads:
  // 0 = DLC_NUM_THREADS or all cores.
  ArtifactExecutable(const std::string& path, int threads);
  ~ArtifactExecutable() override;
  ArtifactExecutable(const ArtifactExecutable&) = delete;
  ArtifactExecutable& operator=(const ArtifactExecutable&) = delete;

  std::vector<Tensor> run(const std::vector<Tensor>& inputs) override;
  std::vector<std::string> inputNames() const override;
  std::vector<TensorType> inputTypes() const override;
  std::vector<std::string> outputNames() const override;

  // Sets the inputs once (for repeated timed runs), then runs.
  void setInputs(const std::vector<Tensor>& inputs);
  void runOnce();
  void enableProfiling(bool on);
  std::vector<StepTime> lastProfile() const;
  ArtifactFacts facts() const;
  int numThreads() const;

 private:
  DlcModel* model_ = nullptr;
  DlcInstance* instance_ = nullptr;
};

// A fresh private directory under $TMPDIR (default /tmp) for a temporary
// artifact: "<tmp>/<prefix>-XXXXXX".
std::string makeTempDir(const std::string& prefix);

}  // namespace dlc::cpu
