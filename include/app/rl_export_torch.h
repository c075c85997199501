/* rl_export_torch.h: `richlazy export-torch RUNDIR`, a PyTorch replay of a
 * headless run.
 *
 * Reads RUNDIR/settings.txt (written by `run`, the format of checkpoint.txt)
 * and writes RUNDIR/replay.py: a self-contained Python script that trains
 * both nets again with torch.nn / torch.optim in float32 on one thread from
 * RUNDIR/data.csv and RUNDIR/weights/{rich,lazy}_{w1,w2,b}_init.npy, using
 * the engine's per-epoch mini-batch order (its xoshiro256** generator and
 * Fisher-Yates shuffle, rl_rng.h / rl_net_shuffle, written in Python), then
 * compares the loss at every metrics.csv row and the final weights with
 * the run's files, prints the largest relative difference per quantity and
 * exits 1 above 1e-4. The model and loss are those of docs/theory.md
 * ("Model options"); the torch semantics of each option are those the
 * engine is tested against (tests/reference/torch_model_ref.py). */
#ifndef RL_EXPORT_TORCH_H
#define RL_EXPORT_TORCH_H

#include <stdio.h>

/* The command with its arguments argv[0..argc) (after "export-torch"):
 * exactly one RUNDIR, or --help. Messages go to out, errors (one line
 * naming the file and what to do) to errf. Returns 0 on success, 1 when
 * the folder cannot be read or written, 2 on a usage error. */
int rl_export_torch_main(int argc, char **argv, FILE *out, FILE *errf);

#endif
