// Template for MaxUnpool (kernel_shape, strides, pads, optional output_shape):
// the output is zeroed, then each input element is stored where its index
// points. Indices address the default-shaped output ((in - 1) * stride - pads
// + kernel per spatial dim); a larger output_shape places that result at the
// origin, so each index is re-linearized into the output's extents.
//
//   for plane                                  (parallel when large)
//     for i: y[plane, i] = 0                   (vectorized)
//   for i in x: j = indices[i]                 (serial: later writes win)
//     if 0 <= j < |default output|: y[relinearize(j)] = x[i]
//
// Indices out of range are skipped (the reference raises an error).
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleMaxUnpool(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& u = *grp.anchor;
  if (grp.nodes.size() != 1) unsupported(u.describe(), ": MaxUnpool with a fused epilogue has no CPU schedule");
  std::vector<int64_t> x = staticExtents(*u.input(0)), ye = staticExtents(*u.output(0));
  DType dt = u.input(0)->type().dtype, it = u.input(1)->type().dtype;
  if (it != DType::Int64 && it != DType::Int32)
    unsupported(u.describe(), ": MaxUnpool with ", dtypeName(it), " indices has no CPU schedule");
  size_t r = x.size() - 2;
  std::vector<int64_t> ks = u.attrInts("kernel_shape", {});
  std::vector<int64_t> st = u.attrInts("strides", std::vector<int64_t>(r, 1));
  std::vector<int64_t> pads = u.attrInts("pads", std::vector<int64_t>(2 * r, 0));
  std::vector<int64_t> def = {x[0], x[1]};
  for (size_t i = 0; i < r; ++i) def.push_back((x[2 + i] - 1) * st.at(i) - pads.at(i) - pads.at(i + r) + ks.at(i));
  if (def.size() != ye.size()) unsupported(u.describe(), ": MaxUnpool output rank differs from the input's");
  for (size_t i = 0; i < def.size(); ++i)
    if (ye[i] < def[i]) unsupported(u.describe(), ": MaxUnpool output_shape smaller than the default output");
  const ValueBuffer& X = ctx.buffers.at(u.input(0));
  const ValueBuffer& I = ctx.buffers.at(u.input(1));
  const ValueBuffer& Y = ctx.buffers.at(u.output(0));
  Type t = scalarType(dt);
  int64_t total = numElements(ye), planes = ye[0] * ye[1], plane = planes ? total / planes : 0;
  int64_t defTotal = numElements(def);
  int lanes = static_cast<int>(ctx.knob(grp, "vector_lanes", ctx.spec.floatLanes()));
  LoopKind fillKind = total >= ctx.knob(grp, "parallel_min_elements", 1 << 15) && planes > 1 ? LoopKind::Parallel
                                                                                          : LoopKind::Serial;
  StmtRef fill = loop("pl", planes, fillKind, [&](const ExprRef& pl) {
    return vectorizedLoop("i", plane, lanes, [&](const ExprRef& i) { return store(Y.buffer, pl * plane + i, constant(t, 0)); });
  });
  StmtRef scatter = loop("i", numElements(x), LoopKind::Serial, [&](const ExprRef& i) {
    ExprRef j = load(I.buffer, i);
    if (it != DType::Int64) j = cast(i64(), j);
    ExprRef ok = binary(BinOp::And, binary(BinOp::GE, j, intImm(0)), binary(BinOp::LT, j, intImm(defTotal)));
    ExprRef dst = def == ye ? j : linearize(delinearize(j, def), ye);
    return ifThenElse(ok, store(Y.buffer, dst, load(X.buffer, i)));
  });
  return seq({fill, scatter});
}

}  // namespace dlc::cpu
