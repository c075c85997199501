/* rl_exp_bench.h: the "sweep" section of `richlazy bench`: the seed's
 * weight-decay sweep (4 lambdas x 20 runs x 5000 steps, H = 500, N = 200)
 * timed on 1 thread and on every online core, the target being <= 1 s. */
#ifndef RL_EXP_BENCH_H
#define RL_EXP_BENCH_H

#include <stdbool.h>

#include "rl_bench.h"

/* Print the section to b->out: median wall time over b->repeats (one
 * repeat with --quick, which also shortens the runs). False on failure. */
bool rl_exp_bench_sweep(struct rl_bench *b);

#endif
