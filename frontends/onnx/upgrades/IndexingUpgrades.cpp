// Opset upgrades for the Indexing ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addIndexingUpgrades(UpgradeTable& t) {}

}  // namespace dlc::onnx
