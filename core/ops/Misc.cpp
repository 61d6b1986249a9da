// Miscellaneous ops: Unique, Det, NonMaxSuppression and Col2Im.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <optional>

#include "ops/ConvHelpers.h"
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc::ops {
namespace {

// ---- Unique ----
//
// Note on slices: with an axis, X is viewed as [outer, A, inner] and the
// candidates are the A slices x[:, a, :]; without one, X is flattened and
// each element is a slice. Slices compare lexicographically (sorted output)
// or keep the order of their first occurrence.

std::optional<int64_t> uniqueAxis(const Node& node, int64_t rank) {
  if (!node.hasAttr("axis")) return std::nullopt;
  return normalizeAxis(node, node.attr("axis").i(), rank);
}

void inferUnique(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  TensorType y = TensorType(x.dtype, {Dim()});
  Dim inverseLen;
  if (x.ranked) {
    std::optional<int64_t> axis = uniqueAxis(ctx.node, x.rank());
    if (axis) {
      y = x;
      y.shape[static_cast<size_t>(*axis)] = Dim();
      inverseLen = x.shape[static_cast<size_t>(*axis)];
    } else if (x.isStatic()) {
      inverseLen = Dim(*x.numElements());
    }
  } else if (ctx.node.hasAttr("axis")) {
    y = TensorType::unranked(x.dtype);
  }
  ctx.outputs = {y};
  TensorType idx(DType::Int64, {Dim()});
  if (ctx.node.numOutputs() > 1) ctx.outputs.push_back(idx);
  if (ctx.node.numOutputs() > 2) ctx.outputs.push_back(TensorType(DType::Int64, {inverseLen}));
  if (ctx.node.numOutputs() > 3) ctx.outputs.push_back(idx);
}

void refUnique(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  std::optional<int64_t> axis = uniqueAxis(ctx.node, x.rank());
  const bool sorted = ctx.node.attrInt("sorted", 1) != 0;
  int64_t outer = 1, A = x.numel(), inner = 1;
  if (axis) {
    A = x.dim(*axis);
    for (int64_t i = 0; i < *axis; ++i) outer *= x.dim(i);
    for (int64_t i = *axis + 1; i < x.rank(); ++i) inner *= x.dim(i);
  }
  std::vector<int64_t> firsts, inverse(static_cast<size_t>(A)), counts;
  dispatchDType(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* p = x.data<T>();
    // -1: a < b, 0: equal, 1: a > b (comparing slices a and b).
    auto cmp = [&](int64_t a, int64_t b) -> int {
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          auto va = loadAs<T>(p, (o * A + a) * inner + i), vb = loadAs<T>(p, (o * A + b) * inner + i);
          if (va < vb) return -1;
          if (vb < va) return 1;
        }
      }
      return 0;
    };
    for (int64_t a = 0; a < A; ++a) {
      size_t found = firsts.size();
      for (size_t u = 0; u < firsts.size(); ++u) {
        if (cmp(a, firsts[u]) == 0) {
          found = u;
          break;
        }
      }
      if (found == firsts.size()) {
        firsts.push_back(a);
        counts.push_back(0);
      }
      ++counts[found];
      inverse[static_cast<size_t>(a)] = static_cast<int64_t>(found);
    }
    if (sorted) {
      std::vector<size_t> order(firsts.size());
      std::iota(order.begin(), order.end(), size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](size_t u, size_t v) { return cmp(firsts[u], firsts[v]) < 0; });
      std::vector<int64_t> rank(order.size()), f2, c2;
      for (size_t k = 0; k < order.size(); ++k) {
        rank[order[k]] = static_cast<int64_t>(k);
        f2.push_back(firsts[order[k]]);
        c2.push_back(counts[order[k]]);
      }
      for (int64_t& v : inverse) v = rank[static_cast<size_t>(v)];
      firsts = f2;
      counts = c2;
    }
  });
  const int64_t U = static_cast<int64_t>(firsts.size());
  std::vector<int64_t> yExt{U};
  if (axis) {
    yExt = x.extents();
    yExt[static_cast<size_t>(*axis)] = U;
  }
  Tensor y(x.dtype(), yExt);
  const size_t es = dtypeSize(x.dtype());
  const auto* src = static_cast<const uint8_t*>(x.rawData());
  auto* dst = static_cast<uint8_t*>(y.rawData());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t u = 0; u < U; ++u)
      std::memcpy(dst + static_cast<size_t>((o * U + u) * inner) * es,
                  src + static_cast<size_t>((o * A + firsts[static_cast<size_t>(u)]) * inner) * es,
                  static_cast<size_t>(inner) * es);
  ctx.outputs = {y};
  if (ctx.node.numOutputs() > 1) ctx.outputs.push_back(Tensor::fromVector<int64_t>({U}, firsts));
  if (ctx.node.numOutputs() > 2) ctx.outputs.push_back(Tensor::fromVector<int64_t>({A}, inverse));
  if (ctx.node.numOutputs() > 3) ctx.outputs.push_back(Tensor::fromVector<int64_t>({U}, counts));
}

// ---- Det ----

void inferDet(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  DLC_CHECK(isFloat(x.dtype), ctx.node.describe(), ": input must be floating point");
  if (!x.ranked) {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": input must have rank >= 2, got ", x.str());
  const Dim& a = x.shape[x.shape.size() - 2];
  const Dim& b = x.shape.back();
  DLC_CHECK(!(a.isStatic() && b.isStatic()) || a == b, ctx.node.describe(), ": matrices must be square, got ", x.str());
  ctx.outputs = {TensorType(x.dtype, Shape(x.shape.begin(), x.shape.end() - 2))};
}

void refDet(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 2 && x.dim(x.rank() - 1) == x.dim(x.rank() - 2), ctx.node.describe(),
            ": input must be [..., M, M], got ", x.type().str());
  const int64_t M = x.dim(x.rank() - 1);
  std::vector<int64_t> outExt(x.extents().begin(), x.extents().end() - 2);
  const int64_t batch = M == 0 ? checkedNumElements(outExt) : x.numel() / (M * M);
  std::vector<double> v = toDoubles(x), out(static_cast<size_t>(batch));
  for (int64_t bi = 0; bi < batch; ++bi) {
    std::vector<double> a(v.begin() + bi * M * M, v.begin() + (bi + 1) * M * M);
    double det = 1;
    for (int64_t c = 0; c < M; ++c) {  // LU with partial pivoting
      int64_t piv = c;
      for (int64_t r = c + 1; r < M; ++r)
        if (std::fabs(a[r * M + c]) > std::fabs(a[piv * M + c])) piv = r;
      if (a[piv * M + c] == 0) {
        det = 0;
        break;
      }
      if (piv != c) {
        for (int64_t k = 0; k < M; ++k) std::swap(a[c * M + k], a[piv * M + k]);
        det = -det;
      }
      det *= a[c * M + c];
      for (int64_t r = c + 1; r < M; ++r) {
        double f = a[r * M + c] / a[c * M + c];
        for (int64_t k = c; k < M; ++k) a[r * M + k] -= f * a[c * M + k];
      }
    }
    out[static_cast<size_t>(bi)] = det;
  }
  ctx.outputs = {fromDoubles(x.dtype(), outExt, out)};
}

// ---- NonMaxSuppression ----

void inferNms(InferContext& ctx) {
  DLC_CHECK(isFloat(ctx.in(0).dtype) && isFloat(ctx.in(1).dtype), ctx.node.describe(),
            ": boxes and scores must be floating point");
  ctx.outputs = {TensorType(DType::Int64, {Dim(), Dim(3)})};
}

struct Box {
  double x0, y0, x1, y1;
};

Box boxAt(const std::vector<double>& b, size_t off, bool center) {
  if (center) {
    double cx = b[off], cy = b[off + 1], hw = b[off + 2] / 2, hh = b[off + 3] / 2;
    return {cx - hw, cy - hh, cx + hw, cy + hh};
  }
  return {std::min(b[off + 1], b[off + 3]), std::min(b[off], b[off + 2]), std::max(b[off + 1], b[off + 3]),
          std::max(b[off], b[off + 2])};
}

bool suppresses(const Box& a, const Box& b, double iouThreshold) {
  double ix0 = std::max(a.x0, b.x0), ix1 = std::min(a.x1, b.x1);
  if (ix1 <= ix0) return false;
  double iy0 = std::max(a.y0, b.y0), iy1 = std::min(a.y1, b.y1);
  if (iy1 <= iy0) return false;
  double inter = (ix1 - ix0) * (iy1 - iy0);
  double areaA = (a.x1 - a.x0) * (a.y1 - a.y0), areaB = (b.x1 - b.x0) * (b.y1 - b.y0);
  double uni = areaA + areaB - inter;
  if (inter <= 0 || areaA <= 0 || areaB <= 0 || uni <= 0) return false;
  return inter / uni > iouThreshold;
}

void refNms(RefContext& ctx) {
  const Node& node = ctx.node;
  const Tensor& boxes = ctx.in(0);
  const Tensor& scores = ctx.in(1);
  DLC_CHECK(boxes.rank() == 3 && boxes.dim(2) == 4, node.describe(), ": boxes must be [batch, boxes, 4], got ",
            boxes.type().str());
  DLC_CHECK(scores.rank() == 3 && scores.dim(0) == boxes.dim(0) && scores.dim(2) == boxes.dim(1), node.describe(),
            ": scores ", scores.type().str(), " must be [batch, classes, boxes] for boxes ", boxes.type().str());
  const int64_t B = boxes.dim(0), K = boxes.dim(1), C = scores.dim(1);
  int64_t maxOut = 0;
  double iou = 0;
  std::optional<double> scoreThreshold;
  if (ctx.has(2) && ctx.in(2).numel() > 0) maxOut = ctx.in(2).getInt64(0);
  if (ctx.has(3) && ctx.in(3).numel() > 0) iou = ctx.in(3).getDouble(0);
  if (ctx.has(4) && ctx.in(4).numel() > 0) scoreThreshold = ctx.in(4).getDouble(0);
  int64_t cpb = node.attrInt("center_point_box", 0);
  DLC_CHECK(cpb == 0 || cpb == 1, node.describe(), ": center_point_box must be 0 or 1");
  std::vector<double> bv = toDoubles(boxes), sv = toDoubles(scores);
  std::vector<int64_t> sel;
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t c = 0; c < C; ++c) {
      const double* s = sv.data() + (b * C + c) * K;
      std::vector<int64_t> cand;
      for (int64_t k = 0; k < K; ++k)
        if (!scoreThreshold || s[k] > *scoreThreshold) cand.push_back(k);
      std::stable_sort(cand.begin(), cand.end(), [&](int64_t u, int64_t v) { return s[u] > s[v]; });
      std::vector<Box> kept;
      for (int64_t k : cand) {
        if (static_cast<int64_t>(kept.size()) >= maxOut) break;
        Box bx = boxAt(bv, static_cast<size_t>((b * K + k) * 4), cpb == 1);
        bool ok = true;
        for (const Box& o : kept) {
          if (suppresses(bx, o, iou)) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        kept.push_back(bx);
        sel.insert(sel.end(), {b, c, k});
      }
    }
  }
  ctx.outputs = {Tensor::fromVector<int64_t>({static_cast<int64_t>(sel.size() / 3), 3}, sel)};
}

// ---- Col2Im ----

struct Col2ImGeom {
  std::vector<int64_t> image, block, dil, stride, padB, padE, blocksPerDim;
  int64_t C = 0, L = 0;
};

Col2ImGeom col2imGeom(const Node& node, const std::vector<int64_t>& inExt, std::vector<int64_t> image,
                      std::vector<int64_t> block) {
  Col2ImGeom g;
  const size_t R = image.size();
  DLC_CHECK(R >= 1 && block.size() == R, node.describe(), ": image_shape and block_shape must have the same length");
  DLC_CHECK(inExt.size() == 3, node.describe(), ": input must be [N, C * prod(block_shape), L]");
  g.image = std::move(image);
  g.block = std::move(block);
  g.dil = node.attrInts("dilations", std::vector<int64_t>(R, 1));
  g.stride = node.attrInts("strides", std::vector<int64_t>(R, 1));
  std::vector<int64_t> pads = node.attrInts("pads", std::vector<int64_t>(2 * R, 0));
  DLC_CHECK(g.dil.size() == R && g.stride.size() == R && pads.size() == 2 * R, node.describe(),
            ": dilations / strides / pads do not match the ", R, " spatial dims");
  g.padB.assign(pads.begin(), pads.begin() + static_cast<int64_t>(R));
  g.padE.assign(pads.begin() + static_cast<int64_t>(R), pads.end());
  int64_t blockSize = 1;
  g.L = 1;
  for (size_t i = 0; i < R; ++i) {
    DLC_CHECK(g.image[i] > 0 && g.block[i] > 0 && g.stride[i] > 0 && g.dil[i] > 0, node.describe(),
              ": image_shape, block_shape, strides and dilations must be positive");
    blockSize *= g.block[i];
    int64_t span = g.dil[i] * (g.block[i] - 1) + 1;
    int64_t n = (g.image[i] + g.padB[i] + g.padE[i] - span) / g.stride[i] + 1;
    DLC_CHECK(n > 0, node.describe(), ": block does not fit the padded image in dim ", i);
    g.blocksPerDim.push_back(n);
    g.L *= n;
  }
  DLC_CHECK(inExt[1] % blockSize == 0, node.describe(), ": input dim 1 (", inExt[1],
            ") is not a multiple of the block size ", blockSize);
  DLC_CHECK(inExt[2] == g.L, node.describe(), ": input dim 2 is ", inExt[2], ", expected ", g.L, " blocks");
  g.C = inExt[1] / blockSize;
  return g;
}

void inferCol2Im(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  const Tensor* image = ctx.constant(1);
  const Tensor* block = ctx.constant(2);
  if (!x.ranked) {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  DLC_CHECK(x.rank() == 3, ctx.node.describe(), ": input must be 3-D, got ", x.str());
  if (!image) {
    const TensorType& it = ctx.in(1);
    if (it.ranked && it.rank() == 1 && it.shape[0].isStatic()) {
      ctx.outputs = {TensorType(x.dtype, Shape(static_cast<size_t>(2 + it.shape[0].value), Dim()))};
      ctx.outputs[0].shape[0] = x.shape[0];
    } else {
      ctx.outputs = {TensorType::unranked(x.dtype)};
    }
    return;
  }
  std::vector<int64_t> img = toInt64Vector(*image);
  Shape out{x.shape[0], Dim()};
  if (block && x.isStatic()) out[1] = Dim(col2imGeom(ctx.node, x.extents(), img, toInt64Vector(*block)).C);
  for (int64_t v : img) out.push_back(v);
  ctx.outputs = {TensorType(x.dtype, out)};
}

void refCol2Im(RefContext& ctx) {
  const Tensor& x = ctx.in(0);
  Col2ImGeom g = col2imGeom(ctx.node, x.extents(), toInt64Vector(ctx.in(1)), toInt64Vector(ctx.in(2)));
  const size_t R = g.image.size();
  const int64_t N = x.dim(0);
  int64_t imgSize = 1, blockSize = 1;
  for (size_t i = 0; i < R; ++i) {
    imgSize *= g.image[i];
    blockSize *= g.block[i];
  }
  std::vector<double> in = toDoubles(x), out(static_cast<size_t>(N * g.C * imgSize), 0.0);
  std::vector<int64_t> bStr = stridesOf(g.block), lStr = stridesOf(g.blocksPerDim), iStr = stridesOf(g.image);
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t c = 0; c < g.C; ++c) {
      for (int64_t k = 0; k < blockSize; ++k) {
        for (int64_t l = 0; l < g.L; ++l) {
          int64_t off = 0;
          bool inside = true;
          for (size_t d = 0; d < R && inside; ++d) {
            int64_t kd = (k / bStr[d]) % g.block[d], ld = (l / lStr[d]) % g.blocksPerDim[d];
            int64_t pos = ld * g.stride[d] - g.padB[d] + kd * g.dil[d];
            inside = pos >= 0 && pos < g.image[d];
            off += pos * iStr[d];
          }
          if (inside)
            out[static_cast<size_t>((n * g.C + c) * imgSize + off)] +=
                in[static_cast<size_t>(((n * g.C + c) * blockSize + k) * g.L + l)];
        }
      }
    }
  }
  std::vector<int64_t> ext{N, g.C};
  ext.insert(ext.end(), g.image.begin(), g.image.end());
  ctx.outputs = {fromDoubles(x.dtype(), ext, out)};
}

}  // namespace
}  // namespace dlc::ops

namespace dlc {
using namespace ops;

void registerMiscOps(OpRegistry& r) {
  r.add(makeOp("Unique", "Unique elements or slices (Y, indices, inverse_indices, counts)", 1, 1, PatternKind::Opaque,
               inferUnique, refUnique, {optAttrNoDefault("axis", AttrKind::Int), optAttr("sorted", int64_t{1})}, 1, 4));
  r.add(makeOp("Det", "Determinant of square matrices [..., M, M]", 1, 1, PatternKind::Opaque, inferDet, refDet));
  r.add(makeOp("NonMaxSuppression", "Greedy non-max suppression; selected [batch, class, box] triples", 2, 5,
               PatternKind::Opaque, inferNms, refNms, {optAttr("center_point_box", int64_t{0})}));
  r.add(makeOp("Col2Im", "Rearranges column blocks [N, C*prod(block), L] into an image", 3, 3, PatternKind::Opaque,
               inferCol2Im, refCol2Im,
               {optAttrNoDefault("dilations", AttrKind::Ints), optAttrNoDefault("pads", AttrKind::Ints),
                optAttrNoDefault("strides", AttrKind::Ints)}));
}

}  // namespace dlc
