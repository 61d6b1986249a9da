// The table of schedule templates and what they share: dispatch by anchor op,
// knob lookup, the epilogue store, and the template for groups without an
// anchor (elementwise, broadcast and injective ops in one loop nest).
#include "Schedules.h"

#include <map>
#include <set>

#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

using TemplateFn = StmtRef (*)(const GroupInfo&, ScheduleContext&);

// Anchor op -> template. Groups without an anchor use scheduleInjective.
const std::map<std::string, TemplateFn>& templates() {
  static const std::map<std::string, TemplateFn> t = {
      {"Conv", scheduleConv},
      {"NchwcConv", scheduleConv},
      {"ConvTranspose", scheduleConvTranspose},
      {"DeformConv", scheduleDeformConv},
      {"MatMul", scheduleMatMul},
      {"Gemm", scheduleMatMul},
      {"ReduceSum", scheduleReduce},
      {"ReduceMean", scheduleReduce},
      {"ReduceMax", scheduleReduce},
      {"ReduceMin", scheduleReduce},
      {"ReduceProd", scheduleReduce},
      {"ReduceL1", scheduleReduce},
      {"ReduceL2", scheduleReduce},
      {"ReduceSumSquare", scheduleReduce},
      {"ReduceLogSum", scheduleReduce},
      {"ReduceLogSumExp", scheduleReduce},
      {"GlobalAveragePool", scheduleReduce},
      {"ArgMax", scheduleArgReduce},
      {"ArgMin", scheduleArgReduce},
      {"GlobalMaxPool", scheduleReduce},
      {"MaxPool", schedulePool},
      {"AveragePool", schedulePool},
      {"LpPool", schedulePool},
      {"MaxUnpool", scheduleMaxUnpool},
      {"Softmax", scheduleSoftmax},
      {"LogSoftmax", scheduleSoftmax},
      {"LayerNormalization", scheduleLayerNorm},
      {"Det", scheduleDet},
      {"DFT", scheduleDft},
      {"STFT", scheduleStft},
      {"NonZero", scheduleNonZero},
      {"Compress", scheduleCompress},
      {"Unique", scheduleUnique},
      {"NonMaxSuppression", scheduleNonMaxSuppression},
      {"Resize", scheduleResize},
      {"GridSample", scheduleGridSample},
      {"AffineGrid", scheduleAffineGrid},
      {"Col2Im", scheduleCol2Im},
      {"RoiAlign", scheduleRoiAlign},
      {"Split", scheduleSplit},
      {"ScatterElements", scheduleScatter},
      {"ScatterND", scheduleScatter},
      {"TopK", scheduleTopK},
      {"Einsum", scheduleEinsum},
      {"RNN", scheduleRecurrent},
      {"GRU", scheduleRecurrent},
      {"LSTM", scheduleRecurrent},
      {"NegativeLogLikelihoodLoss", scheduleLoss},
      {"SoftmaxCrossEntropyLoss", scheduleLoss},
      {"Dropout", scheduleDropout},
      {"Hardmax", scheduleHardmax},
      {"CumSum", scheduleCumSum},
      {"BatchNormalization", scheduleBatchNorm},
      {"InstanceNormalization", scheduleGroupNorm},
      {"GroupNormalization", scheduleGroupNorm},
      {"MeanVarianceNormalization", scheduleMvn},
      {"LRN", scheduleLrn},
      {"DynamicQuantizeLinear", scheduleDynamicQuantize},
      {"MatMulInteger", scheduleQuantizedMatMul},
      {"QLinearMatMul", scheduleQuantizedMatMul},
      {"ConvInteger", scheduleConvInteger},
      {"QLinearConv", scheduleConvInteger},
  };
  return t;
}

// Every global buffer a statement reads or writes, in first-use order.
void collectBuffers(const ExprRef& e, std::vector<BufferRef>& out, std::set<const Buffer*>& seen) {
  if (!e) return;
  if (e->kind == ExprKind::Load && e->buffer->scope == MemScope::Global && seen.insert(e->buffer.get()).second)
    out.push_back(e->buffer);
  for (const ExprRef& o : e->operands) collectBuffers(o, out, seen);
}
void collectBuffers(const StmtRef& s, std::vector<BufferRef>& out, std::set<const Buffer*>& seen) {
  if (!s) return;
  for (const ExprRef& e : {s->min, s->extent, s->index, s->value, s->cond}) collectBuffers(e, out, seen);
  if ((s->kind == StmtKind::Store || s->kind == StmtKind::Prefetch) && s->buffer->scope == MemScope::Global &&
      seen.insert(s->buffer.get()).second)
    out.push_back(s->buffer);
  collectBuffers(s->body, out, seen);
  collectBuffers(s->otherwise, out, seen);
  for (const StmtRef& c : s->seq) collectBuffers(c, out, seen);
}

std::string sanitize(const std::string& s) {
  std::string o;
  for (char c : s) o += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return o;
}

// The floating-point operations of the group's anchor, 2 per multiply-add, from
// its operands' shapes: the conv and matmul families (what dominates a
// network). 0 for anything else; the profiler then reports time and bytes only.
double anchorFlops(const Node* n) {
  if (!n || n->numOutputs() == 0 || !n->output(0)) return 0;
  auto numel = [](const Value* v) {
    double e = 1;
    for (int64_t d : staticExtents(*v)) e *= static_cast<double>(d);
    return e;
  };
  const std::string& op = n->op();
  const Value* x = n->input(0);
  const Value* y = n->output(0);
  if (op == "Conv" || op == "NchwcConv" || op == "ConvInteger" || op == "DeformConv" || op == "QLinearConv") {
    // Y[N, OC, spatial] = sum over IC/g x kernel of X * W[OC, IC/g, kernel].
    const Value* w = n->input(op == "QLinearConv" ? 3 : 1);
    std::vector<int64_t> we = staticExtents(*w);
    if (we.empty() || we[0] == 0) return 0;
    return 2.0 * numel(y) * numel(w) / static_cast<double>(we[0]);
  }
  if (op == "ConvTranspose") {  // every input element times W[C, OC/g, kernel]
    std::vector<int64_t> we = staticExtents(*n->input(1));
    if (we.empty() || we[0] == 0) return 0;
    return 2.0 * numel(x) * numel(n->input(1)) / static_cast<double>(we[0]);
  }
  if (op == "MatMul" || op == "MatMulInteger" || op == "QLinearMatMul" || op == "Gemm") {
    // Y[..., M, N] = sum over K: K is A's last dim (its first with Gemm's transA).
    std::vector<int64_t> a = staticExtents(*x);
    if (a.empty()) return 0;
    int64_t k = op == "Gemm" && n->attrInt("transA", 0) && a.size() >= 2 ? a[a.size() - 2] : a.back();
    return 2.0 * numel(y) * static_cast<double>(k);
  }
  return 0;
}

}  // namespace

int64_t ScheduleContext::knob(const GroupInfo& g, const std::string& name, int64_t dflt) {
  auto it = knobs_.find("group" + std::to_string(g.id) + "." + name);
  if (it == knobs_.end()) it = knobs_.find(name);
  bool explicitValue = it != knobs_.end();
  int64_t v = explicitValue ? it->second : dflt;
  choices.push_back({name, v, !explicitValue});
  return v;
}

const ValueBuffer& ScheduleContext::packedConstant(const Value* v, const std::string& key,
                                                   const std::function<Tensor(const Tensor&)>& pack) {
  DLC_CHECK(v && v->isConstant(), "lowering: only constants can be packed");
  std::string name = v->name() + "." + key;
  if (Value* existing = f_.findValue(name)) return bufs_.at(existing);
  Tensor t = pack(v->constant());
  Value* c = f_.addConstant(name, std::move(t));
  std::vector<int64_t> ext = staticExtents(*c);
  std::string bufName;
  for (char ch : name) bufName += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  bufs_[c] = ValueBuffer{makeBuffer(bufName, c->type().dtype, numElements(ext)), ext, nullptr};
  return bufs_.at(c);
}

std::vector<Node*> nodesExcept(const GroupInfo& g, const Node* skip) {
  std::vector<Node*> out;
  for (Node* n : g.nodes)
    if (n != skip) out.push_back(n);
  return out;
}

StmtRef storeThroughEpilogue(const GroupInfo& g, ScheduleContext& ctx, const std::vector<ExprRef>& idx, ExprRef acc) {
  const ValueBuffer& out = ctx.buffers.at(g.output);
  // Trailing reshapes keep the elements' order: store at the same linear index.
  const Value* inner = g.anchor ? peelReshapes(g.output, g.nodes) : g.output;
  ExprRef value = acc;
  if (g.anchor && inner != g.anchor->output(0)) {
    ExprBuilder b(ctx.buffers, nodesExcept(g, g.anchor));
    b.setAnchor(g.anchor->output(0), [&] { return acc; });
    value = b.at(inner, idx);
  }
  return store(out.buffer, linearize(idx, staticExtents(*inner)), value);
}

StmtRef storeAtLinear(const GroupInfo& g, ScheduleContext& ctx, const ExprRef& linear, const std::vector<int64_t>& ext,
                      ExprRef acc) {
  if (g.anchor && peelReshapes(g.output, g.nodes) == g.anchor->output(0))
    return store(ctx.buffers.at(g.output).buffer, linear, acc);
  return storeThroughEpilogue(g, ctx, delinearize(linear, ext), acc);
}

StmtRef scheduleInjective(const GroupInfo& g, ScheduleContext& ctx) {
  const ValueBuffer& out = ctx.buffers.at(g.output);
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  // Trailing reshapes keep the elements' order: the loop nest runs over the
  // value before them (a Transpose+Reshape then reads whole rows of the
  // transpose's input, not one element per lane through a div/mod per
  // dim), when its rows are no shorter.
  const Value* src = peelReshapes(g.output, g.nodes);
  std::vector<int64_t> ext = out.extents;
  if (src != g.output) {
    std::vector<int64_t> se = staticExtents(*src);
    int64_t a = se.empty() ? 1 : se.back(), b = ext.empty() ? 1 : ext.back();
    if (a >= b || a >= lanes) ext = se;
    else src = g.output;
  }
  int64_t total = numElements(ext);
  // [outer, inner]: inner is the last dim, vectorized; outer is parallel when
  // there is enough work to pay for a fork/join.
  int64_t inner = ext.empty() ? 1 : ext.back();
  int64_t outer = inner ? total / inner : 0;
  std::vector<int64_t> outerExt(ext.begin(), ext.empty() ? ext.end() : ext.end() - 1);
  int64_t minParallel = ctx.knob(g, "parallel_min_elements", 1 << 15);
  LoopKind outerKind = total >= minParallel && outer > 1 ? LoopKind::Parallel : LoopKind::Serial;
  ExprBuilder b(ctx.buffers, g.nodes);
  if (total == 0) return seq({});
  return loop("o", outer, outerKind, [&](const ExprRef& o) {
    std::vector<ExprRef> head = delinearize(o, outerExt);
    return vectorizedLoop("i", inner, lanes, [&](const ExprRef& i) {
      std::vector<ExprRef> idx = head;
      if (!ext.empty()) idx.push_back(i);
      return store(out.buffer, linearize(idx, ext), b.at(src, idx));
    });
  });
}

StmtRef laneReduce(const std::string& name, int64_t len, int lanes, const BufferRef& part, const BufferRef& dst,
                   const ExprRef& at, const ExprRef& init,
                   const std::function<ExprRef(const ExprRef&, const ExprRef&)>& combine,
                   const std::function<ExprRef(const ExprRef&)>& value, const std::function<StmtRef(const ExprRef&)>& also) {
  auto step = [&](const BufferRef& b, const ExprRef& i, const ExprRef& l) {
    StmtRef s = store(b, i, combine(load(b, i), value(l)));
    return also ? seq({also(l), s}) : s;
  };
  std::vector<StmtRef> body;
  int64_t chunks = lanes > 1 ? len / lanes : 0;
  if (chunks > 0) {
    body.push_back(loop(name + ".z", lanes, LoopKind::Vectorized, [&](const ExprRef& v) { return store(part, v, init); }));
    body.push_back(loop(name + ".o", chunks, LoopKind::Serial, [&](const ExprRef& c) {
      return loop(name + ".v", lanes, LoopKind::Vectorized, [&](const ExprRef& v) { return step(part, v, c * lanes + v); });
    }));
  }
  body.push_back(store(dst, at, init));
  if (chunks > 0)
    body.push_back(loop(name + ".h", lanes, LoopKind::Unrolled,
                        [&](const ExprRef& v) { return store(dst, at, combine(load(dst, at), load(part, v))); }));
  if (len > chunks * lanes)
    body.push_back(loop(name + ".t", len - chunks * lanes, LoopKind::Serial,
                        [&](const ExprRef& t) { return step(dst, at, t + chunks * lanes); }));
  return seq(body);
}

StmtRef epilogueFromBuffer(const GroupInfo& g, ScheduleContext& ctx) {
  if (!g.anchor || g.output == g.anchor->output(0)) return seq({});
  GroupInfo e = g;
  e.nodes = nodesExcept(g, g.anchor);
  e.anchor = nullptr;
  return scheduleInjective(e, ctx);
}

Kernel lowerGroup(const GroupInfo& g, ScheduleContext& ctx) {
  StmtRef body;
  if (!g.anchor) {
    for (const Node* n : g.nodes)
      if (!canInline(*n)) unsupported(n->describe(), ": ", n->op(), " has no CPU schedule");
    body = scheduleInjective(g, ctx);
  } else {
    auto it = templates().find(g.anchor->op());
    if (it == templates().end()) unsupported(g.anchor->describe(), ": ", g.anchor->op(), " has no CPU schedule");
    for (const Node* n : g.nodes)
      if (n != g.anchor && !canInline(*n)) unsupported(n->describe(), ": ", n->op(), " has no CPU schedule");
    body = it->second(g, ctx);
  }
  Kernel k;
  k.name = "k" + std::to_string(g.id) + "_" + sanitize(g.anchor ? g.anchor->op() : g.nodes.back()->op());
  k.groupLabel = g.label;
  k.flops = anchorFlops(g.anchor);
  std::set<const Buffer*> seen;
  collectBuffers(body, k.params, seen);
  k.body = body;
  return k;
}

}  // namespace dlc::cpu
