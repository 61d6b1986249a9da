// Einsum: a sum of products over labelled dims given by an equation such as
// "bij,bjk->bik". Supports ellipsis ("...", broadcast like numpy), repeated
// labels in one operand (diagonals) and the implicit output form (no "->":
// ellipsis dims, then the labels used once, in alphabetical order).
//
// Note on labels: letters keep their character code; ellipsis dims get labels
// from kEllipsisLabel upward, right-aligned across operands so that they
// broadcast as numpy batch dims do.
#include <algorithm>
#include <map>

#include "ops/ConvHelpers.h"
#include "ops/DataOps.h"
#include "ops/Linalg.h"

namespace dlc::ops {
namespace {

constexpr int kEllipsisLabel = 1000;

struct EinsumSpec {
  std::vector<std::vector<int>> inputs;  // labels per operand dim
  std::vector<int> output;               // labels per output dim
};

// One operand term: letters with at most one "...".
struct Term {
  std::string letters;
  int ellipsisAt = -1;  // index in letters where "..." stands, or -1
};

Term parseTerm(const Node& node, const std::string& t) {
  Term term;
  for (size_t i = 0; i < t.size(); ++i) {
    char ch = t[i];
    if (ch == '.') {
      DLC_CHECK(t.compare(i, 3, "...") == 0 && term.ellipsisAt < 0, node.describe(), ": bad ellipsis in term '", t,
                "'");
      term.ellipsisAt = static_cast<int>(term.letters.size());
      i += 2;
      continue;
    }
    DLC_CHECK((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'), node.describe(), ": bad character '", ch,
              "' in equation");
    term.letters.push_back(ch);
  }
  return term;
}

EinsumSpec parseEquation(const Node& node, const std::vector<int64_t>& ranks) {
  std::string eq;
  for (char c : node.attr("equation").s())
    if (c != ' ') eq.push_back(c);
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<Term> terms;
  size_t start = 0;
  while (true) {
    size_t comma = lhs.find(',', start);
    terms.push_back(parseTerm(node, lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  DLC_CHECK(terms.size() == ranks.size(), node.describe(), ": equation has ", terms.size(), " operands, node has ",
            ranks.size(), " inputs");
  EinsumSpec spec;
  int64_t ellipsisRank = 0;
  std::vector<int64_t> eRanks(terms.size(), 0);
  for (size_t i = 0; i < terms.size(); ++i) {
    auto nLetters = static_cast<int64_t>(terms[i].letters.size());
    if (terms[i].ellipsisAt >= 0) {
      DLC_CHECK(ranks[i] >= nLetters, node.describe(), ": operand ", i, " has rank ", ranks[i], ", fewer than its ",
                nLetters, " labels");
      eRanks[i] = ranks[i] - nLetters;
    } else {
      DLC_CHECK(ranks[i] == nLetters, node.describe(), ": operand ", i, " has rank ", ranks[i], " but term '",
                terms[i].letters, "' has ", nLetters, " labels");
    }
    ellipsisRank = std::max(ellipsisRank, eRanks[i]);
  }
  std::map<int, int> counts;
  for (size_t i = 0; i < terms.size(); ++i) {
    std::vector<int> labels;
    for (size_t j = 0; j <= terms[i].letters.size(); ++j) {
      if (static_cast<int>(j) == terms[i].ellipsisAt)
        for (int64_t e = 0; e < eRanks[i]; ++e)
          labels.push_back(kEllipsisLabel + static_cast<int>(ellipsisRank - eRanks[i] + e));
      if (j < terms[i].letters.size()) {
        labels.push_back(terms[i].letters[j]);
        ++counts[terms[i].letters[j]];
      }
    }
    spec.inputs.push_back(labels);
  }
  if (arrow == std::string::npos) {
    for (int64_t e = 0; e < ellipsisRank; ++e) spec.output.push_back(kEllipsisLabel + static_cast<int>(e));
    for (auto [label, n] : counts)  // std::map: alphabetical (upper case first, as ASCII)
      if (n == 1) spec.output.push_back(label);
    return spec;
  }
  Term out = parseTerm(node, eq.substr(arrow + 2));
  for (size_t j = 0; j <= out.letters.size(); ++j) {
    if (static_cast<int>(j) == out.ellipsisAt)
      for (int64_t e = 0; e < ellipsisRank; ++e) spec.output.push_back(kEllipsisLabel + static_cast<int>(e));
    if (j < out.letters.size()) {
      int label = out.letters[j];
      DLC_CHECK(counts.count(label), node.describe(), ": output label '", out.letters[j], "' is not in any input");
      DLC_CHECK(std::find(spec.output.begin(), spec.output.end(), label) == spec.output.end(), node.describe(),
                ": output label '", out.letters[j], "' repeated");
      spec.output.push_back(label);
    }
  }
  DLC_CHECK(out.ellipsisAt >= 0 || ellipsisRank == 0, node.describe(), ": inputs use '...' but the output does not");
  return spec;
}

// Label -> extent; ellipsis labels broadcast (1 vs n), letters must agree.
std::map<int, int64_t> labelExtents(const Node& node, const EinsumSpec& spec,
                                    const std::vector<std::vector<int64_t>>& ext) {
  std::map<int, int64_t> sizes;
  for (size_t i = 0; i < spec.inputs.size(); ++i)
    for (size_t j = 0; j < spec.inputs[i].size(); ++j) {
      int label = spec.inputs[i][j];
      int64_t e = ext[i][j];
      auto it = sizes.find(label);
      if (it == sizes.end() || it->second == 1) {
        sizes[label] = e;
      } else if (e != it->second && !(label >= kEllipsisLabel && e == 1)) {
        fail(node.describe(), ": dim extents ", it->second, " and ", e, " differ for the same label");
      }
    }
  return sizes;
}

void inferEinsum(InferContext& ctx) {
  DType dt = ctx.in(0).dtype;
  std::vector<int64_t> ranks;
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    const TensorType& t = ctx.in(i);
    DLC_CHECK(t.dtype == dt, ctx.node.describe(), ": input dtypes differ");
    if (!t.ranked) {
      ctx.outputs = {TensorType::unranked(dt)};
      return;
    }
    ranks.push_back(t.rank());
  }
  EinsumSpec spec = parseEquation(ctx.node, ranks);
  std::map<int, Dim> dims;
  for (size_t i = 0; i < spec.inputs.size(); ++i)
    for (size_t j = 0; j < spec.inputs[i].size(); ++j) {
      const Dim& d = ctx.in(i).shape[j];
      auto it = dims.find(spec.inputs[i][j]);
      if (it == dims.end() || (it->second.isStatic() && it->second.value == 1) ||
          (!it->second.isStatic() && d.isStatic() && d.value != 1))
        dims[spec.inputs[i][j]] = d;
    }
  Shape out;
  for (int label : spec.output) out.push_back(dims[label]);
  ctx.outputs = {TensorType(dt, out)};
}

void refEinsum(RefContext& ctx) {
  std::vector<std::vector<int64_t>> ext;
  std::vector<int64_t> ranks;
  DType dt = ctx.in(0).dtype();
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    DLC_CHECK(ctx.in(i).dtype() == dt, ctx.node.describe(), ": input dtypes differ");
    ext.push_back(ctx.in(i).extents());
    ranks.push_back(ctx.in(i).rank());
  }
  EinsumSpec spec = parseEquation(ctx.node, ranks);
  std::map<int, int64_t> sizes = labelExtents(ctx.node, spec, ext);
  // Loop labels: output labels first, then the summed ones.
  std::vector<int> loop = spec.output;
  for (auto [label, n] : sizes)
    if (std::find(loop.begin(), loop.end(), label) == loop.end()) loop.push_back(label);
  const size_t nl = loop.size(), nIn = spec.inputs.size();
  std::vector<int64_t> loopExt(nl);
  for (size_t l = 0; l < nl; ++l) loopExt[l] = sizes[loop[l]];
  // Per operand and loop label: the stride (summed over repeated labels; 0 where broadcast).
  std::vector<std::vector<int64_t>> strides(nIn, std::vector<int64_t>(nl, 0));
  for (size_t i = 0; i < nIn; ++i) {
    std::vector<int64_t> st = stridesOf(ext[i]);
    for (size_t j = 0; j < spec.inputs[i].size(); ++j) {
      size_t l = static_cast<size_t>(std::find(loop.begin(), loop.end(), spec.inputs[i][j]) - loop.begin());
      if (ext[i][j] != 1) strides[i][l] += st[j];
    }
  }
  std::vector<int64_t> outExt(loopExt.begin(), loopExt.begin() + static_cast<int64_t>(spec.output.size()));
  int64_t outN = checkedNumElements(outExt);
  int64_t inner = 1;
  for (size_t l = spec.output.size(); l < nl; ++l) inner *= loopExt[l];
  std::vector<std::vector<double>> vals;
  for (size_t i = 0; i < nIn; ++i) vals.push_back(toDoubles(ctx.in(i)));
  std::vector<double> out(static_cast<size_t>(outN), 0.0);
  if (inner > 0 && outN > 0) {
    std::vector<int64_t> idx(nl, 0), off(nIn, 0);
    const int64_t total = outN * inner;
    for (int64_t t = 0; t < total; ++t) {
      double prod = 1;
      for (size_t i = 0; i < nIn; ++i) prod *= vals[i][static_cast<size_t>(off[i])];
      out[static_cast<size_t>(t / inner)] += prod;
      for (size_t l = nl; l-- > 0;) {  // odometer step, keeping operand offsets in sync
        ++idx[l];
        for (size_t i = 0; i < nIn; ++i) off[i] += strides[i][l];
        if (idx[l] < loopExt[l]) break;
        for (size_t i = 0; i < nIn; ++i) off[i] -= strides[i][l] * idx[l];
        idx[l] = 0;
      }
    }
  }
  if (dt == DType::Bool) unsupported(ctx.node.describe(), ": bool inputs");
  if (!isFloat(dt))
    for (double v : out)
      DLC_CHECK(std::abs(v) < 9.007199254740992e15, ctx.node.describe(), ": integer result too large to be exact");
  ctx.outputs = {fromDoubles(dt, outExt, out)};
}

}  // namespace

OpDef einsumOpDef() {
  return makeOp("Einsum", "Sum of products over labelled dims given by an equation", 1, -1,
                PatternKind::ComplexOutFusable, inferEinsum, refEinsum, {reqAttr("equation", AttrKind::String)});
}

}  // namespace dlc::ops
