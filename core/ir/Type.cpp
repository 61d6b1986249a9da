#include "dlc/ir/Type.h"

#include <limits>
#include <sstream>

#include "dlc/support/Error.h"

namespace dlc {

TensorType TensorType::fromExtents(DType dt, const std::vector<int64_t>& extents) {
  Shape s;
  s.reserve(extents.size());
  for (int64_t e : extents) s.emplace_back(e);
  return TensorType(dt, std::move(s));
}

bool TensorType::isStatic() const {
  if (!ranked) return false;
  for (const Dim& d : shape)
    if (!d.isStatic()) return false;
  return true;
}

std::optional<int64_t> TensorType::numElements() const {
  if (!isStatic()) return std::nullopt;
  return checkedNumElements(extents());
}

std::vector<int64_t> TensorType::extents() const {
  DLC_CHECK(isStatic(), "type ", str(), " is not static");
  std::vector<int64_t> e;
  e.reserve(shape.size());
  for (const Dim& d : shape) e.push_back(d.value);
  return e;
}

std::string TensorType::str() const {
  std::ostringstream os;
  os << "tensor<";
  if (!ranked) {
    os << "*x";
  } else {
    for (const Dim& d : shape) {
      if (d.isStatic())
        os << d.value;
      else if (d.symbol == "?")
        os << "?";
      else
        os << "{" << d.symbol << "}";
      os << "x";
    }
  }
  os << dtypeName(dtype) << ">";
  return os.str();
}

int64_t checkedNumElements(const std::vector<int64_t>& extents) {
  int64_t n = 1;
  for (int64_t e : extents) {
    DLC_CHECK(e >= 0, "negative dimension ", e);
    if (e != 0 && n > std::numeric_limits<int64_t>::max() / e)
      fail("tensor dimensions overflow: the product of the extents exceeds 2^63");
    n *= e;
  }
  return n;
}

}  // namespace dlc
