// Opset upgrades for the Linalg ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

// MatMul, Gemm and Einsum need no upgrade from opset 7 on: Gemm before opset 11
// requires C, a special case of the latest form.
void addLinalgUpgrades(UpgradeTable&) {}

}  // namespace dlc::onnx
