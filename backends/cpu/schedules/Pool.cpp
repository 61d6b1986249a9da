// Template for 1-D and 2-D MaxPool and AveragePool (strides, pads, auto_pad,
// dilations, ceil_mode through the output shape, count_include_pad), with a
// fused elementwise epilogue. One output row per parallel iteration; the window
// is reduced in a register with clamped loads masked by a select.
#include <cmath>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;


StmtRef schedulePool(const GroupInfo& grp, ScheduleContext& ctx) {
  const Node& p = *grp.anchor;
  bool isMax = p.op() == "MaxPool";
  if (p.numOutputs() > 1 && p.output(1)) unsupported(p.describe(), ": MaxPool with indices has no CPU schedule");
  std::vector<int64_t> x = staticExtents(*p.input(0)), y = staticExtents(*p.output(0));
  if (x.size() != 3 && x.size() != 4) unsupported(p.describe(), ": ", x.size() - 2, "-D pooling has no CPU schedule");
  DType dt = p.input(0)->type().dtype;
  if (dt != DType::Float32 && dt != DType::Float64 && !(isMax && (dt == DType::Int8 || dt == DType::UInt8)))
    unsupported(p.describe(), ": pooling of ", dtypeName(dt), " has no CPU schedule");
  Type t = scalarType(dt);
  size_t sp = x.size() - 2;
  bool is1d = sp == 1;
  std::vector<int64_t> ks = p.attrInts("kernel_shape", {});
  std::vector<int64_t> st = p.attrInts("strides", std::vector<int64_t>(sp, 1));
  std::vector<int64_t> dl = p.attrInts("dilations", std::vector<int64_t>(sp, 1));
  int64_t NC = x[0] * x[1];
  int64_t H = is1d ? 1 : x[2], W = x.back(), OH = is1d ? 1 : y[2], OW = y.back();
  int64_t KH = is1d ? 1 : ks[0], KW = ks.back(), SH = is1d ? 1 : st[0], SW = st.back();
  int64_t DH = is1d ? 1 : dl[0], DW = dl.back();
  int64_t PH = is1d ? 0 : leadingPad(p, 0, H, OH, KH, SH, DH), PW = leadingPad(p, sp - 1, W, OW, KW, SW, DW);
  int64_t PHe = is1d ? 0 : trailingPad(p, 0, sp, H, OH, KH, SH, DH), PWe = trailingPad(p, sp - 1, sp, W, OW, KW, SW, DW);
  bool includePad = !isMax && p.attrInt("count_include_pad", 0) != 0;
  const ValueBuffer& X = ctx.buffers.at(p.input(0));
  int lanes = static_cast<int>(ctx.knob(grp, "vector_lanes", ctx.spec.floatLanes()));
  if (OW < lanes || dt != DType::Float32) lanes = 1;
  LoopKind kind = NC * OH * OW * KH * KW >= ctx.knob(grp, "parallel_min_work", 1 << 14) ? LoopKind::Parallel
                                                                                      : LoopKind::Serial;
  // Small windows are unrolled into one expression (it vectorizes over ow);
  // large ones loop with a scalar accumulator.
  bool unroll = KH * KW <= ctx.knob(grp, "unroll_max_window", 64);
  if (!unroll) lanes = 1;
  BufferRef acc = makeBuffer("acc", dt, 2, MemScope::Register);
  ExprRef init = isMax ? (isFloat(dt) ? floatImm(-INFINITY, t) : intImm(dt == DType::Int8 ? -128 : 0, t))
                       : floatImm(0, t);
  return loop("row", NC * OH, kind, [&](const ExprRef& row) {
    ExprRef oh = binary(BinOp::Mod, row, intImm(OH)), nc = binary(BinOp::Div, row, intImm(OH));
    return vectorizedLoop("ow", OW, lanes, [&](const ExprRef& ow) {
      // One window position: its value, whether it is inside the input, whether it counts.
      auto at = [&](const ExprRef& kh, const ExprRef& kw, ExprRef& in, ExprRef& counted) {
        ExprRef ih = oh * SH + kh * DH - intImm(PH), iw = ow * SW + kw * DW - intImm(PW);
        auto within = [&](const ExprRef& i, int64_t lo, int64_t hi) {
          return binary(BinOp::And, binary(BinOp::GE, i, intImm(lo)), binary(BinOp::LT, i, intImm(hi)));
        };
        in = binary(BinOp::And, within(ih, 0, H), within(iw, 0, W));
        // With count_include_pad, padded positions count; those past the pads (ceil_mode) do not.
        counted = includePad ? binary(BinOp::And, within(ih, -PH, H + PHe), within(iw, -PW, W + PWe)) : in;
        ExprRef chH = kernel::min(kernel::max(ih, intImm(0)), intImm(H - 1));
        ExprRef chW = kernel::min(kernel::max(iw, intImm(0)), intImm(W - 1));
        return load(X.buffer, (nc * H + chH) * W + chW);
      };
      std::vector<ExprRef> oidx = delinearize(nc, {x[0], x[1]});
      if (!is1d) oidx.push_back(oh);
      oidx.push_back(ow);
      if (unroll) {
        // Each step mentions the running value once, so the expression stays linear in the window size.
        ExprRef val = init, cnt = isMax ? nullptr : floatImm(0, t);
        for (int64_t kh = 0; kh < KH; ++kh)
          for (int64_t kw = 0; kw < KW; ++kw) {
            ExprRef in, counted;
            ExprRef v = at(intImm(kh), intImm(kw), in, counted);
            if (isMax) {
              val = kernel::max(val, select(in, v, init));
            } else {
              val = val + select(in, v, floatImm(0, t));
              cnt = cnt + select(counted, floatImm(1, t), floatImm(0, t));
            }
          }
        if (!isMax) val = binary(BinOp::Div, val, cnt);
        return storeThroughEpilogue(grp, ctx, oidx, val);
      }
      std::vector<StmtRef> body;
      body.push_back(store(acc, intImm(0), init));
      if (!isMax) body.push_back(store(acc, intImm(1), floatImm(0, t)));
      body.push_back(loop("kh", KH, LoopKind::Serial, [&](const ExprRef& kh) {
        return loop("kw", KW, LoopKind::Serial, [&](const ExprRef& kw) {
          ExprRef in, counted;
          ExprRef v = at(kh, kw, in, counted);
          ExprRef a = load(acc, intImm(0));
          if (isMax) return store(acc, intImm(0), kernel::max(a, select(in, v, init)));
          return seq({store(acc, intImm(0), a + select(in, v, floatImm(0, t))),
                      store(acc, intImm(1), load(acc, intImm(1)) + select(counted, floatImm(1, t), floatImm(0, t)))});
        });
      }));
      ExprRef res = load(acc, intImm(0));
      if (!isMax) res = binary(BinOp::Div, res, load(acc, intImm(1)));
      body.push_back(storeThroughEpilogue(grp, ctx, oidx, res));
      return allocate(acc, seq(body));
    });
  });
}

}  // namespace dlc::cpu
