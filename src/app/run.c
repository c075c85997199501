/* run.c: the headless training run (see rl_run.h). */
#include "rl_run.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rl_checkpoint.h"
#include "rl_cli.h"
#include "rl_settings.h"
#include "rl_interrupt.h"
#include "rl_learnable.h"
#include "rl_memory.h"
#include "rl_config.h"
#include "rl_data_file.h"
#include "rl_npy.h"
#include "rl_output.h"
#include "rl_trainer.h"

static const char run_usage[] =
    "usage: richlazy run [options]\n"
    "\n"
    "Train the rich and the lazy network side by side without a window and\n"
    "write metrics.csv, data.csv and weights/*.npy into the output folder.\n";

/* The metrics.csv sink. A net's rows restart at step 0 after r, R, d, a
 * (or a reset of one net) in a script: such a restart is marked by a line
 * "# restart: ..." before the net's new step-0 row, so a reader can split
 * the file into segments (pandas: read_csv(..., comment='#')). A run
 * without restarts writes no such line. */
struct run_log {
    FILE *csv;
    int write_errno;    /* errno of the first failed write (disk full) */
    bool seen[RL_NETS];         /* the net has a row */
    long last_step[RL_NETS];    /* step of its latest row */
    long frame_start[RL_NETS];  /* its step when the current frame began */
    long restarts[RL_NETS];     /* restarts so far */
    long earlier[RL_NETS];      /* steps trained before its last restart */
    const struct rl_trainer *tr;/* the nets, for the optional columns */
    unsigned cols;              /* optional columns (rl_metrics_extra_cols) */
};

static void write_row(void *ctx, int which, long step,
                      const struct rl_metrics *m)
{
    struct run_log *log = ctx;
    if (log->seen[which] && step <= log->last_step[which]) {
        /* keys act before a frame's steps, so the net had the steps it
         * had when the frame began */
        long before = log->frame_start[which];
        log->restarts[which]++;
        log->earlier[which] += before;
        log->frame_start[which] = 0;
        fprintf(log->csv, "# restart: the %s net starts again from step 0 "
                "(after %ld steps)\n", rl_net_label(which), before);
    }
    log->seen[which] = true;
    log->last_step[which] = step;
    fprintf(log->csv, "%ld,%s,", step, rl_net_label(which));
    rl_metrics_csv_row(log->csv, m);
    if (log->cols) {
        struct rl_metrics_extra x;
        rl_metrics_extra_compute(&log->tr->net[which], &log->tr->train,
                                 log->cols, &x);
        rl_metrics_extra_csv_row(log->csv, log->cols, &x);
    }
    fputc('\n', log->csv);
    if (ferror(log->csv) && !log->write_errno)
        log->write_errno = errno ? errno : EIO;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void progress(FILE *errf, long step, long total, double t0,
                     double *last_print)
{
    double t = now_seconds();
    if (t - *last_print < 0.25 && step < total)
        return;
    *last_print = t;
    double frac = total ? (double)step / total : 1.0;
    double eta = frac > 0 ? (t - t0) * (1.0 - frac) / frac : 0.0;
    fprintf(errf, "\rtraining: step %ld/%ld (%3.0f%%), %.1f s left   ", step,
            total, 100.0 * frac, eta);
    if (step >= total)
        fputc('\n', errf);
    fflush(errf);
}

static bool write_weights(const struct rl_trainer *tr, const char *dir,
                          char *err, size_t errlen)
{
    char wdir[4096], path[4200];
    if (!rl_output_subdir(wdir, sizeof(wdir), dir, "weights", err, errlen))
        return false;
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_net *net = &tr->net[w];
        const struct {
            const char *name;
            const float *data;
            int rows, cols;
        } arrays[4] = {
            {"w1_init", net->w1_0, net->h, 2},
            {"w2_init", net->w2_0, 1, net->h},
            {"w1_final", net->w1, net->h, 2},
            {"w2_final", net->w2, 1, net->h},
        };
        for (int a = 0; a < 4; a++) {
            snprintf(path, sizeof(path), "%s/%s_%s.npy", wdir,
                     rl_net_label(w), arrays[a].name);
            if (!rl_npy_write(path, arrays[a].data, arrays[a].rows,
                              arrays[a].cols, err, errlen))
                return false;
        }
        /* with bias: b1 then b2, (1, H + 1), initial and final */
        for (int a = 0; a < 2 && net->opts.bias; a++) {
            snprintf(path, sizeof(path), "%s/%s_b_%s.npy", wdir,
                     rl_net_label(w), a ? "final" : "init");
            if (!rl_npy_write(path, a ? net->b1 : net->b1_0, 1, net->h + 1,
                              err, errlen))
                return false;
        }
    }
    return true;
}

/* v in the shortest %g form that reads back as v: a value the user gave
 * is printed as given (0.0012345678, not %g's 0.00123457). */
struct num {
    char s[32];
};

static struct num num(double v)
{
    struct num n;
    for (int p = 6; p < 17; p++) {
        snprintf(n.s, sizeof(n.s), "%.*g", p, v);
        if (strtod(n.s, NULL) == v)
            return n;
    }
    snprintf(n.s, sizeof(n.s), "%.17g", v);
    return n;
}

/* Why a net's rel_w1 ratio cannot be given, or NULL when it can. */
static const char *ratio_problem(const struct rl_trainer *tr, int w)
{
    if (tr->diverged[w])
        return "diverged";
    if (!(tr->net[w].norm_w1_0 > 0.0))
        return "started with W1 all zero: its init underflowed to 0";
    if (!isfinite(tr->last[w].rel_w1))
        return "has a non-finite rel_w1";
    return NULL;
}

/* The rich/lazy rel_w1 ratio, or why there is none (never -nan). */
static void print_ratio(FILE *out, const struct rl_trainer *tr)
{
    const char *why[RL_NETS] = {ratio_problem(tr, RL_RICH),
                                ratio_problem(tr, RL_LAZY)};
    if (why[RL_RICH] || why[RL_LAZY]) {
        int w = why[RL_RICH] ? RL_RICH : RL_LAZY;
        fprintf(out, "  rich/lazy rel_w1 ratio: none (the %s net %s)\n",
                rl_net_label(w), why[w]);
    } else if (tr->last[RL_LAZY].rel_w1 > 0) {
        fprintf(out, "  rich/lazy rel_w1 ratio: %.4g\n",
                tr->last[RL_RICH].rel_w1 / tr->last[RL_LAZY].rel_w1);
    } else {
        fprintf(out, "  rich/lazy rel_w1 ratio: none (the lazy net's W1 "
                "did not move)\n");
    }
}

/* "trained 1 of the run's 200 steps" or, after restarts, "trained 40
 * steps since its last restart (2 restarts; 140 of the run's 200 steps in
 * all)". */
static void net_steps(char *out, size_t outlen, const struct run_log *log,
                      const struct rl_trainer *tr, int w, long clock)
{
    long now = tr->step[w];
    if (!log->restarts[w])
        snprintf(out, outlen, "trained %ld of the run's %ld step%s", now,
                 clock, clock == 1 ? "" : "s");
    else
        snprintf(out, outlen, "trained %ld step%s since its last restart "
                 "(%ld restart%s; %ld of the run's %ld step%s in all)", now,
                 now == 1 ? "" : "s", log->restarts[w],
                 log->restarts[w] == 1 ? "" : "s", log->earlier[w] + now,
                 clock, clock == 1 ? "" : "s");
}

/* Does the value of row s (net w for per-net rows) differ from the
 * default? Compared as written, so NaN (imbalance: none) equals NaN. */
static bool setting_differs(const struct rl_setting *s,
                            const struct rl_config *c, int w)
{
    if (s->type == RL_SET_STRING)
        return false;
    char a[128], b[128];
    rl_setting_format(s, rl_setting_cptr(s, c, w), a, sizeof(a));
    rl_setting_format(s, rl_setting_cptr(s, &rl_config_default, w), b,
                      sizeof(b));
    return strcmp(a, b) != 0;
}

/* A per-net row gets a summary column: init always, the others when some
 * net sets them; never the diagonal net's scale (rl_run_diagonal has its
 * own summary). */
static bool per_net_column(const struct rl_setting *s,
                           const struct rl_config *c)
{
    if (s->where != RL_IN_NET || !strcmp(s->name, "diagonal-scale"))
        return false;
    /* one width is in the headline; two get a column */
    if (!strcmp(s->name, "hidden"))
        return c->net[RL_RICH].hidden != c->net[RL_LAZY].hidden;
    return !strcmp(s->name, "init") || setting_differs(s, c, RL_RICH) ||
           setting_differs(s, c, RL_LAZY);
}

/* The width of a setting's summary column: its name or 9. */
static int summary_width(const struct rl_setting *s)
{
    int n = (int)strlen(s->name);
    return n > 9 ? n : 9;
}

static void print_summary(FILE *out, const struct rl_trainer *tr,
                          const struct run_log *log, const char *dir,
                          long clock, bool quit, bool checkpoint_hint)
{
    const struct rl_config *c = &tr->cfg;
    if (quit)
        fprintf(out, "richlazy run: stopped at step %ld of %ld (quit by the "
                "script)\n", clock, c->steps);
    /* the steps the nets trained: the run's steps unless a script paused
     * or restarted one */
    bool same = tr->step[RL_RICH] == tr->step[RL_LAZY] &&
                !log->restarts[RL_RICH] && !log->restarts[RL_LAZY];
    char steps[64];
    if (same)
        snprintf(steps, sizeof(steps), "%ld step%s", tr->step[RL_RICH],
                 tr->step[RL_RICH] == 1 ? "" : "s");
    else
        snprintf(steps, sizeof(steps), "rich %ld / lazy %ld steps in all",
                 tr->step[RL_RICH], tr->step[RL_LAZY]);
    char width[64];
    if (c->net[RL_RICH].hidden == c->net[RL_LAZY].hidden)
        snprintf(width, sizeof(width), "H=%d", c->net[RL_RICH].hidden);
    else
        snprintf(width, sizeof(width), "H=%d/%d (rich/lazy)",
                 c->net[RL_RICH].hidden, c->net[RL_LAZY].hidden);
    fprintf(out, "richlazy run: %s, %s, N=%d (%s), %s, lr %s, "
            "lambda %s, seed %llu\n",
            steps, width, tr->train.n,
            c->data_path ? c->data_path : rl_dataset_name(c->dataset),
            rl_activation_name(c->act), num(c->lr).s, num(c->lambda).s,
            (unsigned long long)c->seed);
    if (!same || tr->step[RL_RICH] != clock)
        for (int w = 0; w < RL_NETS; w++) {
            char buf[160];
            net_steps(buf, sizeof(buf), log, tr, w, clock);
            fprintf(out, "  the %s net %s\n", rl_net_label(w), buf);
        }
    /* the shared data and model settings that differ from the defaults */
    bool any = false;
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *s = &rl_settings[i];
        if (s->where != RL_IN_CONFIG || !(s->commands & RL_CMD_RUN) ||
            !setting_differs(s, c, 0))
            continue;
        static const char *const shown[] = {"labels", "task",
                                            "teacher-units", "teacher-inputs",
                                            "teacher-directions",
                                            "teacher-signs", "step-threads"};
        for (size_t k = 0; k < sizeof(shown) / sizeof(shown[0]); k++) {
            if (strcmp(s->name, shown[k]))
                continue;
            char v[64];
            rl_setting_format_used(s, c, 0, v, sizeof(v));
            fprintf(out, "%s%s %s", any ? ", " : "  with ", s->name, v);
            any = true;
        }
    }
    if (any)
        fputc('\n', out);
    /* one column for init and for each per-net row of the settings table
     * that some net sets away from its default */
    fputs("  net  ", out);
    bool loss_column = false; /* the loss function's own column */
    for (int i = 0; i < rl_settings_count; i++)
        if (per_net_column(&rl_settings[i], c)) {
            fprintf(out, " %-*s", summary_width(&rl_settings[i]),
                    rl_settings[i].name);
            loss_column |= !strcmp(rl_settings[i].name, "loss");
        }
    fprintf(out, " %-11s %-9s rel_w1      rel_w2\n",
            loss_column ? "final loss" : "loss",
            rl_config_regression(c) ? "r2" : "accuracy");
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_metrics *m = &tr->last[w];
        fprintf(out, "  %-5s", rl_net_label(w));
        for (int i = 0; i < rl_settings_count; i++) {
            const struct rl_setting *s = &rl_settings[i];
            if (!per_net_column(s, c))
                continue;
            char v[64];
            if (s->type == RL_SET_DOUBLE)
                snprintf(v, sizeof(v), "%s",
                         num(*(const double *)rl_setting_cptr(s, c, w)).s);
            else if (s->type == RL_SET_FLAG)
                snprintf(v, sizeof(v), "%s",
                         *(const bool *)rl_setting_cptr(s, c, w) ? "yes"
                                                                 : "no");
            else
                rl_setting_format_used(s, c, w, v, sizeof(v));
            fprintf(out, " %-*s", summary_width(s), v);
        }
        fprintf(out, " %-11.4g %-9.4f %-11.4g %-11.4g", m->loss, m->accuracy,
                m->rel_w1, m->rel_w2);
        if (tr->test.n)
            fprintf(out, " test loss %.4g, %s %.4f", m->test_loss,
                    rl_config_regression(c) ? "r2" : "accuracy",
                    m->test_accuracy);
        if (tr->diverged[w])
            fprintf(out, " DIVERGED at step %ld (lr %s)",
                    tr->diverged_step[w], num(tr->diverged_lr[w]).s);
        fputc('\n', out);
    }
    print_ratio(out, tr);
    fprintf(out, "wrote %s/metrics.csv, %s/data.csv, %s/weights/*.npy", dir,
            dir, dir);
    if (c->frames_every > 0)
        fprintf(out, ", %s/frames/ (PNGs and frames.csv)", dir);
    fputc('\n', out);
    if (c->checkpoint_dir && checkpoint_hint)
        fprintf(out, "saved checkpoint %s (richlazy retrain --from %s)\n",
                c->checkpoint_dir, c->checkpoint_dir);
    else if (c->checkpoint_dir)
        fprintf(out, "saved checkpoint %s\n", c->checkpoint_dir);
}

/* One headless run from flags to files, in the order run_main takes its
 * steps; every field is set up by one step and undone by run_cleanup. */
struct run {
    struct rl_config cfg;
    const struct rl_run_hooks *hooks;
    FILE *out, *errf;
    struct rl_trainer tr;
    bool tr_ok;
    struct rl_outset set;           /* the result set (rl_output.h) */
    bool set_open;
    bool published;                 /* the set is in place: keep it */
    const char *dir;                /* where the results end up */
    const char *work;               /* where they are written until then */
    bool hooks_done;                /* hooks->destroy already called */
    struct rl_outfile metrics;
    bool metrics_open;
    struct run_log log;
    struct rl_interrupt intr;
    bool catching;
    long clock;                     /* the run's steps so far */
    bool quit;                      /* the script pressed q */
    bool checkpoint_hint;           /* the checkpoint loads back */
    char err[8192];
};

/* Parse argv into r->cfg. Returns -1 to go on, else the exit code. */
static int parse_flags(struct run *r, int argc, char **argv)
{
    struct rl_cli_seen seen;
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
    switch (rl_cli_parse(&cli, argc, argv, &r->cfg, &seen, r->err,
                         sizeof(r->err))) {
    case RL_CLI_HELP:
        rl_cli_print_help(r->out, run_usage, &cli, &rl_config_default);
        return 0;
    case RL_CLI_ERROR:
        fprintf(r->errf, "richlazy run: error: %s\n", r->err);
        return 2;
    case RL_CLI_OK:
        break;
    }
    if (r->cfg.data_path && rl_cli_seen(&cli, &seen, "--dataset")) {
        fprintf(r->errf, "richlazy run: error: give either --data or "
                "--dataset, not both\n");
        return 2;
    }
    if (r->cfg.arch == RL_ARCH_DIAGONAL)
        return rl_run_diagonal(&r->cfg, &cli, &seen, r->out, r->errf);
    if (rl_cli_seen(&cli, &seen, "--diagonal-scale") ||
        rl_cli_seen(&cli, &seen, "--rich-diagonal-scale") ||
        rl_cli_seen(&cli, &seen, "--lazy-diagonal-scale")) {
        fprintf(r->errf, "richlazy run: error: --diagonal-scale sets the "
                "diagonal net's scale; add --model diagonal (the two-layer "
                "net's scale is --init)\n");
        return 2;
    }
    return -1;
}

/* A file name the run writes back (the checkpoint names --data): it must
 * come back as given, so names a line-based file cannot hold are refused
 * here, before any work. */
static bool name_writable(const char *flag, const char *name, char *err,
                          size_t errlen)
{
    if (!name)
        return true;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            snprintf(err, errlen, "%s: the name holds a control character "
                     "(byte 0x%02x at offset %zu), which checkpoint.txt and "
                     "the summary cannot keep; rename the file", flag, *p,
                     (size_t)(p - (const unsigned char *)name));
            return false;
        }
    return true;
}

/* Combinations of flags that cannot work. Returns -1 or the exit code. */
static int check_flags(struct run *r)
{
    const struct rl_config *c = &r->cfg;
    if (c->video && c->frames_every <= 0) {
        fprintf(r->errf, "richlazy run: error: --video needs --frames-every "
                "K (the video is made of those frames)\n");
        return 2;
    }
    /* a scenario without a script or frames: the plain loop */
    if (r->hooks && c->scenario && c->frames_every <= 0 && !c->script_path &&
        !c->scenario_script)
        r->hooks = NULL;
    if (!r->hooks && (c->frames_every > 0 || c->script_path ||
                      c->scenario_script)) {
        fprintf(r->errf, "richlazy run: error: --frames-every and --script "
                "need the renderer (use the richlazy program)\n");
        return 2;
    }
    /* --data's name is checked by the CSV loader, for every command */
    if (!name_writable("--checkpoint", c->checkpoint_dir, r->err,
                       sizeof(r->err)) ||
        !name_writable("--out", c->out_dir, r->err, sizeof(r->err))) {
        fprintf(r->errf, "richlazy run: error: %s\n", r->err);
        return 2;
    }
    return -1;
}

/* Before training: say what will go wrong (an lr above a net's stability
 * limit, an init that underflows to 0), naming the real cause. */
static void warn_before_training(const struct run *r)
{
    const struct rl_trainer *tr = &r->tr;
    const struct rl_config *c = &r->cfg;
    if (c->quiet)
        return;
    const double *s = tr->train.sxx;
    /* the data's scale: the largest eigenvalue of Sxx = X^T X / n; the
     * built-in datasets stay below 10 (blobs, the largest, about 5.5) */
    double data_scale = (s[0] + s[3]) / 2.0 +
                        sqrt((s[0] - s[3]) * (s[0] - s[3]) / 4.0 +
                             s[1] * s[2]);
    for (int w = 0; w < RL_NETS; w++) {
        double limit = rl_net_lr_limit(&tr->net[w], &tr->train);
        if (!(isfinite(limit) && c->lr > limit))
            continue;
        if (data_scale > 10.0)
            fprintf(r->errf, "richlazy run: warning: lr %g is above the %s "
                    "net's stability limit %.3g at its init (the data's "
                    "scale is large: X^T X / n has eigenvalue %.3g, the "
                    "built-in datasets stay below 10): expect divergence; "
                    "standardize the data or lower --lr\n",
                    c->lr, rl_net_label(w), limit, data_scale);
        else
            fprintf(r->errf, "richlazy run: warning: lr %g is above the %s "
                    "net's stability limit %.3g at its init (H x init^2 "
                    "is large): expect divergence or a jump out of the "
                    "lazy regime; lower --lr or --%s-init\n",
                    c->lr, rl_net_label(w), limit, rl_net_label(w));
    }
    /* ntk and mean-field outputs carry 1/sqrt(H) or 1/H: with W2 at its
     * standard-parametrisation default 1/H the output starts near 0 and
     * the seed's lr barely moves it (docs/theory.md "Model options") */
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_net_opts *o = &tr->net[w].opts;
        if (o->param == RL_PARAM_STANDARD || c->out_init > 0.0 ||
            (w == RL_LAZY && tr->net[RL_RICH].opts.param == o->param))
            continue;
        bool both = tr->net[1 - w].opts.param == o->param;
        char who[32];
        snprintf(who, sizeof(who), both ? "both nets have" : "the %s net has",
                 rl_net_label(w));
        bool ntk = o->param == RL_PARAM_NTK;
        fprintf(r->errf, "richlazy run: warning: %s --param %s: the output "
                "is scaled by %s, and W2 starts at the default 1/H, so the "
                "output starts near 0 and learns slowly at lr %g; this "
                "parametrisation's weights are O(1): try --out-init 1 with "
                "inits 0.1 to 1 and --lr %s (both nets learn the teacher so "
                "in 5000 steps)\n", who, ntk ? "ntk" : "mf",
                ntk ? "1/sqrt(H)" : "1/H", c->lr, ntk ? "0.1" : "10");
    }
    /* what the activation cannot represent without bias, once (per net
     * when only one net has a bias) */
    if (!c->data_path) {
        char msg[2][512];
        enum rl_learnable v[RL_NETS];
        for (int w = 0; w < RL_NETS; w++)
            v[w] = rl_learnable_check(c->dataset, c->act,
                                      c->net[w].model.bias,
                                      c->labels == RL_LABELS_PM1, msg[w],
                                      sizeof(msg[w]));
        if (v[RL_RICH] != RL_LEARNABLE_YES &&
            (v[RL_LAZY] != RL_LEARNABLE_YES) &&
            !strcmp(msg[RL_RICH], msg[RL_LAZY]))
            fprintf(r->errf, "richlazy run: warning: %s\n", msg[RL_RICH]);
        else
            for (int w = 0; w < RL_NETS; w++) {
                if (v[w] == RL_LEARNABLE_YES)
                    continue;
                /* one net has a bias: the fix is the other's own flag */
                const char *fix = strstr(msg[w], "needs --bias");
                if (fix)
                    fprintf(r->errf, "richlazy run: warning: the %s net: "
                            "%.*sneeds --%s-bias%s\n", rl_net_label(w),
                            (int)(fix - msg[w]), msg[w], rl_net_label(w),
                            fix + strlen("needs --bias"));
                else
                    fprintf(r->errf, "richlazy run: warning: the %s net: "
                            "%s\n", rl_net_label(w), msg[w]);
            }
    }
    for (int w = 0; w < RL_NETS; w++)
        if (!(tr->net[w].norm_w1_0 > 0.0))
            fprintf(r->errf, "richlazy run: warning: the %s net's init %g "
                    "underflows to 0 in float32: its weights start all "
                    "zero and rel_w1 (change relative to the start) is "
                    "undefined (nan); use --%s-init 1e-30 or more\n",
                    rl_net_label(w), c->net[w].init, rl_net_label(w));
}

/* The optional metrics.csv columns the settings call for: the normalised
 * margin with a logistic or exp loss, the imbalance statistics when asked
 * or when an imbalance, layer ratio or symmetric init is set, the
 * alignment to the teacher on the teacher dataset. None by default. */
static unsigned extra_columns(const struct rl_config *c,
                              const struct rl_trainer *tr)
{
    unsigned cols = 0;
    if (c->imbalance_columns)
        cols |= RL_COL_IMBALANCE;
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_net_cfg *n = &c->net[w];
        if (n->model.loss != RL_LOSS_MSE)
            cols |= RL_COL_MARGIN;
        if (isfinite(n->imbalance) || n->model.layer_ratio != 1.0 ||
            n->model.symmetric)
            cols |= RL_COL_IMBALANCE;
    }
    if (tr->train.teacher.k > 0)
        cols |= RL_COL_TEACHER;
    return cols;
}

/* The output folder and the open metrics.csv with its step-0 rows;
 * signals are caught from here on. False with r->err. */
static bool open_outputs(struct run *r)
{
    /* Ctrl-C / SIGTERM from here on: stop at the next step, keep only
     * complete files (frames so far), remove the temporary ones */
    r->catching = rl_interrupt_init(&r->intr);
    if (!rl_outset_begin(&r->set, r->cfg.out_dir, "richlazy-run",
                         r->cfg.append, r->err, sizeof(r->err)))
        return false;
    r->set_open = true;
    r->dir = r->set.dir;
    r->cfg.out_dir = r->dir;        /* the name messages give */
    r->work = r->set.work;
    if (!rl_outfile_open(&r->metrics, r->work, "metrics.csv", r->err,
                         sizeof(r->err)))
        return false;
    r->metrics_open = true;
    r->log.tr = &r->tr;
    r->log.cols = extra_columns(&r->cfg, &r->tr);
    fprintf(r->metrics.f, "step,net,%s",
            rl_metrics_csv_header_for(rl_config_regression(&r->cfg)));
    rl_metrics_extra_csv_header(r->metrics.f, r->log.cols);
    fputc('\n', r->metrics.f);
    r->log.csv = r->metrics.f;
    for (int w = 0; w < RL_NETS; w++)
        write_row(&r->log, w, 0, &r->tr.last[w]);
    r->tr.on_metrics = write_row;
    r->tr.on_metrics_ctx = &r->log;
    return true;
}

/* The hooks' last call (it finishes the video), once. */
static void end_hooks(struct run *r)
{
    if (r->hooks && !r->hooks_done)
        r->hooks->destroy(r->hooks->ctx);
    r->hooks_done = true;
}

/* Train until --steps, q in the script, a full disk or a signal. Returns
 * -1 when done, else the exit code (with r->err). */
static int train(struct run *r)
{
    const struct rl_run_hooks *hooks = r->hooks;
    long total = r->cfg.steps;
    bool show_progress = !r->cfg.quiet && isatty(fileno(r->errf)) &&
                         total >= 20000;
    double t0 = now_seconds(), last_print = 0.0;
    /* keys scripted for frame 0 (applied at start) may already quit */
    r->quit = hooks && hooks->quitting && hooks->quitting(hooks->ctx);
    while (!r->quit && r->clock < total && !rl_interrupt_caught()) {
        long k = 1;
        if (hooks) {
            for (int w = 0; w < RL_NETS; w++)
                r->log.frame_start[w] = r->tr.step[w];
            k = hooks->frame(hooks->ctx, &r->tr, total - r->clock, r->err,
                             sizeof(r->err));
            if (k < 0)
                return 1;
            r->quit = hooks->quitting && hooks->quitting(hooks->ctx);
        } else {
            rl_trainer_step(&r->tr, 1);
        }
        r->clock += k;
        if (ferror(r->metrics.f))
            break; /* disk full: stop early, reported at commit */
        if (show_progress && (hooks || (r->clock & 1023) == 0))
            progress(r->errf, r->clock, total, t0, &last_print);
    }
    int sig = rl_interrupt_caught();
    if (sig) {
        if (show_progress)
            fputc('\n', r->errf);
        snprintf(r->err, sizeof(r->err), "interrupted by %s at step %ld of "
                 "%ld; metrics and weights not written",
                 rl_interrupt_name(sig), r->clock, total);
        return rl_interrupt_exit_code(sig);
    }
    if (show_progress)
        progress(r->errf, total, total, t0, &last_print);
    return -1;
}

/* The first net whose weights are not all finite, or -1: a checkpoint of
 * it is one retrain and window --from refuse. */
static int nonfinite_net(const struct rl_trainer *tr)
{
    for (int w = 0; w < RL_NETS; w++)
        if (!rl_net_finite(&tr->net[w]))
            return w;
    return -1;
}

/* metrics.csv (committed), data.csv, weights/ and the checkpoint. False
 * with r->err. */
static bool write_results(struct run *r)
{
    if (r->hooks && !r->hooks->finish(r->hooks->ctx, &r->tr, r->err,
                                      sizeof(r->err)))
        return false;
    /* the final step always gets a row */
    for (int w = 0; w < RL_NETS; w++)
        if (!rl_trainer_logged_now(&r->tr, w))
            rl_trainer_log(&r->tr, w);
    if (r->log.write_errno)
        errno = r->log.write_errno; /* commit names errno as the cause */
    if (!rl_outfile_commit(&r->metrics, r->err, sizeof(r->err)))
        return false;
    char path[4200];
    if (!rl_output_path(path, sizeof(path), r->work, "data.csv", r->err,
                        sizeof(r->err)) ||
        !rl_data_save_csv(&r->tr.train, path, r->cfg.data_path != NULL,
                          r->err, sizeof(r->err)))
        return false;
    if (!write_weights(&r->tr, r->work, r->err, sizeof(r->err)))
        return false;
    /* the settings, so the run can be replayed (export-torch) */
    if (!rl_checkpoint_write_settings(r->work, "settings.txt", &r->tr,
                                      r->err, sizeof(r->err)))
        return false;
    end_hooks(r); /* the video is finished now */
    int bad = r->cfg.checkpoint_dir ? nonfinite_net(&r->tr) : -1;
    if (!r->cfg.checkpoint_dir || bad >= 0) {
        /* the whole result set appears at once */
        if (!rl_outset_publish(&r->set, r->err, sizeof(r->err)))
            return false;
        r->published = true;
    }
    if (!r->cfg.checkpoint_dir)
        return true;
    if (bad >= 0) {
        /* retrain and window --from refuse it: do not save it */
        snprintf(r->err, sizeof(r->err), "not saving checkpoint %s: the %s "
                 "net diverged at step %ld (lr %g) and its weights are NaN "
                 "or infinite, which retrain and window --from refuse; the "
                 "other results are written; lower --lr and run again",
                 r->cfg.checkpoint_dir, rl_net_label(bad),
                 r->tr.diverged_step[bad], r->tr.diverged_lr[bad]);
        return false;
    }
    if (!rl_checkpoint_save(r->cfg.checkpoint_dir, &r->tr, r->err,
                            sizeof(r->err)))
        return false;
    if (!rl_outset_publish(&r->set, r->err, sizeof(r->err)))
        return false;
    r->published = true;
    r->checkpoint_hint = true;
    for (int w = 0; w < RL_NETS; w++)
        if (r->tr.diverged[w] && !r->cfg.quiet) {
            fprintf(r->errf, "richlazy run: warning: checkpoint %s holds the "
                    "%s net, which diverged at step %ld; its weights are "
                    "finite but training it on diverges again\n",
                    r->cfg.checkpoint_dir, rl_net_label(w),
                    r->tr.diverged_step[w]);
            r->checkpoint_hint = false;
        }
    return true;
}

/* Undo whatever the steps set up. On failure (code != 0) the result set
 * is removed with all it created, except that an interrupted run keeps
 * the complete frames it wrote (and a finished video), and a set already
 * published (the checkpoint refused after it) stays. */
static int run_cleanup(struct run *r, int code)
{
    /* both nets diverged: the run still succeeds (exit 0, its files are
     * the record of what happened), but says so on stderr, --quiet or not */
    if (code == 0 && r->tr_ok && r->tr.diverged[RL_RICH] &&
        r->tr.diverged[RL_LAZY])
        fprintf(r->errf, "richlazy run: warning: both nets diverged (rich "
                "at step %ld, lazy at step %ld); the run's files are "
                "written (exit 0); lower --lr to train\n",
                r->tr.diverged_step[RL_RICH], r->tr.diverged_step[RL_LAZY]);
    if (code != 0) {
        if (r->set_open)
            rl_outset_user_message(&r->set, r->err, sizeof(r->err));
        fprintf(r->errf, "richlazy run: %s%s\n", code < 128 ? "error: " : "",
                r->err);
    }
    end_hooks(r);
    if (code != 0 && r->metrics_open)
        rl_outfile_abort(&r->metrics);
    if (code != 0 && r->set_open && !r->published) {
        char why[1024];
        if (code >= 128 && rl_outset_has_files(&r->set))
            rl_outset_publish(&r->set, why, sizeof(why));
        else
            rl_outset_abort(&r->set);
    }
    if (r->catching)
        rl_interrupt_destroy(&r->intr);
    if (r->tr_ok)
        rl_trainer_destroy(&r->tr);
    return code;
}

int rl_run_main(int argc, char **argv, FILE *out, FILE *errf)
{
    return rl_run_main_hooked(argc, argv, out, errf, NULL);
}

int rl_run_main_hooked(int argc, char **argv, FILE *out, FILE *errf,
                       const struct rl_run_hooks *hooks)
{
    struct run *r = calloc(1, sizeof(*r));
    if (!r) {
        fprintf(errf, "richlazy run: error: out of memory\n");
        return 1;
    }
    r->cfg = rl_config_default;
    r->hooks = hooks;
    r->out = out;
    r->errf = errf;
    int code = parse_flags(r, argc, argv);
    if (code < 0)
        code = check_flags(r);
    if (code >= 0) {
        free(r);
        return code;
    }
    hooks = r->hooks;
    /* data and nets first: bad data must not leave an output folder */
    if (!rl_trainer_init(&r->tr, &r->cfg, 0, r->err, sizeof(r->err))) {
        fprintf(errf, "richlazy run: error: %s\n", r->err);
        free(r);
        return 2;
    }
    r->tr_ok = true;
    /* frames at --width x --height take memory too: count them */
    if (hooks && (r->cfg.frames_every > 0 || r->cfg.script_path ||
                  r->cfg.scenario_script) &&
        !rl_memory_check_run(rl_config_max_hidden(&r->cfg),
                             r->tr.train.n + r->tr.test.n,
                             r->cfg.act == RL_ACT_LINEAR,
                             rl_memory_frames(r->cfg.width, r->cfg.height),
                             r->err, sizeof(r->err))) {
        fprintf(errf, "richlazy run: error: %s\n", r->err);
        rl_trainer_destroy(&r->tr);
        free(r);
        return 2;
    }
    warn_before_training(r);
    /* every output path is checked before any work */
    if (r->cfg.checkpoint_dir &&
        !rl_checkpoint_check_dest(r->cfg.checkpoint_dir, r->err,
                                  sizeof(r->err))) {
        code = 2;
    } else if (!open_outputs(r)) {
        code = r->set_open ? 1 : 2; /* a bad --out, or a failed write */
    } else if (hooks && !hooks->start(hooks->ctx, &r->tr, &r->cfg, r->work,
                                      r->err, sizeof(r->err))) {
        code = 2; /* a bad script, font or frame folder: nothing trained */
    } else if ((code = train(r)) < 0) {
        code = write_results(r) ? 0 : 1;
    }
    if (code == 0 && !r->cfg.quiet)
        print_summary(out, &r->tr, &r->log, r->dir,
                      r->clock < r->cfg.steps ? r->clock : r->cfg.steps,
                      r->quit, r->checkpoint_hint);
    code = run_cleanup(r, code);
    free(r);
    return code;
}
