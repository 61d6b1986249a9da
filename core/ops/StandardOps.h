// Registers dlc's standard op set into an op registry. Each category file
// defines `register<Category>Ops`; StandardOps.cpp lists them in one place.
#pragma once

namespace dlc {
class OpRegistry;

void registerStandardOps(OpRegistry& r);

#define DLC_OP_CATEGORY(NAME) void register##NAME##Ops(OpRegistry& r);
#include "ops/OpCategories.def"
#undef DLC_OP_CATEGORY

}  // namespace dlc
