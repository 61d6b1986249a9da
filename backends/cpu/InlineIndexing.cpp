// Injective indexing ops that ExprBuilder inlines besides its own (see
// Lowering.h): each maps an output index to the one input element it reads,
// with clamped, always in-bounds loads.
//
//   GatherND         out[b.., t.., s..] = data[b.., indices[b.., t.., :].., s..]
//   ReverseSequence  out[.., t, ..] = x[.., len - 1 - t, ..] where t < len of the batch
//   CenterCropPad    out[o] = x[o + shift] per cropped/padded axis, zero outside
//   Pad              edge (clamp), wrap (modulo) and reflect (mirror) modes
#include <algorithm>

#include "Lowering.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
namespace {
using namespace kernel;

ExprRef clampTo(const ExprRef& i, int64_t extent) {
  return kernel::min(kernel::max(i, intImm(0)), intImm(std::max<int64_t>(extent - 1, 0)));
}

ExprRef asIndex(ExprRef k) { return k->type.scalar == DType::Int64 ? k : cast(i64(), k); }

// ((a % n) + n) % n for n > 0.
ExprRef positiveMod(const ExprRef& a, int64_t n) {
  return binary(BinOp::Mod, binary(BinOp::Mod, a, intImm(n)) + intImm(n), intImm(n));
}

std::vector<int64_t> constIntsOf(const Node& n, size_t i) {
  const Value* v = n.input(i);
  if (!v || v->kind() != Value::Kind::Constant || !isInteger(v->constant().dtype()))
    unsupported(n.describe(), ": ", n.op(), " with a non-constant input ", i, " has no CPU schedule");
  std::vector<int64_t> out;
  for (int64_t k = 0; k < v->constant().numel(); ++k) out.push_back(v->constant().getInt64(k));
  return out;
}

int64_t norm(int64_t a, int64_t rank) { return a < 0 ? a + rank : a; }

ExprRef gatherND(ExprBuilder& b, const Node& n, const std::vector<ExprRef>& idx) {
  std::vector<int64_t> de = staticExtents(*n.input(0)), ie = staticExtents(*n.input(1));
  int64_t bd = n.attrInt("batch_dims", 0), q = static_cast<int64_t>(ie.size()), m = ie.back();
  std::vector<ExprRef> in(idx.begin(), idx.begin() + bd);
  std::vector<ExprRef> tuple(idx.begin(), idx.begin() + (q - 1));
  tuple.push_back(nullptr);
  for (int64_t j = 0; j < m; ++j) {
    tuple.back() = intImm(j);
    ExprRef k = asIndex(b.at(n.input(1), tuple));
    int64_t dim = de[static_cast<size_t>(bd + j)];
    in.push_back(clampTo(select(binary(BinOp::LT, k, intImm(0)), k + intImm(dim), k), dim));
  }
  in.insert(in.end(), idx.begin() + (q - 1), idx.end());
  return b.at(n.input(0), in);
}

ExprRef reverseSequence(ExprBuilder& b, const Node& n, const std::vector<ExprRef>& idx) {
  std::vector<int64_t> xe = staticExtents(*n.input(0));
  auto ta = static_cast<size_t>(n.attrInt("time_axis", 0)), ba = static_cast<size_t>(n.attrInt("batch_axis", 1));
  if (!((ta == 0 && ba == 1) || (ta == 1 && ba == 0)))
    unsupported(n.describe(), ": ReverseSequence time_axis and batch_axis must be 0 and 1");
  ExprRef len = asIndex(b.at(n.input(1), {idx[ba]}));
  const ExprRef& t = idx[ta];
  std::vector<ExprRef> in = idx;
  in[ta] = clampTo(select(binary(BinOp::LT, t, len), len - intImm(1) - t, t), xe[ta]);
  return b.at(n.input(0), in);
}

// Out index i reads input index in[i]; where `inside` is false, zero.
ExprRef readOrZero(ExprBuilder& b, const Value* x, const std::vector<ExprRef>& in, const ExprRef& inside) {
  ExprRef v = b.at(x, in);
  if (!inside) return v;
  ExprRef zero = isFloat(v->type.scalar) ? floatImm(0, v->type) : intImm(0, v->type);
  if (v->type.scalar == DType::Bool) zero = cast(v->type, intImm(0, i32()));
  return select(inside, v, zero);
}

ExprRef centerCropPad(ExprBuilder& b, const Node& n, const std::vector<ExprRef>& idx) {
  std::vector<int64_t> xe = staticExtents(*n.input(0)), oe = staticExtents(*n.output(0));
  auto rank = static_cast<int64_t>(xe.size());
  std::vector<int64_t> axes;
  if (n.hasAttr("axes")) {
    for (int64_t a : n.attrInts("axes", {})) axes.push_back(norm(a, rank));
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  std::vector<ExprRef> in = idx;
  ExprRef inside;
  for (int64_t a : axes) {
    auto d = static_cast<size_t>(a);
    int64_t dim = xe[d], sh = oe[d];
    int64_t shift = sh < dim ? (dim - sh) / 2 : -((sh - dim) / 2);
    ExprRef c = idx[d] + intImm(shift);
    in[d] = clampTo(c, dim);
    if (sh > dim) {
      ExprRef ok = binary(BinOp::And, binary(BinOp::GE, c, intImm(0)), binary(BinOp::LT, c, intImm(dim)));
      inside = inside ? binary(BinOp::And, inside, ok) : ok;
    }
  }
  return readOrZero(b, n.input(0), in, inside);
}

// Pad in edge, wrap or reflect mode: negative pads crop first, then each
// out-of-range coordinate of the cropped extent maps back into it.
ExprRef padNonConstant(ExprBuilder& b, const Node& n, const std::vector<ExprRef>& idx, const std::string& mode) {
  std::vector<int64_t> xe = staticExtents(*n.input(0));
  auto rank = static_cast<int64_t>(xe.size());
  std::vector<int64_t> pads = constIntsOf(n, 1), axes;
  if (n.input(3)) {
    for (int64_t a : constIntsOf(n, 3)) axes.push_back(norm(a, rank));
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  if (pads.size() != 2 * axes.size()) unsupported(n.describe(), ": Pad with malformed pads");
  std::vector<int64_t> pb(static_cast<size_t>(rank), 0), pe(static_cast<size_t>(rank), 0);
  for (size_t k = 0; k < axes.size(); ++k) {
    pb[static_cast<size_t>(axes[k])] = pads[k];
    pe[static_cast<size_t>(axes[k])] = pads[axes.size() + k];
  }
  std::vector<ExprRef> in = idx;
  for (size_t d = 0; d < xe.size(); ++d) {
    if (pb[d] == 0 && pe[d] == 0) continue;
    int64_t cs = std::max<int64_t>(0, -pb[d]);
    int64_t ce = xe[d] - cs - std::max<int64_t>(0, -pe[d]);
    int64_t before = std::max<int64_t>(0, pb[d]), after = std::max<int64_t>(0, pe[d]);
    if (ce <= 0) {
      if (before > 0 || after > 0) unsupported(n.describe(), ": Pad of an empty axis in ", mode, " mode");
      continue;
    }
    ExprRef c = idx[d] - intImm(before);
    if (before > 0 || after > 0) {
      if (mode == "edge") {
        c = clampTo(c, ce);
      } else if (mode == "wrap") {
        c = positiveMod(c, ce);
      } else if (ce == 1) {
        c = intImm(0);
      } else {  // reflect: period 2 (ce - 1), the second half mirrored
        int64_t period = 2 * (ce - 1);
        ExprRef p = positiveMod(c, period);
        c = select(binary(BinOp::GE, p, intImm(ce)), intImm(period) - p, p);
      }
    }
    in[d] = clampTo(c + intImm(cs), xe[d]);
  }
  return b.at(n.input(0), in);
}

}  // namespace

bool canInlineIndexing(const Node& n) {
  const std::string& op = n.op();
  if (op == "GatherND") {
    if (!n.input(1) || !n.input(1)->type().isStatic() || !n.input(0)->type().isStatic()) return false;
    return true;
  }
  return op == "ReverseSequence" || op == "CenterCropPad";
}

ExprRef inlineIndexingAt(ExprBuilder& b, const Node& n, const std::vector<ExprRef>& idx) {
  const std::string& op = n.op();
  if (op == "GatherND") return gatherND(b, n, idx);
  if (op == "ReverseSequence") return reverseSequence(b, n, idx);
  if (op == "CenterCropPad") return centerCropPad(b, n, idx);
  if (op == "Pad") {
    std::string mode = n.attrString("mode", "constant");
    if (mode == "edge" || mode == "wrap" || mode == "reflect") return padNonConstant(b, n, idx, mode);
  }
  return nullptr;
}

}  // namespace dlc::cpu
