/* rl_run.h: `richlazy run`, the headless training run.
 *
 * Trains the rich/lazy pair for --steps steps and writes into the output
 * folder: metrics.csv, data.csv and weights/{rich,lazy}_{w1,w2}_{init,final}.npy.
 * Each file appears only when complete. A script's restart of a net (r, R,
 * d, a) puts a line "# restart: the NET net starts again from step 0
 * (after K steps)" into metrics.csv before the net's new step-0 row; the
 * summary gives the steps each net trained (and, after restarts, in all),
 * which the last rows of metrics.csv and the last frame agree with.
 */
#ifndef RL_RUN_H
#define RL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Run with the flags in argv[0..argc) (after "run"). Summary and progress go
 * to out and errors to errf (one line each). Returns the exit code: 0 done,
 * 1 failed while writing, 2 bad flags or data. */
int rl_run_main(int argc, char **argv, FILE *out, FILE *errf);

struct rl_trainer;
struct rl_config;
struct rl_cli;
struct rl_cli_seen;

/* `run --model diagonal` (called by rl_run_main once the flags are parsed
 * into cfg): trains the pair as diagonal linear nets (rl_diagonal.h) from
 * u = v = their --diagonal-scale on the data's inputs and real targets,
 * by full-batch GD with --lr and --lambda, and writes metrics.csv (rows
 * step,net,loss,beta0,beta1 every --log-every steps and the last),
 * data.csv and weights/{rich,lazy}_{u,v}_final.npy; the summary adds the
 * least-l2 and least-l1 interpolators and the closed-form end point of
 * gradient flow (rl_diagonal_limit) when they exist. A flag given on the
 * command line (per cli and seen) that means nothing for this model
 * (--activation, --hidden, --frames-every, ...) is refused with one line.
 * Returns the exit code as rl_run_main does. */
int rl_run_diagonal(const struct rl_config *cfg, const struct rl_cli *cli,
                    const struct rl_cli_seen *seen, FILE *out, FILE *errf);

/* Rendered frames and scripted keys in a headless run (--frames-every,
 * --script) come from the app layer, which links SDL_ttf; it passes these
 * hooks, which replace the plain one-step loop. */
struct rl_run_hooks {
    void *ctx;
    /* Once the trainer is built, metrics are logged and dir exists. */
    bool (*start)(void *ctx, struct rl_trainer *tr,
                  const struct rl_config *cfg, const char *dir, char *err,
                  size_t errlen);
    /* Advance one frame of at most `left` steps; returns the steps the
     * frame counts for (>= 1; a paused frame counts too), or -1 with err
     * on a failure. */
    long (*frame)(void *ctx, struct rl_trainer *tr, long left, char *err,
                  size_t errlen);
    /* Optional: true once the user quit (q in a script), asked before the
     * first frame and after each: the run ends there, after that frame's
     * steps, and its results are written. */
    bool (*quitting)(void *ctx);
    /* After the last frame (e.g. write the final picture). */
    bool (*finish)(void *ctx, struct rl_trainer *tr, char *err,
                   size_t errlen);
    /* Always called last, also after failures. */
    void (*destroy)(void *ctx);
};

/* rl_run_main with hooks (NULL: plain; then --frames-every and --script
 * are refused with a message). */
int rl_run_main_hooked(int argc, char **argv, FILE *out, FILE *errf,
                       const struct rl_run_hooks *hooks);

#endif
