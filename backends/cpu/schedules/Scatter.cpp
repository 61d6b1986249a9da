// Template for ScatterElements and ScatterND (reduction none/add/mul/max/min).
// The output starts as a copy of the data (vectorized), then each update is
// combined into the element (ScatterElements) or slice (ScatterND, the slice
// loop vectorized) its index addresses, in the order of the indices, so later
// duplicates win as in the reference. ScatterElements rows before the axis
// address disjoint output rows, so they are the parallel loop; ScatterND
// tuples may collide and run serially. Indices are wrapped from [-dim, dim)
// and clamped, so every store is in bounds.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

// The element at `i` (negative from the end), clamped into [0, dim).
ExprRef wrapIndex(ExprRef k, int64_t dim) {
  if (k->type.scalar != DType::Int64) k = cast(i64(), k);
  k = select(binary(BinOp::LT, k, intImm(0)), k + intImm(dim), k);
  return kernel::min(kernel::max(k, intImm(0)), intImm(std::max<int64_t>(dim - 1, 0)));
}

ExprRef combine(const std::string& red, const ExprRef& cur, const ExprRef& upd) {
  if (red == "none") return upd;
  if (red == "add") return cur + upd;
  if (red == "mul") return cur * upd;
  if (red == "max") return select(binary(BinOp::LT, cur, upd), upd, cur);  // std::max(cur, upd)
  return select(binary(BinOp::LT, upd, cur), upd, cur);                     // min: std::min(cur, upd)
}

}  // namespace

StmtRef scheduleScatter(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& sc = *g.anchor;
  const Value *x = sc.input(0), *ind = sc.input(1), *upd = sc.input(2);
  std::string red = sc.attrString("reduction", "none");
  DType dt = x->type().dtype;
  if (red != "none" && red != "add" && red != "mul" && red != "max" && red != "min")
    unsupported(sc.describe(), ": ", sc.op(), " reduction '", red, "' has no CPU schedule");
  if (red != "none" && (dt == DType::Bool || dt == DType::Float16 || dt == DType::BFloat16))
    unsupported(sc.describe(), ": ", sc.op(), " reduction on ", dtypeName(dt), " has no CPU schedule");
  std::vector<int64_t> ext = staticExtents(*x), iext = staticExtents(*ind);
  int64_t rank = static_cast<int64_t>(ext.size());
  const BufferRef& out = ctx.buffers.at(sc.output(0)).buffer;
  const BufferRef& data = ctx.buffers.at(x).buffer;
  const BufferRef& indices = ctx.buffers.at(ind).buffer;
  const BufferRef& updates = ctx.buffers.at(upd).buffer;
  int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
  int64_t total = numElements(ext);
  std::vector<StmtRef> body;
  body.push_back(vectorizedLoop("c", total, lanes, [&](const ExprRef& i) { return store(out, i, load(data, i)); }));
  auto apply = [&](const ExprRef& at, const ExprRef& u) { return store(out, at, combine(red, load(out, at), u)); };
  if (sc.op() == "ScatterElements") {
    if (static_cast<int64_t>(iext.size()) != rank || staticExtents(*upd) != iext)
      unsupported(sc.describe(), ": ScatterElements with mismatched ranks or shapes");
    int64_t axis = sc.attrInt("axis", 0);
    if (axis < 0) axis += rank;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && iext[static_cast<size_t>(d)] > ext[static_cast<size_t>(d)])
        unsupported(sc.describe(), ": ScatterElements indices exceed the data at dim ", d);
    // Rows: index dims before the axis; each row scatters along the axis into its own output row.
    int64_t rows = 1, rest = 1;
    for (int64_t d = 0; d < rank; ++d) (d < axis ? rows : rest) *= iext[static_cast<size_t>(d)];
    std::vector<int64_t> rowExt(iext.begin(), iext.begin() + axis), restExt(iext.begin() + axis, iext.end());
    LoopKind kind = rows > 1 && rows * rest >= ctx.knob(g, "parallel_min_elements", 1 << 15) ? LoopKind::Parallel
                                                                                             : LoopKind::Serial;
    if (rows * rest > 0)
      body.push_back(loop("r", rows, kind, [&](const ExprRef& r) {
        return loop("k", rest, LoopKind::Serial, [&](const ExprRef& k) {
          std::vector<ExprRef> idx = delinearize(r, rowExt), tail = delinearize(k, restExt);
          idx.insert(idx.end(), tail.begin(), tail.end());
          ExprRef lin = linearize(idx, iext);
          idx[static_cast<size_t>(axis)] = wrapIndex(load(indices, lin), ext[static_cast<size_t>(axis)]);
          return apply(linearize(idx, ext), load(updates, lin));
        });
      }));
  } else {
    // ScatterND: indices [tuples..., m] address slices of data[m:].
    int64_t m = iext.back();
    if (m < 1 || m > rank) unsupported(sc.describe(), ": ScatterND tuple length ", m, " for data rank ", rank);
    int64_t tuples = numElements(iext) / m, slice = 1;
    for (int64_t d = m; d < rank; ++d) slice *= ext[static_cast<size_t>(d)];
    if (numElements(staticExtents(*upd)) != tuples * slice)
      unsupported(sc.describe(), ": ScatterND updates do not match the indices");
    if (tuples * slice > 0)
      body.push_back(loop("t", tuples, LoopKind::Serial, [&](const ExprRef& t) {
        ExprRef off = intImm(0);
        for (int64_t j = 0; j < m; ++j)
          off = off * ext[static_cast<size_t>(j)] + wrapIndex(load(indices, t * m + intImm(j)), ext[static_cast<size_t>(j)]);
        off = off * slice;
        return vectorizedLoop("s", slice, lanes, [&](const ExprRef& s) {
          return apply(off + s, load(updates, t * slice + s));
        });
      }));
  }
  body.push_back(epilogueFromBuffer(g, ctx));
  return seq(body);
}

}  // namespace dlc::cpu
