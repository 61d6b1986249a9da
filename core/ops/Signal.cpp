// Signal-processing ops: DFT, STFT, the Hann / Hamming / Blackman windows and
// MelWeightMatrix.
//
// Note on complex values: signals and spectra carry a trailing dim of 1 (real)
// or 2 (real, imaginary). DFT and STFT always produce the 2-wide form. The
// transforms are plain O(n^2) sums in double (exact enough, not fast).
#include <cmath>
#include <numbers>

#include "ops/ConvHelpers.h"
#include "ops/DataOps.h"
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc::ops {
namespace {

// One scalar integer from an optional input; nullopt when absent or empty.
std::optional<int64_t> scalarInt(const Tensor* t) {
  if (!t || t->numel() == 0) return std::nullopt;
  return t->getInt64(0);
}

// ---- DFT ----

// X[k] = sum_j x[j] * exp(-+2 pi i j k / n) over `n` points of the input
// (zero-padded or truncated from `len`), for k in [0, bins).
void dft1d(const double* re, const double* im, int64_t len, int64_t stride, int64_t n, int64_t bins, bool inverse,
           double* outRe, double* outIm, int64_t outStride) {
  const double sign = inverse ? 1.0 : -1.0;
  const int64_t m = std::min(len, n);
  for (int64_t k = 0; k < bins; ++k) {
    double sr = 0, si = 0;
    for (int64_t j = 0; j < m; ++j) {
      // Reduce j * k modulo n first so the angle stays small and exact.
      double ang = sign * 2.0 * std::numbers::pi * static_cast<double>((j * k) % n) / static_cast<double>(n);
      double c = std::cos(ang), s = std::sin(ang);
      double xr = re[j * stride], xi = im ? im[j * stride] : 0.0;
      sr += xr * c - xi * s;
      si += xr * s + xi * c;
    }
    if (inverse) {
      sr /= static_cast<double>(n);
      si /= static_cast<double>(n);
    }
    outRe[k * outStride] = sr;
    outIm[k * outStride] = si;
  }
}

int64_t dftAxis(const Node& node, const Tensor* axisT, int64_t rank) {
  int64_t axis = scalarInt(axisT).value_or(-2);
  DLC_CHECK(axis >= -rank && axis < rank, node.describe(), ": axis ", axis, " out of range for rank ", rank);
  if (axis < 0) axis += rank;
  DLC_CHECK(axis != rank - 1, node.describe(), ": axis must not be the last (complex) dim");
  return axis;
}

void inferDft(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  DLC_CHECK(isFloat(x.dtype), ctx.node.describe(), ": input must be floating point");
  if (!x.ranked) {
    ctx.outputs = {TensorType::unranked(x.dtype)};
    return;
  }
  DLC_CHECK(x.rank() >= 2, ctx.node.describe(), ": input must have rank >= 2, got ", x.str());
  const Dim& last = x.shape.back();
  DLC_CHECK(!last.isStatic() || last.value == 1 || last.value == 2, ctx.node.describe(),
            ": last dim must be 1 (real) or 2 (complex), got ", x.str());
  Shape out = x.shape;
  out.back() = Dim(2);
  if (ctx.has(2) && !ctx.constant(2)) {
    for (size_t i = 0; i + 1 < out.size(); ++i) out[i] = i == 0 ? x.shape[0] : Dim();
    ctx.outputs = {TensorType(x.dtype, out)};
    return;
  }
  int64_t axis = dftAxis(ctx.node, ctx.constant(2), x.rank());
  Dim n = x.shape[static_cast<size_t>(axis)];
  if (ctx.has(1)) {
    std::optional<int64_t> len = scalarInt(ctx.constant(1));
    n = len ? Dim(*len) : Dim();
  }
  const bool onesided = ctx.node.attrInt("onesided", 0) != 0;
  out[static_cast<size_t>(axis)] = onesided ? (n.isStatic() ? Dim(n.value / 2 + 1) : Dim()) : n;
  ctx.outputs = {TensorType(x.dtype, out)};
}

void refDft(RefContext& ctx) {
  const Node& node = ctx.node;
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() >= 2 && (x.dim(x.rank() - 1) == 1 || x.dim(x.rank() - 1) == 2), node.describe(),
            ": input must be [..., 1] or [..., 2], got ", x.type().str());
  const int64_t axis = dftAxis(node, ctx.has(2) ? &ctx.in(2) : nullptr, x.rank());
  const int64_t len = x.dim(axis);
  const int64_t n = scalarInt(ctx.has(1) ? &ctx.in(1) : nullptr).value_or(len);
  DLC_CHECK(n > 0, node.describe(), ": dft_length must be positive, got ", n);
  const bool inverse = node.attrInt("inverse", 0) != 0, onesided = node.attrInt("onesided", 0) != 0;
  const int64_t bins = onesided ? n / 2 + 1 : n;
  const int64_t comp = x.dim(x.rank() - 1);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= x.dim(i);
  for (int64_t i = axis + 1; i < x.rank() - 1; ++i) inner *= x.dim(i);
  std::vector<double> v = toDoubles(x), out(static_cast<size_t>(outer * bins * inner * 2));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const double* re = v.data() + ((o * len) * inner + i) * comp;
      const double* im = comp == 2 ? re + 1 : nullptr;
      double* dst = out.data() + ((o * bins) * inner + i) * 2;
      dft1d(re, im, len, inner * comp, n, bins, inverse, dst, dst + 1, inner * 2);
    }
  }
  std::vector<int64_t> ext = x.extents();
  ext[static_cast<size_t>(axis)] = bins;
  ext.back() = 2;
  ctx.outputs = {fromDoubles(x.dtype(), ext, out)};
}

// ---- STFT ----

struct StftGeom {
  int64_t frameLength = 0, step = 0, frames = 0, bins = 0;
};

StftGeom stftGeom(const Node& node, int64_t signalLen, std::optional<int64_t> step, std::optional<int64_t> window,
                  std::optional<int64_t> frameLen) {
  StftGeom g;
  DLC_CHECK(step && *step > 0, node.describe(), ": frame_step must be a positive scalar");
  g.step = *step;
  g.frameLength = frameLen ? *frameLen : window ? *window : signalLen;
  DLC_CHECK(g.frameLength > 0 && g.frameLength <= signalLen, node.describe(), ": frame_length ", g.frameLength,
            " must be in [1, ", signalLen, "]");
  DLC_CHECK(!window || *window == g.frameLength, node.describe(), ": window length ", *window,
            " differs from frame_length ", g.frameLength);
  g.frames = 1 + (signalLen - g.frameLength) / g.step;
  g.bins = node.attrInt("onesided", 1) != 0 ? g.frameLength / 2 + 1 : g.frameLength;
  return g;
}

void inferStft(InferContext& ctx) {
  const TensorType& x = ctx.in(0);
  DLC_CHECK(isFloat(x.dtype), ctx.node.describe(), ": signal must be floating point");
  if (!x.ranked) {
    ctx.outputs = {TensorType(x.dtype, {Dim(), Dim(), Dim(), Dim(2)})};
    return;
  }
  DLC_CHECK(x.rank() == 3, ctx.node.describe(), ": signal must be [batch, length, 1 or 2], got ", x.str());
  Shape out{x.shape[0], Dim(), Dim(), Dim(2)};
  std::optional<int64_t> window;
  if (ctx.has(2) && ctx.in(2).ranked && ctx.in(2).rank() == 1 && ctx.in(2).shape[0].isStatic())
    window = ctx.in(2).shape[0].value;
  std::optional<int64_t> step = scalarInt(ctx.constant(1)), frameLen = scalarInt(ctx.constant(3));
  bool frameKnown = !ctx.has(3) || frameLen;
  if (x.shape[1].isStatic() && step && frameKnown && (window || frameLen || !ctx.has(2))) {
    StftGeom g = stftGeom(ctx.node, x.shape[1].value, step, window, frameLen);
    out[1] = Dim(g.frames);
    out[2] = Dim(g.bins);
  }
  ctx.outputs = {TensorType(x.dtype, out)};
}

void refStft(RefContext& ctx) {
  const Node& node = ctx.node;
  const Tensor& x = ctx.in(0);
  DLC_CHECK(x.rank() == 3 && (x.dim(2) == 1 || x.dim(2) == 2), node.describe(),
            ": signal must be [batch, length, 1 or 2], got ", x.type().str());
  std::optional<int64_t> window;
  std::vector<double> w;
  if (ctx.has(2)) {
    DLC_CHECK(ctx.in(2).rank() == 1, node.describe(), ": window must be 1-D");
    window = ctx.in(2).dim(0);
    w = toDoubles(ctx.in(2));
  }
  StftGeom g = stftGeom(node, x.dim(1), scalarInt(&ctx.in(1)), window, scalarInt(ctx.has(3) ? &ctx.in(3) : nullptr));
  if (w.empty()) w.assign(static_cast<size_t>(g.frameLength), 1.0);
  const int64_t B = x.dim(0), L = x.dim(1), comp = x.dim(2);
  std::vector<double> v = toDoubles(x), out(static_cast<size_t>(B * g.frames * g.bins * 2));
  std::vector<double> re(static_cast<size_t>(g.frameLength)), im(static_cast<size_t>(g.frameLength));
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t f = 0; f < g.frames; ++f) {
      for (int64_t j = 0; j < g.frameLength; ++j) {
        size_t src = static_cast<size_t>((b * L + f * g.step + j) * comp);
        re[j] = v[src] * w[j];
        im[j] = comp == 2 ? v[src + 1] * w[j] : 0.0;
      }
      double* dst = out.data() + (b * g.frames + f) * g.bins * 2;
      dft1d(re.data(), im.data(), g.frameLength, 1, g.frameLength, g.bins, false, dst, dst + 1, 2);
    }
  }
  ctx.outputs = {fromDoubles(x.dtype(), {B, g.frames, g.bins, 2}, out)};
}

// ---- Windows ----

enum class Window { Hann, Hamming, Blackman };

DType outputDType(const Node& node) { return dtypeFromOnnxCode(node, node.attrInt("output_datatype", 1)); }

void inferWindow(InferContext& ctx) {
  DLC_CHECK(isInteger(ctx.in(0).dtype), ctx.node.describe(), ": size must be an integer scalar");
  std::optional<int64_t> n = scalarInt(ctx.constant(0));
  ctx.outputs = {TensorType(outputDType(ctx.node), {n ? Dim(*n) : Dim()})};
}

void refWindow(RefContext& ctx, Window kind) {
  std::optional<int64_t> size = scalarInt(&ctx.in(0));
  DLC_CHECK(size && *size >= 0, ctx.node.describe(), ": size must be a non-negative scalar");
  const int64_t N = *size;
  const bool periodic = ctx.node.attrInt("periodic", 1) != 0;
  const double denom = static_cast<double>(periodic ? N : N - 1);
  std::vector<double> out(static_cast<size_t>(N));
  const double pi = std::numbers::pi;
  for (int64_t i = 0; i < N; ++i) {
    double t = static_cast<double>(i) / denom;
    switch (kind) {
      case Window::Hann: out[i] = std::pow(std::sin(pi * t), 2); break;
      case Window::Hamming: out[i] = 25.0 / 46.0 - (21.0 / 46.0) * std::cos(2 * pi * t); break;
      case Window::Blackman: out[i] = 0.42 - 0.5 * std::cos(2 * pi * t) + 0.08 * std::cos(4 * pi * t); break;
    }
  }
  ctx.outputs = {fromDoubles(outputDType(ctx.node), {N}, out)};
}

// ---- MelWeightMatrix ----

void inferMel(InferContext& ctx) {
  std::optional<int64_t> bins = scalarInt(ctx.constant(0)), dft = scalarInt(ctx.constant(1));
  ctx.outputs = {TensorType(outputDType(ctx.node), {dft ? Dim(*dft / 2 + 1) : Dim(), bins ? Dim(*bins) : Dim()})};
}

void refMel(RefContext& ctx) {
  const Node& node = ctx.node;
  std::optional<int64_t> melBins = scalarInt(&ctx.in(0)), dft = scalarInt(&ctx.in(1)), rate = scalarInt(&ctx.in(2));
  DLC_CHECK(melBins && *melBins > 0 && dft && *dft > 0 && rate && *rate > 0, node.describe(),
            ": num_mel_bins, dft_length and sample_rate must be positive scalars");
  DLC_CHECK(ctx.in(3).numel() == 1 && ctx.in(4).numel() == 1, node.describe(),
            ": lower_edge_hertz and upper_edge_hertz must be scalars");
  const double lo = ctx.in(3).getDouble(0), hi = ctx.in(4).getDouble(0);
  const int64_t M = *melBins, specBins = *dft / 2 + 1;
  auto toMel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
  const double loMel = toMel(lo), step = (toMel(hi) - loMel) / static_cast<double>(M + 2);
  std::vector<int64_t> edge(static_cast<size_t>(M + 2));
  for (int64_t i = 0; i < M + 2; ++i) {
    double hz = 700.0 * (std::pow(10.0, (static_cast<double>(i) * step + loMel) / 2595.0) - 1.0);
    edge[i] = static_cast<int64_t>(std::floor(static_cast<double>(*dft + 1) * hz / static_cast<double>(*rate)));
    DLC_CHECK(edge[i] >= 0 && edge[i] < specBins, node.describe(), ": mel band edge ", edge[i],
              " falls outside the ", specBins, " spectrogram bins");
  }
  std::vector<double> out(static_cast<size_t>(specBins * M), 0.0);
  for (int64_t i = 0; i < M; ++i) {
    int64_t left = edge[i], center = edge[i + 1], right = edge[i + 2];
    if (center == left) {
      out[static_cast<size_t>(center * M + i)] = 1;
    } else {
      for (int64_t j = left; j <= center; ++j)
        out[static_cast<size_t>(j * M + i)] = static_cast<double>(j - left) / static_cast<double>(center - left);
    }
    if (right > center)
      for (int64_t j = center; j < right; ++j)
        out[static_cast<size_t>(j * M + i)] = static_cast<double>(right - j) / static_cast<double>(right - center);
  }
  ctx.outputs = {fromDoubles(outputDType(node), {specBins, M}, out)};
}

}  // namespace
}  // namespace dlc::ops

namespace dlc {
using namespace ops;

void registerSignalOps(OpRegistry& r) {
  r.add(makeOp("DFT", "Discrete Fourier transform along an axis (inputs: x, dft_length, axis)", 1, 3,
               PatternKind::Opaque, inferDft, refDft, {optAttr("inverse", int64_t{0}), optAttr("onesided", int64_t{0})}));
  r.add(makeOp("STFT", "Short-time Fourier transform [batch, frames, bins, 2]", 2, 4, PatternKind::Opaque, inferStft,
               refStft, {optAttr("onesided", int64_t{1})}));
  std::vector<AttrSpec> winAttrs{optAttr("output_datatype", int64_t{1}), optAttr("periodic", int64_t{1})};
  r.add(makeOp("HannWindow", "Hann window of the given size", 1, 1, PatternKind::Opaque, inferWindow,
               [](RefContext& c) { refWindow(c, Window::Hann); }, winAttrs));
  r.add(makeOp("HammingWindow", "Hamming window of the given size", 1, 1, PatternKind::Opaque, inferWindow,
               [](RefContext& c) { refWindow(c, Window::Hamming); }, winAttrs));
  r.add(makeOp("BlackmanWindow", "Blackman window of the given size", 1, 1, PatternKind::Opaque, inferWindow,
               [](RefContext& c) { refWindow(c, Window::Blackman); }, winAttrs));
  r.add(makeOp("MelWeightMatrix", "Mel filter bank weights [dft_length / 2 + 1, num_mel_bins]", 5, 5,
               PatternKind::Opaque, inferMel, refMel, {optAttr("output_datatype", int64_t{1})}));
}

}  // namespace dlc
