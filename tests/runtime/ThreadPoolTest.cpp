// The runtime's thread pool on its own (runtime/src/ThreadPool.h): every
// iteration runs exactly once, fork/joins back to back, loops shorter than the
// pool, empty loops, nested loops run serially, uneven loops, concurrent callers.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <chrono>
#include <thread>
#include <vector>

#include "ThreadPool.h"

namespace dlc::runtime::impl {
namespace {

struct Counts {
  std::vector<std::atomic<int>> hits;
  explicit Counts(size_t n) : hits(n) {}
  static void body(void* c, int64_t i) { static_cast<Counts*>(c)->hits[static_cast<size_t>(i)].fetch_add(1); }
  bool allOnce() const {
    for (const auto& h : hits)
      if (h.load() != 1) return false;
    return true;
  }
};

TEST(ThreadPool, EveryIterationExactlyOnce) {
  for (int threads : {1, 2, 4, 7}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.numThreads(), threads);
    for (int64_t n : {1, 2, 3, 5, 8, 100, 1000, 10007}) {
      Counts c(static_cast<size_t>(n));
      pool.parallelFor(n, &Counts::body, &c);
      EXPECT_TRUE(c.allOnce()) << threads << " threads, n = " << n;
    }
  }
}

TEST(ThreadPool, ManyForkJoinsInARow) {
  ThreadPool pool(4);
  std::atomic<int64_t> sum{0};
  auto body = [](void* s, int64_t i) { static_cast<std::atomic<int64_t>*>(s)->fetch_add(i + 1); };
  constexpr int kRounds = 20000;
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < kRounds; ++r) pool.parallelFor(16, body, &sum);
  double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / kRounds;
  EXPECT_EQ(sum.load(), int64_t{kRounds} * (16 * 17 / 2));
  std::printf("fork/join with 4 threads: %.2f us each\n", us);
}

// The fork/join cost itself: an empty loop of 2 iterations on 2 threads, back
// to back. The best of several batches (the machine may be shared, and a batch
// that lost its core to another process says nothing about the pool) must be
// microseconds: the worker is spinning on the generation counter, not asleep.
TEST(ThreadPool, EmptyForkJoinAtTwoThreadsTakesMicroseconds) {
  ThreadPool pool(2);
  auto empty = [](void*, int64_t) {};
  constexpr int kBatches = 20, kRounds = 500;
  double best = 1e30;
  for (int b = 0; b < kBatches; ++b) {
    auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < kRounds; ++r) pool.parallelFor(2, empty, nullptr);
    best = std::min(best, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / kRounds);
  }
  std::printf("empty fork/join with 2 threads: %.2f us (best batch of %d)\n", best, kRounds);
  EXPECT_LT(best, 50.0);

  // The same with the worker made to take part: each iteration waits until
  // both have started, so every round is a real hand-off to the other thread
  // and back (an empty loop is otherwise all claimed by the caller).
  struct Meet {
    std::atomic<int64_t> arrived{0};
    int64_t round = 0;
  } meet;
  auto both = [](void* m, int64_t) {
    auto* mt = static_cast<Meet*>(m);
    int64_t want = 2 * (mt->round + 1);
    mt->arrived.fetch_add(1);
    while (mt->arrived.load() < want) {
    }
  };
  best = 1e30;
  for (int b = 0; b < kBatches; ++b) {
    auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < kRounds; ++r, ++meet.round) pool.parallelFor(2, both, &meet);
    best = std::min(best, std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / kRounds);
  }
  std::printf("fork/join with 2 threads, both taking part: %.2f us (best batch of %d)\n", best, kRounds);
  EXPECT_LT(best, 100.0);
}

TEST(ThreadPool, FewerIterationsThanThreads) {
  ThreadPool pool(8);
  for (int r = 0; r < 200; ++r) {
    Counts c(3);
    pool.parallelFor(3, &Counts::body, &c);
    ASSERT_TRUE(c.allOnce()) << "round " << r;
  }
}

TEST(ThreadPool, EmptyAndNegativeLoopsRunNothing) {
  ThreadPool pool(4);
  std::atomic<int> calls{0};
  auto body = [](void* c, int64_t) { static_cast<std::atomic<int>*>(c)->fetch_add(1); };
  pool.parallelFor(0, body, &calls);
  pool.parallelFor(-5, body, &calls);
  ThreadPool::parallelForC(&pool, 0, body, &calls);
  EXPECT_EQ(calls.load(), 0);
  ThreadPool::parallelForC(nullptr, 4, body, &calls);  // no pool: serial
  EXPECT_EQ(calls.load(), 4);
}

struct Nested {
  ThreadPool* pool;
  std::atomic<int> inner{0};
  std::atomic<int> wrongThread{0};
};

TEST(ThreadPool, NestedLoopsRunSeriallyInTheCallingThread) {
  ThreadPool pool(4);
  Nested n{&pool};
  auto outer = [](void* c, int64_t) {
    auto* s = static_cast<Nested*>(c);
    std::thread::id me = std::this_thread::get_id();
    struct Inner {
      Nested* s;
      std::thread::id me;
    } in{s, me};
    s->pool->parallelFor(
        10,
        [](void* c2, int64_t) {
          auto* x = static_cast<Inner*>(c2);
          x->s->inner.fetch_add(1);
          if (std::this_thread::get_id() != x->me) x->s->wrongThread.fetch_add(1);
        },
        &in);
  };
  pool.parallelFor(8, outer, &n);
  EXPECT_EQ(n.inner.load(), 80);
  EXPECT_EQ(n.wrongThread.load(), 0);
}

TEST(ThreadPool, UnevenLoopBalances) {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> hits(64);
  auto body = [](void* c, int64_t i) {
    if (i < 4) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the first chunk is slow
    (*static_cast<std::vector<std::atomic<int>>*>(c))[static_cast<size_t>(i)].fetch_add(1);
  };
  pool.parallelFor(64, body, &hits);
  for (size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i].load(), 1) << i;
}

TEST(ThreadPool, ConcurrentCallersTakeTurns) {
  ThreadPool pool(3);
  std::atomic<int64_t> total{0};
  auto body = [](void* c, int64_t) { static_cast<std::atomic<int64_t>*>(c)->fetch_add(1); };
  std::vector<std::thread> callers;
  for (int t = 0; t < 3; ++t)
    callers.emplace_back([&] {
      for (int r = 0; r < 500; ++r) pool.parallelFor(37, body, &total);
    });
  for (auto& c : callers) c.join();
  EXPECT_EQ(total.load(), 3 * 500 * 37);
}

TEST(ThreadPool, IdlePoolSleepsAndWakes) {
  ThreadPool pool(4);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // workers are asleep on the futex
  Counts c(100);
  pool.parallelFor(100, &Counts::body, &c);
  EXPECT_TRUE(c.allOnce());
}

TEST(ThreadPool, CountIsClamped) {
  ThreadPool zero(0);
  EXPECT_EQ(zero.numThreads(), 1);
  Counts c(5);
  zero.parallelFor(5, &Counts::body, &c);
  EXPECT_TRUE(c.allOnce());
}

}  // namespace
}  // namespace dlc::runtime::impl
