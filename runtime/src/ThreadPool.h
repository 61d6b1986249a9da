// The runtime's thread pool: persistent workers that run the parallel loops of
// generated kernels (DlcKernelEnv::parallel_for). Tested by
// tests/runtime/ThreadPoolTest.cpp.
//
// Note on fork/join. One parallelFor is one "generation" of a job:
//
//   caller: write job, open state_, generation++ ─▶ claim chunks ─▶ close state_ ─▶ wait: no worker inside
//   worker: spin, then futex-wait, on generation ─▶ enter (if still open) ─▶ claim chunks ─▶ leave
//
// Iterations are split into one contiguous home range per thread (thread t of
// T gets [t*n/T, (t+1)*n/T)), claimed in chunks from a per-range atomic
// cursor; a thread whose range is done takes chunks from the others' (work
// stealing), so uneven loops balance. Home ranges keep consecutive kernels'
// matching iterations on the same core, whose cache holds what the previous
// kernel wrote there. state_
// counts the workers inside the job; once every iteration is claimed the
// caller closes it, so a worker that wakes late (descheduled, or asleep) never
// holds the caller up: it finds the job closed and goes back to waiting. The
// caller waits only for workers that entered, which are running claimed chunks.
// Workers spin briefly on the generation counter and then sleep on a futex, so
// a fork/join costs microseconds when loops come back to back and nothing when
// the pool is idle. A parallelFor issued from inside a body (on any pool) runs
// serially in the calling thread. One pool runs one loop at a time: concurrent
// callers of a shared pool take turns. Bodies must not throw.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace dlc::runtime::impl {

class ThreadPool {
 public:
  using Body = void (*)(void* closure, int64_t iteration);

  // `numThreads` counts the caller: a pool of N threads starts N - 1 workers.
  explicit ThreadPool(int numThreads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int numThreads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs body(closure, i) for every i in [0, n) and returns when all are done.
  void parallelFor(int64_t n, Body body, void* closure);

  // The DlcKernelEnv::parallel_for entry point; `pool` is a ThreadPool*.
  static void parallelForC(void* pool, int64_t n, Body body, void* closure);

  // The number of threads a pool gets when asked for 0: DLC_NUM_THREADS when it
  // is set, else the CPUs this process may run on. Throws std::runtime_error
  // when DLC_NUM_THREADS is not an integer in [1, kMaxThreads].
  static int defaultThreads();
  static constexpr int kMaxThreads = 1024;

 private:
  void workerLoop(int self, uint32_t seenGeneration);
  bool enter();
  void leave();
  void runChunks(int self);

  std::vector<std::thread> workers_;
  std::mutex callerMutex_;  // one loop at a time

  // The job of the current generation; written before generation_ is bumped.
  Body body_ = nullptr;
  void* closure_ = nullptr;
  int64_t grain_ = 1;
  // Per thread: the first unclaimed iteration of its home range, and its end.
  struct alignas(64) Range {
    std::atomic<int64_t> next{0};
    int64_t end = 0;
  };
  std::vector<Range> ranges_;

  std::atomic<uint32_t> generation_{0};  // futex word for sleeping workers
  std::atomic<uint32_t> sleepers_{0};    // workers blocked on generation_
  // kClosed | the number of workers inside the job; futex word for the caller.
  static constexpr uint32_t kClosed = 0x80000000u;
  std::atomic<uint32_t> state_{kClosed};
  std::atomic<uint32_t> callerWaiting_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace dlc::runtime::impl
