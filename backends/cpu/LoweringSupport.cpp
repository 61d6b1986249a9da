// Index arithmetic and loop helpers shared by the CPU schedule templates.
#include "Lowering.h"

#include <set>

#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

std::vector<int64_t> staticExtents(const Value& v) {
  const TensorType& t = v.type();
  if (!t.isStatic()) unsupported("value %", v.name(), " of type ", t.str(), ": the CPU targets need static shapes");
  std::vector<int64_t> e;
  for (const Dim& d : t.shape) e.push_back(d.value);
  return e;
}

bool hasDataDependentShape(const Node& n) {
  static const std::set<std::string> kOps = {"NonZero", "Compress", "Unique", "NonMaxSuppression"};
  return kOps.count(n.op()) != 0;
}

int64_t numElements(const std::vector<int64_t>& extents) {
  int64_t n = 1;
  for (int64_t e : extents) n *= e;
  return n;
}

kernel::Type scalarType(DType d) { return kernel::Type{d, 1}; }

ExprRef linearize(const std::vector<ExprRef>& idx, const std::vector<int64_t>& extents) {
  // Operands of lower rank are indexed by the trailing dims (numpy alignment).
  DLC_CHECK(idx.size() >= extents.size(), "lowering: index of rank ", idx.size(), " for extents of rank ",
            extents.size());
  size_t skip = idx.size() - extents.size();
  ExprRef lin = intImm(0);
  for (size_t i = 0; i < extents.size(); ++i) {
    if (extents[i] == 1) {
      lin = lin * extents[i];
      continue;
    }
    lin = lin * extents[i] + idx[skip + i];
  }
  return lin;
}

std::vector<ExprRef> delinearize(const ExprRef& linear, const std::vector<int64_t>& extents) {
  std::vector<ExprRef> idx(extents.size());
  ExprRef rest = linear;
  for (size_t i = extents.size(); i-- > 0;) {
    if (extents[i] == 1) {
      idx[i] = intImm(0);
      continue;
    }
    if (i == 0) {
      idx[i] = rest;
      break;
    }
    idx[i] = binary(BinOp::Mod, rest, intImm(extents[i]));
    rest = binary(BinOp::Div, rest, intImm(extents[i]));
  }
  return idx;
}

std::vector<ExprRef> broadcastIndex(const std::vector<ExprRef>& outIdx, const std::vector<int64_t>& inExtents) {
  DLC_CHECK(inExtents.size() <= outIdx.size(), "lowering: operand of rank ", inExtents.size(),
            " broadcast to rank ", outIdx.size());
  size_t off = outIdx.size() - inExtents.size();
  std::vector<ExprRef> in(inExtents.size());
  for (size_t i = 0; i < inExtents.size(); ++i) in[i] = inExtents[i] == 1 ? intImm(0) : outIdx[off + i];
  return in;
}

int64_t leadingPad(const Node& n, size_t d, int64_t in, int64_t out, int64_t k, int64_t s, int64_t dil) {
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  if (autoPad == "VALID") return 0;
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    int64_t total = std::max<int64_t>(0, (out - 1) * s + (k - 1) * dil + 1 - in);
    return autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
  }
  std::vector<int64_t> pads = n.attrInts("pads", {});
  return pads.empty() ? 0 : pads.at(d);
}

int64_t trailingPad(const Node& n, size_t d, size_t sp, int64_t in, int64_t out, int64_t k, int64_t s, int64_t dil) {
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  if (autoPad == "VALID") return 0;
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    int64_t total = std::max<int64_t>(0, (out - 1) * s + (k - 1) * dil + 1 - in);
    return total - leadingPad(n, d, in, out, k, s, dil);
  }
  std::vector<int64_t> pads = n.attrInts("pads", {});
  return pads.empty() ? 0 : pads.at(d + sp);
}

StmtRef loop(const std::string& name, int64_t extent, LoopKind kind, const std::function<StmtRef(const ExprRef&)>& body) {
  if (extent == 1) return body(intImm(0));
  Var v = makeVar(name);
  return forLoop(v, intImm(0), intImm(extent), kind, body(varRef(v)));
}

StmtRef vectorizedLoop(const std::string& name, int64_t extent, int lanes,
                       const std::function<StmtRef(const ExprRef&)>& body) {
  if (lanes <= 1 || extent < lanes) return loop(name, extent, LoopKind::Serial, body);
  int64_t chunks = extent / lanes, tail = extent - chunks * lanes;
  Var vo = makeVar(name + ".o"), vi = makeVar(name + ".v");
  StmtRef inner = forLoop(vi, intImm(0), intImm(lanes), LoopKind::Vectorized,
                          body(varRef(vo) * intImm(lanes) + varRef(vi)));
  StmtRef main = chunks == 1 ? forLoop(vi, intImm(0), intImm(lanes), LoopKind::Vectorized, body(varRef(vi)))
                             : forLoop(vo, intImm(0), intImm(chunks), LoopKind::Serial, inner);
  if (!tail) return main;
  Var vt = makeVar(name + ".t");
  return seq({main, forLoop(vt, intImm(chunks * lanes), intImm(tail), LoopKind::Serial, body(varRef(vt)))});
}

StmtRef vectorizedLoopOverlapTail(const std::string& name, int64_t extent, int lanes,
                                  const std::function<StmtRef(const ExprRef&)>& body) {
  if (lanes <= 1 || extent <= lanes || extent % lanes == 0) return vectorizedLoop(name, extent, lanes, body);
  int64_t done = extent / lanes * lanes;
  Var vt = makeVar(name + ".t");
  return seq({vectorizedLoop(name, done, lanes, body),
              forLoop(vt, intImm(0), intImm(lanes), LoopKind::Vectorized, body(intImm(extent - lanes) + varRef(vt)))});
}

StmtRef tiledRow(int64_t extent, int lanes, const std::function<StmtRef(const ExprRef&, int)>& tile) {
  int64_t full = lanes > 1 ? extent / lanes : 0;
  std::vector<StmtRef> st;
  if (full > 0)
    st.push_back(loop("owt", full, LoopKind::Serial, [&](const ExprRef& t) { return tile(t * lanes, lanes); }));
  int64_t done = full * lanes;
  if (done < extent)
    st.push_back(loop("owr", extent - done, LoopKind::Serial, [&](const ExprRef& r) { return tile(intImm(done) + r, 1); }));
  return seq(st);
}

}  // namespace dlc::cpu
