// Opset upgrades for the loss, recurrent, signal, sampling and misc ops (see
// Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addExtraUpgrades(UpgradeTable& t) {
  // GridSample-16 named its modes bilinear / bicubic; opset 20 says linear / cubic.
  t["GridSample"].push_back({20, [](UpgradeContext& c) {
                               auto it = c.attrs.find("mode");
                               if (it == c.attrs.end()) return;
                               if (it->second.s() == "bilinear") it->second = Attribute("linear");
                               else if (it->second.s() == "bicubic") it->second = Attribute("cubic");
                             }});
  // DFT-17 took the axis as an attribute (default 1); opset 20 takes input 2.
  t["DFT"].push_back({20, [](UpgradeContext& c) {
                        int64_t axis = 1;
                        if (std::optional<Attribute> a = c.take("axis")) axis = a->i();
                        c.padInputs(3);
                        c.inputs[2] = c.constant(Tensor::fromVector<int64_t>({}, {axis}));
                      }});
  // RoiAlign-10 had no coordinate_transformation_mode; it behaved as
  // "output_half_pixel" (opset 16 defaults to "half_pixel").
  t["RoiAlign"].push_back({16, [](UpgradeContext& c) {
                             if (!c.attrs.count("coordinate_transformation_mode"))
                               c.attrs["coordinate_transformation_mode"] = Attribute("output_half_pixel");
                           }});
}

}  // namespace dlc::onnx
