// Typed node attributes: int, float, string, lists of those, and tensors.
// An AttrMap is ordered by name so printing is deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "dlc/ir/Tensor.h"

namespace dlc {

enum class AttrKind : uint8_t { Int, Float, String, Ints, Floats, Strings, Tensor };
std::string_view attrKindName(AttrKind k);  // "int", "float", ..., "tensor"

class Attribute {
 public:
  using Storage = std::variant<int64_t, double, std::string, std::vector<int64_t>,
                               std::vector<double>, std::vector<std::string>, Tensor>;

  Attribute() : v_(int64_t{0}) {}
  Attribute(int64_t v) : v_(v) {}                     // NOLINT
  Attribute(int v) : v_(int64_t{v}) {}                // NOLINT
  Attribute(double v) : v_(v) {}                      // NOLINT
  Attribute(float v) : v_(double{v}) {}               // NOLINT
  Attribute(std::string v) : v_(std::move(v)) {}      // NOLINT
  Attribute(const char* v) : v_(std::string(v)) {}    // NOLINT
  Attribute(std::vector<int64_t> v) : v_(std::move(v)) {}      // NOLINT
  Attribute(std::vector<double> v) : v_(std::move(v)) {}       // NOLINT
  Attribute(std::vector<std::string> v) : v_(std::move(v)) {}  // NOLINT
  Attribute(Tensor v) : v_(std::move(v)) {}                    // NOLINT

  AttrKind kind() const { return static_cast<AttrKind>(v_.index()); }
  // Typed getters throw dlc::Error naming the expected kind on mismatch.
  int64_t i() const;
  double f() const;
  const std::string& s() const;
  const std::vector<int64_t>& ints() const;
  const std::vector<double>& floats() const;
  const std::vector<std::string>& strings() const;
  const Tensor& t() const;

  bool operator==(const Attribute& o) const;
  bool operator!=(const Attribute& o) const { return !(*this == o); }
  const Storage& storage() const { return v_; }

 private:
  Storage v_;
};

using AttrMap = std::map<std::string, Attribute>;

}  // namespace dlc
