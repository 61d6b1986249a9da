// Padding ops.
#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {

void registerPaddingOps(OpRegistry& r) {}

}  // namespace dlc
