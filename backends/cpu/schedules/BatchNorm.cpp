// Template for BatchNormalization at inference when it was not folded into a
// producer: per (n, channel), scale = s / sqrt(var + eps) and shift =
// b - mean * scale in f64 (as the reference), then y = x * scale + shift over
// the channel's spatial elements (vectorized), with a fused elementwise
// epilogue. (n, channel) pairs are the parallel loop.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleBatchNorm(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& bn = *g.anchor;
  if (bn.attrInt("training_mode", 0) != 0 || bn.numOutputs() > 1)
    unsupported(bn.describe(), ": BatchNormalization in training mode has no CPU schedule");
  const Value* x = bn.input(0);
  std::vector<int64_t> ext = staticExtents(*x);
  DType dt = x->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(bn.describe(), ": BatchNormalization of ", dtypeName(dt), " has no CPU schedule");
  if (ext.size() < 2) unsupported(bn.describe(), ": BatchNormalization of rank < 2 has no CPU schedule");
  int64_t N = ext[0], C = ext[1], inner = 1;
  for (size_t i = 2; i < ext.size(); ++i) inner *= ext[i];
  for (size_t i = 1; i < 5; ++i)
    if (!bn.input(i) || numElements(staticExtents(*bn.input(i))) != C || !isFloat(bn.input(i)->type().dtype))
      unsupported(bn.describe(), ": BatchNormalization input ", i, " must have ", C, " float elements");
  if (N * C * inner == 0) return seq({});
  Type f64{DType::Float64, 1};
  auto param = [&](size_t i, const ExprRef& c) {
    ExprRef v = load(ctx.buffers.at(bn.input(i)).buffer, c);
    return v->type == f64 ? v : cast(f64, v);
  };
  double eps = bn.attrFloat("epsilon", 1e-5);
  BufferRef xb = ctx.buffers.at(x).buffer;
  BufferRef ss = makeBuffer("ss", DType::Float64, 2, MemScope::Register);  // scale, shift
  LoopKind kind = N * C * inner >= ctx.knob(g, "parallel_min_elements", 1 << 15) && N * C > 1 ? LoopKind::Parallel
                                                                                           : LoopKind::Serial;
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  return loop("nc", N * C, kind, [&](const ExprRef& nc) {
    ExprRef c = binary(BinOp::Mod, nc, intImm(C));
    ExprRef scale = load(ss, intImm(0)), shift = load(ss, intImm(1));
    StmtRef setScale = store(ss, intImm(0), binary(BinOp::Div, param(1, c),
                                                   call(Intrinsic::Sqrt, {param(4, c) + floatImm(eps, f64)})));
    StmtRef setShift = store(ss, intImm(1), param(2, c) - param(3, c) * scale);
    StmtRef body = vectorizedLoop("i", inner, lanes, [&](const ExprRef& i) {
      ExprRef off = nc * inner + i;
      ExprRef v = load(xb, off);
      if (dt != DType::Float64) v = cast(f64, v);
      ExprRef y = v * scale + shift;
      if (dt != DType::Float64) y = cast(scalarType(dt), y);
      return storeAtLinear(g, ctx, off, ext, y);
    });
    return allocate(ss, seq({setScale, setShift, body}));
  });
}

}  // namespace dlc::cpu
