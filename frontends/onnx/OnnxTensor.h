// Conversions between ONNX TensorProto / TypeProto and dlc tensors and types,
// shared by the ONNX frontend plugin and dlc-conformance. External data is read
// from files confined to the model's directory.
#pragma once

#include <string>

#include "dlc/ir/Tensor.h"
#include "dlc/ir/Type.h"

namespace onnx {
class TensorProto;
class TypeProto;
}  // namespace onnx

namespace dlc::onnx {

// ONNX TensorProto.DataType -> DType; throws Unsupported naming the type.
DType dtypeFromOnnx(int32_t elemType, const std::string& what);
std::string onnxDTypeName(int32_t elemType);

// `baseDir` is the model's directory (for external data); "" forbids external data.
Tensor tensorFromProto(const ::onnx::TensorProto& p, const std::string& baseDir);
// Parses a serialized TensorProto file (test_data_set_*/input_*.pb).
Tensor readTensorProtoFile(const std::string& path, std::string* name = nullptr);

// TypeProto (tensor types only; sequence/map/optional -> Unsupported).
TensorType typeFromProto(const ::onnx::TypeProto& t, const std::string& what);

}  // namespace dlc::onnx
