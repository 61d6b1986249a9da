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
#define ACC 12 /* accumulators: enough to cover the FMA latency on two ports */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static float sink;

/* Twelve named accumulators (an array would be kept in memory at -O2). */
#define FMA12(fma, a, b)                                                                      \
  do {                                                                                        \
    c0 = fma(c0, a, b); c1 = fma(c1, a, b); c2 = fma(c2, a, b); c3 = fma(c3, a, b);          \
    c4 = fma(c4, a, b); c5 = fma(c5, a, b); c6 = fma(c6, a, b); c7 = fma(c7, a, b);          \
    c8 = fma(c8, a, b); c9 = fma(c9, a, b); c10 = fma(c10, a, b); c11 = fma(c11, a, b);      \
  } while (0)

__attribute__((target("avx2,fma"))) static void* run_avx2(void* arg) {
  long iters = *(long*)arg;
  __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  __m256 c0 = _mm256_set1_ps(0), c1 = _mm256_set1_ps(1), c2 = _mm256_set1_ps(2), c3 = _mm256_set1_ps(3);
  __m256 c4 = _mm256_set1_ps(4), c5 = _mm256_set1_ps(5), c6 = _mm256_set1_ps(6), c7 = _mm256_set1_ps(7);
  __m256 c8 = _mm256_set1_ps(8), c9 = _mm256_set1_ps(9), c10 = _mm256_set1_ps(10), c11 = _mm256_set1_ps(11);
  for (long it = 0; it < iters; ++it) FMA12(_mm256_fmadd_ps, a, b);
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                           _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
  float tmp[8];
  _mm256_storeu_ps(tmp, s);
  sink += tmp[0];
  return NULL;
}

__attribute__((target("avx512f"))) static void* run_avx512(void* arg) {
  long iters = *(long*)arg;
  __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  __m512 c0 = _mm512_set1_ps(0), c1 = _mm512_set1_ps(1), c2 = _mm512_set1_ps(2), c3 = _mm512_set1_ps(3);
  __m512 c4 = _mm512_set1_ps(4), c5 = _mm512_set1_ps(5), c6 = _mm512_set1_ps(6), c7 = _mm512_set1_ps(7);
  __m512 c8 = _mm512_set1_ps(8), c9 = _mm512_set1_ps(9), c10 = _mm512_set1_ps(10), c11 = _mm512_set1_ps(11);
  for (long it = 0; it < iters; ++it) FMA12(_mm512_fmadd_ps, a, b);
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)),
                           _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)));
  sink += _mm512_reduce_add_ps(s);
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
