/* rl_bench.h: `richlazy bench`, how fast training, drawing and recording
 * run on this machine, against PyTorch and against the hardware's limit.
 *
 * The benchmark is a table of sections run in order (see bench.c); each
 * prints a titled block to b->out: the machine (nominal and measured
 * fp32 peak and clock), training steps/s and GFLOP/s against the measured
 * peak, PyTorch, the working set, heap allocations per training step
 * (counted when the allocation counter can count), frames, recording and
 * sweeps. Figures are medians over repeats (the peak: the best run). A
 * section whose code is not in this build prints "not available in this
 * build". `--quick` runs every section with short, few repeats (a smoke
 * test: figures are rough).
 */
#ifndef RL_BENCH_H
#define RL_BENCH_H

#include <stdbool.h>
#include <stdio.h>

#include "rl_machine.h"

/* The state the sections share. */
struct rl_bench {
    FILE *out;
    bool quick;             /* --quick: short repeats */
    int repeats;            /* timed repeats per figure */
    double seconds;         /* minimum length of one repeat */
    bool torch;             /* run the PyTorch side (--no-torch: false) */
    const char *torch_script; /* path of bench/torch_bench.py (default:
                               * the source tree's, fixed at build time) */
    struct rl_machine machine;
    /* filled by the "training" section for the "pytorch" one: steps/s per
     * network of each training workload, 0 when not measured */
    double steps_per_s[16];
};

/* `richlazy bench [--quick] [--repeats N] [--no-torch] [--torch-script
 * PATH]`: run every section; 0 when done, 2 on bad flags. */
int rl_bench_main(int argc, char **argv, FILE *out, FILE *errf);

#endif
