// Helpers for writing op definitions: broadcasting, axis normalization, typed
// element access, and elementwise kernels generic over dtypes. Internal to core.
//
// Note on compute types: reference implementations compute floating-point
// dtypes (f16, bf16, f32, f64) in double and round once when storing; integers
// and bool compute in their own type. `CalcT<T>` names that type.
#pragma once

#include <cmath>
#include <type_traits>
#include <vector>

#include "dlc/ir/OpRegistry.h"
#include "dlc/ir/Tensor.h"
#include "dlc/support/Error.h"

namespace dlc::ops {

template <typename T>
constexpr bool kIsFloatLike = std::is_floating_point_v<T> || std::is_same_v<T, Half> ||
                              std::is_same_v<T, BFloat16>;

template <typename T>
using CalcT = std::conditional_t<kIsFloatLike<T>, double, T>;

template <typename T>
inline CalcT<T> loadAs(const T* p, int64_t i) {
  if constexpr (std::is_same_v<T, Half>)
    return halfToFloat(p[i].bits);
  else if constexpr (std::is_same_v<T, BFloat16>)
    return bfloat16ToFloat(p[i].bits);
  else
    return static_cast<CalcT<T>>(p[i]);
}

template <typename T, typename V>
inline void storeAs(T* p, int64_t i, V v) {
  if constexpr (std::is_same_v<T, Half>)
    p[i].bits = floatToHalf(static_cast<float>(v));
  else if constexpr (std::is_same_v<T, BFloat16>)
    p[i].bits = floatToBFloat16(static_cast<float>(v));
  else if constexpr (std::is_same_v<T, bool>)
    p[i] = static_cast<bool>(v);
  else
    p[i] = static_cast<T>(v);
}

// Axis in [-rank, rank) -> [0, rank); throws naming the node otherwise.
int64_t normalizeAxis(const Node& node, int64_t axis, int64_t rank);

// Multidirectional (numpy) broadcasting of shapes; symbolic dims broadcast
// with 1 and with equal symbols. Throws naming the node on mismatch.
Shape broadcastShapes(const Node& node, const Shape& a, const Shape& b);
std::vector<int64_t> broadcastExtents(const Node& node, const std::vector<int64_t>& a,
                                      const std::vector<int64_t>& b);

// Row-major strides of extents.
std::vector<int64_t> stridesOf(const std::vector<int64_t>& extents);

// For each element of `out` (broadcast result), the offset in an input of
// extents `in`: offsets are produced by iterating out's index space.
std::vector<int64_t> broadcastOffsets(const std::vector<int64_t>& out, const std::vector<int64_t>& in);

// Infer: every output has the type of input 0.
void inferSameAsInput0(InferContext& ctx);
// Infer: broadcast all inputs; output dtype = input 0's (or `outDType` if set).
void inferBroadcast(InferContext& ctx, DType outDType = DType::Undefined);

// out[i] = f(in[i]) with f(CalcT<T>) over the input dtype; the output dtype
// equals the input's unless `outDType` is given.
template <typename F>
Tensor mapUnary(const Tensor& in, F f, DType outDType = DType::Undefined) {
  Tensor out(outDType == DType::Undefined ? in.dtype() : outDType, in.extents());
  dispatchDType(in.dtype(), [&](auto tin) {
    using TI = decltype(tin);
    const TI* src = in.data<TI>();
    dispatchDType(out.dtype(), [&](auto tout) {
      using TO = decltype(tout);
      TO* dst = out.data<TO>();
      for (int64_t i = 0; i < in.numel(); ++i) storeAs<TO>(dst, i, f(loadAs<TI>(src, i)));
    });
  });
  return out;
}

// out[i] = f(a[ia], b[ib]) with numpy broadcasting; a and b have one dtype.
template <typename F>
Tensor mapBinary(const Node& node, const Tensor& a, const Tensor& b, F f,
                 DType outDType = DType::Undefined) {
  DLC_CHECK(a.dtype() == b.dtype(), node.describe(), ": input dtypes differ (", dtypeName(a.dtype()),
            " vs ", dtypeName(b.dtype()), ")");
  std::vector<int64_t> ext = broadcastExtents(node, a.extents(), b.extents());
  Tensor out(outDType == DType::Undefined ? a.dtype() : outDType, ext);
  std::vector<int64_t> oa = broadcastOffsets(ext, a.extents());
  std::vector<int64_t> ob = broadcastOffsets(ext, b.extents());
  dispatchDType(a.dtype(), [&](auto tin) {
    using TI = decltype(tin);
    const TI* pa = a.data<TI>();
    const TI* pb = b.data<TI>();
    dispatchDType(out.dtype(), [&](auto tout) {
      using TO = decltype(tout);
      TO* dst = out.data<TO>();
      for (int64_t i = 0; i < out.numel(); ++i)
        storeAs<TO>(dst, i, f(loadAs<TI>(pa, oa[i]), loadAs<TI>(pb, ob[i])));
    });
  });
  return out;
}

// Reads an integer tensor (any int dtype) as int64 values.
std::vector<int64_t> toInt64Vector(const Tensor& t);

// Shorthand for building an OpDef.
OpDef makeOp(std::string name, std::string summary, int minIn, int maxIn, PatternKind pattern,
             InferFn infer, RefFn ref, std::vector<AttrSpec> attrs = {}, int minOut = 1, int maxOut = 1);

AttrSpec optAttr(std::string name, Attribute dflt);
AttrSpec optAttrNoDefault(std::string name, AttrKind kind);
AttrSpec reqAttr(std::string name, AttrKind kind);

}  // namespace dlc::ops
