/* machine_peak.c: the measured single-core float32 peak and clock (see
 * rl_machine.h). Built with the fused kernels (-O3) so the accumulators
 * stay in registers whatever the build type.
 *
 * Peak: 12 independent vector accumulators, each updated by a fused
 * multiply-add per iteration (12 covers FMA latency 4 x 2 units with room
 * to spare), in the widest instruction set the CPU and OS support, picked
 * at run time. Clock: a chain of dependent integer adds (latency one
 * cycle on every x86-64 core), so adds per second = cycles per second.
 */
#include "rl_machine.h"

#include <stdint.h>
#include <time.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RL_PEAK_X86 1
#include <immintrin.h>

enum { ACCS = 12 };

/* acc = acc * a + b on 12 accumulators; a < 1 keeps them finite and away
 * from subnormals. The sum goes to *sink so nothing is optimised out. */
#define RL_FMA_LOOP(T, SET1, FMA, ADD, STORE, LANES)                       \
    T a = SET1(0.9999999f), bb = SET1(1e-7f);                              \
    T c[ACCS];                                                             \
    for (int j = 0; j < ACCS; j++)                                         \
        c[j] = SET1(1.0f + 0.01f * (float)j);                              \
    for (long i = 0; i < iters; i++) {                                     \
        c[0] = FMA(c[0], a, bb);                                           \
        c[1] = FMA(c[1], a, bb);                                           \
        c[2] = FMA(c[2], a, bb);                                           \
        c[3] = FMA(c[3], a, bb);                                           \
        c[4] = FMA(c[4], a, bb);                                           \
        c[5] = FMA(c[5], a, bb);                                           \
        c[6] = FMA(c[6], a, bb);                                           \
        c[7] = FMA(c[7], a, bb);                                           \
        c[8] = FMA(c[8], a, bb);                                           \
        c[9] = FMA(c[9], a, bb);                                           \
        c[10] = FMA(c[10], a, bb);                                         \
        c[11] = FMA(c[11], a, bb);                                         \
    }                                                                      \
    T s = c[0];                                                            \
    for (int j = 1; j < ACCS; j++)                                         \
        s = ADD(s, c[j]);                                                  \
    float out[LANES];                                                      \
    STORE(out, s);                                                         \
    *sink += out[0];

__attribute__((target("avx512f"))) static void fma_avx512(long iters,
                                                           float *sink)
{
    RL_FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps,
                _mm512_storeu_ps, 16)
}

__attribute__((target("avx2,fma"))) static void fma_avx2(long iters,
                                                         float *sink)
{
    RL_FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps,
                _mm256_storeu_ps, 8)
}

/* without FMA: a multiply and an add per accumulator (2 flops, two units) */
static inline __m128 mul_add_sse(__m128 c, __m128 a, __m128 b)
{
    return _mm_add_ps(_mm_mul_ps(c, a), b);
}

static void fma_sse(long iters, float *sink)
{
    RL_FMA_LOOP(__m128, _mm_set1_ps, mul_add_sse, _mm_add_ps, _mm_storeu_ps,
                4)
}

/* 32 dependent adds per iteration: 32 cycles; the loop counter runs
 * alongside on other ports */
static void add_chain(long iters, float *sink)
{
    uint64_t x = 0;
    for (long i = 0; i < iters; i++) {
#define RL_ADD4 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
        __asm__ volatile(RL_ADD4 RL_ADD4 RL_ADD4 RL_ADD4 RL_ADD4 RL_ADD4
                             RL_ADD4 RL_ADD4
                         : "+r"(x));
#undef RL_ADD4
    }
    *sink += (float)(x & 1);
}
#endif

#ifdef RL_PEAK_X86
/* Best rate (iterations per second) over `repeats` runs of about
 * `seconds` each, after a calibration that doubles as warm-up. */
static double best_rate(void (*fn)(long, float *), double seconds,
                        int repeats)
{
    float sink = 0.0f;
    long iters = 1000;
    double t = 0.0;
    for (;;) {
        double t0 = now_s();
        fn(iters, &sink);
        t = now_s() - t0;
        if (t >= seconds / 4 || iters >= (1L << 40))
            break;
        iters *= 2;
    }
    if (t > 0)
        iters = (long)((double)iters * seconds / t) + 1;
    double best = 0.0;
    for (int r = 0; r < repeats; r++) {
        double t0 = now_s();
        fn(iters, &sink);
        double dt = now_s() - t0;
        if (dt > 0 && (double)iters / dt > best)
            best = (double)iters / dt;
    }
    return sink == 12345.0f ? best + 1 : best; /* keeps sink live */
}
#endif

void rl_machine_measure(struct rl_machine *m, double seconds, int repeats)
{
    m->measured_mhz = 0.0;
    m->measured_gflops = 0.0;
    m->measured_isa = "none";
#ifdef RL_PEAK_X86
    if (seconds <= 0 || repeats < 1)
        return;
    __builtin_cpu_init();
    void (*fn)(long, float *) = fma_sse;
    double flops_per_iter = ACCS * 4 * 2;
    m->measured_isa = "sse (mul + add)";
    if (__builtin_cpu_supports("avx512f")) {
        fn = fma_avx512;
        flops_per_iter = ACCS * 16 * 2;
        m->measured_isa = "avx512f fma";
    } else if (__builtin_cpu_supports("avx2") &&
               __builtin_cpu_supports("fma")) {
        fn = fma_avx2;
        flops_per_iter = ACCS * 8 * 2;
        m->measured_isa = "avx2 fma";
    }
    m->measured_gflops = best_rate(fn, seconds, repeats) * flops_per_iter /
                         1e9;
    m->measured_mhz = best_rate(add_chain, seconds, repeats) * 32 / 1e6;
#else
    (void)seconds;
    (void)repeats;
#endif
}
