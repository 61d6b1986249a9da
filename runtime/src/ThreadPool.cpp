// The runtime's thread pool (see ThreadPool.h for the fork/join protocol).
#include "ThreadPool.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace dlc::runtime::impl {

namespace {

// True while this thread runs loop bodies: a parallelFor from there is nested.
thread_local bool tlsInBody = false;

// How long a waiting thread polls before it sleeps (a few microseconds).
constexpr int kSpinIterations = 4000;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield" ::: "memory");
#endif
}

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t), "futex words are plain 32-bit integers");

void futexWait(std::atomic<uint32_t>* word, uint32_t expected) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futexWakeAll(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

void runSerially(int64_t n, ThreadPool::Body body, void* closure) {
  for (int64_t i = 0; i < n; ++i) body(closure, i);
}

}  // namespace

ThreadPool::ThreadPool(int numThreads) {
  int n = std::clamp(numThreads, 1, kMaxThreads);
  ranges_ = std::vector<Range>(static_cast<size_t>(n));
  workers_.reserve(static_cast<size_t>(n - 1));
  uint32_t g = generation_.load();
  for (int i = 1; i < n; ++i) workers_.emplace_back([this, i, g] { workerLoop(i, g); });
}

ThreadPool::~ThreadPool() {
  stop_.store(true);
  generation_.fetch_add(1);
  futexWakeAll(&generation_);
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::runChunks(int self) {
  int t = static_cast<int>(ranges_.size());
  for (int k = 0; k < t; ++k) {  // the home range first, then the others'
    Range& r = ranges_[static_cast<size_t>((self + k) % t)];
    for (;;) {
      int64_t begin = r.next.fetch_add(grain_, std::memory_order_relaxed);
      if (begin >= r.end) break;
      int64_t end = std::min(r.end, begin + grain_);
      for (int64_t i = begin; i < end; ++i) body_(closure_, i);
    }
  }
}

bool ThreadPool::enter() {
  uint32_t s = state_.load();
  while (!(s & kClosed))
    if (state_.compare_exchange_weak(s, s + 1)) return true;
  return false;
}

void ThreadPool::leave() {
  if (state_.fetch_sub(1) == (kClosed | 1) && callerWaiting_.load()) futexWakeAll(&state_);
}

void ThreadPool::workerLoop(int self, uint32_t seen) {
  tlsInBody = true;  // a worker only ever runs bodies
  for (;;) {
    uint32_t g = generation_.load(std::memory_order_acquire);
    for (int spin = 0; g == seen && spin < kSpinIterations; ++spin) {
      cpuRelax();
      g = generation_.load(std::memory_order_acquire);
    }
    if (g == seen) {
      sleepers_.fetch_add(1);
      while ((g = generation_.load()) == seen) futexWait(&generation_, seen);
      sleepers_.fetch_sub(1);
    }
    seen = g;
    if (stop_.load()) return;
    // The job read after entering is the open one, whichever generation woke us.
    if (!enter()) continue;
    runChunks(self);
    leave();
  }
}

void ThreadPool::parallelFor(int64_t n, Body body, void* closure) {
  if (n <= 0) return;
  if (tlsInBody || workers_.empty() || n == 1) return runSerially(n, body, closure);

  std::lock_guard<std::mutex> lock(callerMutex_);
  // state_ is kClosed with nobody inside: the job fields are ours to write.
  body_ = body;
  closure_ = closure;
  int64_t t = numThreads();
  grain_ = std::max<int64_t>(1, n / (t * 8));
  for (int64_t i = 0; i < t; ++i) {
    ranges_[static_cast<size_t>(i)].next.store(i * n / t, std::memory_order_relaxed);
    ranges_[static_cast<size_t>(i)].end = (i + 1) * n / t;
  }
  state_.store(0);           // open
  generation_.fetch_add(1);  // wake the workers
  if (sleepers_.load() > 0) futexWakeAll(&generation_);

  tlsInBody = true;
  runChunks(0);
  tlsInBody = false;

  // Every iteration is claimed; close the job and wait for those inside.
  uint32_t s = state_.fetch_or(kClosed) | kClosed;
  for (int spin = 0; s != kClosed && spin < kSpinIterations; ++spin) {
    cpuRelax();
    s = state_.load(std::memory_order_acquire);
  }
  if (s == kClosed) return;
  callerWaiting_.store(1);
  while ((s = state_.load()) != kClosed) futexWait(&state_, s);
  callerWaiting_.store(0);
}

void ThreadPool::parallelForC(void* pool, int64_t n, Body body, void* closure) {
  if (pool) {
    static_cast<ThreadPool*>(pool)->parallelFor(n, body, closure);
  } else {
    runSerially(n, body, closure);
  }
}

int ThreadPool::defaultThreads() {
  const char* env = std::getenv("DLC_NUM_THREADS");
  if (env && *env) {
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(env, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > kMaxThreads)
      throw std::runtime_error("DLC_NUM_THREADS='" + std::string(env) + "' is not a thread count (a whole number from 1 to " +
                               std::to_string(kMaxThreads) + ")");
    return static_cast<int>(v);
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return std::min(CPU_COUNT(&set), kMaxThreads);
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? std::min(static_cast<int>(hw), kMaxThreads) : 1;
}

}  // namespace dlc::runtime::impl
