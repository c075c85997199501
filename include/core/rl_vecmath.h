/* rl_vecmath.h: exp, log1p and tanh in double, written so that a loop
 * calling them vectorises (libm's are a call per element).
 *
 * Each is a static inline function of plain arithmetic and bit moves: no
 * branches the compiler cannot turn into selects, no errno, NaN in gives
 * NaN out. Accuracy against libm is tested (tests/core/test_vecmath.c:
 * within 6e-16 relative, about 3 ulps, over the ranges below). Used by
 * the losses of the general path (net.c) and the linearised twin
 * (linearised.c); the float kernels have their own tanh
 * (rl_kernel_tanh).
 */
#ifndef RL_VECMATH_H
#define RL_VECMATH_H

#include <stdint.h>
#include <string.h>

/* Put before a function definition to build it once per instruction set
 * (AVX-512, AVX2+FMA, baseline) and pick the copy at load time (the fused
 * kernels of net_kernel.c, the general path, the optimiser update and the
 * linearised twin use it): the loops it inlines then vectorise at the
 * machine's width. Nothing under clang or ThreadSanitizer (whose
 * instrumentation the load-time resolvers would run before). */
#if defined(__x86_64__) && defined(__has_attribute) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__)
#if __has_attribute(target_clones)
#define RL_VM_CLONES                                                       \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3",      \
                                 "default")))
#define RL_VM_CLONED 1          /* RL_VM_CLONES makes copies */
#endif
#endif
#ifndef RL_VM_CLONES
#define RL_VM_CLONES
#endif

/* 2^n for integer -1022 <= n <= 1023, from the exponent bits. */
static inline double rl_vm_pow2i(int64_t n)
{
    uint64_t b = (uint64_t)(n + 1023) << 52;
    double s;
    memcpy(&s, &b, sizeof(s));
    return s;
}

/* n = round(x / ln 2) as a double and as an integer, and r = x - n ln 2
 * with |r| <= ln2/2 (ln 2 split in a 32-bit high part, so n ln2_hi is
 * exact for |n| < 2^21, and a low part: Cody and Waite's reduction).
 * Adding 1.5 * 2^52 rounds to an integer held in the low mantissa bits,
 * without a double-to-int conversion. |x| <= 1e6. */
static inline double rl_vm_reduce(double x, int64_t *n)
{
    const double ln2_hi = 0.693147180369123816490;   /* 32 bits */
    const double ln2_lo = 1.90821492927058770002e-10; /* ln 2 - ln2_hi */
    const double shift = 6755399441055744.0;
    double kf = x * 1.4426950408889634074 + shift;
    double fn = kf - shift;
    uint64_t kb, sb;
    memcpy(&kb, &kf, sizeof(kb));
    memcpy(&sb, &shift, sizeof(sb));
    *n = (int64_t)(kb - sb);
    return (x - fn * ln2_hi) - fn * ln2_lo;
}

/* e^r - 1 for |r| <= ln2/2: r + r^2 q(r), the Taylor series to r^13
 * (truncation below 1e-17 relative). */
static inline double rl_vm_expm1_reduced(double r)
{
    double q = 1.0 / 6227020800.0;                   /* 1/13! */
    q = q * r + 1.0 / 479001600.0;
    q = q * r + 1.0 / 39916800.0;
    q = q * r + 1.0 / 3628800.0;
    q = q * r + 1.0 / 362880.0;
    q = q * r + 1.0 / 40320.0;
    q = q * r + 1.0 / 5040.0;
    q = q * r + 1.0 / 720.0;
    q = q * r + 1.0 / 120.0;
    q = q * r + 1.0 / 24.0;
    q = q * r + 1.0 / 6.0;
    q = q * r + 0.5;
    return r + r * r * q;
}

/* e^x: 2^n e^r with x = n ln 2 + r, e^r = 1 + rl_vm_expm1_reduced(r), and
 * 2^n as 2^n1 2^n2 (n1 = floor(n/2), n2 = n - n1, both normal), so the
 * result overflows to inf above ~709.78 and underflows gradually below
 * ~-708.4. x is clamped to [-746, 710] first (the results there are 0
 * and inf already). */
static inline double rl_vm_exp(double x)
{
    x = x < -746.0 ? -746.0 : x;
    x = x > 710.0 ? 710.0 : x;
    int64_t n;
    double r = rl_vm_reduce(x, &n);
    double er = 1.0 + rl_vm_expm1_reduced(r);
    int64_t n1 = n >> 1, n2 = n - n1;            /* arithmetic shift */
    return er * rl_vm_pow2i(n1) * rl_vm_pow2i(n2);
}

/* log(1 + u) for 0 <= u <= 1: with s = u / (2 + u) <= 1/3,
 * log(1 + u) = 2 atanh s = 2 (s + s^3/3 + s^5/5 + ...), to s^35
 * (truncation below 1e-17 relative). */
static inline double rl_vm_log1p_unit(double u)
{
    double s = u / (2.0 + u), t = s * s;
    double q = 1.0 / 35.0;
    q = q * t + 1.0 / 33.0;
    q = q * t + 1.0 / 31.0;
    q = q * t + 1.0 / 29.0;
    q = q * t + 1.0 / 27.0;
    q = q * t + 1.0 / 25.0;
    q = q * t + 1.0 / 23.0;
    q = q * t + 1.0 / 21.0;
    q = q * t + 1.0 / 19.0;
    q = q * t + 1.0 / 17.0;
    q = q * t + 1.0 / 15.0;
    q = q * t + 1.0 / 13.0;
    q = q * t + 1.0 / 11.0;
    q = q * t + 1.0 / 9.0;
    q = q * t + 1.0 / 7.0;
    q = q * t + 1.0 / 5.0;
    q = q * t + 1.0 / 3.0;
    return 2.0 * (s + s * t * q);
}

/* tanh x: tanh|x| = m / (m + 2) with m = e^(2|x|) - 1 = 2^n (e^r - 1) +
 * (2^n - 1), which for n = 0 is e^r - 1 itself (no cancellation near 0);
 * |x| is capped at 20, where tanh is 1 in double; the sign put back. */
static inline double rl_vm_tanh(double x)
{
    double ax = x < 0.0 ? -x : x;
    ax = ax > 20.0 ? 20.0 : ax;
    int64_t n;
    double r = rl_vm_reduce(2.0 * ax, &n);           /* 0 <= n <= 58 */
    double p = rl_vm_pow2i(n);
    double m = p * rl_vm_expm1_reduced(r) + (p - 1.0);
    double t = m / (m + 2.0);
    return x < 0.0 ? -t : t;
}

#endif
