// Ops that grow or crop a tensor along its axes: Pad, Tile, Expand,
// CenterCropPad. Each computes, per axis, which input coordinate every output
// coordinate reads (or -1 for the fill value) and then copies raw bytes.
#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

using AxisMap = std::vector<int64_t>;  // output coordinate -> input coordinate, -1 = fill

// out[i] = x[map0[i0], map1[i1], ...], or `fill` element 0 where any map is -1.
Tensor gatherByAxisMaps(const Tensor& x, const std::vector<AxisMap>& maps, const Tensor* fill) {
  std::vector<int64_t> ext;
  for (const AxisMap& m : maps) ext.push_back(static_cast<int64_t>(m.size()));
  Tensor out(x.dtype(), ext);
  std::vector<int64_t> st = stridesOf(x.extents());
  forEachIndex(ext, [&](const std::vector<int64_t>& i, int64_t k) {
    int64_t off = 0;
    for (size_t d = 0; d < i.size(); ++d) {
      int64_t c = maps[d][static_cast<size_t>(i[d])];
      if (c < 0) {
        if (fill) copyElement(*fill, 0, out, k);
        return;  // zero-initialized otherwise
      }
      off += c * st[d];
    }
    copyElement(x, off, out, k);
  });
  return out;
}

AxisMap identityMap(int64_t n) {
  AxisMap m(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) m[static_cast<size_t>(i)] = i;
  return m;
}

int64_t positiveMod(int64_t a, int64_t n) { return ((a % n) + n) % n; }

// ---- Pad ----

struct PadSpec {
  std::vector<int64_t> begin, end;  // per dim
};

PadSpec padSpec(const Node& node, int64_t rank, const std::vector<int64_t>& pads,
                const std::optional<std::vector<int64_t>>& axesIn) {
  std::vector<int64_t> axes;
  if (axesIn) {
    axes = normalizeAxes(node, *axesIn, rank);
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  DLC_CHECK(pads.size() == 2 * axes.size(), node.describe(), ": pads has ", pads.size(), " entries, expected ",
            2 * axes.size());
  PadSpec p{std::vector<int64_t>(static_cast<size_t>(rank), 0), std::vector<int64_t>(static_cast<size_t>(rank), 0)};
  for (size_t i = 0; i < axes.size(); ++i) {
    p.begin[static_cast<size_t>(axes[i])] = pads[i];
    p.end[static_cast<size_t>(axes[i])] = pads[axes.size() + i];
  }
  return p;
}

// Negative pads crop first; the remaining positive pads then extend the
// cropped extent by the mode's rule.
AxisMap padAxisMap(const Node& node, const std::string& mode, int64_t dim, int64_t pb, int64_t pe) {
  int64_t cs = std::max<int64_t>(0, -pb);
  int64_t ce = dim - cs - std::max<int64_t>(0, -pe);
  DLC_CHECK(ce >= 0, node.describe(), ": negative pads remove more than the extent ", dim);
  int64_t before = std::max<int64_t>(0, pb), after = std::max<int64_t>(0, pe);
  if (mode != "constant" && (before > 0 || after > 0))
    DLC_CHECK(ce > 0, node.describe(), ": cannot pad an empty axis in ", mode, " mode");
  AxisMap m(static_cast<size_t>(ce + before + after));
  for (int64_t o = 0; o < static_cast<int64_t>(m.size()); ++o) {
    int64_t c = o - before;
    if (c < 0 || c >= ce) {
      if (mode == "constant") {
        c = -1;
      } else if (mode == "edge") {
        c = std::clamp<int64_t>(c, 0, ce - 1);
      } else if (mode == "wrap") {
        c = positiveMod(c, ce);
      } else {  // reflect
        if (ce == 1) {
          c = 0;
        } else {
          int64_t period = 2 * (ce - 1);
          c = positiveMod(c, period);
          if (c >= ce) c = period - c;
        }
      }
    }
    m[static_cast<size_t>(o)] = c < 0 ? -1 : cs + c;
  }
  return m;
}

std::string padMode(const Node& node) {
  std::string mode = node.attrString("mode", "constant");
  DLC_CHECK(mode == "constant" || mode == "reflect" || mode == "edge" || mode == "wrap", node.describe(),
            ": unknown mode '", mode, "'");
  return mode;
}

void inferPad(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  padMode(ctx.node);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  std::optional<std::vector<int64_t>> pads = constInts(ctx, 1);
  std::optional<std::vector<int64_t>> axes;
  bool axesUnknown = false;
  if (ctx.has(3)) {
    axes = constInts(ctx, 3);
    axesUnknown = !axes;
  }
  Shape s = x.shape;
  if (!pads || axesUnknown) {
    if (axes)
      for (int64_t a : normalizeAxes(ctx.node, *axes, x.rank())) s[static_cast<size_t>(a)] = Dim();
    else
      s = unknownShape(x.rank());
    ctx.outputs = {TensorType(x.dtype, s)};
    return;
  }
  PadSpec p = padSpec(ctx.node, x.rank(), *pads, axes);
  for (size_t d = 0; d < s.size(); ++d) {
    if (!s[d].isStatic()) {
      if (p.begin[d] != 0 || p.end[d] != 0) s[d] = Dim();
      continue;
    }
    int64_t e = s[d].value + p.begin[d] + p.end[d];
    DLC_CHECK(e >= 0, ctx.node.describe(), ": pads give a negative extent at dim ", d);
    s[d] = Dim(e);
  }
  ctx.outputs = {TensorType(x.dtype, s)};
}

void refPad(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  std::string mode = padMode(ctx.node);
  requireIntegerInput(ctx.node, ctx.in(1), "pads");
  std::optional<std::vector<int64_t>> axes;
  if (ctx.has(3)) {
    requireIntegerInput(ctx.node, ctx.in(3), "axes");
    axes = toInt64Vector(ctx.in(3));
  }
  PadSpec p = padSpec(ctx.node, x.rank(), toInt64Vector(ctx.in(1)), axes);
  std::vector<AxisMap> maps;
  for (int64_t d = 0; d < x.rank(); ++d)
    maps.push_back(padAxisMap(ctx.node, mode, x.dim(d), p.begin[static_cast<size_t>(d)], p.end[static_cast<size_t>(d)]));
  const Tensor* fill = nullptr;
  if (ctx.has(2) && ctx.in(2).numel() > 0) {
    fill = &ctx.in(2);
    DLC_CHECK(fill->dtype() == x.dtype(), ctx.node.describe(), ": constant_value dtype ", dtypeName(fill->dtype()),
              " differs from data dtype ", dtypeName(x.dtype()));
  }
  ctx.outputs = {gatherByAxisMaps(x, maps, fill)};
}

// ---- Tile ----

void inferTile(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  std::optional<std::vector<int64_t>> reps = constInts(ctx, 1);
  if (!reps) {
    ctx.outputs = {TensorType(x.dtype, unknownShape(x.rank()))};
    return;
  }
  DLC_CHECK(static_cast<int64_t>(reps->size()) == x.rank(), ctx.node.describe(), ": repeats has ", reps->size(),
            " entries for rank ", x.rank());
  Shape s = x.shape;
  for (size_t d = 0; d < s.size(); ++d) {
    DLC_CHECK((*reps)[d] >= 0, ctx.node.describe(), ": negative repeat ", (*reps)[d]);
    s[d] = s[d].isStatic() ? Dim(s[d].value * (*reps)[d]) : ((*reps)[d] == 0 ? Dim(0) : Dim());
  }
  ctx.outputs = {TensorType(x.dtype, s)};
}

void refTile(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  requireIntegerInput(ctx.node, ctx.in(1), "repeats");
  std::vector<int64_t> reps = toInt64Vector(ctx.in(1));
  DLC_CHECK(static_cast<int64_t>(reps.size()) == x.rank(), ctx.node.describe(), ": repeats has ", reps.size(),
            " entries for rank ", x.rank());
  std::vector<AxisMap> maps;
  for (int64_t d = 0; d < x.rank(); ++d) {
    int64_t r = reps[static_cast<size_t>(d)];
    DLC_CHECK(r >= 0, ctx.node.describe(), ": negative repeat ", r);
    AxisMap m;
    for (int64_t k = 0; k < r; ++k)
      for (int64_t i = 0; i < x.dim(d); ++i) m.push_back(i);
    maps.push_back(m);
  }
  ctx.outputs = {gatherByAxisMaps(x, maps, nullptr)};
}

// ---- Expand ----

void inferExpand(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  std::optional<std::vector<int64_t>> shape = constInts(ctx, 1);
  Shape target;
  if (shape) {
    for (int64_t v : *shape) target.emplace_back(v);
  } else if (std::optional<int64_t> len = staticLength(ctx, 1)) {
    target = unknownShape(*len);
  } else {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  if (!x.ranked) {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  ctx.outputs = {TensorType(x.dtype, broadcastShapes(ctx.node, x.shape, target))};
}

void refExpand(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  requireIntegerInput(ctx.node, ctx.in(1), "shape");
  std::vector<int64_t> ext = broadcastExtents(ctx.node, x.extents(), toInt64Vector(ctx.in(1)));
  Tensor out(x.dtype(), ext);
  std::vector<int64_t> offs = broadcastOffsets(ext, x.extents());
  for (int64_t k = 0; k < out.numel(); ++k) copyElement(x, offs[static_cast<size_t>(k)], out, k);
  ctx.outputs = {out};
}

// ---- CenterCropPad ----

std::vector<int64_t> cropAxes(const Node& node, int64_t rank, size_t n) {
  std::vector<int64_t> axes;
  if (node.hasAttr("axes")) {
    axes = normalizeAxes(node, node.attrInts("axes", {}), rank);
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  DLC_CHECK(axes.size() == n, node.describe(), ": shape has ", n, " entries for ", axes.size(), " axes");
  return axes;
}

void inferCenterCropPad(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  if (!x.ranked) {
    ctx.outputs = {x};
    return;
  }
  Shape s = x.shape;
  if (std::optional<std::vector<int64_t>> shape = constInts(ctx, 1)) {
    std::vector<int64_t> axes = cropAxes(ctx.node, x.rank(), shape->size());
    for (size_t i = 0; i < axes.size(); ++i) s[static_cast<size_t>(axes[i])] = Dim((*shape)[i]);
  } else if (ctx.node.hasAttr("axes")) {
    for (int64_t a : normalizeAxes(ctx.node, ctx.node.attrInts("axes", {}), x.rank())) s[static_cast<size_t>(a)] = Dim();
  } else {
    s = unknownShape(x.rank());
  }
  ctx.outputs = {TensorType(x.dtype, s)};
}

void refCenterCropPad(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  requireIntegerInput(ctx.node, ctx.in(1), "shape");
  std::vector<int64_t> shape = toInt64Vector(ctx.in(1));
  std::vector<int64_t> axes = cropAxes(ctx.node, x.rank(), shape.size());
  std::vector<AxisMap> maps;
  for (int64_t d = 0; d < x.rank(); ++d) maps.push_back(identityMap(x.dim(d)));
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t dim = x.dim(axes[i]), sh = shape[i];
    DLC_CHECK(sh >= 0, ctx.node.describe(), ": negative target extent ", sh);
    AxisMap m(static_cast<size_t>(sh));
    int64_t shift = sh < dim ? (dim - sh) / 2 : -((sh - dim) / 2);  // output o reads input o + shift
    for (int64_t o = 0; o < sh; ++o) {
      int64_t c = o + shift;
      m[static_cast<size_t>(o)] = c >= 0 && c < dim ? c : -1;
    }
    maps[static_cast<size_t>(axes[i])] = m;
  }
  ctx.outputs = {gatherByAxisMaps(x, maps, nullptr)};
}

}  // namespace

void registerPaddingOps(OpRegistry& r) {
  r.add(makeOp("Pad", "Pad (or crop, with negative pads) in constant, reflect, edge or wrap mode", 2, 4,
               PatternKind::Injective, inferPad, refPad, {optAttr("mode", "constant")}));
  r.add(makeOp("Tile", "Repeat the input repeats[d] times along each dim", 2, 2, PatternKind::Injective, inferTile,
               refTile));
  r.add(makeOp("Expand", "Broadcast the input to the given shape (numpy rules)", 2, 2, PatternKind::Broadcast,
               inferExpand, refExpand));
  r.add(makeOp("CenterCropPad", "Center-crop or zero-pad the given axes to the given extents", 2, 2,
               PatternKind::Injective, inferCenterCropPad, refCenterCropPad,
               {optAttrNoDefault("axes", AttrKind::Ints)}));
}

}  // namespace dlc
