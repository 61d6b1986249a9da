// Opset upgrades for the Quantization ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addQuantizationUpgrades(UpgradeTable& t) {}

}  // namespace dlc::onnx
