/* A hand-written dlc artifact for the runtime tests, standing in for what
 * `dlc compile` writes: four kernels, their descriptor and the weights; the plan
 * bytes come from PlanGen.cpp (plan_<variant>.inc, included as DLC_TEST_PLAN_FILE).
 *
 * The model (buffer ids as PlanGen.cpp numbers them):
 *   t = x + y              add_f32     (t: intermediate)
 *   u = relu(t)            relu_f32    (parallel_for over the 6 elements; u: intermediate)
 *   z = u * w              mul_f32     (w: constant)
 *   x_copy = x             copy step
 *   scaled = idx * k       scale_i32   (k: constant)
 * with x, y, w, t, u, z, x_copy f32[2x3] and idx, k, scaled i32[4].
 *
 * Variants of the descriptor, for the loading checks: DLC_TEST_MAGIC,
 * DLC_TEST_FORMAT_VERSION, DLC_TEST_DLC_VERSION, DLC_TEST_WRONG_ARCH and
 * DLC_TEST_NO_DESCRIPTOR (the symbol is not exported).
 */
#include <stddef.h>
#include <stdint.h>

#include "dlc/runtime/KernelAbi.h"

#ifndef DLC_TEST_MAGIC
#define DLC_TEST_MAGIC DLC_ARTIFACT_MAGIC
#endif
#ifndef DLC_TEST_FORMAT_VERSION
#define DLC_TEST_FORMAT_VERSION DLC_ARTIFACT_FORMAT_VERSION
#endif
#ifndef DLC_TEST_DLC_VERSION
#error "DLC_TEST_DLC_VERSION must name the dlc version, e.g. \"0.1.0\""
#endif

#if defined(DLC_TEST_WRONG_ARCH)
#if defined(__aarch64__)
#define DLC_TEST_ARCH "x86_64"
#else
#define DLC_TEST_ARCH "aarch64"
#endif
#elif defined(__x86_64__)
#define DLC_TEST_ARCH "x86_64"
#elif defined(__aarch64__)
#define DLC_TEST_ARCH "aarch64"
#else
#error "unknown architecture"
#endif

#define N 6

#ifndef DLC_TEST_PLAN_FILE
#error "DLC_TEST_PLAN_FILE must name the plan bytes written by PlanGen"
#endif
#include DLC_TEST_PLAN_FILE /* static const unsigned char dlc_test_plan[] */

static void add_f32(void* const* b, const DlcKernelEnv* env) {
  const float* x = (const float*)b[0];
  const float* y = (const float*)b[1];
  float* t = (float*)b[2];
  for (int i = 0; i < N; ++i) t[i] = x[i] + y[i];
}

typedef struct {
  const float* in;
  float* out;
} ReluClosure;

static void relu_body(void* closure, int64_t i) {
  ReluClosure* c = (ReluClosure*)closure;
  c->out[i] = c->in[i] > 0.0f ? c->in[i] : 0.0f;
}

static void relu_f32(void* const* b, const DlcKernelEnv* env) {
  ReluClosure c = {(const float*)b[0], (float*)b[1]};
  env->parallel_for(env->pool, N, relu_body, &c);
}

static void mul_f32(void* const* b, const DlcKernelEnv* env) {
  const float* u = (const float*)b[0];
  const float* w = (const float*)b[1];
  float* z = (float*)b[2];
  for (int i = 0; i < N; ++i) z[i] = u[i] * w[i];
}

static void scale_i32(void* const* b, const DlcKernelEnv* env) {
  const int32_t* idx = (const int32_t*)b[0];
  const int32_t* k = (const int32_t*)b[1];
  int32_t* out = (int32_t*)b[2];
  for (int i = 0; i < 4; ++i) out[i] = idx[i] * k[i];
}

/* w at offset 0 (6 floats), k at offset 32 (4 ints): 48 bytes. */
static const union {
  struct {
    float w[8];
    int32_t k[4];
  } s;
  uint8_t bytes[48];
} kWeights = {{{0.5f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f, 0.0f, 0.0f}, {1, 2, 3, 4}}};

static const DlcKernelFn kKernels[] = {add_f32, relu_f32, mul_f32, scale_i32};
static const char* const kKernelNames[] = {"add_f32", "relu_f32", "mul_f32", "scale_i32"};

static const DlcArtifactDescriptor kDescriptor = {
    DLC_TEST_MAGIC, DLC_TEST_FORMAT_VERSION, DLC_TEST_DLC_VERSION, DLC_TEST_ARCH,
    4, kKernels, kKernelNames,
    dlc_test_plan, sizeof dlc_test_plan,
    kWeights.bytes, sizeof kWeights.bytes,
};

#ifndef DLC_TEST_NO_DESCRIPTOR
__attribute__((visibility("default")))
#endif
const DlcArtifactDescriptor* dlc_artifact_descriptor(void) {
  return &kDescriptor;
}
