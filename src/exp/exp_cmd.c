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
    .init_max = 0.4, /* at lr 2e-3, H 500, inits from about 0.6 diverge */
    .inits = 16,
    .runs = 1,
};

static const struct exp_opts retrain_default = {
    .runs = 20,
};

#define O(field) offsetof(struct exp_opts, field)

/* Where each command keeps the settings table's rows that are its own,
 * and the help lines that differ from run's. */
#define OUT_BIND                                                           \
    {"out", RL_BIND_CONFIG,                                                \
     "output folder (default: richlazy-KIND-DATE-TIME)"},                  \
    {"runs", O(runs), NULL},                                               \
    {"threads", O(threads), NULL},                                         \
    {"shard", O(shard), NULL}

static const struct rl_bind sweep_binds[] = {
    {"lambdas", O(lambdas), "comma-separated weight decays, one curve each"},
    {"init", O(init), "std dev of W1"},
    {"runs", O(runs), "runs per lambda"},
    OUT_BIND,
};

static const struct rl_bind phase_binds[] = {
    {"inits", O(inits), NULL},
    {"init-min", O(init_min), NULL},
    {"init-max", O(init_max), NULL},
    {"lambdas", O(lambdas), "weight decays, the y axis"},
    {"lrs", O(lrs), NULL},
    {"lambda", RL_BIND_CONFIG, "weight decay when the y axis is --lrs"},
    {"lr", RL_BIND_CONFIG, "learning rate when the y axis is --lambdas"},
    {"runs", O(runs), "runs per cell (averaged)"},
    OUT_BIND,
};

static const struct rl_bind retrain_binds[] = {
    {"from", O(from),
     "checkpoint to start from (richlazy run --checkpoint DIR)"},
    {"lambda", RL_BIND_CONFIG, "weight decay while retraining"},
    {"runs", O(runs), "copies of each net"},
    {"lr", RL_BIND_CONFIG, "learning rate (default: the checkpoint's)"},
    {"same-data", O(same_data), NULL},
    OUT_BIND,
};

#define NBINDS(t) ((int)(sizeof(t) / sizeof((t)[0])))

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
    "usage: richlazy merge [options] SHARD...\n"
    "\n"
    "Combine the shard files of one experiment (files, or folders holding\n"
    "*-shard-*-of-*.txt) into the CSV files and figure an unsharded run\n"
    "writes, byte for byte.\n";

/* ---- helpers ---- */

/* Parse "a,b,c" into v (at most max numbers), each read and checked as
 * the settings table's row `row` ("lambda", "lr") reads its flag. */
static bool parse_list(const char *flag, const char *s, double *v, int max,
                       int *n, const char *row, char *err, size_t errlen)
{
    const struct rl_setting *st = rl_setting_find(row);
    *n = 0;
    char q[160];
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[128], why[512];
        if (len == 0 || len >= sizeof(item)) {
            rl_escape(q, sizeof(q), s, (size_t)-1);
            snprintf(err, errlen, "%s expects numbers separated by commas, "
                     "got '%s'", flag, q);
            return false;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        if (*n == max) {
            snprintf(err, errlen, "%s: at most %d values", flag, max);
            return false;
        }
        if (!rl_setting_read(st, item, &v[*n], why, sizeof(why))) {
            snprintf(err, errlen, "%s: value %d %s", flag, *n + 1, why);
            return false;
        }
        /* the same value twice would run the same cell twice */
        for (int k = 0; k < *n; k++)
            if (v[k] == v[*n]) {
                snprintf(err, errlen, "%s: value %d (%g) repeats value %d; "
                         "give each value once", flag, *n + 1, v[*n], k + 1);
            return false;
        }
        (*n)++;
        if (!comma)
            return true;
        p = comma + 1;
    }
}

static bool parse_shard(const char *s, int *shard, int *count, char *err,
                        size_t errlen)
{
    *shard = 0;
    *count = 0;
    if (!s)
        return true;
    const char *slash = strchr(s, '/');
    char a[32];
    long i = 0, n = 0;
    size_t len = slash ? (size_t)(slash - s) : 0;
    bool ok = slash && len < sizeof(a);
    if (ok) {
        memcpy(a, s, len);
        a[len] = '\0';
        ok = rl_parse_long(slash + 1, 1, 1000000000, &n) == RL_NUM_OK &&
             rl_parse_long(a, 1, n, &i) == RL_NUM_OK;
    }
    if (!ok) {
        char q[160];
        rl_escape(q, sizeof(q), s, (size_t)-1);
        snprintf(err, errlen, "--shard expects I/N with 1 <= I <= N (e.g. "
                 "--shard 2/8), got '%s'", q);
        return false;
    }
    *shard = (int)i;
    *count = (int)n;
    return true;
}

static int online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (int)n : 1;
}

/* Parse flags into o; returns -1 to go on, else the exit code. */
static int parse(const char *cmd, const char *usage, unsigned cmdbit,
                 const struct rl_bind *binds, int nbinds,
                 const struct exp_opts *defaults, int argc, char **argv,
                 struct exp_opts *o, struct rl_cli *cli,
                 struct rl_cli_seen *seen,
                 FILE *out, FILE *errf)
{
    char err[1024];
    *o = *defaults;
    rl_cli_build(cli, cmdbit, O(cfg), binds, nbinds);
    switch (rl_cli_parse(cli, argc, argv, o, seen, err, sizeof(err))) {
    case RL_CLI_HELP:
        rl_cli_print_help(out, usage, cli, defaults);
        return 0;
    case RL_CLI_ERROR:
        fprintf(errf, "richlazy %s: error: %s\n", cmd, err);
        return 2;
    case RL_CLI_OK:
        break;
    }
    if (o->cfg.data_path && rl_cli_seen(cli, seen, "--dataset")) {
        fprintf(errf, "richlazy %s: error: give either --data or --dataset, "
                "not both\n", cmd);
        return 2;
    }
    return -1;
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
    char dirbuf[256];
    const char *dir = o->cfg.out_dir;
    if (!dir) {
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "richlazy-%s", cmd);
        rl_output_default_name(dirbuf, sizeof(dirbuf), prefix);
        dir = dirbuf;
    }
    bool created;
    if (!rl_output_prepare_dir(dir, &created, err, sizeof(err))) {
        fprintf(errf, "richlazy %s: error: %s\n", cmd, err);
        rl_exp_data_destroy(&data);
        return 2;
    }

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
    if (count > 0) {
        if (!rl_exp_shard_write(e, &res, shard, count, dir, err, sizeof(err)))
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
        if (!write_outputs(e, &res, dir, err, sizeof(err)))
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
    return 0;

fail:
    rl_exp_results_destroy(&res);
fail_nores:
    fprintf(errf, "richlazy %s: error: %s\n", cmd, err);
    rl_exp_data_destroy(&data);
    if (created)
        rmdir(dir);
    return code;
}

/* ---- sweep ---- */

int rl_sweep_main(int argc, char **argv, FILE *out, FILE *errf)
{
    struct exp_opts o;
    struct rl_cli cli;
    struct rl_cli_seen seen;
    struct exp_opts def = sweep_default;
    def.cfg = rl_config_default;
    def.cfg.log_every = 10;
    int rc = parse("sweep", sweep_usage, RL_CMD_SWEEP, sweep_binds,
                   NBINDS(sweep_binds), &def,
                   argc, argv, &o, &cli, &seen, out, errf);
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
    if (!parse_list("--lambdas", o.lambdas, lambdas, RL_EXP_MAX_LIST, &n,
                    "lambda", err, sizeof(err))) {
        fprintf(errf, "richlazy sweep: error: %s\n", err);
        free(e);
        return 2;
    }
    e->kind = RL_EXP_SWEEP;
    e->cfg = o.cfg;
    e->cfg.net[RL_RICH].init = e->cfg.net[RL_LAZY].init = o.init;
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
    struct rl_cli cli;
    struct rl_cli_seen seen;
    struct exp_opts def = phase_default;
    def.cfg = rl_config_default;
    int rc = parse("phase", phase_usage, RL_CMD_PHASE, phase_binds,
                   NBINDS(phase_binds), &def,
                   argc, argv, &o, &cli, &seen, out, errf);
    if (rc >= 0)
        return rc;
    char err[1024];
    bool by_lr = o.lrs != NULL;
    if (by_lr && rl_cli_seen(&cli, &seen,
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
                    ys, RL_EXP_MAX_LIST, &ny, by_lr ? "lr" : "lambda", err,
                    sizeof(err))) {
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
    struct rl_cli cli;
    struct rl_cli_seen seen;
    struct exp_opts def = retrain_default;
    def.cfg = rl_config_default;
    def.cfg.lambda = 0.125;
    def.cfg.log_every = 1; /* both losses at every step, as the seed logs */
    def.cfg.lr = 0.0; /* the checkpoint's, unless given */
    int rc = parse("retrain", retrain_usage, RL_CMD_RETRAIN,
                   retrain_binds, NBINDS(retrain_binds), &def, argc, argv, &o,
                   &cli, &seen, out, errf);
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
    const struct rl_config *kc = &ck.cfg;
    e->kind = RL_EXP_RETRAIN;
    e->cfg = o.cfg;
    /* the nets are the checkpoint's */
    e->cfg.hidden = kc->hidden;
    e->cfg.act = kc->act;
    e->cfg.out_init = kc->out_init;
    for (int w = 0; w < RL_NETS; w++)
        e->cfg.net[w] = kc->net[w];
    /* the new data and lr default to the checkpoint's */
    bool data_given = rl_cli_seen(&cli, &seen, "--dataset") ||
                      rl_cli_seen(&cli, &seen, "--data");
    if (!data_given) {
        e->cfg.dataset = kc->dataset;
        if (kc->data_path) {
            snprintf(e->data_buf, sizeof(e->data_buf), "%s", kc->data_path);
            e->cfg.data_path = e->data_buf;
        }
        if (!rl_cli_seen(&cli, &seen, "--samples"))
            e->cfg.samples = kc->samples;
        if (!rl_cli_seen(&cli, &seen, "--noise"))
            e->cfg.noise = kc->noise;
    }
    if (!rl_cli_seen(&cli, &seen, "--lr"))
        e->cfg.lr = kc->lr;
    if (!rl_cli_seen(&cli, &seen, "--seed"))
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
        e->cells[w] = (struct rl_exp_cell){.init = kc->net[w].init,
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
    static const struct rl_bind merge_binds[] = {
        {"out", RL_BIND_CONFIG, "output folder (default: the first shard's "
                                "folder)"},
    };
    struct rl_config cfg = rl_config_default;
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_MERGE, 0, merge_binds, NBINDS(merge_binds));
    char **paths = calloc((size_t)argc + 1, sizeof(char *));
    if (!paths) {
        fprintf(errf, "richlazy merge: error: out of memory\n");
        return 1;
    }
    int np = 0;
    char perr[1024];
    switch (rl_cli_parse_positional(&cli, argc, argv, &cfg, NULL, paths, argc,
                                    &np, perr, sizeof(perr))) {
    case RL_CLI_HELP:
        rl_cli_print_help(out, merge_usage, &cli, NULL);
        free(paths);
        return 0;
    case RL_CLI_ERROR:
        fprintf(errf, "richlazy merge: error: %s\n", perr);
        free(paths);
        return 2;
    case RL_CLI_OK:
        break;
    }
    const char *dir = cfg.out_dir;
    bool quiet = cfg.quiet;
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
    bool created;
    code = 1;
    if (!rl_output_prepare_dir(dir, &created, err, sizeof(err)) ||
        !write_outputs(e, &res, dir, err, sizeof(err))) {
        rl_exp_results_destroy(&res);
        goto fail;
    }
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
    fprintf(errf, "richlazy merge: error: %s\n", err);
    free(e);
    free(paths);
    return code;
}
