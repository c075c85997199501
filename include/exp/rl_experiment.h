/* rl_experiment.h: many independent training runs, in parallel, with
 * results that do not depend on the thread count or on sharding.
 *
 * An experiment is a list of cells (settings: init scale, lr, lambda, or a
 * checkpoint net to start from), each trained `runs` times. Run r of every
 * cell draws its fresh weights from stream RL_STREAM_RUN_BASE + r of the
 * seed, so all cells start from the same r-th nets (paired comparisons);
 * the data is the same for every run. Global run g = cell * runs + r.
 * Each run is a single net stepped with rl_net_step (O(H) for linear
 * nets); metrics are computed only at logged steps (0, K, 2K, ... and the
 * last step) into the run's own preallocated slot, so threads never share
 * writes and aggregation happens afterwards in a fixed order.
 *
 * Pure C (no SDL): figures are drawn elsewhere from the same aggregates.
 */
#ifndef RL_EXPERIMENT_H
#define RL_EXPERIMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "rl_checkpoint.h"
#include "rl_config.h"
#include "rl_data.h"
#include "rl_settings.h"

enum rl_exp_kind {
    RL_EXP_SWEEP,   /* one cell per lambda, fixed init */
    RL_EXP_PHASE,   /* grid: init scales x (lambdas or lrs) */
    RL_EXP_RETRAIN, /* the checkpoint's rich and lazy nets, continued */
    RL_EXP_KINDS,
};

/* "sweep", "phase", "retrain"; parse returns false when unknown. */
const char *rl_exp_kind_name(enum rl_exp_kind kind);
bool rl_exp_kind_parse(const char *name, enum rl_exp_kind *kind);

/* Metrics logged per step, in this order. LOSS2 is the loss on the second
 * data set (retrain: the original task); NaN when there is none. */
enum { RL_EXP_LOSS, RL_EXP_REL_W1, RL_EXP_REL_W2, RL_EXP_LOSS2,
       RL_EXP_METRICS };

struct rl_exp_cell {
    double init;        /* std dev of fresh W1 (unused when from_net >= 0) */
    double lr;
    double lambda;
    int from_net;       /* RL_RICH/RL_LAZY of the checkpoint; -1: fresh */
    double xv, yv;      /* the cell's values of the x and y axes (the
                           row's value as a double; 0 without the axis) */
};

/* An axis of a sweep or phase: one numeric row of the settings table
 * (rl_settings.h) that stands in the config (shared or per net). A
 * per-net row applies to the net the experiment trains (struct rl_exp's
 * net). */
struct rl_exp_axis {
    const struct rl_setting *row;   /* NULL: no such axis */
    int net;            /* RL_RICH/RL_LAZY when named "rich-X"/"lazy-X";
                           -1 for a plain name */
};

enum { RL_EXP_MAX_CELLS = 4096, RL_EXP_MAX_LIST = 64 };

struct rl_exp {
    enum rl_exp_kind kind;
    struct rl_config cfg;       /* net and data settings, steps, log_every */
    int runs;                   /* runs per cell, >= 1 */
    int ncells;
    struct rl_exp_cell cells[RL_EXP_MAX_CELLS];
    /* grid shape for the phase diagram: ncells == nx * ny, cell = y*nx + x;
     * the x axis runs along a row. Sweep: x alone (ny = 1). Retrain: no
     * axes. y_is_lr: the y axis is lr (kept for the shard's grid line). */
    int nx, ny;
    bool y_is_lr;
    struct rl_exp_axis x, y;
    int net;                    /* RL_RICH or RL_LAZY: whose per-net
                                   settings the fresh nets take */
    /* retrain */
    char data_buf[4096];        /* owns cfg.data_path when read from a shard */
    char from[4096];            /* checkpoint folder (for the record) */
    bool resample;              /* each run draws its own training data */
    /* the original-task data (retrain), as settings */
    enum rl_dataset dataset2;
    char data2_path[4096];      /* empty: built-in dataset2 */
    int samples2;
    double noise2;
    uint64_t seed2;
};

/* Resolve an axis name: a numeric row ("hidden", "lr", "alpha"), or a
 * per-net one with its net ("rich-init", "lazy-alpha"). Rows that are not
 * numbers, not in the config, do not change training (test-split, width,
 * ...), or fix the logged steps (steps, log-every) are refused: false with
 * err, e.g. "unknown setting 'foo'; ..." (without the flag). */
bool rl_exp_axis_parse(const char *name, struct rl_exp_axis *ax, char *err,
                       size_t errlen);

/* The axis's name as a file key and CSV column: "hidden", "rich_init"
 * (with net's prefix when ax->net >= 0). */
void rl_exp_axis_key(const struct rl_exp_axis *ax, char *buf, size_t len);

/* Read text as a value of the axis's row (the table's validator and
 * messages) into *v. */
bool rl_exp_axis_read(const struct rl_exp_axis *ax, const char *text,
                      double *v, char *why, size_t whylen);

/* The settings of cell c of e: e->cfg with the cell's axis values set
 * (per-net rows on net e->net). */
void rl_exp_cell_config(const struct rl_exp *e, int c, struct rl_config *out);

/* Axis `which` (0: x, 1: y) in effect: e's, or, when e leaves it NULL
 * (engine users that fill only the cells' init, lr and lambda), the
 * built-in one of its kind: sweep x lambda; phase x init, y lambda (lr
 * when y_is_lr). False (ax->row NULL) when the kind has no such axis. */
bool rl_exp_axis_of(const struct rl_exp *e, int which,
                    struct rl_exp_axis *ax);

/* Cell c's value on axis `which`: its xv/yv, or for a built-in axis left
 * NULL its init, lambda or lr. */
double rl_exp_cell_value(const struct rl_exp *e, int c, int which);

/* Do the axes of e differ from the built-in ones (sweep over lambda; phase
 * over the rich net's init x lambda or lr; retrain: none)? Then the shard
 * file records them. */
bool rl_exp_axes_custom(const struct rl_exp *e);

/* Number of logged points of a run of cfg.steps steps logged every
 * cfg.log_every: steps 0, K, 2K, ..., and the last step. */
int rl_exp_nlog(const struct rl_exp *e);

/* Step of logged point k. */
long rl_exp_log_step(const struct rl_exp *e, int k);

/* Total runs: ncells * runs. */
int rl_exp_total_runs(const struct rl_exp *e);

/* Results of all runs (or of those one shard did). */
struct rl_exp_results {
    int nruns;                  /* total runs of the experiment */
    int nlog;
    double *values;             /* (nruns, nlog, RL_EXP_METRICS) */
    long *diverged_step;        /* (nruns) first non-finite step, -1: none */
    unsigned char *have;        /* (nruns) 1 when the run's values are set */
};

bool rl_exp_results_init(struct rl_exp_results *res, const struct rl_exp *e);
void rl_exp_results_destroy(struct rl_exp_results *res);

/* Pointer to metric m of run g at logged point k. */
double *rl_exp_value(const struct rl_exp_results *res, int g, int k, int m);

/* What the runs share: the training data and the second data set, built
 * once from the settings (and the checkpoint for retrain). */
struct rl_exp_data {
    struct rl_data train;
    struct rl_data data2;       /* n == 0: none */
    const struct rl_checkpoint *ck; /* retrain: the starting nets */
};

/* Build the shared data; false with err (e.g. a bad CSV). */
bool rl_exp_data_init(struct rl_exp_data *d, const struct rl_exp *e,
                      const struct rl_checkpoint *ck, char *err,
                      size_t errlen);
void rl_exp_data_destroy(struct rl_exp_data *d);

/* Train global run g into its slot of res. Thread-safe for distinct g.
 * False only on out of memory. */
bool rl_exp_run_one(const struct rl_exp *e, const struct rl_exp_data *d,
                    int g, struct rl_exp_results *res);

/* Shard selection: run g belongs to shard (g mod count) + 1; shard 0 of
 * count 1 (or count 0) means every run. */
bool rl_exp_in_shard(int g, int shard, int count);

/* Called after each finished run with the number done so far out of total
 * (from worker threads, serialised by the engine). */
typedef void (*rl_exp_progress_fn)(void *ctx, int done, int total);

/* Run every run of the shard (shard 1..count; count 0: all) on `threads`
 * threads (>= 1). False with err on out of memory or thread failure. */
bool rl_exp_run(const struct rl_exp *e, const struct rl_exp_data *d,
                int shard, int count, int threads,
                struct rl_exp_results *res, rl_exp_progress_fn progress,
                void *progress_ctx, char *err, size_t errlen);

/* Aggregates over the runs of one cell at logged point k: the mean and the
 * sample standard deviation (n - 1 in the denominator; 0 for one run),
 * summed in run order. */
void rl_exp_cell_stats(const struct rl_exp *e,
                       const struct rl_exp_results *res, int cell, int k,
                       int metric, double *mean, double *sd);

/* Number of runs of a cell that diverged. */
int rl_exp_cell_diverged(const struct rl_exp *e,
                         const struct rl_exp_results *res, int cell);

/* Write the CSV results of a complete experiment into dir: sweep.csv and
 * sweep_runs.csv, phase.csv and phase_runs.csv, or retrain.csv and
 * retrain_runs.csv. Deterministic bytes; False with err on failure. */
bool rl_exp_write_csv(const struct rl_exp *e,
                      const struct rl_exp_results *res, const char *dir,
                      char *err, size_t errlen);

/* ---- shards ---- */

/* File name of a shard: "KIND-shard-I-of-N.txt". */
void rl_exp_shard_name(char *buf, size_t len, const struct rl_exp *e,
                       int shard, int count);

/* Write the settings of e and the full-precision (%.17g) results of the
 * shard's runs into dir. */
bool rl_exp_shard_write(const struct rl_exp *e,
                        const struct rl_exp_results *res, int shard,
                        int count, const char *dir, char *err, size_t errlen);

/* Read shard files (paths, or folders whose *-shard-*-of-*.txt files are
 * all taken) into e and res (both set up by the call). All shards must hold
 * the same settings and together every run exactly once; otherwise false
 * with err naming the file and the problem. */
bool rl_exp_shard_merge(char *const *paths, int npaths, struct rl_exp *e,
                        struct rl_exp_results *res, char *err, size_t errlen);

#endif
