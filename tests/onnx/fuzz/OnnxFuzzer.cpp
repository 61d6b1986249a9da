// libFuzzer target for the ONNX frontend: any byte string must import cleanly
// or fail with a dlc::Error — never crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "OnnxImporter.h"
#include "dlc/support/Error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dlc::onnx::importOnnxBytes(std::string(reinterpret_cast<const char*>(data), size), "", "fuzz.onnx", {});
  } catch (const dlc::Error&) {
  }
  return 0;
}
