// Opset upgrades for the Elementwise ops (see Upgrades.h).
#include "Upgrades.h"
#include "dlc/ir/Tensor.h"

namespace dlc::onnx {

void addElementwiseUpgrades(UpgradeTable& t) {
  // Clip < 11: `min` / `max` were float attributes; now optional scalar inputs.
  t["Clip"].push_back({11, [](UpgradeContext& c) {
                         auto lo = c.take("min");
                         auto hi = c.take("max");
                         DType d = c.inputs.empty() || !c.inputs[0] ? DType::Float32 : c.inputs[0]->type().dtype;
                         if (d == DType::Undefined) d = DType::Float32;
                         c.padInputs(3);
                         if (lo) c.inputs[1] = c.constant(Tensor::scalar(d, lo->f()));
                         if (hi) c.inputs[2] = c.constant(Tensor::scalar(d, hi->f()));
                       }});
}

}  // namespace dlc::onnx
