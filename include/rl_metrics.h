/* rl_metrics.h: what is measured about a net at one step. */
#ifndef RL_METRICS_H
#define RL_METRICS_H

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
};

/* Measure net on train (and on test when non-NULL). O(n) for linear nets,
 * O(n h) otherwise, plus O(h) for the weight norms. */
void rl_metrics_compute(const struct rl_net *net, const struct rl_data *train,
                        const struct rl_data *test, struct rl_metrics *m);

/* CSV header of the metric columns, after "step,net," (no newline). */
const char *rl_metrics_csv_header(void);

/* Write the metric columns of m, comma separated, %.9g (no newline).
 * Deterministic: same values, same bytes. */
void rl_metrics_csv_row(FILE *f, const struct rl_metrics *m);

#endif
