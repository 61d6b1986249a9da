#include "ops/DataOps.h"

namespace dlc::ops {

std::vector<int64_t> normalizeAxes(const Node& node, const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<int64_t> out;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    DLC_CHECK(a >= -rank && a < rank, node.describe(), ": axis ", a, " out of range for rank ", rank);
    int64_t n = a < 0 ? a + rank : a;
    DLC_CHECK(!seen[static_cast<size_t>(n)], node.describe(), ": axis ", a, " repeated");
    seen[static_cast<size_t>(n)] = true;
    out.push_back(n);
  }
  return out;
}

DType dtypeFromOnnxCode(const Node& node, int64_t code) {
  switch (code) {
    case 1: return DType::Float32;
    case 2: return DType::UInt8;
    case 3: return DType::Int8;
    case 4: return DType::UInt16;
    case 5: return DType::Int16;
    case 6: return DType::Int32;
    case 7: return DType::Int64;
    case 9: return DType::Bool;
    case 10: return DType::Float16;
    case 11: return DType::Float64;
    case 12: return DType::UInt32;
    case 13: return DType::UInt64;
    case 16: return DType::BFloat16;
    default: break;
  }
  unsupported(node.describe(), ": element type code ", code, " is not supported");
}

}  // namespace dlc::ops
