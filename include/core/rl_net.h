/* rl_net.h: the two-layer network 2 -> H -> 1 without biases.
 *
 * out(x) = sum_i w2[i] * act(w1[i,0] x0 + w1[i,1] x1)
 * as the seed's nn.Linear(2, H, bias=False) "in_hid" and
 * nn.Linear(H, 1, bias=False) "hid_out". The loss is nn.MSELoss: the mean
 * over the n samples of (out - y)^2. A step is one full-batch gradient
 * descent step with PyTorch SGD weight decay: W <- W - lr (dL/dW + lambda W).
 *
 * Storage is float32; reductions accumulate in double except inside the
 * plain path's matrix work (float, as BLAS does). The plain path runs the
 * fused kernels of rl_net_kernel.h; its OpenBLAS version
 * (rl_net_grad_plain, force_blas) is kept as the reference the tests
 * compare against. The linear fast path uses that the gradient depends on
 * the data only through Sxx and Sxy (see rl_data.h).
 */
#ifndef RL_NET_H
#define RL_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "rl_data.h"
#include "rl_rng.h"

enum rl_activation {
    RL_ACT_LINEAR,
    RL_ACT_RELU,
    RL_ACT_TANH,
    RL_ACT_COUNT,
};

const char *rl_activation_name(enum rl_activation act);
bool rl_activation_parse(const char *name, enum rl_activation *act);

struct rl_net {
    int h;                  /* hidden units */
    enum rl_activation act;
    float *w1;              /* (h, 2) in->hid; row i = unit i's input weights */
    float *w2;              /* (h) hid->out, the (1, h) matrix */
    float *w1_0;            /* (h, 2) initial w1, for relative change */
    float *w2_0;            /* (h) initial w2 */
    double norm_w1_0;       /* ||w1_0||_F */
    double norm_w2_0;       /* ||w2_0||_F */
    double init_w1;         /* scale s1 the weights were drawn with */
    double init_w2;         /* scale s2 */
    bool force_plain;       /* tests/bench: never take the linear fast path */
    bool force_blas;        /* tests/bench: plain path through OpenBLAS
                               (the reference) instead of the fused kernels */

    /* plain-path scratch, sized for up to cap_n samples */
    int cap_n;
    float *pre;             /* (cap_n, h) pre-activations X w1^T */
    float *post;            /* (cap_n, h) act(pre), then dL/dpre in place */
    float *out;             /* (cap_n) outputs, then dL/dout in place */
    float *dw1;             /* (h, 2) gradient of the last step */
    float *dw2;             /* (h) */

    /* fused-kernel scratch (rl_net_kernel.h), 64-byte aligned blocks */
    float *fa0, *fa1;       /* (h) columns of w1 */
    float *fg0, *fg1, *fg2; /* (h) backward sums */
    float *fx0, *fx1;       /* (cap_n) columns of the samples */
    float *fe, *fex0, *fex1;/* (cap_n) dL/dout, and times x0, x1 */
    float *fout;            /* (cap_n) outputs */
};

/* Allocate a net of h hidden units able to train on up to max_n samples.
 * Weights are zero until rl_net_reset. False on out of memory. */
bool rl_net_init(struct rl_net *net, int h, int max_n);

/* Free everything; safe on a zeroed struct. */
void rl_net_destroy(struct rl_net *net);

/* Make the scratch big enough for n samples (no-op if it already is). */
bool rl_net_reserve(struct rl_net *net, int n);

/* Draw w1 ~ N(0, s1^2) then w2 ~ N(0, s2^2) from rng (w1 row by row), and
 * remember them as the initial weights. */
void rl_net_reset(struct rl_net *net, enum rl_activation act, double s1,
                  double s2, struct rl_rng *rng);

/* Take the current weights as the new "initial" weights for rel. change. */
void rl_net_mark_initial(struct rl_net *net);

/* End-to-end map beta = w2 . w1 (the (1, 2) product), in double. */
void rl_net_beta(const struct rl_net *net, double beta[2]);

/* Outputs for n points x (n, 2) into out (n). Allocation free, O(n h);
 * for linear nets O(n) through beta. */
void rl_net_predict(const struct rl_net *net, const float *x, int n,
                    float *out);

/* MSE loss and accuracy (output > 0.5 means class 1) on d, in double. */
void rl_net_evaluate(const struct rl_net *net, const struct rl_data *d,
                     double *loss, double *accuracy);

/* Full-batch gradient of the MSE (no weight decay) by the plain path:
 * forward and backward through OpenBLAS. Writes dw1 (h, 2), dw2 (h),
 * returns the loss at the current weights. d->n <= cap_n. */
double rl_net_grad_plain(struct rl_net *net, const struct rl_data *d,
                         float *dw1, float *dw2);

/* The same gradient by the fused kernels (rl_net_kernel.h): what
 * rl_net_step uses unless force_blas. Float sums, so it equals
 * rl_net_grad_plain to float rounding, not bit for bit. d->n <= cap_n;
 * no allocation. */
double rl_net_grad_fused(struct rl_net *net, const struct rl_data *d,
                         float *dw1, float *dw2);

/* The same gradient for a linear net from d's moments in O(h); returns the
 * loss. */
double rl_net_grad_fast(const struct rl_net *net, const struct rl_data *d,
                        float *dw1, float *dw2);

/* One gradient-descent step with weight decay: the fast path when linear
 * and not force_plain, else the plain path (fused kernels, or OpenBLAS when
 * force_blas). Returns the loss at the weights before the step. No
 * allocation. */
double rl_net_step(struct rl_net *net, const struct rl_data *d, double lr,
                   double lambda);

/* Bytes of memory one rl_net_step at n samples touches (weights, gradient,
 * scratch and the data it reads), for the path the step takes: what has to
 * stay in cache for the step to run at full speed. */
size_t rl_net_step_bytes(const struct rl_net *net, int n);

/* The largest learning rate for which gradient descent is stable near the
 * current weights of a linear net (1 / lambda_max(K Sxx), K the tangent
 * kernel W1^T W1 + |W2|^2 I); NaN for relu/tanh. Above it, the net
 * diverges: a large H * init^2 makes the lazy net's limit small. */
double rl_net_lr_limit(const struct rl_net *net, const struct rl_data *d);

/* True when every weight is finite. */
bool rl_net_finite(const struct rl_net *net);

#endif
