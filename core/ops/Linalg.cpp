// Linear algebra: MatMul (numpy semantics with batch broadcasting), Gemm
// (alpha * op(A) * op(B) + beta * C) and Einsum (Einsum.cpp holds the
// equation parser and kernel).
#include "ops/Linalg.h"

#include "ops/ConvHelpers.h"
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc::ops {

MatMulShape matMulShape(const Node& node, const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  DLC_CHECK(!a.empty() && !b.empty(), node.describe(), ": inputs must have rank >= 1");
  std::vector<int64_t> ea = a, eb = b;
  bool vecA = ea.size() == 1, vecB = eb.size() == 1;
  if (vecA) ea.insert(ea.begin(), 1);
  if (vecB) eb.push_back(1);
  MatMulShape s;
  s.M = ea[ea.size() - 2];
  s.K = ea.back();
  s.N = eb.back();
  DLC_CHECK(eb[eb.size() - 2] == s.K, node.describe(), ": inner dims differ (", s.K, " vs ", eb[eb.size() - 2], ")");
  std::vector<int64_t> ba(ea.begin(), ea.end() - 2), bb(eb.begin(), eb.end() - 2);
  std::vector<int64_t> batch = broadcastExtents(node, ba, bb);
  s.offA = broadcastOffsets(batch, ba);
  s.offB = broadcastOffsets(batch, bb);
  s.outExt = batch;
  if (!vecA) s.outExt.push_back(s.M);
  if (!vecB) s.outExt.push_back(s.N);
  return s;
}

std::vector<double> matMulDoubles(const MatMulShape& s, const double* a, const double* b) {
  const int64_t M = s.M, K = s.K, N = s.N;
  std::vector<double> out(s.offA.size() * static_cast<size_t>(M * N));
  std::vector<double> bt(static_cast<size_t>(K * N));
  int64_t lastB = -1;
  for (size_t bi = 0; bi < s.offA.size(); ++bi) {
    if (s.offB[bi] != lastB) {  // B^T so the reduction reads contiguous rows
      const double* pb = b + s.offB[bi] * K * N;
      for (int64_t k = 0; k < K; ++k)
        for (int64_t n = 0; n < N; ++n) bt[static_cast<size_t>(n * K + k)] = pb[k * N + n];
      lastB = s.offB[bi];
    }
    const double* pa = a + s.offA[bi] * M * K;
    double* po = out.data() + bi * static_cast<size_t>(M * N);
    for (int64_t m = 0; m < M; ++m) {
      const double* ar = pa + m * K;
      for (int64_t n = 0; n < N; ++n) {
        const double* br = bt.data() + n * K;
        double acc = 0;
        for (int64_t k = 0; k < K; ++k) acc += ar[k] * br[k];
        po[m * N + n] = acc;
      }
    }
  }
  return out;
}

TensorType inferMatMulType(const Node& node, TensorType a, TensorType b, DType outDType) {
  if (!a.ranked || !b.ranked) return TensorType::unranked(outDType);
  DLC_CHECK(a.rank() >= 1 && b.rank() >= 1, node.describe(), ": inputs must have rank >= 1");
  bool vecA = a.rank() == 1, vecB = b.rank() == 1;
  if (vecA) a.shape.insert(a.shape.begin(), Dim(1));
  if (vecB) b.shape.push_back(Dim(1));
  const Dim& k1 = a.shape.back();
  const Dim& k2 = b.shape[b.shape.size() - 2];
  DLC_CHECK(!(k1.isStatic() && k2.isStatic()) || k1 == k2, node.describe(), ": inner dims differ (", a.str(), " x ",
            b.str(), ")");
  Shape ba(a.shape.begin(), a.shape.end() - 2), bb(b.shape.begin(), b.shape.end() - 2);
  Shape out = broadcastShapes(node, ba, bb);
  if (!vecA) out.push_back(a.shape[a.shape.size() - 2]);
  if (!vecB) out.push_back(b.shape.back());
  return TensorType(outDType, out);
}

namespace {

void inferMatMul(InferContext& ctx) {
  const TensorType& a = ctx.in(0);
  DLC_CHECK(a.dtype == ctx.in(1).dtype, ctx.node.describe(), ": input dtypes differ");
  ctx.outputs = {inferMatMulType(ctx.node, a, ctx.in(1), a.dtype)};
}

void refMatMul(RefContext& ctx) {
  Tensor a = ctx.in(0), b = ctx.in(1);
  DLC_CHECK(a.dtype() == b.dtype(), ctx.node.describe(), ": input dtypes differ");
  if (isFloat(a.dtype())) {
    MatMulShape s = matMulShape(ctx.node, a.extents(), b.extents());
    std::vector<double> ad = toDoubles(a), bd = toDoubles(b);
    ctx.outputs = {fromDoubles(a.dtype(), s.outExt, matMulDoubles(s, ad.data(), bd.data()))};
    return;
  }
  // Integers keep their own type (and wrap-around), so no double buffers here.
  MatMulShape s = matMulShape(ctx.node, a.extents(), b.extents());
  const int64_t M = s.M, K = s.K, N = s.N;
  Tensor out(a.dtype(), s.outExt);
  dispatchDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      unsupported(ctx.node.describe(), ": bool MatMul");
    } else {
      const T* pa = a.data<T>();
      const T* pb = b.data<T>();
      T* po = out.data<T>();
      for (size_t bi = 0; bi < s.offA.size(); ++bi) {
        const int64_t aBase = s.offA[bi] * M * K, bBase = s.offB[bi] * K * N;
        const int64_t oBase = static_cast<int64_t>(bi) * M * N;
        for (int64_t m = 0; m < M; ++m) {
          for (int64_t n = 0; n < N; ++n) {
            CalcT<T> acc = 0;
            for (int64_t k = 0; k < K; ++k) acc += loadAs<T>(pa, aBase + m * K + k) * loadAs<T>(pb, bBase + k * N + n);
            storeAs<T>(po, oBase + m * N + n, acc);
          }
        }
      }
    }
  });
  ctx.outputs = {out};
}

// ---- Gemm ----

void inferGemm(InferContext& ctx) {
  const TensorType& a = ctx.in(0);
  const TensorType& b = ctx.in(1);
  DLC_CHECK(a.dtype == b.dtype, ctx.node.describe(), ": input dtypes differ");
  if (!a.ranked || !b.ranked) {
    ctx.outputs = {TensorType(a.dtype, {Dim(), Dim()})};
    return;
  }
  DLC_CHECK(a.rank() == 2 && b.rank() == 2, ctx.node.describe(), ": A and B must be 2-D, got ", a.str(), " and ",
            b.str());
  bool ta = ctx.node.attrInt("transA", 0) != 0, tb = ctx.node.attrInt("transB", 0) != 0;
  const Dim& m = a.shape[ta ? 1 : 0];
  const Dim& k1 = a.shape[ta ? 0 : 1];
  const Dim& k2 = b.shape[tb ? 1 : 0];
  const Dim& n = b.shape[tb ? 0 : 1];
  DLC_CHECK(!(k1.isStatic() && k2.isStatic()) || k1 == k2, ctx.node.describe(), ": inner dims differ (", a.str(), " x ",
            b.str(), ")");
  if (ctx.has(2) && ctx.in(2).ranked) {
    const TensorType& c = ctx.in(2);
    DLC_CHECK(c.rank() <= 2, ctx.node.describe(), ": C must have rank <= 2");
    Shape bc = broadcastShapes(ctx.node, Shape{m, n}, c.shape);
    DLC_CHECK(bc.size() == 2 && (!m.isStatic() || bc[0] == m) && (!n.isStatic() || bc[1] == n), ctx.node.describe(),
              ": C ", c.str(), " does not broadcast to the output");
  }
  ctx.outputs = {TensorType(a.dtype, {m, n})};
}

void refGemm(RefContext& ctx) {
  const Tensor& a = ctx.in(0);
  const Tensor& b = ctx.in(1);
  DLC_CHECK(a.dtype() == b.dtype(), ctx.node.describe(), ": input dtypes differ");
  DLC_CHECK(a.rank() == 2 && b.rank() == 2, ctx.node.describe(), ": A and B must be 2-D");
  bool ta = ctx.node.attrInt("transA", 0) != 0, tb = ctx.node.attrInt("transB", 0) != 0;
  double alpha = ctx.node.attrFloat("alpha", 1.0), beta = ctx.node.attrFloat("beta", 1.0);
  const int64_t M = a.dim(ta ? 1 : 0), K = a.dim(ta ? 0 : 1), N = b.dim(tb ? 0 : 1);
  DLC_CHECK(b.dim(tb ? 1 : 0) == K, ctx.node.describe(), ": inner dims differ (", K, " vs ", b.dim(tb ? 1 : 0), ")");
  std::vector<double> cv;
  std::vector<int64_t> cOff;
  if (ctx.has(2)) {
    const Tensor& c = ctx.in(2);
    DLC_CHECK(c.rank() <= 2, ctx.node.describe(), ": C must have rank <= 2");
    std::vector<int64_t> bc = broadcastExtents(ctx.node, {M, N}, c.extents());
    DLC_CHECK(bc == std::vector<int64_t>({M, N}), ctx.node.describe(), ": C does not broadcast to [", M, ", ", N, "]");
    cv = toDoubles(c);
    cOff = broadcastOffsets({M, N}, c.extents());
  }
  Tensor out(a.dtype(), {M, N});
  dispatchDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      unsupported(ctx.node.describe(), ": bool Gemm");
    } else {
      // B as [N, K] rows so the reduction runs over contiguous memory.
      std::vector<CalcT<T>> av(static_cast<size_t>(M * K)), bt(static_cast<size_t>(N * K));
      const T* pa = a.data<T>();
      const T* pb = b.data<T>();
      for (int64_t m = 0; m < M; ++m)
        for (int64_t k = 0; k < K; ++k) av[static_cast<size_t>(m * K + k)] = loadAs<T>(pa, ta ? k * M + m : m * K + k);
      for (int64_t n = 0; n < N; ++n)
        for (int64_t k = 0; k < K; ++k) bt[static_cast<size_t>(n * K + k)] = loadAs<T>(pb, tb ? n * K + k : k * N + n);
      T* po = out.data<T>();
      for (int64_t m = 0; m < M; ++m) {
        const CalcT<T>* ar = av.data() + m * K;
        for (int64_t n = 0; n < N; ++n) {
          const CalcT<T>* br = bt.data() + n * K;
          CalcT<T> acc = 0;
          for (int64_t k = 0; k < K; ++k) acc += ar[k] * br[k];
          int64_t o = m * N + n;
          if constexpr (std::is_integral_v<CalcT<T>>) {
            double r = alpha * static_cast<double>(acc);
            if (!cv.empty()) r += beta * cv[static_cast<size_t>(cOff[static_cast<size_t>(o)])];
            storeAs<T>(po, o, r);
          } else {
            CalcT<T> r = alpha * acc;
            if (!cv.empty()) r += beta * cv[static_cast<size_t>(cOff[static_cast<size_t>(o)])];
            storeAs<T>(po, o, r);
          }
        }
      }
    }
  });
  ctx.outputs = {out};
}

}  // namespace
}  // namespace dlc::ops

namespace dlc {
using namespace ops;

void registerLinalgOps(OpRegistry& r) {
  r.add(makeOp("MatMul", "Matrix product with numpy batch broadcasting", 2, 2, PatternKind::ComplexOutFusable,
               inferMatMul, refMatMul));
  r.add(makeOp(
      "Gemm", "alpha * op(A) * op(B) + beta * C, C broadcast to the output", 2, 3, PatternKind::ComplexOutFusable,
      inferGemm, refGemm,
      {optAttr("alpha", 1.0), optAttr("beta", 1.0), optAttr("transA", int64_t{0}), optAttr("transB", int64_t{0})}));
  r.add(einsumOpDef());
}

}  // namespace dlc
