// Template for AffineGrid: the sampling grid [N, spatial..., R] of affine
// transforms theta [N, R, R + 1] (size constant).
//
// Loop nest: the grid points (n, spatial...) are one parallel loop, the R
// output coordinates the inner loop; each is the dot product of a row of theta
// with the point's homogeneous normalized coordinates (x follows the last
// dim), summed in f64 in the reference's order.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

StmtRef scheduleAffineGrid(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& ag = *g.anchor;
  const Value* tv = ag.input(0);
  std::vector<int64_t> te = staticExtents(*tv), oe = staticExtents(*ag.output(0));
  DType dt = tv->type().dtype;
  if (!isFloat(dt)) unsupported(ag.describe(), ": AffineGrid of ", dtypeName(dt), " has no CPU schedule");
  auto R = static_cast<int64_t>(oe.size()) - 2;
  if (R < 1 || oe.back() != R || te.size() != 3 || te[0] != oe[0] || te[1] != R || te[2] != R + 1)
    unsupported(ag.describe(), ": AffineGrid shapes do not match");
  bool align = ag.attrInt("align_corners", 0) != 0;
  std::vector<int64_t> dims(oe.begin() + 1, oe.end() - 1);
  int64_t total = numElements(oe);
  if (total == 0) return seq({});
  Type f64{DType::Float64, 1}, ot = scalarType(dt);
  auto dimm = [&](double v) { return floatImm(v, f64); };
  // The normalized coordinate of index i along a dim of n points.
  auto coord = [&](const ExprRef& i, int64_t n) -> ExprRef {
    ExprRef fi = cast(f64, i);
    if (align)
      return n == 1 ? dimm(-1.0) : dimm(-1.0) + binary(BinOp::Div, dimm(2.0) * fi, dimm(static_cast<double>(n - 1)));
    double step = 2.0 / static_cast<double>(n);
    return dimm(-1.0 + step / 2) + fi * dimm(step);
  };
  BufferRef T = ctx.buffers.at(tv).buffer;
  int64_t points = total / R;
  std::vector<int64_t> pointExt(oe.begin(), oe.end() - 1);
  LoopKind kind =
      total >= ctx.knob(g, "parallel_min_elements", 1 << 15) && points > 1 ? LoopKind::Parallel : LoopKind::Serial;
  return loop("p", points, kind, [&](const ExprRef& p) {
    std::vector<ExprRef> head = delinearize(p, pointExt);  // n, spatial...
    std::vector<ExprRef> h(static_cast<size_t>(R + 1));
    for (int64_t d = 0; d < R; ++d)
      h[static_cast<size_t>(R - 1 - d)] = coord(head[static_cast<size_t>(d + 1)], dims[d]);
    return loop("r", R, LoopKind::Serial, [&](const ExprRef& r) {
      ExprRef row = (head[0] * R + r) * (R + 1);
      ExprRef acc;
      for (int64_t k = 0; k <= R; ++k) {
        ExprRef th = cast(f64, load(T, row + intImm(k)));
        ExprRef term = k == R ? th * dimm(1.0) : th * h[static_cast<size_t>(k)];
        acc = acc ? acc + term : term;
      }
      std::vector<ExprRef> idx = head;
      idx.push_back(r);
      return storeThroughEpilogue(g, ctx, idx, cast(ot, acc));
    });
  });
}

}  // namespace dlc::cpu
