#include "dlc/ir/Attribute.h"

namespace dlc {

std::string_view attrKindName(AttrKind k) {
  switch (k) {
    case AttrKind::Int: return "int";
    case AttrKind::Float: return "float";
    case AttrKind::String: return "string";
    case AttrKind::Ints: return "ints";
    case AttrKind::Floats: return "floats";
    case AttrKind::Strings: return "strings";
    case AttrKind::Tensor: return "tensor";
  }
  return "?";
}

namespace {
template <typename T>
const T& getAs(const Attribute::Storage& v, AttrKind want) {
  if (const T* p = std::get_if<T>(&v)) return *p;
  fail("attribute is ", attrKindName(static_cast<AttrKind>(v.index())), ", expected ",
       attrKindName(want));
}
}  // namespace

int64_t Attribute::i() const { return getAs<int64_t>(v_, AttrKind::Int); }
double Attribute::f() const {
  if (const int64_t* p = std::get_if<int64_t>(&v_)) return static_cast<double>(*p);
  return getAs<double>(v_, AttrKind::Float);
}
const std::string& Attribute::s() const { return getAs<std::string>(v_, AttrKind::String); }
const std::vector<int64_t>& Attribute::ints() const {
  return getAs<std::vector<int64_t>>(v_, AttrKind::Ints);
}
const std::vector<double>& Attribute::floats() const {
  return getAs<std::vector<double>>(v_, AttrKind::Floats);
}
const std::vector<std::string>& Attribute::strings() const {
  return getAs<std::vector<std::string>>(v_, AttrKind::Strings);
}
const Tensor& Attribute::t() const { return getAs<Tensor>(v_, AttrKind::Tensor); }

bool Attribute::operator==(const Attribute& o) const {
  if (v_.index() != o.v_.index()) return false;
  if (kind() == AttrKind::Tensor) return t().bitwiseEqual(o.t());
  auto sameFloat = [](double a, double b) { return a == b || (a != a && b != b); };
  if (kind() == AttrKind::Float) return sameFloat(f(), o.f());  // NaN equals NaN for structural equality
  if (kind() == AttrKind::Floats) {
    const auto& a = floats();
    const auto& b = o.floats();
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!sameFloat(a[i], b[i])) return false;
    return true;
  }
  return v_ == o.v_;
}

}  // namespace dlc
