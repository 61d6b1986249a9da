// Loop vectorization: rewrites each LoopKind::Vectorized loop of constant
// extent W into its body with the loop variable replaced by ramp(min, 1, W);
// scalars combined with it are broadcast, lets whose value becomes a vector
// become vector lets, and loads and stores through a vector index become
// vector accesses (a stride-1 ramp index is a dense access, any other vector
// index a gather or scatter; the backend tells them apart by the index form).
// A loop whose body cannot be vectorized (a store of a vector value to a scalar
// index, an if on a vector condition, an allocation, a loop bound that depends
// on the vectorized variable, a nested vector) becomes a serial loop.
// Tests: tests/kernel/VectorizeTest.cpp.
#pragma once

#include "dlc/kernel/KernelIR.h"

namespace dlc::kernel {

StmtRef vectorizeLoops(const StmtRef& s);

}  // namespace dlc::kernel
