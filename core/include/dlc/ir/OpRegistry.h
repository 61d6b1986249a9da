// The op registry. Each op is defined once (core/ops/*.cpp) by an OpDef: arity,
// attribute schema, type/shape inference, a fusion pattern kind and a reference
// implementation. The reference implementation is the oracle used by the
// interpreter, constant folding and tests.
//
// Other files and plugins attach extra attributes to an existing op by key
// (`attach("Conv", "x86.max_groups", 64)`) without editing its definition.
#pragma once

#include <any>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dlc/ir/Attribute.h"
#include "dlc/ir/IR.h"

namespace dlc {

// How an op takes part in fusion (as in TVM's OpPatternKind).
enum class PatternKind : uint8_t {
  Elementwise,          // out[i] = f(in[i])
  Broadcast,            // elementwise with broadcasting
  Injective,            // each output element reads one input element (reshape, transpose)
  Reduction,            // reduces along axes
  ComplexOutFusable,    // conv, matmul: elementwise ops may fuse into the output
  Opaque,               // no fusion
};
std::string_view patternKindName(PatternKind k);

struct AttrSpec {
  std::string name;
  AttrKind kind;
  bool required = false;
  std::optional<Attribute> dflt;  // used when absent and not required
};

// Inputs to type inference. `constInputs[i]` is set when input i is a constant
// (or was folded to one), so ops like Reshape can infer exact shapes.
struct InferContext {
  const Node& node;
  std::vector<const TensorType*> inputs;     // nullptr: absent optional input
  std::vector<const Tensor*> constInputs;    // nullptr: not known
  std::vector<TensorType> outputs;           // filled by the infer function

  const TensorType& in(size_t i) const;      // throws if absent
  bool has(size_t i) const { return i < inputs.size() && inputs[i] != nullptr; }
  const Tensor* constant(size_t i) const { return i < constInputs.size() ? constInputs[i] : nullptr; }
};

// Inputs to a reference implementation: concrete tensors. Attributes are read via
// `node` (defaults from the schema apply).
struct RefContext {
  const Node& node;
  std::vector<const Tensor*> inputs;  // nullptr: absent optional input
  std::vector<Tensor> outputs;        // filled by the implementation

  const Tensor& in(size_t i) const;   // throws if absent
  bool has(size_t i) const { return i < inputs.size() && inputs[i] != nullptr; }
};

using InferFn = std::function<void(InferContext&)>;
using RefFn = std::function<void(RefContext&)>;

struct OpDef {
  std::string name;
  std::string summary;
  int minInputs = 0;
  int maxInputs = 0;   // -1: variadic
  int minOutputs = 1;
  int maxOutputs = 1;  // -1: variadic
  std::vector<AttrSpec> attrs;
  PatternKind pattern = PatternKind::Opaque;
  InferFn infer;
  RefFn ref;
  // Extra attributes attached by key (see OpRegistry::attach).
  std::map<std::string, std::any> extra;

  const AttrSpec* findAttr(const std::string& n) const;
};

class OpRegistry {
 public:
  // The process-wide registry, created with the standard ops registered.
  static OpRegistry& global();

  // Throws if an op of that name exists.
  void add(OpDef def);
  const OpDef* find(const std::string& name) const;  // nullptr if unknown
  const OpDef& get(const std::string& name) const;   // throws if unknown
  std::vector<std::string> names() const;            // sorted

  void attach(const std::string& op, const std::string& key, std::any value);
  // The attached value, or nullptr if none (or of another type).
  template <typename T>
  const T* attached(const std::string& op, const std::string& key) const {
    const OpDef* d = find(op);
    if (!d) return nullptr;
    auto it = d->extra.find(key);
    return it == d->extra.end() ? nullptr : std::any_cast<T>(&it->second);
  }

 private:
  std::map<std::string, std::unique_ptr<OpDef>> ops_;
};

// Runs `def.infer` for the node from its current input types and constant
// inputs, checks arity and attributes, and returns the output types.
std::vector<TensorType> inferNodeTypes(const Node& node);
// Runs the reference implementation; throws Unsupported for an op without one.
std::vector<Tensor> evaluateNode(const Node& node, const std::vector<const Tensor*>& inputs);

}  // namespace dlc
