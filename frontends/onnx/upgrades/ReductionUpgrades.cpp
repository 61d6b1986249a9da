// Opset upgrades for the Reduction ops (see Upgrades.h).
#include "Upgrades.h"

namespace dlc::onnx {
namespace {

// The `axes` attribute of older Reduce* opsets becomes input 1.
void axesToInput(UpgradeContext& c) {
  if (auto a = c.take("axes")) {
    c.padInputs(2);
    c.inputs[1] = c.constantInts(a->ints());
  }
}

}  // namespace

void addReductionUpgrades(UpgradeTable& t) {
  t["ReduceSum"].push_back({13, axesToInput});
  for (const char* op : {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum",
                         "ReduceLogSumExp", "ReduceSumSquare"})
    t[op].push_back({18, axesToInput});
  // TopK before opset 10 takes k as an attribute; it became input 1.
  t["TopK"].push_back({10, [](UpgradeContext& c) {
                         if (auto k = c.take("k")) {
                           c.padInputs(2);
                           c.inputs[1] = c.constantInts({k->i()});
                         }
                       }});
}

}  // namespace dlc::onnx
