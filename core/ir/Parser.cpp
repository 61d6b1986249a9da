// The text parser: a hand-written lexer and a recursive-descent parser for the
// grammar in docs/text-ir.md. Every error is a dlc::Error
// "<source>:<line>:<col>: <message>".
//
// Note on robustness: the parser is fuzzed. The grammar has no unbounded
// nesting (lists hold scalars, tensors hold flat element lists), so recursion
// depth is fixed. Every number is converted with a range check, and a
// constant's buffer is allocated only after its declared size has been checked
// against the text actually present, so no input makes it allocate more than
// a small multiple of the input's size.
//
// Note on forward references: a value may be used before the line defining it
// (as printed from a function whose nodes are not in topological order); the
// parser resolves uses at the end of each function, and the verifier is what
// rejects use before definition.
#include "dlc/ir/Parser.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "dlc/support/Error.h"

namespace dlc {
namespace {

struct Loc {
  int line = 1;
  int col = 1;
};

enum class Tok { Eof, Ident, ValueName, AtName, String, Number, Hex, Punct };

struct Token {
  Tok kind = Tok::Eof;
  std::string_view raw;  // the token's text in the source
  std::string text;      // decoded: names, strings; for Punct the character
  bool isFloat = false;  // Number with '.' or an exponent
  Loc loc;
};

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c) || c == '.' || c == '$'; }
bool isBareNameChar(char c) { return isIdentStart(c) || isDigit(c) || c == '.' || c == '$' || c == '-'; }
int hexValue(char c) {
  if (isDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

std::string describeChar(char ch) {
  auto c = static_cast<unsigned char>(ch);
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  if (c >= 0x20 && c < 0x7f) {
    out.push_back('\'');
    out.push_back(ch);
    out.push_back('\'');
  } else {
    out = "byte 0x";
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// Input for resolving a node input or function output at the end of a function.
struct PendingUse {
  Node* node = nullptr;  // nullptr: function output
  size_t index = 0;
  std::string name;  // empty: `none`
  Loc loc;
};

class Parser {
 public:
  Parser(std::string_view text, std::string source) : src_(text), source_(std::move(source)) {}

  std::unique_ptr<Module> parseModule() {
    expectKeyword("module");
    Token name = expect(Tok::AtName, "module name (@name)");
    auto m = std::make_unique<Module>(name.text);
    if (peek().kind == Tok::Ident && peek().text == "attributes") {
      next();
      expectPunct('{');
      if (!isPunct(peek(), '}')) {
        for (;;) {
          Token key = parseKey();
          expectPunct('=');
          Token val = expect(Tok::String, "string metadata value");
          if (m->metadata().count(key.text)) error(key.loc, "metadata key '", key.text, "' given twice");
          m->metadata()[key.text] = val.text;
          if (!isPunct(peek(), ',')) break;
          next();
        }
      }
      Token close = next();
      if (!isPunct(close, '}')) error(close.loc, "expected ',' or '}', found ", found(close));
    }
    expectPunct('{');
    while (!isPunct(peek(), '}')) parseFunction(*m);
    next();
    Token end = next();
    if (end.kind != Tok::Eof) error(end.loc, "expected end of input after the module");
    return m;
  }

 private:
  // ---- errors ---------------------------------------------------------------
  template <typename... Args>
  [[noreturn]] void error(Loc loc, const Args&... args) const {
    fail(source_, ":", loc.line, ":", loc.col, ": ", args...);
  }

  // ---- characters -------------------------------------------------------------
  bool atEnd() const { return pos_ >= src_.size(); }
  char cur() const { return atEnd() ? '\0' : src_[pos_]; }
  char at(size_t off) const { return pos_ + off < src_.size() ? src_[pos_ + off] : '\0'; }
  void advance() {
    if (atEnd()) return;
    if (src_[pos_] == '\n') {
      ++loc_.line;
      loc_.col = 1;
    } else {
      ++loc_.col;
    }
    ++pos_;
  }

  void skipSpace() {
    for (;;) {
      char c = cur();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == '/' && at(1) == '/') {
        while (!atEnd() && cur() != '\n') advance();
      } else {
        return;
      }
    }
  }

  // A quoted string at the cursor (which is on the opening quote).
  std::string lexString() {
    Loc start = loc_;
    advance();
    std::string out;
    for (;;) {
      if (atEnd() || cur() == '\n') error(start, "unterminated string");
      char c = cur();
      if (c == '"') {
        advance();
        return out;
      }
      if (c != '\\') {
        out += c;
        advance();
        continue;
      }
      Loc escLoc = loc_;
      advance();
      char e = cur();
      switch (e) {
        case '"': out += '"'; advance(); break;
        case '\\': out += '\\'; advance(); break;
        case 'n': out += '\n'; advance(); break;
        case 't': out += '\t'; advance(); break;
        case 'x': {
          advance();
          if (!isHexDigit(cur()) || !isHexDigit(at(1))) error(escLoc, "expected two hex digits after \\x");
          out += static_cast<char>(hexValue(cur()) * 16 + hexValue(at(1)));
          advance();
          advance();
          break;
        }
        default:
          if (atEnd() || e == '\n') error(start, "unterminated string");
          error(escLoc, "unknown escape '\\", e, "' in string");
      }
    }
  }

  // The name after '%' or '@': a quoted string or a run of [A-Za-z0-9_.$-].
  std::string lexSigilName(Loc start, char sigil) {
    if (cur() == '"') {
      std::string s = lexString();
      // Module and function names may be empty; value names may not.
      if (s.empty() && sigil == '%') error(start, "empty value name");
      return s;
    }
    size_t b = pos_;
    while (isBareNameChar(cur())) advance();
    if (pos_ == b) error(start, "expected a name after '", sigil, "'");
    return std::string(src_.substr(b, pos_ - b));
  }

  Token lex() {
    skipSpace();
    Token t;
    t.loc = loc_;
    size_t b = pos_;
    if (atEnd()) return t;
    char c = cur();
    if (c == '%' || c == '@') {
      advance();
      t.kind = c == '%' ? Tok::ValueName : Tok::AtName;
      t.text = lexSigilName(t.loc, c);
    } else if (c == '"') {
      t.kind = Tok::String;
      t.text = lexString();
    } else if (c == '0' && (at(1) == 'x' || at(1) == 'X')) {
      t.kind = Tok::Hex;
      advance();
      advance();
      size_t hb = pos_;
      while (isHexDigit(cur())) advance();
      if (pos_ == hb) error(t.loc, "expected hex digits after 0x");
      if (isIdentChar(cur())) error(loc_, "unexpected ", describeChar(cur()), " in hex data");
    } else if (isDigit(c) || (c == '-' && isDigit(at(1)))) {
      t.kind = Tok::Number;
      if (c == '-') advance();
      while (isDigit(cur())) advance();
      if (cur() == '.') {
        t.isFloat = true;
        advance();
        while (isDigit(cur())) advance();
      }
      if (cur() == 'e' || cur() == 'E') {
        t.isFloat = true;
        advance();
        if (cur() == '+' || cur() == '-') advance();
        if (!isDigit(cur())) error(t.loc, "malformed number: expected digits in the exponent");
        while (isDigit(cur())) advance();
      }
      if (isIdentChar(cur())) error(loc_, "unexpected ", describeChar(cur()), " after number");
    } else if (isIdentStart(c)) {
      t.kind = Tok::Ident;
      while (isIdentChar(cur())) advance();
      t.text = std::string(src_.substr(b, pos_ - b));
    } else if (std::strchr("(){}[]<>,=:*?-", c) != nullptr) {
      t.kind = Tok::Punct;
      t.text = std::string(1, c);
      advance();
    } else {
      error(t.loc, "unexpected ", describeChar(c));
    }
    t.raw = src_.substr(b, pos_ - b);
    return t;
  }

  // ---- tokens ---------------------------------------------------------------
  const Token& peek() {
    if (!hasPeek_) {
      peeked_ = lex();
      hasPeek_ = true;
    }
    return peeked_;
  }
  Token next() {
    if (hasPeek_) {
      hasPeek_ = false;
      return std::move(peeked_);
    }
    return lex();
  }
  static bool isPunct(const Token& t, char c) { return t.kind == Tok::Punct && t.text[0] == c; }

  std::string found(const Token& t) const {
    if (t.kind == Tok::Eof) return "end of input";
    std::string r(t.raw.substr(0, 20));
    if (t.raw.size() > 20) r += "...";
    return "'" + r + "'";
  }

  Token expectPunct(char c) {
    Token t = next();
    if (!isPunct(t, c)) error(t.loc, "expected '", c, "', found ", found(t));
    return t;
  }
  Token expect(Tok kind, std::string_view what) {
    Token t = next();
    if (t.kind != kind) error(t.loc, "expected ", what, ", found ", found(t));
    return t;
  }
  Token expectKeyword(std::string_view kw) {
    Token t = next();
    if (t.kind != Tok::Ident || t.text != kw) error(t.loc, "expected '", kw, "', found ", found(t));
    return t;
  }
  // Attribute and metadata keys: identifier or string.
  Token parseKey() {
    Token t = next();
    if (t.kind != Tok::Ident && t.kind != Tok::String) error(t.loc, "expected a key, found ", found(t));
    return t;
  }

  // ---- types ----------------------------------------------------------------
  // `tensor<...>`; the body is read character by character (no spaces inside).
  TensorType parseType() {
    Token t = next();
    if (t.kind != Tok::Ident || t.text != "tensor") error(t.loc, "expected a type, found ", found(t));
    if (hasPeek_ || cur() != '<') error(loc_, "expected '<' after 'tensor'");
    advance();
    TensorType type;
    if (cur() == '*') {
      advance();
      expectChar('x', "after '*'");
      type.ranked = false;
    }
    for (;;) {
      Loc dl = loc_;
      char c = cur();
      if (type.ranked && isDigit(c)) {
        int64_t v = 0;
        while (isDigit(cur())) {
          int d = cur() - '0';
          if (v > (std::numeric_limits<int64_t>::max() - d) / 10) error(dl, "dimension is too large");
          v = v * 10 + d;
          advance();
        }
        type.shape.emplace_back(v);
      } else if (type.ranked && c == '?') {
        advance();
        type.shape.emplace_back();
      } else if (type.ranked && c == '{') {
        advance();
        std::string sym;
        if (cur() == '"') {
          sym = lexString();
        } else {
          while (!atEnd() && cur() != '}' && cur() != '\n') {
            sym += cur();
            advance();
          }
        }
        if (cur() != '}') error(dl, "unterminated dimension symbol");
        advance();
        type.shape.push_back(sym == "?" ? Dim() : Dim::sym(sym));
      } else if (isIdentStart(c)) {
        size_t b = pos_;
        while (isIdentStart(cur()) || isDigit(cur())) advance();
        std::string_view name = src_.substr(b, pos_ - b);
        auto dt = parseDType(name);
        if (!dt) error(dl, "unknown dtype '", name, "'");
        type.dtype = *dt;
        break;
      } else {
        error(dl, type.ranked ? "expected a dimension or a dtype in the type, found "
                              : "expected a dtype in the type, found ",
              atEnd() ? "end of input" : describeChar(c));
      }
      expectChar('x', "after a dimension");
    }
    expectChar('>', "to close the type");
    std::vector<int64_t> staticDims;
    for (const Dim& d : type.shape)
      if (d.isStatic()) staticDims.push_back(d.value);
    try {
      checkedNumElements(staticDims);
    } catch (const Error& e) {
      error(t.loc, e.what());
    }
    return type;
  }

  void expectChar(char c, std::string_view where) {
    if (cur() != c)
      error(loc_, "expected '", c, "' ", where, ", found ", atEnd() ? "end of input" : describeChar(cur()));
    advance();
  }

  // ---- numbers --------------------------------------------------------------
  int64_t parseInt64(const Token& t) {
    int64_t v = 0;
    auto r = std::from_chars(t.raw.data(), t.raw.data() + t.raw.size(), v);
    if (r.ec != std::errc() || r.ptr != t.raw.data() + t.raw.size())
      error(t.loc, "integer ", t.raw, " does not fit in 64 bits");
    return v;
  }

  // An integer element of an integer dtype, returned as its two's complement bits.
  uint64_t parseIntElement(DType dt) {
    Token t = next();
    if (t.kind != Tok::Number || t.isFloat)
      error(t.loc, "expected an integer element of ", dtypeName(dt), ", found ", found(t));
    bool neg = t.raw[0] == '-';
    const char* b = t.raw.data();
    const char* e = b + t.raw.size();
    auto outOfRange = [&]() { error(t.loc, "integer ", t.raw, " is out of range for ", dtypeName(dt)); };
    if (neg) {
      int64_t v = 0;
      auto r = std::from_chars(b, e, v);
      if (r.ec != std::errc() || r.ptr != e) outOfRange();
      if (!isSigned(dt) && v != 0) outOfRange();
      int bits = static_cast<int>(dtypeSize(dt) * 8);
      if (bits < 64 && v < -(int64_t{1} << (bits - 1))) outOfRange();
      return static_cast<uint64_t>(v);
    }
    uint64_t v = 0;
    auto r = std::from_chars(b, e, v);
    if (r.ec != std::errc() || r.ptr != e) outOfRange();
    int bits = static_cast<int>(dtypeSize(dt) * 8) - (isSigned(dt) ? 1 : 0);
    if (bits < 64 && v > (uint64_t{1} << bits) - 1) outOfRange();
    return v;
  }

  // A float literal for a float of `width` bytes (2, 4 or 8) and its dtype,
  // returned as the element's bits: decimal (or integer), inf, -inf, nan, -nan,
  // or nan(0xBITS) for a NaN with a specific payload.
  uint64_t parseFloatBits(DType dt) {
    Token t = next();
    bool neg = false;
    if (isPunct(t, '-')) {
      neg = true;
      t = next();
      if (t.kind != Tok::Ident || (t.text != "inf" && t.text != "nan"))
        error(t.loc, "expected inf or nan after '-', found ", found(t));
    }
    const int width = static_cast<int>(dtypeSize(dt));
    const uint64_t sign = uint64_t{1} << (width * 8 - 1);
    if (t.kind == Tok::Ident && t.text == "inf") {
      uint64_t bits = dt == DType::Float64   ? 0x7FF0000000000000ull
                      : dt == DType::Float32 ? 0x7F800000u
                      : dt == DType::Float16 ? 0x7C00u
                                             : 0x7F80u;
      return neg ? bits | sign : bits;
    }
    if (t.kind == Tok::Ident && t.text == "nan") {
      uint64_t bits = dt == DType::Float64   ? 0x7FF8000000000000ull
                      : dt == DType::Float32 ? 0x7FC00000u
                      : dt == DType::Float16 ? 0x7E00u
                                             : 0x7FC0u;
      if (!neg && isPunct(peek(), '(')) {
        next();
        Token h = expect(Tok::Hex, "the NaN's bits (0x...)");
        std::string_view digits = h.raw.substr(2);
        if (static_cast<int>(digits.size()) != width * 2)
          error(h.loc, "NaN bits of ", dtypeName(dt), " need ", width * 2, " hex digits, got ", digits.size());
        uint64_t v = 0;
        for (char c : digits) v = v * 16 + static_cast<uint64_t>(hexValue(c));
        if (!isNanBits(dt, v)) error(h.loc, "bits ", h.raw, " are not a NaN of ", dtypeName(dt));
        expectPunct(')');
        return v;
      }
      return neg ? bits | sign : bits;
    }
    if (t.kind != Tok::Number) error(t.loc, "expected a ", dtypeName(dt), " value, found ", found(t));
    const char* b = t.raw.data();
    const char* e = b + t.raw.size();
    auto outOfRange = [&]() { error(t.loc, "number ", t.raw, " is out of range for ", dtypeName(dt)); };
    if (dt == DType::Float64) {
      double v = 0;
      auto r = std::from_chars(b, e, v);
      if (r.ec != std::errc() || r.ptr != e) outOfRange();
      uint64_t bits;
      std::memcpy(&bits, &v, 8);
      return bits;
    }
    float v = 0;
    auto r = std::from_chars(b, e, v);
    if (r.ec != std::errc() || r.ptr != e) outOfRange();
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    if (dt == DType::Float32) return bits;
    uint16_t h = dt == DType::Float16 ? floatToHalf(v) : floatToBFloat16(v);
    if ((h & 0x7FFFu) == (dt == DType::Float16 ? 0x7C00u : 0x7F80u)) outOfRange();
    return h;
  }

  static bool isNanBits(DType dt, uint64_t v) {
    switch (dt) {
      case DType::Float64: return (v & 0x7FFFFFFFFFFFFFFFull) > 0x7FF0000000000000ull;
      case DType::Float32: return (v & 0x7FFFFFFFu) > 0x7F800000u;
      case DType::Float16: return (v & 0x7FFFu) > 0x7C00u;
      default: return (v & 0x7FFFu) > 0x7F80u;
    }
  }

  double parseDoubleToken() {
    uint64_t bits = parseFloatBits(DType::Float64);
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
  }

  // ---- tensors --------------------------------------------------------------
  // `tensor<...> [elems]` or `tensor<...> 0xHEX`.
  Tensor parseTensorBody() {
    Loc typeLoc = peek().loc;
    TensorType type = parseType();
    if (!type.isStatic()) error(typeLoc, "a constant's type must be static, got ", type.str());
    int64_t numel = checkedNumElements(type.extents());
    auto elemSize = static_cast<int64_t>(dtypeSize(type.dtype));
    if (numel > std::numeric_limits<int64_t>::max() / elemSize)
      error(typeLoc, "constant ", type.str(), " is too large");
    int64_t bytes = numel * elemSize;
    Token t = peek();
    if (isPunct(t, '<')) {
      next();
      Token kw = next();
      if (kw.kind == Tok::Ident && kw.text == "elided") error(t.loc, "constant elided; print with elision off");
      error(kw.loc, "expected constant data, found ", found(kw));
    }
    if (t.kind == Tok::Hex) {
      next();
      std::string_view digits = t.raw.substr(2);
      if (digits.size() % 2 != 0) error(t.loc, "hex data has an odd number of digits");
      if (static_cast<int64_t>(digits.size() / 2) != bytes)
        error(t.loc, "constant data size mismatch: ", type.str(), " needs ", bytes, " bytes, got ",
              digits.size() / 2);
      Tensor out(type.dtype, type.extents());
      auto* p = static_cast<uint8_t*>(out.rawData());
      for (size_t i = 0; i < digits.size() / 2; ++i)
        p[i] = static_cast<uint8_t>(hexValue(digits[2 * i]) * 16 + hexValue(digits[2 * i + 1]));
      return out;
    }
    if (!isPunct(t, '['))
      error(t.loc, "expected constant data ('[' or 0x...), found ", found(t));
    next();
    // Each element takes at least one character of input: check before allocating.
    if (numel > static_cast<int64_t>(src_.size()))
      error(t.loc, "constant data size mismatch: ", type.str(), " needs ", numel, " elements");
    Tensor out(type.dtype, type.extents());
    auto* p = static_cast<uint8_t*>(out.rawData());
    int64_t count = 0;
    if (!isPunct(peek(), ']')) {
      for (;;) {
        Loc el = peek().loc;
        if (count >= numel)
          error(el, "constant data size mismatch: ", type.str(), " needs ", numel, " elements, got more");
        uint64_t bits;
        if (type.dtype == DType::Bool) {
          Token b = next();
          if (b.kind != Tok::Ident || (b.text != "true" && b.text != "false"))
            error(b.loc, "expected true or false, found ", found(b));
          bits = b.text == "true" ? 1 : 0;
        } else if (isFloat(type.dtype)) {
          bits = parseFloatBits(type.dtype);
        } else {
          bits = parseIntElement(type.dtype);
        }
        // Little-endian store of the element's low bytes.
        for (int64_t k = 0; k < elemSize; ++k) p[count * elemSize + k] = static_cast<uint8_t>(bits >> (8 * k));
        ++count;
        if (!isPunct(peek(), ',')) break;
        next();
      }
    }
    Token close = next();
    if (!isPunct(close, ']')) error(close.loc, "expected ',' or ']', found ", found(close));
    if (count != numel)
      error(close.loc, "constant data size mismatch: ", type.str(), " needs ", numel, " elements, got ", count);
    return out;
  }

  // ---- attributes -----------------------------------------------------------
  Attribute parseAttrValue() {
    const Token& t = peek();
    if (t.kind == Tok::String) return Attribute(next().text);
    if (t.kind == Tok::Number && !t.isFloat) return Attribute(parseInt64(next()));
    if (t.kind == Tok::Ident && (t.text == "ints" || t.text == "floats" || t.text == "strings")) {
      Token kw = next();
      expectPunct('[');
      expectPunct(']');
      if (kw.text == "ints") return Attribute(std::vector<int64_t>{});
      if (kw.text == "floats") return Attribute(std::vector<double>{});
      return Attribute(std::vector<std::string>{});
    }
    if (t.kind == Tok::Ident && t.text == "dense") {
      next();
      expectPunct('<');
      Tensor v = parseTensorBody();
      expectPunct('>');
      return Attribute(std::move(v));
    }
    if (isPunct(t, '[')) return parseAttrList();
    if (t.kind == Tok::Number || isPunct(t, '-') || (t.kind == Tok::Ident && (t.text == "inf" || t.text == "nan")))
      return Attribute(parseDoubleToken());
    error(t.loc, "expected an attribute value, found ", found(t));
  }

  // `[1, 2]`, `[1.0, 2]` (floats), `["a", "b"]`.
  Attribute parseAttrList() {
    Token open = next();
    if (isPunct(peek(), ']'))
      error(open.loc, "an empty list needs its kind: write ints[], floats[] or strings[]");
    if (peek().kind == Tok::String) {
      std::vector<std::string> v;
      for (;;) {
        v.push_back(expect(Tok::String, "a string list element").text);
        if (!isPunct(peek(), ',')) break;
        next();
      }
      expectListEnd();
      return Attribute(std::move(v));
    }
    // Numbers: integers stay ints unless any element is a float.
    std::vector<int64_t> ints;
    std::vector<double> floats;
    bool isFloats = false;
    for (;;) {
      const Token& t = peek();
      if (t.kind == Tok::Number && !t.isFloat) {
        Token n = next();
        int64_t v = parseInt64(n);
        if (isFloats)
          floats.push_back(static_cast<double>(v));
        else
          ints.push_back(v);
      } else if (t.kind == Tok::Number || isPunct(t, '-') ||
                 (t.kind == Tok::Ident && (t.text == "inf" || t.text == "nan"))) {
        if (!isFloats) {
          isFloats = true;
          for (int64_t i : ints) floats.push_back(static_cast<double>(i));
        }
        floats.push_back(parseDoubleToken());
      } else {
        error(t.loc, "expected a number in the list, found ", found(t));
      }
      if (!isPunct(peek(), ',')) break;
      next();
    }
    expectListEnd();
    if (isFloats) return Attribute(std::move(floats));
    return Attribute(std::move(ints));
  }

  void expectListEnd() {
    Token t = next();
    if (!isPunct(t, ']')) error(t.loc, "expected ',' or ']', found ", found(t));
  }

  AttrMap parseAttrDict() {
    AttrMap attrs;
    expectPunct('{');
    if (!isPunct(peek(), '}')) {
      for (;;) {
        Token key = parseKey();
        expectPunct('=');
        Attribute v = parseAttrValue();
        if (attrs.count(key.text)) error(key.loc, "attribute '", key.text, "' given twice");
        attrs.emplace(key.text, std::move(v));
        if (!isPunct(peek(), ',')) break;
        next();
      }
    }
    Token close = next();
    if (!isPunct(close, '}')) error(close.loc, "expected ',' or '}', found ", found(close));
    return attrs;
  }

  // ---- functions ------------------------------------------------------------
  void defineCheck(Function& f, const Token& name) {
    if (f.findValue(name.text)) error(name.loc, "value %", name.text, " defined twice");
  }

  // A use: %name or none.
  PendingUse parseUse() {
    Token t = next();
    if (t.kind == Tok::Ident && t.text == "none") return PendingUse{nullptr, 0, "", t.loc};
    if (t.kind != Tok::ValueName) error(t.loc, "expected a value (%name or none), found ", found(t));
    return PendingUse{nullptr, 0, t.text, t.loc};
  }

  void parseFunction(Module& m) {
    expectKeyword("func");
    Token name = expect(Tok::AtName, "function name (@name)");
    if (m.function(name.text)) error(name.loc, "function @", name.text, " defined twice");
    Function& f = *m.addFunction(name.text);
    expectPunct('(');
    if (!isPunct(peek(), ')')) {
      for (;;) {
        Token arg = expect(Tok::ValueName, "an argument (%name)");
        defineCheck(f, arg);
        expectPunct(':');
        f.addArgument(arg.text, parseType());
        if (!isPunct(peek(), ',')) break;
        next();
      }
    }
    Token close = next();
    if (!isPunct(close, ')')) error(close.loc, "expected ',' or ')', found ", found(close));
    expectPunct('{');

    std::vector<PendingUse> uses;
    for (;;) {
      const Token& t = peek();
      if (t.kind == Tok::Ident && t.text == "return") {
        next();
        if (peek().kind == Tok::ValueName || (peek().kind == Tok::Ident && peek().text == "none")) {
          for (size_t i = 0;; ++i) {
            PendingUse u = parseUse();
            u.index = i;
            uses.push_back(std::move(u));
            if (!isPunct(peek(), ',')) break;
            next();
          }
        }
        expectPunct('}');
        break;
      }
      if (t.kind == Tok::ValueName) {
        parseDefinition(f, uses);
      } else if (t.kind == Tok::Ident || t.kind == Tok::String) {
        parseNode(f, {}, uses);
      } else {
        error(t.loc, "expected a statement or 'return', found ", found(t));
      }
    }

    // Resolve uses now that every value of the function is known.
    std::vector<Value*> outputs;
    for (const PendingUse& u : uses) {
      Value* v = nullptr;
      if (!u.name.empty()) {
        v = f.findValue(u.name);
        if (!v) error(u.loc, "use of undefined value %", u.name);
      }
      if (u.node)
        u.node->setInput(u.index, v);
      else
        outputs.push_back(v);
    }
    f.setOutputs(std::move(outputs));
  }

  // `%a, %b = Op(...) ...` or `%c = const ...`.
  void parseDefinition(Function& f, std::vector<PendingUse>& uses) {
    std::vector<Token> names;
    for (;;) {
      Token n = expect(Tok::ValueName, "a value name");
      defineCheck(f, n);
      for (const Token& o : names)
        if (o.text == n.text) error(n.loc, "value %", n.text, " defined twice");
      names.push_back(std::move(n));
      if (!isPunct(peek(), ',')) break;
      next();
    }
    expectPunct('=');
    const Token& t = peek();
    if (t.kind == Tok::Ident && t.text == "const") {
      Token kw = next();
      if (names.size() != 1) error(kw.loc, "a constant defines exactly one value");
      f.addConstant(names[0].text, parseTensorBody());
      return;
    }
    parseNode(f, names, uses);
  }

  void parseNode(Function& f, const std::vector<Token>& results, std::vector<PendingUse>& uses) {
    Token op = next();
    if (op.kind != Tok::Ident && op.kind != Tok::String) error(op.loc, "expected an op name, found ", found(op));
    expectPunct('(');
    std::vector<PendingUse> ins;
    if (!isPunct(peek(), ')')) {
      for (;;) {
        ins.push_back(parseUse());
        if (!isPunct(peek(), ',')) break;
        next();
      }
    }
    Token close = next();
    if (!isPunct(close, ')')) error(close.loc, "expected ',' or ')', found ", found(close));
    AttrMap attrs;
    if (isPunct(peek(), '{')) attrs = parseAttrDict();
    std::vector<TensorType> types;
    if (!results.empty()) {
      Token colon = next();
      if (!isPunct(colon, ':')) error(colon.loc, "expected ':' and the result types, found ", found(colon));
      for (;;) {
        Loc tl = peek().loc;
        types.push_back(parseType());
        if (types.size() > results.size())
          error(tl, op.text, " has ", results.size(), " result", results.size() == 1 ? "" : "s",
                " but more types are given");
        if (!isPunct(peek(), ',')) break;
        next();
      }
      if (types.size() != results.size())
        error(colon.loc, op.text, " has ", results.size(), " results but ", types.size(), " type",
              types.size() == 1 ? " is" : "s are", " given");
    }
    std::string label;
    if (peek().kind == Tok::Ident && peek().text == "loc") {
      next();
      expectPunct('(');
      label = expect(Tok::String, "a node label string").text;
      expectPunct(')');
    }
    std::vector<std::string> names;
    for (const Token& r : results) names.push_back(r.text);
    Node* n = f.addNode(op.text, std::vector<Value*>(ins.size(), nullptr), std::move(attrs), std::move(types),
                        std::move(names));
    n->setName(std::move(label));
    for (size_t i = 0; i < ins.size(); ++i) {
      ins[i].node = n;
      ins[i].index = i;
      uses.push_back(std::move(ins[i]));
    }
  }

  std::string_view src_;
  std::string source_;
  size_t pos_ = 0;
  Loc loc_;
  Token peeked_;
  bool hasPeek_ = false;
};

}  // namespace

std::unique_ptr<Module> parseModule(std::string_view text, const std::string& sourceName) {
  Parser p(text, sourceName);
  return p.parseModule();
}

std::unique_ptr<Module> parseModuleFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read '", path, "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) fail("cannot read '", path, "'");
  return parseModule(ss.str(), path);
}

}  // namespace dlc
