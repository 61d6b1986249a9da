// Shape and data-movement ops: Identity, Dropout, Reshape, Transpose.
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

void inferReshape(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  const TensorType& s = ctx.in(1);
  const Tensor* shapeConst = ctx.constant(1);
  if (!shapeConst) {
    DLC_CHECK(s.ranked && s.rank() == 1, ctx.node.describe(), ": shape input must be 1-D");
    if (!s.shape[0].isStatic()) {
      ctx.outputs = {TensorType::unranked(x.dtype)};
      return;
    }
    ctx.outputs = {TensorType(x.dtype, Shape(static_cast<size_t>(s.shape[0].value), Dim()))};
    return;
  }
  std::vector<int64_t> target = toInt64Vector(*shapeConst);
  bool allowZero = ctx.node.attrInt("allowzero", 0) != 0;
  Shape out;
  int inferAt = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t v = target[i];
    if (v == -1) {
      DLC_CHECK(inferAt < 0, ctx.node.describe(), ": more than one -1 in the target shape");
      inferAt = static_cast<int>(i);
      out.emplace_back(Dim());
    } else if (v == 0 && !allowZero) {
      DLC_CHECK(x.ranked && i < x.shape.size(), ctx.node.describe(), ": 0 copies a missing input dim");
      out.push_back(x.shape[i]);
    } else {
      DLC_CHECK(v >= 0, ctx.node.describe(), ": invalid target dim ", v);
      out.emplace_back(v);
    }
  }
  if (inferAt >= 0 && x.isStatic()) {
    int64_t total = checkedNumElements(x.extents());
    int64_t known = 1;
    bool static_ = true;
    for (size_t i = 0; i < out.size(); ++i) {
      if (static_cast<int>(i) == inferAt) continue;
      if (!out[i].isStatic()) static_ = false;
      else known *= out[i].value;
    }
    if (static_) {
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
        if (ctx.has(2) && ctx.in(2).getInt64(0) != 0) unsupported(ctx.node.describe(), ": training mode");
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
      [](RefContext& ctx) {
        const Tensor& x = ctx.in(0);
        std::vector<int64_t> perm = transposePerm(ctx.node, x.rank());
        std::vector<int64_t> ext;
        for (int64_t p : perm) ext.push_back(x.dim(p));
        Tensor out(x.dtype(), ext);
        std::vector<int64_t> inStr = stridesOf(x.extents());
        size_t es = dtypeSize(x.dtype());
        std::vector<int64_t> idx(ext.size(), 0);
        const auto* src = static_cast<const uint8_t*>(x.rawData());
        auto* dst = static_cast<uint8_t*>(out.rawData());
        for (int64_t k = 0; k < out.numel(); ++k) {
          int64_t off = 0;
          for (size_t d = 0; d < ext.size(); ++d) off += idx[d] * inStr[static_cast<size_t>(perm[d])];
          std::memcpy(dst + static_cast<size_t>(k) * es, src + static_cast<size_t>(off) * es, es);
          for (size_t d = ext.size(); d-- > 0;) {
            if (++idx[d] < ext[d]) break;
            idx[d] = 0;
          }
        }
        ctx.outputs = {out};
      },
      {optAttrNoDefault("perm", AttrKind::Ints)}));
}

}  // namespace dlc
