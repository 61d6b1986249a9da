// Recurrent ops: RNN, GRU and LSTM, forward / reverse / bidirectional, with
// optional bias, sequence lengths, initial states, peepholes (LSTM), clip,
// custom activations and the batch-first layout.
//
// Note on layout: with layout 0, X is [seq, batch, input], Y is
// [seq, dirs, batch, hidden] and Y_h / Y_c are [dirs, batch, hidden]; with
// layout 1 the batch comes first: X [batch, seq, input], Y
// [batch, seq, dirs, hidden], Y_h [batch, dirs, hidden]. The kernel works in
// layout 0 and transposes at the edges. Gate blocks in W / R / B are z, r, h
// for GRU and i, o, f, c for LSTM; peepholes P are i, o, f.
#include <cmath>
#include <functional>

#include "ops/ConvHelpers.h"
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc::ops {
namespace {

enum class Cell { Rnn, Gru, Lstm };

int gatesOf(Cell c) { return c == Cell::Rnn ? 1 : c == Cell::Gru ? 3 : 4; }
size_t numActivations(Cell c) { return c == Cell::Rnn ? 1 : c == Cell::Gru ? 2 : 3; }

using Act = std::function<double(double)>;

// Builds activation number `pos` by ONNX name; its alpha / beta (for the
// functions that take them) are entry `pos` of the lists, as in ONNX Runtime
// and the onnx reference, or the function's default where the list is shorter.
Act makeActivation(const Node& node, const std::string& name, const std::vector<double>& alphas,
                   const std::vector<double>& betas, size_t pos) {
  auto alpha = [&](double d) { return pos < alphas.size() ? alphas[pos] : d; };
  auto beta = [&](double d) { return pos < betas.size() ? betas[pos] : d; };
  if (name == "Tanh") return [](double x) { return std::tanh(x); };
  if (name == "Sigmoid") return [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
  if (name == "Relu") return [](double x) { return x > 0 ? x : 0.0; };
  if (name == "Softsign") return [](double x) { return x / (1 + std::fabs(x)); };
  if (name == "Softplus") return [](double x) { return std::log1p(std::exp(x)); };
  if (name == "LeakyRelu") {
    double a = alpha(0.01);
    return [a](double x) { return x >= 0 ? x : a * x; };
  }
  if (name == "ThresholdedRelu") {
    double a = alpha(1.0);
    return [a](double x) { return x > a ? x : 0.0; };
  }
  if (name == "Elu") {
    double a = alpha(1.0);
    return [a](double x) { return x >= 0 ? x : a * (std::exp(x) - 1); };
  }
  if (name == "HardSigmoid") {
    double a = alpha(0.2), b = beta(0.5);
    return [a, b](double x) { return std::max(0.0, std::min(1.0, a * x + b)); };
  }
  if (name == "Affine") {
    double a = alpha(1.0), b = beta(0.0);
    return [a, b](double x) { return a * x + b; };
  }
  if (name == "ScaledTanh") {
    double a = alpha(1.0), b = beta(1.0);
    return [a, b](double x) { return a * std::tanh(b * x); };
  }
  unsupported(node.describe(), ": activation '", name, "' is not supported");
}

struct RnnConfig {
  Cell cell;
  int64_t dirs = 1;
  bool reverseOnly = false;
  int64_t hidden = 0;
  int64_t layout = 0;
};

RnnConfig configOf(const Node& node, Cell cell) {
  RnnConfig c;
  c.cell = cell;
  std::string dir = node.attrString("direction", "forward");
  DLC_CHECK(dir == "forward" || dir == "reverse" || dir == "bidirectional", node.describe(),
            ": direction must be forward, reverse or bidirectional, got '", dir, "'");
  c.dirs = dir == "bidirectional" ? 2 : 1;
  c.reverseOnly = dir == "reverse";
  c.layout = node.attrInt("layout", 0);
  DLC_CHECK(c.layout == 0 || c.layout == 1, node.describe(), ": layout must be 0 or 1");
  c.hidden = node.attrInt("hidden_size", -1);
  return c;
}

void inferRecurrent(InferContext& ctx, Cell cell) {
  RnnConfig cfg = configOf(ctx.node, cell);
  const TensorType& x = ctx.in(0);
  DLC_CHECK(isFloat(x.dtype), ctx.node.describe(), ": X must be floating point");
  for (size_t i = 1; i <= 2; ++i)
    DLC_CHECK(ctx.in(i).dtype == x.dtype, ctx.node.describe(), ": input ", i, " dtype differs from X's");
  Dim hidden = cfg.hidden >= 0 ? Dim(cfg.hidden) : Dim();
  const TensorType& r = ctx.in(2);
  if (r.ranked) {
    DLC_CHECK(r.rank() == 3, ctx.node.describe(), ": R must be 3-D, got ", r.str());
    if (cfg.hidden < 0) hidden = r.shape[2];
  }
  Dim seq, batch;
  if (x.ranked) {
    DLC_CHECK(x.rank() == 3, ctx.node.describe(), ": X must be 3-D, got ", x.str());
    seq = x.shape[cfg.layout == 0 ? 0 : 1];
    batch = x.shape[cfg.layout == 0 ? 1 : 0];
  }
  Dim dirs(cfg.dirs);
  TensorType y = cfg.layout == 0 ? TensorType(x.dtype, {seq, dirs, batch, hidden})
                                 : TensorType(x.dtype, {batch, seq, dirs, hidden});
  TensorType yh = cfg.layout == 0 ? TensorType(x.dtype, {dirs, batch, hidden}) : TensorType(x.dtype, {batch, dirs, hidden});
  ctx.outputs = {y, yh, yh};
  ctx.outputs.resize(ctx.node.numOutputs());
}

// A [dirs, batch, hidden] state from an optional input, transposed from
// layout 1 when needed.
std::vector<double> initialState(const RefContext& ctx, size_t index, const RnnConfig& cfg, int64_t batch) {
  const int64_t H = cfg.hidden, D = cfg.dirs;
  std::vector<double> s(static_cast<size_t>(D * batch * H), 0.0);
  if (!ctx.has(index)) return s;
  const Tensor& t = ctx.in(index);
  std::vector<int64_t> want = cfg.layout == 0 ? std::vector<int64_t>{D, batch, H} : std::vector<int64_t>{batch, D, H};
  DLC_CHECK(t.extents() == want, ctx.node.describe(), ": initial state ", t.type().str(), " must have shape ",
            TensorType::fromExtents(t.dtype(), want).str());
  std::vector<double> v = toDoubles(t);
  for (int64_t d = 0; d < D; ++d)
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t h = 0; h < H; ++h)
        s[static_cast<size_t>((d * batch + b) * H + h)] =
            v[static_cast<size_t>(cfg.layout == 0 ? (d * batch + b) * H + h : (b * D + d) * H + h)];
  return s;
}

void refRecurrent(RefContext& ctx, Cell cell) {
  const Node& node = ctx.node;
  RnnConfig cfg = configOf(node, cell);
  const Tensor& X = ctx.in(0);
  const Tensor& W = ctx.in(1);
  const Tensor& R = ctx.in(2);
  const int G = gatesOf(cell);
  DLC_CHECK(X.rank() == 3 && W.rank() == 3 && R.rank() == 3, node.describe(), ": X, W and R must be 3-D");
  const int64_t D = cfg.dirs;
  const int64_t T = X.dim(cfg.layout == 0 ? 0 : 1), B = X.dim(cfg.layout == 0 ? 1 : 0), I = X.dim(2);
  if (cfg.hidden < 0) cfg.hidden = R.dim(2);
  const int64_t H = cfg.hidden;
  DLC_CHECK(W.dim(0) == D && W.dim(1) == G * H && W.dim(2) == I, node.describe(), ": W ", W.type().str(),
            " must have shape [", D, ", ", G * H, ", ", I, "]");
  DLC_CHECK(R.dim(0) == D && R.dim(1) == G * H && R.dim(2) == H, node.describe(), ": R ", R.type().str(),
            " must have shape [", D, ", ", G * H, ", ", H, "]");
  std::vector<double> x = toDoubles(X), w = toDoubles(W), rw = toDoubles(R);
  if (cfg.layout == 1) {  // to [seq, batch, input]
    std::vector<double> t(x.size());
    for (int64_t b = 0; b < B; ++b)
      for (int64_t s = 0; s < T; ++s)
        for (int64_t i = 0; i < I; ++i) t[static_cast<size_t>((s * B + b) * I + i)] = x[static_cast<size_t>((b * T + s) * I + i)];
    x = std::move(t);
  }
  std::vector<double> bias(static_cast<size_t>(D * 2 * G * H), 0.0);
  if (ctx.has(3)) {
    const Tensor& bt = ctx.in(3);
    DLC_CHECK(bt.rank() == 2 && bt.dim(0) == D && bt.dim(1) == 2 * G * H, node.describe(), ": B ", bt.type().str(),
              " must have shape [", D, ", ", 2 * G * H, "]");
    bias = toDoubles(bt);
  }
  std::vector<int64_t> lens(static_cast<size_t>(B), T);
  if (ctx.has(4)) {
    lens = toInt64Vector(ctx.in(4));
    DLC_CHECK(static_cast<int64_t>(lens.size()) == B, node.describe(), ": sequence_lens must have ", B, " entries");
    for (int64_t l : lens) DLC_CHECK(l >= 0 && l <= T, node.describe(), ": sequence length ", l, " out of [0, ", T, "]");
  }
  std::vector<double> h = initialState(ctx, 5, cfg, B);
  std::vector<double> c = cell == Cell::Lstm ? initialState(ctx, 6, cfg, B) : std::vector<double>{};
  std::vector<double> peep(static_cast<size_t>(D * 3 * H), 0.0);
  if (cell == Cell::Lstm && ctx.has(7)) {
    const Tensor& p = ctx.in(7);
    DLC_CHECK(p.rank() == 2 && p.dim(0) == D && p.dim(1) == 3 * H, node.describe(), ": P must have shape [", D, ", ",
              3 * H, "]");
    peep = toDoubles(p);
  }
  // Activations: per direction, numActivations(cell) of them.
  std::vector<std::string> names;
  if (node.hasAttr("activations")) names = node.attr("activations").strings();
  size_t na = numActivations(cell);
  if (names.empty()) {
    std::vector<std::string> dflt = cell == Cell::Rnn   ? std::vector<std::string>{"Tanh"}
                                    : cell == Cell::Gru ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                        : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
    for (int64_t d = 0; d < D; ++d) names.insert(names.end(), dflt.begin(), dflt.end());
  }
  if (D == 2 && names.size() == na) {  // one list for both directions
    std::vector<std::string> once = names;
    names.insert(names.end(), once.begin(), once.end());
  }
  DLC_CHECK(names.size() == na * static_cast<size_t>(D), node.describe(), ": expected ", na * static_cast<size_t>(D),
            " activations, got ", names.size());
  std::vector<double> alphas, betas;
  if (node.hasAttr("activation_alpha")) alphas = node.attr("activation_alpha").floats();
  if (node.hasAttr("activation_beta")) betas = node.attr("activation_beta").floats();
  std::vector<Act> acts;
  for (size_t i = 0; i < names.size(); ++i) acts.push_back(makeActivation(node, names[i], alphas, betas, i));
  const bool hasClip = node.hasAttr("clip");
  const double clip = hasClip ? node.attr("clip").f() : 0.0;
  auto clipped = [&](double v) { return hasClip ? std::max(-clip, std::min(clip, v)) : v; };
  const bool linearBeforeReset = node.attrInt("linear_before_reset", 0) != 0;
  const bool inputForget = node.attrInt("input_forget", 0) != 0;

  std::vector<double> y(static_cast<size_t>(T * D * B * H), 0.0);
  std::vector<double> gx(static_cast<size_t>(G * H)), gh(static_cast<size_t>(G * H));
  for (int64_t d = 0; d < D; ++d) {
    const bool rev = cfg.reverseOnly || d == 1;
    const double* wd = w.data() + d * G * H * I;
    const double* rd = rw.data() + d * G * H * H;
    const double* wb = bias.data() + d * 2 * G * H;
    const double* rb = wb + G * H;
    const double* pd = peep.data() + d * 3 * H;
    const Act& f = acts[static_cast<size_t>(d) * na];
    for (int64_t b = 0; b < B; ++b) {
      double* hs = h.data() + (d * B + b) * H;
      double* cs = cell == Cell::Lstm ? c.data() + (d * B + b) * H : nullptr;
      const int64_t L = lens[static_cast<size_t>(b)];
      for (int64_t step = 0; step < L; ++step) {
        const int64_t t = rev ? L - 1 - step : step;
        const double* xt = x.data() + (t * B + b) * I;
        for (int64_t j = 0; j < G * H; ++j) {
          double ax = wb[j], ah = rb[j];
          for (int64_t i = 0; i < I; ++i) ax += wd[j * I + i] * xt[i];
          for (int64_t k = 0; k < H; ++k) ah += rd[j * H + k] * hs[k];
          gx[static_cast<size_t>(j)] = ax;
          gh[static_cast<size_t>(j)] = ah;
        }
        std::vector<double> next(static_cast<size_t>(H));
        if (cell == Cell::Rnn) {
          for (int64_t k = 0; k < H; ++k) next[k] = f(clipped(gx[k] + gh[k]));
        } else if (cell == Cell::Gru) {
          const Act& g = acts[static_cast<size_t>(d) * na + 1];
          std::vector<double> z(static_cast<size_t>(H)), rh(static_cast<size_t>(H));
          for (int64_t k = 0; k < H; ++k) {
            z[k] = f(clipped(gx[k] + gh[k]));
            double r = f(clipped(gx[H + k] + gh[H + k]));
            if (linearBeforeReset) next[k] = g(clipped(gx[2 * H + k] + r * gh[2 * H + k]));
            rh[k] = r * hs[k];
          }
          if (!linearBeforeReset) {
            for (int64_t k = 0; k < H; ++k) {
              double acc = rb[2 * H + k];
              for (int64_t m = 0; m < H; ++m) acc += rd[(2 * H + k) * H + m] * rh[m];
              next[k] = g(clipped(gx[2 * H + k] + acc));
            }
          }
          for (int64_t k = 0; k < H; ++k) next[k] = (1 - z[k]) * next[k] + z[k] * hs[k];
        } else {
          const Act& g = acts[static_cast<size_t>(d) * na + 1];
          const Act& hf = acts[static_cast<size_t>(d) * na + 2];
          for (int64_t k = 0; k < H; ++k) {
            double it = f(clipped(gx[k] + gh[k] + pd[k] * cs[k]));
            double ft = inputForget ? 1 - it : f(clipped(gx[2 * H + k] + gh[2 * H + k] + pd[2 * H + k] * cs[k]));
            double ct = g(clipped(gx[3 * H + k] + gh[3 * H + k]));
            double cn = ft * cs[k] + it * ct;
            double ot = f(clipped(gx[H + k] + gh[H + k] + pd[H + k] * cn));
            cs[k] = cn;
            next[k] = ot * hf(cn);
          }
        }
        for (int64_t k = 0; k < H; ++k) {
          hs[k] = next[k];
          y[static_cast<size_t>(((t * D + d) * B + b) * H + k)] = next[k];
        }
      }
    }
  }
  DType dt = X.dtype();
  auto stateOut = [&](const std::vector<double>& s) {
    if (cfg.layout == 0) return fromDoubles(dt, {D, B, H}, s);
    std::vector<double> t(s.size());
    for (int64_t d = 0; d < D; ++d)
      for (int64_t b = 0; b < B; ++b)
        for (int64_t k = 0; k < H; ++k) t[static_cast<size_t>((b * D + d) * H + k)] = s[static_cast<size_t>((d * B + b) * H + k)];
    return fromDoubles(dt, {B, D, H}, t);
  };
  if (cfg.layout == 0) {
    ctx.outputs = {fromDoubles(dt, {T, D, B, H}, y)};
  } else {
    std::vector<double> t(y.size());
    for (int64_t s = 0; s < T; ++s)
      for (int64_t d = 0; d < D; ++d)
        for (int64_t b = 0; b < B; ++b)
          for (int64_t k = 0; k < H; ++k)
            t[static_cast<size_t>(((b * T + s) * D + d) * H + k)] = y[static_cast<size_t>(((s * D + d) * B + b) * H + k)];
    ctx.outputs = {fromDoubles(dt, {B, T, D, H}, t)};
  }
  if (node.numOutputs() > 1) ctx.outputs.push_back(stateOut(h));
  if (node.numOutputs() > 2) ctx.outputs.push_back(stateOut(c));
  ctx.outputs.resize(node.numOutputs());
}

std::vector<AttrSpec> commonAttrs() {
  return {optAttrNoDefault("activation_alpha", AttrKind::Floats),
          optAttrNoDefault("activation_beta", AttrKind::Floats),
          optAttrNoDefault("activations", AttrKind::Strings),
          optAttrNoDefault("clip", AttrKind::Float),
          optAttr("direction", "forward"),
          optAttrNoDefault("hidden_size", AttrKind::Int),
          optAttr("layout", int64_t{0})};
}

}  // namespace
}  // namespace dlc::ops

namespace dlc {
using namespace ops;

void registerRecurrentOps(OpRegistry& r) {
  r.add(makeOp("RNN", "Elman recurrent network (Y, Y_h)", 3, 6, PatternKind::Opaque,
               [](InferContext& c) { inferRecurrent(c, Cell::Rnn); }, [](RefContext& c) { refRecurrent(c, Cell::Rnn); },
               commonAttrs(), 0, 2));
  std::vector<AttrSpec> gru = commonAttrs();
  gru.push_back(optAttr("linear_before_reset", int64_t{0}));
  r.add(makeOp("GRU", "Gated recurrent unit network (Y, Y_h)", 3, 6, PatternKind::Opaque,
               [](InferContext& c) { inferRecurrent(c, Cell::Gru); }, [](RefContext& c) { refRecurrent(c, Cell::Gru); },
               gru, 0, 2));
  std::vector<AttrSpec> lstm = commonAttrs();
  lstm.push_back(optAttr("input_forget", int64_t{0}));
  r.add(makeOp("LSTM", "Long short-term memory network (Y, Y_h, Y_c)", 3, 8, PatternKind::Opaque,
               [](InferContext& c) { inferRecurrent(c, Cell::Lstm); },
               [](RefContext& c) { refRecurrent(c, Cell::Lstm); }, lstm, 0, 3));
}

}  // namespace dlc
