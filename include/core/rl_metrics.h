/* rl_metrics.h: what is measured about a net at one step. */
#ifndef RL_METRICS_H
#define RL_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "rl_data.h"
#include "rl_net.h"

struct rl_metrics {
    double loss;            /* MSE on the training data */
    double accuracy;        /* fraction with (out > 0.5) == label */
    double test_loss;       /* on the held-out split; NaN when there is none */
    double test_accuracy;   /* NaN when there is no held-out split */
    double rel_w1;          /* ||W1(t) - W1(0)||_F / ||W1(0)||_F (seed's w1_rel_changes) */
    double rel_w2;          /* same for W2 (seed's w2_rel_changes) */
    double norm_w1;         /* ||W1||_F */
    double norm_w2;         /* ||W2||_F */

    /* Regime diagnostics, O(h) from the current and initial weights; with
     * G = W1^T W1 (2, 2) and its eigenvalues sigma_i^2 (docs/theory.md). */
    double eff_rank;        /* Roy & Vetterli 2007: exp(-sum p_i ln p_i),
                               p_i = sigma_i / sum sigma; 1 (rank one) .. 2 */
    double part_ratio;      /* (sum sigma^2)^2 / sum sigma^4, 1 .. 2 */
    double alignment;       /* ||W1 bhat||^2 / ||W1||_F^2, bhat = direction of
                               the least-squares beta* = Sxx^-1 Sxy of train */
    double kernel_dist;     /* Fort et al. 2020: 1 - <G0, G>_F / (|G0| |G|) */
    double ntk_dist;        /* the same for the tangent kernel
                               M = G + ||W2||^2 I; linear only, else NaN */
    double imbalance;       /* Q = ||W1||_F^2 - ||W2||^2 */
    double strength;        /* v = lx (beta . mu), mu = Sxy/|Sxy|,
                               lx = mu^T Sxx mu (rl_theory.h); linear only */
    double lazy_scale;      /* Chizat et al. 2019 kappa at the initial
                               weights: |f0 - f*| |D2f| / |Df|^2 in L2(data);
                               << 1 lazy, >> 1 rich; linear only */
};

/* Measure net on train (and on test when non-NULL). O(n) for linear nets,
 * O(n h) otherwise, plus one O(h) pass over the current and initial weights
 * for the norms and the regime diagnostics. Measures undefined for the net
 * or the data (zero weights, singular Sxx, linear-only ones on relu/tanh)
 * are NaN. */
void rl_metrics_compute(const struct rl_net *net, const struct rl_data *train,
                        const struct rl_data *test, struct rl_metrics *m);

/* Per-unit balance of unit i (0 <= i < h), for the balance scatter:
 * |W2_i| and ||W1_i||. Gradient flow keeps W2_i^2 - ||W1_i||^2 constant
 * (linear and relu nets); weight decay drives it to 0. */
void rl_metrics_unit_balance(const struct rl_net *net, int i, double *w2_abs,
                             double *w1_norm);

/* Normalised margin min_k s_k f(x_k) / ||theta||^2 on d (Lyu & Li 2020;
 * Chizat & Bach 2020), s_k = +-1 the class of sample k under the net's
 * targets, ||theta||^2 the sum of squares of every trained parameter (W1,
 * W2 and, with bias, b1 and b2). For a bias-free relu or linear net f is
 * 2-homogeneous in theta, so this is the margin of the direction of theta,
 * which logistic/exp losses drive up. With bias the hidden biases keep
 * that homogeneity (b1 scales with W1), but the output bias b2 is
 * 1-homogeneous, so the value then also depends on ||theta||; for tanh it
 * is a plain ratio. NaN for real targets or zero weights. O(n h). */
double rl_metrics_margin(const struct rl_net *net, const struct rl_data *d);

/* Mean and standard deviation over units of the imbalance
 * delta_j = w2_j^2 - ||w1_j||^2 - b1_j^2 (b1 = 0 without bias), conserved
 * by gradient flow for relu and linear units (Du et al. 2018; Kunin et
 * al. 2024; docs/theory.md). O(h). */
void rl_metrics_imbalance_stats(const struct rl_net *net, double *mean,
                                double *spread);

/* CSV header of the metric columns, after "step,net," (no newline): the
 * core columns first (loss ... test_accuracy), then the diagnostics in the
 * struct's order. */
const char *rl_metrics_csv_header(void);

/* The same header for a net fitting real targets: accuracy and
 * test_accuracy hold R^2 = 1 - SSE / sum (y - mean y)^2 there, so they are
 * called r2 and test_r2 (rl_net_evaluate). regression false: exactly
 * rl_metrics_csv_header(). */
const char *rl_metrics_csv_header_for(bool regression);

/* Optional metric columns, appended after the diagnostics in this order
 * when asked for (a bit mask); none by default, so a run that asks for
 * none writes the same bytes as before they existed. */
enum rl_metrics_extra_cols {
    RL_COL_MARGIN = 1 << 0,     /* "margin": rl_metrics_margin on train */
    RL_COL_IMBALANCE = 1 << 1,  /* "delta_mean,delta_sd":
                                   rl_metrics_imbalance_stats */
    RL_COL_TEACHER = 1 << 2,    /* "teacher_alignment": rl_teacher_alignment
                                   of the units to train's teacher, same
                                   sign (NaN without a teacher) */
};

struct rl_metrics_extra {
    double margin;
    double delta_mean, delta_sd;
    double teacher_alignment;
};

/* Compute the columns of cols for net on train (others NaN). O(n h) with
 * RL_COL_MARGIN, O(h k) otherwise. No allocation. */
void rl_metrics_extra_compute(const struct rl_net *net,
                              const struct rl_data *train, unsigned cols,
                              struct rl_metrics_extra *x);

/* ",name,..." of the columns of cols (empty for 0), and ",%.9g,..." of
 * their values in the same order (NaN written as "nan"). */
void rl_metrics_extra_csv_header(FILE *f, unsigned cols);
void rl_metrics_extra_csv_row(FILE *f, unsigned cols,
                              const struct rl_metrics_extra *x);

/* Write the metric columns of m, comma separated, %.9g (no newline).
 * Deterministic: same values, same bytes. */
void rl_metrics_csv_row(FILE *f, const struct rl_metrics *m);

#endif
