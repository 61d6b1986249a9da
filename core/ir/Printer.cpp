// The text printer. Grammar and examples: docs/text-ir.md. Every choice here
// is made so that the parser (Parser.cpp) reads the text back to an identical
// module: floats print as the shortest decimal that converts back to the same
// bits, NaNs with a non-canonical payload print their bits, and names that are
// not plain identifiers print quoted.
#include "dlc/ir/Printer.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <sstream>

#include "dlc/support/Error.h"

namespace dlc {
namespace {

constexpr int64_t kMaxListElements = 16;  // larger constants print as hex bytes

bool isBareNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$' || c == '-';
}

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) {
  return isIdentStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '$';
}

void printQuoted(std::ostream& os, const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  os << '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': os << "\\\""; break;
      case '\\': os << "\\\\"; break;
      case '\n': os << "\\n"; break;
      case '\t': os << "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f)
          os << "\\x" << kHex[c >> 4] << kHex[c & 15];
        else
          os << ch;
    }
  }
  os << '"';
}

// %name / @name: bare when made of [A-Za-z0-9_.$-], quoted otherwise.
void printSigilName(std::ostream& os, char sigil, const std::string& name) {
  os << sigil;
  bool bare = !name.empty();
  for (char c : name) bare = bare && isBareNameChar(c);
  if (bare)
    os << name;
  else
    printQuoted(os, name);
}

// Attribute keys, metadata keys and op names: identifiers, else quoted.
void printIdentOrString(std::ostream& os, const std::string& s, bool avoidKeywords = false) {
  bool bare = !s.empty() && isIdentStart(s[0]);
  for (char c : s) bare = bare && isIdentChar(c);
  // Words that would read as syntax where an op name is expected.
  if (avoidKeywords && (s == "const" || s == "return" || s == "none" || s == "loc")) bare = false;
  if (bare)
    os << s;
  else
    printQuoted(os, s);
}

bool isPlainSymbol(const std::string& s) {
  if (s.empty() || s == "?") return false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '{' || c == '}' || c == '"' || c == '\\') return false;
  }
  return true;
}

// Matches TensorType::str() except that odd dim symbols print quoted.
void printType(std::ostream& os, const TensorType& t) {
  os << "tensor<";
  if (!t.ranked) {
    os << "*x";
  } else {
    for (const Dim& d : t.shape) {
      if (d.isStatic()) {
        os << d.value;
      } else if (d.symbol == "?") {
        os << '?';
      } else if (isPlainSymbol(d.symbol)) {
        os << '{' << d.symbol << '}';
      } else {
        os << '{';
        printQuoted(os, d.symbol);
        os << '}';
      }
      os << 'x';
    }
  }
  os << dtypeName(t.dtype) << '>';
}

template <typename Bits>
void printHexBits(std::ostream& os, Bits bits) {
  static const char* kHex = "0123456789ABCDEF";
  os << "0x";
  for (int shift = static_cast<int>(sizeof(Bits) * 8) - 4; shift >= 0; shift -= 4)
    os << kHex[(bits >> shift) & 15];
}

// A finite float (as float or double) in the shortest form that reads back
// exactly, always with '.' or 'e' so it is not taken for an integer.
template <typename F>
void printFinite(std::ostream& os, F v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  os << s;
}

// Prints a float element given its bits, the bits of the canonical quiet NaN
// and its value widened to `F` (float or double).
template <typename Bits, typename F>
void printFloatBits(std::ostream& os, Bits bits, Bits canonicalNan, F value) {
  constexpr Bits kSign = Bits(1) << (sizeof(Bits) * 8 - 1);
  if (std::isnan(value)) {
    if (bits == canonicalNan) {
      os << "nan";
    } else if (bits == (canonicalNan | kSign)) {
      os << "-nan";
    } else {
      os << "nan(";
      printHexBits(os, bits);
      os << ')';
    }
  } else if (std::isinf(value)) {
    os << (value < 0 ? "-inf" : "inf");
  } else {
    printFinite(os, value);
  }
}

// A finite f16/bf16 value: the shorter of the shortest f32 spelling and the
// shortest decimal that reads back (as f32, then rounded) to the same bits.
std::string shortest16(float v, uint16_t bits, uint16_t (*fromFloat)(float)) {
  std::ostringstream full;
  printFinite(full, v);
  std::string best = full.str();
  char buf[64];
  for (int p = 1; p < 9; ++p) {
    auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general, p);
    float back = 0;
    auto pr = std::from_chars(buf, r.ptr, back);
    if (pr.ec != std::errc() || fromFloat(back) != bits) continue;
    std::string s(buf, r.ptr);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    if (s.size() < best.size()) best = s;
    break;
  }
  return best;
}

void printDouble(std::ostream& os, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  printFloatBits<uint64_t, double>(os, bits, 0x7FF8000000000000ull, v);
}

void printElement(std::ostream& os, const Tensor& t, int64_t i) {
  const void* p = t.rawData();
  switch (t.dtype()) {
    case DType::Float32: {
      uint32_t bits;
      std::memcpy(&bits, static_cast<const char*>(p) + i * 4, 4);
      float v;
      std::memcpy(&v, &bits, 4);
      printFloatBits<uint32_t, float>(os, bits, 0x7FC00000u, v);
      return;
    }
    case DType::Float64: printDouble(os, t.data<double>()[i]); return;
    case DType::Float16: {
      uint16_t b = t.data<Half>()[i].bits;
      float v = halfToFloat(b);
      if (std::isfinite(v))
        os << shortest16(v, b, floatToHalf);
      else
        printFloatBits<uint16_t, float>(os, b, 0x7E00u, v);
      return;
    }
    case DType::BFloat16: {
      uint16_t b = t.data<BFloat16>()[i].bits;
      float v = bfloat16ToFloat(b);
      if (std::isfinite(v))
        os << shortest16(v, b, floatToBFloat16);
      else
        printFloatBits<uint16_t, float>(os, b, 0x7FC0u, v);
      return;
    }
    case DType::Bool: os << (t.data<uint8_t>()[i] ? "true" : "false"); return;
    case DType::UInt64: os << t.data<uint64_t>()[i]; return;
    default: os << t.getInt64(i); return;
  }
}

// Bools stored as bytes other than 0/1 only survive as raw bytes.
bool listFormExact(const Tensor& t) {
  if (t.dtype() != DType::Bool) return true;
  const auto* b = t.data<uint8_t>();
  for (int64_t i = 0; i < t.numel(); ++i)
    if (b[i] > 1) return false;
  return true;
}

// `tensor<...> [elems]`, `tensor<...> 0xHEX` or `tensor<...> <elided>`.
void printTensorBody(std::ostream& os, const Tensor& t, const PrintOptions& opts) {
  DLC_CHECK(t.defined(), "cannot print a tensor of undefined dtype");
  printType(os, t.type());
  os << ' ';
  if (opts.elideConstantsOver > 0 && t.numel() > opts.elideConstantsOver) {
    os << "<elided>";
    return;
  }
  if (t.numel() <= kMaxListElements && listFormExact(t)) {
    os << '[';
    for (int64_t i = 0; i < t.numel(); ++i) {
      if (i) os << ", ";
      printElement(os, t, i);
    }
    os << ']';
    return;
  }
  static const char* kHex = "0123456789ABCDEF";
  const auto* bytes = static_cast<const uint8_t*>(t.rawData());
  std::string hex = "0x";
  hex.reserve(2 + t.byteSize() * 2);
  for (size_t i = 0; i < t.byteSize(); ++i) {
    hex += kHex[bytes[i] >> 4];
    hex += kHex[bytes[i] & 15];
  }
  os << hex;
}

void printAttribute(std::ostream& os, const Attribute& a, const PrintOptions& opts) {
  switch (a.kind()) {
    case AttrKind::Int: os << a.i(); return;
    case AttrKind::Float: printDouble(os, a.f()); return;
    case AttrKind::String: printQuoted(os, a.s()); return;
    case AttrKind::Ints: {
      if (a.ints().empty()) {
        os << "ints[]";
        return;
      }
      os << '[';
      for (size_t i = 0; i < a.ints().size(); ++i) os << (i ? ", " : "") << a.ints()[i];
      os << ']';
      return;
    }
    case AttrKind::Floats: {
      if (a.floats().empty()) {
        os << "floats[]";
        return;
      }
      os << '[';
      for (size_t i = 0; i < a.floats().size(); ++i) {
        if (i) os << ", ";
        printDouble(os, a.floats()[i]);
      }
      os << ']';
      return;
    }
    case AttrKind::Strings: {
      if (a.strings().empty()) {
        os << "strings[]";
        return;
      }
      os << '[';
      for (size_t i = 0; i < a.strings().size(); ++i) {
        if (i) os << ", ";
        printQuoted(os, a.strings()[i]);
      }
      os << ']';
      return;
    }
    case AttrKind::Tensor:
      os << "dense<";
      printTensorBody(os, a.t(), opts);
      os << '>';
      return;
  }
}

void printValueRef(std::ostream& os, const Value* v) {
  if (v)
    printSigilName(os, '%', v->name());
  else
    os << "none";
}

void printNode(std::ostream& os, const Node& n, const PrintOptions& opts) {
  os << "    ";
  for (size_t i = 0; i < n.numOutputs(); ++i) {
    if (i) os << ", ";
    printValueRef(os, n.output(i));
  }
  if (n.numOutputs()) os << " = ";
  printIdentOrString(os, n.op(), /*avoidKeywords=*/true);
  os << '(';
  for (size_t i = 0; i < n.numInputs(); ++i) {
    if (i) os << ", ";
    printValueRef(os, n.input(i));
  }
  os << ')';
  if (!n.attrs().empty()) {
    os << " {";
    bool first = true;
    for (const auto& [k, a] : n.attrs()) {
      if (!first) os << ", ";
      first = false;
      printIdentOrString(os, k);
      os << " = ";
      printAttribute(os, a, opts);
    }
    os << '}';
  }
  if (n.numOutputs()) {
    os << " : ";
    for (size_t i = 0; i < n.numOutputs(); ++i) {
      if (i) os << ", ";
      printType(os, n.output(i)->type());
    }
  }
  if (!n.name().empty()) {
    os << " loc(";
    printQuoted(os, n.name());
    os << ')';
  }
  os << '\n';
}

void printFunctionImpl(std::ostream& os, const Function& f, const PrintOptions& opts) {
  os << "  func ";
  printSigilName(os, '@', f.name());
  os << '(';
  for (size_t i = 0; i < f.arguments().size(); ++i) {
    const Value* a = f.arguments()[i];
    if (i) os << ", ";
    printValueRef(os, a);
    os << ": ";
    printType(os, a->type());
  }
  os << ") {\n";
  for (const Value* c : f.constants()) {
    os << "    ";
    printValueRef(os, c);
    os << " = const ";
    printTensorBody(os, c->constant(), opts);
    os << '\n';
  }
  for (const Node* n : f.nodes()) printNode(os, *n, opts);
  os << "    return";
  for (size_t i = 0; i < f.outputs().size(); ++i) {
    os << (i ? ", " : " ");
    printValueRef(os, f.outputs()[i]);
  }
  os << "\n  }\n";
}

}  // namespace

void printFunction(const Function& f, std::ostream& os, const PrintOptions& opts) {
  printFunctionImpl(os, f, opts);
}

void printModule(const Module& m, std::ostream& os, const PrintOptions& opts) {
  os << "module ";
  printSigilName(os, '@', m.name());
  if (!m.metadata().empty()) {
    os << " attributes {";
    bool first = true;
    for (const auto& [k, v] : m.metadata()) {
      if (!first) os << ", ";
      first = false;
      printIdentOrString(os, k);
      os << " = ";
      printQuoted(os, v);
    }
    os << '}';
  }
  os << " {\n";
  for (size_t i = 0; i < m.functions().size(); ++i) {
    if (i) os << '\n';
    printFunctionImpl(os, *m.functions()[i], opts);
  }
  os << "}\n";
}

std::string printModule(const Module& m, const PrintOptions& opts) {
  std::ostringstream os;
  printModule(m, os, opts);
  return os.str();
}

}  // namespace dlc
