// Helpers for IR tests: structural comparison of modules and file reading.
#pragma once

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "dlc/ir/IR.h"

namespace dlc::test {

// "" when the modules are structurally identical (names, types, attributes,
// constants bit for bit, node labels, metadata, outputs), else the first
// difference found.
inline std::string diffModules(const Module& a, const Module& b) {
  if (a.name() != b.name()) return "module name " + a.name() + " vs " + b.name();
  if (a.metadata() != b.metadata()) return "metadata differs";
  if (a.functions().size() != b.functions().size()) return "function count differs";
  for (size_t fi = 0; fi < a.functions().size(); ++fi) {
    const Function& f = *a.functions()[fi];
    const Function& g = *b.functions()[fi];
    std::string where = "@" + f.name() + ": ";
    if (f.name() != g.name()) return where + "name vs @" + g.name();
    auto sameValue = [](const Value* x, const Value* y) {
      if (!x || !y) return x == y;
      return x->name() == y->name() && x->type() == y->type() && x->kind() == y->kind();
    };
    if (f.arguments().size() != g.arguments().size()) return where + "argument count";
    for (size_t i = 0; i < f.arguments().size(); ++i)
      if (!sameValue(f.arguments()[i], g.arguments()[i])) return where + "argument " + std::to_string(i);
    if (f.constants().size() != g.constants().size()) return where + "constant count";
    for (size_t i = 0; i < f.constants().size(); ++i) {
      const Value* x = f.constants()[i];
      const Value* y = g.constants()[i];
      if (!sameValue(x, y) || !x->constant().bitwiseEqual(y->constant())) return where + "constant %" + x->name();
    }
    std::vector<Node*> na = f.nodes(), nb = g.nodes();
    if (na.size() != nb.size()) return where + "node count";
    for (size_t i = 0; i < na.size(); ++i) {
      const Node* x = na[i];
      const Node* y = nb[i];
      std::string nw = where + "node " + x->describe() + ": ";
      if (x->op() != y->op() || x->name() != y->name()) return nw + "op or label";
      if (x->attrs().size() != y->attrs().size()) return nw + "attribute count";
      for (auto ia = x->attrs().begin(), ib = y->attrs().begin(); ia != x->attrs().end(); ++ia, ++ib) {
        if (ia->first != ib->first || ia->second != ib->second) return nw + "attribute " + ia->first;
        // Attribute == treats all NaNs as equal; require the same bits.
        if (ia->second.kind() == AttrKind::Float || ia->second.kind() == AttrKind::Floats) {
          std::vector<double> fa = ia->second.kind() == AttrKind::Float ? std::vector<double>{ia->second.f()}
                                                                        : ia->second.floats();
          std::vector<double> fb = ib->second.kind() == AttrKind::Float ? std::vector<double>{ib->second.f()}
                                                                        : ib->second.floats();
          if (std::memcmp(fa.data(), fb.data(), fa.size() * sizeof(double)) != 0)
            return nw + "attribute bits " + ia->first;
        }
      }
      if (x->numInputs() != y->numInputs() || x->numOutputs() != y->numOutputs()) return nw + "arity";
      for (size_t k = 0; k < x->numInputs(); ++k)
        if (!sameValue(x->input(k), y->input(k))) return nw + "input " + std::to_string(k);
      for (size_t k = 0; k < x->numOutputs(); ++k)
        if (!sameValue(x->output(k), y->output(k))) return nw + "output " + std::to_string(k);
    }
    if (f.outputs().size() != g.outputs().size()) return where + "output count";
    for (size_t i = 0; i < f.outputs().size(); ++i)
      if (!sameValue(f.outputs()[i], g.outputs()[i])) return where + "output " + std::to_string(i);
  }
  return "";
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The source tree (set by ctest; falls back to the configured path).
inline std::string sourceDir() {
  const char* d = std::getenv("DLC_SOURCE_DIR");
  return d ? d : DLC_TEST_SOURCE_DIR;
}

}  // namespace dlc::test
