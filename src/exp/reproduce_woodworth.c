/* reproduce_woodworth.c: the preset woodworth2020 (Woodworth et al. 2020,
 * "Kernel and rich regimes in overparametrized models"): the diagonal
 * linear network beta = u o u - v o v from u = v = alpha, trained by
 * gradient descent on one point x = (1, 0.5), y = 1, ends at the closed
 * form argmin Q_alpha(beta) s.t. X beta = y (rl_diagonal.h): near the
 * least-l2 interpolator (0.8, 0.4) for large alpha (kernel), near the
 * least-l1 one (1, 0) for small alpha (rich). Derivation:
 * docs/theory.md, "Diagonal linear network" and "Reproduce: woodworth2020".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reproduce_internal.h"
#include "rl_diagonal.h"
#include "rl_output.h"

static const double ww_lr = 1e-3;
static const double ww_tol = 0.002; /* issue 14 */
/* FIELD.md's end points (argmin Q_alpha, three decimals), for alpha =
 * 3, 1, 0.3, 0.1, 0.03 */
static const double ww_field[RL_WOODWORTH_ROWS][2] = {
    {0.800, 0.400}, {0.803, 0.394}, {0.873, 0.253}, {0.952, 0.097},
    {0.985, 0.030}};

enum { WW_PATH_MAX = 4096 };

/* The gradient-descent path of beta from u = v = alpha, every `every`
 * steps, until the loss is at most 1e-20 (or max_steps); n points. */
static int ww_path(double alpha, double *bx, double *by, int cap)
{
    struct rl_diagonal m;
    if (!rl_diagonal_init(&m, 2, 1, alpha))
        return 0;
    int n = 0;
    long every = 1;
    for (long t = 0; t < 10000000 && n < cap; t++) {
        double beta[2];
        rl_diagonal_beta(&m, beta);
        if (t % every == 0) {
            bx[n] = beta[0];
            by[n] = beta[1];
            n++;
            if (n == cap / 2)
                every *= 4; /* long runs: thinner at the end */
        }
        double loss = rl_diagonal_step(&m, rl_woodworth_x, &rl_woodworth_y,
                                       1, ww_lr, 0.0);
        if (loss <= 1e-20)
            break;
    }
    double beta[2];
    rl_diagonal_beta(&m, beta);
    if (n < cap) {
        bx[n] = beta[0];
        by[n] = beta[1];
        n++;
    }
    rl_diagonal_destroy(&m);
    return n;
}


/* row i's colour: viridis-like, dark purple (alpha 3) to green (alpha 0.03),
 * neither the rich orange nor the lazy blue of the nets */
static uint32_t ww_color(int i)
{
    static const uint32_t pal[] = {0xFF440154u, 0xFF3E4A89u, 0xFF26828Eu,
                                   0xFF35B779u, 0xFF90D743u};
    int n = (int)(sizeof(pal) / sizeof(pal[0]));
    return pal[i < n ? i : n - 1];
}

bool rl_preset_woodworth2020(struct rl_repro *r, char *err, size_t errlen)
{
    rl_repro_say(r, "diagonal net on x = (1, 0.5), y = 1: %d initial "
                 "scales, gradient descent at lr %g", RL_WOODWORTH_ROWS,
                 ww_lr);
    struct rl_woodworth_row rows[RL_WOODWORTH_ROWS];
    rl_woodworth_check(rows, ww_lr, ww_tol);
    struct rl_outfile of;
    if (!rl_outfile_open(&of, r->dir, "woodworth2020.csv", err, errlen))
        return false;
    fputs("alpha,beta1,beta2,beta1_closed_form,beta2_closed_form,gap,steps,"
          "converged\n", of.f);
    for (int i = 0; i < RL_WOODWORTH_ROWS; i++)
        fprintf(of.f, "%g,%.9g,%.9g,%.9g,%.9g,%.3g,%ld,%d\n", rows[i].alpha,
                rows[i].measured[0], rows[i].measured[1],
                rows[i].expected[0], rows[i].expected[1], rows[i].gap,
                rows[i].steps, rows[i].converged);
    if (!rl_outfile_commit(&of, err, errlen))
        return false;
    for (int i = 0; i < RL_WOODWORTH_ROWS; i++) {
        char q[160];
        snprintf(q, sizeof(q), "alpha %g: max |beta_GD - closed form|",
                 rows[i].alpha);
        rl_repro_check(r, q, rows[i].converged ? rows[i].gap : NAN,
                       RL_CHECK_NEAR, 0.0, ww_tol,
                       "Woodworth et al. 2020 Thm 1 (+-0.002)");
    }
    for (int i = 0; i < RL_WOODWORTH_ROWS; i++) {
        char q[160];
        snprintf(q, sizeof(q), "alpha %g: beta1 of GD vs the paper's value",
                 rows[i].alpha);
        rl_repro_check(r, q, rows[i].measured[0], RL_CHECK_NEAR,
                       ww_field[i][0], ww_tol, "Woodworth et al. 2020 Thm 1 (+-0.002)");
    }

    /* figure: the beta plane, the line of interpolators, each alpha's
     * path and end point, the two limits */
    double *bx = malloc(WW_PATH_MAX * sizeof(double));
    double *by = malloc(WW_PATH_MAX * sizeof(double));
    struct rp_fig f;
    bool ok = false;
    if (!bx || !by) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (!rp_fig_init(&f, 1000, 720,
                     "woodworth2020: where gradient descent ends depends on "
                     "the init scale α",
                     "diagonal net βᵢ = uᵢ² − vᵢ² from u = v = α on one point "
                     "x = (1, 0.5), y = 1; lines: GD paths, rings: closed "
                     "form argmin Q_α",
                     err, errlen))
        goto done;
    struct rp_panel p;
    rp_panel_init(&f, &p, 130, 110, 800, 520, -0.05, 1.15, false, -0.08,
                  0.62, false, "β₁", "β₂",
                  "End points on the line x·β = y");
    double lx[2] = {-0.05, 1.15}, ly[2] = {(1 - lx[0]) / 0.5,
                                           (1 - lx[1]) / 0.5};
    rp_line(&f, &p, lx, ly, 2, RP_MUTED, 1.5f, true);
    for (int i = 0; i < RL_WOODWORTH_ROWS; i++) {
        /* a sequential palette over alpha, apart from the nets' colours */
        uint32_t col = ww_color(i);
        int n = ww_path(rows[i].alpha, bx, by, WW_PATH_MAX);
        /* alpha 3 and 1 take nearly the same path: the first drawn wider
         * shows as an edge around the second */
        rp_line(&f, &p, bx, by, n, col, i == 0 ? 5.0f : 2.5f, false);
        rp_points(&f, &p, &rows[i].measured[0], &rows[i].measured[1], 1, col,
                  6.0f);
        float cx = rl_axis_map(&p.ax, rows[i].expected[0]);
        float cy = rl_axis_map(&p.ay, rows[i].expected[1]);
        rl_canvas_ring(&f.cv, cx, cy, 10, 1.5f, RP_INK);
    }
    double l2[2] = {0.8, 0.4}, l1[2] = {1.0, 0.0};
    rp_points(&f, &p, &l2[0], &l2[1], 1, RP_INK, 3.0f);
    rp_points(&f, &p, &l1[0], &l1[1], 1, RP_INK, 3.0f);
    /* labels left of their points, clear of the rings, the paths coming
     * in from the lower left and the dashed line going up-left */
    rl_canvas_text(&f.cv, &f.tick, rl_axis_map(&p.ax, 0.8) - 24,
                   rl_axis_map(&p.ay, 0.4) - 14, "min l2 norm", RP_INK,
                   RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
    rl_canvas_text(&f.cv, &f.tick, rl_axis_map(&p.ax, 1.0) - 10,
                   rl_axis_map(&p.ay, 0.0) + 10, "min l1 norm", RP_INK,
                   RL_ALIGN_RIGHT | RL_ALIGN_TOP);
    {
        char lab[RL_WOODWORTH_ROWS + 1][48];
        const char *labels[RL_WOODWORTH_ROWS + 1];
        uint32_t colors[RL_WOODWORTH_ROWS + 1];
        int style[RL_WOODWORTH_ROWS + 1];
        for (int i = 0; i < RL_WOODWORTH_ROWS; i++) {
            snprintf(lab[i], sizeof(lab[i]), "α = %g", rows[i].alpha);
            labels[i] = lab[i];
            colors[i] = ww_color(i);
            style[i] = 0;
        }
        snprintf(lab[RL_WOODWORTH_ROWS], sizeof(lab[0]), "x·β = y");
        labels[RL_WOODWORTH_ROWS] = lab[RL_WOODWORTH_ROWS];
        colors[RL_WOODWORTH_ROWS] = RP_MUTED;
        style[RL_WOODWORTH_ROWS] = 1;
        rp_legend(&f, &p, 1, labels, colors, style, RL_WOODWORTH_ROWS + 1);
    }
    char path[4200];
    ok = rl_repro_path(r, path, sizeof(path), "woodworth2020.png", err,
                       errlen) &&
         rp_fig_save(&f, path, "woodworth2020", err, errlen);
    rp_fig_destroy(&f);
done:
    free(bx);
    free(by);
    return ok;
}
