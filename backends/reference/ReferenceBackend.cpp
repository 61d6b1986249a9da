// The `reference` target: executes the graph IR directly with each op's
// reference implementation. It is the oracle for every other backend, so it is
// plain: nodes run in order, and a tensor is freed after its last use.
#include <unordered_map>

#include "dlc/ir/OpRegistry.h"
#include "dlc/plugin/PluginAPI.h"
#include "dlc/plugin/Registry.h"
#include "dlc/support/Error.h"

namespace dlc {
namespace {

// Checks a computed result against the type the IR states for it.
void checkResult(const Node& node, const Value& v, const Tensor& t) {
  const TensorType& want = v.type();
  DLC_CHECK(t.dtype() == want.dtype, node.describe(), ": produced dtype ", dtypeName(t.dtype()), " but the IR says ",
            want.str());
  if (!want.ranked) return;
  DLC_CHECK(t.rank() == want.rank(), node.describe(), ": produced rank ", t.rank(), " but the IR says ", want.str());
  for (size_t i = 0; i < want.shape.size(); ++i)
    DLC_CHECK(!want.shape[i].isStatic() || want.shape[i].value == t.extents()[i], node.describe(),
              ": produced ", t.type().str(), " but the IR says ", want.str());
}

class ReferenceExecutable : public Executable {
 public:
  explicit ReferenceExecutable(const Module& m) : module_(m.clone()), fn_(module_->main()) {
    // Last use of each value, to free intermediates early.
    std::vector<Node*> nodes = fn_.nodes();
    for (size_t i = 0; i < nodes.size(); ++i)
      for (Value* in : nodes[i]->inputs())
        if (in) lastUse_[in] = i;
    for (Value* o : fn_.outputs()) lastUse_[o] = nodes.size();
  }

  std::vector<std::string> inputNames() const override {
    std::vector<std::string> n;
    for (Value* a : fn_.arguments()) n.push_back(a->name());
    return n;
  }
  std::vector<TensorType> inputTypes() const override {
    std::vector<TensorType> t;
    for (Value* a : fn_.arguments()) t.push_back(a->type());
    return t;
  }
  std::vector<std::string> outputNames() const override {
    std::vector<std::string> n;
    for (Value* o : fn_.outputs()) n.push_back(o->name());
    return n;
  }

  std::vector<Tensor> run(const std::vector<Tensor>& inputs) override {
    checkInputs(inputNames(), inputTypes(), inputs);
    std::unordered_map<const Value*, Tensor> env;
    for (size_t i = 0; i < inputs.size(); ++i) env[fn_.arguments()[i]] = inputs[i];
    for (Value* c : fn_.constants()) env[c] = c->constant();
    std::vector<Node*> nodes = fn_.nodes();
    for (size_t i = 0; i < nodes.size(); ++i) {
      Node* n = nodes[i];
      std::vector<const Tensor*> ins;
      for (Value* in : n->inputs()) ins.push_back(in ? &env.at(in) : nullptr);
      std::vector<Tensor> outs = evaluateNode(*n, ins);
      for (size_t k = 0; k < n->numOutputs(); ++k) {
        checkResult(*n, *n->output(k), outs[k]);
        env[n->output(k)] = std::move(outs[k]);
      }
      for (Value* in : n->inputs())
        if (in && lastUse_[in] == i && in->kind() == Value::Kind::Result) env.erase(in);
    }
    std::vector<Tensor> result;
    for (Value* o : fn_.outputs()) result.push_back(env.at(o));
    return result;
  }

 private:
  std::unique_ptr<Module> module_;
  Function& fn_;
  std::unordered_map<const Value*, size_t> lastUse_;
};

void registerReference(Registry& r) {
  TargetInfo t;
  t.name = "reference";
  t.summary = "Executes the graph IR with the ops' reference implementations (the oracle)";
  t.properties = {{"kind", "interpreter"}};
  t.compile = [](const Module& m, const CompileOptions&) -> std::unique_ptr<Executable> {
    return std::make_unique<ReferenceExecutable>(m);
  };
  r.addTarget(std::move(t));
}

}  // namespace
}  // namespace dlc

DLC_DEFINE_PLUGIN("reference-backend", "0.1.0", dlc::registerReference)
