// Argument binding and the table of shape operands (see Bind.h).
#include "dlc/ir/Bind.h"

#include <algorithm>
#include <set>

#include "dlc/ir/Verifier.h"
#include "dlc/support/Error.h"
#include "dlc/target/Target.h"

namespace dlc {

namespace {

// Op -> the input indices that act as attributes. One row per op.
const std::map<std::string, std::set<size_t>>& shapeOperandTable() {
  static const std::map<std::string, std::set<size_t>> t = {
      {"AffineGrid", {1}},        {"BlackmanWindow", {0}},     {"CenterCropPad", {1}},
      {"Col2Im", {1, 2}},         {"ConstantOfShape", {0}},    {"CumSum", {1}},
      {"DFT", {1, 2}},            {"Dropout", {1, 2}},         {"Expand", {1}},
      {"HammingWindow", {0}},     {"HannWindow", {0}},         {"MaxUnpool", {2}},
      {"MelWeightMatrix", {0, 1, 2, 3, 4}},                    {"OneHot", {1}},
      {"Pad", {1, 3}},            {"Range", {0, 1, 2}},        {"ReduceL1", {1}},
      {"ReduceL2", {1}},          {"ReduceLogSum", {1}},       {"ReduceLogSumExp", {1}},
      {"ReduceMax", {1}},         {"ReduceMean", {1}},         {"ReduceMin", {1}},
      {"ReduceProd", {1}},        {"ReduceSum", {1}},          {"ReduceSumSquare", {1}},
      {"Reshape", {1}},           {"Resize", {1, 2, 3}},       {"Slice", {1, 2, 3, 4}},
      {"Split", {1}},             {"Squeeze", {1}},            {"STFT", {1, 3}},
      {"Tile", {1}},              {"TopK", {1}},               {"Trilu", {1}},
      {"Unsqueeze", {1}},         {"Upsample", {1}},
  };
  return t;
}

}  // namespace

bool isShapeOperand(const std::string& op, size_t index) {
  auto it = shapeOperandTable().find(op);
  return it != shapeOperandTable().end() && it->second.count(index) != 0;
}

std::vector<std::string> shapeOperandArguments(const Function& f) {
  // Walk back from each shape operand through the nodes computing it (a shape
  // computed from an input, as in expanded function bodies), but not through
  // Shape and Size: they read only their input's type.
  std::set<const Value*> used, seen;
  std::vector<const Value*> work;
  for (const Node* n : f.nodes())
    for (size_t i = 0; i < n->numInputs(); ++i)
      if (n->input(i) && isShapeOperand(n->op(), i)) work.push_back(n->input(i));
  while (!work.empty()) {
    const Value* v = work.back();
    work.pop_back();
    if (!seen.insert(v).second) continue;
    if (v->kind() == Value::Kind::Argument) used.insert(v);
    const Node* p = v->producer();
    if (!p || p->op() == "Shape" || p->op() == "Size") continue;
    for (const Value* in : p->inputs())
      if (in) work.push_back(in);
  }
  std::vector<std::string> out;
  for (const Value* a : f.arguments())
    if (used.count(a)) out.push_back(a->name());
  return out;
}

void bindArguments(Function& f, const std::map<std::string, Tensor>& values) {
  for (const auto& [name, t] : values) {
    auto args = f.arguments();
    auto it = std::find_if(args.begin(), args.end(), [&](const Value* a) { return a->name() == name; });
    if (it == args.end()) throw Error("cannot bind '" + name + "': @" + f.name() + " has no input of that name");
    checkInputs({name}, {(*it)->type()}, {t});  // dtype and dims, naming the input
    f.bindArgument(*it, t);
  }
  inferTypes(f);
}

}  // namespace dlc
