// Opset upgrades for the Normalization ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {

void addNormalizationUpgrades(UpgradeTable& t) {
  // Softmax family < 13: the input is flattened to 2-D at `axis` (default 1);
  // dlc keeps that meaning through the hidden legacy_axis_2d attribute.
  for (const char* op : {"Softmax", "LogSoftmax", "Hardmax"}) {
    t[op].push_back({13, [](UpgradeContext& c) {
                       if (!c.attrs.count("axis")) c.attrs["axis"] = Attribute(int64_t{1});
                       c.attrs["legacy_axis_2d"] = Attribute(int64_t{1});
                     }});
  }
  // GroupNormalization < 21: scale and bias were per group.
  t["GroupNormalization"].push_back(
      {21, [](UpgradeContext& c) { c.attrs["legacy_per_group_scale"] = Attribute(int64_t{1}); }});
  // BatchNormalization < 9: `spatial` (only spatial=1 is supported).
  t["BatchNormalization"].push_back({9, [](UpgradeContext& c) {
                                       auto s = c.take("spatial");
                                       if (s && s->i() == 0)
                                         unsupported("node '", c.nodeName, "': BatchNormalization spatial=0");
                                     }});
}

}  // namespace dlc::onnx
