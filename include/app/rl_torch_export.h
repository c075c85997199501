/* rl_torch_export.h: `richlazy export-torch RUNDIR [the run's flags]`.
 *
 * Writes RUNDIR/replay.py, a self-contained PyTorch script that trains the
 * run's two nets again from its data.csv and initial weights ({rich,lazy}_w{1,2}_init.npy) with
 * torch.optim.SGD (float32, one thread) and compares its loss at every
 * step metrics.csv holds, and its final weights, with the run's
 * metrics.csv and final weights; it prints the largest relative
 * difference and exits 1 above 1e-4 (0 otherwise, 2 on a missing file).
 * The run's folder holds no settings, so the command takes the run's own
 * flags (or its --config) for those the replay needs: activation, lr,
 * lambda; the steps come from metrics.csv. The model is the base net
 * (rl_net.h, no model options); a test split is not covered.
 */
#ifndef RL_TORCH_EXPORT_H
#define RL_TORCH_EXPORT_H

#include <stdio.h>

/* The export-torch command: exit code 0, 1 (a write failed) or 2 (bad
 * flags or run folder), one error line on errf. */
int rl_export_torch_main(int argc, char **argv, FILE *out, FILE *errf);

#endif
