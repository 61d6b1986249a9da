// Opset upgrades for the Shape ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addShapeUpgrades(UpgradeTable& t) {}

}  // namespace dlc::onnx
