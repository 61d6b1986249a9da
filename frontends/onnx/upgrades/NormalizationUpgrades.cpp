// Opset upgrades for the Normalization ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addNormalizationUpgrades(UpgradeTable& t) {}

}  // namespace dlc::onnx
