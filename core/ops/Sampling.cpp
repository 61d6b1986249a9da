// Sampling ops: GridSample (interpolate an N-d input at normalized grid
// points), AffineGrid (the grid of an affine transform), RoiAlign (bilinear
// pooling of regions) and DeformConv (convolution at offset sample points).
//
// Note on GridSample coordinates: the grid's last dim lists coordinates in
// reverse spatial order (x = width first). A normalized n in [-1, 1] maps to
// ((n + 1) / 2) * (d - 1) with align_corners, else ((n + 1) * d - 1) / 2.
// Coordinates outside the input are clamped ("border") or reflected
// ("reflection") before interpolating; neighbours that fall outside are then
// zero ("zeros"), clamped or reflected again.
#include <algorithm>
#include <cmath>

#include "ops/ConvHelpers.h"
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc::ops {
namespace {

// ---- GridSample ----

enum class Pad { Zeros, Border, Reflection };

double reflect(double x, double lo, double hi) {
  double rng = hi - lo;
  if (rng <= 0) return lo;
  if (x < lo) {
    double dx = lo - x;
    int64_t n = static_cast<int64_t>(dx / rng);
    double r = dx - static_cast<double>(n) * rng;
    return n % 2 == 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    double dx = x - hi;
    int64_t n = static_cast<int64_t>(dx / rng);
    double r = dx - static_cast<double>(n) * rng;
    return n % 2 == 0 ? hi - r : lo + r;
  }
  return x;
}

void cubicCoeffs(double t, double* c) {
  const double a = -0.75;
  double x = std::fabs(t);
  c[0] = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a;
  c[1] = ((a + 2) * x - (a + 3)) * x * x + 1;
  c[2] = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1;
  c[3] = ((a * (2 - x) - 5 * a) * (2 - x) + 8 * a) * (2 - x) - 4 * a;
}

void inferGridSample(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  const TensorType& g = ctx.in(1);
  DLC_CHECK(isFloat(x.dtype), ctx.node.describe(), ": X must be floating point");
  DLC_CHECK(isFloat(g.dtype), ctx.node.describe(), ": grid must be floating point");
  if (!x.ranked || !g.ranked) {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  DLC_CHECK(x.rank() >= 3, ctx.node.describe(), ": X must have rank >= 3, got ", x.str());
  DLC_CHECK(g.rank() == x.rank(), ctx.node.describe(), ": grid ", g.str(), " must have the rank of X ", x.str());
  const Dim& last = g.shape.back();
  DLC_CHECK(!last.isStatic() || last.value == x.rank() - 2, ctx.node.describe(), ": grid's last dim must be ",
            x.rank() - 2, ", got ", g.str());
  Shape out{x.shape[0], x.shape[1]};
  for (int64_t i = 1; i + 1 < g.rank(); ++i) out.push_back(g.shape[static_cast<size_t>(i)]);
  ctx.outputs = {TensorType(x.dtype, out)};
}

void refGridSample(RefContext& ctx) {
  const Node& node = ctx.node;
  const Tensor& X = ctx.in(0);
  const Tensor& G = ctx.in(1);
  std::string mode = node.attrString("mode", "linear");
  std::string padS = node.attrString("padding_mode", "zeros");
  bool align = node.attrInt("align_corners", 0) != 0;
  DLC_CHECK(mode == "linear" || mode == "nearest" || mode == "cubic", node.describe(), ": unknown mode '", mode, "'");
  Pad pad = padS == "zeros" ? Pad::Zeros : padS == "border" ? Pad::Border : Pad::Reflection;
  DLC_CHECK(padS == "zeros" || padS == "border" || padS == "reflection", node.describe(), ": unknown padding_mode '",
            padS, "'");
  const int64_t R = X.rank() - 2;
  DLC_CHECK(R >= 1 && G.rank() == X.rank() && G.dim(G.rank() - 1) == R && G.dim(0) == X.dim(0), node.describe(),
            ": grid ", G.type().str(), " does not match X ", X.type().str());
  const int64_t N = X.dim(0), C = X.dim(1);
  std::vector<int64_t> dims(X.extents().begin() + 2, X.extents().end());
  std::vector<int64_t> dstr = stridesOf(dims);
  int64_t inSize = 1;
  for (int64_t d : dims) inSize *= d;
  std::vector<int64_t> outExt{N, C};
  int64_t P = 1;
  for (int64_t i = 1; i + 1 < G.rank(); ++i) {
    outExt.push_back(G.dim(i));
    P *= G.dim(i);
  }
  for (int64_t d : dims)
    DLC_CHECK(d > 0 || N * C * P == 0, node.describe(), ": X ", X.type().str(), " has an empty spatial dim");
  std::vector<double> xv = toDoubles(X), gv = toDoubles(G), out(static_cast<size_t>(N * C * P));
  std::vector<double> lo(static_cast<size_t>(R)), hi(static_cast<size_t>(R));
  for (int64_t i = 0; i < R; ++i) {
    lo[i] = align ? 0.0 : -0.5;
    hi[i] = align ? static_cast<double>(dims[i] - 1) : static_cast<double>(dims[i]) - 0.5;
  }
  const int taps = mode == "cubic" ? 4 : mode == "linear" ? 2 : 1;
  // Per point and dim: the tap indices (after padding; -1 = zero) and weights.
  std::vector<int64_t> idx(static_cast<size_t>(R * taps));
  std::vector<double> wt(static_cast<size_t>(R * taps));
  auto tapIndex = [&](int64_t i, int64_t d) -> int64_t {
    int64_t n = dims[d];
    if (pad == Pad::Zeros) return i >= 0 && i < n ? i : -1;
    if (pad == Pad::Border) return std::clamp<int64_t>(i, 0, n - 1);
    return std::clamp<int64_t>(static_cast<int64_t>(reflect(static_cast<double>(i), lo[d], hi[d])), 0, n - 1);
  };
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t p = 0; p < P; ++p) {
      for (int64_t d = 0; d < R; ++d) {
        double g = gv[static_cast<size_t>((n * P + p) * R + (R - 1 - d))];
        double len = static_cast<double>(dims[d]);
        double x = align ? (g + 1) / 2.0 * (len - 1) : ((g + 1) * len - 1) / 2.0;
        if (mode == "nearest") x = std::nearbyint(x);
        if (x < lo[d] || x > hi[d]) {
          if (pad == Pad::Border) x = std::clamp(x, 0.0, len - 1);
          else if (pad == Pad::Reflection) x = reflect(x, lo[d], hi[d]);
        }
        if (mode == "nearest") {
          idx[d] = tapIndex(static_cast<int64_t>(x), d);
          wt[d] = 1.0;
          continue;
        }
        double f = std::floor(x);
        int64_t x0 = static_cast<int64_t>(f);
        double t = x - f;
        if (mode == "linear") {
          idx[d * 2] = tapIndex(x0, d);
          idx[d * 2 + 1] = tapIndex(x0 + 1, d);
          wt[d * 2] = 1 - t;
          wt[d * 2 + 1] = t;
        } else {
          cubicCoeffs(t, &wt[d * 4]);
          for (int k = 0; k < 4; ++k) idx[d * 4 + k] = tapIndex(x0 - 1 + k, d);
        }
      }
      // Sum over all tap combinations (taps^R of them).
      int64_t combos = 1;
      for (int64_t d = 0; d < R; ++d) combos *= taps;
      for (int64_t c = 0; c < C; ++c) {
        const double* src = xv.data() + (n * C + c) * inSize;
        double acc = 0;
        for (int64_t k = 0; k < combos; ++k) {
          int64_t rem = k, off = 0;
          double w = 1;
          bool zero = false;
          for (int64_t d = R - 1; d >= 0; --d) {
            int64_t tp = rem % taps;
            rem /= taps;
            int64_t i = idx[d * taps + tp];
            if (i < 0) {
              zero = true;
              break;
            }
            off += i * dstr[d];
            w *= wt[d * taps + tp];
          }
          if (!zero) acc += w * src[off];
        }
        out[static_cast<size_t>((n * C + c) * P + p)] = acc;
      }
    }
  }
  ctx.outputs = {fromDoubles(X.dtype(), outExt, out)};
}

// ---- AffineGrid ----

void inferAffineGrid(InferContext& ctx) {
  const TensorType& theta = ctx.in(0);
  DLC_CHECK(isFloat(theta.dtype), ctx.node.describe(), ": theta must be floating point");
  DLC_CHECK(isInteger(ctx.in(1).dtype), ctx.node.describe(), ": size must be an integer tensor");
  if (const Tensor* size = ctx.constant(1)) {
    std::vector<int64_t> s = toInt64Vector(*size);
    DLC_CHECK(s.size() == 4 || s.size() == 5, ctx.node.describe(), ": size must have 4 or 5 entries");
    Shape out{s[0]};
    for (size_t i = 2; i < s.size(); ++i) out.push_back(s[i]);
    out.push_back(static_cast<int64_t>(s.size() - 2));
    ctx.outputs = {TensorType(theta.dtype, out)};
    return;
  }
  const TensorType& st = ctx.in(1);
  if (st.ranked && st.rank() == 1 && st.shape[0].isStatic()) {
    int64_t k = st.shape[0].value;
    DLC_CHECK(k == 4 || k == 5, ctx.node.describe(), ": size must have 4 or 5 entries");
    Shape out(static_cast<size_t>(k), Dim());  // [N, spatial..., k - 2]
    if (theta.ranked && theta.rank() == 3) out[0] = theta.shape[0];
    out.back() = Dim(k - 2);
    ctx.outputs = {TensorType(theta.dtype, out)};
    return;
  }
  ctx.outputs = {TensorType::unranked(theta.dtype)};
}

void refAffineGrid(RefContext& ctx) {
  const Node& node = ctx.node;
  const Tensor& theta = ctx.in(0);
  std::vector<int64_t> s = toInt64Vector(ctx.in(1));
  DLC_CHECK(s.size() == 4 || s.size() == 5, node.describe(), ": size must have 4 or 5 entries");
  const int64_t R = static_cast<int64_t>(s.size()) - 2, N = s[0];
  DLC_CHECK(theta.rank() == 3 && theta.dim(0) == N && theta.dim(1) == R && theta.dim(2) == R + 1, node.describe(),
            ": theta ", theta.type().str(), " must have shape [", N, ", ", R, ", ", R + 1, "]");
  bool align = node.attrInt("align_corners", 0) != 0;
  std::vector<int64_t> dims(s.begin() + 2, s.end());
  for (int64_t d : dims) DLC_CHECK(d > 0, node.describe(), ": size entries must be positive");
  auto coord = [&](int64_t i, int64_t n) {
    if (align) return n == 1 ? -1.0 : -1.0 + 2.0 * static_cast<double>(i) / static_cast<double>(n - 1);
    double step = 2.0 / static_cast<double>(n);
    return -1.0 + step / 2 + static_cast<double>(i) * step;
  };
  int64_t P = 1;
  for (int64_t d : dims) P *= d;
  std::vector<double> th = toDoubles(theta), out(static_cast<size_t>(N * P * R));
  std::vector<int64_t> str = stridesOf(dims);
  std::vector<double> h(static_cast<size_t>(R + 1));
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t p = 0; p < P; ++p) {
      // Homogeneous point in (x, y[, z]) order: x follows the last dim.
      for (int64_t d = 0; d < R; ++d) h[R - 1 - d] = coord((p / str[d]) % dims[d], dims[d]);
      h[R] = 1.0;
      for (int64_t r = 0; r < R; ++r) {
        double acc = 0;
        for (int64_t k = 0; k <= R; ++k) acc += th[static_cast<size_t>((n * R + r) * (R + 1) + k)] * h[k];
        out[static_cast<size_t>((n * P + p) * R + r)] = acc;
      }
    }
  }
  std::vector<int64_t> ext{N};
  for (int64_t d : dims) ext.push_back(d);
  ext.push_back(R);
  ctx.outputs = {fromDoubles(theta.dtype(), ext, out)};
}

// ---- RoiAlign ----

void inferRoiAlign(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  DLC_CHECK(isFloat(x.dtype), ctx.node.describe(), ": X must be floating point");
  DLC_CHECK(isInteger(ctx.in(2).dtype), ctx.node.describe(), ": batch_indices must be an integer tensor");
  const TensorType& rois = ctx.in(1);
  DLC_CHECK(!x.ranked || x.rank() == 4, ctx.node.describe(), ": X must be 4-D, got ", x.str());
  DLC_CHECK(!rois.ranked || rois.rank() == 2, ctx.node.describe(), ": rois must be 2-D, got ", rois.str());
  Dim n = rois.ranked ? rois.shape[0] : Dim();
  Dim c = x.ranked ? x.shape[1] : Dim();
  ctx.outputs = {TensorType(x.dtype, {n, c, Dim(ctx.node.attrInt("output_height", 1)),
                                      Dim(ctx.node.attrInt("output_width", 1))})};
}

// Bilinear taps of one sample point: four positions and weights.
struct Tap {
  int64_t pos[4];
  double w[4];
};

Tap roiTap(double y, double x, int64_t H, int64_t W) {
  Tap t{{0, 0, 0, 0}, {0, 0, 0, 0}};
  if (y < -1.0 || y > static_cast<double>(H) || x < -1.0 || x > static_cast<double>(W)) return t;
  y = std::max(y, 0.0);
  x = std::max(x, 0.0);
  int64_t yl = static_cast<int64_t>(y), xl = static_cast<int64_t>(x), yh = yl + 1, xh = xl + 1;
  if (yl >= H - 1) {
    yh = yl = H - 1;
    y = static_cast<double>(yl);
  }
  if (xl >= W - 1) {
    xh = xl = W - 1;
    x = static_cast<double>(xl);
  }
  double ly = y - static_cast<double>(yl), lx = x - static_cast<double>(xl);
  double hy = 1 - ly, hx = 1 - lx;
  return Tap{{yl * W + xl, yl * W + xh, yh * W + xl, yh * W + xh}, {hy * hx, hy * lx, ly * hx, ly * lx}};
}

void refRoiAlign(RefContext& ctx) {
  const Node& node = ctx.node;
  const Tensor& X = ctx.in(0);
  const Tensor& rois = ctx.in(1);
  DLC_CHECK(X.rank() == 4, node.describe(), ": X must be 4-D");
  DLC_CHECK(rois.rank() == 2 && rois.dim(1) == 4, node.describe(), ": rois must be [num_rois, 4], got ",
            rois.type().str());
  std::vector<int64_t> bidx = toInt64Vector(ctx.in(2));
  const int64_t R = rois.dim(0), N = X.dim(0), C = X.dim(1), H = X.dim(2), W = X.dim(3);
  DLC_CHECK(static_cast<int64_t>(bidx.size()) == R, node.describe(), ": batch_indices must have ", R, " entries");
  DLC_CHECK(H > 0 && W > 0, node.describe(), ": X ", X.type().str(), " has an empty spatial dim");
  const int64_t OH = node.attrInt("output_height", 1), OW = node.attrInt("output_width", 1);
  DLC_CHECK(OH > 0 && OW > 0, node.describe(), ": output_height and output_width must be positive");
  const int64_t ratio = node.attrInt("sampling_ratio", 0);
  const double scale = node.attrFloat("spatial_scale", 1.0);
  const std::string ctm = node.attrString("coordinate_transformation_mode", "half_pixel");
  const std::string mode = node.attrString("mode", "avg");
  DLC_CHECK(ctm == "half_pixel" || ctm == "output_half_pixel", node.describe(),
            ": unknown coordinate_transformation_mode '", ctm, "'");
  DLC_CHECK(mode == "avg" || mode == "max", node.describe(), ": unknown mode '", mode, "'");
  const bool halfPixel = ctm == "half_pixel";
  std::vector<double> xv = toDoubles(X), rv = toDoubles(rois), out(static_cast<size_t>(R * C * OH * OW));
  for (int64_t r = 0; r < R; ++r) {
    const int64_t b = bidx[static_cast<size_t>(r)];
    DLC_CHECK(b >= 0 && b < N, node.describe(), ": batch index ", b, " out of range [0, ", N, ")");
    const double off = halfPixel ? 0.5 : 0.0;
    const double x0 = rv[r * 4] * scale - off, y0 = rv[r * 4 + 1] * scale - off;
    double rw = rv[r * 4 + 2] * scale - off - x0, rh = rv[r * 4 + 3] * scale - off - y0;
    if (!halfPixel) {
      rw = std::max(rw, 1.0);
      rh = std::max(rh, 1.0);
    }
    const double bh = rh / static_cast<double>(OH), bw = rw / static_cast<double>(OW);
    const int64_t gh = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(rh / static_cast<double>(OH)));
    const int64_t gw = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(rw / static_cast<double>(OW)));
    const double count = static_cast<double>(std::max<int64_t>(gh * gw, 1));
    // Taps per output cell and sample point, shared by all channels.
    std::vector<Tap> taps;
    for (int64_t ph = 0; ph < OH; ++ph)
      for (int64_t pw = 0; pw < OW; ++pw)
        for (int64_t iy = 0; iy < gh; ++iy)
          for (int64_t ix = 0; ix < gw; ++ix)
            taps.push_back(roiTap(
                y0 + static_cast<double>(ph) * bh + (static_cast<double>(iy) + 0.5) * bh / static_cast<double>(gh),
                x0 + static_cast<double>(pw) * bw + (static_cast<double>(ix) + 0.5) * bw / static_cast<double>(gw), H,
                W));
    for (int64_t c = 0; c < C; ++c) {
      const double* src = xv.data() + (b * C + c) * H * W;
      size_t ti = 0;
      for (int64_t cell = 0; cell < OH * OW; ++cell) {
        double acc = 0;
        for (int64_t k = 0; k < gh * gw; ++k, ++ti) {
          const Tap& t = taps[ti];
          if (mode == "avg") {
            for (int q = 0; q < 4; ++q) acc += t.w[q] * src[t.pos[q]];
          } else {  // the largest weighted tap
            double v = t.w[0] * src[t.pos[0]];
            for (int q = 1; q < 4; ++q) v = std::max(v, t.w[q] * src[t.pos[q]]);
            acc = k == 0 ? v : std::max(acc, v);
          }
        }
        if (mode == "avg") acc /= count;
        out[static_cast<size_t>((r * C + c) * OH * OW + cell)] = acc;
      }
    }
  }
  ctx.outputs = {fromDoubles(X.dtype(), {R, C, OH, OW}, out)};
}

// ---- DeformConv ----
//
// Each kernel tap samples X bilinearly (zero outside) at its regular position
// plus a learned offset (dy, dx per tap and offset group), scaled by an
// optional mask. 2-D only.

struct DeformGeom {
  int64_t N = 0, C = 0, H = 0, W = 0, M = 0, KH = 0, KW = 0, OH = 0, OW = 0, group = 1, offGroup = 1;
  std::vector<int64_t> pads, strides, dil;
};

DeformGeom deformGeom(const Node& node, const std::vector<int64_t>& x, const std::vector<int64_t>& w) {
  if (x.size() != 4) unsupported(node.describe(), ": only 2-D DeformConv is supported");
  DLC_CHECK(w.size() == 4, node.describe(), ": W must be 4-D");
  DeformGeom g;
  g.N = x[0];
  g.C = x[1];
  g.H = x[2];
  g.W = x[3];
  g.M = w[0];
  std::vector<int64_t> ks = node.attrInts("kernel_shape", {w[2], w[3]});
  DLC_CHECK(ks.size() == 2 && ks[0] == w[2] && ks[1] == w[3], node.describe(), ": kernel_shape does not match W");
  g.KH = ks[0];
  g.KW = ks[1];
  g.group = node.attrInt("group", 1);
  g.offGroup = node.attrInt("offset_group", 1);
  DLC_CHECK(g.group > 0 && g.offGroup > 0, node.describe(), ": group and offset_group must be positive");
  DLC_CHECK(g.C == w[1] * g.group && g.M % g.group == 0, node.describe(), ": channels do not match group ", g.group);
  DLC_CHECK(g.C % g.offGroup == 0, node.describe(), ": channels are not divisible by offset_group ", g.offGroup);
  g.pads = node.attrInts("pads", {0, 0, 0, 0});
  g.strides = node.attrInts("strides", {1, 1});
  g.dil = node.attrInts("dilations", {1, 1});
  DLC_CHECK(g.pads.size() == 4 && g.strides.size() == 2 && g.dil.size() == 2, node.describe(),
            ": pads / strides / dilations do not match 2 spatial dims");
  DLC_CHECK(g.strides[0] > 0 && g.strides[1] > 0 && g.dil[0] > 0 && g.dil[1] > 0, node.describe(),
            ": strides and dilations must be positive");
  g.OH = (g.H + g.pads[0] + g.pads[2] - ((g.KH - 1) * g.dil[0] + 1)) / g.strides[0] + 1;
  g.OW = (g.W + g.pads[1] + g.pads[3] - ((g.KW - 1) * g.dil[1] + 1)) / g.strides[1] + 1;
  DLC_CHECK(g.OH > 0 && g.OW > 0, node.describe(), ": kernel does not fit the padded input");
  return g;
}

void inferDeformConv(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  const TensorType& w = ctx.in(1);
  DLC_CHECK(isFloat(x.dtype) && w.dtype == x.dtype, ctx.node.describe(), ": X and W must share a float dtype");
  if (x.isStatic() && w.isStatic()) {
    DeformGeom g = deformGeom(ctx.node, x.extents(), w.extents());
    ctx.outputs = {TensorType(x.dtype, {g.N, g.M, g.OH, g.OW})};
    return;
  }
  if (!x.ranked) {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  DLC_CHECK(x.rank() == 4 && (!w.ranked || w.rank() == 4), ctx.node.describe(),
            ": X and W must have rank 4 (2-D deformable convolution)");
  Shape out(x.shape.size(), Dim());
  out[0] = x.shape[0];
  if (w.ranked) out[1] = w.shape[0];
  ctx.outputs = {TensorType(x.dtype, out)};
}

void refDeformConv(RefContext& ctx) {
  const Node& node = ctx.node;
  const Tensor& X = ctx.in(0);
  const Tensor& Wt = ctx.in(1);
  const Tensor& O = ctx.in(2);
  DeformGeom g = deformGeom(node, X.extents(), Wt.extents());
  const int64_t K = g.KH * g.KW, plane = g.OH * g.OW;
  std::vector<int64_t> offExt{g.N, g.offGroup * 2 * K, g.OH, g.OW};
  DLC_CHECK(O.extents() == offExt, node.describe(), ": offset ", O.type().str(), " must have shape ",
            TensorType::fromExtents(O.dtype(), offExt).str());
  std::vector<double> xv = toDoubles(X), wv = toDoubles(Wt), ov = toDoubles(O), bias, mask;
  if (ctx.has(3)) {
    bias = toDoubles(ctx.in(3));
    DLC_CHECK(static_cast<int64_t>(bias.size()) == g.M, node.describe(), ": B must have ", g.M, " entries");
  }
  if (ctx.has(4)) {
    std::vector<int64_t> maskExt{g.N, g.offGroup * K, g.OH, g.OW};
    DLC_CHECK(ctx.in(4).extents() == maskExt, node.describe(), ": mask must have shape ",
              TensorType::fromExtents(ctx.in(4).dtype(), maskExt).str());
    mask = toDoubles(ctx.in(4));
  }
  const int64_t cpg = g.C / g.group, mpg = g.M / g.group, cpo = g.C / g.offGroup;
  // Sampled columns [C, K, OH, OW] per batch, then a grouped product with W.
  std::vector<double> col(static_cast<size_t>(g.C * K * plane));
  std::vector<double> out(static_cast<size_t>(g.N * g.M * plane));
  auto at = [&](const double* img, int64_t y, int64_t x) {
    return y >= 0 && y < g.H && x >= 0 && x < g.W ? img[y * g.W + x] : 0.0;
  };
  for (int64_t n = 0; n < g.N; ++n) {
    for (int64_t c = 0; c < g.C; ++c) {
      const int64_t og = c / cpo;
      const double* img = xv.data() + (n * g.C + c) * g.H * g.W;
      for (int64_t k = 0; k < K; ++k) {
        const int64_t kh = k / g.KW, kw = k % g.KW;
        for (int64_t i = 0; i < g.OH; ++i) {
          for (int64_t j = 0; j < g.OW; ++j) {
            const int64_t sp = i * g.OW + j;
            double dy = ov[static_cast<size_t>(((n * g.offGroup + og) * 2 * K + 2 * k) * plane + sp)];
            double dx = ov[static_cast<size_t>(((n * g.offGroup + og) * 2 * K + 2 * k + 1) * plane + sp)];
            double y = static_cast<double>(i * g.strides[0] - g.pads[0] + kh * g.dil[0]) + dy;
            double x = static_cast<double>(j * g.strides[1] - g.pads[1] + kw * g.dil[1]) + dx;
            double fy = std::floor(y), fx = std::floor(x);
            int64_t y0 = static_cast<int64_t>(fy), x0 = static_cast<int64_t>(fx);
            double ly = y - fy, lx = x - fx;
            double v = (1 - ly) * (1 - lx) * at(img, y0, x0) + (1 - ly) * lx * at(img, y0, x0 + 1) +
                       ly * (1 - lx) * at(img, y0 + 1, x0) + ly * lx * at(img, y0 + 1, x0 + 1);
            if (!mask.empty()) v *= mask[static_cast<size_t>(((n * g.offGroup + og) * K + k) * plane + sp)];
            col[static_cast<size_t>((c * K + k) * plane + sp)] = v;
          }
        }
      }
    }
    for (int64_t m = 0; m < g.M; ++m) {
      const int64_t grp = m / mpg;
      double* dst = out.data() + (n * g.M + m) * plane;
      for (int64_t sp = 0; sp < plane; ++sp) dst[sp] = bias.empty() ? 0.0 : bias[static_cast<size_t>(m)];
      for (int64_t cl = 0; cl < cpg; ++cl) {
        const int64_t c = grp * cpg + cl;
        for (int64_t k = 0; k < K; ++k) {
          const double wgt = wv[static_cast<size_t>((m * cpg + cl) * K + k)];
          const double* src = col.data() + (c * K + k) * plane;
          for (int64_t sp = 0; sp < plane; ++sp) dst[sp] += wgt * src[sp];
        }
      }
    }
  }
  ctx.outputs = {fromDoubles(X.dtype(), {g.N, g.M, g.OH, g.OW}, out)};
}

}  // namespace

}  // namespace dlc::ops

namespace dlc {
using namespace ops;

void registerSamplingOps(OpRegistry& r) {
  r.add(makeOp("GridSample", "Samples X at normalized grid points (linear, nearest or cubic)", 2, 2,
               PatternKind::Opaque, inferGridSample, refGridSample,
               {optAttr("mode", "linear"), optAttr("padding_mode", "zeros"), optAttr("align_corners", int64_t{0})}));
  r.add(makeOp("AffineGrid", "Sampling grid [N, spatial..., R] of affine transforms theta", 2, 2,
               PatternKind::Opaque, inferAffineGrid, refAffineGrid, {optAttr("align_corners", int64_t{0})}));
  r.add(makeOp("RoiAlign", "Bilinear region-of-interest pooling [num_rois, C, output_height, output_width]", 3, 3,
               PatternKind::Opaque, inferRoiAlign, refRoiAlign,
               {optAttr("coordinate_transformation_mode", "half_pixel"), optAttr("mode", "avg"),
                optAttr("output_height", int64_t{1}), optAttr("output_width", int64_t{1}),
                optAttr("sampling_ratio", int64_t{0}), optAttr("spatial_scale", 1.0)}));
  r.add(makeOp("DeformConv", "Deformable 2-D convolution with learned offsets and optional mask", 3, 5,
               PatternKind::Opaque, inferDeformConv, refDeformConv,
               {optAttrNoDefault("dilations", AttrKind::Ints), optAttr("group", int64_t{1}),
                optAttrNoDefault("kernel_shape", AttrKind::Ints), optAttr("offset_group", int64_t{1}),
                optAttrNoDefault("pads", AttrKind::Ints), optAttrNoDefault("strides", AttrKind::Ints)}));
}

}  // namespace dlc
