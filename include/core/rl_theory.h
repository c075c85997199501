/* rl_theory.h: closed-form and reduced predictions for the linear net.
 *
 * For the linear net out(x) = beta . x with beta = W2 W1 (1, 2) and the loss
 * L(beta) = beta Sxx beta^T - 2 beta . Sxy + syy (mean squared error, data
 * moments of rl_data.h), gradient descent with step lr and PyTorch weight
 * decay lambda has three regimes this module predicts (derivations, with
 * their assumptions, in docs/theory.md):
 *
 *  - rich (small init): Saxe, McClelland & Ganguli 2014 generalised to a
 *    scalar output and MSE. The projected strength v = lx (beta . mu)
 *    follows the logistic v(t) = S / (1 + (S/v0 - 1) e^{-4 lr S t}),
 *    S = s - lambda/2; the loss follows the balanced rank-one reduction
 *    (a single effective hidden unit), which the logistic solves exactly
 *    when Sxy is an eigenvector of Sxx.
 *  - lazy (large init): Lee et al. 2019 linearisation. Gradient descent on
 *    the net linearised at its initial weights moves beta by the fixed
 *    tangent kernel M0 = W1_0^T W1_0 + ||W2_0||^2 I; in closed form.
 *  - weight decay: Q = ||W1||_F^2 - ||W2||^2 shrinks by (1 - lr lambda)^2
 *    per step, and beta ends at the minimiser of L(beta) + lambda ||beta||.
 *
 * Pure C, no allocation; time t counts gradient steps since the weights
 * were marked initial (rl_net_mark_initial). Everything assumes lr and
 * lambda constant since then.
 */
#ifndef RL_THEORY_H
#define RL_THEORY_H

#include <stdbool.h>

#include "rl_data.h"
#include "rl_net.h"

/* The task as the linear net sees it: the data moments and what follows. */
struct rl_theory_task {
    double sxx[4];      /* X^T X / n, (2, 2) row-major */
    double sxy[2];      /* X^T y / n */
    double syy;         /* y^T y / n */
    double s;           /* ||Sxy||, the task's strength */
    double mu[2];       /* Sxy / s; NaN when s == 0 */
    double lx;          /* mu^T Sxx mu, input variance along mu */
    double beta_ls[2];  /* least squares beta* = Sxx^-1 Sxy; NaN if singular */
    double bhat[2];     /* beta_ls / ||beta_ls||; NaN when undefined */
    double loss_ls;     /* L(beta*), the smallest loss a linear net reaches */
    bool valid;         /* s > 0 and Sxx invertible: every field finite */
};

/* Derive the task from d's moments (rl_data_update_moments already run).
 * Returns t->valid. O(1). */
bool rl_theory_task_init(struct rl_theory_task *t, const struct rl_data *d);

/* L(beta) = beta Sxx beta^T - 2 beta . Sxy + syy, the linear net's MSE. */
double rl_theory_task_loss(const struct rl_theory_task *t,
                           const double beta[2]);

/* The minimiser of L(beta) + lambda ||beta||, where a linear net trained
 * with weight decay lambda settles (the weights balanced and rank one, so
 * ||W1||^2 + ||W2||^2 = 2 ||beta||). lambda <= 0 gives beta_ls; beta = 0
 * when 2 ||Sxy|| <= lambda. NaN when no minimiser exists (singular Sxx). */
void rl_theory_decay_beta(const struct rl_theory_task *t, double lambda,
                          double beta[2]);

/* The shortcut max(0, s - lambda/2) / lx for ||beta|| under decay;
 * exact only when Sxy is an eigenvector of Sxx (rl_theory_decay_beta is
 * exact in general). */
double rl_theory_decay_norm_aligned(const struct rl_theory_task *t,
                                    double lambda);

/* Predictions for one net from its initial weights. */
struct rl_theory {
    struct rl_theory_task task;
    double lr, lambda;
    double beta0[2];    /* W2_0 W1_0 */
    double m0[4];       /* tangent kernel M0 = G0 + ||W2_0||^2 I, (2, 2) */
    double q0;          /* ||W1_0||_F^2 - ||W2_0||^2 */
    double v0;          /* rich mode's seed: lx sum_i ((W1_0i.mu + W2_0i)/2)^2 */
    double lazy[9];     /* (3, 3) affine step [beta; 1] -> [beta'; 1] */
    bool valid;         /* task valid and the net linear */
};

/* Build the predictions for net (its w1_0, w2_0) trained on train with
 * constant lr and lambda. O(h). Returns th->valid; when false (non-linear
 * net, degenerate data) every prediction is NaN. */
bool rl_theory_init(struct rl_theory *th, const struct rl_data *train,
                    const struct rl_net *net, double lr, double lambda);

/* Rich regime, closed form (Saxe et al. 2014): the projected strength
 * v(t) = lx (beta(t) . mu) at step t >= 0 (real t allowed). */
double rl_theory_rich_v(const struct rl_theory *th, double t);

/* Rich regime, reduced dynamics: the single balanced unit (a in R^2,
 * b = ||a||, a = sqrt(v0/lx) mu at t = 0) stepped by the same discrete
 * gradient descent as the net. For each steps[k] (ascending, >= 0; rounded
 * down) writes the predicted loss into loss[k] and the predicted Q into
 * q[k] (either may be NULL): Q0 (1 - lr lambda)^(2t) plus the unit's own
 * O(lr^2) drift. Cost O(last step), less once the unit has converged. */
void rl_theory_rich_curve(const struct rl_theory *th, const double *steps,
                          int n, double *loss, double *q);

/* Lazy regime (Lee et al. 2019): beta of the net linearised at its
 * initial weights after t steps, exactly; O(log t). */
void rl_theory_lazy_beta(const struct rl_theory *th, long t, double beta[2]);

/* The loss of rl_theory_lazy_beta. */
double rl_theory_lazy_loss(const struct rl_theory *th, long t);

/* Weight decay: Q(t) = Q0 (1 - lr lambda)^(2t), exact for gradient flow and
 * up to O(lr^2) per step for gradient descent. */
double rl_theory_q(const struct rl_theory *th, double t);

#endif
