#include "ops/OpHelpers.h"

namespace dlc::ops {

int64_t normalizeAxis(const Node& node, int64_t axis, int64_t rank) {
  DLC_CHECK(axis >= -rank && axis < rank, node.describe(), ": axis ", axis,
            " out of range for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

Shape broadcastShapes(const Node& node, const Shape& a, const Shape& b) {
  size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const Dim* da = i < r - a.size() ? nullptr : &a[i - (r - a.size())];
    const Dim* db = i < r - b.size() ? nullptr : &b[i - (r - b.size())];
    if (!da) {
      out[i] = *db;
    } else if (!db) {
      out[i] = *da;
    } else if (*da == *db) {
      out[i] = *da;
    } else if (da->isStatic() && da->value == 1) {
      out[i] = *db;
    } else if (db->isStatic() && db->value == 1) {
      out[i] = *da;
    } else if (da->isStatic() && db->isStatic()) {
      fail(node.describe(), ": shapes cannot broadcast (", da->value, " vs ", db->value, " at dim ", i, ")");
    } else {
      out[i] = da->isStatic() ? *da : (db->isStatic() ? *db : Dim());
    }
  }
  return out;
}

std::vector<int64_t> broadcastExtents(const Node& node, const std::vector<int64_t>& a,
                                      const std::vector<int64_t>& b) {
  size_t r = std::max(a.size(), b.size());
  std::vector<int64_t> out(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da == db || db == 1)
      out[i] = da;
    else if (da == 1)
      out[i] = db;
    else
      fail(node.describe(), ": shapes cannot broadcast (", da, " vs ", db, " at dim ", i, ")");
  }
  return out;
}

std::vector<int64_t> stridesOf(const std::vector<int64_t>& extents) {
  std::vector<int64_t> s(extents.size(), 1);
  for (size_t i = extents.size(); i-- > 1;) s[i - 1] = s[i] * extents[i];
  return s;
}

std::vector<int64_t> broadcastOffsets(const std::vector<int64_t>& out, const std::vector<int64_t>& in) {
  int64_t n = checkedNumElements(out);
  std::vector<int64_t> offs(static_cast<size_t>(n));
  size_t r = out.size();
  std::vector<int64_t> inStrides(r, 0);
  std::vector<int64_t> s = stridesOf(in);
  for (size_t i = 0; i < in.size(); ++i) {
    size_t o = i + (r - in.size());
    inStrides[o] = in[i] == 1 ? 0 : s[i];
  }
  std::vector<int64_t> idx(r, 0);
  int64_t off = 0;
  for (int64_t k = 0; k < n; ++k) {
    offs[static_cast<size_t>(k)] = off;
    for (size_t d = r; d-- > 0;) {  // increment the multi-index
      ++idx[d];
      off += inStrides[d];
      if (idx[d] < out[d]) break;
      off -= inStrides[d] * idx[d];
      idx[d] = 0;
    }
  }
  return offs;
}

void inferSameAsInput0(InferContext& ctx) {
  ctx.outputs.assign(std::max<size_t>(1, ctx.node.numOutputs()), ctx.in(0));
}

void inferBroadcast(InferContext& ctx, DType outDType) {
  const TensorType& first = ctx.in(0);
  TensorType t = first;
  for (size_t i = 1; i < ctx.inputs.size(); ++i) {
    if (!ctx.has(i)) continue;
    const TensorType& o = ctx.in(i);
    DLC_CHECK(o.dtype == first.dtype, ctx.node.describe(), ": input dtypes differ (",
              dtypeName(first.dtype), " vs ", dtypeName(o.dtype), ")");
    if (!t.ranked || !o.ranked) {
      t = TensorType::unranked(t.dtype);
      continue;
    }
    t.shape = broadcastShapes(ctx.node, t.shape, o.shape);
  }
  if (outDType != DType::Undefined) t.dtype = outDType;
  ctx.outputs = {t};
}

std::vector<int64_t> toInt64Vector(const Tensor& t) {
  std::vector<int64_t> v(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) v[static_cast<size_t>(i)] = t.getInt64(i);
  return v;
}

OpDef makeOp(std::string name, std::string summary, int minIn, int maxIn, PatternKind pattern,
             InferFn infer, RefFn ref, std::vector<AttrSpec> attrs, int minOut, int maxOut) {
  OpDef d;
  d.name = std::move(name);
  d.summary = std::move(summary);
  d.minInputs = minIn;
  d.maxInputs = maxIn;
  d.minOutputs = minOut;
  d.maxOutputs = maxOut;
  d.pattern = pattern;
  d.infer = std::move(infer);
  d.ref = std::move(ref);
  d.attrs = std::move(attrs);
  return d;
}

AttrSpec optAttr(std::string name, Attribute dflt) {
  AttrKind k = dflt.kind();
  return AttrSpec{std::move(name), k, false, std::move(dflt)};
}
AttrSpec optAttrNoDefault(std::string name, AttrKind kind) { return AttrSpec{std::move(name), kind, false, {}}; }
AttrSpec reqAttr(std::string name, AttrKind kind) { return AttrSpec{std::move(name), kind, true, {}}; }

}  // namespace dlc::ops
