/* Times a dlc artifact with nothing but libdlc_runtime, so its peak resident
 * memory is what a deployment pays. Inputs come from a raw file (every input's
 * bytes in input order, as bench/run.py writes them).
 *
 *   usage: runner MODEL.so INPUTS.bin THREADS WARMUP REPEAT
 *   prints {"latency_ms": {"min": .., "median": .., "mean": ..}, "threads": T}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dlc/runtime/dlc_runtime.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static int fail(const char* what) {
  fprintf(stderr, "runner: error: %s: %s\n", what, dlc_last_error());
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: runner MODEL.so INPUTS.bin THREADS WARMUP REPEAT\n");
    return 2;
  }
  int threads = atoi(argv[3]), warmup = atoi(argv[4]), repeat = atoi(argv[5]);
  if (repeat < 1) repeat = 1;
  FILE* f = fopen(argv[2], "rb");
  if (!f) {
    fprintf(stderr, "runner: error: cannot read %s\n", argv[2]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* bytes = malloc(size > 0 ? (size_t)size : 1);
  if (!bytes || fread(bytes, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "runner: error: cannot read %s\n", argv[2]);
    return 1;
  }
  fclose(f);
  DlcModel* m = dlc_model_load(argv[1]);
  if (!m) return fail("load");
  DlcInstance* in = dlc_instance_create(m, threads);
  if (!in) return fail("instance");
  long at = 0;
  for (int i = 0; i < dlc_model_num_inputs(m); ++i) {
    DlcTensorInfo info;
    dlc_model_input_info(m, i, &info);
    if (at + (long)info.bytes > size) {
      fprintf(stderr, "runner: error: %s is too short for input '%s'\n", argv[2], info.name);
      return 1;
    }
    if (dlc_instance_bind_input(in, info.name, bytes + at, info.dtype, info.rank, info.extents) != DLC_OK)
      return fail("set input");
    at += (long)info.bytes;
  }
  for (int i = 0; i < warmup; ++i)
    if (dlc_instance_run(in) != DLC_OK) return fail("run");
  double* t = malloc(sizeof(double) * (size_t)repeat);
  double sum = 0;
  for (int i = 0; i < repeat; ++i) {
    double t0 = now_ms();
    if (dlc_instance_run(in) != DLC_OK) return fail("run");
    t[i] = now_ms() - t0;
    sum += t[i];
  }
  qsort(t, (size_t)repeat, sizeof(double), cmp);
  double median = repeat % 2 ? t[repeat / 2] : (t[repeat / 2 - 1] + t[repeat / 2]) / 2;
  printf("{\"latency_ms\": {\"min\": %.4f, \"median\": %.4f, \"mean\": %.4f}, \"threads\": %d}\n", t[0], median,
         sum / repeat, dlc_instance_num_threads(in));
  dlc_instance_free(in);
  dlc_model_free(m);
  free(t);
  free(bytes);
  return 0;
}
