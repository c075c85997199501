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
    const char *x, *xs;         /* the x axis's setting and its values */
    const char *y, *ys;         /* phase: the y axis's */
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
    {"x", O(x), "the numeric setting swept (default lambda; per-net ones "
                "also as rich-NAME or lazy-NAME)"},
    {"xs", O(xs), "its values, one curve each (default: --lambdas)"},
    {"runs", O(runs), "runs per value"},
    OUT_BIND,
};

static const struct rl_bind phase_binds[] = {
    {"x", O(x), "the numeric setting along the x axis (default init; "
                "per-net ones also as rich-NAME or lazy-NAME)"},
    {"xs", O(xs), "values of the x axis (default: --inits log-spaced)"},
    {"y", O(y), NULL},
    {"ys", O(ys), "values of the y axis (default: --lambdas or --lrs)"},
    {"inits", O(inits), NULL},
    {"init-min", O(init_min), NULL},
    {"init-max", O(init_max), NULL},
    {"lambdas", O(lambdas), "weight decays, the y axis"},
    {"lrs", O(lrs), NULL},
    {"lambda", RL_BIND_CONFIG, "weight decay when it is not an axis"},
    {"lr", RL_BIND_CONFIG, "learning rate when it is not an axis"},
    {"init", RL_BIND_CONFIG, "std dev of W1 when it is not an axis"},
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
 * the settings table reads the axis's row; a value given twice is
 * refused. */
static bool parse_list(const char *flag, const char *s, double *v, int max,
                       int *n, const struct rl_exp_axis *ax, char *err,
                       size_t errlen)
{
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
        if (!rl_exp_axis_read(ax, item, &v[*n], why, sizeof(why))) {
            snprintf(err, errlen, "%s: value %d %s", flag, *n + 1, why);
            return false;
        }
        /* the same value twice would run the same cell twice */
        for (int k = 0; k < *n; k++) {
            if (v[k] == v[*n]) {
                snprintf(err, errlen, "%s: value %d (%g) repeats value %d; "
                         "give each value once", flag, *n + 1, v[*n], k + 1);
                return false;
            }
        }
        (*n)++;
        if (!comma)
            return true;
        p = comma + 1;
    }
}

/* The axis called name, or false with "FLAG: problem" in err. */
static bool axis_named(const char *flag, const char *name,
                       struct rl_exp_axis *ax, char *err, size_t errlen)
{
    char why[1536];
    if (rl_exp_axis_parse(name, ax, why, sizeof(why)))
        return true;
    snprintf(err, errlen, "%s: %s", flag, why);
    return false;
}

/* Fill the cells' init, lr and lambda from their axis values, and check
 * each cell's net options (a hidden axis may make H odd with symmetric). */
static bool finish_cells(struct rl_exp *e, char *err, size_t errlen)
{
    for (int i = 0; i < e->ncells; i++) {
        struct rl_config c;
        rl_exp_cell_config(e, i, &c);
        e->cells[i].init = c.net[e->net].init;
        e->cells[i].lr = c.lr;
        e->cells[i].lambda = c.lambda;
        e->cells[i].from_net = -1;
        char why[512];
        struct rl_net_opts o = rl_config_net_opts(&c, e->net);
        if (!rl_net_opts_check(&o, c.net[e->net].hidden, why, sizeof(why))) {
            snprintf(err, errlen, "cell %d (x %g, y %g): %s", i + 1,
                     e->cells[i].xv, e->cells[i].yv, why);
            return false;
        }
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
    /* H: the setting's value, or "axis" when a swept axis varies it */
    char hid[48];
    /* the trained net's width; retrain trains both of a checkpoint's */
    if (e->kind == RL_EXP_RETRAIN &&
        c->net[RL_RICH].hidden != c->net[RL_LAZY].hidden)
        snprintf(hid, sizeof(hid), "H=%d/%d (rich/lazy)",
                 c->net[RL_RICH].hidden, c->net[RL_LAZY].hidden);
    else
        snprintf(hid, sizeof(hid), "H=%d", c->net[e->net].hidden);
    for (int a = 0; a < 2; a++) {
        struct rl_exp_axis ax;
        char key[64];
        if (rl_exp_axis_of(e, a, &ax) && ax.row) {
            rl_exp_axis_key(&ax, key, sizeof(key));
            if (!strcmp(key, "hidden"))
                snprintf(hid, sizeof(hid), "H: %s axis", a ? "y" : "x");
        }
    }
    fprintf(out, "richlazy %s: %d cell%s x %d run%s x %ld step%s, %s, %s, "
            "%s: %.3f s wall on %d thread%s (%.3g steps/s)\n",
            rl_exp_kind_name(e->kind), e->ncells, e->ncells == 1 ? "" : "s",
            e->runs, e->runs == 1 ? "" : "s", c->steps,
            c->steps == 1 ? "" : "s", hid, c->data_path ? c->data_path
                                    : rl_dataset_name(c->dataset),
            rl_activation_name(c->act), secs, threads, threads == 1 ? "" : "s",
            secs > 0 ? total_steps / secs : 0.0);
    if (e->kind == RL_EXP_PHASE)
        return;
    char xkey[64] = "net";
    struct rl_exp_axis ax;
    if (rl_exp_axis_of(e, 0, &ax))
        rl_exp_axis_key(&ax, xkey, sizeof(xkey));
    fprintf(out, "  %-8s %-7s  final loss (mean ± sd)  %s\n", xkey, "",
            e->kind == RL_EXP_RETRAIN ? "original-task loss      rel_w1"
                                      : "rel_w1                  rel_w2");
    for (int i = 0; i < e->ncells; i++) {
        if (e->kind == RL_EXP_RETRAIN)
            fprintf(out, "  %-8s %-7s", rl_net_label(e->cells[i].from_net),
                    "");
        else
            fprintf(out, "  %-8g %-7s", rl_exp_cell_value(e, i, 0), "");
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
            fprintf(out, "richlazy %s: shard %d/%d, %d of %d run%s in %.3f s; "
                    "wrote %s/%s\n  when every shard is done: richlazy merge "
                    "%s\n", cmd, shard, count, mine, res.nruns,
                    res.nruns == 1 ? "" : "s", secs, dir,
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

/* A sweep or a phase trains one net in every cell; the other net's own
 * flags (--lazy-X when the rich net is trained) change nothing: say so
 * once per flag, on errf. */
static void warn_untrained_flags(const char *cmd, const struct rl_cli *cli,
                                 const struct rl_cli_seen *seen, int net,
                                 FILE *errf)
{
    char prefix[16];
    snprintf(prefix, sizeof(prefix), "--%s-", rl_net_label(1 - net));
    for (int i = 0; i < cli->nopts; i++)
        if (seen->on[i] &&
            !strncmp(cli->opts[i].flag, prefix, strlen(prefix)))
            fprintf(errf, "richlazy %s: warning: %s is ignored: the %s "
                    "trains the %s net in every cell (an axis named "
                    "%s-NAME trains the %s net)\n", cmd,
                    cli->opts[i].flag, cmd, rl_net_label(net),
                    rl_net_label(1 - net), rl_net_label(1 - net));
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
    char err[2048];
    double xs[RL_EXP_MAX_LIST];
    int n = 0;
    const char *list = o.xs ? o.xs : o.lambdas;
    const char *list_flag = o.xs ? "--xs" : "--lambdas";
    bool ok = axis_named("--x", o.x ? o.x : "lambda", &e->x, err,
                         sizeof(err));
    if (ok && o.xs && rl_cli_seen(&cli, &seen, "--lambdas")) {
        snprintf(err, sizeof(err), "give the values either as --xs or as "
                 "--lambdas, not both");
        ok = false;
    } else if (ok && !o.xs && strcmp(e->x.row->name, "lambda")) {
        snprintf(err, sizeof(err), "--x %s needs its values: --xs LIST",
                 o.x);
        ok = false;
    }
    ok = ok && parse_list(list_flag, list, xs, RL_EXP_MAX_LIST, &n, &e->x,
                          err, sizeof(err));
    e->kind = RL_EXP_SWEEP;
    e->cfg = o.cfg;
    e->cfg.net[RL_RICH].init = e->cfg.net[RL_LAZY].init = o.init;
    e->net = e->x.net >= 0 ? e->x.net : RL_RICH;
    e->runs = o.runs;
    e->ncells = n;
    e->nx = n;
    e->ny = 1;
    for (int i = 0; i < n; i++)
        e->cells[i].xv = xs[i];
    if (!ok || !finish_cells(e, err, sizeof(err))) {
        fprintf(errf, "richlazy sweep: error: %s\n", err);
        free(e);
        return 2;
    }
    warn_untrained_flags("sweep", &cli, &seen, e->net, errf);
    rc = execute("sweep", e, &o, NULL, out, errf);
    free(e);
    return rc;
}

/* ---- phase ---- */

/* The phase's cells from its axis flags: --x/--xs and --y/--ys, or the
 * built-in init x lambda (or lr) grid of --inits, --init-min, --init-max,
 * --lambdas, --lrs. Returns 0, or the exit code with err. */
static int build_phase(struct rl_exp *e, const struct exp_opts *o,
                       const struct rl_cli *cli,
                       const struct rl_cli_seen *seen, char *err,
                       size_t errlen)
{
    const bool custom_x = o->x || o->xs, custom_y = o->y || o->ys;
    const bool by_lr = o->lrs != NULL;
    double xs[RL_EXP_MAX_CELLS], ys[RL_EXP_MAX_LIST];
    int nx = 0, ny = 0;
    if (custom_x && (rl_cli_seen(cli, seen, "--inits") ||
                     rl_cli_seen(cli, seen, "--init-min") ||
                     rl_cli_seen(cli, seen, "--init-max"))) {
        snprintf(err, errlen, "--inits, --init-min and --init-max space the "
                 "built-in init axis; with --x or --xs give the values in "
                 "--xs");
        return 2;
    }
    if (custom_y && (by_lr || rl_cli_seen(cli, seen, "--lambdas"))) {
        snprintf(err, errlen, "--lambdas and --lrs give the built-in y axis; "
                 "with --y or --ys give the values in --ys");
        return 2;
    }
    if (by_lr && rl_cli_seen(cli, seen, "--lambdas")) {
        snprintf(err, errlen, "give either --lambdas or --lrs as the y "
                 "axis, not both");
        return 2;
    }
    if ((o->x && !o->xs) || (o->y && !o->ys)) {
        snprintf(err, errlen, "--%s %s needs its values: --%ss LIST",
                 o->x && !o->xs ? "x" : "y", o->x && !o->xs ? o->x : o->y,
                 o->x && !o->xs ? "x" : "y");
        return 2;
    }
    if (!axis_named("--x", o->x ? o->x : "init", &e->x, err, errlen) ||
        !axis_named("--y", o->y ? o->y : by_lr ? "lr" : "lambda", &e->y, err,
                    errlen))
        return 2;
    if (e->x.net >= 0 && e->y.net >= 0 && e->x.net != e->y.net) {
        snprintf(err, errlen, "--x names the %s net and --y the %s net; a "
                 "phase trains one net per cell", rl_net_label(e->x.net),
                 rl_net_label(e->y.net));
        return 2;
    }
    e->net = e->x.net >= 0 ? e->x.net : e->y.net >= 0 ? e->y.net : RL_RICH;
    if (e->x.row == e->y.row) {
        snprintf(err, errlen, "--x and --y both name %s; choose two "
                 "settings", e->x.row->name);
        return 2;
    }
    if (custom_x) {
        if (!parse_list("--xs", o->xs, xs, RL_EXP_MAX_LIST, &nx, &e->x, err,
                        errlen))
            return 2;
    } else {
        if (!(o->init_max > o->init_min) && o->inits > 1) {
            snprintf(err, errlen, "--init-max (%g) must be larger than "
                     "--init-min (%g)", o->init_max, o->init_min);
            return 2;
        }
        nx = o->inits;
        for (int x = 0; x < nx; x++) {
            double t = nx > 1 ? (double)x / (nx - 1) : 0.0;
            xs[x] = o->init_min * pow(o->init_max / o->init_min, t);
        }
    }
    const char *yflag = custom_y ? "--ys" : by_lr ? "--lrs" : "--lambdas";
    const char *ylist = custom_y ? o->ys : by_lr ? o->lrs : o->lambdas;
    if (!parse_list(yflag, ylist, ys, RL_EXP_MAX_LIST, &ny, &e->y, err,
                    errlen))
        return 2;
    if ((long)nx * ny > RL_EXP_MAX_CELLS) {
        snprintf(err, errlen, "%d x %d cells; at most %d", nx, ny,
                 RL_EXP_MAX_CELLS);
        return 2;
    }
    e->kind = RL_EXP_PHASE;
    e->cfg = o->cfg;
    e->cfg.log_every = o->cfg.steps > 0 ? o->cfg.steps : 1; /* finals only */
    e->runs = o->runs;
    e->nx = nx;
    e->ny = ny;
    e->y_is_lr = !strcmp(e->y.row->name, "lr");
    e->ncells = nx * ny;
    for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
            e->cells[y * nx + x].xv = xs[x];
            e->cells[y * nx + x].yv = ys[y];
        }
    }
    return finish_cells(e, err, errlen) ? 0 : 2;
}

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
    char err[2048];
    struct rl_exp *e = calloc(1, sizeof(*e));
    if (!e) {
        fprintf(errf, "richlazy phase: error: out of memory\n");
        return 1;
    }
    rc = build_phase(e, &o, &cli, &seen, err, sizeof(err));
    if (rc) {
        fprintf(errf, "richlazy phase: error: %s\n", err);
        free(e);
        return rc;
    }
    warn_untrained_flags("phase", &cli, &seen, e->net, errf);
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
    /* the nets are the checkpoint's (each with its own width) */
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
        fprintf(out, "richlazy merge: %d run%s of a %s; wrote %s/%s.csv, "
                "%s/%s_runs.csv, %s/%s.png\n", res.nruns,
                res.nruns == 1 ? "" : "s", k, dir, k, dir, k, dir, k);
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
