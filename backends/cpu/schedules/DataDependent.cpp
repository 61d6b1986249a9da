// Templates for ops whose output shape depends on the input values: NonZero,
// Compress, Unique and NonMaxSuppression. The CPU targets compile static
// shapes, so these kernels are compiled for the shape the model states (the
// ONNX graph's declared output type); each writes the shape it actually
// computed into the output's shape buffer (ValueBuffer::shape), and the runtime
// fails the run if that differs from the compiled one. Writes past the compiled
// extents are skipped, so a wrong declaration can never write out of bounds.
//
// These are sequential scans (their outputs are appended in order); scratch
// state lives in register/stack arrays, bounded by kMaxScratch elements.
#include <cmath>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

constexpr int64_t kMaxScratch = 1 << 16;

// Scalar state and scratch arrays of one kernel, allocated around its body.
class Scratch {
 public:
  BufferRef reg(const std::string& name, DType d = DType::Int64) { return array(name, 1, d); }
  BufferRef array(const std::string& name, int64_t n, DType d = DType::Int64) {
    BufferRef b = makeBuffer(name, d, n, n == 1 ? MemScope::Register : MemScope::Local);
    bufs_.push_back(b);
    return b;
  }
  StmtRef wrap(StmtRef body) const {
    for (auto it = bufs_.rbegin(); it != bufs_.rend(); ++it) body = allocate(*it, body);
    return body;
  }

 private:
  std::vector<BufferRef> bufs_;
};

ExprRef get(const BufferRef& r) { return load(r, intImm(0)); }
StmtRef set(const BufferRef& r, ExprRef v) { return store(r, intImm(0), std::move(v)); }
StmtRef increment(const BufferRef& r) { return set(r, get(r) + 1); }
ExprRef lt(ExprRef a, ExprRef b) { return binary(BinOp::LT, std::move(a), std::move(b)); }
ExprRef eq(ExprRef a, ExprRef b) { return binary(BinOp::EQ, std::move(a), std::move(b)); }
ExprRef both(ExprRef a, ExprRef b) { return binary(BinOp::And, std::move(a), std::move(b)); }
ExprRef nonzero(ExprRef e) {
  if (e->type.scalar == DType::Bool) return e;
  return binary(BinOp::NE, e, constant(e->type, 0));
}

// Stores the shape `dims` into v's shape buffer.
StmtRef storeShape(const ScheduleContext& ctx, const Value* v, const std::vector<ExprRef>& dims) {
  const ValueBuffer& vb = ctx.buffers.at(v);
  DLC_CHECK(vb.shape, "lowering: %", v->name(), " has no shape buffer");
  std::vector<StmtRef> s;
  for (size_t d = 0; d < dims.size(); ++d) s.push_back(store(vb.shape, intImm(static_cast<int64_t>(d)), dims[d]));
  return seq(s);
}

void requireNoEpilogue(const GroupInfo& g) {
  if (g.nodes.size() != 1)
    unsupported(g.anchor->describe(), ": ", g.anchor->op(), " with fused consumers has no CPU schedule");
}

void requireScratch(const Node& n, int64_t elements) {
  if (elements > kMaxScratch)
    unsupported(n.describe(), ": ", n.op(), " over ", elements, " elements has no CPU schedule (at most ", kMaxScratch,
                ")");
}

int64_t normalizedAxis(const Node& n, int64_t axis, size_t rank) {
  int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) fail(n.describe(), ": axis ", axis, " is out of range for rank ", r);
  return axis < 0 ? axis + r : axis;
}

}  // namespace

// out[d, k] = coordinate d of the k-th non-zero element, in row-major order.
StmtRef scheduleNonZero(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& n = *g.anchor;
  requireNoEpilogue(g);
  const ValueBuffer& X = ctx.buffers.at(n.input(0));
  const ValueBuffer& Y = ctx.buffers.at(n.output(0));
  std::vector<int64_t> xe = X.extents;
  int64_t M = Y.extents.size() == 2 ? Y.extents[1] : 0;
  if (Y.extents.size() != 2 || Y.extents[0] != static_cast<int64_t>(xe.size()))
    fail(n.describe(), ": output type ", n.output(0)->type().str(), " is not [rank, count] for input ",
         n.input(0)->type().str());
  Scratch s;
  BufferRef cnt = s.reg("count");
  StmtRef scan = loop("i", numElements(xe), LoopKind::Serial, [&](const ExprRef& i) {
    std::vector<ExprRef> idx = delinearize(i, xe);
    std::vector<StmtRef> put;
    for (size_t d = 0; d < idx.size(); ++d)
      put.push_back(store(Y.buffer, intImm(static_cast<int64_t>(d) * M) + get(cnt), idx[d]));
    return ifThenElse(nonzero(load(X.buffer, i)), seq({ifThenElse(lt(get(cnt), intImm(M)), seq(put)), increment(cnt)}));
  });
  return s.wrap(seq({set(cnt, intImm(0)), scan,
                     storeShape(ctx, n.output(0), {intImm(static_cast<int64_t>(xe.size())), get(cnt)})}));
}

// The slices x[o, j, i] (j along the axis, or j over the flattened input)
// where condition[j] is true, appended along the axis.
StmtRef scheduleCompress(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& n = *g.anchor;
  requireNoEpilogue(g);
  const ValueBuffer& X = ctx.buffers.at(n.input(0));
  const ValueBuffer& C = ctx.buffers.at(n.input(1));
  const ValueBuffer& Y = ctx.buffers.at(n.output(0));
  std::vector<int64_t> xe = X.extents;
  int64_t outer = 1, A = numElements(xe), inner = 1;
  std::vector<int64_t> shape = {A};
  size_t axisDim = 0;
  if (n.hasAttr("axis")) {
    int64_t axis = normalizedAxis(n, n.attrInt("axis", 0), xe.size());
    axisDim = static_cast<size_t>(axis);
    A = xe[axisDim];
    for (size_t d = 0; d < axisDim; ++d) outer *= xe[d];
    for (size_t d = axisDim + 1; d < xe.size(); ++d) inner *= xe[d];
    shape = xe;
  }
  int64_t L = numElements(C.extents);
  if (C.extents.size() != 1 || L > A)
    fail(n.describe(), ": condition ", n.input(1)->type().str(), " must be 1-D with at most ", A, " entries");
  if (Y.extents.size() != shape.size()) fail(n.describe(), ": output type ", n.output(0)->type().str(), " has the wrong rank");
  int64_t M = Y.extents[axisDim];
  Scratch s;
  BufferRef cnt = s.reg("count");
  StmtRef scan = loop("j", L, LoopKind::Serial, [&](const ExprRef& j) {
    StmtRef copy = loop("o", outer, LoopKind::Serial, [&](const ExprRef& o) {
      return loop("i", inner, LoopKind::Serial, [&](const ExprRef& i) {
        return store(Y.buffer, (o * M + get(cnt)) * inner + i, load(X.buffer, (o * A + j) * inner + i));
      });
    });
    return ifThenElse(nonzero(load(C.buffer, j)), seq({ifThenElse(lt(get(cnt), intImm(M)), copy), increment(cnt)}));
  });
  std::vector<ExprRef> dims;
  for (size_t d = 0; d < shape.size(); ++d) dims.push_back(d == axisDim ? get(cnt) : intImm(shape[d]));
  return s.wrap(seq({set(cnt, intImm(0)), scan, storeShape(ctx, n.output(0), dims)}));
}

// Unique slices x[o, a, i] along the axis (or unique elements of the flattened
// input): first occurrences in order of appearance, then (sorted=1) ranked
// lexicographically. Outputs Y, indices, inverse_indices, counts.
StmtRef scheduleUnique(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& n = *g.anchor;
  requireNoEpilogue(g);
  const ValueBuffer& X = ctx.buffers.at(n.input(0));
  std::vector<int64_t> xe = X.extents;
  int64_t outer = 1, A = numElements(xe), inner = 1;
  size_t axisDim = 0;
  bool hasAxis = n.hasAttr("axis");
  if (hasAxis) {
    axisDim = static_cast<size_t>(normalizedAxis(n, n.attrInt("axis", 0), xe.size()));
    A = xe[axisDim];
    for (size_t d = 0; d < axisDim; ++d) outer *= xe[d];
    for (size_t d = axisDim + 1; d < xe.size(); ++d) inner *= xe[d];
  }
  requireScratch(n, 3 * A);
  bool sorted = n.attrInt("sorted", 1) != 0;
  const Value* yv = n.output(0);
  const ValueBuffer& Y = ctx.buffers.at(yv);
  if (Y.extents.size() != (hasAxis ? xe.size() : 1))
    fail(n.describe(), ": output type ", yv->type().str(), " has the wrong rank");
  int64_t M = Y.extents[axisDim];
  auto out = [&](size_t k) -> const ValueBuffer* {
    return n.numOutputs() > k && n.output(k) ? &ctx.buffers.at(n.output(k)) : nullptr;
  };
  Scratch s;
  BufferRef firsts = s.array("firsts", A), counts = s.array("counts", A), inverse = s.array("inverse", A);
  BufferRef rank = s.array("rank", A);
  BufferRef u = s.reg("unique"), found = s.reg("found"), res = s.reg("cmp");
  auto elem = [&](const ExprRef& slice, const ExprRef& o, const ExprRef& i) {
    return load(X.buffer, (o * A + slice) * inner + i);
  };
  // res = -1, 0 or 1: slice a against slice b, lexicographically over (o, i).
  auto compare = [&](const ExprRef& a, const ExprRef& b) {
    return seq({set(res, intImm(0)), loop("co", outer, LoopKind::Serial, [&](const ExprRef& o) {
                  return loop("ci", inner, LoopKind::Serial, [&](const ExprRef& i) {
                    ExprRef va = elem(a, o, i), vb = elem(b, o, i);
                    return ifThenElse(eq(get(res), intImm(0)),
                                      ifThenElse(lt(va, vb), set(res, intImm(-1)),
                                                 ifThenElse(lt(vb, va), set(res, intImm(1)))));
                  });
                })});
  };
  std::vector<StmtRef> body = {set(u, intImm(0))};
  // First occurrences, their counts, and each slice's index among them.
  body.push_back(loop("a", A, LoopKind::Serial, [&](const ExprRef& a) {
    StmtRef search = loop("v", A, LoopKind::Serial, [&](const ExprRef& v) {
      return ifThenElse(both(lt(v, get(u)), eq(get(found), get(u))),
                        seq({compare(a, load(firsts, v)), ifThenElse(eq(get(res), intImm(0)), set(found, v))}));
    });
    StmtRef append = ifThenElse(eq(get(found), get(u)), seq({store(firsts, get(u), a), store(counts, get(u), intImm(0)),
                                                              increment(u)}));
    return seq({set(found, get(u)), search, append, store(counts, get(found), load(counts, get(found)) + 1),
                store(inverse, a, get(found))});
  }));
  // Where each first occurrence goes: its rank (sorted, stable) or its position.
  body.push_back(loop("p", A, LoopKind::Serial, [&](const ExprRef& p) {
    if (!sorted) return ifThenElse(lt(p, get(u)), store(rank, p, p));
    StmtRef count = loop("q", A, LoopKind::Serial, [&](const ExprRef& q) {
      StmtRef cmp = seq({compare(load(firsts, q), load(firsts, p)),
                         ifThenElse(binary(BinOp::Or, eq(get(res), intImm(-1)), both(eq(get(res), intImm(0)), lt(q, p))),
                                    store(rank, p, load(rank, p) + 1))});
      return ifThenElse(lt(q, get(u)), cmp);
    });
    return ifThenElse(lt(p, get(u)), seq({store(rank, p, intImm(0)), count}));
  }));
  body.push_back(loop("k", A, LoopKind::Serial, [&](const ExprRef& k) {
    ExprRef pos = load(rank, k);
    std::vector<StmtRef> put;
    put.push_back(loop("o", outer, LoopKind::Serial, [&](const ExprRef& o) {
      return loop("i", inner, LoopKind::Serial, [&](const ExprRef& i) {
        return store(Y.buffer, (o * M + pos) * inner + i, elem(load(firsts, k), o, i));
      });
    }));
    if (const ValueBuffer* I = out(1)) put.push_back(store(I->buffer, pos, load(firsts, k)));
    if (const ValueBuffer* Cn = out(3)) put.push_back(store(Cn->buffer, pos, load(counts, k)));
    return ifThenElse(both(lt(k, get(u)), lt(pos, intImm(M))), seq(put));
  }));
  if (const ValueBuffer* Inv = out(2))
    body.push_back(loop("a", A, LoopKind::Serial, [&](const ExprRef& a) {
      return store(Inv->buffer, a, load(rank, load(inverse, a)));
    }));
  std::vector<ExprRef> dims;
  for (size_t d = 0; d < Y.extents.size(); ++d) dims.push_back(d == axisDim ? get(u) : intImm(Y.extents[d]));
  body.push_back(storeShape(ctx, yv, dims));
  if (out(1)) body.push_back(storeShape(ctx, n.output(1), {get(u)}));
  if (out(2)) body.push_back(storeShape(ctx, n.output(2), {intImm(A)}));
  if (out(3)) body.push_back(storeShape(ctx, n.output(3), {get(u)}));
  return s.wrap(seq(body));
}

// Greedy non-max suppression per (batch, class): candidates above the score
// threshold in order of decreasing score (stable), each kept unless a kept box
// overlaps it by more than the IoU threshold, at most max_output_boxes_per_class.
// Box arithmetic is in f64, as the reference computes it.
StmtRef scheduleNonMaxSuppression(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& n = *g.anchor;
  requireNoEpilogue(g);
  const ValueBuffer& Bx = ctx.buffers.at(n.input(0));
  const ValueBuffer& Sc = ctx.buffers.at(n.input(1));
  const ValueBuffer& Y = ctx.buffers.at(n.output(0));
  if (Bx.extents.size() != 3 || Bx.extents[2] != 4 || Sc.extents.size() != 3 || Sc.extents[0] != Bx.extents[0] ||
      Sc.extents[2] != Bx.extents[1])
    fail(n.describe(), ": boxes ", n.input(0)->type().str(), " and scores ", n.input(1)->type().str(),
         " must be [batch, boxes, 4] and [batch, classes, boxes]");
  if (Y.extents.size() != 2 || Y.extents[1] != 3)
    fail(n.describe(), ": output type ", n.output(0)->type().str(), " is not [count, 3]");
  const int64_t B = Bx.extents[0], K = Bx.extents[1], C = Sc.extents[1], M = Y.extents[0];
  requireScratch(n, 2 * K);
  int64_t cpb = n.attrInt("center_point_box", 0);
  if (cpb != 0 && cpb != 1) fail(n.describe(), ": center_point_box must be 0 or 1");
  Type f64{DType::Float64, 1};
  auto optional = [&](size_t i) -> const ValueBuffer* {
    const Value* v = n.numInputs() > i ? n.input(i) : nullptr;
    return v && numElements(staticExtents(*v)) > 0 ? &ctx.buffers.at(v) : nullptr;
  };
  const ValueBuffer* maxOutB = optional(2);
  const ValueBuffer* iouB = optional(3);
  const ValueBuffer* thrB = optional(4);
  ExprRef maxOut = maxOutB ? cast(i64(), load(maxOutB->buffer, intImm(0))) : intImm(0);
  ExprRef iou = iouB ? cast(f64, load(iouB->buffer, intImm(0))) : floatImm(0, f64);
  Scratch s;
  BufferRef order = s.array("order", K), kept = s.array("kept", K);
  BufferRef nc = s.reg("candidates"), nk = s.reg("kept_count"), sel = s.reg("selected"), ok = s.reg("ok", DType::Bool);
  BufferRef rk = s.reg("rank");
  std::vector<StmtRef> body = {set(sel, intImm(0))};
  body.push_back(loop("b", B, LoopKind::Serial, [&](const ExprRef& b) {
    return loop("c", C, LoopKind::Serial, [&](const ExprRef& c) {
      auto score = [&](const ExprRef& k) { return cast(f64, load(Sc.buffer, (b * C + c) * K + k)); };
      auto passes = [&](const ExprRef& k) -> ExprRef {
        if (!thrB) return constant(boolean(), 1);
        return binary(BinOp::GT, score(k), cast(f64, load(thrB->buffer, intImm(0))));
      };
      // Corners (x0, y0, x1, y1) of box k, as the reference orders them.
      auto corners = [&](const ExprRef& k) {
        auto at = [&](int64_t j) { return cast(f64, load(Bx.buffer, (b * K + k) * 4 + j)); };
        if (cpb == 1) {
          ExprRef hw = binary(BinOp::Div, at(2), floatImm(2, f64)), hh = binary(BinOp::Div, at(3), floatImm(2, f64));
          return std::vector<ExprRef>{at(0) - hw, at(1) - hh, at(0) + hw, at(1) + hh};
        }
        return std::vector<ExprRef>{kernel::min(at(1), at(3)), kernel::min(at(0), at(2)), kernel::max(at(1), at(3)),
                                    kernel::max(at(0), at(2))};
      };
      auto suppresses = [&](const ExprRef& k, const ExprRef& j) {
        std::vector<ExprRef> a = corners(k), o = corners(j);
        ExprRef ix0 = kernel::max(a[0], o[0]), ix1 = kernel::min(a[2], o[2]);
        ExprRef iy0 = kernel::max(a[1], o[1]), iy1 = kernel::min(a[3], o[3]);
        ExprRef inter = (ix1 - ix0) * (iy1 - iy0);
        ExprRef areaA = (a[2] - a[0]) * (a[3] - a[1]), areaB = (o[2] - o[0]) * (o[3] - o[1]);
        ExprRef uni = areaA + areaB - inter;
        ExprRef zero = floatImm(0, f64);
        auto gt = [](ExprRef x, ExprRef y) { return binary(BinOp::GT, std::move(x), std::move(y)); };
        ExprRef valid = both(both(gt(ix1, ix0), gt(iy1, iy0)),
                             both(both(gt(inter, zero), gt(areaA, zero)), both(gt(areaB, zero), gt(uni, zero))));
        return both(valid, gt(binary(BinOp::Div, inter, uni), iou));
      };
      // order[rank(k)] = k for the candidates, rank by decreasing score, ties by index.
      StmtRef rankAll = loop("k", K, LoopKind::Serial, [&](const ExprRef& k) {
        StmtRef count = loop("j", K, LoopKind::Serial, [&](const ExprRef& j) {
          ExprRef before = binary(BinOp::Or, binary(BinOp::GT, score(j), score(k)),
                                  both(eq(score(j), score(k)), lt(j, k)));
          return ifThenElse(both(passes(j), before), increment(rk));
        });
        return ifThenElse(passes(k), seq({set(rk, intImm(0)), count, store(order, get(rk), k), increment(nc)}));
      });
      StmtRef greedy = loop("r", K, LoopKind::Serial, [&](const ExprRef& r) {
        ExprRef k = load(order, r);
        StmtRef check = loop("q", K, LoopKind::Serial, [&](const ExprRef& q) {
          // Nested, not &&: kept[q] is only defined below the count.
          return ifThenElse(lt(q, get(nk)), ifThenElse(suppresses(k, load(kept, q)), set(ok, constant(boolean(), 0))));
        });
        StmtRef emit = seq({store(kept, get(nk), k), increment(nk),
                            ifThenElse(lt(get(sel), intImm(M)),
                                       seq({store(Y.buffer, get(sel) * 3, b), store(Y.buffer, get(sel) * 3 + 1, c),
                                            store(Y.buffer, get(sel) * 3 + 2, k)})),
                            increment(sel)});
        return ifThenElse(both(lt(r, get(nc)), lt(get(nk), maxOut)),
                          seq({set(ok, constant(boolean(), 1)), check, ifThenElse(get(ok), emit)}));
      });
      return seq({set(nc, intImm(0)), set(nk, intImm(0)), rankAll, greedy});
    });
  }));
  body.push_back(storeShape(ctx, n.output(0), {get(sel), intImm(3)}));
  return s.wrap(seq(body));
}

}  // namespace dlc::cpu
