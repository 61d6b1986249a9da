// Static memory planning: intermediate buffers get offsets in one arena so that
// buffers whose lifetimes do not overlap share memory.
//
// Note on the algorithm: each intermediate is live from the step that writes it
// to the last step that reads it. Buffers are placed largest first; each takes
// the lowest 64-byte-aligned offset that does not overlap any already placed
// buffer whose lifetime intersects its own (greedy by size, as TVM's and
// TFLite's static planners do). The arena's size is the highest end.
#include "MemoryPlan.h"

#include <algorithm>
#include <numeric>

namespace dlc::cpu {

namespace {
constexpr uint64_t kAlign = 64;
uint64_t alignUp(uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }
}  // namespace

uint64_t planMemory(std::vector<LiveRange>& ranges) {
  std::vector<size_t> order(ranges.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ranges[a].bytes > ranges[b].bytes; });
  std::vector<size_t> placed;
  uint64_t arena = 0;
  for (size_t i : order) {
    LiveRange& r = ranges[i];
    // Placed buffers alive at the same time, by offset.
    std::vector<const LiveRange*> busy;
    for (size_t p : placed) {
      const LiveRange& q = ranges[p];
      if (q.first <= r.last && r.first <= q.last) busy.push_back(&q);
    }
    std::sort(busy.begin(), busy.end(), [](const LiveRange* a, const LiveRange* b) { return a->offset < b->offset; });
    uint64_t at = 0;
    for (const LiveRange* q : busy) {
      if (at + r.bytes <= q->offset) break;
      at = std::max(at, alignUp(q->offset + q->bytes));
    }
    r.offset = at;
    arena = std::max(arena, alignUp(at + r.bytes));
    placed.push_back(i);
  }
  return arena;
}

}  // namespace dlc::cpu
