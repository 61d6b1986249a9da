// Template for Softmax and LogSoftmax along one axis, three passes over each
// row in one kernel: the row's max, the sum of exp(x - max), then the output
// (with a fused elementwise epilogue). Without an epilogue, Softmax stores the
// exponentials in the second pass and the third scales them by 1 / sum (one
// exp per element). Rows are the parallel loop; with an inner extent (axis not
// last) the rows are strided, else every pass is a vector loop over the row
// with lane-wide partial max and sum (knob vector_lanes).
#include <algorithm>
#include <cmath>
#include <functional>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleSoftmax(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& sm = *g.anchor;
  bool logSoft = sm.op() == "LogSoftmax";
  const Value* x = sm.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(sm.describe(), ": ", sm.op(), " of ", dtypeName(dt), " has no CPU schedule");
  Type t = scalarType(dt);
  int64_t rank = static_cast<int64_t>(ext.size());
  if (rank == 0) unsupported(sm.describe(), ": ", sm.op(), " of a scalar has no CPU schedule");
  int64_t axis = sm.attrInt("axis", -1);
  if (axis < 0) axis += rank;
  int64_t outer = 1, inner = 1, len = ext[static_cast<size_t>(axis)];
  for (int64_t i = 0; i < axis; ++i) outer *= ext[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= ext[static_cast<size_t>(i)];
  ExprBuilder prologue(ctx.buffers, nodesExcept(g, &sm));
  // x straight from its buffer when no prologue computes it: a dense load.
  bool xInGroup = false;
  for (const Node* n : g.nodes)
    for (const Value* o : n->outputs()) xInGroup |= n != &sm && o == x;
  BufferRef xb = xInGroup ? nullptr : ctx.buffers.at(x).buffer;
  // No epilogue: the exponentials go straight to the output in the second pass,
  // and the third only scales them.
  bool direct = peelReshapes(g.output, g.nodes) == sm.output(0);
  BufferRef out = ctx.buffers.at(g.output).buffer;
  BufferRef acc = makeBuffer("acc", dt, 2, MemScope::Register);
  LoopKind kind = outer * inner * len >= ctx.knob(g, "parallel_min_elements", 1 << 14) && outer * inner > 1
                      ? LoopKind::Parallel : LoopKind::Serial;
  // Contiguous rows (axis last): the max and the sum run in `lanes` partial
  // results (laneReduce), so all three passes are vector loops.
  int lanes = inner == 1 && len >= ctx.spec.floatLanes() && dt == DType::Float32
                  ? static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes())) : 1;
  BufferRef part = makeBuffer("part", dt, std::max(lanes, 1), MemScope::Register);
  return loop("row", outer * inner, kind, [&](const ExprRef& row) {
    ExprRef o = binary(BinOp::Div, row, intImm(inner)), in = binary(BinOp::Mod, row, intImm(inner));
    auto linear = [&](const ExprRef& l) { return inner == 1 ? row * len + l : (o * len + l) * inner + in; };
    auto index = [&](const ExprRef& l) { return delinearize(linear(l), ext); };
    auto xAt = [&](const ExprRef& l) { return xb ? load(xb, linear(l)) : prologue.at(x, index(l)); };
    ExprRef m = load(acc, intImm(0)), s = load(acc, intImm(1));
    auto maxOf = [](const ExprRef& a, const ExprRef& b) { return kernel::max(a, b); };
    auto sumOf = [](const ExprRef& a, const ExprRef& b) { return a + b; };
    auto expAt = [&](const ExprRef& l) { return call(Intrinsic::Exp, {xAt(l) - m}); };
    bool storeExp = direct && !logSoft;
    std::vector<StmtRef> body;
    body.push_back(laneReduce("l", len, lanes, part, acc, intImm(0), floatImm(-INFINITY, t), maxOf, xAt));
    body.push_back(laneReduce("s", len, lanes, part, acc, intImm(1), floatImm(0, t), sumOf, expAt,
                              storeExp ? std::function<StmtRef(const ExprRef&)>(
                                             [&](const ExprRef& l) { return store(out, linear(l), expAt(l)); })
                                       : nullptr));
    ExprRef scale = storeExp ? binary(BinOp::Div, floatImm(1, t), s) : nullptr;
    ExprRef logSum = logSoft ? call(Intrinsic::Log, {s}) : nullptr;
    body.push_back(vectorizedLoop("l", len, lanes, [&](const ExprRef& l) {
      if (storeExp) return store(out, linear(l), load(out, linear(l)) * scale);
      ExprRef v = logSoft ? xAt(l) - m - logSum : binary(BinOp::Div, expAt(l), s);
      if (direct) return store(out, linear(l), v);
      return storeThroughEpilogue(g, ctx, index(l), v);
    }));
    return allocate(acc, allocate(part, seq(body)));
  });
}

}  // namespace dlc::cpu
