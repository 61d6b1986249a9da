// Helpers shared by the convolution, pooling and quantized-convolution ops
// (Conv.cpp, Pooling.cpp, Quantization.cpp): window geometry (strides,
// dilations, pads, auto_pad, ceil_mode), the convolution kernels over double
// buffers, and conversions between tensors and double buffers. Internal to core.
//
// Note on layout: tensors are NC<spatial>; the kernels see the spatial dims as
// three (D, H, W), padding 1-D and 2-D problems with leading extents of 1, so
// one loop nest serves 1-D, 2-D and 3-D.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ops/OpHelpers.h"

namespace dlc::ops {

// Per spatial dim: input extent, kernel extent, stride, dilation, pads and the
// resulting output extent.
struct WindowGeom {
  std::vector<int64_t> in, kernel, stride, dilation, padBegin, padEnd, out;
  size_t rank() const { return in.size(); }
};

// Reads strides/dilations/pads/auto_pad (and ceil_mode when `pooling`) from the
// node and computes pads and output extents for the given spatial input
// extents and kernel extents. Throws naming the node on bad attributes.
WindowGeom windowGeom(const Node& node, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel,
                      bool pooling);

// Output spatial dims for inference: the static result where every input
// spatial dim is static, unknown dims elsewhere.
Shape windowOutDims(const Node& node, const Shape& inSpatial, const std::vector<int64_t>& kernel, bool pooling);

// The kernel extents: the kernel_shape attribute or the weight's spatial dims.
std::vector<int64_t> kernelExtents(const Node& node, const std::vector<int64_t>& weightExtents);

// The 3-D view of `rank` spatial values, padded in front with `fill`.
std::vector<int64_t> to3d(const std::vector<int64_t>& v, int64_t fill);

// y[N, M, out] = sum over c, k of x[N, C, in] * w[M, C/groups, k] (+ bias[M]).
// x and w hold doubles; y is overwritten.
void convForward(const WindowGeom& g, int64_t N, int64_t C, int64_t M, int64_t groups, const double* x, const double* w,
                 const double* bias, double* y);

// All elements of a tensor as doubles (any dtype).
std::vector<double> toDoubles(const Tensor& t);
// A tensor of `dtype` from doubles (rounded/cast by storeAs).
Tensor fromDoubles(DType dtype, const std::vector<int64_t>& extents, const std::vector<double>& v);

// Checks the (x, w) pair of a convolution: ranks, channels vs groups. Returns
// the number of spatial dims.
size_t checkConvOperands(const Node& node, const std::vector<int64_t>& x, const std::vector<int64_t>& w,
                         int64_t groups);

// Output type of a convolution-like op from the input and weight types.
TensorType inferConvType(InferContext& ctx, DType outDType, size_t wIndex);

}  // namespace dlc::ops
