#include "dlc/ir/OpRegistry.h"

#include "ops/StandardOps.h"

namespace dlc {

std::string_view patternKindName(PatternKind k) {
  switch (k) {
    case PatternKind::Elementwise: return "elementwise";
    case PatternKind::Broadcast: return "broadcast";
    case PatternKind::Injective: return "injective";
    case PatternKind::Reduction: return "reduction";
    case PatternKind::ComplexOutFusable: return "complex-out-fusable";
    case PatternKind::Opaque: return "opaque";
  }
  return "?";
}

const AttrSpec* OpDef::findAttr(const std::string& n) const {
  for (const AttrSpec& a : attrs)
    if (a.name == n) return &a;
  return nullptr;
}

const TensorType& InferContext::in(size_t i) const {
  DLC_CHECK(has(i), node.describe(), ": input ", i, " is required");
  return *inputs[i];
}

const Tensor& RefContext::in(size_t i) const {
  DLC_CHECK(has(i), node.describe(), ": input ", i, " is required");
  return *inputs[i];
}

OpRegistry& OpRegistry::global() {
  static OpRegistry* reg = [] {
    auto* r = new OpRegistry();
    registerStandardOps(*r);
    return r;
  }();
  return *reg;
}

void OpRegistry::add(OpDef def) {
  DLC_CHECK(!def.name.empty(), "op definition without a name");
  DLC_CHECK(!ops_.count(def.name), "op '", def.name, "' is defined twice");
  std::string name = def.name;
  ops_[name] = std::make_unique<OpDef>(std::move(def));
}

const OpDef* OpRegistry::find(const std::string& name) const {
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : it->second.get();
}

const OpDef& OpRegistry::get(const std::string& name) const {
  const OpDef* d = find(name);
  DLC_CHECK(d, "unknown op '", name, "'");
  return *d;
}

std::vector<std::string> OpRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, d] : ops_) out.push_back(n);
  return out;
}

void OpRegistry::attach(const std::string& op, const std::string& key, std::any value) {
  auto it = ops_.find(op);
  DLC_CHECK(it != ops_.end(), "cannot attach '", key, "' to unknown op '", op, "'");
  it->second->extra[key] = std::move(value);
}

namespace {
const OpDef& checkedDef(const Node& node) {
  const OpDef* def = node.def() ? node.def() : OpRegistry::global().find(node.op());
  if (!def) unsupported("unknown op '", node.op(), "' at ", node.describe());
  auto n = static_cast<int>(node.numInputs());
  DLC_CHECK(n >= def->minInputs && (def->maxInputs < 0 || n <= def->maxInputs), node.describe(),
            ": takes ", def->minInputs, (def->maxInputs == def->minInputs ? "" : " or more"),
            def->maxInputs > def->minInputs ? concat(" to ", def->maxInputs) : std::string(),
            " inputs, got ", n);
  for (int i = 0; i < def->minInputs && i < n; ++i)
    DLC_CHECK(node.input(i) != nullptr, node.describe(), ": input ", i, " is required");
  auto m = static_cast<int>(node.numOutputs());
  DLC_CHECK(m >= def->minOutputs && (def->maxOutputs < 0 || m <= def->maxOutputs), node.describe(),
            ": has ", m, " results, op allows ", def->minOutputs, "..",
            def->maxOutputs < 0 ? std::string("n") : std::to_string(def->maxOutputs));
  for (const auto& [k, a] : node.attrs()) {
    // A dotted name (`fuse.group`) is a discardable annotation set by a pass:
    // not part of the op's schema, ignored by its reference implementation.
    if (k.find('.') != std::string::npos) continue;
    const AttrSpec* spec = def->findAttr(k);
    DLC_CHECK(spec, node.describe(), ": unknown attribute '", k, "'");
    bool ok = a.kind() == spec->kind || (spec->kind == AttrKind::Float && a.kind() == AttrKind::Int);
    DLC_CHECK(ok, node.describe(), ": attribute '", k, "' must be ", attrKindName(spec->kind), ", got ",
              attrKindName(a.kind()));
  }
  for (const AttrSpec& spec : def->attrs)
    DLC_CHECK(!spec.required || node.hasAttr(spec.name), node.describe(), ": missing required attribute '",
              spec.name, "'");
  return *def;
}
}  // namespace

std::vector<TensorType> inferNodeTypes(const Node& node) {
  const OpDef& def = checkedDef(node);
  DLC_CHECK(def.infer, "op '", def.name, "' has no type inference");
  InferContext ctx{node, {}, {}, {}};
  for (Value* in : node.inputs()) {
    ctx.inputs.push_back(in ? &in->type() : nullptr);
    ctx.constInputs.push_back(in && in->isConstant() ? &in->constant() : nullptr);
  }
  def.infer(ctx);
  DLC_CHECK(ctx.outputs.size() >= node.numOutputs(), node.describe(), ": inference produced ",
            ctx.outputs.size(), " types for ", node.numOutputs(), " results");
  ctx.outputs.resize(node.numOutputs());
  return ctx.outputs;
}

std::vector<Tensor> evaluateNode(const Node& node, const std::vector<const Tensor*>& inputs) {
  const OpDef& def = checkedDef(node);
  if (!def.ref) unsupported("op '", def.name, "' has no reference implementation");
  RefContext ctx{node, inputs, {}};
  def.ref(ctx);
  DLC_CHECK(ctx.outputs.size() >= node.numOutputs(), node.describe(), ": reference produced ",
            ctx.outputs.size(), " results, expected ", node.numOutputs());
  ctx.outputs.resize(node.numOutputs());
  return std::move(ctx.outputs);
}

}  // namespace dlc
