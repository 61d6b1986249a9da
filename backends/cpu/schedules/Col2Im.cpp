// Template for Col2Im: column blocks [N, C * prod(block), L] summed back into
// an image [N, C, image...] (image_shape and block_shape constant).
//
// Loop nest, as a gather: the output's outer dims (n, c, all image dims but
// the last) are one parallel loop, the last image dim the inner loop. Per
// output pixel the block offsets k (in order; unrolled and the row vectorized
// when there are at most `unroll_max_block`, else a serial loop) each find the
// one block l (if any) whose tap k lands on the pixel, in every dim d:
//
//   ld = (pos_d + padB_d - k_d * dil_d) / stride_d, exact and in [0, blocks_d)
//
// and adds in[n, c * |block| + k, l] into an f64 register, the reference's
// order of additions for that pixel.
#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

std::vector<int64_t> constInts(const Node& n, size_t i) {
  const Value* v = n.input(i);
  if (!v || v->kind() != Value::Kind::Constant || !isInteger(v->constant().dtype()))
    unsupported(n.describe(), ": Col2Im with a non-constant input ", i, " has no CPU schedule");
  std::vector<int64_t> out;
  for (int64_t k = 0; k < v->constant().numel(); ++k) out.push_back(v->constant().getInt64(k));
  return out;
}

}  // namespace

StmtRef scheduleCol2Im(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& ci = *g.anchor;
  const Value* xv = ci.input(0);
  std::vector<int64_t> xe = staticExtents(*xv), oe = staticExtents(*ci.output(0));
  DType dt = xv->type().dtype;
  if (!isFloat(dt)) unsupported(ci.describe(), ": Col2Im of ", dtypeName(dt), " has no CPU schedule");
  std::vector<int64_t> image = constInts(ci, 1), block = constInts(ci, 2);
  const size_t R = image.size();
  if (R < 1 || block.size() != R || xe.size() != 3 || oe.size() != R + 2)
    unsupported(ci.describe(), ": Col2Im shapes do not match");
  std::vector<int64_t> dil = ci.attrInts("dilations", std::vector<int64_t>(R, 1));
  std::vector<int64_t> stride = ci.attrInts("strides", std::vector<int64_t>(R, 1));
  std::vector<int64_t> pads = ci.attrInts("pads", std::vector<int64_t>(2 * R, 0));
  if (dil.size() != R || stride.size() != R || pads.size() != 2 * R)
    unsupported(ci.describe(), ": Col2Im attributes do not match the spatial dims");
  int64_t blockSize = 1, L = 1;
  std::vector<int64_t> blocks;
  for (size_t d = 0; d < R; ++d) {
    if (image[d] <= 0 || block[d] <= 0 || stride[d] <= 0 || dil[d] <= 0)
      unsupported(ci.describe(), ": Col2Im with non-positive sizes");
    blockSize *= block[d];
    int64_t n = (image[d] + pads[d] + pads[d + R] - (dil[d] * (block[d] - 1) + 1)) / stride[d] + 1;
    if (n <= 0) unsupported(ci.describe(), ": Col2Im block does not fit the image");
    blocks.push_back(n);
    L *= n;
  }
  if (xe[1] % blockSize != 0 || xe[2] != L) unsupported(ci.describe(), ": Col2Im input does not match the blocks");
  const int64_t C = xe[1] / blockSize;
  int64_t total = numElements(oe);
  if (total == 0) return seq({});
  BufferRef X = ctx.buffers.at(xv).buffer;
  Type ot = scalarType(dt), f64{DType::Float64, 1};
  BufferRef acc = makeBuffer("acc", DType::Float64, 1, MemScope::Register);
  int64_t inner = oe.back(), outer = total / inner;
  std::vector<int64_t> outerExt(oe.begin(), oe.end() - 1);
  LoopKind kind =
      total >= ctx.knob(g, "parallel_min_elements", 1 << 14) && outer > 1 ? LoopKind::Parallel : LoopKind::Serial;
  // The block l whose tap k lands on the output pixel idx: its index (clamped
  // in bounds) and whether it exists.
  auto blockOf = [&](const std::vector<ExprRef>& idx, const std::vector<ExprRef>& kd, ExprRef& l) {
    ExprRef valid;
    l = intImm(0);
    for (size_t d = 0; d < R; ++d) {
      ExprRef num = idx[d + 2] + intImm(pads[d]) - kd[d] * dil[d];
      ExprRef ld = binary(BinOp::Div, num, intImm(stride[d]));
      ExprRef ok = binary(BinOp::And, binary(BinOp::GE, num, intImm(0)),
                       binary(BinOp::And, binary(BinOp::EQ, binary(BinOp::Mod, num, intImm(stride[d])), intImm(0)),
                           binary(BinOp::LT, ld, intImm(blocks[d]))));
      valid = valid ? binary(BinOp::And, valid, ok) : ok;
      l = l * blocks[d] + kernel::min(kernel::max(ld, intImm(0)), intImm(blocks[d] - 1));
    }
    return valid;
  };
  if (blockSize <= ctx.knob(g, "unroll_max_block", 64)) {
    // Few block offsets: unrolled into one sum per pixel, the row vectorized.
    int lanes = static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes()));
    return loop("o", outer, kind, [&](const ExprRef& o) {
      std::vector<ExprRef> head = delinearize(o, outerExt);
      return vectorizedLoop("x", inner, lanes, [&](const ExprRef& x) {
        std::vector<ExprRef> idx = head;
        idx.push_back(x);
        ExprRef sum = floatImm(0, f64);
        for (int64_t k = 0; k < blockSize; ++k) {
          ExprRef l;
          ExprRef valid = blockOf(idx, delinearize(intImm(k), block), l);
          ExprRef v = cast(f64, load(X, ((idx[0] * C + idx[1]) * blockSize + intImm(k)) * L + l));
          sum = sum + select(valid, v, floatImm(0, f64));
        }
        return storeThroughEpilogue(g, ctx, idx, cast(ot, sum));
      });
    });
  }
  return loop("o", outer, kind, [&](const ExprRef& o) {
    std::vector<ExprRef> head = delinearize(o, outerExt);
    StmtRef row = loop("x", inner, LoopKind::Serial, [&](const ExprRef& x) {
      std::vector<ExprRef> idx = head;
      idx.push_back(x);
      StmtRef taps = loop("k", blockSize, LoopKind::Serial, [&](const ExprRef& k) {
        ExprRef l;
        ExprRef valid = blockOf(idx, delinearize(k, block), l);
        ExprRef src = ((idx[0] * C + idx[1]) * blockSize + k) * L + l;
        return ifThenElse(valid, store(acc, intImm(0), load(acc, intImm(0)) + cast(f64, load(X, src))));
      });
      return seq({store(acc, intImm(0), floatImm(0, f64)), taps,
                  storeThroughEpilogue(g, ctx, idx, cast(ot, load(acc, intImm(0))))});
    });
    return allocate(acc, row);
  });
}

}  // namespace dlc::cpu
