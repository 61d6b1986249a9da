// Opset upgrades for the Quantization ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

// The quantization ops need no upgrade: older opsets only lack axis,
// saturate, block_size and output_dtype, whose defaults give the old behaviour.
void addQuantizationUpgrades(UpgradeTable&) {}

}  // namespace dlc::onnx
