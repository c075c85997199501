/* rl_trainer.h: the rich/lazy pair training side by side on one data set.
 *
 * Owns the data (train and optional held-out test split), both nets, their
 * step counters, divergence state, latest metrics and bounded histories.
 * Everything is derived from cfg.seed: the data from its own stream and each
 * net's initial weights from its own stream, so a reset reproduces a run.
 * Pure C: the window, the headless run and the experiments all drive it.
 */
#ifndef RL_TRAINER_H
#define RL_TRAINER_H

#include <stdbool.h>
#include <stddef.h>

#include "rl_config.h"
#include "rl_data.h"
#include "rl_history.h"
#include "rl_linearised.h"
#include "rl_metrics.h"
#include "rl_net.h"

/* Called with every logged metrics row: net `which` at `step`. */
typedef void (*rl_metrics_fn)(void *ctx, int which, long step,
                              const struct rl_metrics *m);

struct rl_trainer {
    struct rl_config cfg;           /* live settings: lr, lambda, init, ... */
    struct rl_data train;           /* what the nets train on */
    struct rl_data test;            /* held-out split; n == 0 when none */
    struct rl_net net[RL_NETS];
    long step[RL_NETS];             /* steps taken since the net's reset */
    bool paused[RL_NETS];           /* held by the user */
    bool diverged[RL_NETS];         /* loss or weights became NaN/Inf */
    long diverged_step[RL_NETS];    /* first step whose loss is NaN/Inf */
    double diverged_lr[RL_NETS];    /* the lr in force then */
    struct rl_metrics last[RL_NETS];/* metrics at the latest logged step */
    struct rl_history hist[RL_NETS];
    long log_every;                 /* metrics every K steps (>= 1) */
    bool twin_on[RL_NETS];          /* the net's linearised twin trains
                                       alongside (off by default) */
    struct rl_lin twin[RL_NETS];    /* zeroed while off */
    rl_metrics_fn on_metrics;       /* optional row sink */
    void *on_metrics_ctx;
};

/* Build data and nets from cfg (copied). Generates or loads the data,
 * splits it when cfg->test_fraction > 0, draws both nets and logs step 0.
 * history_cap points per net (0: 4096). On failure returns false with one
 * line in err and leaves nothing allocated. */
bool rl_trainer_init(struct rl_trainer *tr, const struct rl_config *cfg,
                     int history_cap, char *err, size_t errlen);

void rl_trainer_destroy(struct rl_trainer *tr);

/* Redraw net `which` from cfg.net[which].init and the seed; step 0, history
 * cleared, divergence cleared; logs step 0. */
void rl_trainer_reset_net(struct rl_trainer *tr, int which);

/* Redraw both nets (same seed: an exact restart). */
void rl_trainer_restart(struct rl_trainer *tr);

/* New seed: regenerate built-in data and redraw both nets. */
bool rl_trainer_reseed(struct rl_trainer *tr, uint64_t seed, char *err,
                       size_t errlen);

/* Switch to a built-in dataset (dropping any loaded CSV) and redraw both
 * nets. False with err, everything kept, when the settings do not fit the
 * new set (rl_config_check: a logistic loss or --labels pm1 on a
 * regression set) or its data cannot be made. */
bool rl_trainer_set_dataset(struct rl_trainer *tr, enum rl_dataset kind,
                            char *err, size_t errlen);

/* Switch activation and redraw both nets. A linear trainer holds no
 * (n, h) scratch; switching to relu or tanh allocates it, and when that
 * fails returns false with nothing changed. */
bool rl_trainer_set_activation(struct rl_trainer *tr, enum rl_activation act);

/* Advance every net that is neither paused nor diverged by k steps, with the
 * live cfg.lr and cfg.lambda; logs metrics every log_every steps. */
void rl_trainer_step(struct rl_trainer *tr, long k);

/* Advance only net `which` by k steps (single-stepping, tests). */
void rl_trainer_step_net(struct rl_trainer *tr, int which, long k);

/* Turn the linearised twin of net `which` on or off (rl_linearised.h).
 * On: made at the net's initial weights, with its options, and from then
 * on stepped with the net (same lr, lambda, batches); remade whenever the
 * net is redrawn. Turned on after the net has stepped, the twin starts
 * from w0 at its own step 0. Off: freed; the step costs nothing extra.
 * False (and off) on out of memory. */
bool rl_trainer_set_twin(struct rl_trainer *tr, int which, bool on);

/* The twin of net `which` on the training data: its fit loss, and
 * sup_k |f - f_lin| and the RMS of f - f_lin over the samples. NaN (all
 * three) while the twin is off. Any pointer may be NULL. O(n h). */
void rl_trainer_twin_stats(const struct rl_trainer *tr, int which,
                           double *loss, double *sup, double *rms);

/* Compute, store and emit the metrics of net `which` at its current step
 * (also when it is not a multiple of log_every: the final row of a run). */
void rl_trainer_log(struct rl_trainer *tr, int which);

/* True when net `which` has a logged row at its current step. */
bool rl_trainer_logged_now(const struct rl_trainer *tr, int which);

#endif
