// The LLVM backend for AArch64: an artifact is linked with the cross linker,
// its ELF header checked, and it is loaded and run under qemu-aarch64 by a
// small C harness built with the cross compiler. Missing tools fail the test
// with a message naming them (scripts/setup.sh installs them).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "ArtifactHelpers.h"

namespace dlc::kernel {
namespace {

constexpr const char* kCrossCc = "aarch64-linux-gnu-gcc";

bool onPath(const std::string& program) {
  return std::system(("command -v " + program + " > /dev/null 2>&1").c_str()) == 0;
}

std::string run(const std::string& cmd, int* status) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  *status = pclose(p);
  return out;
}

// out[i] = a[i] * 2 + b[i] for 20 elements: 8-lane parallel blocks and a tail.
Kernel axpy() {
  BufferRef a = makeBuffer("a", DType::Float32, 20), b = makeBuffer("b", DType::Float32, 20),
            out = makeBuffer("out", DType::Float32, 20);
  Var o = makeVar("o"), i = makeVar("i"), t = makeVar("t");
  auto body = [&](ExprRef k) {
    return store(out, k, binary(BinOp::Add, binary(BinOp::Mul, load(a, k), floatImm(2)), load(b, k)));
  };
  return Kernel{"axpy", {a, b, out},
                seq({forLoop(o, intImm(0), intImm(2), LoopKind::Parallel,
                             forLoop(i, intImm(0), intImm(8), LoopKind::Vectorized, body(varRef(o) * 8 + varRef(i)))),
                     forLoop(t, intImm(16), intImm(4), LoopKind::Serial, body(varRef(t)))}),
                "Mul+Add"};
}

constexpr const char* kHarness = R"(#include <dlfcn.h>
#include <stdio.h>
#include "dlc/runtime/KernelAbi.h"
static void serial(void* pool, int64_t n, DlcParallelBody body, void* closure) {
  for (int64_t i = 0; i < n; ++i) body(closure, i);
}
int main(int argc, char** argv) {
  void* h = dlopen(argv[1], RTLD_NOW);
  if (!h) { printf("dlopen: %s\n", dlerror()); return 1; }
  DlcArtifactDescriptorFn fn = (DlcArtifactDescriptorFn)dlsym(h, DLC_ARTIFACT_SYMBOL);
  if (!fn) { printf("no descriptor\n"); return 1; }
  const DlcArtifactDescriptor* d = fn();
  float a[20], b[20], out[20];
  for (int i = 0; i < 20; ++i) { a[i] = 0.5f * i; b[i] = i - 10; out[i] = -1; }
  void* bufs[] = {a, b, out};
  DlcKernelEnv env = {serial, 0};
  d->kernels[0](bufs, &env);
  printf("%x %s %u %s:", d->magic, d->arch, d->num_kernels, d->kernel_names[0]);
  for (int i = 0; i < 20; ++i) printf(" %g", out[i]);
  printf("\n");
  return 0;
}
)";

TEST(kernel_aarch64, ArtifactLinksAndRunsUnderQemu) {
  ASSERT_TRUE(onPath(kCrossCc)) << kCrossCc << " is not installed: run scripts/setup.sh (g++-aarch64-linux-gnu)";
  auto dir = dlc::testing::tempDir("aarch64");
  std::string so = (dir / "model.so").string();
  llvmgen::ArtifactInput in;
  in.kernels = {axpy()};
  in.plan = runtime::encodePlan(dlc::testing::smallPlan());
  in.dlcVersion = "0.1.0-test";
  in.arch = "aarch64";
  try {
    llvmgen::writeArtifact(in, llvmgen::aarch64Spec(), so);
  } catch (const std::exception& e) {
    FAIL() << e.what();
  }

  std::ifstream elf(so, std::ios::binary);
  unsigned char header[20] = {};
  elf.read(reinterpret_cast<char*>(header), sizeof header);
  ASSERT_TRUE(elf.good());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(header) + 1, 3), "ELF");
  EXPECT_EQ(header[4], 2) << "ELFCLASS64";
  EXPECT_EQ(header[5], 1) << "little-endian";
  EXPECT_EQ(header[16] | header[17] << 8, 3) << "ET_DYN";
  EXPECT_EQ(header[18] | header[19] << 8, 183) << "EM_AARCH64";

  ASSERT_TRUE(onPath("qemu-aarch64")) << "qemu-aarch64 is not installed: run scripts/setup.sh (qemu-user)";
  std::ofstream(dir / "harness.c") << kHarness;
  int status = 0;
  std::string out = run(std::string(kCrossCc) + " -O1 -I" DLC_TEST_RUNTIME_INCLUDE " -o " + (dir / "harness").string() +
                            " " + (dir / "harness.c").string() + " -ldl",
                        &status);
  ASSERT_EQ(status, 0) << out;
  out = run("qemu-aarch64 -L /usr/aarch64-linux-gnu " + (dir / "harness").string() + " " + so, &status);
  ASSERT_EQ(status, 0) << out;
  std::string want = "41434c44 aarch64 1 axpy:";
  for (int i = 0; i < 20; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " %g", 0.5f * i * 2 + (i - 10));
    want += buf;
  }
  EXPECT_EQ(out, want + "\n");
}

}  // namespace
}  // namespace dlc::kernel
