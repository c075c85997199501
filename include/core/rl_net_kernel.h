/* rl_net_kernel.h: the fused kernels of the network's plain path.
 *
 * At the seed's sizes (H = 500, N = 200..2000, inner dimension 2) the
 * matrix products are memory-bound and BLAS call overhead dominates, so the
 * plain path does forward and backward in two fused passes over the
 * (sample, unit) pairs with everything in L1/L2:
 *
 *   forward   out[k] = sum_i w2[i] act(a0[i] x0[k] + a1[i] x1[k])
 *   backward  for relu and linear, act(z) = act'(z) z, so with
 *             g0[i] = sum_k e[k] act'(z_ik) x0[k]  (likewise g1 with x1)
 *             dL/dw1[i,:] = w2[i] (g0[i], g1[i])
 *             dL/dw2[i]   = a0[i] g0[i] + a1[i] g1[i]
 *             for tanh, with t = tanh(z) kept by the forward pass,
 *             g0[i] = sum_k e[k] (1 - t^2) x0[k], g2[i] = sum_k e[k] t
 *
 * where e[k] = dL/dout[k]. tanh is rl_kernel_tanh, not libm's tanhf.
 * Layouts are structure-of-arrays: w1 split into its columns a0, a1 (h),
 * the samples into x0, x1 (n). The forward pass runs units outside and
 * samples inside, the backward pass samples outside and units inside, so
 * each inner loop is element-wise (no reduction) and the compiler
 * vectorises it without reassociating sums: linear and relu results do
 * not depend on the vector width (tanh's do, see rl_kernel_tanh). The
 * relu backward pass keeps each unit's sums in registers over all samples
 * and adds sample k's term where z_ik > 0, in sample order:
 * g0[i] = ((0 + t_0) + t_1) + ... over the k with z_ik > 0 (tested bit
 * for bit); with AVX-512 that masked add is one instruction (intrinsics,
 * picked at run time). z is a0 x0 + a1 x1, with bias a0 x0 + (a1 x1 + b);
 * where the machine fuses multiply-adds (AVX2, AVX-512) these are
 * fma(a0, x0, a1 x1) and fma(a0, x0, fma(a1, x1, b)), on baseline SSE2
 * two roundings more, so relu results can differ in the last bit between
 * an FMA machine and one without. On x86-64 each kernel is built for
 * AVX-512, AVX2+FMA and baseline SSE2 and picked at load time. No
 * allocation.
 */
#ifndef RL_NET_KERNEL_H
#define RL_NET_KERNEL_H

#include "rl_net.h"

/* out (n) = the network's outputs; for tanh also post (n, h) row k =
 * tanh(z_k,:), which the backward pass reads. post may be NULL otherwise.
 * Pointers must not alias. */
void rl_kernel_forward(enum rl_activation act, int h, int n,
                       const float *a0, const float *a1, const float *w2,
                       const float *x0, const float *x1, float *out,
                       float *post);

/* g0, g1 (h) as in the header comment, from ex0[k] = e[k] x0[k],
 * ex1[k] = e[k] x1[k] (n); for tanh also e (n), post from the forward
 * pass and g2 (h); e, post and g2 are unused (may be NULL) otherwise.
 * Overwrites g0, g1 (and g2). Pointers must not alias. */
void rl_kernel_backward(enum rl_activation act, int h, int n,
                        const float *a0, const float *a1, const float *x0,
                        const float *x1, const float *ex0, const float *ex1,
                        const float *e, const float *post, float *g0,
                        float *g1, float *g2);

/* With hidden biases b (h): the forward pass with z = a0 x0 + a1 x1 + b,
 * any activation (linear too). Same contract as rl_kernel_forward. */
void rl_kernel_forward_b(enum rl_activation act, int h, int n,
                         const float *a0, const float *a1, const float *b,
                         const float *w2, const float *x0, const float *x1,
                         float *out, float *post);

/* With hidden biases b (h): g0, g1 as in rl_kernel_backward and
 * gb[i] = sum_k e[k] act'(z_ik) (e (n) required); for tanh also g2[i] =
 * sum_k e[k] t_ik. For relu and linear dL/dw2[i] = a0 g0 + a1 g1 + b gb
 * (act(z) = act'(z) z); dL/db[i] = w2[i] gb[i]. Pointers must not alias. */
void rl_kernel_backward_b(enum rl_activation act, int h, int n,
                          const float *a0, const float *a1, const float *b,
                          const float *x0, const float *x1, const float *ex0,
                          const float *ex1, const float *e, const float *post,
                          float *g0, float *g1, float *gb, float *g2);

/* rl_kernel_predict with hidden biases b (h), for any activation. */
void rl_kernel_predict_b(enum rl_activation act, int h, int n,
                         const float *w1, const float *b, const float *w2,
                         const float *x, float *out);

/* out (n) = outputs of a relu or tanh net at n points x (n, 2) with w1
 * (h, 2) interleaved as in rl_net; no scratch, eight partial sums per
 * point added in double (same result whatever the vector width). */
void rl_kernel_predict(enum rl_activation act, int h, int n,
                       const float *w1, const float *w2, const float *x,
                       float *out);

/* The kernels' tanh: vectorisable (expm1 through exponent bits and a
 * polynomial), within a few float ulps of tanh; odd, +-1 beyond |x| = 10,
 * NaN for NaN. Not bit-identical across instruction sets: the AVX-512 and
 * AVX2 copies of the kernels round it differently (up to 2.4e-7), so tanh
 * results depend on the copy rl_kernel_isa names (relu and linear only
 * through the fused multiply-add, see above). */
float rl_kernel_tanh(float x);

/* Which instruction set the kernels run with on this machine: "avx512",
 * "avx2", "sse2" or "portable" (one copy: not x86-64, clang, or a
 * ThreadSanitizer build). Decided by the same CPU test as the load-time
 * choice of the kernel copy (x86-64-v4, x86-64-v3, baseline). */
const char *rl_kernel_isa(void);

#endif
