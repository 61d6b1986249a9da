// fuse: operator fusion by pattern kind (see Fuse.h).
//
// Note on fusion: nodes are visited in topological order; each starts a new
// group unless it may join the group of the node producing one of its inputs.
// A group has a *tip* (its latest node, whose result is the only one used
// outside the group) and at most one *anchor* (a node that is not
// elementwise, broadcast or injective: conv, matmul, reduction, pooling, ...).
// A node n joins the group G of the producer p of its input when p is G's tip,
// p's result is read by n alone (and is no function output), all shapes are
// static, and:
//
//   n elementwise/broadcast, G anchored   n's result has the anchor's shape
//                                          (an epilogue: bias, residual add,
//                                          activation, requantize)
//   n elementwise/broadcast/injective,    always (a chain computed in one loop
//     G without an anchor                  nest)
//   n a reduction, G without an anchor    always (G is the reduction's prologue)
//   n a reshape (Reshape, Flatten,        always (the same elements in another
//     Squeeze, Unsqueeze)                  shape: the kernel's store is unchanged)
//
//       Conv ──▶ Add(bias) ──▶ Add(residual) ──▶ Relu      one kernel: Conv anchor,
//                               ▲                           three epilogue ops
//       (other group) ──────────┘
//
// A result read by two nodes ends its group there, so no group has two
// escaping values and no value is computed twice.
#include "Fuse.h"

#include <map>
#include <set>

#include "Rewrite.h"
#include "dlc/ir/OpRegistry.h"

namespace dlc::passes {
namespace {

bool isStaticNode(const Node& n) {
  for (const Value* v : n.outputs())
    if (!v->type().isStatic()) return false;
  for (const Value* v : n.inputs())
    if (v && !v->type().isStatic()) return false;
  return true;
}

PatternKind kindOf(const Node& n) { return n.def() ? n.def()->pattern : PatternKind::Opaque; }

bool isLight(PatternKind k) {
  return k == PatternKind::Elementwise || k == PatternKind::Broadcast || k == PatternKind::Injective;
}

struct Building {
  FusedGroup g;
  Value* tip = nullptr;
};

class FusePass : public FunctionPass {
 public:
  std::string_view name() const override { return "fuse"; }
  bool runOnFunction(Function& f, PassContext&) override { return annotateFusionGroups(f, computeFusionGroups(f)); }
};

}  // namespace

std::vector<FusedGroup> computeFusionGroups(const Function& f) {
  auto uses = f.computeUses();
  std::vector<Building> groups;
  std::map<const Value*, size_t> groupOfTip;
  for (Node* n : f.nodes()) {
    PatternKind k = kindOf(*n);
    int joined = -1;
    if (n->numOutputs() == 1 && isStaticNode(*n) && k != PatternKind::Opaque && k != PatternKind::ComplexOutFusable) {
      for (Value* in : n->inputs()) {
        if (!in) continue;
        auto it = groupOfTip.find(in);
        if (it == groupOfTip.end()) continue;
        auto u = uses.find(in);
        if (u == uses.end() || u->second.size() != 1 || isFunctionOutput(f, in)) continue;
        Building& b = groups[it->second];
        bool ok;
        bool reshape = n->op() == "Reshape" || n->op() == "Flatten" || n->op() == "Squeeze" || n->op() == "Unsqueeze";
        if (b.g.anchor && reshape) {
          ok = true;  // a view of the tip: the kernel stores in the new shape
        } else if (b.g.anchor) {
          ok = (k == PatternKind::Elementwise || k == PatternKind::Broadcast) &&
               n->output(0)->type().shape == b.g.anchor->output(0)->type().shape &&
               kindOf(*b.g.anchor) == PatternKind::ComplexOutFusable;
          // Epilogues after reductions and opaque anchors too, when aligned.
          if (!ok && (k == PatternKind::Elementwise || k == PatternKind::Broadcast))
            ok = n->output(0)->type().shape == b.g.anchor->output(0)->type().shape;
        } else {
          ok = isLight(k) || k == PatternKind::Reduction;
        }
        if (!ok) continue;
        joined = static_cast<int>(it->second);
        break;
      }
    }
    if (joined < 0) {
      Building b;
      if (!isLight(k)) b.g.anchor = n;
      groups.push_back(b);
      joined = static_cast<int>(groups.size() - 1);
    } else if (!isLight(k)) {
      groups[static_cast<size_t>(joined)].g.anchor = n;
    }
    Building& b = groups[static_cast<size_t>(joined)];
    if (b.tip) groupOfTip.erase(b.tip);
    b.g.nodes.push_back(n);
    b.tip = n->numOutputs() == 1 ? n->output(0) : nullptr;
    b.g.output = n->numOutputs() >= 1 ? n->output(0) : nullptr;
    if (b.tip) groupOfTip[b.tip] = static_cast<size_t>(joined);
  }
  std::vector<FusedGroup> out;
  for (Building& b : groups) out.push_back(std::move(b.g));
  return out;
}

bool annotateFusionGroups(Function& f, const std::vector<FusedGroup>& groups) {
  bool changed = false;
  for (size_t i = 0; i < groups.size(); ++i) {
    const FusedGroup& g = groups[i];
    Node* mark = g.anchor ? g.anchor : g.nodes.back();
    for (Node* n : g.nodes) {
      AttrMap& a = n->attrs();
      auto group = a.find("fuse.group");
      if (group == a.end() || group->second.kind() != AttrKind::Int || group->second.i() != static_cast<int64_t>(i)) {
        a["fuse.group"] = Attribute(static_cast<int64_t>(i));
        changed = true;
      }
      if (n == mark && !a.count("fuse.anchor")) {
        a["fuse.anchor"] = Attribute(int64_t{1});
        changed = true;
      } else if (n != mark && a.erase("fuse.anchor")) {
        changed = true;
      }
    }
  }
  return changed;
}

std::vector<FusedGroup> readFusionGroups(const Function& f) {
  std::vector<FusedGroup> out;
  std::map<int64_t, size_t> index;
  for (Node* n : f.nodes()) {
    size_t gi;
    auto attr = n->attrs().find("fuse.group");
    if (attr == n->attrs().end() || attr->second.kind() != AttrKind::Int) {
      gi = out.size();
      out.emplace_back();
    } else {
      auto it = index.find(attr->second.i());
      if (it == index.end()) {
        gi = out.size();
        index[attr->second.i()] = gi;
        out.emplace_back();
      } else {
        gi = it->second;
      }
    }
    FusedGroup& g = out[gi];
    g.nodes.push_back(n);
    if (!isLight(kindOf(*n))) g.anchor = n;
  }
  // The output: the value of the group used outside it or returned.
  auto uses = f.computeUses();
  for (FusedGroup& g : out) {
    std::set<const Node*> members(g.nodes.begin(), g.nodes.end());
    for (Node* n : g.nodes)
      for (Value* v : n->outputs()) {
        bool escapes = isFunctionOutput(f, v);
        auto u = uses.find(v);
        if (u != uses.end())
          for (const Node* user : u->second) escapes |= !members.count(user);
        if (escapes && !g.output) g.output = v;
      }
    if (!g.output && !g.nodes.empty() && g.nodes.back()->numOutputs()) g.output = g.nodes.back()->output(0);
  }
  return out;
}

std::unique_ptr<Pass> createFusePass() { return std::make_unique<FusePass>(); }

}  // namespace dlc::passes
