// Indexing ops: Gather, GatherElements, GatherND, ScatterND, ScatterElements,
// Slice, Compress, NonZero, Trilu, ReverseSequence. Elements move as raw bytes;
// only the scatter reductions compute, in the element type.
#include <cmath>
#include <limits>

#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

// An index value in [-extent, extent) -> [0, extent); throws naming the node.
int64_t checkIndex(const Node& node, int64_t i, int64_t extent) {
  DLC_CHECK(i >= -extent && i < extent, node.describe(), ": index ", i, " out of range for extent ", extent);
  return i < 0 ? i + extent : i;
}

std::vector<int64_t> indexValues(const Node& node, const Tensor& t) {
  requireIntegerInput(node, t, "indices");
  return toInt64Vector(t);
}

// ---- Gather ----

void inferGather(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  const TensorType& ind = ctx.in(1);
  if (!x.ranked || !ind.ranked) {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  auto axis = static_cast<size_t>(normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank()));
  Shape s(x.shape.begin(), x.shape.begin() + static_cast<std::ptrdiff_t>(axis));
  s.insert(s.end(), ind.shape.begin(), ind.shape.end());
  s.insert(s.end(), x.shape.begin() + static_cast<std::ptrdiff_t>(axis) + 1, x.shape.end());
  ctx.outputs = {TensorType(x.dtype, s)};
}

void refGather(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank());
  std::vector<int64_t> idx = indexValues(ctx.node, ind);
  std::vector<int64_t> ext(x.extents().begin(), x.extents().begin() + axis);
  ext.insert(ext.end(), ind.extents().begin(), ind.extents().end());
  ext.insert(ext.end(), x.extents().begin() + axis + 1, x.extents().end());
  Tensor out(x.dtype(), ext);
  int64_t outer = 1, inner = 1, extent = x.dim(axis);
  for (int64_t d = 0; d < axis; ++d) outer *= x.dim(d);
  for (int64_t d = axis + 1; d < x.rank(); ++d) inner *= x.dim(d);
  for (int64_t& i : idx) i = checkIndex(ctx.node, i, extent);
  size_t chunk = static_cast<size_t>(inner) * dtypeSize(x.dtype());
  const auto* src = static_cast<const uint8_t*>(x.rawData());
  auto* dst = static_cast<uint8_t*>(out.rawData());
  for (int64_t o = 0; o < outer && chunk > 0; ++o)
    for (size_t k = 0; k < idx.size(); ++k)
      std::memcpy(dst + (static_cast<size_t>(o) * idx.size() + k) * chunk,
                  src + static_cast<size_t>(o * extent + idx[k]) * chunk, chunk);
  ctx.outputs = {out};
}

// ---- GatherElements ----

void refGatherElements(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  DLC_CHECK(x.rank() == ind.rank(), ctx.node.describe(), ": data and indices ranks differ (", x.rank(), " vs ",
            ind.rank(), ")");
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank());
  std::vector<int64_t> idx = indexValues(ctx.node, ind);
  std::vector<int64_t> st = stridesOf(x.extents());
  std::vector<int64_t> indStrides = stridesOf(ind.extents());
  Tensor out(x.dtype(), ind.extents());
  copyFromOffsets(x, out, [&](const std::vector<int64_t>& i) {
    int64_t off = 0;
    int64_t k = offsetOf(i, indStrides);
    for (size_t d = 0; d < i.size(); ++d) {
      int64_t v = static_cast<int64_t>(d) == axis ? checkIndex(ctx.node, idx[static_cast<size_t>(k)], x.dim(axis))
                                                  : i[d];
      DLC_CHECK(v < x.dim(static_cast<int64_t>(d)), ctx.node.describe(), ": indices shape exceeds data at dim ", d);
      off += v * st[d];
    }
    return off;
  });
  ctx.outputs = {out};
}

// ---- GatherND / ScatterND ----

struct NDLayout {
  int64_t batch = 1;       // product of the batch dims
  int64_t tuples = 1;      // index tuples per batch
  int64_t m = 0;           // tuple length
  int64_t slice = 1;       // elements per gathered slice
  int64_t batchStride = 0; // data elements per batch
  std::vector<int64_t> tupleExtents;  // data dims addressed by a tuple
  std::vector<int64_t> tupleStrides;
};

NDLayout ndLayout(const Node& node, const std::vector<int64_t>& data, const std::vector<int64_t>& ind, int64_t b) {
  auto r = static_cast<int64_t>(data.size()), q = static_cast<int64_t>(ind.size());
  DLC_CHECK(q >= 1 && r >= 1, node.describe(), ": data and indices must have rank >= 1");
  DLC_CHECK(b >= 0 && b < std::min(q, r), node.describe(), ": batch_dims ", b, " must be below both ranks");
  NDLayout l;
  l.m = ind.back();
  DLC_CHECK(l.m >= 1 && l.m <= r - b, node.describe(), ": indices last dim ", l.m, " must be in [1, ", r - b, "]");
  for (int64_t d = 0; d < b; ++d) {
    DLC_CHECK(data[static_cast<size_t>(d)] == ind[static_cast<size_t>(d)], node.describe(),
              ": batch dim ", d, " differs between data and indices");
    l.batch *= data[static_cast<size_t>(d)];
  }
  for (int64_t d = b; d < q - 1; ++d) l.tuples *= ind[static_cast<size_t>(d)];
  for (int64_t d = b + l.m; d < r; ++d) l.slice *= data[static_cast<size_t>(d)];
  l.tupleExtents.assign(data.begin() + b, data.begin() + b + l.m);
  std::vector<int64_t> st = stridesOf(data);
  l.tupleStrides.assign(st.begin() + b, st.begin() + b + l.m);
  l.batchStride = b > 0 ? st[static_cast<size_t>(b - 1)] : 0;
  return l;
}

// Data offset of tuple t of batch n.
int64_t tupleOffset(const Node& node, const NDLayout& l, const std::vector<int64_t>& idx, int64_t n, int64_t t) {
  int64_t off = n * l.batchStride;
  const int64_t* tuple = &idx[static_cast<size_t>((n * l.tuples + t) * l.m)];
  for (int64_t j = 0; j < l.m; ++j)
    off += checkIndex(node, tuple[j], l.tupleExtents[static_cast<size_t>(j)]) * l.tupleStrides[static_cast<size_t>(j)];
  return off;
}

void inferGatherND(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  const TensorType& ind = ctx.in(1);
  if (!x.ranked || !ind.ranked || ind.rank() == 0 || !ind.shape.back().isStatic()) {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  int64_t b = ctx.node.attrInt("batch_dims", 0);
  int64_t m = ind.shape.back().value;
  DLC_CHECK(b >= 0 && m >= 1 && b + m <= x.rank(), ctx.node.describe(), ": indices last dim ", m,
            " and batch_dims ", b, " do not fit data rank ", x.rank());
  Shape s(ind.shape.begin(), ind.shape.end() - 1);
  s.insert(s.end(), x.shape.begin() + b + m, x.shape.end());
  ctx.outputs = {TensorType(x.dtype, s)};
}

void refGatherND(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  int64_t b = ctx.node.attrInt("batch_dims", 0);
  NDLayout l = ndLayout(ctx.node, x.extents(), ind.extents(), b);
  std::vector<int64_t> idx = indexValues(ctx.node, ind);
  std::vector<int64_t> ext(ind.extents().begin(), ind.extents().end() - 1);
  ext.insert(ext.end(), x.extents().begin() + b + l.m, x.extents().end());
  Tensor out(x.dtype(), ext);
  size_t es = dtypeSize(x.dtype());
  size_t chunk = static_cast<size_t>(l.slice) * es;
  const auto* src = static_cast<const uint8_t*>(x.rawData());
  auto* dst = static_cast<uint8_t*>(out.rawData());
  for (int64_t n = 0; n < l.batch; ++n)
    for (int64_t t = 0; t < l.tuples; ++t) {
      int64_t off = tupleOffset(ctx.node, l, idx, n, t);
      if (chunk) std::memcpy(dst + static_cast<size_t>(n * l.tuples + t) * chunk, src + static_cast<size_t>(off) * es, chunk);
    }
  ctx.outputs = {out};
}

// How ScatterND / ScatterElements combine an update with the current value.
enum class Reduction { None, Add, Mul, Max, Min };

Reduction parseReduction(const Node& node) {
  std::string r = node.attrString("reduction", "none");
  if (r == "none") return Reduction::None;
  if (r == "add") return Reduction::Add;
  if (r == "mul") return Reduction::Mul;
  if (r == "max") return Reduction::Max;
  if (r == "min") return Reduction::Min;
  fail(node.describe(), ": unknown reduction '", r, "'");
}

// Applies `updates[i]` to `out[j]` for each (i, j) pair that `visit` produces.
template <typename Visit>
void scatterInto(const Node& node, Tensor& out, const Tensor& updates, Reduction red, Visit visit) {
  DLC_CHECK(out.dtype() == updates.dtype(), node.describe(), ": updates dtype ", dtypeName(updates.dtype()),
            " differs from data dtype ", dtypeName(out.dtype()));
  if (red == Reduction::None) {
    visit([&](int64_t i, int64_t j) { copyElement(updates, i, out, j); });
    return;
  }
  dispatchDType(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      unsupported(node.describe(), ": reduction on bool");
    } else {
      T* o = out.data<T>();
      const T* u = updates.data<T>();
      visit([&](int64_t i, int64_t j) {
        CalcT<T> a = loadAs<T>(o, j), v = loadAs<T>(u, i);
        switch (red) {
          case Reduction::Add: a = a + v; break;
          case Reduction::Mul: a = a * v; break;
          case Reduction::Max: a = std::max(a, v); break;
          case Reduction::Min: a = std::min(a, v); break;
          case Reduction::None: break;
        }
        storeAs<T>(o, j, a);
      });
    }
  });
}

void refScatterND(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  const Tensor& upd = ctx.in(2);
  NDLayout l = ndLayout(ctx.node, x.extents(), ind.extents(), 0);
  std::vector<int64_t> expect(ind.extents().begin(), ind.extents().end() - 1);
  expect.insert(expect.end(), x.extents().begin() + l.m, x.extents().end());
  DLC_CHECK(upd.extents() == expect, ctx.node.describe(), ": updates shape ", upd.type().str(),
            " does not match ", TensorType::fromExtents(x.dtype(), expect).str());
  std::vector<int64_t> idx = indexValues(ctx.node, ind);
  Tensor out = x.clone();
  scatterInto(ctx.node, out, upd, parseReduction(ctx.node), [&](auto apply) {
    for (int64_t t = 0; t < l.tuples; ++t) {
      int64_t off = tupleOffset(ctx.node, l, idx, 0, t);
      for (int64_t s = 0; s < l.slice; ++s) apply(t * l.slice + s, off + s);
    }
  });
  ctx.outputs = {out};
}

void refScatterElements(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& ind = ctx.in(1);
  const Tensor& upd = ctx.in(2);
  DLC_CHECK(ind.extents() == upd.extents(), ctx.node.describe(), ": indices and updates shapes differ");
  DLC_CHECK(x.rank() == ind.rank(), ctx.node.describe(), ": data and indices ranks differ");
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank());
  std::vector<int64_t> idx = indexValues(ctx.node, ind);
  std::vector<int64_t> st = stridesOf(x.extents());
  Tensor out = x.clone();
  scatterInto(ctx.node, out, upd, parseReduction(ctx.node), [&](auto apply) {
    forEachIndex(ind.extents(), [&](const std::vector<int64_t>& i, int64_t k) {
      int64_t off = 0;
      for (size_t d = 0; d < i.size(); ++d) {
        int64_t v = static_cast<int64_t>(d) == axis ? checkIndex(ctx.node, idx[static_cast<size_t>(k)], x.dim(axis))
                                                    : i[d];
        DLC_CHECK(v < x.dim(static_cast<int64_t>(d)), ctx.node.describe(), ": indices shape exceeds data at dim ", d);
        off += v * st[d];
      }
      apply(k, off);
    });
  });
  ctx.outputs = {out};
}

// ---- Slice ----

struct SliceAxis {
  int64_t start = 0, step = 1, count = 0;
};

// Clamped start and element count of slicing an axis of `extent`.
SliceAxis sliceAxis(const Node& node, int64_t start, int64_t end, int64_t step, int64_t extent) {
  DLC_CHECK(step != 0, node.describe(), ": slice step must be non-zero");
  step = std::max(step, -std::numeric_limits<int64_t>::max());  // so that -step exists
  int64_t s = start < 0 ? std::max<int64_t>(start, -extent) + extent : start;
  int64_t e = end < 0 ? std::max<int64_t>(end, INT64_MIN + extent) + extent : end;
  SliceAxis a;
  a.step = step;
  if (step > 0) {
    s = std::clamp<int64_t>(s, 0, extent);
    e = std::clamp<int64_t>(e, 0, extent);
    a.count = e > s ? (e - s + step - 1) / step : 0;
  } else {
    s = std::clamp<int64_t>(s, 0, extent - 1);
    e = std::clamp<int64_t>(e, -1, extent - 1);
    a.count = s > e ? (s - e + (-step) - 1) / (-step) : 0;
  }
  a.start = s;
  return a;
}

struct SliceParams {
  std::vector<int64_t> starts, ends, axes, steps;
};

SliceParams sliceParams(const Node& node, int64_t rank, std::vector<int64_t> starts, std::vector<int64_t> ends,
                        std::optional<std::vector<int64_t>> axes, std::optional<std::vector<int64_t>> steps) {
  DLC_CHECK(starts.size() == ends.size(), node.describe(), ": starts and ends lengths differ");
  SliceParams p{std::move(starts), std::move(ends), {}, {}};
  if (axes) {
    DLC_CHECK(axes->size() == p.starts.size(), node.describe(), ": axes and starts lengths differ");
    p.axes = normalizeAxes(node, *axes, rank);
  } else {
    DLC_CHECK(static_cast<int64_t>(p.starts.size()) <= rank, node.describe(), ": more starts than dims");
    for (size_t i = 0; i < p.starts.size(); ++i) p.axes.push_back(static_cast<int64_t>(i));
  }
  if (steps) {
    DLC_CHECK(steps->size() == p.starts.size(), node.describe(), ": steps and starts lengths differ");
    p.steps = *steps;
  } else {
    p.steps.assign(p.starts.size(), 1);
  }
  return p;
}

void inferSlice(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  auto starts = constInts(ctx, 1), ends = constInts(ctx, 2);
  std::optional<std::vector<int64_t>> axes, steps;
  bool known = starts && ends;
  if (ctx.has(3)) {
    axes = constInts(ctx, 3);
    known = known && axes;
  }
  if (ctx.has(4)) {
    steps = constInts(ctx, 4);
    known = known && steps;
  }
  Shape s = x.shape;
  if (!known) {
    std::optional<int64_t> len = staticLength(ctx, 1);
    if (axes) {
      for (int64_t a : normalizeAxes(ctx.node, *axes, x.rank())) s[static_cast<size_t>(a)] = Dim();
    } else if (!ctx.has(3) && len && *len <= x.rank()) {
      for (int64_t a = 0; a < *len; ++a) s[static_cast<size_t>(a)] = Dim();  // default axes 0..len-1
    } else {
      s = unknownShape(x.rank());
    }
    ctx.outputs = {TensorType(x.dtype, s)};
    return;
  }
  SliceParams p = sliceParams(ctx.node, x.rank(), *starts, *ends, axes, steps);
  for (size_t i = 0; i < p.axes.size(); ++i) {
    Dim& d = s[static_cast<size_t>(p.axes[i])];
    if (d.isStatic()) {
      d = Dim(sliceAxis(ctx.node, p.starts[i], p.ends[i], p.steps[i], d.value).count);
      continue;
    }
    // [0, "to the end") with step 1 keeps a symbolic dim (ends of 2^31 - 1 or
    // more are the exporters' "to the end").
    bool whole = p.steps[i] == 1 && p.starts[i] == 0 && p.ends[i] >= std::numeric_limits<int32_t>::max();
    if (!whole) d = Dim();
  }
  ctx.outputs = {TensorType(x.dtype, s)};
}

void refSlice(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  auto ints = [&](size_t i, const char* what) {
    requireIntegerInput(ctx.node, ctx.in(i), what);
    return toInt64Vector(ctx.in(i));
  };
  std::optional<std::vector<int64_t>> axes, steps;
  if (ctx.has(3)) axes = ints(3, "axes");
  if (ctx.has(4)) steps = ints(4, "steps");
  SliceParams p = sliceParams(ctx.node, x.rank(), ints(1, "starts"), ints(2, "ends"), axes, steps);
  auto rank = static_cast<size_t>(x.rank());
  std::vector<SliceAxis> per(rank);
  for (size_t d = 0; d < rank; ++d) per[d].count = x.dim(static_cast<int64_t>(d));
  for (size_t i = 0; i < p.axes.size(); ++i) {
    auto a = static_cast<size_t>(p.axes[i]);
    per[a] = sliceAxis(ctx.node, p.starts[i], p.ends[i], p.steps[i], x.dim(p.axes[i]));
  }
  std::vector<int64_t> ext;
  for (const SliceAxis& a : per) ext.push_back(a.count);
  Tensor out(x.dtype(), ext);
  std::vector<int64_t> st = stridesOf(x.extents());
  copyFromOffsets(x, out, [&](const std::vector<int64_t>& i) {
    int64_t off = 0;
    for (size_t d = 0; d < rank; ++d) off += (per[d].start + i[d] * per[d].step) * st[d];
    return off;
  });
  ctx.outputs = {out};
}

// ---- Compress ----

void refCompress(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& cond = ctx.in(1);
  DLC_CHECK(cond.rank() == 1, ctx.node.describe(), ": condition must be 1-D");
  Tensor data = x;
  int64_t axis = 0;
  if (ctx.node.hasAttr("axis"))
    axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank());
  else
    data = x.reshaped({x.numel()});
  int64_t extent = data.dim(axis);
  DLC_CHECK(cond.numel() <= extent, ctx.node.describe(), ": condition has ", cond.numel(),
            " entries for an axis of extent ", extent);
  std::vector<int64_t> keep;
  for (int64_t i = 0; i < cond.numel(); ++i)
    if (cond.getDouble(i) != 0) keep.push_back(i);
  std::vector<int64_t> ext = data.extents();
  ext[static_cast<size_t>(axis)] = static_cast<int64_t>(keep.size());
  Tensor out(x.dtype(), ext);
  std::vector<int64_t> st = stridesOf(data.extents());
  copyFromOffsets(data, out, [&](const std::vector<int64_t>& i) {
    int64_t off = 0;
    for (size_t d = 0; d < i.size(); ++d)
      off += (static_cast<int64_t>(d) == axis ? keep[static_cast<size_t>(i[d])] : i[d]) * st[d];
    return off;
  });
  ctx.outputs = {out};
}

// ---- Trilu ----

void refTrilu(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": input must have rank >= 2");
  int64_t k = 0;
  if (ctx.has(1)) {
    requireIntegerInput(ctx.node, ctx.in(1), "k");
    DLC_CHECK(ctx.in(1).numel() == 1, ctx.node.describe(), ": k must be a scalar");
    k = ctx.in(1).getInt64(0);
  }
  bool upper = ctx.node.attrInt("upper", 1) != 0;
  Tensor out(x.dtype(), x.extents());
  int64_t rows = x.dim(x.rank() - 2), cols = x.dim(x.rank() - 1);
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t c = i % cols, r = (i / cols) % rows;
    if (upper ? c - r >= k : c - r <= k) copyElement(x, i, out, i);
  }
  ctx.outputs = {out};
}

// ---- ReverseSequence ----

void refReverseSequence(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  const Tensor& lens = ctx.in(1);
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": input must have rank >= 2");
  int64_t ta = ctx.node.attrInt("time_axis", 0), ba = ctx.node.attrInt("batch_axis", 1);
  DLC_CHECK((ta == 0 && ba == 1) || (ta == 1 && ba == 0), ctx.node.describe(),
            ": time_axis and batch_axis must be 0 and 1 in some order");
  requireIntegerInput(ctx.node, lens, "sequence_lens");
  DLC_CHECK(lens.rank() == 1 && lens.dim(0) == x.dim(ba), ctx.node.describe(),
            ": sequence_lens must have one entry per batch");
  std::vector<int64_t> len = toInt64Vector(lens);
  for (int64_t l : len)
    DLC_CHECK(l >= 0 && l <= x.dim(ta), ctx.node.describe(), ": sequence length ", l, " out of range");
  Tensor out(x.dtype(), x.extents());
  std::vector<int64_t> st = stridesOf(x.extents());
  copyFromOffsets(x, out, [&](const std::vector<int64_t>& i) {
    std::vector<int64_t> j = i;
    int64_t t = i[static_cast<size_t>(ta)], l = len[static_cast<size_t>(i[static_cast<size_t>(ba)])];
    if (t < l) j[static_cast<size_t>(ta)] = l - 1 - t;
    return offsetOf(j, st);
  });
  ctx.outputs = {out};
}

void inferDataDependentAxis(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!ctx.node.hasAttr("axis")) {
    ctx.outputs = {TensorType(x.dtype, {Dim()})};
    return;
  }
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  TensorType t = x;
  t.shape[static_cast<size_t>(normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank()))] = Dim();
  ctx.outputs = {t};
}

}  // namespace

void registerIndexingOps(OpRegistry& r) {
  r.add(makeOp("Gather", "Take slices along axis at the given indices", 2, 2, PatternKind::Injective, inferGather,
               refGather, {optAttr("axis", int64_t{0})}));
  r.add(makeOp(
      "GatherElements", "out[i] = data[i with i[axis] = indices[i]]", 2, 2, PatternKind::Injective,
      [](InferContext& ctx) {
        TensorType t = ctx.in(1);
        t.dtype = ctx.in(0).dtype;
        ctx.outputs = {t};
      },
      refGatherElements, {optAttr("axis", int64_t{0})}));
  r.add(makeOp("GatherND", "Gather slices addressed by index tuples (with batch dims)", 2, 2,
               PatternKind::Injective, inferGatherND, refGatherND, {optAttr("batch_dims", int64_t{0})}));
  r.add(makeOp("ScatterND", "Copy of data with slices at index tuples replaced or reduced", 3, 3,
               PatternKind::Opaque, inferSameAsInput0, refScatterND, {optAttr("reduction", "none")}));
  r.add(makeOp("ScatterElements", "Copy of data with elements at indices along axis replaced or reduced", 3, 3,
               PatternKind::Opaque, inferSameAsInput0, refScatterElements,
               {optAttr("axis", int64_t{0}), optAttr("reduction", "none")}));
  r.add(makeOp("Slice", "Strided slice by starts/ends/axes/steps inputs (clamped)", 3, 5, PatternKind::Injective,
               inferSlice, refSlice));
  r.add(makeOp("Compress", "Keep the slices along axis (or of the flattened input) where condition is true", 2,
               2, PatternKind::Opaque, inferDataDependentAxis, refCompress,
               {optAttrNoDefault("axis", AttrKind::Int)}));
  r.add(makeOp(
      "NonZero", "Indices of the non-zero elements, shape [rank, count]", 1, 1, PatternKind::Opaque,
      [](InferContext& ctx) {
        const TensorType& x = ctx.in(0);
        ctx.outputs = {TensorType(DType::Int64, {x.ranked ? Dim(x.rank()) : Dim(), Dim()})};
      },
      [](RefContext& ctx) {
        const Tensor& x = ctx.in(0);
        std::vector<std::vector<int64_t>> hits;
        forEachIndex(x.extents(), [&](const std::vector<int64_t>& i, int64_t k) {
          if (x.getDouble(k) != 0) hits.push_back(i);
        });
        auto n = static_cast<int64_t>(hits.size());
        Tensor out(DType::Int64, {x.rank(), n});
        for (int64_t h = 0; h < n; ++h)
          for (int64_t d = 0; d < x.rank(); ++d)
            out.data<int64_t>()[d * n + h] = hits[static_cast<size_t>(h)][static_cast<size_t>(d)];
        ctx.outputs = {out};
      }));
  r.add(makeOp("Trilu", "Upper (or lower) triangle of the last two dims, from diagonal k", 1, 2,
               PatternKind::Injective, inferSameAsInput0, refTrilu, {optAttr("upper", int64_t{1})}));
  r.add(makeOp("ReverseSequence", "Reverse the first sequence_lens[b] steps of each batch entry", 2, 2,
               PatternKind::Injective, inferSameAsInput0, refReverseSequence,
               {optAttr("batch_axis", int64_t{1}), optAttr("time_axis", int64_t{0})}));
}

}  // namespace dlc
