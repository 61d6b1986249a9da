// The CPU lowering, in order: from an imported or optimized module to the
// kernels, the execution plan and the weights of an artifact. Each step is one
// line in lowerModule(); `printKernels` dumps the Kernel IR after the last one.
//
//   prepareGraph     the graph passes code generation relies on (they are
//                    idempotent, so an already optimized module passes through):
//                    simplify, constant folding, dead code, BN folding, fusion
//   formGroups       fused groups from the fusion annotations; a group whose
//                    epilogue does not line up with its anchor is split
//   assignBuffers    one flat buffer per graph value a kernel touches
//   lowerGroups      a schedule template per group -> Kernel IR, then the
//                    vectorizer and the simplifier (vectorize before simplify:
//                    the simplifier keeps the ramps it produces dense)
//   planMemory       intermediates placed in one arena by liveness
//   packWeights      constants in one 64-byte-aligned blob
//   assemblePlan     buffers, steps, inputs and outputs for the runtime
#include "Lower.h"

#include <chrono>
#include <cstring>
#include <iostream>
#include <map>
#include <set>

#include "ConstFold.h"
#include "Dce.h"
#include "FoldBatchNorm.h"
#include "Fuse.h"
#include "MemoryPlan.h"
#include "NchwcLayout.h"
#include "Schedules.h"
#include "Simplify.h"
#include "dlc/kernel/Simplify.h"
#include "dlc/kernel/Vectorize.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

// Ops whose template reads the group's other nodes as a prologue.
bool takesPrologue(const Node& anchor) {
  static const std::set<std::string> kOps = {
      "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare",
      "ReduceLogSum", "ReduceLogSumExp", "GlobalAveragePool", "GlobalMaxPool", "Softmax", "LogSoftmax", "ArgMax", "ArgMin",
      "LayerNormalization"};
  return kOps.count(anchor.op()) != 0;
}

void prepareGraph(Module& m, const LowerOptions& o) {
  PassContext pc;
  pc.optLevel = 2;
  // Folding Shape and constant shape arithmetic can make more types static,
  // which enables more folding: iterate to a fixed point (bounded).
  for (int round = 0; round < 8; ++round) {
    for (auto make : {passes::createSimplifyPass, passes::createDcePass}) make()->run(m, pc);
    if (!passes::createConstFoldPass()->run(m, pc)) break;
  }
  passes::createFoldBatchNormPass()->run(m, pc);
  Function& f = m.main();
  // Convs and their elementwise neighbours in NCHW[vl]c, vl = the f32 vector
  // width, so the channel-vectorized conv path stores each output vector
  // whole and reads its inputs by cache line (`nchwc`, a graph-level knob:
  // 0 keeps NCHW). Targets with 8+ lanes (x86); the fused groups are formed
  // again over the new nodes.
  int64_t lanes = o.spec.floatLanes();
  auto knob = o.knobs.find("nchwc");
  bool nchwc = knob != o.knobs.end() ? knob->second != 0 : lanes >= 8;
  if (nchwc) passes::nchwcLayout(f, lanes);  // drops the fusion annotations when it changes f
  passes::createDcePass()->run(m, pc);
  bool annotated = false;
  for (const Node* n : f.nodes()) annotated |= n->hasAttr("fuse.group");
  if (!annotated) passes::createFusePass()->run(m, pc);
}

std::string labelOf(const std::vector<Node*>& nodes) {
  std::string s;
  for (const Node* n : nodes) s += (s.empty() ? "" : "+") + n->op();
  return s;
}

GroupInfo single(Node* n) {
  GroupInfo g;
  g.nodes = {n};
  g.anchor = canInline(*n) ? nullptr : n;
  g.output = n->output(0);
  g.label = n->op();
  return g;
}

// Whether `n` is downstream of `anchor` within the group.
bool after(const Node* anchor, const Node* n, const std::vector<Node*>& nodes) {
  std::set<const Value*> reach(anchor->outputs().begin(), anchor->outputs().end());
  for (const Node* m : nodes) {
    bool hit = false;
    for (const Value* in : m->inputs()) hit |= in && reach.count(in);
    if (hit) {
      if (m == n) return true;
      for (const Value* o : m->outputs()) reach.insert(o);
    }
  }
  return false;
}

// Orders groups so that each runs after the groups whose outputs it reads
// (a group's nodes are contiguous in neither the function nor the group ids:
// a residual Add may read a branch computed after its group's conv).
std::vector<GroupInfo> orderGroups(std::vector<GroupInfo> groups) {
  std::unordered_map<const Value*, size_t> producer;
  for (size_t i = 0; i < groups.size(); ++i)
    for (const Node* n : groups[i].nodes)
      for (const Value* v : n->outputs()) producer[v] = i;
  std::vector<std::set<size_t>> deps(groups.size());
  for (size_t i = 0; i < groups.size(); ++i)
    for (const Node* n : groups[i].nodes)
      for (const Value* in : n->inputs()) {
        auto it = in ? producer.find(in) : producer.end();
        if (it != producer.end() && it->second != i) deps[i].insert(it->second);
      }
  std::vector<GroupInfo> out;
  std::vector<bool> done(groups.size(), false);
  while (out.size() < groups.size()) {
    bool progress = false;
    for (size_t i = 0; i < groups.size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (size_t d : deps[i]) ready = ready && done[d];
      if (!ready) continue;
      done[i] = true;
      progress = true;
      out.push_back(std::move(groups[i]));
      out.back().id = static_cast<int>(out.size() - 1);
    }
    DLC_CHECK(progress, "lowering: the fused groups depend on each other in a cycle");
  }
  return out;
}

std::vector<GroupInfo> formGroups(const Function& f) {
  std::vector<GroupInfo> out;
  for (const passes::FusedGroup& fg : passes::readFusionGroups(f)) {
    GroupInfo g;
    g.nodes = fg.nodes;
    g.output = fg.output;
    for (Node* n : g.nodes)
      if (!canInline(*n)) g.anchor = g.anchor ? g.anchor : n;
    bool ok = g.output && (g.nodes.size() == 1 || !g.anchor || isAligned(g.anchor->output(0), g.output, g.nodes));
    // A prologue only where the template reads one; other anchors read buffers.
    if (ok && g.anchor && !takesPrologue(*g.anchor))
      for (const Node* n : g.nodes)
        if (n != g.anchor && !after(g.anchor, n, g.nodes)) ok = false;
    // More than one node that is not inlinable cannot share a kernel.
    for (const Node* n : g.nodes)
      if (n != g.anchor && !canInline(*n)) ok = false;
    if (ok && g.anchor && takesPrologue(*g.anchor)) {
      // Prologue nodes must be inlinable and feed the anchor; epilogue aligned.
      std::vector<Node*> epi;
      for (Node* n : g.nodes)
        if (after(g.anchor, n, g.nodes)) epi.push_back(n);
      epi.insert(epi.begin(), g.anchor);
      ok = isAligned(g.anchor->output(0), g.output, epi);
    }
    if (!ok) {
      for (Node* n : g.nodes) out.push_back(single(n));
      continue;
    }
    g.label = labelOf(g.nodes);
    out.push_back(g);
  }
  return orderGroups(std::move(out));
}

std::string bufferName(const Value* v) {
  std::string s;
  for (char c : v->name()) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

std::unordered_map<const Value*, ValueBuffer> assignBuffers(const Function& f, const std::vector<GroupInfo>& groups) {
  std::unordered_map<const Value*, ValueBuffer> bufs;
  auto add = [&](const Value* v) {
    if (!v || bufs.count(v)) return;
    std::vector<int64_t> ext = staticExtents(*v);
    DType d = v->type().dtype;
    bufs[v] = ValueBuffer{makeBuffer(bufferName(v), d, numElements(ext)), ext, nullptr};
    if (v->producer() && hasDataDependentShape(*v->producer()))
      bufs[v].shape = makeBuffer(bufferName(v) + "_shape", DType::Int64, static_cast<int64_t>(ext.size()));
  };
  for (const Value* a : f.arguments()) add(a);
  for (const GroupInfo& g : groups)
    for (const Node* n : g.nodes) {
      for (const Value* in : n->inputs()) add(in);
      for (const Value* out : n->outputs()) add(out);  // multi-output anchors write each
    }
  return bufs;
}

// Templates may add packed constants to `f` and `bufs` (ScheduleContext::packedConstant).
std::vector<Kernel> lowerGroups(const std::vector<GroupInfo>& groups, const LowerOptions& o,
                                std::unordered_map<const Value*, ValueBuffer>& bufs, Function& f,
                                std::vector<std::vector<KnobChoice>>& knobs) {
  std::vector<Kernel> kernels;
  for (const GroupInfo& g : groups) {
    ScheduleContext ctx(o.spec, o.knobs, bufs, f);
    Kernel k = lowerGroup(g, ctx);
    k.body = kernel::simplify(vectorizeLoops(k.body));
    kernels.push_back(std::move(k));
    knobs.push_back(ctx.choices);
  }
  return kernels;
}

// An explicit knob no kernel read is reported rather than silently ignored: a
// group-prefixed one (a tuner's output for one model) that names no group, or
// a knob its group does not have, is an error; a knob without a prefix, which
// may be meant for kernels another model or target has, is a warning (on
// stderr) when no kernel read it.
void checkKnobsRead(const KnobValues& given, const std::vector<GroupInfo>& groups,
                    const std::vector<std::vector<KnobChoice>>& read) {
  std::set<std::string> names = {"nchwc"};  // the graph-level knob (prepareGraph)
  std::map<std::string, std::set<std::string>> byGroup;
  for (size_t i = 0; i < groups.size(); ++i) {
    std::set<std::string>& g = byGroup["group" + std::to_string(groups[i].id)];
    for (const KnobChoice& c : read[i]) names.insert(c.name), g.insert(c.name);
  }
  auto list = [](const std::set<std::string>& s) {
    std::string out;
    for (const std::string& n : s) out += (out.empty() ? "" : ", ") + n;
    return out;
  };
  for (const auto& [key, value] : given) {
    size_t dot = key.find('.');
    if (dot == std::string::npos) {
      if (!names.count(key))
        std::cerr << "dlc: warning: schedule config: no kernel reads the knob '" << key
                  << "', so it has no effect (the kernels read: " << list(names) << ")\n";
      continue;
    }
    std::string group = key.substr(0, dot), name = key.substr(dot + 1);
    auto it = byGroup.find(group);
    if (it == byGroup.end())
      fail("schedule config: '", key, "' names no kernel group (this model's are group0 to group", groups.size() - 1, ")");
    if (!it->second.count(name))
      fail("schedule config: ", group, " has no knob '", name, "' (it reads: ", list(it->second), ")");
  }
}

runtime::ElemType elemType(DType d) { return static_cast<runtime::ElemType>(static_cast<uint8_t>(d)); }

}  // namespace

CompiledModule lowerModule(const Module& input, const LowerOptions& o) {
  std::unique_ptr<Module> m = input.clone();
  auto phase = [&](const char* name, auto&& fn) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    if (o.timePhases)
      std::cerr << "lower: " << name << " "
                << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() << " ms\n";
  };
  phase("prepareGraph", [&] { prepareGraph(*m, o); });
  Function& f = m->main();
  for (const Value* a : f.arguments()) staticExtents(*a);  // a clear error for a symbolic input
  std::vector<GroupInfo> groups;
  phase("formGroups", [&] { groups = formGroups(f); });
  std::unordered_map<const Value*, ValueBuffer> bufs;
  phase("assignBuffers", [&] { bufs = assignBuffers(f, groups); });
  CompiledModule out;
  std::vector<std::vector<KnobChoice>> knobs;
  phase("lowerGroups", [&] { out.kernels = lowerGroups(groups, o, bufs, f, knobs); });
  checkKnobsRead(o.knobs, groups, knobs);
  if (o.printKernels)
    for (size_t i = 0; i < out.kernels.size(); ++i) {
      *o.printKernels << "// knobs:";
      for (const KnobChoice& c : knobs[i]) *o.printKernels << " " << c.name << "=" << c.value << (c.isDefault ? "" : "*");
      *o.printKernels << "\n";
      printKernel(out.kernels[i], *o.printKernels);
    }

  // The plan's buffers: one per value a kernel or the function's interface names.
  runtime::Plan& plan = out.plan;
  std::unordered_map<const Value*, uint32_t> ids;
  std::set<const Value*> outputs(f.outputs().begin(), f.outputs().end());
  auto idOf = [&](const Value* v) {
    auto it = ids.find(v);
    if (it != ids.end()) return it->second;
    runtime::PlanBuffer b;
    b.extents = staticExtents(*v);
    b.dtype = elemType(v->type().dtype);
    b.name = v->name();
    b.bytes = static_cast<uint64_t>(numElements(b.extents)) * dtypeSize(v->type().dtype);
    b.kind = v->kind() == Value::Kind::Argument   ? runtime::BufferKind::Input
             : v->kind() == Value::Kind::Constant ? runtime::BufferKind::Constant
             : outputs.count(v)                   ? runtime::BufferKind::Output
                                                  : runtime::BufferKind::Intermediate;
    uint32_t id = static_cast<uint32_t>(plan.buffers.size());
    plan.buffers.push_back(b);
    ids[v] = id;
    return id;
  };
  // The i64[rank] buffer a data-dependent shape is written to, checked by the runtime.
  auto shapeIdOf = [&](const Value* v) {
    uint32_t data = idOf(v);
    if (plan.buffers[data].shapeCheck != runtime::kNoBuffer) return plan.buffers[data].shapeCheck;
    runtime::PlanBuffer b;
    b.kind = runtime::BufferKind::Intermediate;
    b.dtype = runtime::ElemType::Int64;
    b.extents = {static_cast<int64_t>(plan.buffers[data].extents.size())};
    b.name = v->name() + ".shape";
    b.bytes = static_cast<uint64_t>(b.extents[0]) * 8;
    uint32_t id = static_cast<uint32_t>(plan.buffers.size());
    plan.buffers.push_back(b);
    plan.buffers[data].shapeCheck = id;
    return id;
  };
  std::unordered_map<const Buffer*, const Value*> valueOf, shapeOf;
  for (const auto& [v, vb] : bufs) {
    valueOf[vb.buffer.get()] = v;
    if (vb.shape) shapeOf[vb.shape.get()] = v;
  }
  for (const Value* a : f.arguments()) idOf(a);
  for (size_t i = 0; i < out.kernels.size(); ++i) {
    runtime::PlanStep step;
    step.kernel = static_cast<uint32_t>(i);
    for (const BufferRef& p : out.kernels[i].params)
      step.args.push_back(shapeOf.count(p.get()) ? shapeIdOf(shapeOf.at(p.get())) : idOf(valueOf.at(p.get())));
    plan.steps.push_back(step);
    plan.kernelFlops.push_back(out.kernels[i].flops);
  }
  // Outputs: a value returned twice, or an input or constant returned, is copied.
  std::set<const Value*> seen;
  for (const Value* v : f.outputs()) {
    uint32_t id = idOf(v);
    if (v->kind() != Value::Kind::Result || seen.count(v)) {
      runtime::PlanBuffer b = plan.buffers[id];
      b.kind = runtime::BufferKind::Output;
      b.shapeCheck = runtime::kNoBuffer;  // checked where it is computed
      uint32_t copy = static_cast<uint32_t>(plan.buffers.size());
      plan.buffers.push_back(b);
      plan.steps.push_back({runtime::kCopyStep, {id, copy}});
      id = copy;
    }
    seen.insert(v);
    plan.outputs.push_back(id);
  }
  for (const Value* a : f.arguments()) plan.inputs.push_back(ids.at(a));

  phase("planMemory", [&] {
    std::vector<LiveRange> ranges;
    std::vector<uint32_t> which;
    for (uint32_t id = 0; id < plan.buffers.size(); ++id) {
      if (plan.buffers[id].kind != runtime::BufferKind::Intermediate) continue;
      LiveRange r{-1, -1, plan.buffers[id].bytes, 0};
      for (size_t s = 0; s < plan.steps.size(); ++s)
        for (uint32_t a : plan.steps[s].args)
          if (a == id) {
            if (r.first < 0) r.first = static_cast<int>(s);
            r.last = static_cast<int>(s);
          }
      ranges.push_back(r);
      which.push_back(id);
    }
    plan.arenaBytes = planMemory(ranges);
    for (size_t i = 0; i < ranges.size(); ++i) plan.buffers[which[i]].offset = ranges[i].offset;
  });
  phase("packWeights", [&] {
    for (runtime::PlanBuffer& b : plan.buffers) {
      if (b.kind != runtime::BufferKind::Constant) continue;
      const Tensor& t = f.findValue(b.name)->constant();
      size_t at = (out.weights.size() + 63) / 64 * 64;
      out.weights.resize(at + t.byteSize());
      if (t.byteSize()) std::memcpy(out.weights.data() + at, t.rawData(), t.byteSize());
      b.offset = at;
    }
  });
  return out;
}

}  // namespace dlc::cpu
