/* rl_history.h: bounded history of metrics for arbitrarily long runs.
 *
 * Holds at most `cap` points. The first cap/8 points ever pushed are kept
 * for good (dense early steps keep log-x plots honest); when the buffer is
 * full, every other point of the rest is dropped and the sampling stride
 * doubles. The newest push is always available as `latest`, so a curve
 * ends at the current step. No allocation after init.
 */
#ifndef RL_HISTORY_H
#define RL_HISTORY_H

#include <stdbool.h>

#include "rl_metrics.h"

struct rl_history_point {
    long step;
    struct rl_metrics m;
};

struct rl_history {
    int cap;                        /* capacity, >= 16 */
    int n;                          /* points stored */
    long stride;                    /* min step gap between stored points (after the kept prefix) */
    struct rl_history_point *pts;   /* (cap) oldest first */
    bool has_latest;
    struct rl_history_point latest; /* the last point pushed, stored or not */
};

bool rl_history_init(struct rl_history *hist, int cap);
void rl_history_destroy(struct rl_history *hist);

/* Forget every point (stride back to 1); keeps the buffer. */
void rl_history_clear(struct rl_history *hist);

/* Record metrics at step; steps must not decrease. O(1) amortised. */
void rl_history_push(struct rl_history *hist, long step,
                     const struct rl_metrics *m);

#endif
