/* rl_exp_cmd.h: the experiment commands `richlazy sweep`, `phase`,
 * `retrain` and `merge` (flags, output folder, summary), on top of the
 * engine in rl_experiment.h and the figures in rl_figures.h.
 *
 * Each takes the flags after its command name, prints its summary to out
 * and errors to errf (one line each), and returns the exit code: 0 done,
 * 1 failed while running or writing, 2 bad flags, data or checkpoint.
 */
#ifndef RL_EXP_CMD_H
#define RL_EXP_CMD_H

#include <stdio.h>

int rl_sweep_main(int argc, char **argv, FILE *out, FILE *errf);
int rl_phase_main(int argc, char **argv, FILE *out, FILE *errf);
int rl_retrain_main(int argc, char **argv, FILE *out, FILE *errf);
int rl_merge_main(int argc, char **argv, FILE *out, FILE *errf);

#endif
