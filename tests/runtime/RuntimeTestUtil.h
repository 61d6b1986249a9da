// Shared helpers of the runtime tests: where the test artifacts are, and the
// tiny model's inputs and expected outputs (see artifacts/tiny_model.c).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "dlc/runtime/dlc_runtime.h"

namespace dlc::runtime::test {

inline std::string artifact(const std::string& name) { return std::string(DLC_RT_ARTIFACT_DIR) + "/" + name + ".so"; }

// Inputs scaled by `s`, and what the tiny model computes from them.
struct TinyCase {
  std::array<float, 6> x, y;
  std::array<int32_t, 4> idx;
  std::array<float, 6> z;
  std::array<int32_t, 4> scaled;

  explicit TinyCase(float s = 1.0f) {
    const float w[6] = {0.5f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f};
    const int32_t k[4] = {1, 2, 3, 4};
    for (int i = 0; i < 6; ++i) {
      x[i] = s * static_cast<float>(i - 2);
      y[i] = 0.5f;
      float t = x[i] + y[i];
      z[i] = (t > 0 ? t : 0.0f) * w[i];
    }
    for (int i = 0; i < 4; ++i) {
      idx[i] = static_cast<int32_t>(s) * (i + 1);
      scaled[i] = idx[i] * k[i];
    }
  }
};

inline const int64_t kExtents2x3[2] = {2, 3};
inline const int64_t kExtents4[1] = {4};

// Sets all three inputs of the tiny model; returns the first failing status.
inline DlcStatus setTinyInputs(DlcInstance* inst, const TinyCase& c) {
  DlcStatus s = dlc_instance_set_input(inst, "x", c.x.data(), DLC_F32, 2, kExtents2x3);
  if (s == DLC_OK) s = dlc_instance_set_input(inst, "y", c.y.data(), DLC_F32, 2, kExtents2x3);
  if (s == DLC_OK) s = dlc_instance_set_input(inst, "idx", c.idx.data(), DLC_I32, 1, kExtents4);
  return s;
}

}  // namespace dlc::runtime::test
