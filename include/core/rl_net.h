/* rl_net.h: the two-layer network 2 -> H -> 1.
 *
 * By default (all-zero struct rl_net_opts) it is the seed's net, without
 * biases:
 * out(x) = sum_i w2[i] * act(w1[i,0] x0 + w1[i,1] x1)
 * as the seed's nn.Linear(2, H, bias=False) "in_hid" and
 * nn.Linear(H, 1, bias=False) "hid_out". The loss is nn.MSELoss: the mean
 * over the n samples of (out - y)^2. A step is one full-batch gradient
 * descent step with PyTorch SGD weight decay: W <- W - lr (dL/dW + lambda W).
 *
 * The options (struct rl_net_opts, docs/theory.md "Model options") make it
 *   f(x) = alpha * (c * sum_i w2[i] act(w1[i,:].x + b1[i]) + b2)
 * with c = 1 (standard), H^-1/2 (ntk) or 1/H (mean field), trained on the
 * objective J = (1/alpha^2) * mean_k loss(f(x_k), y_k) (Chizat, Oyallon &
 * Bach 2019) with mse, logistic or exponential loss, by GD / mini-batch SGD
 * (momentum, Nesterov), Adam or AdamW exactly as the torch.optim classes.
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

enum rl_param {
    RL_PARAM_STANDARD,      /* c = 1 (the seed) */
    RL_PARAM_NTK,           /* c = H^-1/2 (Jacot et al. 2018) */
    RL_PARAM_MF,            /* c = 1/H, mean field (Mei et al. 2018) */
    RL_PARAM_COUNT,
};

enum rl_loss {
    RL_LOSS_MSE,            /* (f - y)^2, nn.MSELoss */
    RL_LOSS_LOGISTIC,       /* softplus(-s f), s = +-1 label; equals
                               nn.BCEWithLogitsLoss on 0/1 labels */
    RL_LOSS_EXP,            /* exp(-s f) */
    RL_LOSS_COUNT,
};

enum rl_targets {
    RL_TARGETS_01,          /* labels 0/1 (the seed); class 1 iff f > 0.5
                               under mse, f > 0 under logistic/exp */
    RL_TARGETS_PM1,         /* labels -1/+1; class +1 iff f > 0 */
    RL_TARGETS_REAL,        /* regression: mse only; "accuracy" is R^2 */
    RL_TARGETS_COUNT,
};

enum rl_optimizer {
    RL_OPT_SGD,             /* torch.optim.SGD (momentum, nesterov,
                               dampening 0, weight_decay); plain GD when
                               momentum = 0 and batch_size = 0 */
    RL_OPT_ADAM,            /* torch.optim.Adam, weight decay as L2 term */
    RL_OPT_ADAMW,           /* torch.optim.AdamW, decoupled decay */
    RL_OPT_COUNT,
};

/* The model and optimiser options of one net. All zero = the seed's net
 * and full-batch GD, stepped by exactly today's code (bit-identical). */
struct rl_net_opts {
    bool bias;              /* b1 (h) and b2, as nn.Linear(bias=True) */
    double bias_init;       /* b1, b2 ~ N(0, bias_init^2); 0 allowed */
    double alpha;           /* output scale; 0 means 1 */
    bool symmetric;         /* units (2j, 2j+1): equal w1 (and b1), opposite
                               w2, b2 = 0, so f = 0 at init (exactly 0.0f
                               from rl_net_predict; within float rounding
                               in the training kernels); h even */
    double layer_ratio;     /* r: W1 (and b1) drawn at scale s1 r, W2 at
                               s2 / r (Kunin et al. 2024's tau a, tau / a);
                               0 means 1. See rl_net_ratio_for_imbalance. */
    enum rl_param param;
    enum rl_loss loss;
    enum rl_targets targets;
    enum rl_optimizer optimizer;
    double momentum;        /* SGD momentum (0: none) */
    bool nesterov;          /* SGD Nesterov momentum (needs momentum > 0) */
    double beta1, beta2;    /* Adam(W) betas; 0 means 0.9, 0.999 */
    double eps;             /* Adam(W) eps; 0 means 1e-8 */
    int batch_size;         /* B; 0 or >= n: full batch */
    uint64_t shuffle_seed;  /* epoch e's order is a Fisher-Yates shuffle
                               drawn from rl_rng_seed(shuffle_seed, e) */
};

/* Which computation a step takes (rl_net_path_name). */
enum rl_net_path {
    RL_PATH_FAST,           /* linear, full batch, mse: O(h) from the
                               data's moments (with bias O(n + h): the
                               means of x and y too) */
    RL_PATH_FUSED,          /* the seed's configuration: fused kernels */
    RL_PATH_GENERAL,        /* options: fused kernels with bias, scale,
                               loss and batch, then the optimiser */
    RL_PATH_BLAS,           /* force_blas: OpenBLAS reference (seed only) */
};

struct rl_net {
    int h;                  /* hidden units */
    enum rl_activation act;
    struct rl_net_opts opts;/* set by rl_net_reset */
    float *theta;           /* (4h + 1) every parameter, in this order: */
    float *w1;              /* (h, 2) in->hid; row i = unit i's input weights */
    float *w2;              /* (h) hid->out, the (1, h) matrix */
    float *b1;              /* (h) hidden biases (zero without bias) */
    float *b2;              /* (1) output bias (zero without bias) */
    float *b1_0;            /* (h + 1) initial b1 and b2 */
    float *grad;            /* (4h + 1) gradient, same layout as theta */
    float *opt_m;           /* (4h + 1) momentum buffer / Adam exp_avg */
    float *opt_v;           /* (4h + 1) Adam exp_avg_sq */
    long opt_step;          /* optimiser steps taken since the last reset of
                               its state (torch's state['step']) */
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
    float *fgb;             /* (h) backward sums for the biases */
    float *fx0, *fx1;       /* (cap_n) columns of the samples */
    float *fe, *fex0, *fex1;/* (cap_n) dL/dout, and times x0, x1 */
    float *fout;            /* (cap_n) outputs */
    float *fy;              /* (cap_n) the batch's targets */
    struct rl_net_pool *pool;/* second thread of a two-thread step; NULL */
    int *perm;              /* (cap_n) the current epoch's sample order */
    long perm_epoch;        /* epoch perm holds; -1 none */
    int perm_n;             /* n it was drawn for */
};

/* Allocate a net of h hidden units able to train on up to max_n samples.
 * Weights are zero until rl_net_reset. False on out of memory. */
bool rl_net_init(struct rl_net *net, int h, int max_n);

/* Free everything; safe on a zeroed struct. */
void rl_net_destroy(struct rl_net *net);

/* Make the scratch big enough for n samples (no-op if it already is). */
bool rl_net_reserve(struct rl_net *net, int n);

/* Draw w1 ~ N(0, s1^2) then w2 ~ N(0, s2^2) from rng (w1 row by row), and
 * remember them as the initial weights. Clears the options (the seed's
 * net) and the optimiser state. */
void rl_net_reset(struct rl_net *net, enum rl_activation act, double s1,
                  double s2, struct rl_rng *rng);

/* Check options against a width h: one line in err and false when h is odd
 * with symmetric, logistic/exp with real targets, nesterov without
 * momentum, a negative or non-finite scale, rate or batch size. */
bool rl_net_opts_check(const struct rl_net_opts *o, int h, char *err,
                       size_t errlen);

/* rl_net_reset with options (o must pass rl_net_opts_check; NULL = all
 * zero). Draw order: w1 row by row at s1 r, w2 at s2 / r, then with bias
 * b1 and b2 at bias_init r (b2 at bias_init); with symmetric only the
 * first unit of each pair is drawn (w1 rows, w2, b1 of units 0, 2, 4, ...)
 * and copied, and b2 = 0. With o all zero it draws exactly as
 * rl_net_reset. Clears the optimiser state. */
void rl_net_reset_opts(struct rl_net *net, enum rl_activation act, double s1,
                       double s2, const struct rl_net_opts *o,
                       struct rl_rng *rng);

/* Replace the options that do not touch the weights (loss, targets,
 * optimiser and its hyper-parameters, batch size, and the shuffle seed
 * unless o's is 0) and clear the optimiser state; the weights are kept:
 * what a key that cycles the optimiser does. */
void rl_net_set_training(struct rl_net *net, const struct rl_net_opts *o);

/* The layer ratio r whose draw gives the expected imbalance
 * E[delta_j] = s2^2 / r^2 - r^2 (2 s1^2 + sb^2) = delta, sb the bias scale
 * (0 without bias): the positive root of a quadratic in r^2. s1 > 0. */
double rl_net_ratio_for_imbalance(double s1, double s2, double sb,
                                  double delta);

/* Output multiplier alpha * c of the net's options at its width. */
double rl_net_out_scale(const struct rl_net *net);

/* Which path rl_net_step takes for this net on n samples, and its short
 * name ("fast",
 * "fused", "general", "blas"). */
enum rl_net_path rl_net_path(const struct rl_net *net, int n);
const char *rl_net_path_name(enum rl_net_path path);

/* Optimiser state for checkpoints: the number of floats of each buffer
 * (4h + 1: every parameter in theta's layout, zeros where unused), the
 * two buffers (momentum buffer or Adam exp_avg; Adam exp_avg_sq) and the
 * step count, which also fixes the position in the shuffled epochs. Set
 * then step continues bit-identically to the net it was got from. */
size_t rl_net_opt_state_len(const struct rl_net *net);
void rl_net_opt_state_get(const struct rl_net *net, float *m, float *v,
                          long *step);
void rl_net_opt_state_set(struct rl_net *net, const float *m, const float *v,
                          long step);
/* Forget the optimiser state (buffers zero, step 0). */
void rl_net_opt_reset(struct rl_net *net);

/* One optimiser step on the samples idx[0..m) of d (in that order; the
 * loss is the mean over them): the general path with a given batch, as a
 * DataLoader would hand it. Returns the fit loss mean loss(f, y) on the
 * batch before the step. No allocation. m <= cap_n. */
double rl_net_step_batch(struct rl_net *net, const struct rl_data *d,
                         const int *idx, int m, double lr, double lambda);

/* Gradient of the objective J (without weight decay) on samples idx[0..m)
 * (idx NULL: all of d) into g (4h + 1, theta's layout, bias entries 0
 * without bias), by the general path; returns the fit loss. */
double rl_net_grad_general(struct rl_net *net, const struct rl_data *d,
                           const int *idx, int m, float *g);

/* Run the seed configuration's fused relu/linear step on two threads
 * (threads = 2) or one (1, the default): the forward pass splits the
 * samples, the backward pass the units, so every sum is added in the same
 * order and the result is bit-identical to one thread. Other paths stay on
 * one thread. Starts or joins the helper thread (not inside a step); false
 * (with one thread kept) when it cannot be started. */
bool rl_net_set_threads(struct rl_net *net, int threads);

/* Take the current weights as the new "initial" weights for rel. change. */
void rl_net_mark_initial(struct rl_net *net);

/* End-to-end map beta = w2 . w1 (the (1, 2) product), in double. */
void rl_net_beta(const struct rl_net *net, double beta[2]);

/* Outputs for n points x (n, 2) into out (n). Allocation free, O(n h);
 * for linear nets O(n) through beta. */
void rl_net_predict(const struct rl_net *net, const float *x, int n,
                    float *out);

/* Fit loss mean_k loss(f(x_k), y_k) (MSE by default; without the 1/alpha^2
 * of the objective) and accuracy on d, in double. Accuracy: output > 0.5
 * means class 1 for 0/1 labels under mse, output > 0 otherwise; for real
 * targets it is R^2 = 1 - SSE / sum (y - mean y)^2. */
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

/* One step with weight decay lambda: the seed's configuration as before
 * (the fast path when linear and not force_plain, else the fused kernels,
 * or OpenBLAS when force_blas); with options, the path rl_net_path says:
 * one optimiser step on the next batch of the shuffled epoch (or the full
 * batch). Returns the fit loss at the weights before the step (on the
 * batch). No allocation. */
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

/* The update rl_net_step makes from a gradient, for any parameter vector
 * (the linearised twin uses it): the first np entries of p move by the
 * optimiser o says (torch.optim SGD with momentum/Nesterov, Adam, AdamW)
 * with weight decay lambda, from gradient g and buffers mb, vb (np each);
 * *step counts the updates (torch's state['step']) and is incremented.
 * p, g, mb and vb must not overlap. */
void rl_net_opt_apply(const struct rl_net_opts *o, float *p, const float *g,
                      float *mb, float *vb, long *step, int np, double lr,
                      double lambda);

/* loss(o, y) of one output o against target y under loss l and targets t,
 * and its derivative d loss / d o into dl (docs/theory.md "Losses"). */
double rl_net_sample_loss(enum rl_loss l, enum rl_targets t, double o,
                          float y, double *dl);

/* The order of epoch `epoch` of n samples in a shuffled run: a
 * Fisher-Yates shuffle of 0..n-1 drawn from rl_rng_seed(seed, epoch). */
void rl_net_shuffle(uint64_t seed, long epoch, int *p, int n);

/* True when every weight is finite. */
bool rl_net_finite(const struct rl_net *net);

#endif
