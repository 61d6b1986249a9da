// Elementwise and broadcasting math: unary math, activations, binary arithmetic.
#include <cmath>

#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

// A unary float op: out = f(x) computed in double.
template <typename F>
OpDef unaryFloatOp(const char* name, const char* summary, F f, std::vector<AttrSpec> attrs = {}) {
  return makeOp(
      name, summary, 1, 1, PatternKind::Elementwise, inferSameAsInput0,
      [f](RefContext& ctx) {
        const Tensor& x = ctx.in(0);
        if (!isFloat(x.dtype())) unsupported(ctx.node.describe(), ": dtype ", dtypeName(x.dtype()));
        ctx.outputs = {mapUnary(x, [&](double v) { return f(ctx.node, v); })};
      },
      std::move(attrs));
}

// A binary arithmetic op over any numeric dtype, with broadcasting.
template <typename F>
OpDef binaryArithOp(const char* name, const char* summary, F f) {
  return makeOp(
      name, summary, 2, 2, PatternKind::Broadcast, [](InferContext& c) { inferBroadcast(c); },
      [f](RefContext& ctx) {
        ctx.outputs = {mapBinary(ctx.node, ctx.in(0), ctx.in(1), [&](auto a, auto b) { return f(a, b); })};
      });
}

}  // namespace

void registerElementwiseOps(OpRegistry& r) {
  r.add(unaryFloatOp("Relu", "max(x, 0)", [](const Node&, double v) { return v > 0 ? v : (v < 0 ? 0.0 : v); }));
  r.add(unaryFloatOp("Sigmoid", "1 / (1 + exp(-x))", [](const Node&, double v) { return 1.0 / (1.0 + std::exp(-v)); }));
  r.add(unaryFloatOp("Tanh", "tanh(x)", [](const Node&, double v) { return std::tanh(v); }));
  r.add(unaryFloatOp("Exp", "exp(x)", [](const Node&, double v) { return std::exp(v); }));
  r.add(unaryFloatOp("Sqrt", "sqrt(x)", [](const Node&, double v) { return std::sqrt(v); }));

  r.add(binaryArithOp("Add", "a + b", [](auto a, auto b) { return a + b; }));
  r.add(binaryArithOp("Sub", "a - b", [](auto a, auto b) { return a - b; }));
  r.add(binaryArithOp("Mul", "a * b", [](auto a, auto b) { return a * b; }));
  r.add(binaryArithOp("Div", "a / b", [](auto a, auto b) {
    using T = decltype(a);
    if constexpr (std::is_integral_v<T>) {
      if (b == 0) fail("integer division by zero");
      return static_cast<T>(a / b);
    } else {
      return a / b;
    }
  }));
}

}  // namespace dlc
