// The static memory planner: buffers alive at the same step never overlap,
// buffers with disjoint lifetimes share memory, offsets are 64-byte aligned.
#include <gtest/gtest.h>

#include "MemoryPlan.h"

using dlc::cpu::LiveRange;
using dlc::cpu::planMemory;

namespace {
bool overlap(const LiveRange& a, const LiveRange& b) {
  bool live = a.first <= b.last && b.first <= a.last;
  bool mem = a.offset < b.offset + b.bytes && b.offset < a.offset + a.bytes;
  return live && mem;
}
}  // namespace

TEST(MemoryPlan, ChainReusesMemory) {
  // a -> b -> c -> d: each buffer lives two steps; a and c can share.
  std::vector<LiveRange> r = {{0, 1, 1000}, {1, 2, 1000}, {2, 3, 1000}, {3, 4, 1000}};
  uint64_t arena = planMemory(r);
  EXPECT_EQ(arena, 2048u);  // two 1000-byte slots, each rounded to 1024
  for (size_t i = 0; i < r.size(); ++i)
    for (size_t j = i + 1; j < r.size(); ++j) EXPECT_FALSE(overlap(r[i], r[j])) << i << " " << j;
}

TEST(MemoryPlan, AllAliveNeedsTheSum) {
  std::vector<LiveRange> r = {{0, 5, 100}, {1, 5, 200}, {2, 5, 64}};
  uint64_t arena = planMemory(r);
  EXPECT_EQ(arena, 256u + 128u + 64u);
  for (const LiveRange& x : r) EXPECT_EQ(x.offset % 64, 0u);
  for (size_t i = 0; i < r.size(); ++i)
    for (size_t j = i + 1; j < r.size(); ++j) EXPECT_FALSE(overlap(r[i], r[j]));
}

TEST(MemoryPlan, ManyRandomRangesNeverOverlap) {
  std::vector<LiveRange> r;
  uint64_t seed = 7, total = 0;
  for (int i = 0; i < 200; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    int first = static_cast<int>((seed >> 33) % 100);
    int len = static_cast<int>((seed >> 20) % 10);
    uint64_t bytes = 1 + (seed >> 40) % 5000;
    r.push_back({first, first + len, bytes});
    total += (bytes + 63) / 64 * 64;
  }
  uint64_t arena = planMemory(r);
  EXPECT_LT(arena, total);
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_LE(r[i].offset + r[i].bytes, arena);
    for (size_t j = i + 1; j < r.size(); ++j) ASSERT_FALSE(overlap(r[i], r[j])) << i << " " << j;
  }
}
