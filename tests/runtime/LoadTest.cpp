// The loading checks of dlc_model_load, in the order Model.cpp runs them: each
// bad artifact (built by tests/runtime/CMakeLists.txt) fails with its exact
// message and status, and nothing crashes.
#include <gtest/gtest.h>

#include <string>

#include "RuntimeTestUtil.h"
#include "dlc/runtime/dlc_runtime.h"

namespace dlc::runtime::test {
namespace {

// Loads `path`, expects failure with `status`, returns the message.
std::string loadError(const std::string& path, DlcStatus status = DLC_ERROR_LOAD) {
  DlcModel* m = dlc_model_load(path.c_str());
  EXPECT_EQ(m, nullptr) << path << " loaded";
  EXPECT_EQ(dlc_last_status(), status) << dlc_status_name(dlc_last_status());
  dlc_model_free(m);
  return dlc_last_error();
}

std::string foreignArch() { return std::string(dlc_runtime_arch()) == "aarch64" ? "x86_64" : "aarch64"; }

TEST(RuntimeLoad, GoodArtifactLoads) {
  DlcModel* m = dlc_model_load(artifact("tiny").c_str());
  ASSERT_NE(m, nullptr) << dlc_last_error();
  DlcModelFacts f{};
  ASSERT_EQ(dlc_model_facts(m, &f), DLC_OK);
  EXPECT_EQ(f.weights_bytes, 48u);
  EXPECT_EQ(f.arena_bytes, 128u);
  EXPECT_EQ(f.output_bytes, 24u + 24u + 16u);
  EXPECT_EQ(f.num_kernels, 4u);
  EXPECT_EQ(f.num_steps, 5u);
  EXPECT_EQ(f.format_version, 1u);
  EXPECT_STREQ(f.dlc_version, DLC_RT_VERSION);
  EXPECT_STREQ(f.arch, dlc_runtime_arch());
  EXPECT_EQ(f.path, artifact("tiny"));
  EXPECT_STREQ(dlc_model_kernel_name(m, 1), "relu_f32");
  EXPECT_EQ(dlc_model_kernel_name(m, 4), nullptr);
  EXPECT_STREQ(dlc_last_error(), "dlc_model_kernel_name: kernel index 4 is out of range (the model has 4)");
  dlc_model_free(m);
}

TEST(RuntimeLoad, RuntimeVersionIsTheProjectVersion) {
  EXPECT_STREQ(dlc_runtime_version(), DLC_RT_VERSION);
#if defined(__x86_64__)
  EXPECT_STREQ(dlc_runtime_arch(), "x86_64");
#elif defined(__aarch64__)
  EXPECT_STREQ(dlc_runtime_arch(), "aarch64");
#endif
}

TEST(RuntimeLoad, NullPath) {
  EXPECT_EQ(dlc_model_load(nullptr), nullptr);
  EXPECT_STREQ(dlc_last_error(), "dlc_model_load: the path is NULL");
  EXPECT_EQ(dlc_last_status(), DLC_ERROR_INVALID_ARGUMENT);
}

TEST(RuntimeLoad, MissingFile) {
  std::string p = artifact("does_not_exist");
  EXPECT_EQ(loadError(p), "cannot open " + p + ": No such file or directory");
}

TEST(RuntimeLoad, NotAnElfFile) {
  std::string p = artifact("notelf");
  EXPECT_EQ(loadError(p), p + " is not an ELF file");
}

TEST(RuntimeLoad, WrongElfClass) {
  std::string p = artifact("elf32");
  EXPECT_EQ(loadError(p), p + " is a 32-bit ELF file, this machine is 64-bit");
}

TEST(RuntimeLoad, ForeignArchitectureNamesBoth) {
  std::string p = artifact("foreign");
  EXPECT_EQ(loadError(p), p + " is built for " + foreignArch() + ", this machine is " + dlc_runtime_arch());
}

TEST(RuntimeLoad, DlopenFailureCarriesDlerror) {
  std::string p = artifact("broken");
  std::string e = loadError(p);
  EXPECT_EQ(e.rfind("cannot load " + p + ": ", 0), 0u) << e;
  EXPECT_NE(e.find(p), e.rfind(p)) << "dlerror's text (naming the file) follows: " << e;
}

TEST(RuntimeLoad, MissingDescriptorSymbol) {
  std::string p = artifact("nodescriptor");
  EXPECT_EQ(loadError(p), p + " is not a dlc artifact (it does not export dlc_artifact_descriptor)");
}

TEST(RuntimeLoad, BadMagic) {
  std::string p = artifact("badmagic");
  EXPECT_EQ(loadError(p), p + ": bad artifact magic 0x12345678, expected 0x41434c44");
}

TEST(RuntimeLoad, FormatVersion) {
  std::string p = artifact("format2");
  EXPECT_EQ(loadError(p, DLC_ERROR_VERSION), p + ": artifact format version 2, this runtime reads 1");
}

TEST(RuntimeLoad, DlcVersionMajorMinorMustMatch) {
  std::string p = artifact("newer");
  EXPECT_EQ(loadError(p, DLC_ERROR_VERSION), p + ": written by dlc 9.9.0, this runtime is dlc " DLC_RT_VERSION " (major.minor must match)");
}

TEST(RuntimeLoad, DescriptorArch) {
  std::string p = artifact("wrongarch");
  EXPECT_EQ(loadError(p), p + ": the descriptor says arch '" + foreignArch() + "', this machine is " + dlc_runtime_arch());
}

TEST(RuntimeLoad, TruncatedPlan) {
  std::string p = artifact("truncated");
  EXPECT_EQ(loadError(p), p + ": plan: count past the end");
}

TEST(RuntimeLoad, PlanBufferIdOutOfRange) {
  std::string p = artifact("badbuffer");
  EXPECT_EQ(loadError(p), p + ": plan: step 2 names a missing buffer");
}

TEST(RuntimeLoad, ModelQueriesOnNullHandles) {
  DlcTensorInfo info;
  DlcModelFacts facts;
  EXPECT_EQ(dlc_model_num_inputs(nullptr), -1);
  EXPECT_STREQ(dlc_last_error(), "dlc_model_num_inputs: the model is NULL");
  EXPECT_EQ(dlc_model_num_outputs(nullptr), -1);
  EXPECT_EQ(dlc_model_input_info(nullptr, 0, &info), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(dlc_model_output_info(nullptr, 0, &info), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(dlc_model_facts(nullptr, &facts), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(dlc_model_input_index(nullptr, "x"), -1);
  EXPECT_EQ(dlc_instance_create(nullptr, 1), nullptr);
  EXPECT_STREQ(dlc_last_error(), "dlc_instance_create: the model is NULL");
  dlc_model_free(nullptr);
  dlc_instance_free(nullptr);
  dlc_thread_pool_free(nullptr);
}

TEST(RuntimeLoad, TensorInfo) {
  DlcModel* m = dlc_model_load(artifact("tiny").c_str());
  ASSERT_NE(m, nullptr) << dlc_last_error();
  ASSERT_EQ(dlc_model_num_inputs(m), 3);
  ASSERT_EQ(dlc_model_num_outputs(m), 3);
  DlcTensorInfo t{};
  ASSERT_EQ(dlc_model_input_info(m, 2, &t), DLC_OK);
  EXPECT_STREQ(t.name, "idx");
  EXPECT_EQ(t.dtype, DLC_I32);
  EXPECT_STREQ(t.dtype_name, "i32");
  ASSERT_EQ(t.rank, 1);
  EXPECT_EQ(t.extents[0], 4);
  EXPECT_EQ(t.bytes, 16u);
  ASSERT_EQ(dlc_model_output_info(m, 0, &t), DLC_OK);
  EXPECT_STREQ(t.name, "z");
  EXPECT_STREQ(t.dtype_name, "f32");
  ASSERT_EQ(t.rank, 2);
  EXPECT_EQ(t.extents[0], 2);
  EXPECT_EQ(t.extents[1], 3);
  EXPECT_EQ(dlc_model_input_info(m, 3, &t), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(dlc_last_error(), "dlc_model_input_info: input index 3 is out of range (the model has 3)");
  EXPECT_EQ(dlc_model_output_info(m, -1, &t), DLC_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(dlc_model_input_index(m, "y"), 1);
  EXPECT_EQ(dlc_model_output_index(m, "scaled"), 2);
  EXPECT_EQ(dlc_model_output_index(m, "w"), -1);
  EXPECT_STREQ(dlc_last_error(), "model has no output 'w'; its outputs are 'z', 'x_copy', 'scaled'");
  EXPECT_STREQ(dlc_dtype_name(DLC_BF16), "bf16");
  EXPECT_EQ(dlc_dtype_name(99), nullptr);
  EXPECT_EQ(dlc_dtype_size(DLC_I64), 8u);
  dlc_model_free(m);
}

}  // namespace
}  // namespace dlc::runtime::test
