// Schedule templates: each turns one fused group into a Kernel, declaring its
// knobs with analytic defaults derived from the CpuSpec. The table of templates
// (which anchor op goes to which template) is in Schedules.cpp.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "Lowering.h"

namespace dlc::cpu {

// One fused group, as the lowering sees it.
struct GroupInfo {
  int id = 0;
  std::vector<Node*> nodes;  // topological order
  Node* anchor = nullptr;    // the complex/reduction/opaque op, or null for pure elementwise/injective
  const Value* output = nullptr;
  std::string label;         // "Conv+Add+Relu"
};

// A knob a template used, with the value it took.
struct KnobChoice {
  std::string name;
  int64_t value;
  bool isDefault;
};

class ScheduleContext {
 public:
  ScheduleContext(const CpuSpec& spec, const KnobValues& knobs, std::unordered_map<const Value*, ValueBuffer>& bufs,
                  Function& f)
      : spec(spec), buffers(bufs), knobs_(knobs), bufs_(bufs), f_(f) {}
  // The knob's explicit value (key "<name>" or "group<id>.<name>"), else `dflt`.
  int64_t knob(const GroupInfo& g, const std::string& name, int64_t dflt);
  // A constant computed at compile time from constant `v` by `pack` (a weight
  // reordered into the layout a kernel reads contiguously, say), stored with
  // the artifact's weights. The same `v` and `key` give the same buffer, so
  // kernels share one packed copy; `key` names the layout ("oc16").
  const ValueBuffer& packedConstant(const Value* v, const std::string& key,
                                    const std::function<Tensor(const Tensor&)>& pack);
  const CpuSpec& spec;
  const std::unordered_map<const Value*, ValueBuffer>& buffers;
  std::vector<KnobChoice> choices;  // of the group being lowered

 private:
  const KnobValues& knobs_;
  std::unordered_map<const Value*, ValueBuffer>& bufs_;
  Function& f_;
};

// Lowers the group or throws dlc::Unsupported naming the op with no template.
kernel::Kernel lowerGroup(const GroupInfo& g, ScheduleContext& ctx);

// The templates (one file each).
kernel::StmtRef scheduleInjective(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleReduce(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleArgReduce(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleMatMul(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleConv(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleConvTranspose(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleDeformConv(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef schedulePool(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleMaxUnpool(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleSoftmax(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleLayerNorm(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleDet(const GroupInfo& g, ScheduleContext& ctx);
// DFT and STFT (Dft.cpp).
kernel::StmtRef scheduleDft(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleStft(const GroupInfo& g, ScheduleContext& ctx);
// Data-dependent output shapes, checked at run time (DataDependent.cpp).
kernel::StmtRef scheduleNonZero(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleCompress(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleUnique(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleNonMaxSuppression(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleResize(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleGridSample(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleAffineGrid(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleRoiAlign(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleCol2Im(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleSplit(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleScatter(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleTopK(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleEinsum(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleRecurrent(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleLoss(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleDropout(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleHardmax(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleCumSum(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleBatchNorm(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleGroupNorm(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleMvn(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleLrn(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleDynamicQuantize(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleQuantizedMatMul(const GroupInfo& g, ScheduleContext& ctx);
kernel::StmtRef scheduleConvInteger(const GroupInfo& g, ScheduleContext& ctx);

// Shared by templates: the nodes after the anchor (the epilogue) and the
// builder that inlines everything but the anchor.
std::vector<Node*> nodesExcept(const GroupInfo& g, const Node* skip);
// Stores `value(idx)` for the group output at idx through the epilogue: the
// anchor's result at idx is `acc`. Requires isAligned(anchor, output).
kernel::StmtRef storeThroughEpilogue(const GroupInfo& g, ScheduleContext& ctx, const std::vector<ExprRef>& idx,
                                     ExprRef acc);
// For anchors that write their own result buffer (scattered or read-modify-write
// stores, several passes): the loop nest that then computes the group output
// from that buffer through the epilogue; empty when the anchor's result is the
// group output.
kernel::StmtRef epilogueFromBuffer(const GroupInfo& g, ScheduleContext& ctx);
// A reduction over l in [0, len) in lane-wide partial results, so that the
// loop over l is a vector loop (contiguous loads when value(l) reads l densely)
// rather than one chain of dependent scalar ops:
//   part[v] = init; for l in chunks of lanes: part[v] = combine(part[v], value(l));
//   dst[at] = init, combined with every part[v] and then each tail element.
// `part` is a Register buffer of `lanes` elements; `also(l)`, when given, is a
// statement run with each element as well (a store of the same value, say).
kernel::StmtRef laneReduce(const std::string& name, int64_t len, int lanes, const kernel::BufferRef& part,
                           const kernel::BufferRef& dst, const ExprRef& at, const ExprRef& init,
                           const std::function<ExprRef(const ExprRef&, const ExprRef&)>& combine,
                           const std::function<ExprRef(const ExprRef&)>& value,
                           const std::function<kernel::StmtRef(const ExprRef&)>& also = nullptr);
// The same for the element at `linear` of the anchor's output (extents `ext`):
// without an epilogue a store at that index (dense in a vectorized loop).
kernel::StmtRef storeAtLinear(const GroupInfo& g, ScheduleContext& ctx, const ExprRef& linear,
                              const std::vector<int64_t>& ext, ExprRef acc);

}  // namespace dlc::cpu
