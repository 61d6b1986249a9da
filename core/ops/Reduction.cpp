// Reduction ops: Reduce{Sum,Mean,Max,Min,Prod,L1,L2,LogSum,LogSumExp,SumSquare}
// (axes as an optional input, keepdims, noop_with_empty_axes), ArgMax/ArgMin,
// TopK and CumSum.
//
// Note on the reduce kernel: every input element maps to the offset of its
// output element in the keepdims-shaped result (reduced axes have extent 1);
// `broadcastOffsets(inExtents, keptExtents)` yields that map, so one loop
// serves any set of axes. Float dtypes accumulate in double.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

enum class ReduceKind { Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

// The axes to reduce (normalized, sorted), or nullopt for "keep the input as is"
// (empty axes with noop_with_empty_axes).
std::optional<std::vector<int64_t>> reduceAxes(const Node& node, const std::vector<int64_t>* given, int64_t rank) {
  bool noop = node.attrInt("noop_with_empty_axes", 0) != 0;
  if (!given || given->empty()) {
    if (noop) return std::nullopt;
    std::vector<int64_t> all(static_cast<size_t>(rank));
    std::iota(all.begin(), all.end(), 0);
    return all;
  }
  std::vector<int64_t> ax = normalizeAxes(node, *given, rank);
  std::sort(ax.begin(), ax.end());
  return ax;
}

void inferReduce(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  bool keep = ctx.node.attrInt("keepdims", 1) != 0;
  if (!x.ranked) {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  std::optional<std::vector<int64_t>> given;
  if (ctx.has(1)) {
    given = constInts(ctx, 1);
    if (!given) {
      std::optional<int64_t> len = staticLength(ctx, 1);
      if (keep && len && *len > 0)
        ctx.outputs = {TensorType(x.dtype, unknownShape(x.rank()))};
      else if (!keep && len && *len > 0)
        ctx.outputs = {TensorType(x.dtype, unknownShape(x.rank() - *len))};
      else
        ctx.outputs = {TensorType::unranked(x.dtype)};
      return;
    }
  }
  std::optional<std::vector<int64_t>> axes = reduceAxes(ctx.node, given ? &*given : nullptr, x.rank());
  if (!axes) {
    ctx.outputs = {x};
    return;
  }
  Shape out;
  for (int64_t i = 0; i < x.rank(); ++i) {
    bool reduced = std::binary_search(axes->begin(), axes->end(), i);
    if (!reduced)
      out.push_back(x.shape[static_cast<size_t>(i)]);
    else if (keep)
      out.emplace_back(1);
  }
  ctx.outputs = {TensorType(x.dtype, out)};
}

template <typename T>
CalcT<T> initialValue(ReduceKind k) {
  using C = CalcT<T>;
  switch (k) {
    case ReduceKind::Prod: return C(1);
    case ReduceKind::Max:
      if constexpr (std::is_floating_point_v<C>)
        return -std::numeric_limits<C>::infinity();
      else
        return std::numeric_limits<C>::lowest();
    case ReduceKind::Min:
      if constexpr (std::is_floating_point_v<C>)
        return std::numeric_limits<C>::infinity();
      else
        return std::numeric_limits<C>::max();
    case ReduceKind::LogSumExp:
      if constexpr (std::is_floating_point_v<C>)
        return -std::numeric_limits<C>::infinity();
      else
        return C(0);
    default: return C(0);
  }
}

Tensor reduceTensor(const Node& node, ReduceKind kind, const Tensor& x, const std::vector<int64_t>& axes, bool keep) {
  std::vector<int64_t> kept = x.extents();
  for (int64_t a : axes) kept[static_cast<size_t>(a)] = 1;
  int64_t outN = checkedNumElements(kept);
  int64_t count = outN == 0 ? 0 : x.numel() / outN;
  std::vector<int64_t> offs = broadcastOffsets(x.extents(), kept);
  Tensor out(x.dtype(), kept);
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    using C = CalcT<T>;
    if constexpr (std::is_same_v<T, bool>) {
      if (kind != ReduceKind::Max && kind != ReduceKind::Min) unsupported(node.describe(), ": bool input");
      std::vector<char> acc(static_cast<size_t>(outN), kind == ReduceKind::Min ? 1 : 0);
      const bool* p = x.data<bool>();
      for (int64_t i = 0; i < x.numel(); ++i) {
        char& a = acc[static_cast<size_t>(offs[static_cast<size_t>(i)])];
        a = kind == ReduceKind::Max ? (a || p[i]) : (a && p[i]);
      }
      for (int64_t o = 0; o < outN; ++o) out.data<bool>()[o] = acc[static_cast<size_t>(o)] != 0;
    } else {
      const T* p = x.data<T>();
      std::vector<C> acc(static_cast<size_t>(outN), initialValue<T>(kind));
      std::vector<C> shift;  // LogSumExp: the per-output maximum
      if (kind == ReduceKind::LogSumExp) {
        if constexpr (std::is_floating_point_v<C>) {
          shift.assign(static_cast<size_t>(outN), -std::numeric_limits<C>::infinity());
          for (int64_t i = 0; i < x.numel(); ++i) {
            C& m = shift[static_cast<size_t>(offs[static_cast<size_t>(i)])];
            m = std::max(m, loadAs<T>(p, i));
          }
          for (C& m : shift)
            if (!std::isfinite(m)) m = 0;
          std::fill(acc.begin(), acc.end(), C(0));
        } else {
          unsupported(node.describe(), ": integer input");
        }
      }
      for (int64_t i = 0; i < x.numel(); ++i) {
        size_t o = static_cast<size_t>(offs[static_cast<size_t>(i)]);
        C v = loadAs<T>(p, i);
        C& a = acc[o];
        switch (kind) {
          case ReduceKind::Sum:
          case ReduceKind::Mean:
          case ReduceKind::LogSum: a += v; break;
          case ReduceKind::Max: a = std::max(a, v); break;
          case ReduceKind::Min: a = std::min(a, v); break;
          case ReduceKind::Prod: a *= v; break;
          case ReduceKind::L1: a += v < 0 ? C(-v) : v; break;
          case ReduceKind::L2:
          case ReduceKind::SumSquare: a += v * v; break;
          case ReduceKind::LogSumExp:
            if constexpr (std::is_floating_point_v<C>) a += std::exp(v - shift[o]);
            break;
        }
      }
      T* q = out.data<T>();
      for (int64_t o = 0; o < outN; ++o) {
        C a = acc[static_cast<size_t>(o)];
        switch (kind) {
          case ReduceKind::Mean: storeAs<T>(q, o, static_cast<double>(a) / static_cast<double>(count)); break;
          case ReduceKind::L2: storeAs<T>(q, o, std::sqrt(static_cast<double>(a))); break;
          case ReduceKind::LogSum: storeAs<T>(q, o, std::log(static_cast<double>(a))); break;
          case ReduceKind::LogSumExp:
            if constexpr (std::is_floating_point_v<C>) storeAs<T>(q, o, std::log(a) + shift[static_cast<size_t>(o)]);
            break;
          default: storeAs<T>(q, o, a); break;
        }
      }
    }
  });
  if (keep) return out;
  std::vector<int64_t> squeezed;
  for (int64_t i = 0; i < x.rank(); ++i)
    if (!std::binary_search(axes.begin(), axes.end(), i)) squeezed.push_back(x.dim(i));
  return out.reshaped(squeezed);
}

void refReduce(RefContext& ctx, ReduceKind kind) {
  const Tensor& x = ctx.in(0);
  std::optional<std::vector<int64_t>> given;
  if (ctx.has(1)) {
    requireIntegerInput(ctx.node, ctx.in(1), "axes");
    given = toInt64Vector(ctx.in(1));
  }
  std::optional<std::vector<int64_t>> axes = reduceAxes(ctx.node, given ? &*given : nullptr, x.rank());
  if (!axes) {
    if (kind == ReduceKind::SumSquare) {
      ctx.outputs = {mapUnary(x, [](auto v) { return v * v; })};
    } else {
      ctx.outputs = {x};
    }
    return;
  }
  ctx.outputs = {reduceTensor(ctx.node, kind, x, *axes, ctx.node.attrInt("keepdims", 1) != 0)};
}

OpDef reduceOp(const char* name, const char* summary, ReduceKind kind) {
  return makeOp(name, summary, 1, 2, PatternKind::Reduction, inferReduce,
                [kind](RefContext& ctx) { refReduce(ctx, kind); },
                {optAttr("keepdims", int64_t{1}), optAttr("noop_with_empty_axes", int64_t{0})});
}

// ---- ArgMax / ArgMin ----

void inferArg(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {TensorType::unranked(DType::Int64)};
    return;
  }
  DLC_CHECK(x.rank() >= 1, ctx.node.describe(), ": input must have rank >= 1");
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank());
  Shape out = x.shape;
  if (ctx.node.attrInt("keepdims", 1) != 0)
    out[static_cast<size_t>(axis)] = Dim(1);
  else
    out.erase(out.begin() + axis);
  ctx.outputs = {TensorType(DType::Int64, out)};
}

// Outer x axis x inner decomposition of extents around `axis`.
struct AxisSplit {
  int64_t outer = 1, len = 1, inner = 1;
};
AxisSplit splitAt(const std::vector<int64_t>& ext, int64_t axis) {
  AxisSplit s;
  for (int64_t d = 0; d < static_cast<int64_t>(ext.size()); ++d) {
    if (d < axis)
      s.outer *= ext[static_cast<size_t>(d)];
    else if (d == axis)
      s.len = ext[static_cast<size_t>(d)];
    else
      s.inner *= ext[static_cast<size_t>(d)];
  }
  return s;
}

void refArg(RefContext& ctx, bool isMax) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 1, ctx.node.describe(), ": input must have rank >= 1");
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank());
  bool last = ctx.node.attrInt("select_last_index", 0) != 0;
  AxisSplit s = splitAt(x.extents(), axis);
  DLC_CHECK(s.len > 0, ctx.node.describe(), ": cannot take ", isMax ? "ArgMax" : "ArgMin", " over an empty axis");
  std::vector<int64_t> kept = x.extents();
  kept[static_cast<size_t>(axis)] = 1;
  Tensor out(DType::Int64, kept);
  int64_t* q = out.data<int64_t>();
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = x.data<T>();
    for (int64_t o = 0; o < s.outer; ++o) {
      for (int64_t i = 0; i < s.inner; ++i) {
        int64_t base = o * s.len * s.inner + i;
        auto best = loadAs<T>(p, base);
        int64_t bi = 0;
        for (int64_t k = 1; k < s.len; ++k) {
          auto v = loadAs<T>(p, base + k * s.inner);
          bool better = isMax ? (last ? v >= best : v > best) : (last ? v <= best : v < best);
          if (better) {
            best = v;
            bi = k;
          }
        }
        q[o * s.inner + i] = bi;
      }
    }
  });
  if (ctx.node.attrInt("keepdims", 1) == 0) {
    kept.erase(kept.begin() + axis);
    out = out.reshaped(kept);
  }
  ctx.outputs = {out};
}

// ---- TopK ----

void inferTopK(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {x, TensorType::unranked(DType::Int64)};
    return;
  }
  DLC_CHECK(x.rank() >= 1, ctx.node.describe(), ": input must have rank >= 1");
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", -1), x.rank());
  Shape out = x.shape;
  std::optional<std::vector<int64_t>> k = constInts(ctx, 1);
  if (k) {
    DLC_CHECK(k->size() == 1 && (*k)[0] >= 0, ctx.node.describe(), ": K must be one non-negative value");
    out[static_cast<size_t>(axis)] = Dim((*k)[0]);
  } else {
    out[static_cast<size_t>(axis)] = Dim();
  }
  ctx.outputs = {TensorType(x.dtype, out), TensorType(DType::Int64, out)};
}

void refTopK(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 1, ctx.node.describe(), ": input must have rank >= 1");
  requireIntegerInput(ctx.node, ctx.in(1), "K");
  std::vector<int64_t> kv = toInt64Vector(ctx.in(1));
  DLC_CHECK(kv.size() == 1, ctx.node.describe(), ": K must hold one value");
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", -1), x.rank());
  int64_t k = kv[0];
  AxisSplit s = splitAt(x.extents(), axis);
  DLC_CHECK(k >= 0 && k <= s.len, ctx.node.describe(), ": K=", k, " out of range for axis extent ", s.len);
  bool largest = ctx.node.attrInt("largest", 1) != 0;
  std::vector<int64_t> ext = x.extents();
  ext[static_cast<size_t>(axis)] = k;
  Tensor vals(x.dtype(), ext), idxs(DType::Int64, ext);
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = x.data<T>();
    std::vector<int64_t> order(static_cast<size_t>(s.len));
    std::vector<CalcT<T>> v(static_cast<size_t>(s.len));
    for (int64_t o = 0; o < s.outer; ++o) {
      for (int64_t i = 0; i < s.inner; ++i) {
        int64_t base = o * s.len * s.inner + i;
        for (int64_t j = 0; j < s.len; ++j) v[static_cast<size_t>(j)] = loadAs<T>(p, base + j * s.inner);
        std::iota(order.begin(), order.end(), 0);
        // Ties keep the lower index first.
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
          return largest ? v[static_cast<size_t>(a)] > v[static_cast<size_t>(b)]
                         : v[static_cast<size_t>(a)] < v[static_cast<size_t>(b)];
        });
        for (int64_t j = 0; j < k; ++j) {
          int64_t dst = o * k * s.inner + j * s.inner + i;
          int64_t src = order[static_cast<size_t>(j)];
          copyElement(x, base + src * s.inner, vals, dst);
          idxs.data<int64_t>()[dst] = src;
        }
      }
    }
  });
  ctx.outputs = {vals, idxs};
}

// ---- CumSum ----

void refCumSum(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  requireIntegerInput(ctx.node, ctx.in(1), "axis");
  std::vector<int64_t> av = toInt64Vector(ctx.in(1));
  DLC_CHECK(av.size() == 1, ctx.node.describe(), ": axis must hold one value");
  int64_t axis = normalizeAxis(ctx.node, av[0], x.rank());
  bool exclusive = ctx.node.attrInt("exclusive", 0) != 0, reverse = ctx.node.attrInt("reverse", 0) != 0;
  AxisSplit s = splitAt(x.extents(), axis);
  Tensor out(x.dtype(), x.extents());
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      unsupported(ctx.node.describe(), ": bool input");
    } else {
      const T* p = x.data<T>();
      T* q = out.data<T>();
      for (int64_t o = 0; o < s.outer; ++o) {
        for (int64_t i = 0; i < s.inner; ++i) {
          CalcT<T> acc = 0;
          for (int64_t j = 0; j < s.len; ++j) {
            int64_t jj = reverse ? s.len - 1 - j : j;
            int64_t off = o * s.len * s.inner + jj * s.inner + i;
            CalcT<T> v = loadAs<T>(p, off);
            if (exclusive) {
              storeAs<T>(q, off, acc);
              acc += v;
            } else {
              acc += v;
              storeAs<T>(q, off, acc);
            }
          }
        }
      }
    }
  });
  ctx.outputs = {out};
}

}  // namespace

void registerReductionOps(OpRegistry& r) {
  r.add(reduceOp("ReduceSum", "Sum over axes", ReduceKind::Sum));
  r.add(reduceOp("ReduceMean", "Mean over axes", ReduceKind::Mean));
  r.add(reduceOp("ReduceMax", "Maximum over axes", ReduceKind::Max));
  r.add(reduceOp("ReduceMin", "Minimum over axes", ReduceKind::Min));
  r.add(reduceOp("ReduceProd", "Product over axes", ReduceKind::Prod));
  r.add(reduceOp("ReduceL1", "Sum of absolute values over axes", ReduceKind::L1));
  r.add(reduceOp("ReduceL2", "Square root of the sum of squares over axes", ReduceKind::L2));
  r.add(reduceOp("ReduceLogSum", "log(sum) over axes", ReduceKind::LogSum));
  r.add(reduceOp("ReduceLogSumExp", "log(sum(exp)) over axes", ReduceKind::LogSumExp));
  r.add(reduceOp("ReduceSumSquare", "Sum of squares over axes", ReduceKind::SumSquare));
  std::vector<AttrSpec> argAttrs = {optAttr("axis", int64_t{0}), optAttr("keepdims", int64_t{1}),
                                    optAttr("select_last_index", int64_t{0})};
  r.add(makeOp(
      "ArgMax", "Index of the maximum along axis", 1, 1, PatternKind::Reduction, inferArg,
      [](RefContext& ctx) { refArg(ctx, true); }, argAttrs));
  r.add(makeOp(
      "ArgMin", "Index of the minimum along axis", 1, 1, PatternKind::Reduction, inferArg,
      [](RefContext& ctx) { refArg(ctx, false); }, argAttrs));
  r.add(makeOp("TopK", "The K largest (or smallest) elements along axis and their indices", 2, 2, PatternKind::Opaque,
               inferTopK, refTopK,
               {optAttr("axis", int64_t{-1}), optAttr("largest", int64_t{1}), optAttr("sorted", int64_t{1})}, 2, 2));
  r.add(makeOp("CumSum", "Cumulative sum along axis (exclusive, reverse)", 2, 2, PatternKind::Opaque, inferSameAsInput0,
               refCumSum, {optAttr("exclusive", int64_t{0}), optAttr("reverse", int64_t{0})}));
}

}  // namespace dlc
