// Templates for reductions (ReduceX, GlobalAveragePool, GlobalMaxPool) with an
// inlined elementwise prologue and epilogue, and for ArgMax/ArgMin: one output
// element per iteration of a parallel loop, the reduced elements accumulated in
// a register.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

std::vector<int64_t> reducedAxes(const Node& n, int64_t rank) {
  const std::string& op = n.op();
  std::vector<int64_t> axes;
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    for (int64_t i = 2; i < rank; ++i) axes.push_back(i);
    return axes;
  }
  if (n.input(1)) {
    const Value* a = n.input(1);
    if (a->kind() != Value::Kind::Constant) unsupported(n.describe(), ": reduction axes must be constant");
    for (int64_t i = 0; i < a->constant().numel(); ++i) {
      int64_t ax = a->constant().getInt64(i);
      axes.push_back(ax < 0 ? ax + rank : ax);
    }
  }
  if (axes.empty()) {
    if (n.attrInt("noop_with_empty_axes", 0)) return {};
    axes.resize(static_cast<size_t>(rank));
    std::iota(axes.begin(), axes.end(), 0);
  }
  std::sort(axes.begin(), axes.end());
  return axes;
}

double lowest(DType d, bool max) {
  if (isFloat(d)) return max ? -INFINITY : INFINITY;
  switch (d) {
    case DType::Int8: return max ? -128.0 : 127.0;
    case DType::Int16: return max ? -32768.0 : 32767.0;
    case DType::Int32: return max ? -2147483648.0 : 2147483647.0;
    case DType::UInt8: return max ? 0 : 255.0;
    case DType::UInt32: return max ? 0 : 4294967295.0;
    default: unsupported("reduction of ", dtypeName(d), " has no CPU schedule");
  }
}

ExprRef imm(double v, Type t) { return isFloat(t.scalar) ? floatImm(v, t) : intImm(static_cast<int64_t>(v), t); }

}  // namespace

// ArgMax/ArgMin along one axis: the best value and its index in registers; ties
// keep the first index, or the last with select_last_index.
StmtRef scheduleArgReduce(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& r = *g.anchor;
  bool isMax = r.op() == "ArgMax", last = r.attrInt("select_last_index", 0) != 0;
  const Value* x = r.input(0);
  std::vector<int64_t> xExt = staticExtents(*x);
  int64_t rank = static_cast<int64_t>(xExt.size());
  int64_t axis = r.attrInt("axis", 0);
  if (axis < 0) axis += rank;
  bool keep = r.attrInt("keepdims", 1) != 0;
  DType dt = x->type().dtype;
  if (dt == DType::Bool || dt == DType::Float16 || dt == DType::BFloat16 || dt == DType::Int64 || dt == DType::UInt64)
    unsupported(r.describe(), ": ", r.op(), " of ", dtypeName(dt), " has no CPU schedule");
  std::vector<int64_t> outExt = staticExtents(*r.output(0));
  int64_t len = xExt[static_cast<size_t>(axis)];
  if (len == 0) unsupported(r.describe(), ": ", r.op(), " over an empty axis");
  ExprBuilder prologue(ctx.buffers, nodesExcept(g, &r));
  BufferRef best = makeBuffer("best", dt, 1, MemScope::Register);
  BufferRef at = makeBuffer("at", DType::Int64, 1, MemScope::Register);
  int64_t total = numElements(outExt);
  LoopKind kind = total >= ctx.knob(g, "parallel_min_outputs", 64) && total * len >= 4096 ? LoopKind::Parallel
                                                                                         : LoopKind::Serial;
  return loop("o", total, kind, [&](const ExprRef& o) {
    std::vector<ExprRef> oidx = delinearize(o, outExt);
    auto inputIndex = [&](const ExprRef& l) {
      std::vector<ExprRef> in;
      size_t oi = 0;
      for (int64_t i = 0; i < rank; ++i) {
        if (i == axis) {
          in.push_back(l);
          if (keep) ++oi;
        } else {
          in.push_back(oidx[oi++]);
        }
      }
      return in;
    };
    std::vector<StmtRef> body;
    body.push_back(store(best, intImm(0), prologue.at(x, inputIndex(intImm(0)))));
    body.push_back(store(at, intImm(0), intImm(0)));
    body.push_back(loop("l", len, LoopKind::Serial, [&](const ExprRef& l) {
      ExprRef v = prologue.at(x, inputIndex(l)), b = load(best, intImm(0));
      BinOp cmp = isMax ? (last ? BinOp::GE : BinOp::GT) : (last ? BinOp::LE : BinOp::LT);
      ExprRef better = binary(cmp, v, b);
      return seq({store(at, intImm(0), select(better, l, load(at, intImm(0)))),
                  store(best, intImm(0), select(better, v, b))});
    }));
    body.push_back(storeThroughEpilogue(g, ctx, oidx, load(at, intImm(0))));
    return allocate(best, allocate(at, seq(body)));
  });
}

StmtRef scheduleReduce(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& r = *g.anchor;
  const std::string& op = r.op();
  const Value* x = r.input(0);
  std::vector<int64_t> xExt = staticExtents(*x);
  int64_t rank = static_cast<int64_t>(xExt.size());
  std::vector<int64_t> axes = reducedAxes(r, rank);
  bool keep = op == "GlobalAveragePool" || op == "GlobalMaxPool" || r.attrInt("keepdims", 1) != 0;
  std::vector<int64_t> outExt = staticExtents(*r.output(0));
  DType dt = x->type().dtype;
  bool isBool = dt == DType::Bool;
  if ((isBool && op != "ReduceMax" && op != "ReduceMin") || dt == DType::Float16 || dt == DType::BFloat16)
    unsupported(r.describe(), ": ", op, " of ", dtypeName(dt), " has no CPU schedule");
  Type t = scalarType(dt);
  int64_t count = 1;
  for (int64_t a : axes) count *= xExt[static_cast<size_t>(a)];

  ExprBuilder prologue(ctx.buffers, nodesExcept(g, &r));
  auto isReduced = [&](int64_t i) { return std::binary_search(axes.begin(), axes.end(), i); };
  int64_t total = numElements(outExt);
  int64_t minParallel = ctx.knob(g, "parallel_min_outputs", 64);
  LoopKind kind = total >= minParallel && count * total >= 4096 ? LoopKind::Parallel : LoopKind::Serial;
  BufferRef acc = makeBuffer("acc", dt, 2, MemScope::Register);

  return loop("o", total, kind, [&](const ExprRef& o) {
    std::vector<ExprRef> oidx = delinearize(o, outExt);
    // The input index: kept dims from the output index, reduced ones from loops.
    auto inputIndex = [&](const std::vector<ExprRef>& rvars) {
      std::vector<ExprRef> in;
      size_t oi = 0, ri = 0;
      for (int64_t i = 0; i < rank; ++i) {
        if (isReduced(i)) {
          in.push_back(rvars[ri++]);
          if (keep) ++oi;
        } else {
          in.push_back(oidx[oi++]);
        }
      }
      return in;
    };
    // Nested serial loops over the reduced axes around `body(rvars)`.
    std::function<StmtRef(size_t, std::vector<ExprRef>&, const std::function<StmtRef(const std::vector<ExprRef>&)>&)>
        nest = [&](size_t k, std::vector<ExprRef>& rv, const std::function<StmtRef(const std::vector<ExprRef>&)>& body) {
          if (k == axes.size()) return body(rv);
          return loop("r" + std::to_string(k), xExt[static_cast<size_t>(axes[k])], LoopKind::Serial,
                      [&](const ExprRef& v) {
                        rv.push_back(v);
                        StmtRef s = nest(k + 1, rv, body);
                        rv.pop_back();
                        return s;
                      });
        };
    auto value = [&](const std::vector<ExprRef>& rv) { return prologue.at(x, inputIndex(rv)); };
    auto accAt = [&](int64_t i) { return load(acc, intImm(i)); };
    std::vector<StmtRef> body;
    std::vector<ExprRef> rv;
    bool isMax = op == "ReduceMax" || op == "GlobalMaxPool", isMin = op == "ReduceMin";
    if (op == "ReduceLogSumExp") {
      body.push_back(store(acc, intImm(0), imm(lowest(dt, true), t)));
      body.push_back(nest(0, rv, [&](const std::vector<ExprRef>& v) {
        return store(acc, intImm(0), kernel::max(accAt(0), value(v)));
      }));
      body.push_back(store(acc, intImm(1), imm(0, t)));
      body.push_back(nest(0, rv, [&](const std::vector<ExprRef>& v) {
        return store(acc, intImm(1), accAt(1) + call(Intrinsic::Exp, {value(v) - accAt(0)}));
      }));
      ExprRef res = call(Intrinsic::Log, {accAt(1)}) + accAt(0);
      body.push_back(storeThroughEpilogue(g, ctx, oidx, res));
      return allocate(acc, seq(body));
    }
    // Bool: max is any, min is all (their identities false and true).
    double init = isBool ? (isMin ? 1.0 : 0.0)
                  : isMax || isMin ? lowest(dt, isMax)
                  : op == "ReduceProd" ? 1.0 : 0.0;
    body.push_back(store(acc, intImm(0), isBool ? constant(t, static_cast<int64_t>(init)) : imm(init, t)));
    body.push_back(nest(0, rv, [&](const std::vector<ExprRef>& v) {
      ExprRef e = value(v), a = accAt(0), next;
      if (isBool) next = binary(isMax ? BinOp::Or : BinOp::And, a, e);
      else if (isMax) next = kernel::max(a, e);
      else if (isMin) next = kernel::min(a, e);
      else if (op == "ReduceProd") next = a * e;
      else if (op == "ReduceL1") next = a + call(Intrinsic::Abs, {e});
      else if (op == "ReduceL2" || op == "ReduceSumSquare") next = a + e * e;
      else next = a + e;
      return store(acc, intImm(0), next);
    }));
    ExprRef res = accAt(0);
    if (op == "ReduceMean" || op == "GlobalAveragePool") {
      if (!isFloat(dt)) unsupported(r.describe(), ": integer mean has no CPU schedule");
      res = binary(BinOp::Div, res, imm(static_cast<double>(count), t));
    } else if (op == "ReduceL2") {
      if (!isFloat(dt)) unsupported(r.describe(), ": integer ReduceL2 has no CPU schedule");
      res = call(Intrinsic::Sqrt, {res});
    } else if (op == "ReduceLogSum") {
      if (!isFloat(dt)) unsupported(r.describe(), ": integer ReduceLogSum has no CPU schedule");
      res = call(Intrinsic::Log, {res});
    }
    // An empty reduction stores the identity (-inf for max, +inf for min), as the reference.
    body.push_back(storeThroughEpilogue(g, ctx, oidx, res));
    return allocate(acc, seq(body));
  });
}

}  // namespace dlc::cpu
