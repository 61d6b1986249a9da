// The verifier: structural invariants of functions and modules, and type
// re-inference. Tests: tests/ir/VerifierTest.cpp.
#include "dlc/ir/Verifier.h"

#include <unordered_map>
#include <unordered_set>

#include "dlc/ir/OpRegistry.h"
#include "dlc/support/Error.h"

namespace dlc {
namespace {

// Dims agree unless both are static and differ; symbolic/unknown dims agree
// with anything.
bool typesCompatible(const TensorType& declared, const TensorType& inferred) {
  if (declared.dtype != inferred.dtype && inferred.dtype != DType::Undefined) return false;
  if (!declared.ranked || !inferred.ranked) return true;
  if (declared.rank() != inferred.rank()) return false;
  for (size_t i = 0; i < declared.shape.size(); ++i) {
    const Dim& a = declared.shape[i];
    const Dim& b = inferred.shape[i];
    if (a.isStatic() && b.isStatic() && a.value != b.value) return false;
  }
  return true;
}

// Runs `fn`, prefixing any dlc error with the function's name (keeping its type).
template <typename F>
auto inFunction(const Function& f, F&& fn) {
  try {
    return fn();
  } catch (const Unsupported& e) {
    throw Unsupported(concat("function @", f.name(), ": ", e.what()));
  } catch (const Error& e) {
    throw Error(concat("function @", f.name(), ": ", e.what()));
  }
}

}  // namespace

void verifyFunction(const Function& f) {
  auto where = [&](const auto&... args) { fail("function @", f.name(), ": ", args...); };

  // Every value of the function, and unique names among them.
  std::unordered_set<const Value*> all;
  std::unordered_map<std::string, const Value*> names;
  auto addValue = [&](const Value* v) {
    all.insert(v);
    auto [it, fresh] = names.emplace(v->name(), v);
    if (!fresh) where("value name %", v->name(), " is used twice");
  };
  for (const Value* a : f.arguments()) {
    if (!a) where("null argument");
    if (a->kind() != Value::Kind::Argument) where("argument %", a->name(), " is not an argument value");
    addValue(a);
  }
  for (const Value* c : f.constants()) {
    if (!c) where("null constant");
    if (!c->isConstant()) where("constant %", c->name(), " is not a constant value");
    if (!c->constant().defined()) where("constant %", c->name(), " has no data");
    if (c->type() != c->constant().type())
      where("constant %", c->name(), " has type ", c->type().str(), " but its data is ",
            c->constant().type().str());
    addValue(c);
  }
  std::vector<Node*> nodes = f.nodes();
  for (const Node* n : nodes) {
    if (n->parent() != &f) where(n->describe(), ": node belongs to another function");
    for (size_t i = 0; i < n->numOutputs(); ++i) {
      const Value* o = n->output(i);
      if (!o || o->producer() != n || o->resultIndex() != i)
        where(n->describe(), ": result ", i, " does not name this node as its producer");
      addValue(o);
    }
  }

  // Defined before use, known ops, arity and attributes, result types.
  std::unordered_set<const Value*> defined(f.arguments().begin(), f.arguments().end());
  defined.insert(f.constants().begin(), f.constants().end());
  for (const Node* n : nodes) {
    if (!n->def() && !OpRegistry::global().find(n->op())) where(n->describe(), ": unknown op '", n->op(), "'");
    for (size_t i = 0; i < n->numInputs(); ++i) {
      const Value* in = n->input(i);
      if (!in) continue;  // an absent optional input; inference checks required ones
      if (!all.count(in))
        where(n->describe(), ": input ", i, " (%", in->name(), ") is not a value of this function");
      if (!defined.count(in)) where(n->describe(), ": input ", i, " (%", in->name(), ") is used before it is defined");
    }
    std::vector<TensorType> inferred = inFunction(f, [&] { return inferNodeTypes(*n); });
    for (size_t i = 0; i < n->numOutputs(); ++i) {
      const TensorType& declared = n->output(i)->type();
      if (!typesCompatible(declared, inferred[i]))
        where(n->describe(), ": result ", i, " (%", n->output(i)->name(), ") has type ", declared.str(),
              " but inference gives ", inferred[i].str());
    }
    defined.insert(n->outputs().begin(), n->outputs().end());
  }

  for (size_t i = 0; i < f.outputs().size(); ++i) {
    const Value* o = f.outputs()[i];
    if (!o) where("output ", i, " is missing");
    if (!all.count(o)) where("output ", i, " (%", o->name(), ") is not a value of this function");
  }
}

void verifyModule(const Module& m) {
  std::unordered_set<std::string> seen;
  for (const auto& f : m.functions()) {
    if (!seen.insert(f->name()).second) fail("module @", m.name(), ": function @", f->name(), " defined twice");
    verifyFunction(*f);
  }
}

void inferTypes(Function& f) {
  for (Node* n : f.nodes()) {
    std::vector<TensorType> types = inFunction(f, [&] { return inferNodeTypes(*n); });
    for (size_t i = 0; i < n->numOutputs(); ++i) n->output(i)->setType(std::move(types[i]));
  }
}

void inferTypes(Module& m) {
  for (const auto& f : m.functions()) inferTypes(*f);
}

}  // namespace dlc
