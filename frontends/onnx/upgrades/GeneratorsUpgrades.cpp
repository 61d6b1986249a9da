// Opset upgrades for the Generators ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addGeneratorsUpgrades(UpgradeTable& t) {}

}  // namespace dlc::onnx
