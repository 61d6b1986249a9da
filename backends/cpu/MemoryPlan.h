// Static memory planning for a compiled module's intermediate buffers: offsets
// in one arena, shared by buffers whose lifetimes do not overlap. Tested by
// tests/cpu/MemoryPlanTest.cpp.
#pragma once

#include <cstdint>
#include <vector>

namespace dlc::cpu {

struct LiveRange {
  int first = 0, last = 0;  // steps writing and last reading the buffer (inclusive)
  uint64_t bytes = 0;
  uint64_t offset = 0;      // set by planMemory
};

// Assigns 64-byte-aligned offsets so that buffers alive at the same step never
// overlap; returns the arena size.
uint64_t planMemory(std::vector<LiveRange>& ranges);

}  // namespace dlc::cpu
