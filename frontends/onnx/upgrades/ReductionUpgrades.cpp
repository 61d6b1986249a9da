// Opset upgrades for the Reduction ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addReductionUpgrades(UpgradeTable& t) {}

}  // namespace dlc::onnx
