// Conv ops.
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {

void registerConvOps(OpRegistry& r) {}

}  // namespace dlc
