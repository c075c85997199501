/* rl_reproduce.h: `richlazy reproduce`, published and closed-form results
 * of the rich/lazy field re-run headless, each with a pass/fail verdict.
 *
 * A preset is one experiment: it trains, writes its CSV files and a figure
 * into its folder, and records checks (a measured quantity against an
 * expected value or bound, with its tolerance and source). The command
 * writes checks.csv, prints the same table and exits 0 only when every
 * check passes (1 when one fails or the run fails, 2 on bad usage).
 *
 * How to add a preset:
 *  1. write `bool rl_preset_NAME(struct rl_repro *r, char *err, size_t
 *     errlen)` in its own src/exp/reproduce_NAME.c: train through the
 *     engine's C APIs (never a shell), write CSV files and a figure into
 *     r->dir (rl_repro_path; figure helpers in reproduce_internal.h), and
 *     add each check with rl_repro_check (quantity, measured, relation,
 *     expected, tolerance, source); return false only when it could not run;
 *  2. optionally `void rl_preset_NAME_window(struct rl_config *cfg)` when
 *     the preset is a live pair (for `window --preset NAME`);
 *  3. declare both in src/exp/reproduce_internal.h, add the file to
 *     src/exp/meson.build and one row {name, paper, summary, run, window}
 *     to the table in reproduce.c;
 *  4. derive what it checks in docs/theory.md (a section per preset).
 * `--quick` (r->quick) must keep all presets together under a minute on
 * two cores and the full `all` under five; the test runs `all --quick`.
 */
#ifndef RL_REPRODUCE_H
#define RL_REPRODUCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rl_config.h"

/* How a check compares the measured value m with the expected value e. */
enum rl_check_rel {
    RL_CHECK_NEAR,  /* |m - e| <= tol */
    RL_CHECK_GE,    /* m >= e (tol unused, 0) */
    RL_CHECK_LE,    /* m <= e (tol unused, 0) */
};

struct rl_check {
    char preset[32];
    char quantity[160];
    double measured, expected, tol;
    enum rl_check_rel rel;
    bool pass;          /* false also when measured is NaN */
    char source[200];
};

enum { RL_REPRO_MAX_CHECKS = 256 };

/* The state a preset's run function works with. */
struct rl_repro {
    const char *preset;     /* the running preset's name */
    char dir[4096];         /* its output folder (exists) */
    bool quick;             /* CI mode: shorter runs, same checks */
    bool quiet;             /* no progress on errf */
    FILE *errf;             /* progress and warnings */
    int threads;            /* worker threads for experiments (>= 1) */
    int perturb;            /* tests: the perturb-th check (1-based) of each
                               preset gets a wrong expectation; 0: none */
    int npreset_checks;     /* checks added by the running preset */
    int nchecks;
    struct rl_check checks[RL_REPRO_MAX_CHECKS];
};

/* A preset: one row of the table. */
struct rl_preset {
    const char *name;       /* "seed-1", "saxe2014" */
    const char *paper;      /* the source, short */
    const char *summary;    /* one line for --list */
    /* Run the experiment into r->dir and add its checks; false with err
     * only when it could not run (a write failed), not when a check fails. */
    bool (*run)(struct rl_repro *r, char *err, size_t errlen);
    /* The live pair's settings for `window --preset NAME` (applied to a
     * copy of the defaults); NULL when the preset is not a pair. */
    void (*window)(struct rl_config *cfg);
};

/* The table of presets and its size. */
const struct rl_preset *rl_presets(int *n);

/* The preset called name, or NULL. */
const struct rl_preset *rl_preset_find(const char *name);

/* Write "a, b, c" (every preset's name) into buf. */
void rl_preset_names(char *buf, size_t len);

/* Record a check of the running preset: verdict computed here (and the
 * expectation perturbed when r->perturb says so, for tests). quantity and
 * source are copied (truncated to their fields). */
void rl_repro_check(struct rl_repro *r, const char *quantity,
                    double measured, enum rl_check_rel rel, double expected,
                    double tol, const char *source);

/* Join r->dir and name into buf; false with err when it does not fit. */
bool rl_repro_path(const struct rl_repro *r, char *buf, size_t len,
                   const char *name, char *err, size_t errlen);

/* Progress line on r->errf ("reproduce seed-3: ..."), unless quiet. */
void rl_repro_say(const struct rl_repro *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Write checks [from, to) of r as CSV (header preset,quantity,measured,
 * expected,tolerance,verdict,source; expected is a number, or ">=X"/"<=X"
 * for bounds; numbers %.6g) to path through a temporary file. */
bool rl_repro_write_checks(const struct rl_repro *r, int from, int to,
                           const char *path, char *err, size_t errlen);

/* Print checks [from, to) as an aligned table. */
void rl_repro_print_checks(const struct rl_repro *r, int from, int to,
                           FILE *out);

/* `richlazy reproduce NAME|all [--out DIR] [--quick]`, `--list`. Returns
 * 0 when every check passed, 1 when one failed or a run failed, 2 on bad
 * usage (unknown preset: the message lists them). The environment variable
 * RICHLAZY_REPRODUCE_WRONG=K (tests only) makes the K-th check of each
 * preset expect a wrong value. */
int rl_reproduce_main(int argc, char **argv, FILE *out, FILE *errf);

/* For `window --preset NAME`: apply the preset's live-pair settings to
 * cfg. False with err (unknown preset, or not a pair: names those that
 * are). */
bool rl_reproduce_window_config(const char *name, struct rl_config *cfg,
                                char *err, size_t errlen);

/* The PyTorch reference of seed-3 (tests/reference/torch_seed_sweep.csv,
 * made by tests/reference/torch_seed_sweep.py): per lambda the mean and
 * sample sd over the 20 runs of the final loss and rel_w1. n gets 4. */
struct rl_torch_ref {
    double lambda;
    double loss_mean, loss_sd, rel_w1_mean, rel_w1_sd;
};
const struct rl_torch_ref *rl_reproduce_torch_ref(int *n);

#endif
