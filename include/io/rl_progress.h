/* rl_progress.h: a one-line progress bar with ETA for long commands.
 *
 * Drawn on a stream only when that stream is a terminal (and not quiet),
 * at most ten times a second; silent otherwise, so logs and pipes stay
 * clean. Not thread-safe: callers serialise updates.
 */
#ifndef RL_PROGRESS_H
#define RL_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

struct rl_progress {
    FILE *f;
    bool on;            /* drawing at all */
    const char *what;   /* "sweep", ... */
    const char *unit;   /* "runs" */
    double t0;          /* start, seconds (monotonic) */
    double last;        /* last draw */
    bool drawn;         /* something is on the line */
};

/* Start: on when f is a terminal and !quiet. */
void rl_progress_start(struct rl_progress *p, FILE *f, bool quiet,
                       const char *what, const char *unit);

/* Report done of total; draws "what [#####.....] done/total unit, ETA". */
void rl_progress_update(struct rl_progress *p, long done, long total);

/* Finish the line (if anything was drawn). */
void rl_progress_finish(struct rl_progress *p);

/* Monotonic seconds, for timing. */
double rl_progress_now(void);

#endif
