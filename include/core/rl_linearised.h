/* rl_linearised.h: the linearised twin of a net: its first-order Taylor
 * model at the initial weights w0,
 *
 *   f_lin(x; w) = f(x; w0) + J(x; w0) (w - w0),
 *
 * trained alongside the net with the same options (loss, targets, alpha,
 * parametrisation, bias, optimiser, batch order) and the same learning
 * rate and weight decay (Lee et al. 2019, "Wide neural networks of any
 * depth evolve as linear models under gradient descent").
 *
 * For the two-layer net f = al (c sum_j a_j s(z_j) + b2), z_j = w_j.x + b_j,
 * the product J(w0)(w - w0) is formed unit by unit without storing J:
 *
 *   f_lin(x) = al (c sum_j [s(z0_j) a_j + a0_j s'(z0_j) (dw_j.x + db_j)] + b2)
 *
 * (dw = w - w0, db = b - b0; the a_j and b2 terms are already linear, so
 * they enter at their current values), O(h) per point, and its gradient in
 * O(h) per point likewise. Derivation: docs/theory.md, "The linearised
 * twin". A twin costs nothing unless made: the net never looks at it.
 *
 * Storage float32 in the net's layout; sums in double.
 */
#ifndef RL_LINEARISED_H
#define RL_LINEARISED_H

#include <stdbool.h>

#include "rl_data.h"
#include "rl_net.h"

struct rl_lin {
    int h;
    int cap_n;              /* most samples a step may use */
    enum rl_activation act;
    struct rl_net_opts opts;/* the net's options when made */
    float *theta;           /* (4h + 1) w, in rl_net's theta layout:
                               w1 (h, 2), w2 (h), b1 (h), b2 (1) */
    float *theta0;          /* (4h + 1) w0, the net's initial weights */
    float *grad;            /* (4h + 1) gradient of the last step */
    float *opt_m, *opt_v;   /* (4h + 1) optimiser buffers */
    long opt_step;
    double *gacc;           /* (4h + 1) gradient sums */
    float *s0, *sp0;        /* (h) s(z0_j), s'(z0_j) of one sample */
    int *perm;              /* (cap_n) the epoch's sample order */
    long perm_epoch;
    int perm_n;
};

/* Make the twin of net at net's *initial* weights (w1_0, w2_0, b1_0, as
 * rl_net_reset_opts or rl_net_mark_initial left them), with net's options
 * and an empty optimiser state, able to train on up to max_n samples.
 * Call it right after the net is drawn, before it steps. False on out of
 * memory (nothing to destroy then). */
bool rl_lin_init(struct rl_lin *lin, const struct rl_net *net, int max_n);

/* Free everything; safe on a zeroed struct. */
void rl_lin_destroy(struct rl_lin *lin);

/* f_lin at the n points x (n, 2) into out (n). O(n h), no allocation. */
void rl_lin_predict(const struct rl_lin *lin, const float *x, int n,
                    float *out);

/* Gradient of the twin's objective J = (1/al^2) mean_k loss(f_lin(x_k), y_k)
 * (no weight decay) on samples idx[0..m) of d (idx NULL: all, m = d->n)
 * into g (4h + 1, theta's layout; bias entries 0 without bias). Returns the
 * fit loss mean_k loss(f_lin, y) before any step. m <= cap_n. */
double rl_lin_grad(struct rl_lin *lin, const struct rl_data *d,
                   const int *idx, int m, float *g);

/* One optimiser step of the twin on the batch a net with the same options
 * would take at the same step count (full batch, or the next batch of the
 * shuffled epoch drawn from the same shuffle_seed), by the same update as
 * rl_net_step (torch.optim rules; weight decay lambda on w). Returns the
 * fit loss on that batch before the step. No allocation. */
double rl_lin_step(struct rl_lin *lin, const struct rl_data *d, double lr,
                   double lambda);

/* Fit loss mean_k loss(f_lin(x_k), y_k) on d, in double. */
double rl_lin_loss(const struct rl_lin *lin, const struct rl_data *d);

/* The gap between net and twin on d's inputs: sup_k |f(x_k) - f_lin(x_k)|
 * and sqrt(mean_k (f - f_lin)^2). Either pointer may be NULL. */
void rl_lin_gap(const struct rl_lin *lin, const struct rl_net *net,
                const struct rl_data *d, double *sup, double *rms);

#endif
