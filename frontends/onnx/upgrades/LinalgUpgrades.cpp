// Opset upgrades for the Linalg ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addLinalgUpgrades(UpgradeTable& t) {}

}  // namespace dlc::onnx
