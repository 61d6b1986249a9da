// Opset upgrades for the Generators ops (see Upgrades.h). Constant,
// ConstantOfShape, Range, Shape, Size, EyeLike and OneHot of older opsets
// already have the latest form (older ones only lack attributes whose
// defaults give the old behaviour), so nothing is rewritten.
#include "Upgrades.h"

namespace dlc::onnx {

void addGeneratorsUpgrades(UpgradeTable& t) { (void)t; }

}  // namespace dlc::onnx
