// Template for Split: one kernel writes every output. Output k is the slab
// [off_k, off_k + s_k) of the split axis; viewed as [outer, s_k * inner] it
// reads row o of the input at o * dim * inner + off_k * inner. Per output:
// rows parallel when there is enough work, the contiguous row vectorized.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleSplit(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& sp = *g.anchor;
  const Value* x = sp.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  int64_t rank = static_cast<int64_t>(ext.size());
  int64_t axis = sp.attrInt("axis", 0);
  if (axis < 0) axis += rank;
  int64_t outer = 1, inner = 1, dim = ext[static_cast<size_t>(axis)];
  for (int64_t i = 0; i < axis; ++i) outer *= ext[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= ext[static_cast<size_t>(i)];
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  int64_t minParallel = ctx.knob(g, "parallel_min_elements", 1 << 15);
  const BufferRef& in = ctx.buffers.at(x).buffer;
  std::vector<StmtRef> body;
  int64_t off = 0;
  for (size_t k = 0; k < sp.numOutputs(); ++k) {
    const Value* y = sp.output(k);
    int64_t s = y ? staticExtents(*y)[static_cast<size_t>(axis)] : 0;
    if (y && s * inner * outer > 0) {
      const BufferRef& out = ctx.buffers.at(y).buffer;
      int64_t row = s * inner;
      LoopKind kind = outer * row >= minParallel && outer > 1 ? LoopKind::Parallel : LoopKind::Serial;
      body.push_back(loop("o" + std::to_string(k), outer, kind, [&](const ExprRef& o) {
        return vectorizedLoop("i", row, lanes, [&](const ExprRef& i) {
          return store(out, o * row + i, load(in, o * (dim * inner) + intImm(off * inner) + i));
        });
      }));
    }
    off += s;
  }
  if (off != dim) unsupported(sp.describe(), ": Split outputs cover ", off, " of ", dim, " elements");
  return seq(body);
}

}  // namespace dlc::cpu
