// Errors in dlc are exceptions of one type, caught at the tool boundary (the CLI,
// the plugin loader, the conformance runner) and printed as one line. `Unsupported`
// marks a clean refusal: the input is valid but dlc cannot handle it yet.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace dlc {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

// Valid input that dlc does not support (an op, a dtype, an attribute value).
class Unsupported : public Error {
 public:
  explicit Unsupported(const std::string& msg) : Error(msg) {}
};

namespace detail {
inline void appendAll(std::ostringstream&) {}
template <typename T, typename... Rest>
void appendAll(std::ostringstream& os, const T& v, const Rest&... rest) {
  os << v;
  appendAll(os, rest...);
}
}  // namespace detail

// Builds a message from its pieces: fail("node ", name, ": bad axis ", axis).
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream os;
  detail::appendAll(os, args...);
  return os.str();
}

template <typename... Args>
[[noreturn]] void fail(const Args&... args) {
  throw Error(concat(args...));
}

template <typename... Args>
[[noreturn]] void unsupported(const Args&... args) {
  throw Unsupported(concat(args...));
}

}  // namespace dlc

// Checks an internal or input condition; throws dlc::Error with the message.
#define DLC_CHECK(cond, ...)                 \
  do {                                       \
    if (!(cond)) ::dlc::fail(__VA_ARGS__);   \
  } while (0)
