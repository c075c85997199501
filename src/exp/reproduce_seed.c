/* reproduce_seed.c: the seed notebook's four experiments as presets
 * seed-1 ... seed-4 (see rl_reproduce.h and docs/theory.md, "Reproduce:
 * the seed notebook"). They run through the commands' own C entry points
 * (run, sweep, retrain) and read back the files those write, so what is
 * checked is what a user gets.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reproduce_internal.h"
#include "rl_data.h"
#include "rl_data_file.h"
#include "rl_exp_cmd.h"
#include "rl_headless.h"
#include "rl_net.h"
#include "rl_npy.h"
#include "rl_output.h"
#include "rl_rng.h"
#include "rl_theory.h"
#include "rl_trainer.h"


/* The PyTorch reference of seed-3: tests/reference/torch_seed_sweep.csv,
 * written by tests/reference/torch_seed_sweep.py from the data and initial
 * weights seed-3 exports (float32, torch.optim.SGD with weight_decay).
 * Per lambda: mean and sample sd over the 20 runs of the final loss and
 * of rel_w1. A test checks this table against the committed file. */
static const struct rl_torch_ref torch_ref[4] = {
    {0, 0.0362610269, 2.72950194e-09, 0.00221691127, 0.000198898811},
    {0.125, 0.0371953329, 2.77456464e-05, 0.682453653, 0.00172426651},
    {0.25, 0.0413158119, 5.7173494e-06, 0.832792744, 0.00329481553},
    {0.5, 0.056082754, 3.92999774e-08, 0.884802696, 0.00425757264},
};

const struct rl_torch_ref *rl_reproduce_torch_ref(int *n)
{
    *n = 4;
    return torch_ref;
}

/* ---- shared ---- */

/* Call a command's main with a NULL-terminated argument list; the summary
 * goes nowhere, errors to r->errf. Returns its exit code. */
static int call(int (*fn)(int, char **, FILE *, FILE *), struct rl_repro *r,
                char **args)
{
    int argc = 0;
    while (args[argc])
        argc++;
    FILE *null = fopen("/dev/null", "w");
    int code = fn(argc, args, null ? null : stdout, r->errf);
    if (null)
        fclose(null);
    return code;
}

/* The final row of net `net` in a run's metrics.csv. */
static int last_row(const struct rp_csv *c, const char *net)
{
    int cn = rp_csv_col(c, "net");
    for (int i = c->nrows - 1; i >= 0; i--)
        if (!strcmp(rp_csv_str(c, i, cn), net))
            return i;
    return -1;
}

/* The least-squares loss of the data in a run's data.csv: where a linear
 * net without weight decay ends (rl_theory_task). */
static bool ls_loss(const char *data_csv, double *loss, char *err,
                    size_t errlen)
{
    struct rl_data d;
    if (!rl_data_load_csv(&d, data_csv, err, errlen))
        return false;
    rl_data_update_moments(&d);
    struct rl_theory_task t;
    rl_theory_task_init(&t, &d);
    *loss = t.loss_ls;
    rl_data_destroy(&d);
    return true;
}

static void threads_arg(const struct rl_repro *r, char *buf, size_t len)
{
    snprintf(buf, len, "%d", r->threads);
}

/* ---- seed-1: the rich/lazy pair ---- */

void rl_preset_seed1_window(struct rl_config *cfg)
{
    (void)cfg; /* the seed's defaults are the pair */
}

/* rel_w1 and loss of both nets against step, from metrics.csv. */
static bool seed1_figure(struct rl_repro *r, const struct rp_csv *m,
                         char *err, size_t errlen)
{
    int cs = rp_csv_col(m, "step"), cn = rp_csv_col(m, "net");
    int cw = rp_csv_col(m, "rel_w1"), cl = rp_csv_col(m, "loss");
    double *x[2], *w[2], *l[2];
    int n[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        x[k] = malloc((size_t)m->nrows * sizeof(double));
        w[k] = malloc((size_t)m->nrows * sizeof(double));
        l[k] = malloc((size_t)m->nrows * sizeof(double));
    }
    bool ok = false;
    struct rp_fig f;
    for (int k = 0; k < 2; k++)
        if (!x[k] || !w[k] || !l[k]) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
    for (int i = 0; i < m->nrows; i++) {
        int k = strcmp(rp_csv_str(m, i, cn), "rich") ? 1 : 0;
        x[k][n[k]] = rp_csv_num(m, i, cs);
        w[k][n[k]] = rp_csv_num(m, i, cw);
        l[k][n[k]] = rp_csv_num(m, i, cl);
        n[k]++;
    }
    if (!rp_fig_init(&f, 1400, 640,
                     "seed-1: the rich/lazy pair (H = 500, lr 0.002, blobs, "
                     "linear)",
                     "rich: W1 init std 0.001; lazy: 0.25; the same function "
                     "is learnt, W1 moves in one net and not the other",
                     err, errlen))
        goto done;
    double xmax = x[0][n[0] - 1] > 0 ? x[0][n[0] - 1] : 1;
    double lo, hi, lo2, hi2;
    rp_range(w[0], n[0], true, &lo, &hi);
    rp_range(w[1], n[1], true, &lo2, &hi2);
    struct rp_panel p;
    /* two spare decades below the lazy curve hold the legend */
    rp_panel_init(&f, &p, 120, 110, 520, 430, 0, xmax, false,
                  fmin(lo, lo2) / 100, fmax(hi, hi2), true, "step", "‖W1 − W1(0)‖ / ‖W1(0)‖",
                  "Relative change of W1 (log)");
    for (int k = 0; k < 2; k++)
        rp_line(&f, &p, x[k], w[k], n[k], k ? RP_LAZY : RP_RICH, 2.5f,
                false);
    const char *labels[2] = {"rich (init 0.001)", "lazy (init 0.25)"};
    const uint32_t colors[2] = {RP_RICH, RP_LAZY};
    const int style[2] = {0, 0};
    rp_legend(&f, &p, 3, labels, colors, style, 2);
    rp_range(l[0], n[0], true, &lo, &hi);
    rp_range(l[1], n[1], true, &lo2, &hi2);
    rp_panel_init(&f, &p, 820, 110, 520, 430, 0, xmax, false, fmin(lo, lo2),
                  fmax(hi, hi2), true, "step", "training loss (MSE)",
                  "Loss (log)");
    for (int k = 0; k < 2; k++)
        rp_line(&f, &p, x[k], l[k], n[k], k ? RP_LAZY : RP_RICH, 2.5f,
                false);
    rp_legend(&f, &p, 1, labels, colors, style, 2);
    char path[4200];
    ok = rl_repro_path(r, path, sizeof(path), "seed-1.png", err, errlen) &&
         rp_fig_save(&f, path, "seed-1", err, errlen);
    rp_fig_destroy(&f);
done:
    for (int k = 0; k < 2; k++) {
        free(x[k]);
        free(w[k]);
        free(l[k]);
    }
    return ok;
}

bool rl_preset_seed1(struct rl_repro *r, char *err, size_t errlen)
{
    rl_repro_say(r, "the pair, 5000 steps, frames every %s steps",
                 r->quick ? "1000" : "200");
    char *args[] = {"--out", r->dir, "--frames-every",
                    r->quick ? "1000" : "200", "--quiet", NULL};
    if (call(rl_headless_main, r, args) != 0) {
        snprintf(err, errlen, "the run failed (see above)");
        return false;
    }
    char path[4200];
    struct rp_csv m;
    if (!rl_repro_path(r, path, sizeof(path), "metrics.csv", err, errlen) ||
        !rp_csv_read(&m, path, err, errlen))
        return false;
    int ri = last_row(&m, "rich"), li = last_row(&m, "lazy");
    int cw = rp_csv_col(&m, "rel_w1"), cl = rp_csv_col(&m, "loss"),
        ca = rp_csv_col(&m, "accuracy");
    double rich_w1 = rp_csv_num(&m, ri, cw), lazy_w1 = rp_csv_num(&m, li, cw);
    double loss_ls;
    bool ok = rl_repro_path(r, path, sizeof(path), "data.csv", err, errlen) &&
              ls_loss(path, &loss_ls, err, errlen);
    if (ok) {
        rl_repro_check(r, "rich rel dW1 / lazy rel dW1 at step 5000",
                       rich_w1 / lazy_w1, RL_CHECK_GE, 100, 0,
                       "docs/theory.md seed-1: rich moves W1");
        rl_repro_check(r, "rich final loss (least squares)",
                       rp_csv_num(&m, ri, cl), RL_CHECK_NEAR, loss_ls,
                       1e-3 * loss_ls,
                       "linear net converges to least squares");
        rl_repro_check(r, "lazy final loss (least squares)",
                       rp_csv_num(&m, li, cl), RL_CHECK_NEAR, loss_ls,
                       1e-3 * loss_ls,
                       "linear net converges to least squares");
        rl_repro_check(r, "rich accuracy", rp_csv_num(&m, ri, ca),
                       RL_CHECK_GE, 0.97, 0, "README: blobs, linear >= 97%");
        rl_repro_check(r, "lazy accuracy", rp_csv_num(&m, li, ca),
                       RL_CHECK_GE, 0.97, 0, "README: blobs, linear >= 97%");
        ok = seed1_figure(r, &m, err, errlen);
    }
    rp_csv_destroy(&m);
    return ok;
}

/* ---- seed-2: one net at init 0.5, ten coloured units ---- */

enum { SEED2_UNITS = 10 };

void rl_preset_seed2_window(struct rl_config *cfg)
{
    /* seed-2's net is the large-init one: on the lazy (blue, right) side,
     * beside the seed's small-init rich net, so the colours keep their
     * meaning (small init orange, large init blue) */
    cfg->net[RL_LAZY].init = 0.5;
}

bool rl_preset_seed2(struct rl_repro *r, char *err, size_t errlen)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].init = 0.5;
    cfg.log_every = 10;
    struct rl_trainer tr;
    if (!rl_trainer_init(&tr, &cfg, 0, err, errlen))
        return false;
    struct rl_net *net = &tr.net[RL_RICH];
    const int h = net->h;
    const long steps = cfg.steps;
    const int npts = (int)steps + 1; /* every step: the catapult is fast */
    double *xs = malloc((size_t)npts * sizeof(double));
    double *loss = malloc((size_t)npts * sizeof(double));
    double *relw = malloc((size_t)npts * sizeof(double));
    double *lim = malloc((size_t)npts * sizeof(double));
    double *ux = malloc((size_t)npts * SEED2_UNITS * sizeof(double));
    double *uy = malloc((size_t)npts * SEED2_UNITS * sizeof(double));
    bool ok = false;
    struct rl_outfile of;
    memset(&of, 0, sizeof(of));
    if (!xs || !loss || !relw || !lim || !ux || !uy) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    rl_repro_say(r, "one net, W1 init std 0.5, %ld steps", steps);
    int unit[SEED2_UNITS];
    for (int k = 0; k < SEED2_UNITS; k++)
        unit[k] = (int)((long)k * h / SEED2_UNITS);
    if (!rl_outfile_open(&of, r->dir, "seed-2.csv", err, errlen))
        goto done;
    fputs("step,loss,rel_w1,lr_limit", of.f);
    for (int k = 0; k < SEED2_UNITS; k++)
        fprintf(of.f, ",unit%d_x,unit%d_y", unit[k], unit[k]);
    fputc('\n', of.f);
    for (int i = 0; i < npts; i++) {
        if (i > 0)
            rl_trainer_step_net(&tr, RL_RICH, 1);
        struct rl_metrics m;
        rl_metrics_compute(net, &tr.train, NULL, &m);
        xs[i] = (double)i;
        loss[i] = m.loss;
        relw[i] = m.rel_w1;
        lim[i] = rl_net_lr_limit(net, &tr.train);
        fprintf(of.f, "%ld,%.9g,%.9g,%.9g", (long)xs[i], loss[i], relw[i],
                lim[i]);
        for (int k = 0; k < SEED2_UNITS; k++) {
            ux[i * SEED2_UNITS + k] = net->w1[2 * unit[k]];
            uy[i * SEED2_UNITS + k] = net->w1[2 * unit[k] + 1];
            fprintf(of.f, ",%.9g,%.9g", ux[i * SEED2_UNITS + k],
                    uy[i * SEED2_UNITS + k]);
        }
        fputc('\n', of.f);
    }
    if (!rl_outfile_commit(&of, err, errlen))
        goto done;
    struct rl_theory_task task;
    rl_theory_task_init(&task, &tr.train);
    double acc;
    double final_loss;
    rl_net_evaluate(net, &tr.train, &final_loss, &acc);
    rl_repro_check(r, "lr stability limit at init (<= lr 0.002)", lim[0],
                   RL_CHECK_LE, cfg.lr, 0,
                   "rl_net_lr_limit: 1/lambda_max(K Sxx)");
    rl_repro_check(r, "lr stability limit at the end (>= lr 0.002)",
                   lim[npts - 1], RL_CHECK_GE, cfg.lr, 0,
                   "catapult: Lewkowycz et al. 2020");
    rl_repro_check(r, "rel dW1 at the end (left the lazy regime)",
                   relw[npts - 1], RL_CHECK_GE, 0.05, 0,
                   "seed-1's lazy net: 6e-5");
    double peak = loss[0];
    for (int i = 1; i < npts; i++)
        peak = fmax(peak, loss[i]);
    rl_repro_check(r, "peak loss / initial loss (the catapult)",
                   peak / loss[0], RL_CHECK_GE, 10, 0,
                   "Lewkowycz et al. 2020");
    rl_repro_check(r, "final loss (least squares)", final_loss,
                   RL_CHECK_NEAR, task.loss_ls, 1e-3 * task.loss_ls,
                   "linear net converges to least squares");
    rl_repro_check(r, "accuracy", acc, RL_CHECK_GE, 0.97, 0,
                   "README: blobs, linear >= 97%");

    /* the figure: the W1 cloud with the ten units' paths, loss, limit */
    struct rp_fig f;
    if (!rp_fig_init(&f, 2250, 640,
                     "seed-2: one net at W1 init std 0.5, ten units in "
                     "colour (H = 500, lr 0.002, blobs, linear)",
                     "left: every unit's input weights (grey rings: start, "
                     "dark dots: end), ten units' paths; right: the step "
                     "starts past the stability limit, the net moves until "
                     "it is below",
                     err, errlen))
        goto done;
    double all[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (int i = 0; i < h; i++) {
        for (int c = 0; c < 2; c++) {
            double a = net->w1_0[2 * i + c], b = net->w1[2 * i + c];
            all[2 * c] = fmin(all[2 * c], fmin(a, b));
            all[2 * c + 1] = fmax(all[2 * c + 1], fmax(a, b));
        }
    }
    double span = fmax(all[1] - all[0], all[3] - all[2]) * 0.55;
    double cx = 0.5 * (all[0] + all[1]), cy = 0.5 * (all[2] + all[3]);
    struct rp_panel p;
    rp_panel_init(&f, &p, 120, 110, 470, 430, cx - span, cx + span, false,
                  cy - span, cy + span, false, "W1[i, 0]", "W1[i, 1]",
                  "in→hid: W1 rows");
    for (int i = 0; i < h; i++) {
        double a[2] = {net->w1_0[2 * i], net->w1[2 * i]};
        double b[2] = {net->w1_0[2 * i + 1], net->w1[2 * i + 1]};
        rl_canvas_ring(&f.cv, rl_axis_map(&p.ax, a[0]),
                       rl_axis_map(&p.ay, b[0]), 3.0f, 1.0f, 0xFFAAAAAAu);
    }
    for (int i = 0; i < h; i++) {
        double a = net->w1[2 * i], b = net->w1[2 * i + 1];
        rp_points(&f, &p, &a, &b, 1, 0xFF333333u, 1.8f);
    }
    {
        const char *labels[2] = {"start (init)", "end (last step)"};
        const uint32_t colors[2] = {0xFFAAAAAAu, 0xFF333333u};
        const int style[2] = {3, 2};
        rp_legend(&f, &p, 0, labels, colors, style, 2);
    }
    double *px = malloc((size_t)npts * sizeof(double));
    double *py = malloc((size_t)npts * sizeof(double));
    if (px && py) {
        for (int k = 0; k < SEED2_UNITS; k++) {
            for (int i = 0; i < npts; i++) {
                px[i] = ux[i * SEED2_UNITS + k];
                py[i] = uy[i * SEED2_UNITS + k];
            }
            uint32_t col = rl_colormap_viridis(0.92 * k / (SEED2_UNITS - 1));
            rp_line(&f, &p, px, py, npts, col, 2.0f, false);
            rp_points(&f, &p, &px[npts - 1], &py[npts - 1], 1, col, 5.0f);
        }
    }
    free(px);
    free(py);
    double lo, hi;
    rp_range(loss, npts, true, &lo, &hi);
    /* log steps: the catapult is over within tens of steps */
    rp_panel_init(&f, &p, 720, 110, 400, 430, 1, (double)steps, true, lo,
                  hi, true, "step (log)", "training loss (MSE)",
                  "Loss (log): up, then down");
    rp_line(&f, &p, xs, loss, npts, RP_INK, 2.5f, false);
    /* the limit against lr on one axis, the weights' movement on its own */
    rp_range(lim, npts, true, &lo, &hi);
    rp_panel_init(&f, &p, 1240, 110, 400, 430, 1, (double)steps, true,
                  fmin(lo, cfg.lr) / 2, fmax(hi, cfg.lr) * 2, true,
                  "step (log)", "learning rate (log)",
                  "Stability limit 1/λmax(K Σxx) vs lr");
    const uint32_t c_lim = 0xFF6A3D9Au;
    rp_line(&f, &p, xs, lim, npts, c_lim, 2.5f, false);
    double lx[2] = {1, (double)steps}, ly[2] = {cfg.lr, cfg.lr};
    rp_line(&f, &p, lx, ly, 2, RP_MUTED, 1.5f, true);
    {
        const char *labels[2] = {"lr limit", "lr = 0.002"};
        const uint32_t colors[2] = {c_lim, RP_MUTED};
        const int style[2] = {0, 1};
        rp_legend(&f, &p, 3, labels, colors, style, 2);
    }
    rp_range(relw, npts, true, &lo, &hi);
    rp_panel_init(&f, &p, 1760, 110, 400, 430, 1, (double)steps, true, lo,
                  hi, true, "step (log)", "‖ΔW1‖ / ‖W1(0)‖ (log)",
                  "Relative change of W1");
    rp_line(&f, &p, xs, relw, npts, RP_INK, 2.5f, false);
    char path[4200];
    ok = rl_repro_path(r, path, sizeof(path), "seed-2.png", err, errlen) &&
         rp_fig_save(&f, path, "seed-2", err, errlen);
    rp_fig_destroy(&f);
done:
    if (!ok && of.f)
        rl_outfile_abort(&of);
    free(xs);
    free(loss);
    free(relw);
    free(lim);
    free(ux);
    free(uy);
    rl_trainer_destroy(&tr);
    return ok;
}

/* ---- seed-3: the weight-decay sweep against PyTorch ---- */

enum { SEED3_RUNS = 20, SEED3_LAMBDAS = 4 };
static const double seed3_init = 0.1;

/* The data and the runs' initial weights, drawn as the sweep draws them
 * (run r: stream RL_STREAM_RUN_BASE + r of the seed), for the PyTorch
 * script: data.csv, init_w1.npy (runs * H, 2), init_w2.npy (runs, H). */
static bool seed3_export(struct rl_repro *r, const struct rl_config *cfg,
                         char *err, size_t errlen)
{
    char path[4200];
    struct rl_data d;
    if (!rl_data_generate(&d, cfg->dataset, cfg->samples,
                          rl_config_noise(cfg), cfg->seed)) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = rl_repro_path(r, path, sizeof(path), "data.csv", err, errlen) &&
              rl_data_save_csv(&d, path, false, err, errlen);
    rl_data_destroy(&d);
    if (!ok)
        return false;
    /* the sweep trains one net, at the rich net's width (the preset's
     * nets share H) */
    const int h = cfg->net[RL_RICH].hidden;
    float *w1 = malloc((size_t)SEED3_RUNS * h * 2 * sizeof(float));
    float *w2 = malloc((size_t)SEED3_RUNS * h * sizeof(float));
    struct rl_net net;
    if (!w1 || !w2 || !rl_net_init(&net, h, 0)) {
        free(w1);
        free(w2);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    for (int run = 0; run < SEED3_RUNS; run++) {
        struct rl_rng rng;
        rl_rng_seed(&rng, cfg->seed, RL_STREAM_RUN_BASE + (uint64_t)run);
        rl_net_reset(&net, cfg->act, seed3_init,
                     rl_config_out_init(cfg, RL_RICH), &rng);
        memcpy(w1 + (size_t)run * h * 2, net.w1, (size_t)h * 2 * sizeof(float));
        memcpy(w2 + (size_t)run * h, net.w2, (size_t)h * sizeof(float));
    }
    rl_net_destroy(&net);
    ok = rl_repro_path(r, path, sizeof(path), "init_w1.npy", err, errlen) &&
         rl_npy_write(path, w1, SEED3_RUNS * h, 2, err, errlen) &&
         rl_repro_path(r, path, sizeof(path), "init_w2.npy", err, errlen) &&
         rl_npy_write(path, w2, SEED3_RUNS, h, err, errlen);
    free(w1);
    free(w2);
    return ok;
}

/* Mean and sample sd of column col over the rows whose `key` column is
 * `value`. */
static void group_stats(const struct rp_csv *c, const char *key,
                        const char *value, const char *col, double *mean,
                        double *sd)
{
    int ck = rp_csv_col(c, key), cc = rp_csv_col(c, col);
    double s = 0, s2 = 0;
    int n = 0;
    for (int i = 0; i < c->nrows; i++) {
        if (strcmp(rp_csv_str(c, i, ck), value))
            continue;
        double v = rp_csv_num(c, i, cc);
        s += v;
        n++;
    }
    *mean = n ? s / n : NAN;
    for (int i = 0; i < c->nrows; i++)
        if (!strcmp(rp_csv_str(c, i, ck), value)) {
            double v = rp_csv_num(c, i, cc) - *mean;
            s2 += v * v;
        }
    *sd = n > 1 ? sqrt(s2 / (n - 1)) : 0.0;
}

/* seed-3.png: each run's final loss and rel dW1 against lambda (lazy blue
 * at lambda 0, rich orange above), PyTorch's mean +- 3 sd beside them. */
static bool seed3_figure(struct rl_repro *r, const struct rp_csv *c,
                         char *err, size_t errlen)
{
    struct rp_fig f;
    if (!rp_fig_init(&f, 1400, 640,
                     "seed-3: weight-decay sweep, richlazy against PyTorch "
                     "(20 runs per λ, W1 init std 0.1, 5000 steps)",
                     "dots: richlazy's runs (blue: lazy at λ = 0, orange: "
                     "rich); black: PyTorch's mean ± 3 sd on the same nets "
                     "(tests/reference/torch_seed_sweep.py)",
                     err, errlen))
        return false;
    int cl = rp_csv_col(c, "lambda");
    const char *cols[2] = {"loss", "rel_w1"};
    const char *ylabels[2] = {"final training loss (MSE)",
                              "‖W1 − W1(0)‖ / ‖W1(0)‖"};
    const char *titles[2] = {"Final loss", "Final relative change of W1 (log)"};
    int nref;
    const struct rl_torch_ref *ref = rl_reproduce_torch_ref(&nref);
    for (int k = 0; k < 2; k++) {
        int cv = rp_csv_col(c, cols[k]);
        double *v = malloc((size_t)(c->nrows + 1) * sizeof(double));
        if (!v)
            continue;
        for (int i = 0; i < c->nrows; i++)
            v[i] = rp_csv_num(c, i, cv);
        double lo, hi;
        rp_range(v, c->nrows, k == 1, &lo, &hi);
        struct rp_panel p;
        rp_panel_init(&f, &p, 120 + k * 700.0f, 110, 520, 430, -0.08, 0.58,
                      false, lo, hi, k == 1, "weight decay λ", ylabels[k],
                      titles[k]);
        for (int i = 0; i < c->nrows; i++) {
            double lam = rp_csv_num(c, i, cl);
            double x = lam - 0.045 + 0.0025 * (i % 20); /* spread the runs */
            rp_points(&f, &p, &x, &v[i], 1, lam == 0 ? RP_LAZY : RP_RICH,
                      3.0f);
        }
        for (int i = 0; i < nref; i++) {
            double m = k ? ref[i].rel_w1_mean : ref[i].loss_mean;
            double sd = k ? ref[i].rel_w1_sd : ref[i].loss_sd;
            double x[2] = {ref[i].lambda + 0.03, ref[i].lambda + 0.03};
            double y[2] = {m - 3 * sd, m + 3 * sd};
            rp_line(&f, &p, x, y, 2, RP_INK, 2.0f, false);
            rp_points(&f, &p, &x[0], &m, 1, RP_INK, 4.5f);
        }
        const char *labels[3] = {"richlazy, λ = 0 (lazy)",
                                 "richlazy, λ > 0 (rich)",
                                 "PyTorch mean ± 3 sd"};
        const uint32_t colors[3] = {RP_LAZY, RP_RICH, RP_INK};
        const int style[3] = {2, 2, 2};
        rp_legend(&f, &p, k == 0 ? 0 : 3, labels, colors, style, 3);
        free(v);
    }
    char path[4200];
    bool ok = rl_repro_path(r, path, sizeof(path), "seed-3.png", err,
                            errlen) &&
              rp_fig_save(&f, path, "seed-3", err, errlen);
    rp_fig_destroy(&f);
    return ok;
}

bool rl_preset_seed3(struct rl_repro *r, char *err, size_t errlen)
{
    struct rl_config cfg = rl_config_default;
    if (!seed3_export(r, &cfg, err, errlen))
        return false;
    rl_repro_say(r, "sweep: lambda 0, 0.125, 0.25, 0.5 x %d runs x 5000 "
                 "steps, init %g", SEED3_RUNS, seed3_init);
    char threads[16];
    threads_arg(r, threads, sizeof(threads));
    char *args[] = {"--lambdas", "0,0.125,0.25,0.5", "--runs", "20",
                    "--steps", "5000", "--init", "0.1", "--out", r->dir,
                    "--append", "--threads", threads, "--quiet", NULL};
    if (call(rl_sweep_main, r, args) != 0) {
        snprintf(err, errlen, "the sweep failed (see above)");
        return false;
    }
    char path[4200];
    struct rp_csv c;
    if (!rl_repro_path(r, path, sizeof(path), "sweep_runs.csv", err,
                       errlen) ||
        !rp_csv_read(&c, path, err, errlen))
        return false;
    int nref;
    const struct rl_torch_ref *ref = rl_reproduce_torch_ref(&nref);
    double w1_0 = NAN, w1_1 = NAN;
    for (int i = 0; i < nref; i++) {
        char lam[32], q[160];
        snprintf(lam, sizeof(lam), "%g", ref[i].lambda);
        double lm, ls, wm, ws;
        group_stats(&c, "lambda", lam, "loss", &lm, &ls);
        group_stats(&c, "lambda", lam, "rel_w1", &wm, &ws);
        if (i == 0)
            w1_0 = wm;
        if (i == 1)
            w1_1 = wm;
        /* within 3 sd of PyTorch's 20 runs (the same nets: the runs
         * agree one by one to about 1e-7 relative) */
        snprintf(q, sizeof(q), "lambda %s: mean final loss vs PyTorch", lam);
        rl_repro_check(r, q, lm, RL_CHECK_NEAR, ref[i].loss_mean,
                       3 * ref[i].loss_sd,
                       "tests/reference/torch_seed_sweep.csv (3 sd)");
        snprintf(q, sizeof(q), "lambda %s: mean rel dW1 vs PyTorch", lam);
        rl_repro_check(r, q, wm, RL_CHECK_NEAR, ref[i].rel_w1_mean,
                       3 * ref[i].rel_w1_sd,
                       "tests/reference/torch_seed_sweep.csv (3 sd)");
    }
    rl_repro_check(r, "rel dW1 at lambda 0.125 / at lambda 0", w1_1 / w1_0,
                   RL_CHECK_GE, 100, 0,
                   "research notebook: weight decay makes the net rich");
    bool ok = seed3_figure(r, &c, err, errlen);
    rp_csv_destroy(&c);
    return ok;
}

/* ---- seed-4: retraining the saved pair with weight decay ---- */

bool rl_preset_seed4(struct rl_repro *r, char *err, size_t errlen)
{
    char first[4200], ck[4200];
    if (!rl_repro_path(r, first, sizeof(first), "first", err, errlen) ||
        !rl_repro_path(r, ck, sizeof(ck), "checkpoint", err, errlen))
        return false;
    rl_repro_say(r, "the pair, 5000 steps, saved to %s", ck);
    char *run_args[] = {"--out", first, "--checkpoint", ck, "--quiet", NULL};
    if (call(rl_headless_main, r, run_args) != 0) {
        snprintf(err, errlen, "the first run failed (see above)");
        return false;
    }
    const char *runs = r->quick ? "10" : "20";
    rl_repro_say(r, "retraining %s copies of each net, lambda 0.25, 5000 "
                 "steps", runs);
    char threads[16];
    threads_arg(r, threads, sizeof(threads));
    char *args[] = {"--from", ck, "--lambda", "0.25", "--runs", (char *)runs,
                    "--steps", "5000", "--out", r->dir, "--append",
                    "--threads", threads, "--quiet", NULL};
    if (call(rl_retrain_main, r, args) != 0) {
        snprintf(err, errlen, "the retraining failed (see above)");
        return false;
    }
    char path[4200];
    struct rp_csv m, c;
    if (!rl_output_path(path, sizeof(path), first, "metrics.csv", err,
                        errlen) ||
        !rp_csv_read(&m, path, err, errlen))
        return false;
    double before = rp_csv_num(&m, last_row(&m, "lazy"),
                               rp_csv_col(&m, "rel_w1"));
    rp_csv_destroy(&m);
    if (!rl_repro_path(r, path, sizeof(path), "retrain_runs.csv", err,
                       errlen) ||
        !rp_csv_read(&c, path, err, errlen))
        return false;
    double lw, lws;
    group_stats(&c, "net", "lazy", "rel_w1", &lw, &lws);
    rl_repro_check(r, "lazy rel dW1 after retraining / before", lw / before,
                   RL_CHECK_GE, 100, 0,
                   "research notebook: weight decay makes the lazy net rich");
    /* The rich copies settle where a linear net under decay must: beta at
     * the minimiser of L(beta) + lambda ||beta|| on the copy's own data
     * (rl_theory_decay_beta). Copy k's data is the retrain's own draw:
     * stream RL_STREAM_RUN_BASE + k of the checkpoint's seed. */
    const struct rl_config *dc = &rl_config_default;
    int cn = rp_csv_col(&c, "net"), cr = rp_csv_col(&c, "run"),
        cl = rp_csv_col(&c, "loss");
    double worst = 0;
    bool ok = true;
    for (int i = 0; i < c.nrows && ok; i++) {
        if (strcmp(rp_csv_str(&c, i, cn), "rich"))
            continue;
        struct rl_rng rng;
        rl_rng_seed(&rng, dc->seed,
                    RL_STREAM_RUN_BASE + (uint64_t)rp_csv_num(&c, i, cr));
        struct rl_data d;
        if (!rl_data_generate(&d, dc->dataset, dc->samples,
                              rl_config_noise(dc), rl_rng_next(&rng))) {
            snprintf(err, errlen, "out of memory");
            ok = false;
            break;
        }
        struct rl_theory_task t;
        rl_theory_task_init(&t, &d);
        double beta[2];
        rl_theory_decay_beta(&t, 0.25, beta);
        double want = rl_theory_task_loss(&t, beta);
        double dev = rp_csv_num(&c, i, cl) / want - 1.0;
        if (!(fabs(dev) <= fabs(worst)))
            worst = dev;
        rl_data_destroy(&d);
    }
    rp_csv_destroy(&c);
    if (ok)
        rl_repro_check(r, "rich copies: worst final loss / decay optimum - 1",
                       worst, RL_CHECK_NEAR, 0.0, 1e-3,
                       "argmin L + lambda |beta| (docs/theory.md)");
    return ok;
}
