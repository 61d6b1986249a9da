#include "OnnxImporter.h"

#include <onnx/onnx_pb.h>

#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include <boost/filesystem.hpp>

#include "OnnxTensor.h"
#include "Upgrades.h"
#include "dlc/ir/OpRegistry.h"
#include "dlc/ir/Verifier.h"
#include "dlc/support/Error.h"

namespace dlc::onnx {
namespace {

using ::onnx::AttributeProto;
using ::onnx::GraphProto;
using ::onnx::ModelProto;
using ::onnx::NodeProto;

std::string nodeLabel(const NodeProto& n) {
  std::string s = n.op_type();
  if (!n.name().empty()) s += " '" + n.name() + "'";
  else if (n.output_size() > 0) s += " (output '" + n.output(0) + "')";
  return s;
}

Attribute convertAttr(const AttributeProto& a, const std::string& where) {
  switch (a.type()) {
    case AttributeProto::INT: return Attribute(static_cast<int64_t>(a.i()));
    case AttributeProto::FLOAT: return Attribute(static_cast<double>(a.f()));
    case AttributeProto::STRING: return Attribute(a.s());
    case AttributeProto::INTS: return Attribute(std::vector<int64_t>(a.ints().begin(), a.ints().end()));
    case AttributeProto::FLOATS: {
      std::vector<double> v;
      for (float f : a.floats()) v.push_back(f);
      return Attribute(std::move(v));
    }
    case AttributeProto::STRINGS: return Attribute(std::vector<std::string>(a.strings().begin(), a.strings().end()));
    case AttributeProto::TENSOR: return Attribute(tensorFromProto(a.t(), ""));
    case AttributeProto::GRAPH:
    case AttributeProto::GRAPHS: unsupported(where, ": attribute '", a.name(), "' is a subgraph (control flow)");
    default: unsupported(where, ": attribute '", a.name(), "' has unsupported type ", static_cast<int>(a.type()));
  }
}

// A Constant node's value.
Tensor constantNodeValue(const NodeProto& n, const std::string& baseDir) {
  std::string where = nodeLabel(n);
  DLC_CHECK(n.attribute_size() == 1, where, ": Constant must have exactly one value attribute");
  const AttributeProto& a = n.attribute(0);
  const std::string& k = a.name();
  if (k == "value") return tensorFromProto(a.t(), baseDir);
  if (k == "value_float") return Tensor::fromVector<float>({}, {a.f()});
  if (k == "value_floats")
    return Tensor::fromVector<float>({a.floats_size()}, std::vector<float>(a.floats().begin(), a.floats().end()));
  if (k == "value_int") return Tensor::fromVector<int64_t>({}, {static_cast<int64_t>(a.i())});
  if (k == "value_ints")
    return Tensor::fromVector<int64_t>({a.ints_size()}, std::vector<int64_t>(a.ints().begin(), a.ints().end()));
  if (k == "sparse_value") unsupported(where, ": sparse constants are not supported");
  if (k == "value_string" || k == "value_strings") unsupported(where, ": string constants are not supported");
  fail(where, ": unknown Constant attribute '", k, "'");
}

// Orders node indices so that every value is produced before it is read.
// Errors name an undefined value or a node on a cycle.
std::vector<int> orderNodes(const GraphProto& g, const std::set<std::string>& available) {
  std::unordered_map<std::string, int> producer;
  for (int i = 0; i < g.node_size(); ++i)
    for (const std::string& o : g.node(i).output())
      if (!o.empty()) {
        DLC_CHECK(!producer.count(o) && !available.count(o), "value '", o, "' is produced twice (second time by ",
                  nodeLabel(g.node(i)), ")");
        producer[o] = i;
      }
  for (int i = 0; i < g.node_size(); ++i)
    for (const std::string& in : g.node(i).input())
      if (!in.empty() && !available.count(in) && !producer.count(in))
        fail(nodeLabel(g.node(i)), " reads undefined value '", in, "'");
  // Depth-first topological order, keeping the file order where it is valid.
  std::vector<int> state(static_cast<size_t>(g.node_size()), 0), order;
  for (int root = 0; root < g.node_size(); ++root) {
    if (state[static_cast<size_t>(root)]) continue;
    std::vector<std::pair<int, int>> stack{{root, 0}};
    state[static_cast<size_t>(root)] = 1;
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      const NodeProto& node = g.node(n);
      if (next < node.input_size()) {
        const std::string& in = node.input(next++);
        auto it = producer.find(in);
        if (in.empty() || available.count(in) || it == producer.end()) continue;
        int p = it->second;
        if (state[static_cast<size_t>(p)] == 1) fail("the graph has a cycle through ", nodeLabel(g.node(p)));
        if (state[static_cast<size_t>(p)] == 0) {
          state[static_cast<size_t>(p)] = 1;
          stack.push_back({p, 0});
        }
      } else {
        state[static_cast<size_t>(n)] = 2;
        order.push_back(n);
        stack.pop_back();
      }
    }
  }
  return order;
}

struct Unsupp {
  std::string op;
  int opset;
  std::string node;
  std::string reason;
};

class Importer {
 public:
  Importer(const ModelProto& m, std::string baseDir, std::string source, const FrontendOptions& opts)
      : model_(m), baseDir_(std::move(baseDir)), source_(std::move(source)), opts_(opts) {}

  std::unique_ptr<Module> run();

 private:
  void readOpsets();
  void importNode(const NodeProto& n);
  Value* lookup(const std::string& name) { return values_.at(name); }

  const ModelProto& model_;
  std::string baseDir_, source_;
  const FrontendOptions& opts_;
  int opset_ = 0;
  std::unique_ptr<Module> module_;
  Function* fn_ = nullptr;
  std::unordered_map<std::string, Value*> values_;
  std::vector<Unsupp> unsupported_;
};

void Importer::readOpsets() {
  for (const auto& os : model_.opset_import()) {
    if (os.domain().empty() || os.domain() == "ai.onnx") opset_ = static_cast<int>(os.version());
  }
  if (model_.ir_version() < 3) unsupported(source_, ": ONNX IR version ", model_.ir_version(), " is not supported (need >= 3)");
  if (opset_ == 0) {
    // A model of another domain only (ai.onnx.ml, ai.onnx.preview.training) is
    // valid ONNX that dlc does not handle; one importing nothing is malformed.
    std::string domains;
    for (const auto& os : model_.opset_import()) domains += (domains.empty() ? "'" : ", '") + os.domain() + "'";
    DLC_CHECK(!domains.empty(), source_, ": the model imports no opset");
    unsupported(source_, ": the model imports no ai.onnx opset, only domain ", domains);
  }
  if (opset_ < kMinOpset || opset_ > kMaxOpset)
    unsupported(source_, ": ai.onnx opset ", opset_, " is not supported (dlc handles ", kMinOpset, " to ", kMaxOpset, ")");
}

void Importer::importNode(const NodeProto& n) {
  std::string where = nodeLabel(n);
  if (!n.domain().empty() && n.domain() != "ai.onnx") {
    unsupported_.push_back({n.domain() + "." + n.op_type(), 0, n.name(), "domain '" + n.domain() + "'"});
    return;
  }
  // Outputs: keep positions up to the last named one.
  int numOut = n.output_size();
  while (numOut > 0 && n.output(numOut - 1).empty()) --numOut;

  if (n.op_type() == "Constant") {
    Tensor t;
    try {
      t = constantNodeValue(n, baseDir_);
    } catch (const Unsupported& e) {
      unsupported_.push_back({n.op_type(), opset_, n.name(), e.what()});
      return;
    }
    DLC_CHECK(numOut == 1, where, ": Constant must have one output");
    values_[n.output(0)] = fn_->addConstant(n.output(0), std::move(t));
    return;
  }

  UpgradeContext ctx{n.op_type(), opset_, {}, {}, *fn_, n.name()};
  bool skip = false;
  for (const std::string& in : n.input()) {
    if (in.empty()) {
      ctx.inputs.push_back(nullptr);
      continue;
    }
    auto it = values_.find(in);
    if (it == values_.end() || !it->second) {
      skip = true;  // produced by an unsupported node
      break;
    }
    ctx.inputs.push_back(it->second);
  }
  try {
    for (const auto& a : n.attribute()) {
      DLC_CHECK(!a.name().empty(), where, ": attribute without a name");
      ctx.attrs[a.name()] = convertAttr(a, where);
    }
  } catch (const Unsupported& e) {
    unsupported_.push_back({n.op_type(), opset_, n.name(), e.what()});
    skip = true;
  }
  auto markOutputsUnknown = [&] {
    for (int i = 0; i < numOut; ++i)
      if (!n.output(i).empty()) values_[n.output(i)] = nullptr;
  };
  if (skip) {
    // Still report this node's op if it is unknown too, so one error lists all.
    if (!OpRegistry::global().find(ctx.op) && !upgradeTable().count(ctx.op))
      unsupported_.push_back({n.op_type(), opset_, n.name(), "op not supported"});
    markOutputsUnknown();
    return;
  }
  auto up = upgradeTable().find(ctx.op);
  if (up != upgradeTable().end()) {
    for (const Upgrade& u : up->second)
      if (opset_ < u.belowOpset) u.apply(ctx);
  }
  while (!ctx.inputs.empty() && ctx.inputs.back() == nullptr) ctx.inputs.pop_back();
  if (!OpRegistry::global().find(ctx.op)) {
    unsupported_.push_back({n.op_type(), opset_, n.name(), "op not supported"});
    markOutputsUnknown();
    return;
  }
  std::vector<std::string> names;
  for (int i = 0; i < numOut; ++i)
    names.push_back(n.output(i).empty() ? fn_->uniqueName("unused") : n.output(i));
  Node* node = fn_->addNode(ctx.op, ctx.inputs, ctx.attrs,
                            std::vector<TensorType>(static_cast<size_t>(numOut)), names);
  node->setName(n.name());
  try {
    std::vector<TensorType> types = inferNodeTypes(*node);
    for (int i = 0; i < numOut; ++i) node->output(static_cast<size_t>(i))->setType(types[static_cast<size_t>(i)]);
  } catch (const Unsupported& e) {
    unsupported_.push_back({n.op_type(), opset_, n.name(), e.what()});
    for (int i = 0; i < numOut; ++i) node->output(static_cast<size_t>(i))->setType(TensorType::unranked(DType::Float32));
    markOutputsUnknown();
    return;
  } catch (const Error& e) {
    fail(source_, ": ", e.what());
  }
  for (int i = 0; i < numOut; ++i) values_[names[static_cast<size_t>(i)]] = node->output(static_cast<size_t>(i));
}

std::unique_ptr<Module> Importer::run() {
  readOpsets();
  const GraphProto& g = model_.graph();
  module_ = std::make_unique<Module>(g.name().empty() ? "model" : g.name());
  module_->metadata()["source"] = "onnx";
  module_->metadata()["opset"] = std::to_string(opset_);
  module_->metadata()["ir_version"] = std::to_string(model_.ir_version());
  if (!model_.producer_name().empty()) module_->metadata()["producer"] = model_.producer_name();
  fn_ = module_->addFunction("main");

  if (g.sparse_initializer_size() > 0) unsupported(source_, ": sparse initializers are not supported");
  std::set<std::string> available;
  for (const auto& init : g.initializer()) {
    DLC_CHECK(!init.name().empty(), source_, ": an initializer has no name");
    DLC_CHECK(!values_.count(init.name()), source_, ": initializer '", init.name(), "' is defined twice");
    values_[init.name()] = fn_->addConstant(init.name(), tensorFromProto(init, baseDir_));
    available.insert(init.name());
  }
  std::set<std::string> shapedInputs;
  for (const auto& in : g.input()) {
    if (values_.count(in.name())) continue;  // an initializer: a constant for inference
    TensorType t = typeFromProto(in.type(), "input '" + in.name() + "'");
    auto fixed = opts_.inputShapes.find(in.name());
    if (fixed != opts_.inputShapes.end()) {
      DLC_CHECK(!t.ranked || t.rank() == static_cast<int64_t>(fixed->second.size()), "--input-shapes: input '",
                in.name(), "' has rank ", t.rank(), ", got ", fixed->second.size(), " dims");
      for (size_t i = 0; i < fixed->second.size() && t.ranked; ++i)
        DLC_CHECK(!t.shape[i].isStatic() || t.shape[i].value == fixed->second[i], "--input-shapes: input '",
                  in.name(), "' dim ", i, " is ", t.shape[i].value, " in the model, got ", fixed->second[i]);
      t = TensorType::fromExtents(t.dtype, fixed->second);
      shapedInputs.insert(in.name());
    }
    values_[in.name()] = fn_->addArgument(in.name(), t);
    available.insert(in.name());
  }
  for (const auto& [name, ext] : opts_.inputShapes)
    DLC_CHECK(shapedInputs.count(name), "--input-shapes: the model has no input '", name, "'");

  for (int idx : orderNodes(g, available)) importNode(g.node(idx));

  if (!unsupported_.empty()) {
    std::ostringstream os;
    os << source_ << ": " << unsupported_.size() << " unsupported node" << (unsupported_.size() > 1 ? "s" : "") << ":";
    for (const Unsupp& u : unsupported_) {
      os << " [" << u.op;
      if (u.opset) os << " (opset " << u.opset << ")";
      if (!u.node.empty()) os << " node '" << u.node << "'";
      if (u.reason != "op not supported") os << ": " << u.reason;
      os << "]";
    }
    throw Unsupported(os.str());
  }

  std::vector<Value*> outs;
  for (const auto& o : g.output()) {
    auto it = values_.find(o.name());
    DLC_CHECK(it != values_.end() && it->second, source_, ": graph output '", o.name(), "' is never produced");
    if (o.has_type()) {
      TensorType declared = typeFromProto(o.type(), "output '" + o.name() + "'");
      Value* v = it->second;
      TensorType t = v->type();
      // Prefer declared static dims where inference left a dim unknown.
      if (t.ranked && declared.ranked && t.rank() == declared.rank() && v->kind() == Value::Kind::Result) {
        for (size_t i = 0; i < t.shape.size(); ++i)
          if (!t.shape[i].isStatic() && declared.shape[i].isStatic()) t.shape[i] = declared.shape[i];
        v->setType(t);
      }
    }
    outs.push_back(it->second);
  }
  DLC_CHECK(!outs.empty(), source_, ": the graph has no outputs");
  fn_->setOutputs(outs);
  verifyModule(*module_);
  return std::move(module_);
}

}  // namespace

std::unique_ptr<Module> importOnnxBytes(const std::string& bytes, const std::string& baseDir,
                                        const std::string& source, const FrontendOptions& opts) {
  ModelProto model;
  DLC_CHECK(bytes.size() < (size_t{2} << 30), source, ": file too large for a protobuf model (2 GiB limit)");
  if (!model.ParseFromString(bytes)) fail(source, ": not a valid ONNX model (protobuf parse failed; truncated or corrupt?)");
  DLC_CHECK(model.has_graph(), source, ": not a valid ONNX model (no graph)");
  return Importer(model, baseDir, source, opts).run();
}

std::unique_ptr<Module> importOnnxFile(const std::string& path, const FrontendOptions& opts) {
  std::ifstream in(path, std::ios::binary);
  DLC_CHECK(in, path, ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string dir = boost::filesystem::absolute(path).parent_path().string();
  return importOnnxBytes(ss.str(), dir, path, opts);
}

}  // namespace dlc::onnx
