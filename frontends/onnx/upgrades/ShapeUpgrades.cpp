// Opset upgrades for the Shape ops (see Upgrades.h): attributes that later
// opsets turned into inputs.
#include "Upgrades.h"

namespace dlc::onnx {
namespace {

// Moves an INTS attribute into input `index` (as a 1-D i64 constant).
void intsAttrToInput(UpgradeContext& c, const std::string& attr, size_t index) {
  if (std::optional<Attribute> a = c.take(attr)) {
    c.padInputs(index + 1);
    c.inputs[index] = c.constantInts(a->ints());
  }
}

}  // namespace

void addShapeUpgrades(UpgradeTable& t) {
  // Reshape-1 took the target shape as an attribute.
  t["Reshape"].push_back({5, [](UpgradeContext& c) {
                            c.take("consumed_inputs");
                            intsAttrToInput(c, "shape", 1);
                          }});
  // Concat-1 defaulted axis to 1.
  t["Concat"].push_back({4, [](UpgradeContext& c) {
                           if (!c.attrs.count("axis")) c.attrs["axis"] = Attribute(int64_t{1});
                         }});
  t["Squeeze"].push_back({13, [](UpgradeContext& c) { intsAttrToInput(c, "axes", 1); }});
  t["Unsqueeze"].push_back({13, [](UpgradeContext& c) { intsAttrToInput(c, "axes", 1); }});
  // Split-2/11 took the piece sizes as an attribute.
  t["Split"].push_back({13, [](UpgradeContext& c) { intsAttrToInput(c, "split", 1); }});
  // Dropout before 12: ratio and is_test attributes; dlc runs inference mode,
  // where the ratio has no effect.
  t["Dropout"].push_back({12, [](UpgradeContext& c) {
                            c.take("ratio");
                            c.take("is_test");
                            c.take("consumed_inputs");
                          }});
}

}  // namespace dlc::onnx
