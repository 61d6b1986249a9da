// The graph IR: SSA values of TensorType, nodes naming an op from the op
// registry with typed attributes, functions (arguments, constants, nodes in
// topological order, outputs) and modules (a list of functions; the entry is
// "main").
//
// Ownership: a Function owns its Values and Nodes. Values are referenced by raw
// pointer; a node input of nullptr is an absent optional input. There are no use
// lists: passes that need them build a map (see `computeUses`).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "dlc/ir/Attribute.h"
#include "dlc/ir/Type.h"

namespace dlc {

class Node;
class Function;
struct OpDef;

class Value {
 public:
  enum class Kind : uint8_t { Argument, Constant, Result };

  const std::string& name() const { return name_; }
  void setName(std::string n) { name_ = std::move(n); }
  const TensorType& type() const { return type_; }
  void setType(TensorType t) { type_ = std::move(t); }
  Kind kind() const { return kind_; }
  bool isConstant() const { return kind_ == Kind::Constant; }
  // For Kind::Result: the producing node and which of its results this is.
  Node* producer() const { return producer_; }
  unsigned resultIndex() const { return resultIndex_; }
  // For Kind::Constant: the data (its type equals type()).
  const Tensor& constant() const { return constant_; }

 private:
  friend class Function;
  friend class Node;
  std::string name_;
  TensorType type_;
  Kind kind_ = Kind::Argument;
  Node* producer_ = nullptr;
  unsigned resultIndex_ = 0;
  Tensor constant_;
};

class Node {
 public:
  const std::string& op() const { return op_; }
  // The registered definition, or nullptr if the op is unknown to the registry.
  const OpDef* def() const { return def_; }
  const std::string& name() const { return name_; }  // optional label, e.g. ONNX node name
  void setName(std::string n) { name_ = std::move(n); }

  const std::vector<Value*>& inputs() const { return inputs_; }
  Value* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  size_t numInputs() const { return inputs_.size(); }
  void setInput(size_t i, Value* v) { inputs_.at(i) = v; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  Value* output(size_t i = 0) const { return outputs_.at(i); }
  size_t numOutputs() const { return outputs_.size(); }

  AttrMap& attrs() { return attrs_; }
  const AttrMap& attrs() const { return attrs_; }
  bool hasAttr(const std::string& k) const { return attrs_.count(k) != 0; }
  // Attribute value, or the op schema's default, or throws naming the node.
  const Attribute& attr(const std::string& k) const;
  int64_t attrInt(const std::string& k, int64_t dflt) const;
  double attrFloat(const std::string& k, double dflt) const;
  std::string attrString(const std::string& k, const std::string& dflt) const;
  std::vector<int64_t> attrInts(const std::string& k, std::vector<int64_t> dflt) const;

  Function* parent() const { return parent_; }
  // "Conv 'conv1' (%y)" — how errors name a node.
  std::string describe() const;

 private:
  friend class Function;
  std::string op_;
  const OpDef* def_ = nullptr;
  std::string name_;
  std::vector<Value*> inputs_;
  std::vector<Value*> outputs_;
  AttrMap attrs_;
  Function* parent_ = nullptr;
};

class Function {
 public:
  explicit Function(std::string name) : name_(std::move(name)) {}
  Function(const Function&) = delete;
  Function& operator=(const Function&) = delete;

  const std::string& name() const { return name_; }

  Value* addArgument(std::string name, TensorType type);
  Value* addConstant(std::string name, Tensor data);
  // Turns argument `arg` into a constant holding `data` (same value, same uses);
  // the caller checks that data matches the argument's type.
  void bindArgument(Value* arg, Tensor data);
  // Appends a node (callers keep topological order or call topoSort()). Output
  // names default to fresh unique names. The op is looked up in the registry;
  // unknown ops are allowed here and rejected by the verifier.
  Node* addNode(const std::string& op, std::vector<Value*> inputs, AttrMap attrs,
                std::vector<TensorType> outputTypes, std::vector<std::string> outputNames = {});

  const std::vector<Value*>& arguments() const { return args_; }
  const std::vector<Value*>& constants() const { return consts_; }
  std::vector<Node*> nodes() const;
  size_t numNodes() const { return nodes_.size(); }
  const std::vector<Value*>& outputs() const { return outputs_; }
  void setOutputs(std::vector<Value*> outs) { outputs_ = std::move(outs); }
  void setOutput(size_t i, Value* v) { outputs_.at(i) = v; }

  // Replaces every use of `from` (node inputs and function outputs) by `to`.
  void replaceAllUsesWith(Value* from, Value* to);
  // Removes nodes (their results must be unused) and then constants nobody uses.
  void eraseNode(Node* n);
  void eraseUnusedConstants();
  // Reorders nodes topologically (stable); throws naming a node on a cycle.
  void topoSort();

  Value* findValue(const std::string& name) const;
  // Renames a value of this function (throws if the new name is taken).
  void renameValue(Value* v, std::string newName);
  std::string uniqueName(const std::string& base);  // fresh value name
  // Every node input, grouped by value.
  std::unordered_map<const Value*, std::vector<Node*>> computeUses() const;

  // Deep copy into a new function (used by Module::clone).
  std::unique_ptr<Function> clone() const;

 private:
  Value* newValue(std::string name);
  std::string name_;
  std::vector<std::unique_ptr<Value>> values_;
  std::vector<Value*> args_;
  std::vector<Value*> consts_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Value*> outputs_;
  std::unordered_map<std::string, Value*> byName_;
  uint64_t nameCounter_ = 0;
};

class Module {
 public:
  Module() = default;
  explicit Module(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  void setName(std::string n) { name_ = std::move(n); }

  Function* addFunction(std::string name);
  Function* function(const std::string& name) const;  // nullptr if absent
  Function& main() const;                             // throws if absent
  const std::vector<std::unique_ptr<Function>>& functions() const { return funcs_; }

  // Free-form module metadata (producer, source file, opset...); printed.
  std::map<std::string, std::string>& metadata() { return meta_; }
  const std::map<std::string, std::string>& metadata() const { return meta_; }

  std::unique_ptr<Module> clone() const;

 private:
  std::string name_ = "module";
  std::vector<std::unique_ptr<Function>> funcs_;
  std::map<std::string, std::string> meta_;
};

}  // namespace dlc
