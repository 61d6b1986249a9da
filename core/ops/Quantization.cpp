// Quantization ops.
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {

void registerQuantizationOps(OpRegistry& r) {}

}  // namespace dlc
