// Opset upgrades for the Conv ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

// Conv, ConvTranspose and the pooling ops need no upgrade from opset 7 on: older
// opsets only lack attributes whose defaults give the old behaviour
// (dilations, ceil_mode, storage_order, the Indices output).
void addConvUpgrades(UpgradeTable&) {}

}  // namespace dlc::onnx
