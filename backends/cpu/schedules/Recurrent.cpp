// Template for RNN, GRU and LSTM (forward, reverse, bidirectional; bias,
// sequence lengths, initial states, peepholes, clip, the ONNX activations,
// linear_before_reset, input_forget, both layouts), computed in f64 as the
// reference does. The (direction, batch) pairs are independent: one per
// iteration of a parallel loop, with the state, the gate pre-activations and
// the next state in per-thread scratch buffers:
//
//   parallel for (d, b):
//     Y[:, d, b, :] = 0; h = initial_h[d, b]; c = initial_c[d, b]
//     for step < seq_len[b]:            t = step, or seq_len - 1 - step in reverse
//       gx[j] = Wb[j] + W[d, j, :] . X[t, b, :];  gh[j] = Rb[j] + R[d, j, :] . h
//       next[k] = the cell's update of gx, gh, h, c;  h = next;  Y[t, d, b, :] = h
//     Y_h[d, b] = h; Y_c[d, b] = c
#include <algorithm>
#include <cmath>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

ExprRef f64c(double v) { return floatImm(v, Type{DType::Float64, 1}); }

// Activation number `pos` by ONNX name; alpha/beta from entry `pos` of the lists.
ExprRef activation(const Node& n, const std::string& name, size_t pos, const ExprRef& x) {
  std::vector<double> alphas, betas;
  if (n.hasAttr("activation_alpha")) alphas = n.attr("activation_alpha").floats();
  if (n.hasAttr("activation_beta")) betas = n.attr("activation_beta").floats();
  auto alpha = [&](double d) { return f64c(pos < alphas.size() ? alphas[pos] : d); };
  auto beta = [&](double d) { return f64c(pos < betas.size() ? betas[pos] : d); };
  auto lt = [](ExprRef a, ExprRef b) { return binary(BinOp::LT, std::move(a), std::move(b)); };
  auto div = [](ExprRef a, ExprRef b) { return binary(BinOp::Div, std::move(a), std::move(b)); };
  if (name == "Tanh") return call(Intrinsic::Tanh, {x});
  if (name == "Sigmoid") return div(f64c(1), f64c(1) + call(Intrinsic::Exp, {unary(UnOp::Neg, x)}));
  if (name == "Relu") return select(binary(BinOp::GT, x, f64c(0)), x, f64c(0));
  if (name == "Softsign") return div(x, f64c(1) + call(Intrinsic::Abs, {x}));
  if (name == "Softplus") return call(Intrinsic::Log, {f64c(1) + call(Intrinsic::Exp, {x})});
  if (name == "LeakyRelu") return select(lt(x, f64c(0)), alpha(0.01) * x, x);
  if (name == "ThresholdedRelu") return select(binary(BinOp::GT, x, alpha(1.0)), x, f64c(0));
  if (name == "Elu") return select(lt(x, f64c(0)), alpha(1.0) * (call(Intrinsic::Exp, {x}) - f64c(1)), x);
  if (name == "HardSigmoid") return kernel::max(f64c(0), kernel::min(f64c(1), alpha(0.2) * x + beta(0.5)));
  if (name == "Affine") return alpha(1.0) * x + beta(0.0);
  if (name == "ScaledTanh") return alpha(1.0) * call(Intrinsic::Tanh, {beta(1.0) * x});
  unsupported(n.describe(), ": ", n.op(), " activation '", name, "' has no CPU schedule");
}

}  // namespace

StmtRef scheduleRecurrent(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& n = *grp.anchor;
  const std::string& op = n.op();
  int G = op == "RNN" ? 1 : op == "GRU" ? 3 : 4;
  size_t na = op == "RNN" ? 1 : op == "GRU" ? 2 : 3;
  const Value* X = n.input(0);
  DType dt = X->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64)
    unsupported(n.describe(), ": ", op, " of ", dtypeName(dt), " has no CPU schedule");
  std::string dir = n.attrString("direction", "forward");
  int64_t D = dir == "bidirectional" ? 2 : 1, layout = n.attrInt("layout", 0);
  std::vector<int64_t> xe = staticExtents(*X), re = staticExtents(*n.input(2));
  int64_t T = xe[layout == 0 ? 0 : 1], B = xe[layout == 0 ? 1 : 0], I = xe[2], H = re[2];
  if (n.attrInt("hidden_size", H) != H) unsupported(n.describe(), ": ", op, " hidden_size differs from R");
  std::vector<std::string> names;
  if (n.hasAttr("activations")) names = n.attr("activations").strings();
  if (names.empty()) {
    std::vector<std::string> dflt = op == "RNN"   ? std::vector<std::string>{"Tanh"}
                                    : op == "GRU" ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                  : std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"};
    for (int64_t d = 0; d < D; ++d) names.insert(names.end(), dflt.begin(), dflt.end());
  }
  if (D == 2 && names.size() == na) {  // one list for both directions
    std::vector<std::string> once = names;
    names.insert(names.end(), once.begin(), once.end());
  }
  if (names.size() != na * static_cast<size_t>(D)) unsupported(n.describe(), ": ", op, " activation count");
  bool hasClip = n.hasAttr("clip");
  double clipV = hasClip ? n.attr("clip").f() : 0.0;
  bool lbr = n.attrInt("linear_before_reset", 0) != 0, inputForget = n.attrInt("input_forget", 0) != 0;

  Type wt{DType::Float64, 1};
  auto in = [&](size_t i) -> const Value* { return n.numInputs() > i ? n.input(i) : nullptr; };
  auto out = [&](size_t i) -> const Value* { return n.numOutputs() > i ? n.output(i) : nullptr; };
  auto buf = [&](const Value* v) { return ctx.buffers.at(v).buffer; };
  auto ld = [&](const Value* v, const ExprRef& i) { return cast(wt, load(buf(v), i)); };
  auto clip = [&](const ExprRef& v) { return hasClip ? kernel::max(f64c(-clipV), kernel::min(f64c(clipV), v)) : v; };
  int64_t GH = G * H;
  // The state and gate scratch buffers live on the (worker thread's) stack.
  if (2 * GH + 4 * H > (1 << 16)) unsupported(n.describe(), ": ", op, " with hidden_size ", H, " has no CPU schedule");
  BufferRef h = makeBuffer("h", DType::Float64, H, MemScope::Local), c = makeBuffer("c", DType::Float64, H, MemScope::Local);
  BufferRef gx = makeBuffer("gx", DType::Float64, GH, MemScope::Local), gh = makeBuffer("gh", DType::Float64, GH, MemScope::Local);
  BufferRef nx = makeBuffer("next", DType::Float64, H, MemScope::Local), aux = makeBuffer("aux", DType::Float64, 2 * H, MemScope::Local);
  BufferRef acc = makeBuffer("acc", DType::Float64, 2, MemScope::Register);
  auto L = [&](const BufferRef& b, const ExprRef& i) { return load(b, i); };
  auto yIndex = [&](const ExprRef& t, const ExprRef& d, const ExprRef& b, const ExprRef& k) {
    return layout == 0 ? ((t * D + d) * B + b) * H + k : ((b * T + t) * D + d) * H + k;
  };
  auto stateIndex = [&](const ExprRef& d, const ExprRef& b, const ExprRef& k) {
    return layout == 0 ? (d * B + b) * H + k : (b * D + d) * H + k;
  };
  LoopKind kind = D * B > 1 && D * B * T * GH * (I + H) >= ctx.knob(grp, "parallel_min_work", 1 << 14)
                      ? LoopKind::Parallel : LoopKind::Serial;
  auto kLoop = [&](const std::function<StmtRef(const ExprRef&)>& body) { return loop("k", H, LoopKind::Serial, body); };

  StmtRef nest = loop("db", D * B, kind, [&](const ExprRef& db) {
    ExprRef d = D == 1 ? intImm(0) : binary(BinOp::Div, db, intImm(B));
    ExprRef b = D == 1 ? db : binary(BinOp::Mod, db, intImm(B));
    bool revAll = dir == "reverse";
    ExprRef rev = D == 2 ? binary(BinOp::EQ, d, intImm(1)) : nullptr;
    std::vector<StmtRef> body;
    if (const Value* y = out(0))
      body.push_back(loop("t", T, LoopKind::Serial, [&](const ExprRef& t) {
        return kLoop([&](const ExprRef& k) { return store(buf(y), yIndex(t, d, b, k), dt == DType::Float32 ? floatImm(0, f32()) : f64c(0)); });
      }));
    body.push_back(kLoop([&](const ExprRef& k) {
      std::vector<StmtRef> s = {store(h, k, in(5) ? ld(in(5), stateIndex(d, b, k)) : f64c(0))};
      if (G == 4) s.push_back(store(c, k, in(6) ? ld(in(6), stateIndex(d, b, k)) : f64c(0)));
      return seq(s);
    }));
    ExprRef len = intImm(T);
    if (const Value* sl = in(4)) {
      ExprRef l = load(buf(sl), b);
      if (l->type.scalar != DType::Int64) l = cast(i64(), l);
      len = kernel::min(kernel::max(l, intImm(0)), intImm(T));
    }
    Var lenVar = makeVar("len");
    ExprRef Lr = varRef(lenVar);
    Var stepVar = makeVar("step"), tVar = makeVar("t");
    ExprRef step = varRef(stepVar), t = varRef(tVar);
    ExprRef tValue = revAll ? Lr - intImm(1) - step
                            : rev ? select(rev, Lr - intImm(1) - step, step) : step;
    auto bias = [&](int64_t which, const ExprRef& j) {  // which 0: Wb, 1: Rb
      return in(3) ? ld(in(3), d * (2 * GH) + intImm(which * GH) + j) : f64c(0);
    };
    auto peep = [&](int64_t gate, const ExprRef& k) {  // 0: i, 1: o, 2: f
      return in(7) ? ld(in(7), d * (3 * H) + intImm(gate * H) + k) : f64c(0);
    };
    auto act = [&](size_t slot, const ExprRef& x) {
      if (D == 1) return activation(n, names[slot], slot, x);
      bool same = names[slot] == names[na + slot] && !n.hasAttr("activation_alpha") && !n.hasAttr("activation_beta");
      ExprRef a0 = activation(n, names[slot], slot, x);
      return same ? a0 : select(binary(BinOp::EQ, d, intImm(0)), a0, activation(n, names[na + slot], na + slot, x));
    };
    // Per step.
    std::vector<StmtRef> st;
    st.push_back(loop("j", GH, LoopKind::Serial, [&](const ExprRef& j) {
      ExprRef xrow = layout == 0 ? (t * B + b) * I : (b * T + t) * I;
      return seq({store(acc, intImm(0), bias(0, j)), store(acc, intImm(1), bias(1, j)),
                  loop("i", I, LoopKind::Serial, [&](const ExprRef& i) {
                    return store(acc, intImm(0), L(acc, intImm(0)) + ld(in(1), (d * GH + j) * I + i) * ld(X, xrow + i));
                  }),
                  loop("m", H, LoopKind::Serial, [&](const ExprRef& m) {
                    return store(acc, intImm(1), L(acc, intImm(1)) + ld(in(2), (d * GH + j) * H + m) * L(h, m));
                  }),
                  store(gx, j, L(acc, intImm(0))), store(gh, j, L(acc, intImm(1)))});
    }));
    auto G_ = [&](const BufferRef& g, int64_t gate, const ExprRef& k) { return L(g, intImm(gate * H) + k); };
    if (op == "RNN") {
      st.push_back(kLoop([&](const ExprRef& k) { return store(nx, k, act(0, clip(L(gx, k) + L(gh, k)))); }));
    } else if (op == "GRU") {
      // aux[k] = z, aux[H + k] = r * h.
      st.push_back(kLoop([&](const ExprRef& k) {
        ExprRef z = act(0, clip(G_(gx, 0, k) + G_(gh, 0, k))), r = act(0, clip(G_(gx, 1, k) + G_(gh, 1, k)));
        std::vector<StmtRef> s = {store(aux, k, z), store(aux, intImm(H) + k, r * L(h, k))};
        if (lbr) s.push_back(store(nx, k, act(1, clip(G_(gx, 2, k) + r * G_(gh, 2, k)))));
        return seq(s);
      }));
      if (!lbr)
        st.push_back(kLoop([&](const ExprRef& k) {
          return seq({store(acc, intImm(0), bias(1, intImm(2 * H) + k)),
                      loop("m", H, LoopKind::Serial, [&](const ExprRef& m) {
                        return store(acc, intImm(0), L(acc, intImm(0)) +
                                                         ld(in(2), (d * GH + intImm(2 * H) + k) * H + m) * L(aux, intImm(H) + m));
                      }),
                      store(nx, k, act(1, clip(G_(gx, 2, k) + L(acc, intImm(0)))))});
        }));
      st.push_back(kLoop([&](const ExprRef& k) {
        ExprRef z = L(aux, k);
        return store(nx, k, (f64c(1) - z) * L(nx, k) + z * L(h, k));
      }));
    } else {
      st.push_back(kLoop([&](const ExprRef& k) {
        ExprRef cs = L(c, k);
        ExprRef it = act(0, clip(G_(gx, 0, k) + G_(gh, 0, k) + peep(0, k) * cs));
        ExprRef ft = inputForget ? f64c(1) - it : act(0, clip(G_(gx, 2, k) + G_(gh, 2, k) + peep(2, k) * cs));
        ExprRef ct = act(1, clip(G_(gx, 3, k) + G_(gh, 3, k)));
        Var cn = makeVar("cn", wt);
        ExprRef ot = act(0, clip(G_(gx, 1, k) + G_(gh, 1, k) + peep(1, k) * varRef(cn)));
        return letStmt(cn, ft * cs + it * ct,
                       seq({store(c, k, varRef(cn)), store(nx, k, ot * act(2, varRef(cn)))}));
      }));
    }
    st.push_back(kLoop([&](const ExprRef& k) {
      std::vector<StmtRef> s = {store(h, k, L(nx, k))};
      if (const Value* y = out(0)) s.push_back(store(buf(y), yIndex(t, d, b, k), cast(scalarType(dt), L(nx, k))));
      return seq(s);
    }));
    body.push_back(letStmt(lenVar, len, forLoop(stepVar, intImm(0), Lr, LoopKind::Serial, letStmt(tVar, tValue, seq(st)))));
    if (const Value* yh = out(1))
      body.push_back(kLoop([&](const ExprRef& k) { return store(buf(yh), stateIndex(d, b, k), cast(scalarType(dt), L(h, k))); }));
    if (const Value* yc = G == 4 ? out(2) : nullptr)
      body.push_back(kLoop([&](const ExprRef& k) { return store(buf(yc), stateIndex(d, b, k), cast(scalarType(dt), L(c, k))); }));
    StmtRef s = seq(body);
    for (const BufferRef& a : {acc, aux, nx, gh, gx, c, h}) s = allocate(a, s);
    return s;
  });
  return nest;
}

}  // namespace dlc::cpu
