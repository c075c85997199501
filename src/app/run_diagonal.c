/* run_diagonal.c: `richlazy run --model diagonal`, the diagonal linear
 * network of Woodworth et al. 2020 trained as the rich/lazy pair (see
 * rl_run.h and rl_diagonal.h). */
#include "rl_run.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rl_cli.h"
#include "rl_config.h"
#include "rl_data_file.h"
#include "rl_diagonal.h"
#include "rl_interrupt.h"
#include "rl_npy.h"
#include "rl_output.h"

enum { DIAG_D = 2 }; /* the data's inputs are points of the plane */

/* The settings a diagonal run reads; every other flag is refused. */
static const char *const diagonal_rows[] = {
    "model", "diagonal-scale", "steps", "lr", "lambda", "data", "dataset",
    "samples", "noise", "seed", "log-every", "out", "quiet"};

static bool diagonal_row(const char *name)
{
    for (size_t i = 0; i < sizeof(diagonal_rows) / sizeof(*diagonal_rows);
         i++)
        if (!strcmp(name, diagonal_rows[i]))
            return true;
    return false;
}

/* "(0.8, 0.4)" */
static void put_point(FILE *f, const double b[DIAG_D])
{
    fprintf(f, "(%.6g, %.6g)", b[0], b[1]);
}

static void put_row(FILE *f, long step, int w, double loss,
                    const double b[DIAG_D])
{
    fprintf(f, "%ld,%s,%.9g,%.9g,%.9g\n", step, rl_net_label(w), loss, b[0],
            b[1]);
}

static bool write_weights(const struct rl_diagonal m[RL_NETS],
                          const char *dir, char *err, size_t errlen)
{
    char wdir[4096], path[4200];
    if (!rl_output_subdir(wdir, sizeof(wdir), dir, "weights", err, errlen))
        return false;
    for (int w = 0; w < RL_NETS; w++) {
        float u[DIAG_D], v[DIAG_D];
        for (int i = 0; i < DIAG_D; i++) {
            u[i] = (float)m[w].u[i];
            v[i] = (float)m[w].v[i];
        }
        snprintf(path, sizeof(path), "%s/%s_u_final.npy", wdir,
                 rl_net_label(w));
        if (!rl_npy_write(path, u, 1, DIAG_D, err, errlen))
            return false;
        snprintf(path, sizeof(path), "%s/%s_v_final.npy", wdir,
                 rl_net_label(w));
        if (!rl_npy_write(path, v, 1, DIAG_D, err, errlen))
            return false;
    }
    return true;
}

/* The interpolators and the closed-form limits, as far as they exist:
 * X beta = y has solutions only for n <= 2 samples of full rank. */
static void print_summary(FILE *out, const struct rl_config *c,
                          const struct rl_data *d, const double *x,
                          const double *y,
                          const struct rl_diagonal m[RL_NETS],
                          const double loss[RL_NETS],
                          const long diverged[RL_NETS], const char *dir,
                          long done)
{
    fprintf(out, "richlazy run: diagonal linear net f(x) = sum_i (u_i^2 - "
            "v_i^2) x_i, %ld steps, N=%d (%s), lr %g, lambda %g\n", done,
            d->n, c->data_path ? c->data_path : rl_dataset_name(c->dataset),
            c->lr, c->lambda);
    bool interp = d->n <= DIAG_D && c->lambda == 0.0;
    double l2[DIAG_D], l1[DIAG_D];
    bool have_l2 = interp && rl_diagonal_min_l2(x, y, d->n, DIAG_D, l2);
    bool have_l1 = interp && d->n == 1 &&
                   rl_diagonal_min_l1(x, y[0], DIAG_D, l1);
    fprintf(out, "  net   scale     loss        beta              closed "
            "form (Woodworth et al. 2020)\n");
    for (int w = 0; w < RL_NETS; w++) {
        double b[DIAG_D], lim[DIAG_D];
        rl_diagonal_beta(&m[w], b);
        fprintf(out, "  %-5s %-9g %-11.4g ", rl_net_label(w), m[w].alpha,
                loss[w]);
        put_point(out, b);
        fputs("  ", out);
        if (have_l2 && rl_diagonal_limit(x, y, d->n, DIAG_D, m[w].alpha, lim))
            put_point(out, lim);
        else
            fputs("-", out);
        if (diverged[w] >= 0)
            fprintf(out, "  DIVERGED at step %ld (lower --lr)", diverged[w]);
        fputc('\n', out);
    }
    if (have_l2) {
        fputs("  least-l2 interpolator (the lazy limit): ", out);
        put_point(out, l2);
        fputc('\n', out);
    }
    if (have_l1) {
        fputs("  least-l1 interpolator (the rich limit): ", out);
        put_point(out, l1);
        fputc('\n', out);
    }
    if (!have_l2)
        fprintf(out, "  no interpolators or closed form: they need at most "
                "%d samples of full rank and lambda 0 (here N=%d)\n", DIAG_D,
                d->n);
    fprintf(out, "wrote %s/metrics.csv, %s/data.csv, %s/weights/*.npy\n", dir,
            dir, dir);
}

int rl_run_diagonal(const struct rl_config *cfg, const struct rl_cli *cli,
                    const struct rl_cli_seen *seen, FILE *out, FILE *errf)
{
    for (int i = 0; i < cli->nopts; i++) {
        if (!seen->on[i] || diagonal_row(cli->opts[i].set->name))
            continue;
        fprintf(errf, "richlazy run: error: %s has no meaning for --model "
                "diagonal (f(x) = sum_i (u_i^2 - v_i^2) x_i: no hidden "
                "layer, activation, checkpoint or pictures); it takes "
                "--diagonal-scale, --steps, --lr, --lambda, --data, "
                "--dataset, --samples, --noise, --seed, --log-every, --out "
                "and --quiet\n", cli->opts[i].flag);
        return 2;
    }
    char err[8192];
    struct rl_data d = {0};
    if (cfg->data_path) {
        if (!rl_data_load_csv_as(&d, cfg->data_path, RL_CSV_REAL, err,
                                 sizeof(err))) {
            fprintf(errf, "richlazy run: error: %s\n", err);
            return 2;
        }
    } else if (!rl_data_generate(&d, cfg->dataset, cfg->samples,
                                 rl_config_noise(cfg), cfg->seed)) {
        fprintf(errf, "richlazy run: error: out of memory generating %d "
                "samples\n", cfg->samples);
        return 1;
    }
    const int n = d.n;
    double *x = malloc((size_t)n * DIAG_D * sizeof(double));
    double *y = malloc((size_t)n * sizeof(double));
    struct rl_diagonal m[RL_NETS];
    memset(m, 0, sizeof(m));
    bool ok = x && y;
    for (int w = 0; ok && w < RL_NETS; w++)
        ok = rl_diagonal_init(&m[w], DIAG_D, n, cfg->net[w].diagonal_scale);
    if (!ok) {
        fprintf(errf, "richlazy run: error: out of memory for %d samples\n",
                n);
        free(x);
        free(y);
        for (int w = 0; w < RL_NETS; w++)
            rl_diagonal_destroy(&m[w]);
        rl_data_destroy(&d);
        return 1;
    }
    for (int s = 0; s < n; s++) {
        x[DIAG_D * s] = d.x[2 * s];
        x[DIAG_D * s + 1] = d.x[2 * s + 1];
        y[s] = d.y[s];
    }

    int code = 2;
    struct rl_outfile metrics;
    memset(&metrics, 0, sizeof(metrics));
    struct rl_interrupt intr;
    /* Ctrl-C / SIGTERM from here on: stop at the next step */
    bool catching = rl_interrupt_init(&intr);
    struct rl_outset set;
    bool set_open = rl_outset_begin(&set, cfg->out_dir, "richlazy-run",
                                    cfg->append, err, sizeof(err));
    if (!set_open)
        goto fail;
    const char *dir = set.dir;      /* where the results end up */
    const char *work = set.work;    /* where they are written until then */
    code = 1;
    if (!rl_outfile_open(&metrics, work, "metrics.csv", err, sizeof(err)))
        goto fail;
    fputs("step,net,loss,beta0,beta1\n", metrics.f);
    double loss[RL_NETS];
    long diverged[RL_NETS] = {-1, -1};
    double b[DIAG_D];
    for (int w = 0; w < RL_NETS; w++) {
        loss[w] = rl_diagonal_loss(&m[w], x, y, n);
        rl_diagonal_beta(&m[w], b);
        put_row(metrics.f, 0, w, loss[w], b);
    }
    const long every = cfg->log_every > 0 ? cfg->log_every : 1;
    long s = 0;
    while (s < cfg->steps && !rl_interrupt_caught()) {
        for (int w = 0; w < RL_NETS; w++) {
            if (diverged[w] >= 0)
                continue;
            double l = rl_diagonal_step(&m[w], x, y, n, cfg->lr, cfg->lambda);
            if (!isfinite(l))
                diverged[w] = s;
        }
        s++;
        if (s % every == 0 || s == cfg->steps) {
            for (int w = 0; w < RL_NETS; w++) {
                loss[w] = rl_diagonal_loss(&m[w], x, y, n);
                rl_diagonal_beta(&m[w], b);
                put_row(metrics.f, s, w, loss[w], b);
            }
        }
    }
    int sig = rl_interrupt_caught();
    if (sig) {
        snprintf(err, sizeof(err), "interrupted by %s at step %ld of %ld; "
                 "metrics not written", rl_interrupt_name(sig), s,
                 cfg->steps);
        code = rl_interrupt_exit_code(sig);
        goto fail;
    }
    if (!rl_outfile_commit(&metrics, err, sizeof(err)))
        goto fail;
    char path[4200];
    if (!rl_output_path(path, sizeof(path), work, "data.csv", err,
                        sizeof(err)) ||
        !rl_data_save_csv(&d, path, cfg->data_path != NULL, err,
                          sizeof(err)) ||
        !write_weights(m, work, err, sizeof(err)) ||
        !rl_outset_publish(&set, err, sizeof(err)))
        goto fail;
    if (!cfg->quiet)
        print_summary(out, cfg, &d, x, y, m, loss, diverged, dir, s);
    code = 0;
    goto done;
fail:
    if (set_open)
        rl_outset_user_message(&set, err, sizeof(err));
    fprintf(errf, "richlazy run: %s%s\n", code < 128 ? "error: " : "", err);
    rl_outfile_abort(&metrics);
    if (set_open)
        rl_outset_abort(&set);
done:
    if (catching)
        rl_interrupt_destroy(&intr);
    for (int w = 0; w < RL_NETS; w++)
        rl_diagonal_destroy(&m[w]);
    free(x);
    free(y);
    rl_data_destroy(&d);
    return code;
}
