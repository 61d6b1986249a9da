#include "OnnxTensor.h"

#include <onnx/onnx_pb.h>

#include <boost/filesystem.hpp>
#include <iterator>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dlc/support/Error.h"

namespace dlc::onnx {
namespace fs = boost::filesystem;
using ::onnx::TensorProto;

std::string onnxDTypeName(int32_t t) {
  if (TensorProto::DataType_IsValid(t)) return TensorProto::DataType_Name(static_cast<TensorProto::DataType>(t));
  // Newer than the onnx.proto dlc is built against (Debian's libonnx-dev).
  static const char* const kNewer[] = {"FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
                                       "UINT4",        "INT4",           "FLOAT4E2M1"};
  if (t >= 17 && t < 17 + static_cast<int32_t>(std::size(kNewer))) return kNewer[t - 17];
  return "type#" + std::to_string(t);
}

DType dtypeFromOnnx(int32_t t, const std::string& what) {
  switch (t) {
    case TensorProto::FLOAT: return DType::Float32;
    case TensorProto::DOUBLE: return DType::Float64;
    case TensorProto::FLOAT16: return DType::Float16;
    case TensorProto::BFLOAT16: return DType::BFloat16;
    case TensorProto::INT8: return DType::Int8;
    case TensorProto::INT16: return DType::Int16;
    case TensorProto::INT32: return DType::Int32;
    case TensorProto::INT64: return DType::Int64;
    case TensorProto::UINT8: return DType::UInt8;
    case TensorProto::UINT16: return DType::UInt16;
    case TensorProto::UINT32: return DType::UInt32;
    case TensorProto::UINT64: return DType::UInt64;
    case TensorProto::BOOL: return DType::Bool;
    default: break;
  }
  unsupported(what, ": unsupported data type ", onnxDTypeName(t));
}

namespace {

std::vector<int64_t> protoExtents(const TensorProto& p, const std::string& what) {
  std::vector<int64_t> ext;
  for (int64_t d : p.dims()) {
    DLC_CHECK(d >= 0, what, ": negative dimension ", d);
    ext.push_back(d);
  }
  try {
    checkedNumElements(ext);
  } catch (const Error& e) {
    fail(what, ": ", e.what());
  }
  return ext;
}

std::string readExternal(const TensorProto& p, const std::string& baseDir, const std::string& what,
                         size_t expectedBytes) {
  DLC_CHECK(!baseDir.empty(), what, ": external data is not allowed here");
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    try {
      if (kv.key() == "location") location = kv.value();
      else if (kv.key() == "offset") offset = std::stoll(kv.value());
      else if (kv.key() == "length") length = std::stoll(kv.value());
    } catch (const std::exception&) {
      fail(what, ": malformed external data field '", kv.key(), "'");
    }
  }
  DLC_CHECK(!location.empty(), what, ": external data has no location");
  DLC_CHECK(offset >= 0 && length >= -1, what, ": negative external data offset or length");
  fs::path loc(location);
  DLC_CHECK(!loc.is_absolute(), what, ": external data location '", location,
            "' is an absolute path; it must be relative to the model's directory");
  fs::path base = fs::weakly_canonical(fs::path(baseDir));
  fs::path full = fs::weakly_canonical(base / loc);
  std::string b = base.string(), f = full.string();
  DLC_CHECK(f.size() > b.size() && f.compare(0, b.size(), b) == 0 && f[b.size()] == '/', what,
            ": external data location '", location, "' escapes the model's directory");
  std::ifstream in(f, std::ios::binary | std::ios::ate);
  DLC_CHECK(in, what, ": cannot open external data file '", location, "'");
  auto fileSize = static_cast<int64_t>(in.tellg());
  if (length < 0) length = fileSize - offset;
  DLC_CHECK(offset <= fileSize && length <= fileSize - offset, what, ": external data (offset ", offset,
            ", length ", length, ") runs past the end of '", location, "' (", fileSize, " bytes)");
  DLC_CHECK(static_cast<size_t>(length) == expectedBytes, what, ": external data has ", length,
            " bytes, the tensor needs ", expectedBytes);
  std::string data(static_cast<size_t>(length), '\0');
  in.seekg(offset);
  in.read(data.data(), length);
  DLC_CHECK(in.good() || length == 0, what, ": failed reading external data '", location, "'");
  return data;
}

template <typename Field, typename Store>
void copyField(const Field& field, Tensor& t, const std::string& what, const char* fieldName, Store store) {
  DLC_CHECK(static_cast<int64_t>(field.size()) == t.numel(), what, ": ", fieldName, " has ", field.size(),
            " elements, the dims say ", t.numel());
  for (int i = 0; i < field.size(); ++i) store(t, i, field.Get(i));
}

}  // namespace

Tensor tensorFromProto(const TensorProto& p, const std::string& baseDir) {
  std::string what = p.name().empty() ? std::string("tensor") : "tensor '" + p.name() + "'";
  if (p.has_segment()) unsupported(what, ": segmented tensors are not supported");
  DType dt = dtypeFromOnnx(p.data_type(), what);
  std::vector<int64_t> ext = protoExtents(p, what);
  auto numel = static_cast<uint64_t>(checkedNumElements(ext));
  DLC_CHECK(numel <= (uint64_t{1} << 60) / dtypeSize(dt), what, ": ", numel, " elements are too many");
  size_t bytes = static_cast<size_t>(numel) * dtypeSize(dt);
  // The data's size is checked before the tensor is allocated, so dims that
  // claim more than the model holds are an error, not a huge allocation.
  if (p.data_location() == TensorProto::EXTERNAL) {
    std::string data = readExternal(p, baseDir, what, bytes);
    Tensor t(dt, ext);
    if (bytes) std::memcpy(t.rawData(), data.data(), bytes);
    return t;
  }
  if (p.has_raw_data()) {
    DLC_CHECK(p.raw_data().size() == bytes, what, ": raw data has ", p.raw_data().size(), " bytes, the dims need ",
              bytes);
    Tensor t(dt, ext);
    if (bytes) std::memcpy(t.rawData(), p.raw_data().data(), bytes);
    return t;
  }
  int64_t stored = 0;
  const char* field = "int32_data";
  switch (dt) {
    case DType::Float32: stored = p.float_data_size(), field = "float_data"; break;
    case DType::Float64: stored = p.double_data_size(), field = "double_data"; break;
    case DType::Int64: stored = p.int64_data_size(), field = "int64_data"; break;
    case DType::UInt32: case DType::UInt64: stored = p.uint64_data_size(), field = "uint64_data"; break;
    default: stored = p.int32_data_size(); break;
  }
  DLC_CHECK(static_cast<uint64_t>(stored) == numel, what, ": ", field, " has ", stored, " elements, the dims say ", numel);
  Tensor t(dt, ext);
  auto bits16 = [](Tensor& x, int i, int32_t v) {
    uint16_t b = static_cast<uint16_t>(v);
    std::memcpy(static_cast<uint8_t*>(x.rawData()) + 2 * i, &b, 2);
  };
  switch (dt) {
    case DType::Float32:
      copyField(p.float_data(), t, what, "float_data", [](Tensor& x, int i, float v) { x.data<float>()[i] = v; });
      break;
    case DType::Float64:
      copyField(p.double_data(), t, what, "double_data", [](Tensor& x, int i, double v) { x.data<double>()[i] = v; });
      break;
    case DType::Int64:
      copyField(p.int64_data(), t, what, "int64_data", [](Tensor& x, int i, int64_t v) { x.data<int64_t>()[i] = v; });
      break;
    case DType::UInt32:
    case DType::UInt64:
      copyField(p.uint64_data(), t, what, "uint64_data", [](Tensor& x, int i, uint64_t v) {
        x.setInt64(i, static_cast<int64_t>(v));
        if (x.dtype() == DType::UInt64) x.data<uint64_t>()[i] = v;
      });
      break;
    case DType::Float16:
    case DType::BFloat16:
      copyField(p.int32_data(), t, what, "int32_data", bits16);
      break;
    default:  // int8/16/32, uint8/16, bool are stored in int32_data
      copyField(p.int32_data(), t, what, "int32_data", [](Tensor& x, int i, int32_t v) { x.setInt64(i, v); });
      break;
  }
  return t;
}

Tensor readTensorProtoFile(const std::string& path, std::string* name) {
  std::ifstream in(path, std::ios::binary);
  DLC_CHECK(in, path, ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  TensorProto p;
  DLC_CHECK(p.ParseFromString(ss.str()), path, ": not a valid TensorProto");
  if (name) *name = p.name();
  return tensorFromProto(p, "");
}

TensorType typeFromProto(const ::onnx::TypeProto& t, const std::string& what) {
  switch (t.value_case()) {
    case ::onnx::TypeProto::kTensorType: break;
    case ::onnx::TypeProto::kSequenceType: unsupported(what, ": sequence types are not supported");
    case ::onnx::TypeProto::kMapType: unsupported(what, ": map types are not supported");
    case ::onnx::TypeProto::kOptionalType: unsupported(what, ": optional types are not supported");
    case ::onnx::TypeProto::kSparseTensorType: unsupported(what, ": sparse tensors are not supported");
    default: unsupported(what, ": value has no tensor type");
  }
  const auto& tt = t.tensor_type();
  if (tt.elem_type() == TensorProto::STRING) unsupported(what, ": string tensors are not supported");
  DType dt = dtypeFromOnnx(tt.elem_type(), what);
  if (!tt.has_shape()) return TensorType::unranked(dt);
  Shape s;
  for (const auto& d : tt.shape().dim()) {
    if (d.has_dim_value()) {
      DLC_CHECK(d.dim_value() >= 0, what, ": negative dimension ", d.dim_value());
      s.emplace_back(d.dim_value());
    } else if (d.has_dim_param() && !d.dim_param().empty()) {
      s.push_back(Dim::sym(d.dim_param()));
    } else {
      s.emplace_back(Dim());
    }
  }
  return TensorType(dt, s);
}

}  // namespace dlc::onnx
