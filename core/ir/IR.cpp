#include "dlc/ir/IR.h"

#include <algorithm>
#include <unordered_set>

#include "dlc/ir/OpRegistry.h"
#include "dlc/support/Error.h"

namespace dlc {

// ---- Node -----------------------------------------------------------------

const Attribute& Node::attr(const std::string& k) const {
  auto it = attrs_.find(k);
  if (it != attrs_.end()) return it->second;
  if (def_) {
    if (const AttrSpec* spec = def_->findAttr(k); spec && spec->dflt) return *spec->dflt;
  }
  fail(describe(), ": missing attribute '", k, "'");
}

int64_t Node::attrInt(const std::string& k, int64_t dflt) const {
  auto it = attrs_.find(k);
  return it == attrs_.end() ? dflt : it->second.i();
}
double Node::attrFloat(const std::string& k, double dflt) const {
  auto it = attrs_.find(k);
  return it == attrs_.end() ? dflt : it->second.f();
}
std::string Node::attrString(const std::string& k, const std::string& dflt) const {
  auto it = attrs_.find(k);
  return it == attrs_.end() ? dflt : it->second.s();
}
std::vector<int64_t> Node::attrInts(const std::string& k, std::vector<int64_t> dflt) const {
  auto it = attrs_.find(k);
  return it == attrs_.end() ? dflt : it->second.ints();
}

std::string Node::describe() const {
  std::string s = op_;
  if (!name_.empty()) s += " '" + name_ + "'";
  if (!outputs_.empty() && outputs_[0]) s += " (%" + outputs_[0]->name() + ")";
  return s;
}

// ---- Function -------------------------------------------------------------

Value* Function::newValue(std::string name) {
  if (name.empty()) name = uniqueName("v");
  DLC_CHECK(!byName_.count(name), "function @", name_, ": value name %", name, " defined twice");
  auto v = std::make_unique<Value>();
  v->name_ = std::move(name);
  Value* raw = v.get();
  byName_[raw->name_] = raw;
  values_.push_back(std::move(v));
  return raw;
}

Value* Function::addArgument(std::string name, TensorType type) {
  Value* v = newValue(std::move(name));
  v->kind_ = Value::Kind::Argument;
  v->type_ = std::move(type);
  args_.push_back(v);
  return v;
}

void Function::bindArgument(Value* arg, Tensor data) {
  auto it = std::find(args_.begin(), args_.end(), arg);
  DLC_CHECK(it != args_.end(), "bindArgument: %", arg->name(), " is not an argument of @", name_);
  args_.erase(it);
  arg->kind_ = Value::Kind::Constant;
  arg->type_ = data.type();
  arg->constant_ = std::move(data);
  consts_.push_back(arg);
}

Value* Function::addConstant(std::string name, Tensor data) {
  Value* v = newValue(std::move(name));
  v->kind_ = Value::Kind::Constant;
  v->type_ = data.type();
  v->constant_ = std::move(data);
  consts_.push_back(v);
  return v;
}

Node* Function::addNode(const std::string& op, std::vector<Value*> inputs, AttrMap attrs,
                        std::vector<TensorType> outputTypes, std::vector<std::string> outputNames) {
  auto n = std::make_unique<Node>();
  n->op_ = op;
  n->def_ = OpRegistry::global().find(op);
  n->inputs_ = std::move(inputs);
  n->attrs_ = std::move(attrs);
  n->parent_ = this;
  for (size_t i = 0; i < outputTypes.size(); ++i) {
    std::string nm = i < outputNames.size() ? outputNames[i] : std::string();
    Value* v = newValue(std::move(nm));
    v->kind_ = Value::Kind::Result;
    v->type_ = std::move(outputTypes[i]);
    v->producer_ = n.get();
    v->resultIndex_ = static_cast<unsigned>(i);
    n->outputs_.push_back(v);
  }
  Node* raw = n.get();
  nodes_.push_back(std::move(n));
  return raw;
}

std::vector<Node*> Function::nodes() const {
  std::vector<Node*> out;
  out.reserve(nodes_.size());
  for (const auto& n : nodes_) out.push_back(n.get());
  return out;
}

void Function::replaceAllUsesWith(Value* from, Value* to) {
  for (auto& n : nodes_)
    for (Value*& in : n->inputs_)
      if (in == from) in = to;
  for (Value*& o : outputs_)
    if (o == from) o = to;
}

void Function::eraseNode(Node* node) {
  auto it = std::find_if(nodes_.begin(), nodes_.end(), [&](const auto& p) { return p.get() == node; });
  DLC_CHECK(it != nodes_.end(), "eraseNode: node not in function @", name_);
  std::unordered_set<const Value*> outs(node->outputs_.begin(), node->outputs_.end());
  for (const auto& n : nodes_)
    for (Value* in : n->inputs_)
      DLC_CHECK(!outs.count(in) || n.get() == node, "eraseNode: a result of ", node->describe(),
                " is still used by ", n->describe());
  for (Value* o : outputs_)
    DLC_CHECK(!outs.count(o), "eraseNode: a result of ", node->describe(), " is a function output");
  nodes_.erase(it);
  // Drop the results from the value arena.
  for (const Value* o : outs) byName_.erase(o->name());
  values_.erase(std::remove_if(values_.begin(), values_.end(),
                               [&](const auto& v) { return outs.count(v.get()) != 0; }),
                values_.end());
}

void Function::eraseUnusedConstants() {
  std::unordered_set<const Value*> used(outputs_.begin(), outputs_.end());
  for (const auto& n : nodes_) used.insert(n->inputs_.begin(), n->inputs_.end());
  std::unordered_set<const Value*> dead;
  for (Value* c : consts_)
    if (!used.count(c)) dead.insert(c);
  if (dead.empty()) return;
  consts_.erase(std::remove_if(consts_.begin(), consts_.end(), [&](Value* c) { return dead.count(c) != 0; }),
                consts_.end());
  for (const Value* c : dead) byName_.erase(c->name());
  values_.erase(std::remove_if(values_.begin(), values_.end(),
                               [&](const auto& v) { return dead.count(v.get()) != 0; }),
                values_.end());
}

void Function::topoSort() {
  // Kahn's algorithm, picking ready nodes in their current order (stable).
  std::unordered_map<const Node*, size_t> pending;
  std::unordered_map<const Value*, std::vector<Node*>> users;
  for (const auto& n : nodes_) {
    size_t count = 0;
    for (Value* in : n->inputs_) {
      if (in && in->producer_ && in->producer_->parent_ == this) {
        ++count;
        users[in].push_back(n.get());
      }
    }
    pending[n.get()] = count;
  }
  std::vector<std::unique_ptr<Node>> sorted;
  sorted.reserve(nodes_.size());
  std::unordered_map<const Node*, size_t> index;
  for (size_t i = 0; i < nodes_.size(); ++i) index[nodes_[i].get()] = i;
  // Ready set ordered by original position.
  std::vector<size_t> ready;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (pending[nodes_[i].get()] == 0) ready.push_back(i);
  std::make_heap(ready.begin(), ready.end(), std::greater<>());
  std::vector<bool> taken(nodes_.size(), false);
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), std::greater<>());
    size_t i = ready.back();
    ready.pop_back();
    taken[i] = true;
    Node* n = nodes_[i].get();
    for (Value* o : n->outputs_) {
      for (Node* u : users[o]) {
        if (--pending[u] == 0) {
          ready.push_back(index[u]);
          std::push_heap(ready.begin(), ready.end(), std::greater<>());
        }
      }
    }
    sorted.push_back(std::move(nodes_[i]));
  }
  if (sorted.size() != nodes_.size()) {
    for (size_t i = 0; i < nodes_.size(); ++i)
      if (!taken[i]) fail("function @", name_, ": cycle through node ", nodes_[i]->describe());
  }
  nodes_ = std::move(sorted);
}

Value* Function::findValue(const std::string& name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : it->second;
}

void Function::renameValue(Value* v, std::string newName) {
  if (v->name_ == newName) return;
  DLC_CHECK(!byName_.count(newName), "function @", name_, ": value name %", newName, " defined twice");
  byName_.erase(v->name_);
  v->name_ = std::move(newName);
  byName_[v->name_] = v;
}

std::string Function::uniqueName(const std::string& base) {
  for (;;) {
    std::string n = base + std::to_string(nameCounter_++);
    if (!byName_.count(n)) return n;
  }
}

std::unordered_map<const Value*, std::vector<Node*>> Function::computeUses() const {
  std::unordered_map<const Value*, std::vector<Node*>> uses;
  for (const auto& n : nodes_)
    for (Value* in : n->inputs_)
      if (in) uses[in].push_back(n.get());
  return uses;
}

std::unique_ptr<Function> Function::clone() const {
  auto f = std::make_unique<Function>(name_);
  std::unordered_map<const Value*, Value*> map;
  for (Value* a : args_) map[a] = f->addArgument(a->name(), a->type());
  for (Value* c : consts_) map[c] = f->addConstant(c->name(), c->constant());
  for (const auto& n : nodes_) {
    std::vector<Value*> ins;
    for (Value* in : n->inputs_) ins.push_back(in ? map.at(in) : nullptr);
    std::vector<TensorType> types;
    std::vector<std::string> names;
    for (Value* o : n->outputs_) {
      types.push_back(o->type());
      names.push_back(o->name());
    }
    Node* m = f->addNode(n->op_, std::move(ins), n->attrs_, std::move(types), std::move(names));
    m->name_ = n->name_;
    for (size_t i = 0; i < n->outputs_.size(); ++i) map[n->outputs_[i]] = m->outputs_[i];
  }
  for (Value* o : outputs_) f->outputs_.push_back(map.at(o));
  f->nameCounter_ = nameCounter_;
  return f;
}

// ---- Module ---------------------------------------------------------------

Function* Module::addFunction(std::string name) {
  DLC_CHECK(!function(name), "module: function @", name, " defined twice");
  funcs_.push_back(std::make_unique<Function>(std::move(name)));
  return funcs_.back().get();
}

Function* Module::function(const std::string& name) const {
  for (const auto& f : funcs_)
    if (f->name() == name) return f.get();
  return nullptr;
}

Function& Module::main() const {
  Function* f = function("main");
  DLC_CHECK(f, "module has no function @main");
  return *f;
}

std::unique_ptr<Module> Module::clone() const {
  auto m = std::make_unique<Module>(name_);
  m->meta_ = meta_;
  for (const auto& f : funcs_) m->funcs_.push_back(f->clone());
  return m;
}

}  // namespace dlc
