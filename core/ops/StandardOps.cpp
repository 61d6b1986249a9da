#include "ops/StandardOps.h"

namespace dlc {

void registerStandardOps(OpRegistry& r) {
#define DLC_OP_CATEGORY(NAME) register##NAME##Ops(r);
#include "ops/OpCategories.def"
#undef DLC_OP_CATEGORY
}

}  // namespace dlc
