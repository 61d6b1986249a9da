// Template for Einsum: a sum of products over labelled dims ("bij,bjk->bik"),
// with ellipsis (numpy-broadcast batch dims), repeated labels in one operand
// (diagonals) and the implicit output form, parsed as the reference does. One
// output row (all dims but the last) per parallel iteration; its columns in
// blocks of vector_lanes: serial loops over the summed labels accumulate the
// product of the operands into a register vector (then single tail columns);
// the store goes through the fused epilogue.
#include <algorithm>
#include <map>

#include "../Schedules.h"
#include "dlc/support/Error.h"

namespace dlc::cpu {
using namespace kernel;

namespace {

constexpr int kEllipsis = 1000;  // ellipsis dims: labels from here, right-aligned across operands

struct Term {
  std::string letters;
  int ellipsisAt = -1;
};

Term parseTerm(const Node& n, const std::string& t) {
  Term term;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '.') {
      if (t.compare(i, 3, "...") != 0 || term.ellipsisAt >= 0) unsupported(n.describe(), ": bad Einsum ellipsis");
      term.ellipsisAt = static_cast<int>(term.letters.size());
      i += 2;
      continue;
    }
    term.letters.push_back(t[i]);
  }
  return term;
}

// Labels per operand dim and per output dim.
void parseEquation(const Node& n, const std::vector<int64_t>& ranks, std::vector<std::vector<int>>& in,
                   std::vector<int>& out) {
  std::string eq;
  for (char c : n.attrString("equation", ""))
    if (c != ' ') eq.push_back(c);
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<Term> terms;
  for (size_t start = 0;;) {
    size_t comma = lhs.find(',', start);
    terms.push_back(parseTerm(n, lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (terms.size() != ranks.size()) unsupported(n.describe(), ": Einsum equation does not match its inputs");
  int64_t eRank = 0;
  std::vector<int64_t> eRanks(terms.size(), 0);
  for (size_t i = 0; i < terms.size(); ++i) {
    auto letters = static_cast<int64_t>(terms[i].letters.size());
    if (terms[i].ellipsisAt >= 0) eRanks[i] = ranks[i] - letters;
    else if (ranks[i] != letters) unsupported(n.describe(), ": Einsum term rank mismatch");
    eRank = std::max(eRank, eRanks[i]);
  }
  std::map<int, int> counts;
  for (size_t i = 0; i < terms.size(); ++i) {
    std::vector<int> labels;
    for (size_t j = 0; j <= terms[i].letters.size(); ++j) {
      if (static_cast<int>(j) == terms[i].ellipsisAt)
        for (int64_t e = 0; e < eRanks[i]; ++e) labels.push_back(kEllipsis + static_cast<int>(eRank - eRanks[i] + e));
      if (j < terms[i].letters.size()) {
        labels.push_back(terms[i].letters[j]);
        ++counts[terms[i].letters[j]];
      }
    }
    in.push_back(labels);
  }
  if (arrow == std::string::npos) {
    for (int64_t e = 0; e < eRank; ++e) out.push_back(kEllipsis + static_cast<int>(e));
    for (auto [label, c] : counts)
      if (c == 1) out.push_back(label);
    return;
  }
  Term o = parseTerm(n, eq.substr(arrow + 2));
  for (size_t j = 0; j <= o.letters.size(); ++j) {
    if (static_cast<int>(j) == o.ellipsisAt)
      for (int64_t e = 0; e < eRank; ++e) out.push_back(kEllipsis + static_cast<int>(e));
    if (j < o.letters.size()) out.push_back(o.letters[j]);
  }
}

}  // namespace

StmtRef scheduleEinsum(const GroupInfo& g, ScheduleContext& ctx) {
  const Node& es = *g.anchor;
  DType dt = es.output(0)->type().dtype;
  if (dt == DType::Bool || dt == DType::Float16 || dt == DType::BFloat16)
    unsupported(es.describe(), ": Einsum of ", dtypeName(dt), " has no CPU schedule");
  std::vector<std::vector<int64_t>> ext;
  std::vector<int64_t> ranks;
  for (size_t i = 0; i < es.numInputs(); ++i) {
    ext.push_back(staticExtents(*es.input(i)));
    ranks.push_back(static_cast<int64_t>(ext.back().size()));
  }
  std::vector<std::vector<int>> labels;
  std::vector<int> outLabels;
  parseEquation(es, ranks, labels, outLabels);
  std::map<int, int64_t> size;  // label -> extent (1 broadcasts)
  for (size_t i = 0; i < labels.size(); ++i)
    for (size_t j = 0; j < labels[i].size(); ++j) {
      auto it = size.find(labels[i][j]);
      if (it == size.end() || it->second == 1) size[labels[i][j]] = ext[i][j];
    }
  std::vector<int> summed;
  for (auto [label, e] : size)
    if (std::find(outLabels.begin(), outLabels.end(), label) == outLabels.end()) summed.push_back(label);
  std::vector<int64_t> outExt = staticExtents(*es.output(0));
  int64_t total = numElements(outExt), work = total;
  for (int l : summed) work *= size[l];
  Type t = scalarType(dt);
  ExprBuilder operands(ctx.buffers, {});
  if (total == 0) return seq({});
  // Rows: every output dim but the last; the last is cut into blocks of
  // `lanes` columns accumulated as one vector, then single tail columns.
  int64_t last = outExt.empty() ? 1 : outExt.back(), rows = total / last;
  std::vector<int64_t> rowExt(outExt.begin(), outExt.empty() ? outExt.end() : outExt.end() - 1);
  int lanes = dt == DType::Float32 ? static_cast<int>(ctx.knob(g, "vector_lanes", ctx.spec.floatLanes())) : 1;
  if (lanes > last) lanes = 1;
  LoopKind kind = rows > 1 && work >= ctx.knob(g, "parallel_min_work", 1 << 14) ? LoopKind::Parallel
                                                                               : LoopKind::Serial;
  // One block of `width` columns from n0: acc[v] += prod over operands, v vectorized.
  auto block = [&](const std::vector<ExprRef>& head, const ExprRef& n0, int width) {
    BufferRef acc = makeBuffer("acc", dt, width, MemScope::Register);
    auto cols = [&](const std::function<StmtRef(const ExprRef&)>& f) {
      Var v = makeVar("v");
      return width > 1 ? forLoop(v, intImm(0), intImm(width), LoopKind::Vectorized, f(varRef(v))) : f(intImm(0));
    };
    auto outIdx = [&](const ExprRef& v) {
      std::vector<ExprRef> idx = head;
      if (!outExt.empty()) idx.push_back(n0 + v);
      return idx;
    };
    std::map<int, ExprRef> value;  // label -> index expression
    // Nested serial loops over the summed labels around the accumulation.
    std::function<StmtRef(size_t)> nest = [&](size_t k) -> StmtRef {
      if (k == summed.size())
        return cols([&](const ExprRef& v) {
          std::vector<ExprRef> oidx = outIdx(v);
          for (size_t j = 0; j < outLabels.size(); ++j) value[outLabels[j]] = oidx[j];
          ExprRef prod;
          for (size_t i = 0; i < labels.size(); ++i) {
            std::vector<ExprRef> idx;
            for (size_t j = 0; j < labels[i].size(); ++j) idx.push_back(ext[i][j] == 1 ? intImm(0) : value[labels[i][j]]);
            ExprRef x = operands.load(es.input(i), idx);
            prod = prod ? prod * x : x;
          }
          return store(acc, v, load(acc, v) + prod);
        });
      return loop("s" + std::to_string(k), size[summed[k]], LoopKind::Serial, [&](const ExprRef& sv) {
        value[summed[k]] = sv;
        return nest(k + 1);
      });
    };
    StmtRef init = cols([&](const ExprRef& v) { return store(acc, v, isFloat(dt) ? floatImm(0, t) : intImm(0, t)); });
    StmtRef sum = nest(0);
    StmtRef out = cols([&](const ExprRef& v) { return storeThroughEpilogue(g, ctx, outIdx(v), load(acc, v)); });
    return allocate(acc, seq({init, sum, out}));
  };
  return loop("row", rows, kind, [&](const ExprRef& row) {
    std::vector<ExprRef> head = delinearize(row, rowExt);
    int64_t full = lanes > 1 ? last / lanes : 0, tail = last - full * lanes;
    std::vector<StmtRef> st;
    if (full > 0)
      st.push_back(loop("nb", full, LoopKind::Serial, [&](const ExprRef& nb) { return block(head, nb * lanes, lanes); }));
    if (tail > 0)
      st.push_back(loop("nt", tail, LoopKind::Serial,
                        [&](const ExprRef& nt) { return block(head, intImm(full * lanes) + nt, 1); }));
    return seq(st);
  });
}

}  // namespace dlc::cpu
