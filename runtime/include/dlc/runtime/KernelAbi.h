/* The calling convention between generated kernels and the runtime, in C.
 *
 * A compiled artifact (a shared library written by `dlc compile`) holds one
 * function per kernel:
 *
 *     void kernel(void* const* buffers, const DlcKernelEnv* env);
 *
 * `buffers[i]` is the base address of the kernel's i-th parameter (the order of
 * dlc::kernel::Kernel::params). A parallel loop in a kernel is outlined into a
 * body function and run through env->parallel_for, which returns once every
 * iteration has finished. The artifact exports one symbol, DLC_ARTIFACT_SYMBOL,
 * a function returning its descriptor.
 */
#ifndef DLC_RUNTIME_KERNELABI_H
#define DLC_RUNTIME_KERNELABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*DlcParallelBody)(void* closure, int64_t iteration);

typedef struct DlcKernelEnv {
  /* Runs body(closure, i) for every i in [0, n); returns when all are done. */
  void (*parallel_for)(void* pool, int64_t n, DlcParallelBody body, void* closure);
  void* pool;
} DlcKernelEnv;

typedef void (*DlcKernelFn)(void* const* buffers, const DlcKernelEnv* env);

#define DLC_ARTIFACT_MAGIC 0x41434c44u /* "DLCA" little-endian */
#define DLC_ARTIFACT_FORMAT_VERSION 1u
#define DLC_ARTIFACT_SYMBOL "dlc_artifact_descriptor"

typedef struct DlcArtifactDescriptor {
  uint32_t magic;          /* DLC_ARTIFACT_MAGIC; read first */
  uint32_t format_version; /* DLC_ARTIFACT_FORMAT_VERSION */
  const char* dlc_version; /* the dlc that wrote it, e.g. "0.1.0" */
  const char* arch;        /* "x86_64" or "aarch64" */
  uint32_t num_kernels;
  const DlcKernelFn* kernels;
  const char* const* kernel_names;
  const uint8_t* plan; /* the execution plan, encoded as dlc/runtime/Plan.h says */
  uint64_t plan_size;
  const uint8_t* weights; /* constants; the plan gives each one's offset */
  uint64_t weights_size;
} DlcArtifactDescriptor;

typedef const DlcArtifactDescriptor* (*DlcArtifactDescriptorFn)(void);

#ifdef __cplusplus
}
#endif

#endif
