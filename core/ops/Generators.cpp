// Generators ops.
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {

void registerGeneratorsOps(OpRegistry& r) {}

}  // namespace dlc
