// Opset upgrades: rewrite an ONNX node of an older opset into dlc's canonical
// form (the latest opset's semantics, inputs rather than attributes).
//
// The frontend first converts a node generically (same op name, same attribute
// names and kinds, same inputs), then applies every upgrade registered for that
// op whose `belowOpset` is greater than the model's opset for the node's domain.
// Each op category has its own file in upgrades/ defining add<Category>Upgrades.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dlc/ir/IR.h"

namespace dlc::onnx {

struct UpgradeContext {
  std::string op;               // may be changed (e.g. an old op renamed)
  int opset = 0;                // the model's opset for the ai.onnx domain
  std::vector<Value*> inputs;   // may be changed; nullptr = absent optional input
  AttrMap attrs;                // may be changed
  Function& fn;                 // to add constants
  std::string nodeName;

  // Adds a constant to the function (for attributes that became inputs).
  Value* constant(Tensor t);
  Value* constantInts(const std::vector<int64_t>& values);  // 1-D i64
  // Removes and returns an attribute, if present.
  std::optional<Attribute> take(const std::string& name);
  // Ensures inputs has at least n entries (padding with nullptr).
  void padInputs(size_t n);
};

struct Upgrade {
  int belowOpset;  // applies when the model's opset < belowOpset
  std::function<void(UpgradeContext&)> apply;
};

using UpgradeTable = std::map<std::string, std::vector<Upgrade>>;

const UpgradeTable& upgradeTable();

#define DLC_UPGRADE_CATEGORY(NAME) void add##NAME##Upgrades(UpgradeTable& t);
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

}  // namespace dlc::onnx
