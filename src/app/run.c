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
#include "rl_config.h"
#include "rl_npy.h"
#include "rl_output.h"
#include "rl_trainer.h"

static const char run_usage[] =
    "usage: richlazy run [options]\n"
    "\n"
    "Train the rich and the lazy network side by side without a window and\n"
    "write metrics.csv, data.csv and weights/*.npy into the output folder.\n";

struct run_log {
    FILE *csv;
    int write_errno;    /* errno of the first failed write (disk full) */
};

static void write_row(void *ctx, int which, long step,
                      const struct rl_metrics *m)
{
    struct run_log *log = ctx;
    fprintf(log->csv, "%ld,%s,", step, rl_net_label(which));
    rl_metrics_csv_row(log->csv, m);
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
    if (!rl_output_path(wdir, sizeof(wdir), dir, "weights", err, errlen))
        return false;
    if (mkdir(wdir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create '%s': %s", wdir,
                 strerror(errno));
        return false;
    }
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
    }
    return true;
}

static void print_summary(FILE *out, const struct rl_trainer *tr,
                          const char *dir, long done)
{
    const struct rl_config *c = &tr->cfg;
    if (done < c->steps)
        fprintf(out, "richlazy run: stopped after %ld of %ld steps (quit "
                "by the script)\n", done, c->steps);
    fprintf(out, "richlazy run: %ld steps, H=%d, N=%d (%s), %s, lr %g, "
            "lambda %g, seed %llu\n",
            done, c->hidden, tr->train.n,
            c->data_path ? c->data_path : rl_dataset_name(c->dataset),
            rl_activation_name(c->act), c->lr, c->lambda,
            (unsigned long long)c->seed);
    /* one column per per-net row of the settings table */
    fputs("  net  ", out);
    for (int i = 0; i < rl_settings_count; i++)
        if (rl_settings[i].where == RL_IN_NET)
            fprintf(out, " %-9s", rl_settings[i].name);
    fputs(" loss        accuracy  rel_w1      rel_w2\n", out);
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_metrics *m = &tr->last[w];
        fprintf(out, "  %-5s", rl_net_label(w));
        for (int i = 0; i < rl_settings_count; i++) {
            const struct rl_setting *s = &rl_settings[i];
            if (s->where != RL_IN_NET)
                continue;
            char v[64];
            if (s->type == RL_SET_DOUBLE)
                snprintf(v, sizeof(v), "%g",
                         *(const double *)rl_setting_cptr(s, c, w));
            else
                rl_setting_format_used(s, c, w, v, sizeof(v));
            fprintf(out, " %-9s", v);
        }
        fprintf(out, " %-11.4g %-9.4f %-11.4g %-11.4g", m->loss, m->accuracy,
                m->rel_w1, m->rel_w2);
        if (tr->test.n)
            fprintf(out, " test loss %.4g, accuracy %.4f", m->test_loss,
                    m->test_accuracy);
        if (tr->diverged[w])
            fprintf(out, " DIVERGED at step %ld (lr %g)",
                    tr->diverged_step[w], tr->diverged_lr[w]);
        fputc('\n', out);
    }
    if (tr->last[RL_LAZY].rel_w1 > 0)
        fprintf(out, "  rich/lazy rel_w1 ratio: %.4g\n",
                tr->last[RL_RICH].rel_w1 / tr->last[RL_LAZY].rel_w1);
    fprintf(out, "wrote %s/metrics.csv, %s/data.csv, %s/weights/*.npy\n", dir,
            dir, dir);
    if (c->checkpoint_dir)
        fprintf(out, "saved checkpoint %s (richlazy retrain --from %s)\n",
                c->checkpoint_dir, c->checkpoint_dir);
}

int rl_run_main(int argc, char **argv, FILE *out, FILE *errf)
{
    return rl_run_main_hooked(argc, argv, out, errf, NULL);
}

int rl_run_main_hooked(int argc, char **argv, FILE *out, FILE *errf,
                       const struct rl_run_hooks *hooks)
{
    struct rl_config cfg = rl_config_default;
    char err[8192];
    struct rl_cli_seen seen;
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
    switch (rl_cli_parse(&cli, argc, argv, &cfg, &seen, err, sizeof(err))) {
    case RL_CLI_HELP:
        rl_cli_print_help(out, run_usage, &cli, &rl_config_default);
        return 0;
    case RL_CLI_ERROR:
        fprintf(errf, "richlazy run: error: %s\n", err);
        return 2;
    case RL_CLI_OK:
        break;
    }
    if (cfg.data_path && rl_cli_seen(&cli, &seen, "--dataset")) {
        fprintf(errf, "richlazy run: error: give either --data or "
                "--dataset, not both\n");
        return 2;
    }

    if (cfg.video && cfg.frames_every <= 0) {
        fprintf(errf, "richlazy run: error: --video needs --frames-every K "
                "(the video is made of those frames)\n");
        return 2;
    }
    /* a scenario without a script or frames: the plain loop */
    if (hooks && cfg.scenario && cfg.frames_every <= 0 && !cfg.script_path &&
        !cfg.scenario_script)
        hooks = NULL;
    if (!hooks && (cfg.frames_every > 0 || cfg.script_path ||
                   cfg.scenario_script)) {
        fprintf(errf, "richlazy run: error: --frames-every and --script "
                "need the renderer (use the richlazy program)\n");
        return 2;
    }

    /* data and nets first: bad data must not leave an output folder */
    struct rl_trainer tr;
    if (!rl_trainer_init(&tr, &cfg, 0, err, sizeof(err))) {
        fprintf(errf, "richlazy run: error: %s\n", err);
        return 2;
    }

    /* warn before training when the lr cannot be stable for a net */
    for (int w = 0; w < RL_NETS && !cfg.quiet; w++) {
        double limit = rl_net_lr_limit(&tr.net[w], &tr.train);
        if (isfinite(limit) && cfg.lr > limit)
            fprintf(errf, "richlazy run: warning: lr %g is above the %s "
                    "net's stability limit %.3g at its init (H x init^2 "
                    "is large): expect divergence or a jump out of the "
                    "lazy regime; lower --lr or --%s-init\n",
                    cfg.lr, rl_net_label(w), limit, rl_net_label(w));
    }

    char dirbuf[256];
    const char *dir = cfg.out_dir;
    if (!dir) {
        rl_output_default_name(dirbuf, sizeof(dirbuf), "richlazy-run");
        dir = dirbuf;
    }
    bool created;
    if (!rl_output_prepare_dir(dir, &created, err, sizeof(err))) {
        fprintf(errf, "richlazy run: error: %s\n", err);
        rl_trainer_destroy(&tr);
        return 2;
    }

    struct rl_outfile metrics, data;
    memset(&data, 0, sizeof(data));
    int code = 1;
    struct rl_interrupt intr;
    /* Ctrl-C / SIGTERM from here on: stop at the next step, keep only
     * complete files (frames so far), remove the temporary ones */
    bool catching = rl_interrupt_init(&intr);
    if (!rl_outfile_open(&metrics, dir, "metrics.csv", err, sizeof(err)))
        goto fail;
    fprintf(metrics.f, "step,net,%s\n", rl_metrics_csv_header());
    struct run_log log = {.csv = metrics.f};
    for (int w = 0; w < RL_NETS; w++)
        write_row(&log, w, 0, &tr.last[w]);
    tr.on_metrics = write_row;
    tr.on_metrics_ctx = &log;

    if (hooks && !hooks->start(hooks->ctx, &tr, &cfg, dir, err,
                               sizeof(err))) {
        code = 2; /* a bad script, font or frame folder: nothing trained */
        goto fail;
    }
    bool show_progress = !cfg.quiet && isatty(fileno(errf)) &&
                         cfg.steps >= 20000;
    double t0 = now_seconds(), last_print = 0.0;
    long s = 0;
    for (; s < cfg.steps && !rl_interrupt_caught();) {
        long k = 1;
        if (hooks) {
            k = hooks->frame(hooks->ctx, &tr, cfg.steps - s, err,
                             sizeof(err));
            if (k < 0)
                goto fail;
            if (k == 0)
                break; /* the script pressed q: stop here, keep results */
        } else {
            rl_trainer_step(&tr, 1);
        }
        s += k;
        if (ferror(metrics.f))
            break; /* disk full: stop early, reported at commit */
        if (show_progress && (hooks || (s & 1023) == 0))
            progress(errf, s, cfg.steps, t0, &last_print);
    }
    int sig = rl_interrupt_caught();
    if (sig) {
        if (show_progress)
            fputc('\n', errf);
        snprintf(err, sizeof(err), "interrupted by %s at step %ld of %ld; "
                 "metrics and weights not written", rl_interrupt_name(sig),
                 s, cfg.steps);
        code = rl_interrupt_exit_code(sig);
        goto fail;
    }
    if (show_progress)
        progress(errf, cfg.steps, cfg.steps, t0, &last_print);
    if (hooks && !hooks->finish(hooks->ctx, &tr, err, sizeof(err)))
        goto fail;
    /* the final step always gets a row */
    for (int w = 0; w < RL_NETS; w++)
        if (!rl_trainer_logged_now(&tr, w))
            rl_trainer_log(&tr, w);

    if (log.write_errno)
        errno = log.write_errno; /* commit names errno as the cause */
    if (!rl_outfile_commit(&metrics, err, sizeof(err)))
        goto fail;
    char path[4200];
    if (!rl_output_path(path, sizeof(path), dir, "data.csv", err,
                        sizeof(err)) ||
        !rl_data_write_csv(&tr.train, path, err, sizeof(err)))
        goto fail;
    if (!write_weights(&tr, dir, err, sizeof(err)))
        goto fail;
    if (cfg.checkpoint_dir &&
        !rl_checkpoint_save(cfg.checkpoint_dir, &tr, err, sizeof(err)))
        goto fail;
    if (!cfg.quiet)
        print_summary(out, &tr, dir, s < cfg.steps ? s : cfg.steps);
    if (hooks)
        hooks->destroy(hooks->ctx);
    if (catching)
        rl_interrupt_destroy(&intr);
    rl_trainer_destroy(&tr);
    return 0;

fail:
    fprintf(errf, "richlazy run: %s%s\n", code < 128 ? "error: " : "", err);
    if (hooks)
        hooks->destroy(hooks->ctx);
    rl_outfile_abort(&metrics);
    if (created)
        rmdir(dir); /* only succeeds when nothing complete was written */
    if (catching)
        rl_interrupt_destroy(&intr);
    rl_trainer_destroy(&tr);
    return code;
}
