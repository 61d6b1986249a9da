/* The machine's FMA peak, measured: each of T threads runs a loop of
 * independent vector FMAs on registers (no memory traffic), as many
 * accumulators as hide the FMA latency. Prints one JSON object:
 *   {"threads": T, "isa": "avx2"|"avx512", "gflops": G}
 * usage: fma_peak THREADS [avx2|avx512] */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ITERS 200000000L
#define ACC 12

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static float sink;

__attribute__((target("avx2,fma"))) static void* run_avx2(void* arg) {
  long iters = *(long*)arg;
  __m256 acc[ACC];
  __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < ACC; ++i) acc[i] = _mm256_set1_ps((float)i);
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < ACC; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  float s = 0, tmp[8];
  for (int i = 0; i < ACC; ++i) {
    _mm256_storeu_ps(tmp, acc[i]);
    s += tmp[0];
  }
  sink += s;
  return NULL;
}

__attribute__((target("avx512f"))) static void* run_avx512(void* arg) {
  long iters = *(long*)arg;
  __m512 acc[ACC];
  __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < ACC; ++i) acc[i] = _mm512_set1_ps((float)i);
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < ACC; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  float s = 0;
  for (int i = 0; i < ACC; ++i) s += _mm512_reduce_add_ps(acc[i]);
  sink += s;
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: fma_peak THREADS [avx2|avx512]\n");
    return 2;
  }
  int threads = atoi(argv[1]);
  const char* isa = argc > 2 ? argv[2] : "avx2";
  int wide = strcmp(isa, "avx512") == 0;
  if (threads < 1 || (!wide && strcmp(isa, "avx2") != 0)) {
    fprintf(stderr, "fma_peak: bad arguments\n");
    return 2;
  }
  __builtin_cpu_init();
  if (wide ? !__builtin_cpu_supports("avx512f") : !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
    fprintf(stderr, "fma_peak: this CPU has no %s\n", isa);
    return 1;
  }
  void* (*fn)(void*) = wide ? run_avx512 : run_avx2;
  long iters = ITERS / (wide ? 2 : 1) / 10;
  long warm = iters / 10;
  fn(&warm);
  pthread_t tid[256];
  if (threads > 256) threads = 256;
  double t0 = now();
  for (int i = 0; i < threads; ++i) pthread_create(&tid[i], NULL, fn, &iters);
  for (int i = 0; i < threads; ++i) pthread_join(tid[i], NULL);
  double dt = now() - t0;
  double flops = (double)threads * iters * ACC * (wide ? 16 : 8) * 2;
  printf("{\"threads\": %d, \"isa\": \"%s\", \"gflops\": %.2f}\n", threads, isa, flops / dt * 1e-9);
  return sink == 12345.0f;  /* keeps the loop alive */
}
