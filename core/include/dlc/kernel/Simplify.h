// A small Kernel IR simplifier: folds constants, drops integer identities
// (x + 0, x * 1), and keeps vector index arithmetic in Ramp/Broadcast form
// (ramp(b, s) + broadcast(x) -> ramp(b + x, s)), so that the backends can tell
// a dense vector access from a gather. Float arithmetic is folded only where the
// result is exact (constants of the same type); float identities are kept.
// Tests: tests/kernel/VectorizeTest.cpp (SimplifyTest.*).
#pragma once

#include "dlc/kernel/KernelIR.h"

namespace dlc::kernel {

ExprRef simplify(const ExprRef& e);
StmtRef simplify(const StmtRef& s);

}  // namespace dlc::kernel
