/* net_kernel.c: the fused forward and backward passes of the plain path.
 * See rl_net_kernel.h for the algebra and the layouts.
 *
 * Plain C loops written so the compiler vectorises them: every inner loop
 * is element-wise over contiguous arrays, blocked over several units
 * (forward) or samples (backward) per pass so each loaded value is used
 * several times and the running sums make one trip to L1 per block. This
 * file is built with -O3 and -ffp-contract=fast (a*b+c may become one
 * fused multiply-add; never -ffast-math: no reassociation, NaN-honest).
 */
#include "rl_net_kernel.h"
#include "rl_vecmath.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* One copy of each kernel per instruction set, chosen at load time
 * (RL_KERNEL_NO_CLONES: one copy for the build's target, which the tests
 * use to check the baseline code on machines with wider units). */
/* Under ThreadSanitizer there is one copy: the clones' resolvers run while
 * the program is relocated, before TSan has started, and would crash in
 * its instrumentation. */
#if defined(__SANITIZE_THREAD__) && !defined(RL_KERNEL_NO_CLONES)
#define RL_KERNEL_NO_CLONES 1
#endif
#if defined(RL_VM_CLONED) && !defined(RL_KERNEL_NO_CLONES)
#define RL_KERNEL RL_VM_CLONES
#define RL_KERNEL_CLONED 1
#else
#define RL_KERNEL
#endif

enum {
    UNITS_PER_PASS = 8,     /* forward: units sharing one sweep of out */
    SAMPLES_PER_PASS = 4,   /* backward (tanh, linear): samples per sweep */
    RELU_UNITS = 16,        /* relu backward, portable form: units whose
                             * sums stay in registers over all samples */
};

/* The relu backward pass keeps each unit's sums in registers over all
 * samples and adds sample k's terms only where z > 0 (a masked add):
 * g0[i] = (..((0 [+] ex0[0]) [+] ex0[1]) ..) [+] ex0[n-1], where [+] adds
 * when z_ik > 0 and keeps the sum otherwise. Every unit's sums are in
 * sample order, whatever the vector width, the blocking or the split
 * between threads. With AVX-512 the masked add is one instruction
 * (intrinsics, picked at run time); elsewhere the portable form below.
 * z_ik = a0 x0 + a1 x1, with bias a0 x0 + (a1 x1 + b), as in the forward
 * pass: fma(a0, x0, a1 x1) and fma(a0, x0, fma(a1, x1, b)) where the
 * machine fuses multiply-adds. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) &&    \
    !defined(RL_KERNEL_NO_CLONES)
#define RL_RELU_AVX512 1
#include <immintrin.h>
#endif

static inline float relu(float z)
{
    return z > 0.0f ? z : 0.0f;
}

/* tanh in a form the compiler vectorises (libm's tanhf is a call per
 * element): tanh|x| = m / (m + 2) with m = expm1(2|x|), the sign put back.
 * expm1(a): a = n ln2 + r with |r| <= ln2/2 (ln2 split in a short high part
 * and a low part so n ln2 is exact), expm1(r) by its Taylor series to r^8
 * (truncation below 1e-8 relative), then 2^n expm1(r) + (2^n - 1) with 2^n
 * built from its exponent bits. |x| is capped at 10, where tanh is 1 in
 * float; NaN stays NaN. Within a few float ulps of tanh (tested). */
static inline float fast_tanh(float x)
{
    const float ln2_hi = 0.693145751953125f;      /* 2^-1 + ... exact */
    const float ln2_lo = 1.428606765330187e-06f;  /* ln 2 - ln2_hi */
    float ax = fabsf(x);
    ax = ax > 10.0f ? 10.0f : ax;
    float a = 2.0f * ax;
    /* n = round(a / ln 2) without a float-to-int conversion (which keeps
     * GCC from vectorising next to the cap): adding 1.5 * 2^23 rounds to
     * an integer held in the low mantissa bits */
    const float shift = 12582912.0f;
    float k = a * 1.442695040888963f + shift;
    float fn = k - shift;
    uint32_t kb;
    memcpy(&kb, &k, sizeof(kb));
    uint32_t n = kb - 0x4B400000u;                /* 0 <= n <= 29 */
    float r = (a - fn * ln2_hi) - fn * ln2_lo;
    float p = 1.0f / 40320.0f;
    p = p * r + 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    float em_r = r + r * r * p;                   /* expm1(r) */
    uint32_t bits = (n + 127u) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof(scale));         /* 2^n */
    float m = scale * em_r + (scale - 1.0f);
    /* copysignf(m / (m + 2), x) by bits: GCC 12 does not vectorise the
     * call here */
    float t = m / (m + 2.0f);
    uint32_t tb, xb;
    memcpy(&tb, &t, sizeof(tb));
    memcpy(&xb, &x, sizeof(xb));
    tb |= xb & 0x80000000u;
    memcpy(&t, &tb, sizeof(t));
    return t;
}

float rl_kernel_tanh(float x)
{
    return fast_tanh(x);
}

RL_KERNEL
void rl_kernel_predict(enum rl_activation act, int h, int n,
                       const float *restrict w1, const float *restrict w2,
                       const float *restrict x, float *restrict out)
{
    enum { LANES = 8 };
    const int hb = h - h % LANES;
    const bool is_tanh = act == RL_ACT_TANH;
    for (int k = 0; k < n; k++) {
        const float x0 = x[2 * k], x1 = x[2 * k + 1];
        float lane[LANES] = {0};
        for (int i0 = 0; i0 < hb; i0 += LANES) {
            for (int j = 0; j < LANES; j++) {
                const int i = i0 + j;
                float z = w1[2 * i] * x0 + w1[2 * i + 1] * x1;
                float a = is_tanh ? fast_tanh(z) : (z > 0.0f ? z : 0.0f);
                lane[j] += w2[i] * a;
            }
        }
        double acc = 0.0;
        for (int j = 0; j < LANES; j++)
            acc += lane[j];
        for (int i = hb; i < h; i++) {
            float z = w1[2 * i] * x0 + w1[2 * i + 1] * x1;
            acc += (double)w2[i] *
                   (is_tanh ? fast_tanh(z) : (z > 0.0f ? z : 0.0f));
        }
        out[k] = (float)acc;
    }
}

/* sum_i a[i] b[i] in `LANES` running sums, one per lane, so the loop
 * vectorises without reassociating (the order is fixed whatever the
 * vector width), then the lanes in order and the tail. */
static inline float dot_lanes(const float *restrict a, const float *restrict b,
                              int len)
{
    enum { LANES = 16 };
    float acc[LANES] = {0};
    int i = 0;
    for (; i + LANES <= len; i += LANES)
        for (int l = 0; l < LANES; l++)
            acc[l] += a[i + l] * b[i + l];
    float s = 0.0f;
    for (int l = 0; l < LANES; l++)
        s += acc[l];
    for (; i < len; i++)
        s += a[i] * b[i];
    return s;
}

RL_KERNEL
void rl_kernel_forward(enum rl_activation act, int h, int n,
                       const float *restrict a0, const float *restrict a1,
                       const float *restrict w2, const float *restrict x0,
                       const float *restrict x1, float *restrict out,
                       float *restrict post)
{
    assert(h >= 0 && n >= 0);
    if (act == RL_ACT_TANH) {
        /* samples outside: post is written row by row for the backward
         * pass, which reads it in the same order */
        assert(post);
        for (int k = 0; k < n; k++) {
            float *t = post + (size_t)k * h;
            const float x = x0[k], y = x1[k];
            for (int i = 0; i < h; i++)
                t[i] = fast_tanh(a0[i] * x + a1[i] * y);
            out[k] = dot_lanes(w2, t, h);
        }
        return;
    }
    for (int k = 0; k < n; k++)
        out[k] = 0.0f;
    int i = 0;
    if (act == RL_ACT_RELU) {
        for (; i + UNITS_PER_PASS <= h; i += UNITS_PER_PASS) {
            const float *p = a0 + i, *q = a1 + i, *w = w2 + i;
            for (int k = 0; k < n; k++) {
                float x = x0[k], y = x1[k];
                float s0 = w[0] * relu(p[0] * x + q[0] * y);
                float s1 = w[1] * relu(p[1] * x + q[1] * y);
                float s2 = w[2] * relu(p[2] * x + q[2] * y);
                float s3 = w[3] * relu(p[3] * x + q[3] * y);
                s0 += w[4] * relu(p[4] * x + q[4] * y);
                s1 += w[5] * relu(p[5] * x + q[5] * y);
                s2 += w[6] * relu(p[6] * x + q[6] * y);
                s3 += w[7] * relu(p[7] * x + q[7] * y);
                out[k] += (s0 + s1) + (s2 + s3);
            }
        }
        for (; i < h; i++)
            for (int k = 0; k < n; k++)
                out[k] += w2[i] * relu(a0[i] * x0[k] + a1[i] * x1[k]);
    } else {
        for (; i + UNITS_PER_PASS <= h; i += UNITS_PER_PASS) {
            const float *p = a0 + i, *q = a1 + i, *w = w2 + i;
            for (int k = 0; k < n; k++) {
                float x = x0[k], y = x1[k];
                float s0 = w[0] * (p[0] * x + q[0] * y);
                float s1 = w[1] * (p[1] * x + q[1] * y);
                float s2 = w[2] * (p[2] * x + q[2] * y);
                float s3 = w[3] * (p[3] * x + q[3] * y);
                s0 += w[4] * (p[4] * x + q[4] * y);
                s1 += w[5] * (p[5] * x + q[5] * y);
                s2 += w[6] * (p[6] * x + q[6] * y);
                s3 += w[7] * (p[7] * x + q[7] * y);
                out[k] += (s0 + s1) + (s2 + s3);
            }
        }
        for (; i < h; i++)
            for (int k = 0; k < n; k++)
                out[k] += w2[i] * (a0[i] * x0[k] + a1[i] * x1[k]);
    }
}

/* The mask of relu' (1 where z > 0) applied to v. */
static inline float gate(float z, float v)
{
    return z > 0.0f ? v : 0.0f;
}

/* One block of cnt <= RELU_UNITS units from a0, a1 (and b when not NULL)
 * into g0, g1 (and gb), in the portable form. */
static inline void relu_backward_block(int cnt, int n,
                                       const float *restrict a0,
                                       const float *restrict a1,
                                       const float *restrict b,
                                       const float *restrict x0,
                                       const float *restrict x1,
                                       const float *restrict ex0,
                                       const float *restrict ex1,
                                       const float *restrict e,
                                       float *restrict g0, float *restrict g1,
                                       float *restrict gb)
{
    /* the tail's missing units are zero units: z = 0, never added */
    float p[RELU_UNITS] = {0}, q[RELU_UNITS] = {0}, c[RELU_UNITS] = {0};
    float s0[RELU_UNITS] = {0}, s1[RELU_UNITS] = {0}, sb[RELU_UNITS] = {0};
    for (int j = 0; j < cnt; j++) {
        p[j] = a0[j];
        q[j] = a1[j];
        c[j] = b ? b[j] : 0.0f;
    }
    if (b) {
        for (int k = 0; k < n; k++) {
            const float x = x0[k], y = x1[k], u = ex0[k], v = ex1[k];
            const float w = e[k];
            for (int j = 0; j < RELU_UNITS; j++) {
                float z = p[j] * x + (q[j] * y + c[j]);
                s0[j] = z > 0.0f ? s0[j] + u : s0[j];
                s1[j] = z > 0.0f ? s1[j] + v : s1[j];
                sb[j] = z > 0.0f ? sb[j] + w : sb[j];
            }
        }
    } else {
        for (int k = 0; k < n; k++) {
            const float x = x0[k], y = x1[k], u = ex0[k], v = ex1[k];
            for (int j = 0; j < RELU_UNITS; j++) {
                float z = p[j] * x + q[j] * y;
                s0[j] = z > 0.0f ? s0[j] + u : s0[j];
                s1[j] = z > 0.0f ? s1[j] + v : s1[j];
            }
        }
    }
    for (int j = 0; j < cnt; j++) {
        g0[j] = s0[j];
        g1[j] = s1[j];
        if (gb)
            gb[j] = sb[j];
    }
}

#ifdef RL_RELU_AVX512
/* The AVX-512 form: NV vectors of 16 units per block, their sums in
 * registers over all samples; lanes past h are masked out of the loads
 * (zero units) and the stores. */
#define RELU_AVX512_BLOCK(NV, BIAS)                                        \
    for (int i = 0; i < h; i += 16 * (NV)) {                               \
        __mmask16 lm[NV];                                                  \
        __m512 p[NV], q[NV], c[NV], s0[NV], s1[NV], sb[NV];                \
        for (int v = 0; v < (NV); v++) {                                   \
            int cnt = h - i - 16 * v;                                      \
            cnt = cnt < 0 ? 0 : cnt > 16 ? 16 : cnt;                       \
            lm[v] = (__mmask16)((1u << cnt) - 1u);                         \
            p[v] = _mm512_maskz_loadu_ps(lm[v], a0 + i + 16 * v);          \
            q[v] = _mm512_maskz_loadu_ps(lm[v], a1 + i + 16 * v);          \
            c[v] = BIAS ? _mm512_maskz_loadu_ps(lm[v], b + i + 16 * v)     \
                        : _mm512_setzero_ps();                             \
            s0[v] = s1[v] = sb[v] = _mm512_setzero_ps();                   \
        }                                                                  \
        for (int k = 0; k < n; k++) {                                      \
            const __m512 x = _mm512_set1_ps(x0[k]);                        \
            const __m512 y = _mm512_set1_ps(x1[k]);                        \
            const __m512 u = _mm512_set1_ps(ex0[k]);                       \
            const __m512 w = _mm512_set1_ps(ex1[k]);                       \
            const __m512 eb = BIAS ? _mm512_set1_ps(e[k])                  \
                                   : _mm512_setzero_ps();                  \
            for (int v = 0; v < (NV); v++) {                               \
                __m512 z = _mm512_fmadd_ps(                                \
                    p[v], x, BIAS ? _mm512_fmadd_ps(q[v], y, c[v])         \
                                  : _mm512_mul_ps(q[v], y));               \
                __mmask16 m = _mm512_cmp_ps_mask(z, _mm512_setzero_ps(),   \
                                                 _CMP_GT_OQ);              \
                s0[v] = _mm512_mask_add_ps(s0[v], m, s0[v], u);            \
                s1[v] = _mm512_mask_add_ps(s1[v], m, s1[v], w);            \
                if (BIAS)                                                  \
                    sb[v] = _mm512_mask_add_ps(sb[v], m, sb[v], eb);       \
            }                                                              \
        }                                                                  \
        for (int v = 0; v < (NV); v++) {                                   \
            _mm512_mask_storeu_ps(g0 + i + 16 * v, lm[v], s0[v]);          \
            _mm512_mask_storeu_ps(g1 + i + 16 * v, lm[v], s1[v]);          \
            if (BIAS)                                                      \
                _mm512_mask_storeu_ps(gb + i + 16 * v, lm[v], sb[v]);      \
        }                                                                  \
    }

__attribute__((target("avx512f"))) static void
relu_backward_avx512(int h, int n, const float *restrict a0,
                     const float *restrict a1, const float *restrict b,
                     const float *restrict x0, const float *restrict x1,
                     const float *restrict ex0, const float *restrict ex1,
                     const float *restrict e, float *restrict g0,
                     float *restrict g1, float *restrict gb)
{
    if (b) {
        RELU_AVX512_BLOCK(3, true)
    } else {
        RELU_AVX512_BLOCK(4, false)
    }
}

/* A load and a bit test of the CPU model the runtime fills in before
 * main (no cache of our own, so no race between threads). */
static bool have_avx512(void)
{
    return __builtin_cpu_supports("avx512f");
}
#endif

/* The relu backward pass (see RELU_UNITS): g0, g1 (h), and gb (h) when b
 * is not NULL (then e is required). */
static void relu_backward(int h, int n, const float *restrict a0,
                          const float *restrict a1, const float *restrict b,
                          const float *restrict x0, const float *restrict x1,
                          const float *restrict ex0,
                          const float *restrict ex1, const float *restrict e,
                          float *restrict g0, float *restrict g1,
                          float *restrict gb)
{
#ifdef RL_RELU_AVX512
    if (have_avx512()) {
        relu_backward_avx512(h, n, a0, a1, b, x0, x1, ex0, ex1, e, g0, g1,
                             gb);
        return;
    }
#endif
    for (int i = 0; i < h; i += RELU_UNITS) {
        int cnt = h - i < RELU_UNITS ? h - i : RELU_UNITS;
        relu_backward_block(cnt, n, a0 + i, a1 + i, b ? b + i : NULL, x0, x1,
                            ex0, ex1, e, g0 + i, g1 + i, gb ? gb + i : NULL);
    }
}

RL_KERNEL
void rl_kernel_backward(enum rl_activation act, int h, int n,
                        const float *restrict a0, const float *restrict a1,
                        const float *restrict x0, const float *restrict x1,
                        const float *restrict ex0, const float *restrict ex1,
                        const float *restrict e, const float *restrict post,
                        float *restrict g0, float *restrict g1,
                        float *restrict g2)
{
    assert(h >= 0 && n >= 0);
    for (int i = 0; i < h; i++) {
        g0[i] = 0.0f;
        g1[i] = 0.0f;
    }
    if (act == RL_ACT_TANH) {
        assert(e && post && g2);
        for (int i = 0; i < h; i++)
            g2[i] = 0.0f;
        for (int k = 0; k < n; k++) {
            const float *t = post + (size_t)k * h;
            float ek = e[k], xa = x0[k], xb = x1[k];
            for (int i = 0; i < h; i++) {
                float s = ek * (1.0f - t[i] * t[i]);
                g0[i] += s * xa;
                g1[i] += s * xb;
                g2[i] += ek * t[i];
            }
        }
        return;
    }
    if (act == RL_ACT_RELU) {
        relu_backward(h, n, a0, a1, NULL, x0, x1, ex0, ex1, NULL, g0, g1,
                      NULL);
        return;
    }
    /* linear: act' = 1, the same sums for every unit; kept as the plain
     * per-pair loop (the fast path is the O(h) shortcut) */
    for (int k = 0; k < n; k++)
        for (int i = 0; i < h; i++) {
            g0[i] += ex0[k];
            g1[i] += ex1[k];
        }
}

/* act(z) for the bias kernels (any activation). */
static inline float act_any(enum rl_activation act, float z)
{
    if (act == RL_ACT_RELU)
        return relu(z);
    if (act == RL_ACT_TANH)
        return fast_tanh(z);
    return z;
}

/* dot_lanes with the tail in the lanes too (as a last partial pass), so
 * every term lands in lane i % LANES: adjacent opposite terms cancel
 * exactly, whatever the length. */
static inline float dot_lanes_padded(const float *restrict a,
                                     const float *restrict b, int len)
{
    enum { LANES = 16 };
    float acc[LANES] = {0};
    int i = 0;
    for (; i + LANES <= len; i += LANES)
        for (int l = 0; l < LANES; l++)
            acc[l] += a[i + l] * b[i + l];
    for (int l = 0; i + l < len; l++)
        acc[l] += a[i + l] * b[i + l];
    float s = 0.0f;
    for (int l = 0; l < LANES; l++)
        s += acc[l];
    return s;
}

RL_KERNEL
void rl_kernel_predict_b(enum rl_activation act, int h, int n,
                         const float *restrict w1, const float *restrict b,
                         const float *restrict w2, const float *restrict x,
                         float *restrict out)
{
    enum { LANES = 8 };
    const int hb = h - h % LANES;
    for (int k = 0; k < n; k++) {
        const float x0 = x[2 * k], x1 = x[2 * k + 1];
        float lane[LANES] = {0};
        for (int i0 = 0; i0 < hb; i0 += LANES) {
            for (int j = 0; j < LANES; j++) {
                const int i = i0 + j;
                float z = w1[2 * i] * x0 + (w1[2 * i + 1] * x1 + b[i]);
                lane[j] += w2[i] * act_any(act, z);
            }
        }
        double acc = 0.0;
        for (int j = 0; j < LANES; j++)
            acc += lane[j];
        for (int i = hb; i < h; i++) {
            float z = w1[2 * i] * x0 + (w1[2 * i + 1] * x1 + b[i]);
            acc += (double)w2[i] * act_any(act, z);
        }
        out[k] = (float)acc;
    }
}

static inline float ident(float z)
{
    return z;
}

/* Eight units (p, q, c, w) into out[k] for every sample, with act F; the
 * seed kernel's sums with the bias added inside. */
#define FORWARD_B_PASS(F)                                                  \
    for (int k = 0; k < n; k++) {                                          \
        float x = x0[k], y = x1[k];                                        \
        float s0 = w[0] * F(p[0] * x + (q[0] * y + c[0]));                 \
        float s1 = w[1] * F(p[1] * x + (q[1] * y + c[1]));                 \
        float s2 = w[2] * F(p[2] * x + (q[2] * y + c[2]));                 \
        float s3 = w[3] * F(p[3] * x + (q[3] * y + c[3]));                 \
        s0 += w[4] * F(p[4] * x + (q[4] * y + c[4]));                      \
        s1 += w[5] * F(p[5] * x + (q[5] * y + c[5]));                      \
        s2 += w[6] * F(p[6] * x + (q[6] * y + c[6]));                      \
        s3 += w[7] * F(p[7] * x + (q[7] * y + c[7]));                      \
        out[k] += (s0 + s1) + (s2 + s3);                                   \
    }

/* The relu / linear forward with biases: blocks of eight units, and the
 * last units as one more block padded with zero units, so the tail sums
 * in the same lanes as a whole block (a symmetric pair's two terms then
 * meet as in the blocks). */
#define FORWARD_B_BLOCKS(F)                                                \
    do {                                                                   \
        int i = 0;                                                         \
        for (; i + UNITS_PER_PASS <= h; i += UNITS_PER_PASS) {             \
            const float *p = a0 + i, *q = a1 + i, *c = b + i, *w = w2 + i; \
            FORWARD_B_PASS(F)                                              \
        }                                                                  \
        if (i < h) {                                                       \
            float p[UNITS_PER_PASS] = {0}, q[UNITS_PER_PASS] = {0};        \
            float c[UNITS_PER_PASS] = {0}, w[UNITS_PER_PASS] = {0};        \
            for (int j = 0; i + j < h; j++) {                              \
                p[j] = a0[i + j];                                          \
                q[j] = a1[i + j];                                          \
                c[j] = b[i + j];                                           \
                w[j] = w2[i + j];                                          \
            }                                                              \
            FORWARD_B_PASS(F)                                              \
        }                                                                  \
    } while (0)

RL_KERNEL
void rl_kernel_forward_b(enum rl_activation act, int h, int n,
                         const float *restrict a0, const float *restrict a1,
                         const float *restrict b, const float *restrict w2,
                         const float *restrict x0, const float *restrict x1,
                         float *restrict out, float *restrict post)
{
    assert(h >= 0 && n >= 0);
    if (act == RL_ACT_TANH) {
        assert(post);
        for (int k = 0; k < n; k++) {
            float *t = post + (size_t)k * h;
            const float x = x0[k], y = x1[k];
            for (int i = 0; i < h; i++)
                t[i] = fast_tanh(a0[i] * x + (a1[i] * y + b[i]));
            out[k] = dot_lanes_padded(w2, t, h);
        }
        return;
    }
    for (int k = 0; k < n; k++)
        out[k] = 0.0f;
    if (act == RL_ACT_RELU)
        FORWARD_B_BLOCKS(relu);
    else
        FORWARD_B_BLOCKS(ident);
}

RL_KERNEL
void rl_kernel_backward_b(enum rl_activation act, int h, int n,
                          const float *restrict a0, const float *restrict a1,
                          const float *restrict b, const float *restrict x0,
                          const float *restrict x1,
                          const float *restrict ex0,
                          const float *restrict ex1, const float *restrict e,
                          const float *restrict post, float *restrict g0,
                          float *restrict g1, float *restrict gb,
                          float *restrict g2)
{
    assert(h >= 0 && n >= 0 && e);
    for (int i = 0; i < h; i++) {
        g0[i] = 0.0f;
        g1[i] = 0.0f;
        gb[i] = 0.0f;
    }
    if (act == RL_ACT_TANH) {
        assert(post && g2);
        for (int i = 0; i < h; i++)
            g2[i] = 0.0f;
        for (int k = 0; k < n; k++) {
            const float *t = post + (size_t)k * h;
            float ek = e[k], xa = x0[k], xb = x1[k];
            for (int i = 0; i < h; i++) {
                float s = ek * (1.0f - t[i] * t[i]);
                g0[i] += s * xa;
                g1[i] += s * xb;
                gb[i] += s;
                g2[i] += ek * t[i];
            }
        }
        return;
    }
    if (act == RL_ACT_LINEAR) {
        for (int k = 0; k < n; k++)
            for (int i = 0; i < h; i++) {
                g0[i] += ex0[k];
                g1[i] += ex1[k];
                gb[i] += e[k];
            }
        return;
    }
    relu_backward(h, n, a0, a1, b, x0, x1, ex0, ex1, e, g0, g1, gb);
}

const char *rl_kernel_isa(void)
{
#ifdef RL_KERNEL_CLONED
    /* the very test the clones' resolver makes for "arch=x86-64-v4" and
     * "arch=x86-64-v3", so the label always names the copy that runs */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return "avx512";
    if (__builtin_cpu_supports("x86-64-v3"))
        return "avx2";
    return "sse2";
#else
    return "portable";
#endif
}
