/* dlc_runtime.h: the C API of libdlc_runtime, which loads and runs artifacts
 * written by `dlc compile` (see docs/runtime.md).
 *
 *   DlcModel* m = dlc_model_load("model.so");            // checks, then dlopen
 *   DlcInstance* in = dlc_instance_create(m, 0);          // arena, outputs, threads
 *   dlc_instance_set_input(in, "x", data, DLC_F32, 4, extents);
 *   dlc_instance_run(in);
 *   const float* y = (const float*)dlc_instance_output(in, 0);
 *   dlc_instance_free(in);
 *   dlc_model_free(m);
 *
 * Errors: every function returns a DlcStatus, a NULL pointer or -1, and then
 * dlc_last_error() says why, in one line. No function crashes on a NULL handle,
 * an index out of range or data that does not match the model.
 *
 * Threads: a loaded model is read-only and may be shared by any number of
 * threads; an instance is used by one thread at a time. Handles are reference
 * counted inside: a model (or a pool) freed while instances still use it stays
 * alive until the last of them is freed.
 */
#ifndef DLC_RUNTIME_DLC_RUNTIME_H
#define DLC_RUNTIME_DLC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(DLC_RUNTIME_BUILDING)
#define DLC_RUNTIME_API __attribute__((visibility("default")))
#else
#define DLC_RUNTIME_API
#endif

typedef struct DlcModel DlcModel;           /* a loaded artifact */
typedef struct DlcInstance DlcInstance;     /* arena, outputs and inputs of one execution context */
typedef struct DlcThreadPool DlcThreadPool; /* worker threads, may be shared by instances */

typedef enum DlcStatus {
  DLC_OK = 0,
  DLC_ERROR_INVALID_ARGUMENT = 1, /* a NULL handle, an index out of range, a bad thread count */
  DLC_ERROR_LOAD = 2,             /* the file is not a loadable dlc artifact for this machine */
  DLC_ERROR_VERSION = 3,          /* written by an incompatible dlc or in another format version */
  DLC_ERROR_MISMATCH = 4,         /* an input's name, dtype, rank or extents differ from the model's */
  DLC_ERROR_STATE = 5,            /* run with inputs missing, output read before a run, profile not enabled */
  DLC_ERROR_OUT_OF_MEMORY = 6,
  DLC_ERROR_INTERNAL = 7
} DlcStatus;

/* Element types, numbered as the artifact's plan (and dlc's IR) numbers them. */
typedef enum DlcDType {
  DLC_F32 = 1, DLC_F64 = 2, DLC_F16 = 3, DLC_BF16 = 4, DLC_I8 = 5, DLC_I16 = 6, DLC_I32 = 7, DLC_I64 = 8,
  DLC_U8 = 9, DLC_U16 = 10, DLC_U32 = 11, DLC_U64 = 12, DLC_BOOL = 13
} DlcDType;

/* ---- errors and versions ---------------------------------------------------- */

/* The message of the last failed call on this thread ("" if none); valid until the
 * next failing call on this thread. */
DLC_RUNTIME_API const char* dlc_last_error(void);
/* The status of the last failed call on this thread (DLC_OK if none): the
 * reason behind a NULL or -1 result. */
DLC_RUNTIME_API DlcStatus dlc_last_status(void);
/* A short name for a status code ("ok", "out of memory", ...). */
DLC_RUNTIME_API const char* dlc_status_name(DlcStatus status);
/* This runtime's dlc version ("0.1.0") and the architecture it runs ("x86_64"). */
DLC_RUNTIME_API const char* dlc_runtime_version(void);
DLC_RUNTIME_API const char* dlc_runtime_arch(void);
/* "f32", "i64", ... as the text IR writes them; NULL for an unknown number. */
DLC_RUNTIME_API const char* dlc_dtype_name(int32_t dtype);
/* Bytes per element; 0 for an unknown number. */
DLC_RUNTIME_API size_t dlc_dtype_size(int32_t dtype);

/* ---- models ----------------------------------------------------------------- */

/* Checks the file (ELF class and machine), loads it, checks the descriptor
 * (magic, format version, dlc version) and decodes its plan. NULL on failure. */
DLC_RUNTIME_API DlcModel* dlc_model_load(const char* path);
/* Releases the caller's reference; NULL is ignored. */
DLC_RUNTIME_API void dlc_model_free(DlcModel* model);

typedef struct DlcTensorInfo {
  const char* name;       /* the graph value's name */
  int32_t dtype;          /* a DlcDType */
  const char* dtype_name; /* "f32" */
  int32_t rank;
  const int64_t* extents; /* rank entries (NULL when rank is 0) */
  uint64_t bytes;         /* numel * dtype size */
} DlcTensorInfo;

/* Counts: -1 for a NULL model. */
DLC_RUNTIME_API int32_t dlc_model_num_inputs(const DlcModel* model);
DLC_RUNTIME_API int32_t dlc_model_num_outputs(const DlcModel* model);
/* Fills *info for input/output `index`; its pointers live as long as the model. */
DLC_RUNTIME_API DlcStatus dlc_model_input_info(const DlcModel* model, int32_t index, DlcTensorInfo* info);
DLC_RUNTIME_API DlcStatus dlc_model_output_info(const DlcModel* model, int32_t index, DlcTensorInfo* info);
/* The index of the input/output called `name`; -1 (and an error naming the
 * known ones) if there is none. */
DLC_RUNTIME_API int32_t dlc_model_input_index(const DlcModel* model, const char* name);
DLC_RUNTIME_API int32_t dlc_model_output_index(const DlcModel* model, const char* name);

typedef struct DlcModelFacts {
  uint64_t weights_bytes;   /* constants in the artifact */
  uint64_t arena_bytes;     /* peak intermediate memory, one arena per instance */
  uint64_t output_bytes;    /* all outputs together, owned by each instance */
  uint32_t num_kernels;
  uint32_t num_steps;       /* kernel calls and copies in the plan */
  uint32_t format_version;  /* of the artifact */
  const char* dlc_version;  /* the dlc that wrote it */
  const char* arch;         /* "x86_64", "aarch64" */
  const char* path;         /* as given to dlc_model_load */
} DlcModelFacts;

DLC_RUNTIME_API DlcStatus dlc_model_facts(const DlcModel* model, DlcModelFacts* facts);
/* The name of kernel `index`; NULL if out of range. */
DLC_RUNTIME_API const char* dlc_model_kernel_name(const DlcModel* model, int32_t index);

/* ---- thread pools ----------------------------------------------------------- */

/* A pool of num_threads threads counting the caller (num_threads - 1 workers).
 * 0 means the DLC_NUM_THREADS environment variable if set, else every CPU this
 * process may use. NULL on failure (a bad count or DLC_NUM_THREADS). */
DLC_RUNTIME_API DlcThreadPool* dlc_thread_pool_create(int32_t num_threads);
DLC_RUNTIME_API void dlc_thread_pool_free(DlcThreadPool* pool);
DLC_RUNTIME_API int32_t dlc_thread_pool_num_threads(const DlcThreadPool* pool);

/* ---- instances -------------------------------------------------------------- */

/* An instance with its own arena, outputs and a pool of num_threads threads (0 as
 * for dlc_thread_pool_create). NULL on failure, e.g. "out of memory: cannot
 * allocate N bytes for ...". */
DLC_RUNTIME_API DlcInstance* dlc_instance_create(const DlcModel* model, int32_t num_threads);
/* The same, running its parallel loops on `pool` (shared: one loop at a time). */
DLC_RUNTIME_API DlcInstance* dlc_instance_create_with_pool(const DlcModel* model, DlcThreadPool* pool);
DLC_RUNTIME_API void dlc_instance_free(DlcInstance* instance);
DLC_RUNTIME_API int32_t dlc_instance_num_threads(const DlcInstance* instance);

/* Sets input `name` to a copy of `data`. dtype, rank and extents must equal the
 * model's: "input 'x': expected f32[1x3x224x224], got f32[1x3x224]". An input
 * stays set for later runs until set again. */
DLC_RUNTIME_API DlcStatus dlc_instance_set_input(DlcInstance* instance, const char* name, const void* data,
                                                 int32_t dtype, int32_t rank, const int64_t* extents);
/* The same without a copy: kernels read `data` itself, which must stay valid and
 * unchanged through every run until the input is set again. */
DLC_RUNTIME_API DlcStatus dlc_instance_bind_input(DlcInstance* instance, const char* name, const void* data,
                                                  int32_t dtype, int32_t rank, const int64_t* extents);

/* Runs the plan's steps in order. Every input must be set. */
DLC_RUNTIME_API DlcStatus dlc_instance_run(DlcInstance* instance);

/* Output `index` (or `name`) of the last run: instance-owned memory, overwritten
 * by the next run, freed with the instance. NULL before the first run. */
DLC_RUNTIME_API const void* dlc_instance_output(const DlcInstance* instance, int32_t index);
DLC_RUNTIME_API const void* dlc_instance_output_by_name(const DlcInstance* instance, const char* name);
/* The model's description of output `index`, as dlc_model_output_info. */
DLC_RUNTIME_API DlcStatus dlc_instance_output_info(const DlcInstance* instance, int32_t index, DlcTensorInfo* info);
/* Copies output `index` into dst, which holds dst_bytes (at least the output's bytes). */
DLC_RUNTIME_API DlcStatus dlc_instance_copy_output(const DlcInstance* instance, int32_t index, void* dst,
                                                   uint64_t dst_bytes);

/* ---- profiling -------------------------------------------------------------- */

/* When enabled, each run times every step. */
DLC_RUNTIME_API DlcStatus dlc_instance_enable_profiling(DlcInstance* instance, int enable);

typedef struct DlcProfileStep {
  const char* kernel_name; /* the kernel's name, or "copy" for a copy step */
  uint32_t kernel;         /* its index, or 0xffffffff for a copy step */
  uint64_t ns;             /* wall time of the step in the last run */
  double flops;            /* floating-point operations of one call (0: not counted) */
  uint64_t bytes;          /* the bytes of the buffers it reads and writes */
} DlcProfileStep;

/* The number of steps timed in the last run; -1 if profiling was off for it. */
DLC_RUNTIME_API int32_t dlc_instance_profile_count(const DlcInstance* instance);
DLC_RUNTIME_API DlcStatus dlc_instance_profile_step(const DlcInstance* instance, int32_t step, DlcProfileStep* out);

#ifdef __cplusplus
}
#endif

#endif
