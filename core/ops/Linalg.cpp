// Linear algebra: MatMul (numpy semantics with batch broadcasting).
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {
namespace {
using namespace ops;

void inferMatMul(InferContext& ctx) {
  TensorType a = ctx.in(0), b = ctx.in(1);
  DLC_CHECK(a.dtype == b.dtype, ctx.node.describe(), ": input dtypes differ");
  if (!a.ranked || !b.ranked) {
    ctx.outputs = {TensorType::unranked(a.dtype)};
    return;
  }
  DLC_CHECK(a.rank() >= 1 && b.rank() >= 1, ctx.node.describe(), ": inputs must have rank >= 1");
  bool vecA = a.rank() == 1, vecB = b.rank() == 1;
  if (vecA) a.shape.insert(a.shape.begin(), Dim(1));
  if (vecB) b.shape.push_back(Dim(1));
  const Dim& k1 = a.shape.back();
  const Dim& k2 = b.shape[b.shape.size() - 2];
  DLC_CHECK(!(k1.isStatic() && k2.isStatic()) || k1 == k2, ctx.node.describe(),
            ": inner dims differ (", a.str(), " x ", b.str(), ")");
  Shape ba(a.shape.begin(), a.shape.end() - 2), bb(b.shape.begin(), b.shape.end() - 2);
  Shape out = broadcastShapes(ctx.node, ba, bb);
  if (!vecA) out.push_back(a.shape[a.shape.size() - 2]);
  if (!vecB) out.push_back(b.shape.back());
  ctx.outputs = {TensorType(a.dtype, out)};
}

void refMatMul(RefContext& ctx) {
  Tensor a = ctx.in(0), b = ctx.in(1);
  DLC_CHECK(a.dtype() == b.dtype(), ctx.node.describe(), ": input dtypes differ");
  bool vecA = a.rank() == 1, vecB = b.rank() == 1;
  std::vector<int64_t> ea = a.extents(), eb = b.extents();
  if (vecA) ea.insert(ea.begin(), 1);
  if (vecB) eb.push_back(1);
  int64_t M = ea[ea.size() - 2], K = ea.back(), N = eb.back();
  DLC_CHECK(eb[eb.size() - 2] == K, ctx.node.describe(), ": inner dims differ");
  std::vector<int64_t> ba(ea.begin(), ea.end() - 2), bb(eb.begin(), eb.end() - 2);
  std::vector<int64_t> batch = broadcastExtents(ctx.node, ba, bb);
  std::vector<int64_t> offA = broadcastOffsets(batch, ba), offB = broadcastOffsets(batch, bb);
  std::vector<int64_t> outExt = batch;
  outExt.push_back(M);
  outExt.push_back(N);
  Tensor out(a.dtype(), outExt);
  dispatchDType(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      unsupported(ctx.node.describe(), ": bool MatMul");
    } else {
      const T* pa = a.data<T>();
      const T* pb = b.data<T>();
      T* po = out.data<T>();
      for (size_t bi = 0; bi < offA.size(); ++bi) {
        const int64_t aBase = offA[bi] * M * K, bBase = offB[bi] * K * N, oBase = static_cast<int64_t>(bi) * M * N;
        for (int64_t m = 0; m < M; ++m) {
          for (int64_t n = 0; n < N; ++n) {
            CalcT<T> acc = 0;
            for (int64_t k = 0; k < K; ++k)
              acc += loadAs<T>(pa, aBase + m * K + k) * loadAs<T>(pb, bBase + k * N + n);
            storeAs<T>(po, oBase + m * N + n, acc);
          }
        }
      }
    }
  });
  std::vector<int64_t> finalExt = batch;
  if (!vecA) finalExt.push_back(M);
  if (!vecB) finalExt.push_back(N);
  ctx.outputs = {out.reshaped(finalExt)};
}

}  // namespace

void registerLinalgOps(OpRegistry& r) {
  r.add(makeOp("MatMul", "Matrix product with numpy batch broadcasting", 2, 2, PatternKind::ComplexOutFusable,
               inferMatMul, refMatMul));
}

}  // namespace dlc
