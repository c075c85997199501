/* rl_diag.h: the live view's diagnostics state (pure, no SDL).
 *
 * Follows the trainer frame by frame: rebuilds each net's theory
 * (rl_theory.h) when the net is re-initialised, marks it stale when lr or
 * lambda change after step 0 (the predictions assume them constant), and,
 * while the panel or the overlays are shown, samples the predictions at the
 * steps of the net's history so they line up with the simulated curves.
 * Which theory a net gets follows Chizat's scale at its init (rl_metrics
 * lazy_scale): >= 1 (the rich net at the seed's settings) the rich theory
 * (loss of the effective balanced unit, Saxe's logistic v(t),
 * Q0 (1 - lr lambda)^(2t) plus the unit's drift); < 1 the lazy theory
 * (loss of the linearised net, Q0 (1 - lr lambda)^(2t)).
 * The window shows the panel with key g and the overlays with key t.
 */
#ifndef RL_DIAG_H
#define RL_DIAG_H

#include <stdbool.h>

#include "rl_config.h"
#include "rl_theory.h"
#include "rl_trainer.h"

struct rl_diag {
    bool panel;                 /* diagnostics panel shown */
    bool theory;                /* theory overlays shown */
    int cap;                    /* points per series */

    struct rl_theory th[RL_NETS];
    bool built[RL_NETS];        /* th is set */
    bool stale[RL_NETS];        /* lr or lambda changed since step 0 */
    double sig[RL_NETS][4];     /* signature of the weights th was built on */
    long last_step[RL_NETS];

    bool lazy_kind[RL_NETS];    /* net w gets the lazy theory */
    int n[RL_NETS];             /* points in the series (0: none to show) */
    double *step[RL_NETS];      /* (cap) history steps */
    double *loss[RL_NETS];      /* (cap) predicted loss */
    double *q[RL_NETS];         /* (cap) predicted imbalance Q */
    double *v[RL_NETS];         /* (cap) rich kind: Saxe's logistic v(t); else NaN */
    double decay_beta[RL_NETS][2]; /* where beta settles (rl_theory_decay_beta) */
};

/* Room for cap points per series (at least the history capacity + 1).
 * Both toggles off. False on out of memory (nothing left allocated). */
bool rl_diag_init(struct rl_diag *d, int cap);
void rl_diag_destroy(struct rl_diag *d);

/* Call once per frame (and after changing the trainer directly): notices
 * resets and hyperparameter changes in O(1) per net, and when panel or
 * theory is on recomputes the series: O(history points x log step) plus
 * O(step) for the rich net until its effective unit has converged. */
void rl_diag_update(struct rl_diag *d, const struct rl_trainer *tr);

#endif
