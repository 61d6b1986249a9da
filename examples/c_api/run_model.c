/* run_model: loads a dlc artifact, prints its inputs and outputs, fills every
 * input with a fixed pattern (sin(i * 0.1) for floats, i % 7 for integers and
 * booleans), runs it and prints each output's name, type, first values and sum.
 *
 *   run_model MODEL.so [--threads N] [--profile]
 *   run_model --help
 *
 * Uses only the C API of libdlc_runtime (dlc/runtime/dlc_runtime.h). Exit status
 * 0 on success, 1 on a runtime error (printed to stderr), 2 on bad usage.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlc/runtime/dlc_runtime.h"

#define SHOWN_VALUES 8

static void usage(FILE* out) {
  fprintf(out,
          "usage: run_model MODEL.so [--threads N] [--profile]\n"
          "  Loads a dlc artifact, fills its inputs with sin(i * 0.1) (floats) or i %% 7\n"
          "  (integers), runs it and prints every output's first values and sum.\n"
          "  --threads N  threads to run with (0 = DLC_NUM_THREADS, else all cores)\n"
          "  --profile    print each step's kernel and time\n"
          "runtime: dlc %s, %s\n",
          dlc_runtime_version(), dlc_runtime_arch());
}

static void print_type(const DlcTensorInfo* t) {
  printf("%s[", t->dtype_name);
  for (int32_t k = 0; k < t->rank; ++k) printf(k ? "x%lld" : "%lld", (long long)t->extents[k]);
  printf("]");
}

/* Element i of a buffer of dtype as a double; 0 for types without a C equivalent. */
static double element(const void* data, int32_t dtype, uint64_t i) {
  switch (dtype) {
    case DLC_F32: return ((const float*)data)[i];
    case DLC_F64: return ((const double*)data)[i];
    case DLC_I8: return ((const int8_t*)data)[i];
    case DLC_I16: return ((const int16_t*)data)[i];
    case DLC_I32: return ((const int32_t*)data)[i];
    case DLC_I64: return (double)((const int64_t*)data)[i];
    case DLC_U8: case DLC_BOOL: return ((const uint8_t*)data)[i];
    case DLC_U16: return ((const uint16_t*)data)[i];
    case DLC_U32: return ((const uint32_t*)data)[i];
    case DLC_U64: return (double)((const uint64_t*)data)[i];
    default: return 0.0;
  }
}

/* Fills n elements: floats sin(i * 0.1), integers i % 7, booleans i % 2;
 * f16/bf16 get the bit patterns of small values. */
static void fill(void* data, int32_t dtype, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    double f = sin((double)i * 0.1);
    int64_t v = (int64_t)(i % 7);
    switch (dtype) {
      case DLC_F32: ((float*)data)[i] = (float)f; break;
      case DLC_F64: ((double*)data)[i] = f; break;
      case DLC_F16: ((uint16_t*)data)[i] = (uint16_t)(0x3c00 + v); break;  /* 1.0 and a little more */
      case DLC_BF16: ((uint16_t*)data)[i] = (uint16_t)(0x3f80 + v); break;
      case DLC_I8: ((int8_t*)data)[i] = (int8_t)v; break;
      case DLC_I16: ((int16_t*)data)[i] = (int16_t)v; break;
      case DLC_I32: ((int32_t*)data)[i] = (int32_t)v; break;
      case DLC_I64: ((int64_t*)data)[i] = v; break;
      case DLC_U8: ((uint8_t*)data)[i] = (uint8_t)v; break;
      case DLC_U16: ((uint16_t*)data)[i] = (uint16_t)v; break;
      case DLC_U32: ((uint32_t*)data)[i] = (uint32_t)v; break;
      case DLC_U64: ((uint64_t*)data)[i] = (uint64_t)v; break;
      case DLC_BOOL: ((uint8_t*)data)[i] = (uint8_t)(i % 2); break;
      default: break;
    }
  }
}

static int fail(const char* what) {
  fprintf(stderr, "run_model: %s: %s\n", what, dlc_last_error());
  return 1;
}

int main(int argc, char** argv) {
  const char* path = NULL;
  int threads = 0, profile = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
      char* end = NULL;
      long v = strtol(argv[++i], &end, 10);
      if (*end || v < 0 || v > 1024) {
        fprintf(stderr, "run_model: --threads wants a number from 0 to 1024, got '%s'\n", argv[i]);
        return 2;
      }
      threads = (int)v;
    } else if (!strcmp(argv[i], "--profile")) {
      profile = 1;
    } else if (argv[i][0] == '-' || path) {
      usage(stderr);
      return 2;
    } else {
      path = argv[i];
    }
  }
  if (!path) {
    usage(stderr);
    return 2;
  }

  DlcModel* model = dlc_model_load(path);
  if (!model) return fail("load");
  DlcModelFacts facts;
  dlc_model_facts(model, &facts);
  printf("model %s: dlc %s, %s, %u kernels, %u steps, weights %llu bytes, arena %llu bytes\n", path,
         facts.dlc_version, facts.arch, facts.num_kernels, facts.num_steps, (unsigned long long)facts.weights_bytes,
         (unsigned long long)facts.arena_bytes);

  int status = 1;
  void** inputs = NULL;
  int32_t num_inputs = dlc_model_num_inputs(model), num_outputs = dlc_model_num_outputs(model);
  DlcInstance* inst = dlc_instance_create(model, threads);
  if (!inst) {
    fail("create instance");
    goto done;
  }
  printf("threads: %d\n", dlc_instance_num_threads(inst));

  inputs = calloc((size_t)num_inputs + 1, sizeof(void*));
  for (int32_t i = 0; i < num_inputs; ++i) {
    DlcTensorInfo t;
    dlc_model_input_info(model, i, &t);
    printf("input %d: %s ", i, t.name);
    print_type(&t);
    printf("\n");
    inputs[i] = malloc(t.bytes ? t.bytes : 1);
    if (!inputs[i]) {
      fprintf(stderr, "run_model: out of memory for input '%s'\n", t.name);
      goto done;
    }
    fill(inputs[i], t.dtype, t.bytes / dlc_dtype_size(t.dtype));
    if (dlc_instance_set_input(inst, t.name, inputs[i], t.dtype, t.rank, t.extents) != DLC_OK) {
      fail("set input");
      goto done;
    }
  }
  if (profile) dlc_instance_enable_profiling(inst, 1);
  if (dlc_instance_run(inst) != DLC_OK) {
    fail("run");
    goto done;
  }

  for (int32_t i = 0; i < num_outputs; ++i) {
    DlcTensorInfo t;
    dlc_model_output_info(model, i, &t);
    const void* data = dlc_instance_output(inst, i);
    if (!data) {
      fail("output");
      goto done;
    }
    uint64_t n = t.bytes / dlc_dtype_size(t.dtype);
    double sum = 0.0;
    for (uint64_t k = 0; k < n; ++k) sum += element(data, t.dtype, k);
    printf("output %d: %s ", i, t.name);
    print_type(&t);
    printf(" =");
    for (uint64_t k = 0; k < n && k < SHOWN_VALUES; ++k) printf(" %.6g", element(data, t.dtype, k));
    printf("%s sum=%.6g\n", n > SHOWN_VALUES ? " ..." : "", sum);
  }
  if (profile) {
    int32_t steps = dlc_instance_profile_count(inst);
    for (int32_t s = 0; s < steps; ++s) {
      DlcProfileStep p;
      dlc_instance_profile_step(inst, s, &p);
      printf("step %d: %s %llu ns\n", s, p.kernel_name, (unsigned long long)p.ns);
    }
  }
  status = 0;

done:
  if (inputs)
    for (int32_t i = 0; i < num_inputs; ++i) free(inputs[i]);
  free(inputs);
  dlc_instance_free(inst);
  dlc_model_free(model);
  return status;
}
