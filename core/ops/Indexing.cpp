// Indexing ops.
#include "ops/OpHelpers.h"
#include "ops/StandardOps.h"

namespace dlc {

void registerIndexingOps(OpRegistry& r) {}

}  // namespace dlc
