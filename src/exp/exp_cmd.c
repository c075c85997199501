/* exp_cmd.c: `richlazy sweep`, `phase`, `retrain` and `merge` (see
 * rl_exp_cmd.h). */
#include "rl_exp_cmd.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rl_checkpoint.h"
#include "rl_cli.h"
#include "rl_experiment.h"
#include "rl_figures.h"
#include "rl_interrupt.h"
#include "rl_output.h"
#include "rl_progress.h"

/* Everything an experiment command can be told. */
struct exp_opts {
    struct rl_config cfg;       /* net, data, steps, log_every, out_dir */
    const char *lambdas;        /* "0,0.125,..." */
    const char *lrs;            /* phase: lr list for the y axis */
    double init;                /* sweep: std dev of W1 */
    double init_min, init_max;  /* phase: init scale range (log-spaced) */
    int inits;                  /* phase: how many init scales */
    int runs;
    int threads;                /* 0: online cores */
    const char *shard;          /* "I/N" */
    const char *from;           /* retrain: checkpoint folder */
    bool same_data;             /* retrain: no per-run redraw */
};

static const struct exp_opts sweep_default = {
    .lambdas = "0,0.125,0.25,0.5",
    .init = 0.1,
    .runs = 20,
};

static const struct exp_opts phase_default = {
    .lambdas = "0,0.0625,0.125,0.25,0.5",
    .init_min = 1e-3,
    .init_max = 1.0,
    .inits = 16,
    .runs = 1,
};

static const struct exp_opts retrain_default = {
    .runs = 20,
};

#define O(field) offsetof(struct exp_opts, field)

/* Flags shared with `richlazy run` (same names and meaning). */
#define NET_OPTS                                                           \
    {"--steps", RL_OPT_LONG, O(cfg.steps), "N", "training steps per run",  \
     0, 1e15, false},                                                      \
    {"--out", RL_OPT_STRING, O(cfg.out_dir), "DIR",                        \
     "output folder (default: richlazy-KIND-DATE-TIME)", 0, 0, false},     \
    {"--dataset", RL_OPT_DATASET, O(cfg.dataset), "NAME",                  \
     "built-in data: blobs, xor, circles, spiral", 0, 0, false},           \
    {"--data", RL_OPT_STRING, O(cfg.data_path), "FILE.csv",                \
     "train on rows x,y,label from a CSV file instead", 0, 0, false},      \
    {"--samples", RL_OPT_INT, O(cfg.samples), "N",                         \
     "samples of built-in data", 2, 50000000, false},                      \
    {"--noise", RL_OPT_DOUBLE, O(cfg.noise), "X",                          \
     "std dev of built-in data noise (default: per dataset, blobs 0.5)",   \
     0, 100, false},                                                       \
    {"--seed", RL_OPT_U64, O(cfg.seed), "N",                               \
     "random seed (data and weights)", 0, 0, false}

#define PAR_OPTS                                                           \
    {"--threads", RL_OPT_INT, O(threads), "N",                             \
     "worker threads (0: one per online core)", 0, 256, false},            \
    {"--shard", RL_OPT_STRING, O(shard), "I/N",                            \
     "run only the I-th of N slices of the runs (I = 1..N) and write a "   \
     "shard file; combine with richlazy merge", 0, 0, false},              \
    {"--quiet", RL_OPT_FLAG, O(cfg.quiet), NULL,                           \
     "print nothing but errors", 0, 0, false},                             \
    {"--append", RL_OPT_FLAG, O(cfg.append), NULL,                         \
     "write into an output folder that is not empty (shards always may)",  \
     0, 0, false}

#define MODEL_OPTS                                                         \
    {"--activation", RL_OPT_ACTIVATION, O(cfg.act), "NAME",                \
     "hidden activation: linear, relu, tanh", 0, 0, false},                \
    {"--hidden", RL_OPT_INT, O(cfg.hidden), "H", "hidden units", 1,        \
     10000000, false},                                                     \
    {"--out-init", RL_OPT_DOUBLE, O(cfg.out_init), "X",                    \
     "std dev of hidden->output weights (default: 1/H)", 0, 1e6, true}

static const struct rl_opt sweep_opts[] = {
    {"--lambdas", RL_OPT_STRING, O(lambdas), "LIST",
     "comma-separated weight decays, one curve each", 0, 0, false},
    {"--runs", RL_OPT_INT, O(runs), "N", "runs per lambda", 1, 100000,
     false},
    {"--init", RL_OPT_DOUBLE, O(init), "X", "std dev of W1", 0, 1e6, true},
    {"--lr", RL_OPT_DOUBLE, O(cfg.lr), "X", "learning rate", 0, 1e6, true},
    {"--log-every", RL_OPT_LONG, O(cfg.log_every), "K",
     "record metrics every K steps (and the last step)", 1, 1e15, false},
    MODEL_OPTS,
    NET_OPTS,
    PAR_OPTS,
};

static const struct rl_opt phase_opts[] = {
    {"--inits", RL_OPT_INT, O(inits), "N",
     "init scales, log-spaced from --init-min to --init-max", 1, 1024,
     false},
    {"--init-min", RL_OPT_DOUBLE, O(init_min), "X", "smallest W1 std dev",
     0, 1e6, true},
    {"--init-max", RL_OPT_DOUBLE, O(init_max), "X", "largest W1 std dev",
     0, 1e6, true},
    {"--lambdas", RL_OPT_STRING, O(lambdas), "LIST",
     "weight decays, the y axis", 0, 0, false},
    {"--lrs", RL_OPT_STRING, O(lrs), "LIST",
     "learning rates as the y axis instead (with --lambda fixed)", 0, 0,
     false},
    {"--lambda", RL_OPT_DOUBLE, O(cfg.lambda), "X",
     "weight decay when the y axis is --lrs", 0, 1e6, false},
    {"--lr", RL_OPT_DOUBLE, O(cfg.lr), "X",
     "learning rate when the y axis is --lambdas", 0, 1e6, true},
    {"--runs", RL_OPT_INT, O(runs), "N", "runs per cell (averaged)", 1,
     100000, false},
    MODEL_OPTS,
    NET_OPTS,
    PAR_OPTS,
};

static const struct rl_opt retrain_opts[] = {
    {"--from", RL_OPT_STRING, O(from), "DIR",
     "checkpoint to start from (richlazy run --checkpoint DIR)", 0, 0,
     false},
    {"--lambda", RL_OPT_DOUBLE, O(cfg.lambda), "X",
     "weight decay while retraining", 0, 1e6, false},
    {"--runs", RL_OPT_INT, O(runs), "N", "copies of each net", 1, 100000,
     false},
    {"--lr", RL_OPT_DOUBLE, O(cfg.lr), "X",
     "learning rate (default: the checkpoint's)", 0, 1e6, true},
    {"--log-every", RL_OPT_LONG, O(cfg.log_every), "K",
     "record losses every K steps (and the last step)", 1, 1e15, false},
    {"--same-data", RL_OPT_FLAG, O(same_data), NULL,
     "every copy trains on the same data (default: each its own draw, or "
     "a bootstrap resample of --data)", 0, 0, false},
    NET_OPTS,
    PAR_OPTS,
};

#define NOPTS(t) ((int)(sizeof(t) / sizeof((t)[0])))

static const char sweep_usage[] =
    "usage: richlazy sweep [options]\n"
    "\n"
    "Train one net many times for each weight decay lambda (fresh seeded\n"
    "weights per run, the same data) and write sweep.csv (mean and sd over\n"
    "runs per lambda and logged step), sweep_runs.csv and sweep.png.\n";

static const char phase_usage[] =
    "usage: richlazy phase [options]\n"
    "\n"
    "Rich vs lazy over a grid of init scale x lambda (or x lr): the final\n"
    "relative change of W1 and the final loss of each cell, as phase.csv,\n"
    "phase_runs.csv and the heatmaps phase.png.\n";

static const char retrain_usage[] =
    "usage: richlazy retrain --from CHECKPOINT [options]\n"
    "\n"
    "Copy each net of a checkpoint --runs times and continue training with\n"
    "--lambda on the given data; log the loss on that data and on the\n"
    "checkpoint's original task. Writes retrain.csv, retrain_runs.csv and\n"
    "retrain.png. Data flags default to the checkpoint's settings.\n";

static const char merge_usage[] =
    "usage: richlazy merge [--out DIR] [--quiet] SHARD...\n"
    "\n"
    "Combine the shard files of one experiment (files, or folders holding\n"
    "*-shard-*-of-*.txt) into the CSV files and figure an unsharded run\n"
    "writes, byte for byte. --out defaults to the first shard's folder.\n";

/* ---- helpers ---- */

/* Parse "a,b,c" into v (at most max numbers, each >= lo, finite). */
static bool parse_list(const char *flag, const char *s, double *v, int max,
                       int *n, double lo, bool lo_exclusive, char *err,
                       size_t errlen)
{
    *n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        double x = strtod(p, &end);
        if (end == p || errno || !isfinite(x) ||
            (*end && *end != ',')) {
            snprintf(err, errlen, "%s expects numbers separated by commas, "
                     "got '%s'", flag, s);
            return false;
        }
        if (lo_exclusive ? !(x > lo) : !(x >= lo)) {
            snprintf(err, errlen, "%s: every value must be %s %g, got %g",
                     flag, lo_exclusive ? ">" : ">=", lo, x);
            return false;
        }
        if (*n == max) {
            snprintf(err, errlen, "%s: at most %d values", flag, max);
            return false;
        }
        v[(*n)++] = x;
        p = *end ? end + 1 : end;
        if (*end && !*p) {
            snprintf(err, errlen, "%s ends with a comma: '%s'", flag, s);
            return false;
        }
    }
    if (*n == 0) {
        snprintf(err, errlen, "%s needs at least one value", flag);
        return false;
    }
    return true;
}

static bool parse_shard(const char *s, int *shard, int *count, char *err,
                        size_t errlen)
{
    *shard = 0;
    *count = 0;
    if (!s)
        return true;
    char tail;
    if (sscanf(s, "%d/%d%c", shard, count, &tail) != 2 || *count < 1 ||
        *shard < 1 || *shard > *count) {
        snprintf(err, errlen, "--shard expects I/N with 1 <= I <= N (e.g. "
                 "--shard 2/8), got '%s'", s);
        return false;
    }
    return true;
}

static int online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (int)n : 1;
}

/* Parse flags into o; returns -1 to go on, else the exit code. */
static int parse(const char *cmd, const char *usage,
                 const struct rl_opt *opts, int nopts,
                 const struct exp_opts *defaults, int argc, char **argv,
                 struct exp_opts *o, uint64_t *seen, FILE *out, FILE *errf)
{
    char err[1024];
    *o = *defaults;
    switch (rl_cli_parse(opts, nopts, argc, argv, o, seen, err,
                         sizeof(err))) {
    case RL_CLI_HELP:
        rl_cli_print_help(out, usage, opts, nopts, defaults);
        return 0;
    case RL_CLI_ERROR:
        fprintf(errf, "richlazy %s: error: %s\n", cmd, err);
        return 2;
    case RL_CLI_OK:
        break;
    }
    int di = rl_cli_find(opts, nopts, "--dataset");
    if (o->cfg.data_path && di >= 0 && (*seen & ((uint64_t)1 << di))) {
        fprintf(errf, "richlazy %s: error: give either --data or --dataset, "
                "not both\n", cmd);
        return 2;
    }
    return -1;
}

static bool flag_seen(const struct rl_opt *opts, int nopts, uint64_t seen,
                      const char *name)
{
    int i = rl_cli_find(opts, nopts, name);
    return i >= 0 && (seen & ((uint64_t)1 << i));
}

struct progress_ctx {
    struct rl_progress bar;
};

static void on_progress(void *ctx, int done, int total)
{
    struct progress_ctx *p = ctx;
    rl_progress_update(&p->bar, done, total);
}

/* CSV files and the figure of a complete experiment. */
static bool write_outputs(const struct rl_exp *e,
                          const struct rl_exp_results *res, const char *dir,
                          char *err, size_t errlen)
{
    return rl_exp_write_csv(e, res, dir, err, errlen) &&
           rl_figure_write(e, res, dir, err, errlen);
}

static void print_mean_sd(FILE *out, const struct rl_exp *e,
                          const struct rl_exp_results *res, int c, int m)
{
    double mean, sd;
    rl_exp_cell_stats(e, res, c, rl_exp_nlog(e) - 1, m, &mean, &sd);
    fprintf(out, "  %-10.4g ± %-9.2g", mean, sd);
}

static void print_summary(FILE *out, const struct rl_exp *e,
                          const struct rl_exp_results *res, int threads,
                          double secs)
{
    const struct rl_config *c = &e->cfg;
    long total_steps = (long)rl_exp_total_runs(e) * c->steps;
    fprintf(out, "richlazy %s: %d cells x %d runs x %ld steps, H=%d, %s, "
            "%s: %.3f s wall on %d thread%s (%.3g steps/s)\n",
            rl_exp_kind_name(e->kind), e->ncells, e->runs, c->steps,
            c->hidden, c->data_path ? c->data_path
                                    : rl_dataset_name(c->dataset),
            rl_activation_name(c->act), secs, threads, threads == 1 ? "" : "s",
            secs > 0 ? total_steps / secs : 0.0);
    if (e->kind == RL_EXP_PHASE)
        return;
    fprintf(out, "  %-8s %-7s  final loss (mean ± sd)  %s\n",
            e->kind == RL_EXP_RETRAIN ? "net" : "lambda", "",
            e->kind == RL_EXP_RETRAIN ? "original-task loss      rel_w1"
                                      : "rel_w1                  rel_w2");
    for (int i = 0; i < e->ncells; i++) {
        if (e->kind == RL_EXP_RETRAIN)
            fprintf(out, "  %-8s %-7s", rl_net_label(e->cells[i].from_net),
                    "");
        else
            fprintf(out, "  %-8g %-7s", e->cells[i].lambda, "");
        print_mean_sd(out, e, res, i, RL_EXP_LOSS);
        if (e->kind == RL_EXP_RETRAIN) {
            print_mean_sd(out, e, res, i, RL_EXP_LOSS2);
            print_mean_sd(out, e, res, i, RL_EXP_REL_W1);
        } else {
            print_mean_sd(out, e, res, i, RL_EXP_REL_W1);
            print_mean_sd(out, e, res, i, RL_EXP_REL_W2);
        }
        int nd = rl_exp_cell_diverged(e, res, i);
        if (nd)
            fprintf(out, "  (%d diverged)", nd);
        fputc('\n', out);
    }
}

/* Run e (built by the command) with the parallel and output flags of o,
 * then write the results or the shard file. */
static int execute(const char *cmd, struct rl_exp *e,
                   const struct exp_opts *o, const struct rl_checkpoint *ck,
                   FILE *out, FILE *errf)
{
    char err[8192];
    int shard, count;
    if (!parse_shard(o->shard, &shard, &count, err, sizeof(err))) {
        fprintf(errf, "richlazy %s: error: %s\n", cmd, err);
        return 2;
    }
    /* every logged value is kept until the end: refuse what cannot fit */
    long every = e->cfg.log_every > 0 ? e->cfg.log_every : 1;
    double bytes = ((double)e->cfg.steps / every + 2) *
                   rl_exp_total_runs(e) * RL_EXP_METRICS * sizeof(double);
    if (bytes > 4e9) {
        fprintf(errf, "richlazy %s: error: %d runs logged every %ld of %ld "
                "steps would keep %.1f GB of results; raise --log-every\n",
                cmd, rl_exp_total_runs(e), every, e->cfg.steps, bytes / 1e9);
        return 2;
    }
    struct rl_exp_data data;
    if (!rl_exp_data_init(&data, e, ck, err, sizeof(err))) {
        fprintf(errf, "richlazy %s: error: %s\n", cmd, err);
        return 2;
    }
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "richlazy-%s", cmd);
    /* Ctrl-C / SIGTERM: stop between runs, write nothing partial */
    struct rl_interrupt intr;
    bool catching = rl_interrupt_init(&intr);
    /* a shard goes into a folder shared with the other shards */
    struct rl_outset set;
    if (!rl_outset_begin(&set, o->cfg.out_dir, prefix,
                         o->cfg.append || count > 0, err, sizeof(err))) {
        fprintf(errf, "richlazy %s: error: %s\n", cmd, err);
        rl_exp_data_destroy(&data);
        if (catching)
            rl_interrupt_destroy(&intr);
        return 2;
    }
    const char *dir = set.dir, *work = set.work;

    int code = 1;
    struct rl_exp_results res;
    if (!rl_exp_results_init(&res, e)) {
        snprintf(err, sizeof(err), "out of memory for the results of %d runs",
                 rl_exp_total_runs(e));
        goto fail_nores;
    }
    int threads = o->threads > 0 ? o->threads : online_cores();
    struct progress_ctx pc;
    rl_progress_start(&pc.bar, errf, o->cfg.quiet, cmd, "runs");
    double t0 = rl_progress_now();
    bool ok = rl_exp_run(e, &data, shard, count, threads, &res, on_progress,
                         &pc, err, sizeof(err));
    double secs = rl_progress_now() - t0;
    rl_progress_finish(&pc.bar);
    if (!ok)
        goto fail;
    int sig = rl_interrupt_caught();
    if (sig) {
        snprintf(err, sizeof(err), "interrupted by %s; no results written",
                 rl_interrupt_name(sig));
        code = rl_interrupt_exit_code(sig);
        goto fail;
    }
    if (count > 0) {
        if (!rl_exp_shard_write(e, &res, shard, count, work, err,
                                sizeof(err)) ||
            !rl_outset_publish(&set, err, sizeof(err)))
            goto fail;
        if (!o->cfg.quiet) {
            char name[128];
            rl_exp_shard_name(name, sizeof(name), e, shard, count);
            int mine = 0;
            for (int g = 0; g < res.nruns; g++)
                mine += res.have[g];
            fprintf(out, "richlazy %s: shard %d/%d, %d of %d runs in %.3f s; "
                    "wrote %s/%s\n  when every shard is done: richlazy merge "
                    "%s\n", cmd, shard, count, mine, res.nruns, secs, dir,
                    name, dir);
        }
    } else {
        if (!write_outputs(e, &res, work, err, sizeof(err)) ||
            !rl_outset_publish(&set, err, sizeof(err)))
            goto fail;
        if (!o->cfg.quiet) {
            print_summary(out, e, &res, threads, secs);
            const char *k = rl_exp_kind_name(e->kind);
            fprintf(out, "wrote %s/%s.csv, %s/%s_runs.csv, %s/%s.png\n", dir,
                    k, dir, k, dir, k);
        }
    }
    rl_exp_results_destroy(&res);
    rl_exp_data_destroy(&data);
    if (catching)
        rl_interrupt_destroy(&intr);
    return 0;

fail:
    rl_exp_results_destroy(&res);
fail_nores:
    rl_outset_user_message(&set, err, sizeof(err));
    fprintf(errf, "richlazy %s: %s%s\n", cmd, code < 128 ? "error: " : "",
            err);
    rl_exp_data_destroy(&data);
    rl_outset_abort(&set);
    if (catching)
        rl_interrupt_destroy(&intr);
    return code;
}

/* ---- sweep ---- */

int rl_sweep_main(int argc, char **argv, FILE *out, FILE *errf)
{
    struct exp_opts o;
    uint64_t seen;
    struct exp_opts def = sweep_default;
    def.cfg = rl_config_default;
    def.cfg.log_every = 10;
    int rc = parse("sweep", sweep_usage, sweep_opts, NOPTS(sweep_opts), &def,
                   argc, argv, &o, &seen, out, errf);
    if (rc >= 0)
        return rc;
    struct rl_exp *e = calloc(1, sizeof(*e));
    if (!e) {
        fprintf(errf, "richlazy sweep: error: out of memory\n");
        return 1;
    }
    char err[1024];
    double lambdas[RL_EXP_MAX_LIST];
    int n;
    if (!parse_list("--lambdas", o.lambdas, lambdas, RL_EXP_MAX_LIST, &n, 0.0,
                    false, err, sizeof(err))) {
        fprintf(errf, "richlazy sweep: error: %s\n", err);
        free(e);
        return 2;
    }
    e->kind = RL_EXP_SWEEP;
    e->cfg = o.cfg;
    e->cfg.init[RL_RICH] = e->cfg.init[RL_LAZY] = o.init;
    e->runs = o.runs;
    e->ncells = n;
    e->nx = n;
    e->ny = 1;
    for (int i = 0; i < n; i++)
        e->cells[i] = (struct rl_exp_cell){.init = o.init, .lr = o.cfg.lr,
                                           .lambda = lambdas[i],
                                           .from_net = -1};
    rc = execute("sweep", e, &o, NULL, out, errf);
    free(e);
    return rc;
}

/* ---- phase ---- */

int rl_phase_main(int argc, char **argv, FILE *out, FILE *errf)
{
    struct exp_opts o;
    uint64_t seen;
    struct exp_opts def = phase_default;
    def.cfg = rl_config_default;
    int rc = parse("phase", phase_usage, phase_opts, NOPTS(phase_opts), &def,
                   argc, argv, &o, &seen, out, errf);
    if (rc >= 0)
        return rc;
    char err[1024];
    bool by_lr = o.lrs != NULL;
    if (by_lr && flag_seen(phase_opts, NOPTS(phase_opts), seen,
                           "--lambdas")) {
        fprintf(errf, "richlazy phase: error: give either --lambdas or --lrs "
                "as the y axis, not both\n");
        return 2;
    }
    if (!(o.init_max > o.init_min) && o.inits > 1) {
        fprintf(errf, "richlazy phase: error: --init-max (%g) must be larger "
                "than --init-min (%g)\n", o.init_max, o.init_min);
        return 2;
    }
    double ys[RL_EXP_MAX_LIST];
    int ny;
    if (!parse_list(by_lr ? "--lrs" : "--lambdas", by_lr ? o.lrs : o.lambdas,
                    ys, RL_EXP_MAX_LIST, &ny, 0.0, by_lr, err, sizeof(err))) {
        fprintf(errf, "richlazy phase: error: %s\n", err);
        return 2;
    }
    if ((long)o.inits * ny > RL_EXP_MAX_CELLS) {
        fprintf(errf, "richlazy phase: error: %d x %d cells; at most %d\n",
                o.inits, ny, RL_EXP_MAX_CELLS);
        return 2;
    }
    struct rl_exp *e = calloc(1, sizeof(*e));
    if (!e) {
        fprintf(errf, "richlazy phase: error: out of memory\n");
        return 1;
    }
    e->kind = RL_EXP_PHASE;
    e->cfg = o.cfg;
    e->cfg.log_every = o.cfg.steps > 0 ? o.cfg.steps : 1; /* finals only */
    e->runs = o.runs;
    e->nx = o.inits;
    e->ny = ny;
    e->y_is_lr = by_lr;
    e->ncells = o.inits * ny;
    for (int y = 0; y < ny; y++) {
        for (int x = 0; x < o.inits; x++) {
            double t = o.inits > 1 ? (double)x / (o.inits - 1) : 0.0;
            double s = o.init_min * pow(o.init_max / o.init_min, t);
            e->cells[y * o.inits + x] = (struct rl_exp_cell){
                .init = s,
                .lr = by_lr ? ys[y] : o.cfg.lr,
                .lambda = by_lr ? o.cfg.lambda : ys[y],
                .from_net = -1};
        }
    }
    rc = execute("phase", e, &o, NULL, out, errf);
    free(e);
    return rc;
}

/* ---- retrain ---- */

int rl_retrain_main(int argc, char **argv, FILE *out, FILE *errf)
{
    struct exp_opts o;
    uint64_t seen;
    struct exp_opts def = retrain_default;
    def.cfg = rl_config_default;
    def.cfg.lambda = 0.125;
    def.cfg.log_every = 1; /* both losses at every step, as the seed logs */
    def.cfg.lr = 0.0; /* the checkpoint's, unless given */
    int rc = parse("retrain", retrain_usage, retrain_opts,
                   NOPTS(retrain_opts), &def, argc, argv, &o, &seen, out,
                   errf);
    if (rc >= 0)
        return rc;
    if (!o.from) {
        fprintf(errf, "richlazy retrain: error: --from CHECKPOINT is "
                "required (save one with richlazy run --checkpoint DIR)\n");
        return 2;
    }
    char err[8192];
    struct rl_checkpoint ck;
    if (!rl_checkpoint_load(&ck, o.from, err, sizeof(err))) {
        fprintf(errf, "richlazy retrain: error: %s\n", err);
        return 2;
    }
    struct rl_exp *e = calloc(1, sizeof(*e));
    if (!e) {
        rl_checkpoint_destroy(&ck);
        fprintf(errf, "richlazy retrain: error: out of memory\n");
        return 1;
    }
    const struct rl_opt *t = retrain_opts;
    const int nt = NOPTS(retrain_opts);
    const struct rl_config *kc = &ck.cfg;
    e->kind = RL_EXP_RETRAIN;
    e->cfg = o.cfg;
    /* the nets are the checkpoint's */
    e->cfg.hidden = kc->hidden;
    e->cfg.act = kc->act;
    e->cfg.out_init = kc->out_init;
    e->cfg.init[RL_RICH] = kc->init[RL_RICH];
    e->cfg.init[RL_LAZY] = kc->init[RL_LAZY];
    /* the new data and lr default to the checkpoint's */
    bool data_given = flag_seen(t, nt, seen, "--dataset") ||
                      flag_seen(t, nt, seen, "--data");
    if (!data_given) {
        e->cfg.dataset = kc->dataset;
        if (kc->data_path) {
            snprintf(e->data_buf, sizeof(e->data_buf), "%s", kc->data_path);
            e->cfg.data_path = e->data_buf;
        }
        if (!flag_seen(t, nt, seen, "--samples"))
            e->cfg.samples = kc->samples;
        if (!flag_seen(t, nt, seen, "--noise"))
            e->cfg.noise = kc->noise;
    }
    if (!flag_seen(t, nt, seen, "--lr"))
        e->cfg.lr = kc->lr;
    if (!flag_seen(t, nt, seen, "--seed"))
        e->cfg.seed = kc->seed;
    e->runs = o.runs;
    e->resample = !o.same_data;
    snprintf(e->from, sizeof(e->from), "%s", o.from);
    e->dataset2 = kc->dataset;
    snprintf(e->data2_path, sizeof(e->data2_path), "%s",
             kc->data_path ? kc->data_path : "");
    e->samples2 = kc->samples;
    e->noise2 = kc->noise;
    e->seed2 = kc->seed;
    e->ncells = RL_NETS;
    e->nx = RL_NETS;
    e->ny = 1;
    for (int w = 0; w < RL_NETS; w++)
        e->cells[w] = (struct rl_exp_cell){.init = kc->init[w],
                                           .lr = e->cfg.lr,
                                           .lambda = o.cfg.lambda,
                                           .from_net = w};
    rc = execute("retrain", e, &o, &ck, out, errf);
    free(e);
    rl_checkpoint_destroy(&ck);
    return rc;
}

/* ---- merge ---- */

int rl_merge_main(int argc, char **argv, FILE *out, FILE *errf)
{
    const char *dir = NULL;
    bool quiet = false;
    char **paths = calloc((size_t)argc + 1, sizeof(char *));
    if (!paths) {
        fprintf(errf, "richlazy merge: error: out of memory\n");
        return 1;
    }
    int np = 0;
    for (int a = 0; a < argc; a++) {
        if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
            fputs(merge_usage, out);
            free(paths);
            return 0;
        } else if (!strcmp(argv[a], "--quiet")) {
            quiet = true;
        } else if (!strcmp(argv[a], "--out") || !strncmp(argv[a], "--out=", 6)) {
            if (argv[a][5] == '=') {
                dir = argv[a] + 6;
            } else if (a + 1 < argc) {
                dir = argv[++a];
            } else {
                fprintf(errf, "richlazy merge: error: --out needs a value "
                        "(DIR)\n");
                free(paths);
                return 2;
            }
        } else if (!strncmp(argv[a], "--", 2)) {
            fprintf(errf, "richlazy merge: error: unknown flag '%s' (see "
                    "--help)\n", argv[a]);
            free(paths);
            return 2;
        } else {
            paths[np++] = argv[a];
        }
    }
    if (np == 0) {
        fprintf(errf, "richlazy merge: error: name the shard files or "
                "folders to merge (see --help)\n");
        free(paths);
        return 2;
    }
    char err[8192];
    char dirbuf[4096];
    if (!dir) {
        struct stat st;
        if (stat(paths[0], &st) == 0 && S_ISDIR(st.st_mode)) {
            dir = paths[0];
        } else {
            snprintf(dirbuf, sizeof(dirbuf), "%s", paths[0]);
            char *slash = strrchr(dirbuf, '/');
            if (slash && slash != dirbuf)
                *slash = '\0';
            else
                snprintf(dirbuf, sizeof(dirbuf), slash ? "/" : ".");
            dir = dirbuf;
        }
    }
    struct rl_exp *e = calloc(1, sizeof(*e));
    struct rl_exp_results res;
    int code = 2;
    if (!e) {
        snprintf(err, sizeof(err), "out of memory");
        code = 1;
        goto fail;
    }
    if (!rl_exp_shard_merge(paths, np, e, &res, err, sizeof(err)))
        goto fail;
    code = 1;
    /* merge adds its outputs beside the shards: always appending, but
     * locked, and each file whole */
    struct rl_outset set;
    if (!rl_outset_begin(&set, dir, "richlazy-merge", true, err,
                         sizeof(err))) {
        rl_exp_results_destroy(&res);
        goto fail;
    }
    struct rl_interrupt intr;
    bool catching = rl_interrupt_init(&intr);
    bool wrote = write_outputs(e, &res, set.work, err, sizeof(err));
    int sig = rl_interrupt_caught();
    if (wrote && sig) {
        snprintf(err, sizeof(err), "interrupted by %s; no results written",
                 rl_interrupt_name(sig));
        code = rl_interrupt_exit_code(sig);
        wrote = false;
    }
    if (!wrote || !rl_outset_publish(&set, err, sizeof(err))) {
        rl_outset_abort(&set);
        if (catching)
            rl_interrupt_destroy(&intr);
        rl_exp_results_destroy(&res);
        goto fail;
    }
    if (catching)
        rl_interrupt_destroy(&intr);
    if (!quiet) {
        const char *k = rl_exp_kind_name(e->kind);
        fprintf(out, "richlazy merge: %d runs of a %s; wrote %s/%s.csv, "
                "%s/%s_runs.csv, %s/%s.png\n", res.nruns, k, dir, k, dir, k,
                dir, k);
    }
    rl_exp_results_destroy(&res);
    free(e);
    free(paths);
    return 0;
fail:
    fprintf(errf, "richlazy merge: %s%s\n", code < 128 ? "error: " : "", err);
    free(e);
    free(paths);
    return code;
}
