// Shared pieces of the CPU lowering: the target's stated properties, the buffers
// of graph values, index arithmetic, the builder that inlines a fused group's
// elementwise/broadcast/injective nodes into one expression, and the loop
// helpers schedule templates use.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "dlc/ir/IR.h"
#include "dlc/kernel/KernelIR.h"

namespace dlc::cpu {

using kernel::BufferRef;
using kernel::ExprRef;
using kernel::StmtRef;
using kernel::Var;

// What a CPU target states about itself (data, not code): the schedules derive
// their default knobs from it.
struct CpuSpec {
  std::string name;       // "x86", "arm"
  std::string arch;       // "x86_64", "aarch64"
  int vectorBits = 256;   // SIMD register width
  int vectorRegisters = 16;
  int cores = 1;
  int64_t l1Bytes = 32 << 10, l2Bytes = 1 << 20;
  int floatLanes() const { return vectorBits / 32; }
};

// Explicit knob values (from --schedule-config); a missing key takes the
// template's analytic default.
using KnobValues = std::map<std::string, int64_t>;

// A graph value seen by a kernel: a flat global buffer and its static extents.
struct ValueBuffer {
  BufferRef buffer;
  std::vector<int64_t> extents;
  // For the output of an op whose shape depends on the data: an i64[rank]
  // buffer its kernel writes the shape it computed into (the runtime checks it
  // against `extents`, the static shape compiled for). Null otherwise.
  BufferRef shape;
};

// Ops whose output shape depends on their input values (NonZero, Compress,
// Unique, NonMaxSuppression). The CPU targets compile them for the static
// shape the model states and check it at run time.
bool hasDataDependentShape(const Node& n);

// f64 scalars, for templates that compute in double as the reference does.
inline kernel::Type f64() { return kernel::Type{DType::Float64, 1}; }
inline ExprRef f64Imm(double v) { return kernel::floatImm(v, f64()); }

// Static extents of a value (the lowering requires static shapes).
std::vector<int64_t> staticExtents(const Value& v);
int64_t numElements(const std::vector<int64_t>& extents);
kernel::Type scalarType(DType d);

// Row-major linear index of a multi-dimensional index.
ExprRef linearize(const std::vector<ExprRef>& idx, const std::vector<int64_t>& extents);
// The multi-dimensional index of a linear one.
std::vector<ExprRef> delinearize(const ExprRef& linear, const std::vector<int64_t>& extents);
// The index into an operand broadcast (numpy rules) to `outExtents`.
std::vector<ExprRef> broadcastIndex(const std::vector<ExprRef>& outIdx, const std::vector<int64_t>& inExtents);

// Builds the value of graph values at an index, inlining the nodes of one fused
// group; values from outside the group are loaded from their buffers, and the
// anchor's result (when set) comes from `anchorValue` (the accumulator).
class ExprBuilder {
 public:
  ExprBuilder(const std::unordered_map<const Value*, ValueBuffer>& buffers, const std::vector<Node*>& inlined);
  // The anchor's result at the index being computed (only valid at the output
  // index: the epilogue must be aligned with the anchor, see isAligned()).
  void setAnchor(const Value* v, std::function<ExprRef()> value) {
    anchor_ = v;
    anchorValue_ = std::move(value);
  }
  ExprRef at(const Value* v, const std::vector<ExprRef>& idx);
  // A value loaded from its buffer (must be outside the group).
  ExprRef load(const Value* v, const std::vector<ExprRef>& idx);

 private:
  ExprRef nodeAt(const Node& n, const std::vector<ExprRef>& idx);
  const std::unordered_map<const Value*, ValueBuffer>& buffers_;
  std::unordered_map<const Value*, const Node*> producer_;
  const Value* anchor_ = nullptr;
  std::function<ExprRef()> anchorValue_;
};

// Injective indexing ops ExprBuilder inlines besides its own (InlineIndexing.cpp):
// GatherND, ReverseSequence, CenterCropPad, and Pad in edge/wrap/reflect mode.
bool canInlineIndexing(const Node& n);
// Their value at `idx`, operands built through `b`; null for any other node.
ExprRef inlineIndexingAt(ExprBuilder& b, const Node& n, const std::vector<ExprRef>& idx);

// Whether the ops between `from` (the anchor's result) and `to` (the group's
// output) are elementwise/broadcast and keep from's shape, so an epilogue can be
// applied to each accumulator element where it is computed.
bool isAligned(const Value* from, const Value* to, const std::vector<Node*>& nodes);

// The value a chain of reshape-like nodes (Reshape, Flatten, Squeeze,
// Unsqueeze, Identity) at the end of `nodes` starts from: `v` itself if none.
const Value* peelReshapes(const Value* v, const std::vector<Node*>& nodes);

// Whether ExprBuilder can inline this node (elementwise, broadcast and the
// injective ops it knows).
bool canInline(const Node& n);

// The scalar expression of an elementwise op applied to already-built operands.
ExprRef elementwiseExpr(const Node& n, const std::vector<ExprRef>& args);

// The pads of spatial dim `d` of a Conv or pooling node (auto_pad or pads;
// `spatial` is the number of spatial dims): leading and trailing.
int64_t leadingPad(const Node& n, size_t d, int64_t in, int64_t out, int64_t k, int64_t s, int64_t dil);
int64_t trailingPad(const Node& n, size_t d, size_t spatial, int64_t in, int64_t out, int64_t k, int64_t s,
                    int64_t dil);

// Emits `body(index)` for index in [0, extent), vectorized by `lanes` with a
// serial tail; lanes <= 1 gives a serial loop.
StmtRef vectorizedLoop(const std::string& name, int64_t extent, int lanes,
                       const std::function<StmtRef(const ExprRef&)>& body);
// As vectorizedLoop, but with extent >= lanes the tail is one more full
// vector ending at `extent` (overlapping the last chunk) instead of a serial
// loop. Only for bodies whose iterations store a value that depends on the
// index alone (no accumulation, no output read back), so running one twice is
// harmless.
StmtRef vectorizedLoopOverlapTail(const std::string& name, int64_t extent, int lanes,
                                  const std::function<StmtRef(const ExprRef&)>& body);
// A row of `extent` positions as tiles of `lanes` (tile(start, lanes)), then
// single positions for the remainder (tile(start, 1)); serial loops.
StmtRef tiledRow(int64_t extent, int lanes, const std::function<StmtRef(const ExprRef&, int)>& tile);
// A serial/parallel loop from 0 to extent, body given the loop variable.
StmtRef loop(const std::string& name, int64_t extent, kernel::LoopKind kind,
             const std::function<StmtRef(const ExprRef&)>& body);

}  // namespace dlc::cpu
