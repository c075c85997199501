/* rl_run.h: `richlazy run`, the headless training run.
 *
 * Trains the rich/lazy pair for --steps steps and writes into the output
 * folder: metrics.csv, data.csv and weights/{rich,lazy}_{w1,w2}_{init,final}.npy.
 * Each file appears only when complete.
 */
#ifndef RL_RUN_H
#define RL_RUN_H

#include <stdio.h>

/* Run with the flags in argv[0..argc) (after "run"). Summary and progress go
 * to out and errors to errf (one line each). Returns the exit code: 0 done,
 * 1 failed while writing, 2 bad flags or data. */
int rl_run_main(int argc, char **argv, FILE *out, FILE *errf);

#endif
