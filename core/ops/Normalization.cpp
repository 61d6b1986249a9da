// Normalization ops.
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {

void registerNormalizationOps(OpRegistry& r) {}

}  // namespace dlc
