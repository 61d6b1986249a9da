// The plan encoding (dlc/runtime/Plan.h): a round trip keeps every field, and
// decodePlan refuses a bad shape-check reference naming the buffer.
#include <gtest/gtest.h>

#include <stdexcept>

#include "dlc/runtime/Plan.h"

namespace dlc::runtime {
namespace {

// x -> (kernel 0) -> idx, with idx's data-dependent shape written to idx.shape.
Plan nonZeroPlan() {
  Plan p;
  p.arenaBytes = 64;
  p.buffers = {{BufferKind::Input, ElemType::Float32, {2, 2}, "x", 0, 16},
               {BufferKind::Output, ElemType::Int64, {2, 3}, "idx", 0, 48, 2},
               {BufferKind::Intermediate, ElemType::Int64, {2}, "idx.shape", 0, 16}};
  p.steps = {{0, {0, 1, 2}}};
  p.inputs = {0};
  p.outputs = {1};
  return p;
}

std::string decodeError(const Plan& p) {
  std::vector<uint8_t> bytes = encodePlan(p);
  try {
    decodePlan(bytes.data(), bytes.size(), 1, 0);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(Plan, RoundTripKeepsShapeChecks) {
  std::vector<uint8_t> bytes = encodePlan(nonZeroPlan());
  Plan q = decodePlan(bytes.data(), bytes.size(), 1, 0);
  ASSERT_EQ(q.buffers.size(), 3u);
  EXPECT_EQ(q.buffers[1].shapeCheck, 2u);
  EXPECT_EQ(q.buffers[0].shapeCheck, kNoBuffer);
  EXPECT_EQ(q.buffers[1].extents, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(q.steps[0].args, (std::vector<uint32_t>{0, 1, 2}));
}

TEST(Plan, ShapeCheckMustBeAnI64RankBuffer) {
  Plan p = nonZeroPlan();
  p.buffers[1].shapeCheck = 7;  // no such buffer
  EXPECT_EQ(decodeError(p), "plan: buffer 'idx' has a bad shape check");
  p = nonZeroPlan();
  p.buffers[2].extents = {3};  // rank 2 needs 2 entries
  p.buffers[2].bytes = 24;
  p.arenaBytes = 64;
  EXPECT_EQ(decodeError(p), "plan: buffer 'idx' has a bad shape check");
  p = nonZeroPlan();
  p.buffers[1].shapeCheck = 0;  // an input, and f32
  EXPECT_EQ(decodeError(p), "plan: buffer 'idx' has a bad shape check");
}

TEST(Plan, KernelFlopsRoundTripAndMustMatchTheKernels) {
  Plan p = nonZeroPlan();
  EXPECT_TRUE(decodeError(p).empty());  // none counted
  p.kernelFlops = {1728.0};
  std::vector<uint8_t> bytes = encodePlan(p);
  EXPECT_EQ(decodePlan(bytes.data(), bytes.size(), 1, 0).kernelFlops, (std::vector<double>{1728.0}));
  p.kernelFlops = {1.0, 2.0};  // one kernel
  EXPECT_EQ(decodeError(p), "plan: has 2 kernel FLOP counts for 1 kernels");
  p.kernelFlops = {-1.0};
  EXPECT_EQ(decodeError(p), "plan: kernel 0 has a bad FLOP count");
}

TEST(Plan, OldVersionIsRefused) {
  std::vector<uint8_t> bytes = encodePlan(nonZeroPlan());
  bytes[4] = 1;  // the version field follows the magic
  try {
    decodePlan(bytes.data(), bytes.size(), 1, 0);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "plan: version 1, this runtime reads version 3");
  }
}

}  // namespace
}  // namespace dlc::runtime
