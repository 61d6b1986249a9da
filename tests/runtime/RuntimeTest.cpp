// Running the tiny artifact through the C API and the C++ wrapper: values,
// set-input errors with their exact messages, zero-copy inputs, running out of
// memory, concurrent instances, shared pools, profiling and DLC_NUM_THREADS.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "RuntimeTestUtil.h"
#include "dlc/runtime/Runtime.hpp"
#include "dlc/runtime/dlc_runtime.h"

namespace dlc::runtime::test {
namespace {

class RuntimeRun : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = dlc_model_load(artifact("tiny").c_str());
    ASSERT_NE(model_, nullptr) << dlc_last_error();
    inst_ = dlc_instance_create(model_, 2);
    ASSERT_NE(inst_, nullptr) << dlc_last_error();
  }
  void TearDown() override {
    dlc_instance_free(inst_);
    dlc_model_free(model_);
  }
  void expectOutputs(DlcInstance* inst, const TinyCase& c) {
    const float* z = static_cast<const float*>(dlc_instance_output(inst, 0));
    const float* xc = static_cast<const float*>(dlc_instance_output_by_name(inst, "x_copy"));
    const int32_t* s = static_cast<const int32_t*>(dlc_instance_output(inst, 2));
    ASSERT_TRUE(z && xc && s) << dlc_last_error();
    for (int i = 0; i < 6; ++i) {
      EXPECT_FLOAT_EQ(z[i], c.z[i]) << "z[" << i << "]";
      EXPECT_FLOAT_EQ(xc[i], c.x[i]) << "x_copy[" << i << "]";
    }
    for (int i = 0; i < 4; ++i) EXPECT_EQ(s[i], c.scaled[i]) << "scaled[" << i << "]";
  }
  DlcModel* model_ = nullptr;
  DlcInstance* inst_ = nullptr;
};

TEST_F(RuntimeRun, Values) {
  TinyCase c;
  ASSERT_EQ(setTinyInputs(inst_, c), DLC_OK) << dlc_last_error();
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK) << dlc_last_error();
  expectOutputs(inst_, c);
  // z = relu(x + y) * w with x = {-2..3}, y = 0.5, w = {0.5 .. 3}
  const float* z = static_cast<const float*>(dlc_instance_output(inst_, 0));
  EXPECT_FLOAT_EQ(z[0], 0.0f);
  EXPECT_FLOAT_EQ(z[2], 0.75f);
  EXPECT_FLOAT_EQ(z[5], 10.5f);
  // Outputs are 64-byte aligned.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(z) % 64, 0u);

  // Inputs stay set: a second run with one input changed.
  TinyCase c2(3.0f);
  ASSERT_EQ(dlc_instance_set_input(inst_, "x", c2.x.data(), DLC_F32, 2, kExtents2x3), DLC_OK);
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK) << dlc_last_error();
  float z2[6];
  ASSERT_EQ(dlc_instance_copy_output(inst_, 0, z2, sizeof z2), DLC_OK) << dlc_last_error();
  for (int i = 0; i < 6; ++i) {
    float t = c2.x[i] + 0.5f;
    EXPECT_FLOAT_EQ(z2[i], (t > 0 ? t : 0) * (0.5f * static_cast<float>(i + 1)));
  }
}

TEST_F(RuntimeRun, UnknownInputListsTheKnownOnes) {
  TinyCase c;
  EXPECT_EQ(dlc_instance_set_input(inst_, "q", c.x.data(), DLC_F32, 2, kExtents2x3), DLC_ERROR_MISMATCH);
  EXPECT_STREQ(dlc_last_error(), "model has no input 'q'; its inputs are 'x', 'y', 'idx'");
  EXPECT_EQ(dlc_model_input_index(model_, "z"), -1);
  EXPECT_STREQ(dlc_last_error(), "model has no input 'z'; its inputs are 'x', 'y', 'idx'");
}

TEST_F(RuntimeRun, InputTypeMismatches) {
  TinyCase c;
  const int64_t six[1] = {6}, threeByTwo[2] = {3, 2}, big[4] = {1, 3, 224, 224};
  EXPECT_EQ(dlc_instance_set_input(inst_, "x", c.x.data(), DLC_I32, 2, kExtents2x3), DLC_ERROR_MISMATCH);
  EXPECT_STREQ(dlc_last_error(), "input 'x': expected f32[2x3], got i32[2x3]");
  EXPECT_EQ(dlc_instance_set_input(inst_, "x", c.x.data(), DLC_F32, 1, six), DLC_ERROR_MISMATCH);
  EXPECT_STREQ(dlc_last_error(), "input 'x': expected f32[2x3], got f32[6]");
  EXPECT_EQ(dlc_instance_set_input(inst_, "y", c.y.data(), DLC_F32, 2, threeByTwo), DLC_ERROR_MISMATCH);
  EXPECT_STREQ(dlc_last_error(), "input 'y': expected f32[2x3], got f32[3x2]");
  EXPECT_EQ(dlc_instance_bind_input(inst_, "idx", c.idx.data(), DLC_I32, 4, big), DLC_ERROR_MISMATCH);
  EXPECT_STREQ(dlc_last_error(), "input 'idx': expected i32[4], got i32[1x3x224x224]");
  EXPECT_EQ(dlc_instance_set_input(inst_, "idx", c.idx.data(), 99, 0, nullptr), DLC_ERROR_MISMATCH);
  EXPECT_STREQ(dlc_last_error(), "input 'idx': expected i32[4], got dtype(99)[]");
  EXPECT_EQ(dlc_instance_set_input(inst_, "x", nullptr, DLC_F32, 2, kExtents2x3), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_last_error(), "input 'x': data is NULL");
  EXPECT_EQ(dlc_instance_set_input(inst_, "x", c.x.data(), DLC_F32, 2, nullptr), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_last_error(), "input 'x': extents is NULL");
  EXPECT_EQ(dlc_instance_set_input(inst_, "x", c.x.data(), DLC_F32, -1, kExtents2x3), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_last_error(), "input 'x': rank -1 is negative");
  EXPECT_EQ(dlc_instance_set_input(inst_, nullptr, c.x.data(), DLC_F32, 2, kExtents2x3), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_last_error(), "set input: the name is NULL");
}

TEST_F(RuntimeRun, RunNeedsEveryInput) {
  TinyCase c;
  ASSERT_EQ(dlc_instance_set_input(inst_, "x", c.x.data(), DLC_F32, 2, kExtents2x3), DLC_OK);
  EXPECT_EQ(dlc_instance_run(inst_), DLC_ERROR_STATE);
  EXPECT_STREQ(dlc_last_error(), "run: inputs 'y', 'idx' are not set");
  ASSERT_EQ(dlc_instance_set_input(inst_, "idx", c.idx.data(), DLC_I32, 1, kExtents4), DLC_OK);
  EXPECT_EQ(dlc_instance_run(inst_), DLC_ERROR_STATE);
  EXPECT_STREQ(dlc_last_error(), "run: input 'y' is not set");
  EXPECT_EQ(dlc_instance_run(nullptr), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_last_error(), "dlc_instance_run: the instance is NULL");
}

TEST_F(RuntimeRun, OutputErrors) {
  EXPECT_EQ(dlc_instance_output(inst_, 0), nullptr);
  EXPECT_STREQ(dlc_last_error(), "output 'z' read before a successful run");
  EXPECT_EQ(dlc_last_status(), DLC_ERROR_STATE);
  ASSERT_EQ(setTinyInputs(inst_, TinyCase()), DLC_OK);
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK);
  EXPECT_EQ(dlc_instance_output(inst_, 3), nullptr);
  EXPECT_STREQ(dlc_last_error(), "dlc_instance_output: output index 3 is out of range (the model has 3)");
  EXPECT_EQ(dlc_instance_output_by_name(inst_, "t"), nullptr);
  EXPECT_STREQ(dlc_last_error(), "model has no output 't'; its outputs are 'z', 'x_copy', 'scaled'");
  float small[4];
  EXPECT_EQ(dlc_instance_copy_output(inst_, 0, small, sizeof small), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_last_error(), "output 'z' (f32[2x3]) has 24 bytes, the destination holds 16");
  EXPECT_EQ(dlc_instance_copy_output(inst_, 0, nullptr, 24), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_last_error(), "output 'z': the destination is NULL");
  DlcTensorInfo t{};
  ASSERT_EQ(dlc_instance_output_info(inst_, 2, &t), DLC_OK);
  EXPECT_STREQ(t.name, "scaled");
}

TEST_F(RuntimeRun, BoundInputIsReadInPlace) {
  TinyCase c;
  ASSERT_EQ(setTinyInputs(inst_, c), DLC_OK);
  std::vector<float> x(c.x.begin(), c.x.end());
  ASSERT_EQ(dlc_instance_bind_input(inst_, "x", x.data(), DLC_F32, 2, kExtents2x3), DLC_OK) << dlc_last_error();
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK);
  expectOutputs(inst_, c);
  x[5] = 100.0f;  // no new set_input: the run reads the caller's memory
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK);
  const float* xc = static_cast<const float*>(dlc_instance_output(inst_, 1));
  EXPECT_FLOAT_EQ(xc[5], 100.0f);
  EXPECT_FLOAT_EQ(static_cast<const float*>(dlc_instance_output(inst_, 0))[5], 100.5f * 3.0f);
}

TEST_F(RuntimeRun, CopiedInputIsACopy) {
  TinyCase c;
  std::vector<float> x(c.x.begin(), c.x.end());
  ASSERT_EQ(setTinyInputs(inst_, c), DLC_OK);
  ASSERT_EQ(dlc_instance_set_input(inst_, "x", x.data(), DLC_F32, 2, kExtents2x3), DLC_OK);
  x[5] = 100.0f;
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK);
  expectOutputs(inst_, c);
}

TEST_F(RuntimeRun, ModelFreedBeforeItsInstance) {
  dlc_model_free(model_);
  model_ = nullptr;
  TinyCase c;
  ASSERT_EQ(setTinyInputs(inst_, c), DLC_OK);
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK) << dlc_last_error();
  expectOutputs(inst_, c);
}

TEST_F(RuntimeRun, Profiling) {
  ASSERT_EQ(setTinyInputs(inst_, TinyCase()), DLC_OK);
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK);
  EXPECT_EQ(dlc_instance_profile_count(inst_), -1);
  EXPECT_STREQ(dlc_last_error(), "no profile: profiling was not enabled for the last run");
  DlcProfileStep p{};
  EXPECT_EQ(dlc_instance_profile_step(inst_, 0, &p), DLC_ERROR_STATE);

  ASSERT_EQ(dlc_instance_enable_profiling(inst_, 1), DLC_OK);
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK);
  ASSERT_EQ(dlc_instance_profile_count(inst_), 5);
  const char* names[5] = {"add_f32", "relu_f32", "mul_f32", "copy", "scale_i32"};
  const uint32_t kernels[5] = {0, 1, 2, 0xffffffffu, 3};
  uint64_t total = 0;
  for (int s = 0; s < 5; ++s) {
    ASSERT_EQ(dlc_instance_profile_step(inst_, s, &p), DLC_OK);
    EXPECT_STREQ(p.kernel_name, names[s]);
    EXPECT_EQ(p.kernel, kernels[s]);
    EXPECT_LT(p.ns, 1000000000u);
    total += p.ns;
  }
  EXPECT_GT(total, 0u);
  EXPECT_EQ(dlc_instance_profile_step(inst_, 5, &p), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_last_error(), "dlc_instance_profile_step: step 5 is out of range (the last run had 5)");

  ASSERT_EQ(dlc_instance_enable_profiling(inst_, 0), DLC_OK);
  ASSERT_EQ(dlc_instance_run(inst_), DLC_OK);
  EXPECT_EQ(dlc_instance_profile_count(inst_), -1);
}

// Several threads each run their own instance of one loaded model at once.
TEST(RuntimeThreads, ConcurrentInstancesOfOneModel) {
  DlcModel* model = dlc_model_load(artifact("tiny").c_str());
  ASSERT_NE(model, nullptr) << dlc_last_error();
  constexpr int kThreads = 4, kRuns = 50;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      DlcInstance* inst = dlc_instance_create(model, 2);
      if (!inst) {
        failures[t] = -1;
        return;
      }
      for (int r = 0; r < kRuns; ++r) {
        TinyCase c(static_cast<float>(t * kRuns + r + 1));
        if (setTinyInputs(inst, c) != DLC_OK || dlc_instance_run(inst) != DLC_OK) {
          ++failures[t];
          continue;
        }
        const float* z = static_cast<const float*>(dlc_instance_output(inst, 0));
        const int32_t* s = static_cast<const int32_t*>(dlc_instance_output(inst, 2));
        if (!z || !s || std::memcmp(z, c.z.data(), sizeof c.z) != 0 || std::memcmp(s, c.scaled.data(), sizeof c.scaled) != 0)
          ++failures[t];
      }
      dlc_instance_free(inst);
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  dlc_model_free(model);
}

// Two instances on one shared pool, run from two threads: loops take turns.
TEST(RuntimeThreads, SharedPool) {
  DlcModel* model = dlc_model_load(artifact("tiny").c_str());
  ASSERT_NE(model, nullptr) << dlc_last_error();
  DlcThreadPool* pool = dlc_thread_pool_create(3);
  ASSERT_NE(pool, nullptr) << dlc_last_error();
  EXPECT_EQ(dlc_thread_pool_num_threads(pool), 3);
  DlcInstance* a = dlc_instance_create_with_pool(model, pool);
  DlcInstance* b = dlc_instance_create_with_pool(model, pool);
  ASSERT_TRUE(a && b) << dlc_last_error();
  dlc_thread_pool_free(pool);  // the instances keep it alive
  EXPECT_EQ(dlc_instance_num_threads(a), 3);
  int bad[2] = {0, 0};
  auto work = [&](DlcInstance* inst, int k) {
    for (int r = 0; r < 50; ++r) {
      TinyCase c(static_cast<float>(k * 100 + r));
      if (setTinyInputs(inst, c) != DLC_OK || dlc_instance_run(inst) != DLC_OK ||
          std::memcmp(dlc_instance_output(inst, 0), c.z.data(), sizeof c.z) != 0)
        ++bad[k];
    }
  };
  std::thread ta(work, a, 0), tb(work, b, 1);
  ta.join();
  tb.join();
  EXPECT_EQ(bad[0], 0);
  EXPECT_EQ(bad[1], 0);
  dlc_instance_free(a);
  dlc_instance_free(b);
  dlc_model_free(model);
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_) setenv(name_.c_str(), old_.c_str(), 1);
    else unsetenv(name_.c_str());
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

TEST(RuntimeThreads, NumThreadsFromTheEnvironment) {
  DlcModel* model = dlc_model_load(artifact("tiny").c_str());
  ASSERT_NE(model, nullptr) << dlc_last_error();
  {
    ScopedEnv env("DLC_NUM_THREADS", "3");
    DlcInstance* inst = dlc_instance_create(model, 0);
    ASSERT_NE(inst, nullptr) << dlc_last_error();
    EXPECT_EQ(dlc_instance_num_threads(inst), 3);
    dlc_instance_free(inst);
    inst = dlc_instance_create(model, 2);  // an explicit count wins
    EXPECT_EQ(dlc_instance_num_threads(inst), 2);
    dlc_instance_free(inst);
  }
  {
    ScopedEnv env("DLC_NUM_THREADS", "abc");
    EXPECT_EQ(dlc_instance_create(model, 0), nullptr);
    EXPECT_STREQ(dlc_last_error(), "DLC_NUM_THREADS='abc' is not a thread count (a whole number from 1 to 1024)");
    EXPECT_EQ(dlc_thread_pool_create(0), nullptr);
    EXPECT_EQ(dlc_last_status(), DLC_ERROR_INVALID_ARGUMENT);
  }
  {
    ScopedEnv env("DLC_NUM_THREADS", nullptr);
    cpu_set_t set;
    ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
    DlcInstance* inst = dlc_instance_create(model, 0);
    ASSERT_NE(inst, nullptr) << dlc_last_error();
    EXPECT_EQ(dlc_instance_num_threads(inst), CPU_COUNT(&set));
    dlc_instance_free(inst);
  }
  EXPECT_EQ(dlc_instance_create(model, -1), nullptr);
  EXPECT_STREQ(dlc_last_error(), "num_threads -1 is not in [0, 1024]");
  dlc_model_free(model);
}

// The arena of hugearena.so is 1 TiB. The allocation is tried in a child whose
// address space is limited, so the outcome does not depend on overcommit.
TEST(RuntimeMemory, ArenaOutOfMemory) {
  std::string path = artifact("hugearena");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    rlimit lim{uint64_t{4} << 30, uint64_t{4} << 30};
    setrlimit(RLIMIT_AS, &lim);
    std::string report;
    DlcModel* m = dlc_model_load(path.c_str());
    if (!m) {
      report = std::string("load failed: ") + dlc_last_error();
    } else {
      DlcInstance* inst = dlc_instance_create(m, 1);
      report = inst ? "created" : std::to_string(dlc_last_status()) + " " + dlc_last_error();
    }
    ssize_t w = write(fds[1], report.data(), report.size());
    _exit(w == static_cast<ssize_t>(report.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string got;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(got, std::to_string(DLC_ERROR_OUT_OF_MEMORY) + " out of memory: cannot allocate 1099511627776 bytes for the arena of " + path);
}

TEST(RuntimeCxx, WrapperRunsAndThrows) {
  Model model(artifact("tiny"));
  EXPECT_EQ(model.numInputs(), 3);
  EXPECT_EQ(model.input(0).name, "x");
  EXPECT_EQ(model.output(2).dtypeName, "i32");
  EXPECT_EQ(model.output(0).extents, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(model.facts().num_kernels, 4u);
  Instance inst(model, 2);
  TinyCase c;
  inst.setInput("x", c.x.data(), DLC_F32, {2, 3});
  inst.bindInput("y", c.y.data(), DLC_F32, {2, 3});
  inst.setInput("idx", c.idx.data(), DLC_I32, {4});
  inst.enableProfiling();
  inst.run();
  std::vector<float> z = inst.output<float>(0);
  ASSERT_EQ(z.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(z[i], c.z[i]);
  EXPECT_EQ(inst.output<int32_t>(2), std::vector<int32_t>(c.scaled.begin(), c.scaled.end()));
  EXPECT_EQ(inst.profile().size(), 5u);

  try {
    inst.setInput("x", c.x.data(), DLC_F32, {6});
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "input 'x': expected f32[2x3], got f32[6]");
  }
  try {
    Model bad(artifact("format2"));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), artifact("format2") + ": artifact format version 2, this runtime reads 1");
  }
  EXPECT_THROW(model.inputIndex("nope"), std::runtime_error);

  ThreadPool pool(2);
  Instance shared(model, pool);
  EXPECT_EQ(shared.numThreads(), 2);
  Instance moved = std::move(shared);
  EXPECT_EQ(moved.numThreads(), 2);
}

}  // namespace
}  // namespace dlc::runtime::test
