// Template for CumSum along a constant axis (exclusive, reverse), the running
// sums in f64 for floats (as the reference) and in the input's type for
// integers. Axis last (or short inner extent): one line of the axis per
// parallel iteration, its sum in a register. Otherwise: per outer index, a
// scratch row of inner sums, the inner loop vectorized inside the axis walk.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleCumSum(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& cs = *g.anchor;
  const Value* x = cs.input(0);
  const Value* axisIn = cs.input(1);
  if (!axisIn || axisIn->kind() != Value::Kind::Constant || axisIn->constant().numel() != 1 ||
      !isInteger(axisIn->constant().dtype()))
    unsupported(cs.describe(), ": CumSum with a runtime axis has no CPU schedule");
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt == DType::Bool || dt == DType::Float16 || dt == DType::BFloat16 || !(isFloat(dt) || isInteger(dt)))
    unsupported(cs.describe(), ": CumSum of ", dtypeName(dt), " has no CPU schedule");
  int64_t rank = static_cast<int64_t>(ext.size());
  int64_t axis = axisIn->constant().getInt64(0);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) unsupported(cs.describe(), ": CumSum axis out of range");
  bool exclusive = cs.attrInt("exclusive", 0) != 0, reverse = cs.attrInt("reverse", 0) != 0;
  int64_t outer = 1, len = ext[static_cast<size_t>(axis)], inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= ext[static_cast<size_t>(i)];
  for (int64_t i = axis + 1; i < rank; ++i) inner *= ext[static_cast<size_t>(i)];
  if (outer * inner * len == 0) return seq({});
  Type acct = isFloat(dt) ? Type{DType::Float64, 1} : scalarType(dt);
  BufferRef acc = makeBuffer("acc", acct.scalar, 1, MemScope::Register);
  BufferRef xb = ctx.buffers.at(x).buffer;
  LoopKind kind = outer * inner * len >= ctx.knob(g, "parallel_min_elements", 1 << 14) && outer * inner > 1
                      ? LoopKind::Parallel : LoopKind::Serial;
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  auto step = [&](const ExprRef& sum, const ExprRef& off, StmtRef add) {
    ExprRef s = sum->type.scalar == dt ? sum : cast(scalarType(dt), sum);
    StmtRef out = storeAtLinear(g, ctx, off, ext, s);
    return exclusive ? seq({out, add}) : seq({add, out});
  };
  auto value = [&](const ExprRef& off) {
    ExprRef v = load(xb, off);
    return v->type == acct ? v : cast(acct, v);
  };
  if (inner >= lanes && lanes > 1 && inner <= ctx.knob(g, "max_scratch_elements", 8192)) {
    // Axis not last: per outer index, a scratch row of `inner` running sums,
    // the inner loop vectorized (dense loads and stores) inside the axis walk.
    kind = outer > 1 && kind == LoopKind::Parallel ? LoopKind::Parallel : LoopKind::Serial;
    BufferRef row = makeBuffer("sums", acct.scalar, inner, MemScope::Local);
    return loop("o", outer, kind, [&](const ExprRef& o) {
      StmtRef zero = vectorizedLoop("i", inner, lanes, [&](const ExprRef& i) { return store(row, i, constant(acct, 0)); });
      StmtRef walk = loop("j", len, LoopKind::Serial, [&](const ExprRef& j) {
        ExprRef jj = reverse ? intImm(len - 1) - j : j;
        return vectorizedLoop("i", inner, lanes, [&](const ExprRef& i) {
          ExprRef off = (o * len + jj) * inner + i;
          return step(load(row, i), off, store(row, i, load(row, i) + value(off)));
        });
      });
      return allocate(row, seq({zero, walk}));
    });
  }
  return loop("line", outer * inner, kind, [&](const ExprRef& line) {
    ExprRef o = binary(BinOp::Div, line, intImm(inner)), in = binary(BinOp::Mod, line, intImm(inner));
    ExprRef sum = load(acc, intImm(0));
    StmtRef walk = loop("j", len, LoopKind::Serial, [&](const ExprRef& j) {
      ExprRef jj = reverse ? intImm(len - 1) - j : j;
      ExprRef off = (o * len + jj) * inner + in;
      return step(sum, off, store(acc, intImm(0), sum + value(off)));
    });
    return allocate(acc, seq({store(acc, intImm(0), constant(acct, 0)), walk}));
  });
}

}  // namespace dlc::cpu
