// nchwc: convolutions and their elementwise neighbours in NCHW[b]c (see NchwcLayout.h).
#include "NchwcLayout.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "Rewrite.h"

namespace dlc::passes {
namespace {

constexpr int64_t kMaxUnblockElements = 16384;

bool isElementwise(const std::string& op) {
  static const std::set<std::string> ops = {"Add",   "Sub",     "Mul",       "Div",         "Max",      "Min",
                                            "Relu",  "Sigmoid", "Tanh",      "LeakyRelu",   "HardSigmoid",
                                            "HardSwish"};
  return ops.count(op) != 0;
}

int64_t numel(const Value* v) {
  int64_t e = 1;
  for (int64_t d : v->type().extents()) e *= d;
  return e;
}

bool isStatic4dF32(const Value* v) {
  return v && v->type().isStatic() && v->type().rank() == 4 && v->type().dtype == DType::Float32;
}

bool isScalarConstant(const Value* v) { return v->isConstant() && v->type().isStatic() && numel(v) == 1; }

std::vector<int64_t> constInts(const Value* v) {
  std::vector<int64_t> out;
  if (!v || !v->isConstant()) return out;
  const Tensor& t = v->constant();
  for (int64_t i = 0; i < t.numel(); ++i) out.push_back(t.getInt64(i));
  return out;
}

TensorType blockedType(const TensorType& t, int64_t b) {
  std::vector<int64_t> e = t.extents();
  return TensorType(t.dtype, {Dim(e[0]), Dim(e[1] / b), Dim(e[2]), Dim(e[3]), Dim(b)});
}

class Layout {
 public:
  Layout(Function& f, int64_t b) : f_(f), b_(b) {}

  bool run() {
    nodes_ = f_.nodes();
    uses_ = f_.computeUses();
    settle();
    if (blocked_.empty()) return false;
    rewrite();
    return true;
  }

 private:
  // Whether `n` can go blocked given the nodes already chosen (`blocked_`).
  bool eligible(const Node& n) const {
    const std::string& op = n.op();
    if (op == "Conv") {
      const Value *x = n.input(0), *w = n.input(1), *y = n.output(0);
      if (!isStatic4dF32(x) || !isStatic4dF32(y) || !w || !w->isConstant() || w->type().rank() != 4) return false;
      if (n.attrInt("group", 1) != 1) return false;
      if (n.numInputs() > 2 && n.input(2) && !n.input(2)->isConstant()) return false;
      int64_t C = x->type().extents()[1], M = y->type().extents()[1];
      return C % b_ == 0 && M % b_ == 0;
    }
    if (n.numInputs() == 0 || !isStatic4dF32(n.output(0)) || n.numOutputs() != 1) return false;
    if (op == "GlobalAveragePool" || op == "Slice") {
      if (!fromBlocked(n.input(0))) return false;
      if (op == "GlobalAveragePool") return true;
      if (n.numInputs() < 4) return false;
      for (size_t i = 1; i < n.numInputs(); ++i)
        if (n.input(i) && !n.input(i)->isConstant()) return false;
      std::vector<int64_t> axes = constInts(n.input(3));
      return !axes.empty() && std::all_of(axes.begin(), axes.end(), [](int64_t a) { return a == 2 || a == 3; });
    }
    if (!isElementwise(op)) return false;
    bool any = false;
    for (const Value* v : n.inputs()) {
      if (!v) continue;
      if (isScalarConstant(v)) continue;
      if (!isStatic4dF32(v) || v->type().extents() != n.output(0)->type().extents()) return false;
      if (producedBlocked(v) && !fromBlocked(v)) return false;  // a pooled (unblocked) result
      any |= fromBlocked(v);
    }
    return any && n.output(0)->type().extents()[1] % b_ == 0;
  }

  // An operand a blocked elementwise op reads in NCHW (a residual from an
  // NCHW producer): it is blocked once, and convs reading it use that copy.
  bool needsBlocking(const Value* v) const {
    return v && !isScalarConstant(v) && !producedBlocked(v);
  }

  bool producedBlocked(const Value* v) const { return v && v->producer() && blocked_.count(v->producer()); }

  // Whether `v` will have a blocked twin (a GlobalAveragePool's result is unblocked).
  bool fromBlocked(const Value* v) const {
    return producedBlocked(v) && v->producer()->op() != "GlobalAveragePool";
  }

  // The blocked nodes, to a fixed point: choose every eligible node in order,
  // then drop those whose results would need a large conversion back.
  void settle() {
    std::set<const Node*> banned;
    for (;;) {
      blocked_.clear();
      for (const Node* n : nodes_)
        if (!banned.count(n) && eligible(*n)) blocked_.insert(n);
      bool dropped = false;
      for (const Node* n : blocked_) {
        if (n->op() == "GlobalAveragePool") continue;  // its result is unblocked anyway (tiny)
        const Value* v = n->output(0);
        bool outside = false;
        auto it = uses_.find(v);
        if (it != uses_.end())
          for (const Node* u : it->second) outside |= !blocked_.count(u);
        if (outside && numel(v) > kMaxUnblockElements) {
          banned.insert(n);
          dropped = true;
        }
      }
      if (!dropped) return;
    }
  }

  Value* block(Value* v) {
    std::vector<int64_t> e = v->type().extents();
    TensorType mid(v->type().dtype, {Dim(e[0]), Dim(e[1] / b_), Dim(b_), Dim(e[2]), Dim(e[3])});
    Value* shape = int64Const(f_, v->name() + ".split", {e[0], e[1] / b_, b_, e[2], e[3]});
    Node* split = f_.addNode("Reshape", {v, shape}, {}, {mid});
    AttrMap perm;
    perm["perm"] = Attribute(std::vector<int64_t>{0, 1, 3, 4, 2});
    return f_.addNode("Transpose", {split->output(0)}, perm, {blockedType(v->type(), b_)})->output(0);
  }

  Value* unblock(Value* t, const TensorType& nchw) {
    std::vector<int64_t> e = nchw.extents();
    AttrMap perm;
    perm["perm"] = Attribute(std::vector<int64_t>{0, 1, 4, 2, 3});
    TensorType mid(nchw.dtype, {Dim(e[0]), Dim(e[1] / b_), Dim(b_), Dim(e[2]), Dim(e[3])});
    Node* tr = f_.addNode("Transpose", {t}, perm, {mid});
    Value* shape = int64Const(f_, t->name() + ".nchw", e);
    return f_.addNode("Reshape", {tr->output(0), shape}, {}, {nchw})->output(0);
  }

  void rewrite() {
    std::unordered_map<const Value*, Value*> twin;
    auto mapped = [&](Value* v) { return twin.count(v) ? twin.at(v) : v; };
    for (Node* n : nodes_)
      if (blocked_.count(n) && isElementwise(n->op()))
        for (Value* v : n->inputs())
          if (needsBlocking(v) && !twin.count(v)) twin[v] = block(v);
    std::vector<Node*> done;
    for (Node* n : nodes_) {
      if (!blocked_.count(n)) continue;
      const std::string& op = n->op();
      Value* y = n->output(0);
      if (op == "Conv") {
        AttrMap attrs = n->attrs();
        attrs["block"] = Attribute(b_);
        std::vector<Value*> ins = n->inputs();
        ins[0] = mapped(ins[0]);
        Node* c = f_.addNode("NchwcConv", ins, attrs, {blockedType(y->type(), b_)});
        c->setName(n->name());
        twin[y] = c->output(0);
      } else if (op == "GlobalAveragePool") {
        Value* x = mapped(n->input(0));
        std::vector<int64_t> e = y->type().extents();
        AttrMap attrs;
        attrs["keepdims"] = Attribute(int64_t{1});
        TensorType r(y->type().dtype, {Dim(e[0]), Dim(e[1] / b_), Dim(1), Dim(1), Dim(b_)});
        Node* mean = f_.addNode("ReduceMean", {x, int64Const(f_, y->name() + ".hw", {2, 3})}, attrs, {r});
        Value* back = unblock(mean->output(0), y->type());
        f_.topoSort();
        replaceNodeResult(f_, *n, back);
        continue;
      } else {  // elementwise, Slice: the same op on the blocked operands
        std::vector<Value*> ins = n->inputs();
        for (Value*& v : ins)
          if (v) v = mapped(v);
        Node* m = f_.addNode(op, ins, n->attrs(), {blockedType(y->type(), b_)});
        m->setName(n->name());
        twin[y] = m->output(0);
      }
      done.push_back(n);
    }
    // NCHW consumers outside the blocked set, and function outputs, read an
    // unblocked copy.
    for (Node* n : done) {
      Value* y = n->output(0);
      Value* back = nullptr;
      auto it = uses_.find(y);
      if (it != uses_.end())
        for (Node* u : it->second) {
          if (blocked_.count(u)) continue;
          if (!back) back = unblock(twin.at(y), y->type());
          for (size_t i = 0; i < u->numInputs(); ++i)
            if (u->input(i) == y) u->setInput(i, back);
        }
      if (isFunctionOutput(f_, y)) {
        if (!back) back = unblock(twin.at(y), y->type());
        f_.topoSort();
        replaceNodeResult(f_, *n, back);
      }
    }
    f_.topoSort();
    // The NCHW originals are now unused: erase them, consumers first.
    std::vector<Node*> live = f_.nodes();
    for (auto it = done.rbegin(); it != done.rend(); ++it)
      if (std::find(live.begin(), live.end(), *it) != live.end() && !isUsed(f_, (*it)->output(0))) f_.eraseNode(*it);
    f_.eraseUnusedConstants();
    f_.topoSort();
    // Fusion annotations described the old nodes: the fuse pass forms groups again.
    for (Node* n : f_.nodes()) n->attrs().erase("fuse.group"), n->attrs().erase("fuse.anchor");
  }

  Function& f_;
  int64_t b_;
  std::vector<Node*> nodes_;
  std::unordered_map<const Value*, std::vector<Node*>> uses_;
  std::set<const Node*> blocked_;
};

class NchwcLayoutPass : public FunctionPass {
 public:
  std::string_view name() const override { return "nchwc"; }
  bool runOnFunction(Function& f, PassContext&) override { return nchwcLayout(f, 16); }
};

}  // namespace

bool nchwcLayout(Function& f, int64_t block) {
  if (block <= 1) return false;
  return Layout(f, block).run();
}

std::unique_ptr<Pass> createNchwcLayoutPass() { return std::make_unique<NchwcLayoutPass>(); }

}  // namespace dlc::passes
