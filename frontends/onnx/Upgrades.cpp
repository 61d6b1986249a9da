#include "Upgrades.h"

namespace dlc::onnx {

Value* UpgradeContext::constant(Tensor t) { return fn.addConstant(fn.uniqueName("upgrade_const"), std::move(t)); }

Value* UpgradeContext::constantInts(const std::vector<int64_t>& values) {
  return constant(Tensor::fromVector<int64_t>({static_cast<int64_t>(values.size())}, values));
}

std::optional<Attribute> UpgradeContext::take(const std::string& name) {
  auto it = attrs.find(name);
  if (it == attrs.end()) return std::nullopt;
  Attribute a = it->second;
  attrs.erase(it);
  return a;
}

void UpgradeContext::padInputs(size_t n) {
  if (inputs.size() < n) inputs.resize(n, nullptr);
}

const UpgradeTable& upgradeTable() {
  static const UpgradeTable table = [] {
    UpgradeTable t;
#define DLC_UPGRADE_CATEGORY(NAME) add##NAME##Upgrades(t);
    DLC_UPGRADE_CATEGORY(Conv)
    DLC_UPGRADE_CATEGORY(Elementwise)
    DLC_UPGRADE_CATEGORY(Extra)
    DLC_UPGRADE_CATEGORY(Generators)
    DLC_UPGRADE_CATEGORY(Indexing)
    DLC_UPGRADE_CATEGORY(Linalg)
    DLC_UPGRADE_CATEGORY(Normalization)
    DLC_UPGRADE_CATEGORY(Quantization)
    DLC_UPGRADE_CATEGORY(Reduction)
    DLC_UPGRADE_CATEGORY(Shape)
#undef DLC_UPGRADE_CATEGORY
    return t;
  }();
  return table;
}

}  // namespace dlc::onnx
