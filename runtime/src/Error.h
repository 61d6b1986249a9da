// The runtime's internal error: a status code from dlc_runtime.h and one line of
// text. Thrown inside the library, turned into a return value and
// dlc_last_error() at the C API (CApi.cpp).
#pragma once

#include <stdexcept>
#include <string>

#include "dlc/runtime/dlc_runtime.h"

namespace dlc::runtime::impl {

class Error : public std::runtime_error {
 public:
  Error(DlcStatus status, const std::string& message) : std::runtime_error(message), status_(status) {}
  DlcStatus status() const { return status_; }

 private:
  DlcStatus status_;
};

[[noreturn]] inline void fail(DlcStatus status, const std::string& message) { throw Error(status, message); }

}  // namespace dlc::runtime::impl
