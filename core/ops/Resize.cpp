// Resize ops.
#include "ops/DataOps.h"
#include "ops/StandardOps.h"

namespace dlc {

void registerResizeOps(OpRegistry& r) {}

}  // namespace dlc
