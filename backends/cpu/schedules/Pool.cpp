// Template for 1-D, 2-D and 3-D MaxPool (with the optional Indices output and
// its storage_order), AveragePool (count_include_pad) and LpPool (p): strides,
// pads, auto_pad, dilations, ceil_mode through the output shape, with a fused
// elementwise epilogue. The spatial dims are seen as (D, H, W), 1-D and 2-D
// problems having leading extents of 1.
//
//   for (od, oh, nc)                                 (parallel; or (nc, od, oh))
//     for ow                                         (vectorized when unrolled)
//       acc = reduce over (kd, kh, kw) of x[nc, id, ih, iw], masked by a select
//       y[nc, od, oh, ow] = epilogue(finish(acc))    (indices[...] = argmax)
//
// Windows up to unroll_max_window positions are unrolled into one expression
// (it vectorizes over ow); larger ones, and MaxPool with Indices, loop over the
// window with the accumulator in a register buffer. Loads are clamped so they
// stay in bounds; positions outside the input are masked out, except in the
// interior columns (all kw taps inside the row), which need neither.
//
// Note on AveragePool's divisor (as core/ops/Pooling.cpp): with
// count_include_pad it is the kernel volume, including positions past the end
// pad that ceil_mode adds; without, the positions inside the input.
#include <cmath>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

enum class PoolKind { Max, Average, Lp };

ExprRef inRange(const ExprRef& i, int64_t hi) {
  return binary(BinOp::And, binary(BinOp::GE, i, intImm(0)), binary(BinOp::LT, i, intImm(hi)));
}

}  // namespace

StmtRef schedulePool(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& p = *grp.anchor;
  PoolKind kind = p.op() == "MaxPool" ? PoolKind::Max : p.op() == "AveragePool" ? PoolKind::Average : PoolKind::Lp;
  bool withIndices = kind == PoolKind::Max && p.numOutputs() > 1 && p.output(1);
  std::vector<int64_t> x = staticExtents(*p.input(0)), y = staticExtents(*p.output(0));
  if (x.size() < 3 || x.size() > 5) unsupported(p.describe(), ": ", x.size() - 2, "-D pooling has no CPU schedule");
  DType dt = p.input(0)->type().dtype;
  bool isMax = kind == PoolKind::Max;
  if (dt != DType::Float32 && dt != DType::Float64 && !(isMax && (dt == DType::Int8 || dt == DType::UInt8)))
    unsupported(p.describe(), ": pooling of ", dtypeName(dt), " has no CPU schedule");
  Type t = scalarType(dt);
  size_t sp = x.size() - 2;
  std::vector<int64_t> ks = p.attrInts("kernel_shape", {});
  std::vector<int64_t> st = p.attrInts("strides", std::vector<int64_t>(sp, 1));
  std::vector<int64_t> dl = p.attrInts("dilations", std::vector<int64_t>(sp, 1));
  // (D, H, W) geometry: extents, kernel, stride, dilation, leading pad.
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1}, pb[3] = {0, 0, 0};
  for (size_t i = 0; i < sp; ++i) {
    size_t j = 3 - sp + i;
    in[j] = x[2 + i], out[j] = y[2 + i], k[j] = ks.at(i), s[j] = st.at(i), d[j] = dl.at(i);
    pb[j] = leadingPad(p, i, in[j], out[j], k[j], s[j], d[j]);
  }
  int64_t NC = x[0] * x[1], OD = out[0], OH = out[1], OW = out[2];
  int64_t inSize = in[0] * in[1] * in[2], outSize = OD * OH * OW, window = k[0] * k[1] * k[2];
  bool includePad = kind == PoolKind::Average && p.attrInt("count_include_pad", 0) != 0;
  bool colMajor = p.attrInt("storage_order", 0) != 0;
  int64_t pw = p.attrInt("p", 2);
  if (kind == PoolKind::Lp && pw <= 0) unsupported(p.describe(), ": LpPool with p = ", pw, " has no CPU schedule");
  const ValueBuffer& X = ctx.buffers.at(p.input(0));
  int lanes = static_cast<int>(ctx.knob(grp, "vector_lanes", ctx.spec.floatLanes()));
  if (OW < lanes || dt != DType::Float32) lanes = 1;
  LoopKind loopKind = NC * outSize * window >= ctx.knob(grp, "parallel_min_work", 1 << 14) && NC * OD * OH > 1
                          ? LoopKind::Parallel
                          : LoopKind::Serial;
  bool unroll = window <= ctx.knob(grp, "unroll_max_window", 64) && !withIndices;
  if (!unroll) lanes = 1;
  ExprRef zero = constant(t, 0);
  ExprRef init = isMax ? (isFloat(dt) ? floatImm(-INFINITY, t) : intImm(dt == DType::Int8 ? -128 : 0, t)) : zero;
  // The per-position term of a sum (AveragePool, LpPool) and the final value.
  auto term = [&](const ExprRef& v) {
    if (kind == PoolKind::Average) return v;
    ExprRef a = call(Intrinsic::Abs, {v});
    if (pw == 1) return a;
    if (pw == 2) return a * a;
    return call(Intrinsic::Pow, {a, floatImm(static_cast<double>(pw), t)});
  };
  auto finish = [&](const ExprRef& acc, const ExprRef& cnt) {
    if (kind == PoolKind::Max) return acc;
    if (kind == PoolKind::Average)
      return binary(BinOp::Div, acc, includePad ? floatImm(static_cast<double>(window), t) : cnt);
    if (pw == 1) return acc;
    if (pw == 2) return call(Intrinsic::Sqrt, {acc});
    return call(Intrinsic::Pow, {acc, floatImm(1.0 / static_cast<double>(pw), t)});
  };

  // Interior columns [owLo, owHi): every kw tap inside the input row, so the
  // unrolled window needs no clamp or mask along W and each tap's vector is
  // one strided load (dense loads and a shuffle for strides 2..4).
  int64_t owLo = std::min<int64_t>(OW, (pb[2] + s[2] - 1) / s[2]);
  int64_t lastIn = in[2] - 1 + pb[2] - (k[2] - 1) * d[2];
  int64_t owHi = lastIn < 0 ? owLo : std::max(owLo, std::min<int64_t>(OW, lastIn / s[2] + 1));
  bool split = unroll && lanes > 1 && owHi - owLo >= lanes && ctx.knob(grp, "interior_columns", 1) != 0;
  // The interior's last columns as an overlapping vector rather than a serial
  // tail (`overlap_tail`): MaxPool 3x3/2 on 112x112 rows of 55 interior
  // columns, 3 vectors + 7 serial columns, is mostly that tail. Storing a
  // column twice is harmless: every column's value depends on the input alone.
  bool overlapTail = split && ctx.knob(grp, "overlap_tail", 1) != 0;

  // Rows outermost (`rows_outer`, when there are two per core): each thread's
  // share is a band of image rows, as in the conv schedules, so the rows a
  // conv wrote on a core are pooled there.
  bool rowsOuter = ctx.knob(grp, "rows_outer", OD * OH >= 2 * ctx.spec.cores ? 1 : 0) != 0;
  return loop("row", NC * OD * OH, loopKind, [&](const ExprRef& row) {
    std::vector<ExprRef> r = rowsOuter ? delinearize(row, {OD, OH, NC}) : delinearize(row, {NC, OD, OH});
    ExprRef nc = rowsOuter ? r[2] : r[0], od = rowsOuter ? r[0] : r[1], oh = rowsOuter ? r[1] : r[2];
    auto columns = [&](const ExprRef& ow, bool interior) -> StmtRef {
      ExprRef o[3] = {od, oh, ow};
      // Window position (kd, kh, kw): its value (clamped load), whether it is
      // inside the input, and its flat index as the Indices output counts it.
      auto at = [&](const ExprRef* kk, ExprRef& inside, ExprRef* flat) {
        ExprRef ii[3], cl[3];
        inside = nullptr;
        for (int j = 0; j < 3; ++j) {
          ii[j] = o[j] * s[j] + kk[j] * d[j] - intImm(pb[j]);
          bool inW = interior && j == 2;
          cl[j] = inW ? ii[j] : kernel::min(kernel::max(ii[j], intImm(0)), intImm(in[j] - 1));
          if (inW || (in[j] == 1 && k[j] == 1 && pb[j] == 0 && out[j] == 1)) continue;  // in range, or a padded dim
          ExprRef ok = inRange(ii[j], in[j]);
          inside = inside ? binary(BinOp::And, inside, ok) : ok;
        }
        if (!inside) inside = constant(boolean(), 1);
        if (flat) {
          ExprRef off = colMajor ? cl[0] + cl[1] * in[0] + cl[2] * (in[0] * in[1])
                                 : (cl[0] * in[1] + cl[1]) * in[2] + cl[2];
          *flat = nc * inSize + off;
        }
        return load(X.buffer, nc * inSize + (cl[0] * in[1] + cl[1]) * in[2] + cl[2]);
      };
      std::vector<ExprRef> oidx = delinearize(nc, {x[0], x[1]});
      if (sp == 3) oidx.push_back(od);
      if (sp >= 2) oidx.push_back(oh);
      oidx.push_back(ow);
      if (unroll) {
        // Each step mentions the running value once, so the expression stays linear in the window size.
        ExprRef val = init, cnt = zero;
        for (int64_t kd = 0; kd < k[0]; ++kd)
          for (int64_t kh = 0; kh < k[1]; ++kh)
            for (int64_t kw = 0; kw < k[2]; ++kw) {
              ExprRef kk[3] = {intImm(kd), intImm(kh), intImm(kw)}, inside;
              ExprRef v = at(kk, inside, nullptr);
              if (isMax) {
                val = kernel::max(val, select(inside, v, init));
              } else {
                val = val + select(inside, term(v), zero);
                if (kind == PoolKind::Average && !includePad) cnt = cnt + select(inside, floatImm(1, t), zero);
              }
            }
        return storeThroughEpilogue(grp, ctx, oidx, finish(val, cnt));
      }
      // acc[0]: the running max or sum; acc[1]: the count; best: the argmax (-1: none yet).
      BufferRef acc = makeBuffer("acc", dt, 2, MemScope::Register);
      BufferRef best = makeBuffer("best", DType::Int64, 1, MemScope::Register);
      std::vector<StmtRef> body;
      body.push_back(store(acc, intImm(0), init));
      body.push_back(store(acc, intImm(1), zero));
      if (withIndices) body.push_back(store(best, intImm(0), intImm(-1)));
      body.push_back(loop("kd", k[0], LoopKind::Serial, [&](const ExprRef& kd) {
        return loop("kh", k[1], LoopKind::Serial, [&](const ExprRef& kh) {
          return loop("kw", k[2], LoopKind::Serial, [&](const ExprRef& kw) {
            ExprRef kk[3] = {kd, kh, kw}, inside, flat;
            ExprRef v = at(kk, inside, withIndices ? &flat : nullptr);
            ExprRef a = load(acc, intImm(0));
            if (withIndices) {
              // The first position inside the window, then each strictly larger value.
              ExprRef b = load(best, intImm(0));
              ExprRef take = binary(BinOp::And, inside,
                                    binary(BinOp::Or, binary(BinOp::LT, b, intImm(0)), binary(BinOp::GT, v, a)));
              return ifThenElse(take, seq({store(acc, intImm(0), v), store(best, intImm(0), flat)}));
            }
            if (isMax) return store(acc, intImm(0), kernel::max(a, select(inside, v, init)));
            return seq({store(acc, intImm(0), a + select(inside, term(v), zero)),
                        store(acc, intImm(1), load(acc, intImm(1)) + select(inside, floatImm(1, t), zero))});
          });
        });
      }));
      body.push_back(storeThroughEpilogue(grp, ctx, oidx, finish(load(acc, intImm(0)), load(acc, intImm(1)))));
      if (withIndices) {
        const ValueBuffer& I = ctx.buffers.at(p.output(1));
        body.push_back(store(I.buffer, nc * outSize + (od * OH + oh) * OW + ow, load(best, intImm(0))));
      }
      return allocate(acc, allocate(best, seq(body)));
    };
    if (!split) return vectorizedLoop("ow", OW, lanes, [&](const ExprRef& ow) { return columns(ow, false); });
    std::vector<StmtRef> parts;
    if (owLo > 0)
      parts.push_back(vectorizedLoop("owl", owLo, 1, [&](const ExprRef& ow) { return columns(ow, false); }));
    // The interior's tail as one more vector ending at owHi (its columns
    // overlap the last full vector's and store the same values again).
    auto interior = [&](const ExprRef& i) { return columns(intImm(owLo) + i, true); };
    parts.push_back(overlapTail ? vectorizedLoopOverlapTail("ow", owHi - owLo, lanes, interior)
                                : vectorizedLoop("ow", owHi - owLo, lanes, interior));
    if (owHi < OW)
      parts.push_back(
          vectorizedLoop("owr", OW - owHi, 1, [&](const ExprRef& i) { return columns(intImm(owHi) + i, false); }));
    return seq(parts);
  });
}

}  // namespace dlc::cpu
