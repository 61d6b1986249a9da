// Opset upgrades for the Conv ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addConvUpgrades(UpgradeTable& t) {}

}  // namespace dlc::onnx
