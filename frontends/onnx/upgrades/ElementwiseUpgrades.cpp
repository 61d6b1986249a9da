// Opset upgrades for the Elementwise ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addElementwiseUpgrades(UpgradeTable& t) {}

}  // namespace dlc::onnx
