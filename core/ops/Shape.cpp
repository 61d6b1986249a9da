// Shape and data-movement ops: Identity, Dropout, Reshape, Flatten, Squeeze,
// Unsqueeze, Transpose, Concat, Split, DepthToSpace, SpaceToDepth. They move
// elements as raw bytes, so every dtype is handled by one implementation.
#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

// ---- Reshape ----

void inferReshape(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  std::optional<std::vector<int64_t>> target = constInts(ctx, 1);
  if (!target) {
    std::optional<int64_t> len = staticLength(ctx, 1);
    ctx.outputs = {len ? TensorType(x.dtype, unknownShape(*len)) : TensorType::unranked(x.dtype)};
    return;
  }
  bool allowZero = ctx.node.attrInt("allowzero", 0) != 0;
  Shape out;
  int inferAt = -1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t v = (*target)[i];
    if (v == -1) {
      DLC_CHECK(inferAt < 0, ctx.node.describe(), ": more than one -1 in the target shape");
      inferAt = static_cast<int>(i);
      out.emplace_back(Dim());
    } else if (v == 0 && !allowZero) {
      if (!x.ranked) {
        out.emplace_back(Dim());
        continue;
      }
      DLC_CHECK(i < x.shape.size(), ctx.node.describe(), ": 0 copies a missing input dim");
      out.push_back(x.shape[i]);
    } else {
      DLC_CHECK(v >= 0, ctx.node.describe(), ": invalid target dim ", v);
      out.emplace_back(v);
    }
  }
  if (inferAt >= 0 && x.isStatic()) {
    int64_t total = checkedNumElements(x.extents());
    int64_t known = 1;
    bool allStatic = true;
    for (size_t i = 0; i < out.size(); ++i) {
      if (static_cast<int>(i) == inferAt) continue;
      if (!out[i].isStatic())
        allStatic = false;
      else
        known *= out[i].value;
    }
    if (allStatic) {
      DLC_CHECK(known != 0 && total % known == 0, ctx.node.describe(), ": cannot reshape ", x.str(),
                " to the requested shape");
      out[static_cast<size_t>(inferAt)] = Dim(total / known);
    }
  }
  TensorType t(x.dtype, out);
  if (x.isStatic() && t.isStatic())
    DLC_CHECK(checkedNumElements(x.extents()) == checkedNumElements(t.extents()), ctx.node.describe(),
              ": cannot reshape ", x.str(), " to ", t.str());
  ctx.outputs = {t};
}

std::vector<int64_t> reshapeTarget(const Node& node, const Tensor& x, const Tensor& shape) {
  requireIntegerInput(node, shape, "shape");
  std::vector<int64_t> target = toInt64Vector(shape);
  bool allowZero = node.attrInt("allowzero", 0) != 0;
  int64_t known = 1;
  int inferAt = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      DLC_CHECK(inferAt < 0, node.describe(), ": more than one -1 in the target shape");
      inferAt = static_cast<int>(i);
      continue;
    }
    if (target[i] == 0 && !allowZero) {
      DLC_CHECK(static_cast<int64_t>(i) < x.rank(), node.describe(), ": 0 copies a missing input dim");
      target[i] = x.dim(static_cast<int64_t>(i));
    }
    DLC_CHECK(target[i] >= 0, node.describe(), ": invalid target dim ", target[i]);
    known *= target[i];
  }
  if (inferAt >= 0) {
    DLC_CHECK(known != 0 && x.numel() % known == 0, node.describe(), ": cannot infer -1");
    target[static_cast<size_t>(inferAt)] = x.numel() / known;
  }
  DLC_CHECK(checkedNumElements(target) == x.numel(), node.describe(), ": reshape changes the element count");
  return target;
}

// ---- Flatten ----

int64_t flattenAxis(const Node& node, int64_t rank) {
  int64_t axis = node.attrInt("axis", 1);
  DLC_CHECK(axis >= -rank && axis <= rank, node.describe(), ": axis ", axis, " out of range for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

// ---- Squeeze / Unsqueeze ----

void inferSqueeze(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  std::optional<std::vector<int64_t>> axes;
  if (ctx.has(1)) {
    axes = constInts(ctx, 1);
    if (!axes) {
      std::optional<int64_t> len = staticLength(ctx, 1);
      DLC_CHECK(!len || *len <= x.rank(), ctx.node.describe(), ": ", *len, " axes to squeeze from rank ", x.rank());
      ctx.outputs = {len ? TensorType(x.dtype, unknownShape(x.rank() - *len)) : TensorType::unranked(x.dtype)};
      return;
    }
  }
  Shape out;
  if (!axes) {
    for (const Dim& d : x.shape) {
      if (!d.isStatic()) {
        ctx.outputs = {TensorType::unranked(x.dtype)};
        return;
      }
      if (d.value != 1) out.push_back(d);
    }
  } else {
    std::vector<int64_t> ax = normalizeAxes(ctx.node, *axes, x.rank());
    for (int64_t i = 0; i < x.rank(); ++i) {
      const Dim& d = x.shape[static_cast<size_t>(i)];
      if (std::find(ax.begin(), ax.end(), i) == ax.end()) {
        out.push_back(d);
        continue;
      }
      DLC_CHECK(!d.isStatic() || d.value == 1, ctx.node.describe(), ": cannot squeeze dim ", i, " of extent ",
                d.value);
    }
  }
  ctx.outputs = {TensorType(x.dtype, out)};
}

std::vector<int64_t> squeezeExtents(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> out;
  if (!ctx.has(1)) {
    for (int64_t e : x.extents())
      if (e != 1) out.push_back(e);
    return out;
  }
  requireIntegerInput(ctx.node, ctx.in(1), "axes");
  std::vector<int64_t> ax = normalizeAxes(ctx.node, toInt64Vector(ctx.in(1)), x.rank());
  for (int64_t i = 0; i < x.rank(); ++i) {
    if (std::find(ax.begin(), ax.end(), i) == ax.end()) {
      out.push_back(x.dim(i));
      continue;
    }
    DLC_CHECK(x.dim(i) == 1, ctx.node.describe(), ": cannot squeeze dim ", i, " of extent ", x.dim(i));
  }
  return out;
}

// Output shape of Unsqueeze: `axes` index the output of rank r + len(axes).
template <typename D>
std::vector<D> unsqueezeDims(const Node& node, const std::vector<D>& in, const std::vector<int64_t>& axes) {
  int64_t outRank = static_cast<int64_t>(in.size() + axes.size());
  std::vector<int64_t> ax = normalizeAxes(node, axes, outRank);
  std::vector<D> out;
  size_t next = 0;
  for (int64_t i = 0; i < outRank; ++i) {
    if (std::find(ax.begin(), ax.end(), i) != ax.end())
      out.push_back(D(1));
    else
      out.push_back(in[next++]);
  }
  return out;
}

void inferUnsqueeze(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  std::optional<std::vector<int64_t>> axes = constInts(ctx, 1);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  if (!axes) {
    std::optional<int64_t> len = staticLength(ctx, 1);
    ctx.outputs = {len ? TensorType(x.dtype, unknownShape(x.rank() + *len)) : TensorType::unranked(x.dtype)};
    return;
  }
  ctx.outputs = {TensorType(x.dtype, unsqueezeDims<Dim>(ctx.node, x.shape, *axes))};
}

// ---- Transpose ----

std::vector<int64_t> transposePerm(const Node& node, int64_t rank) {
  std::vector<int64_t> perm = node.attrInts("perm", {});
  if (perm.empty())
    for (int64_t i = rank; i-- > 0;) perm.push_back(i);
  DLC_CHECK(static_cast<int64_t>(perm.size()) == rank, node.describe(), ": perm has ", perm.size(),
            " entries for rank ", rank);
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t p : perm) {
    DLC_CHECK(p >= 0 && p < rank && !seen[static_cast<size_t>(p)], node.describe(), ": perm is not a permutation");
    seen[static_cast<size_t>(p)] = true;
  }
  return perm;
}

void refTranspose(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  std::vector<int64_t> perm = transposePerm(ctx.node, x.rank());
  std::vector<int64_t> ext;
  for (int64_t p : perm) ext.push_back(x.dim(p));
  Tensor out(x.dtype(), ext);
  std::vector<int64_t> inStr = stridesOf(x.extents());
  std::vector<int64_t> permStr;
  for (int64_t p : perm) permStr.push_back(inStr[static_cast<size_t>(p)]);
  copyFromOffsets(x, out, [&](const std::vector<int64_t>& idx) { return offsetOf(idx, permStr); });
  ctx.outputs = {out};
}

// ---- Concat ----

void inferConcat(InferContext& ctx) {
  const TensorType* first = nullptr;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    const TensorType& t = ctx.in(i);
    if (!first) first = &t;
    DLC_CHECK(t.dtype == first->dtype, ctx.node.describe(), ": input dtypes differ (", dtypeName(first->dtype),
              " vs ", dtypeName(t.dtype), ")");
  }
  const TensorType* ranked = nullptr;
  for (const TensorType* t : ctx.inputs)
    if (t->ranked) ranked = t;
  if (!ranked) {
    ctx.outputs = {TensorType::unranked(first->dtype)};
    return;
  }
  int64_t rank = ranked->rank();
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), rank);
  Shape out = ranked->shape;
  int64_t sum = 0;
  bool sumKnown = true;
  for (const TensorType* t : ctx.inputs) {
    if (!t->ranked) {
      sumKnown = false;
      continue;
    }
    DLC_CHECK(t->rank() == rank, ctx.node.describe(), ": inputs have different ranks (", rank, " vs ", t->rank(),
              ")");
    for (int64_t d = 0; d < rank; ++d) {
      const Dim& td = t->shape[static_cast<size_t>(d)];
      Dim& od = out[static_cast<size_t>(d)];
      if (d == axis) {
        if (td.isStatic())
          sum += td.value;
        else
          sumKnown = false;
        continue;
      }
      if (td.isStatic() && od.isStatic())
        DLC_CHECK(td.value == od.value, ctx.node.describe(), ": dim ", d, " differs between inputs (", od.value,
                  " vs ", td.value, ")");
      else if (td.isStatic())
        od = td;
    }
  }
  out[static_cast<size_t>(axis)] = sumKnown ? Dim(sum) : Dim();
  ctx.outputs = {TensorType(first->dtype, out)};
}

void refConcat(RefContext& ctx) {
  const Tensor& first = ctx.in(0);
  int64_t rank = first.rank();
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), rank);
  std::vector<int64_t> ext = first.extents();
  ext[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    const Tensor& t = ctx.in(i);
    DLC_CHECK(t.dtype() == first.dtype(), ctx.node.describe(), ": input dtypes differ");
    DLC_CHECK(t.rank() == rank, ctx.node.describe(), ": inputs have different ranks (", rank, " vs ", t.rank(), ")");
    for (int64_t d = 0; d < rank; ++d)
      DLC_CHECK(d == axis || t.dim(d) == first.dim(d), ctx.node.describe(), ": dim ", d,
                " differs between inputs (", first.dim(d), " vs ", t.dim(d), ")");
    ext[static_cast<size_t>(axis)] += t.dim(axis);
  }
  Tensor out(first.dtype(), ext);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= ext[static_cast<size_t>(d)];
  for (int64_t d = axis + 1; d < rank; ++d) inner *= ext[static_cast<size_t>(d)];
  size_t es = dtypeSize(first.dtype());
  auto* dst = static_cast<uint8_t*>(out.rawData());
  size_t rowBytes = static_cast<size_t>(ext[static_cast<size_t>(axis)] * inner) * es;
  size_t at = 0;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    const Tensor& t = ctx.in(i);
    size_t chunk = static_cast<size_t>(t.dim(axis) * inner) * es;
    const auto* src = static_cast<const uint8_t*>(t.rawData());
    for (int64_t o = 0; o < outer && chunk > 0; ++o)
      std::memcpy(dst + static_cast<size_t>(o) * rowBytes + at, src + static_cast<size_t>(o) * chunk, chunk);
    at += chunk;
  }
  ctx.outputs = {out};
}

// ---- Split ----

// Extents of the pieces along an axis of extent `dim`: the split values, or
// num_outputs (default: the number of results) pieces of ceil(dim / n).
std::vector<int64_t> splitSizes(const Node& node, int64_t dim, const std::vector<int64_t>* split) {
  size_t n = node.numOutputs();
  if (split) {
    DLC_CHECK(split->size() == n, node.describe(), ": split has ", split->size(), " entries for ", n, " outputs");
    int64_t sum = 0;
    for (int64_t s : *split) {
      DLC_CHECK(s >= 0, node.describe(), ": negative split size ", s);
      sum += s;
    }
    DLC_CHECK(sum == dim, node.describe(), ": split sizes sum to ", sum, ", dim is ", dim);
    return *split;
  }
  if (node.hasAttr("num_outputs")) {
    int64_t k = node.attrInt("num_outputs", 0);
    DLC_CHECK(k >= 1 && static_cast<size_t>(k) == n, node.describe(), ": num_outputs is ", k, " but the node has ",
              n, " results");
  }
  auto k = static_cast<int64_t>(n);
  int64_t chunk = (dim + k - 1) / k;
  std::vector<int64_t> sizes;
  int64_t left = dim;
  for (int64_t i = 0; i < k; ++i) {
    int64_t s = std::min(chunk, left);
    sizes.push_back(s);
    left -= s;
  }
  DLC_CHECK(node.hasAttr("num_outputs") || dim % k == 0, node.describe(), ": dim ", dim,
            " does not split evenly into ", k, " outputs");
  return sizes;
}

void inferSplit(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  size_t n = ctx.node.numOutputs();
  if (!x.ranked) {
    ctx.outputs.assign(n, x);
    return;
  }
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank());
  const Dim& d = x.shape[static_cast<size_t>(axis)];
  std::optional<std::vector<int64_t>> split;
  bool splitUnknown = false;
  if (ctx.has(1)) {
    split = constInts(ctx, 1);
    splitUnknown = !split;
    if (split && split->empty()) split.reset();
  }
  ctx.outputs.assign(n, x);
  if (splitUnknown || (!split && !d.isStatic())) {
    for (TensorType& t : ctx.outputs) t.shape[static_cast<size_t>(axis)] = Dim();
    return;
  }
  if (split && !d.isStatic()) {
    DLC_CHECK(split->size() == n, ctx.node.describe(), ": split has ", split->size(), " entries for ", n, " outputs");
    for (size_t i = 0; i < n; ++i) ctx.outputs[i].shape[static_cast<size_t>(axis)] = Dim((*split)[i]);
    return;
  }
  std::vector<int64_t> sizes = splitSizes(ctx.node, d.value, split ? &*split : nullptr);
  for (size_t i = 0; i < n; ++i) ctx.outputs[i].shape[static_cast<size_t>(axis)] = Dim(sizes[i]);
}

void refSplit(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  int64_t axis = normalizeAxis(ctx.node, ctx.node.attrInt("axis", 0), x.rank());
  std::vector<int64_t> split;
  bool hasSplit = ctx.has(1) && ctx.in(1).numel() > 0;
  if (hasSplit) {
    requireIntegerInput(ctx.node, ctx.in(1), "split");
    split = toInt64Vector(ctx.in(1));
  }
  std::vector<int64_t> sizes = splitSizes(ctx.node, x.dim(axis), hasSplit ? &split : nullptr);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= x.dim(d);
  for (int64_t d = axis + 1; d < x.rank(); ++d) inner *= x.dim(d);
  size_t es = dtypeSize(x.dtype());
  size_t rowBytes = static_cast<size_t>(x.dim(axis) * inner) * es;
  const auto* src = static_cast<const uint8_t*>(x.rawData());
  size_t at = 0;
  for (int64_t s : sizes) {
    std::vector<int64_t> ext = x.extents();
    ext[static_cast<size_t>(axis)] = s;
    Tensor out(x.dtype(), ext);
    size_t chunk = static_cast<size_t>(s * inner) * es;
    auto* dst = static_cast<uint8_t*>(out.rawData());
    for (int64_t o = 0; o < outer && chunk > 0; ++o)
      std::memcpy(dst + static_cast<size_t>(o) * chunk, src + static_cast<size_t>(o) * rowBytes + at, chunk);
    at += chunk;
    ctx.outputs.push_back(out);
  }
}

// ---- DepthToSpace / SpaceToDepth ----

int64_t blockSize(const Node& node) {
  int64_t b = node.attrInt("blocksize", 0);
  DLC_CHECK(b >= 1, node.describe(), ": blocksize must be positive, got ", b);
  return b;
}

Dim scaleDim(const Dim& d, int64_t mul, int64_t div, const Node& node) {
  if (!d.isStatic()) return Dim();
  DLC_CHECK(d.value % div == 0, node.describe(), ": dim ", d.value, " is not divisible by ", div);
  return Dim(d.value / div * mul);
}

void inferDepthSpace(InferContext& ctx, bool toSpace) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  DLC_CHECK(x.rank() == 4, ctx.node.describe(), ": input must be 4-D, got ", x.str());
  int64_t b = blockSize(ctx.node);
  Shape s = x.shape;
  if (toSpace) {
    s[1] = scaleDim(x.shape[1], 1, b * b, ctx.node);
    s[2] = scaleDim(x.shape[2], b, 1, ctx.node);
    s[3] = scaleDim(x.shape[3], b, 1, ctx.node);
  } else {
    s[1] = scaleDim(x.shape[1], b * b, 1, ctx.node);
    s[2] = scaleDim(x.shape[2], 1, b, ctx.node);
    s[3] = scaleDim(x.shape[3], 1, b, ctx.node);
  }
  ctx.outputs = {TensorType(x.dtype, s)};
}

void refDepthToSpace(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() == 4, ctx.node.describe(), ": input must be 4-D");
  int64_t b = blockSize(ctx.node);
  std::string mode = ctx.node.attrString("mode", "DCR");
  DLC_CHECK(mode == "DCR" || mode == "CRD", ctx.node.describe(), ": unknown mode '", mode, "'");
  DLC_CHECK(x.dim(1) % (b * b) == 0, ctx.node.describe(), ": channels ", x.dim(1), " not divisible by ", b * b);
  int64_t c = x.dim(1) / (b * b);
  Tensor out(x.dtype(), {x.dim(0), c, x.dim(2) * b, x.dim(3) * b});
  std::vector<int64_t> st = stridesOf(x.extents());
  bool dcr = mode == "DCR";
  copyFromOffsets(x, out, [&](const std::vector<int64_t>& i) {
    int64_t by = i[2] % b, bx = i[3] % b;
    int64_t ic = dcr ? (by * b + bx) * c + i[1] : i[1] * b * b + by * b + bx;
    return i[0] * st[0] + ic * st[1] + (i[2] / b) * st[2] + (i[3] / b) * st[3];
  });
  ctx.outputs = {out};
}

void refSpaceToDepth(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() == 4, ctx.node.describe(), ": input must be 4-D");
  int64_t b = blockSize(ctx.node);
  DLC_CHECK(x.dim(2) % b == 0 && x.dim(3) % b == 0, ctx.node.describe(), ": spatial dims not divisible by ", b);
  int64_t c = x.dim(1);
  Tensor out(x.dtype(), {x.dim(0), c * b * b, x.dim(2) / b, x.dim(3) / b});
  std::vector<int64_t> st = stridesOf(x.extents());
  copyFromOffsets(x, out, [&](const std::vector<int64_t>& i) {
    int64_t blk = i[1] / c, ic = i[1] % c;
    int64_t by = blk / b, bx = blk % b;
    return i[0] * st[0] + ic * st[1] + (i[2] * b + by) * st[2] + (i[3] * b + bx) * st[3];
  });
  ctx.outputs = {out};
}

}  // namespace

void registerShapeOps(OpRegistry& r) {
  r.add(makeOp("Identity", "Returns its input", 1, 1, PatternKind::Injective, inferSameAsInput0,
               [](RefContext& ctx) { ctx.outputs = {ctx.in(0)}; }));
  // Inference-mode dropout: the identity (the optional mask output is all true).
  r.add(makeOp(
      "Dropout", "Identity at inference; optional mask of ones", 1, 3, PatternKind::Injective,
      [](InferContext& ctx) {
        TensorType mask = ctx.in(0);
        mask.dtype = DType::Bool;
        ctx.outputs = {ctx.in(0), mask};
      },
      [](RefContext& ctx) {
        // Training mode drops elements at random unless the ratio is 0.
        bool training = ctx.has(2) && ctx.in(2).numel() > 0 && ctx.in(2).getDouble(0) != 0;
        double ratio = ctx.has(1) && ctx.in(1).numel() > 0 ? ctx.in(1).getDouble(0) : 0.5;
        DLC_CHECK(ratio >= 0 && ratio < 1, ctx.node.describe(), ": ratio must be in [0, 1), got ", ratio);
        if (training && ratio != 0) unsupported(ctx.node.describe(), ": training mode with a non-zero ratio");
        Tensor mask(DType::Bool, ctx.in(0).extents());
        for (int64_t i = 0; i < mask.numel(); ++i) mask.data<bool>()[i] = true;
        ctx.outputs = {ctx.in(0), mask};
      },
      {optAttr("seed", int64_t{0})}, 1, 2));
  r.add(makeOp(
      "Reshape", "Reshape to the shape given by input 1 (0 copies, -1 infers)", 2, 2, PatternKind::Injective,
      inferReshape,
      [](RefContext& ctx) {
        ctx.outputs = {ctx.in(0).reshaped(reshapeTarget(ctx.node, ctx.in(0), ctx.in(1)))};
      },
      {optAttr("allowzero", int64_t{0})}));
  r.add(makeOp(
      "Flatten", "Reshape to 2-D: dims before axis x dims from axis", 1, 1, PatternKind::Injective,
      [](InferContext& ctx) {
        const TensorType& x = ctx.in(0);
        if (!x.ranked) {
          ctx.outputs = {TensorType(x.dtype, {Dim(), Dim()})};
          return;
        }
        auto axis = static_cast<size_t>(flattenAxis(ctx.node, x.rank()));
        ctx.outputs = {TensorType(x.dtype, {productDim(x.shape, 0, axis), productDim(x.shape, axis, x.shape.size())})};
      },
      [](RefContext& ctx) {
        const Tensor& x = ctx.in(0);
        int64_t axis = flattenAxis(ctx.node, x.rank());
        int64_t a = 1, b = 1;
        for (int64_t d = 0; d < x.rank(); ++d) (d < axis ? a : b) *= x.dim(d);
        ctx.outputs = {x.reshaped({a, b})};
      },
      {optAttr("axis", int64_t{1})}));
  r.add(makeOp(
      "Squeeze", "Remove the dims of extent 1 listed in axes (all if absent)", 1, 2, PatternKind::Injective,
      inferSqueeze, [](RefContext& ctx) { ctx.outputs = {ctx.in(0).reshaped(squeezeExtents(ctx))}; }));
  r.add(makeOp(
      "Unsqueeze", "Insert dims of extent 1 at the output positions in axes", 2, 2, PatternKind::Injective,
      inferUnsqueeze, [](RefContext& ctx) {
        requireIntegerInput(ctx.node, ctx.in(1), "axes");
        ctx.outputs = {ctx.in(0).reshaped(
            unsqueezeDims<int64_t>(ctx.node, ctx.in(0).extents(), toInt64Vector(ctx.in(1))))};
      }));
  r.add(makeOp(
      "Transpose", "Permute dims (default: reverse)", 1, 1, PatternKind::Injective,
      [](InferContext& ctx) {
        const TensorType& x = ctx.in(0);
        if (!x.ranked) {
          ctx.outputs = {x};
          return;
        }
        std::vector<int64_t> perm = transposePerm(ctx.node, x.rank());
        Shape s;
        for (int64_t p : perm) s.push_back(x.shape[static_cast<size_t>(p)]);
        ctx.outputs = {TensorType(x.dtype, s)};
      },
      refTranspose, {optAttrNoDefault("perm", AttrKind::Ints)}));
  r.add(makeOp("Concat", "Join inputs along axis", 1, -1, PatternKind::Injective, inferConcat, refConcat,
               {reqAttr("axis", AttrKind::Int)}));
  r.add(makeOp("Split", "Split along axis by the split input or into num_outputs pieces", 1, 2,
               PatternKind::Injective, inferSplit, refSplit,
               {optAttr("axis", int64_t{0}), optAttrNoDefault("num_outputs", AttrKind::Int)}, 1, -1));
  r.add(makeOp(
      "DepthToSpace", "Move channel blocks into spatial blocks (DCR or CRD order)", 1, 1, PatternKind::Injective,
      [](InferContext& ctx) { inferDepthSpace(ctx, true); }, refDepthToSpace,
      {reqAttr("blocksize", AttrKind::Int), optAttr("mode", "DCR")}));
  r.add(makeOp(
      "SpaceToDepth", "Move spatial blocks into channels", 1, 1, PatternKind::Injective,
      [](InferContext& ctx) { inferDepthSpace(ctx, false); }, refSpaceToDepth, {reqAttr("blocksize", AttrKind::Int)}));
}

}  // namespace dlc
