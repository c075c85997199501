/* reproduce_saxe.c: the preset saxe2014 (Saxe, McClelland & Ganguli 2014):
 * a two-layer linear net from a small balanced init on whitened data with
 * one mode of strength s learns that mode along a logistic; the time to
 * half the loss is linear in ln(1/u0) with slope 1/(4 s lr) for
 * richlazy's MSE (no 1/2) and halves when s doubles. Derivation and
 * choices: docs/theory.md, "Reproduce: saxe2014".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reproduce_internal.h"
#include "rl_data.h"
#include "rl_net.h"
#include "rl_output.h"
#include "rl_rng.h"
#include "rl_theory.h"

enum { SAXE_S = 2, SAXE_U0 = 5, SAXE_H = 100, SAXE_MAX_STEPS = 20000,
       SAXE_CURVE_EVERY = 10 };
static const double saxe_s[SAXE_S] = {0.25, 0.5};
static const double saxe_u0[SAXE_U0] = {1e-2, 1e-3, 1e-4, 1e-5, 1e-6};
static const double saxe_lr = 0.01;

/* Four points with Sxx = I exactly and Sxy = (s, 0), labels 0/1:
 * (2s, +-1) of class 1 and (-sqrt(2 - 4 s^2), +-1) of class 0
 * (needs s < 1/sqrt 2). */
static bool whitened_data(struct rl_data *d, double s)
{
    if (!rl_data_init(d, 4))
        return false;
    const double p = sqrt(2.0 - 4.0 * s * s);
    const float pts[4][3] = {{(float)(2 * s), 1, 1},
                             {(float)(2 * s), -1, 1},
                             {(float)-p, 1, 0},
                             {(float)-p, -1, 0}};
    for (int i = 0; i < 4; i++) {
        d->x[2 * i] = pts[i][0];
        d->x[2 * i + 1] = pts[i][1];
        d->y[i] = pts[i][2];
    }
    rl_data_update_moments(d);
    return true;
}

/* Small balanced init along the mode (Saxe's decoupled initial
 * conditions): W1_i = c_i mu, W2_i = c_i with sum c_i^2 = u0, so the
 * end-to-end map starts at beta = u0 mu and both layers hold the same
 * norm. */
static void balanced_init(struct rl_net *net, const double mu[2], double u0,
                          uint64_t seed)
{
    struct rl_rng rng;
    rl_rng_seed(&rng, seed, RL_STREAM_RICH);
    rl_net_reset(net, RL_ACT_LINEAR, 1.0, 1.0, &rng);
    double sum = 0;
    for (int i = 0; i < net->h; i++) {
        double c = rl_rng_normal(&rng);
        net->w2[i] = (float)c;
        sum += c * c;
    }
    double k = sqrt(u0 / sum);
    for (int i = 0; i < net->h; i++) {
        double c = k * net->w2[i];
        net->w2[i] = (float)c;
        net->w1[2 * i] = (float)(c * mu[0]);
        net->w1[2 * i + 1] = (float)(c * mu[1]);
    }
    rl_net_mark_initial(net);
}

/* The predicted half-loss time: L - L* = (s - u)^2 along the mode, so
 * half the initial excess is reached at u_f = s - (s - u0)/sqrt 2, and the
 * logistic u(t) (rate 4 s lr) takes ln[u_f (s - u0) / (u0 (s - u_f))] /
 * (4 s lr) steps to get there. */
static double predicted_half(double s, double u0, double lr)
{
    double uf = s - (s - u0) / sqrt(2.0);
    return log(uf * (s - u0) / (u0 * (s - uf))) / (4.0 * s * lr);
}

/* Least-squares slope of y against x. */
static double fit_slope(const double *x, const double *y, int n)
{
    double mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
}

struct saxe_curve {
    int n;
    double t[SAXE_MAX_STEPS / SAXE_CURVE_EVERY + 2];
    double u[SAXE_MAX_STEPS / SAXE_CURVE_EVERY + 2];  /* measured u/s */
    double ut[SAXE_MAX_STEPS / SAXE_CURVE_EVERY + 2]; /* theory u/s */
};

/* Train one net; the measured half-loss time (linear interpolation
 * between the steps around the crossing), NaN if never reached. */
static double train_half(const struct rl_data *d, double s, double u0,
                         struct saxe_curve *cv, FILE *csv)
{
    struct rl_theory_task task;
    rl_theory_task_init(&task, d);
    struct rl_net net;
    if (!rl_net_init(&net, SAXE_H, 0))
        return NAN;
    balanced_init(&net, task.mu, u0, 1);
    struct rl_theory th;
    rl_theory_init(&th, d, &net, saxe_lr, 0.0);
    double beta[2];
    rl_net_beta(&net, beta);
    double gap0 = rl_theory_task_loss(&task, beta) - task.loss_ls;
    double prev_gap = gap0, half = NAN;
    /* the same length for every u0 of one s: past the slowest one's rise */
    long stop = (long)(1.6 * predicted_half(s, saxe_u0[SAXE_U0 - 1],
                                            saxe_lr));
    if (stop > SAXE_MAX_STEPS)
        stop = SAXE_MAX_STEPS;
    cv->n = 0;
    for (long t = 0; t <= stop; t++) {
        rl_net_beta(&net, beta);
        double gap = rl_theory_task_loss(&task, beta) - task.loss_ls;
        double u = beta[0] * task.mu[0] + beta[1] * task.mu[1];
        if (t % SAXE_CURVE_EVERY == 0 && cv->n < (int)(sizeof(cv->t) /
                                                       sizeof(cv->t[0]))) {
            double ut = rl_theory_rich_v(&th, (double)t) / task.lx;
            cv->t[cv->n] = (double)t;
            cv->u[cv->n] = u / s;
            cv->ut[cv->n] = ut / s;
            cv->n++;
            fprintf(csv, "%g,%g,%ld,%.9g,%.9g,%.9g\n", s, u0, t, u, ut,
                    gap);
        }
        if (isnan(half) && gap <= 0.5 * gap0 && t > 0) {
            half = (double)(t - 1) +
                   (prev_gap - 0.5 * gap0) / (prev_gap - gap);
        }
        prev_gap = gap;
        if (t < stop)
            rl_net_step(&net, d, saxe_lr, 0.0);
    }
    rl_net_destroy(&net);
    return half;
}

bool rl_preset_saxe2014(struct rl_repro *r, char *err, size_t errlen)
{
    double half[SAXE_S][SAXE_U0], pred[SAXE_S][SAXE_U0];
    double slope[SAXE_S];
    double lnu[SAXE_U0];
    for (int j = 0; j < SAXE_U0; j++)
        lnu[j] = log(1.0 / saxe_u0[j]);
    struct saxe_curve *cv = calloc(SAXE_S * SAXE_U0, sizeof(*cv));
    if (!cv) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    struct rl_outfile curves, halves;
    memset(&halves, 0, sizeof(halves));
    bool ok = false;
    if (!rl_outfile_open(&curves, r->dir, "saxe2014_curves.csv", err,
                         errlen)) {
        free(cv);
        return false;
    }
    fputs("s,u0,step,u,u_theory,loss_excess\n", curves.f);
    for (int i = 0; i < SAXE_S; i++) {
        struct rl_data d;
        if (!whitened_data(&d, saxe_s[i])) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        rl_repro_say(r, "s = %g: %d initial strengths u0 from %g to %g, lr "
                     "%g, H = %d", saxe_s[i], SAXE_U0, saxe_u0[0],
                     saxe_u0[SAXE_U0 - 1], saxe_lr, SAXE_H);
        for (int j = 0; j < SAXE_U0; j++) {
            half[i][j] = train_half(&d, saxe_s[i], saxe_u0[j],
                                    &cv[i * SAXE_U0 + j], curves.f);
            pred[i][j] = predicted_half(saxe_s[i], saxe_u0[j], saxe_lr);
        }
        rl_data_destroy(&d);
        slope[i] = fit_slope(lnu, half[i], SAXE_U0);
    }
    if (!rl_outfile_commit(&curves, err, errlen))
        goto done;
    if (!rl_outfile_open(&halves, r->dir, "saxe2014.csv", err, errlen))
        goto done;
    fputs("s,u0,lr,half_steps,half_steps_predicted\n", halves.f);
    for (int i = 0; i < SAXE_S; i++)
        for (int j = 0; j < SAXE_U0; j++)
            fprintf(halves.f, "%g,%g,%g,%.9g,%.9g\n", saxe_s[i], saxe_u0[j],
                    saxe_lr, half[i][j], pred[i][j]);
    if (!rl_outfile_commit(&halves, err, errlen))
        goto done;

    for (int i = 0; i < SAXE_S; i++) {
        char q[160];
        double want = 1.0 / (4.0 * saxe_s[i] * saxe_lr);
        snprintf(q, sizeof(q), "s = %g: slope of t_half vs ln(1/u0) (steps)",
                 saxe_s[i]);
        rl_repro_check(r, q, slope[i], RL_CHECK_NEAR, want, 0.02 * want,
                       "1/(4 s lr) for MSE without 1/2 (2%)");
        double worst = 0;
        for (int j = 0; j < SAXE_U0; j++) {
            double dev = half[i][j] / pred[i][j] - 1.0;
            if (!(fabs(dev) <= fabs(worst)))
                worst = dev;
        }
        snprintf(q, sizeof(q), "s = %g: worst t_half / predicted - 1 over u0",
                 saxe_s[i]);
        rl_repro_check(r, q, worst, RL_CHECK_NEAR, 0.0, 0.02,
                       "logistic u(t) of rate 4 s lr (2%)");
    }
    rl_repro_check(r, "slope(s = 0.25) / slope(s = 0.5)", slope[0] / slope[1],
                   RL_CHECK_NEAR, 2.0, 0.04, "half time halves when s doubles "
                   "(2%)");

    /* figure: the sigmoids, and the half times against ln(1/u0) */
    struct rp_fig f;
    char sub[256];
    snprintf(sub, sizeof(sub), "two-layer linear net, H = %d, balanced init "
             "along the mode, 4 whitened points (Σxx = I), lr %g; solid: "
             "richlazy, dashed: logistic u(t) with rate 4·s·lr", SAXE_H,
             saxe_lr);
    if (!rp_fig_init(&f, 1500, 640, "saxe2014: a mode is learnt along a "
                     "sigmoid; the delay grows as ln(1/u0)", sub, err,
                     errlen))
        goto done;
    struct rp_panel p;
    double tmax = 0;
    for (int j = 0; j < SAXE_U0; j++) {
        const struct saxe_curve *c = &cv[j];
        if (c->n)
            tmax = fmax(tmax, c->t[c->n - 1]);
    }
    rp_panel_init(&f, &p, 120, 110, 560, 430, 0, tmax, false, 0, 1.35, false,
                  "step", "mode strength u / s",
                  "Learning the mode, s = 0.25 (one curve per u0)");
    for (int j = 0; j < SAXE_U0; j++) {
        const struct saxe_curve *c = &cv[j];
        uint32_t col = rl_color_mix(RP_RICH, 0xFF5A1E00u,
                                    (double)j / (SAXE_U0 - 1));
        rp_line(&f, &p, c->t, c->u, c->n, col, 4.0f, false);
        rp_line(&f, &p, c->t, c->ut, c->n, RP_INK, 1.2f, true);
    }
    {
        const char *labels[2] = {"richlazy (u0 = 1e-2 ... 1e-6)",
                                 "logistic, Saxe et al. 2014"};
        const uint32_t colors[2] = {RP_RICH, RP_INK};
        const int style[2] = {0, 1};
        rp_legend(&f, &p, 1, labels, colors, style, 2);
    }
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < SAXE_S; i++)
        for (int j = 0; j < SAXE_U0; j++) {
            lo = fmin(lo, fmin(half[i][j], pred[i][j]));
            hi = fmax(hi, fmax(half[i][j], pred[i][j]));
        }
    rp_panel_init(&f, &p, 860, 110, 560, 430, 0, lnu[SAXE_U0 - 1] * 1.08,
                  false, 0, hi * 1.1, false, "ln(1 / u0)",
                  "steps to half the loss",
                  "Half-loss time: slope 1/(4·s·lr)");
    const uint32_t scol[SAXE_S] = {RP_RICH, 0xFF8C2D04u};
    for (int i = 0; i < SAXE_S; i++) {
        double xs[SAXE_U0 + 1], ys[SAXE_U0 + 1];
        for (int j = 0; j < SAXE_U0; j++) {
            xs[j] = lnu[j];
            ys[j] = pred[i][j];
        }
        rp_line(&f, &p, xs, ys, SAXE_U0, RP_INK, 1.5f, true);
        rp_points(&f, &p, lnu, half[i], SAXE_U0, scol[i], 6.0f);
    }
    {
        const char *labels[3] = {"s = 0.25 (richlazy)", "s = 0.5 (richlazy)",
                                 "predicted"};
        const uint32_t colors[3] = {scol[0], scol[1], RP_INK};
        const int style[3] = {2, 2, 1};
        rp_legend(&f, &p, 0, labels, colors, style, 3);
    }
    char path[4200];
    ok = rl_repro_path(r, path, sizeof(path), "saxe2014.png", err, errlen) &&
         rp_fig_save(&f, path, "saxe2014", err, errlen);
    rp_fig_destroy(&f);
done:
    if (curves.f)
        rl_outfile_abort(&curves);
    if (halves.f)
        rl_outfile_abort(&halves);
    free(cv);
    return ok;
}
